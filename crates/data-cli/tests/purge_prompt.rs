//! `data purge` on a terminal asks before destroying anything: driven
//! through a pseudo-terminal, a "no" (or just Enter) keeps the package and
//! exits 1, a "yes" destroys it.
#![cfg(unix)]

#[allow(dead_code)]
#[path = "registry/server.rs"]
mod server;

use rexpect::process::wait::WaitStatus;
use rexpect::session::PtySession;
use server::{fixtures, text, Registry, User};

const PROMPT: &str = "Destroy alice/language-codes and every revision for good?";

/// `data purge ARGS` as `user`, on a pseudo-terminal.
fn purge_on_a_terminal(user: &User, args: &[&str]) -> PtySession {
    let mut all = vec!["purge"];
    all.extend_from_slice(args);
    user.on_terminal(&all)
}

/// Waits for the end; the exit code.
fn exit_code(mut session: PtySession) -> i32 {
    session.exp_eof().expect("exit");
    match session.process.wait().expect("wait") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("data purge did not exit normally: {other:?}"),
    }
}

/// Alice, with language-codes published.
fn published(registry: &Registry) -> User {
    let alice = registry.user("alice");
    let dir = fixtures().join("language-codes");
    alice.json(&["publish", dir.to_str().unwrap(), "--yes"], None);
    alice
}

/// `data get alice/language-codes` into a fresh folder: its exit code and
/// standard error.
fn get(alice: &User, out: &str) -> (Option<i32>, String) {
    let out = alice.home.path().join(out);
    let got = alice.data(
        &[
            "get",
            "alice/language-codes",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    (got.status.code(), text(&got.stderr))
}

#[test]
fn answering_no_or_enter_at_the_purge_prompt_keeps_the_package() {
    let registry = Registry::start();
    let alice = published(&registry);

    let mut session = purge_on_a_terminal(&alice, &["alice/language-codes"]);
    session.exp_string(PROMPT).expect("the prompt");
    // No by default: the prompt says so.
    session.exp_string("[y/N]").expect("the default");
    session.send("n").expect("answer");
    session.flush().expect("flush");
    session
        .exp_string("nothing purged")
        .expect("nothing purged");
    assert_eq!(exit_code(session), 1);
    assert_eq!(get(&alice, "after-no").0, Some(0));

    // Enter takes the default, no.
    let mut session = purge_on_a_terminal(&alice, &["alice/language-codes"]);
    session.exp_string(PROMPT).expect("the prompt");
    session.send("\r").expect("enter");
    session.flush().expect("flush");
    session
        .exp_string("nothing purged")
        .expect("nothing purged");
    assert_eq!(exit_code(session), 1);
    assert_eq!(get(&alice, "after-enter").0, Some(0));

    // Declining with --json still prints one JSON document.
    let mut session = purge_on_a_terminal(&alice, &["alice/language-codes", "--json"]);
    session.exp_string(PROMPT).expect("the prompt");
    session.send("n").expect("answer");
    session.flush().expect("flush");
    session
        .exp_string(r#""purged": false"#)
        .expect("the JSON answer");
    assert_eq!(exit_code(session), 1);

    // Nothing was even hidden: the owner's info says it is not deleted.
    let info = alice.json(&["info", "alice/language-codes"], None);
    assert_eq!(info["deleted"], false);
}

#[test]
fn answering_yes_at_the_purge_prompt_destroys_the_package() {
    let registry = Registry::start();
    let alice = published(&registry);
    assert_eq!(get(&alice, "before").0, Some(0));

    let mut session = purge_on_a_terminal(&alice, &["alice/language-codes"]);
    session.exp_string(PROMPT).expect("the prompt");
    session.send("y").expect("answer");
    session.flush().expect("flush");
    session
        .exp_string("purged alice/language-codes: every revision is gone")
        .expect("purged");
    assert_eq!(exit_code(session), 0);

    // Gone: fetching it is refused (not found), and nothing can restore it.
    let (code, message) = get(&alice, "after");
    assert_eq!(code, Some(4), "{message}");
    assert!(message.contains("no package"), "{message}");
    let undelete = alice.data(&["undelete", "alice/language-codes"], None);
    assert_eq!(
        undelete.status.code(),
        Some(4),
        "{}",
        text(&undelete.stderr)
    );
}
