//! `data login` on a terminal asks for the user name and the password (the
//! password not echoed), driven through a pseudo-terminal against a real
//! `data-registry` process.
#![cfg(unix)]

#[allow(dead_code)]
#[path = "registry/server.rs"]
mod server;

use server::{text, Registry};

#[test]
fn login_asks_for_name_and_password_and_never_echoes_the_password() {
    let registry = Registry::start();
    let bob = registry.user("bob");
    // Start logged out: the prompts are the only way in.
    assert!(bob.data(&["logout"], None).status.success());

    let mut session = bob.on_terminal(&["login"]);
    session.exp_string("User name").expect("user name prompt");
    session.send_line("bob").expect("name");
    session.exp_string("Password").expect("password prompt");
    session.send_line("password123").expect("password");
    let before = session.exp_string("logged in to").expect("logged in");
    assert!(!before.contains("password123"), "echoed: {before:?}");
    let rest = session.exp_eof().expect("exit");
    assert!(!rest.contains("password123"), "echoed: {rest:?}");
    assert_eq!(bob.json(&["whoami"], None)["username"], "bob");

    // A wrong password is refused, and the earlier log-in kept.
    let mut session = bob.on_terminal(&["login"]);
    session.exp_string("User name").expect("user name prompt");
    session.send_line("bob").expect("name");
    session.exp_string("Password").expect("password prompt");
    session.send_line("not-the-password").expect("password");
    let refused = session.exp_eof().expect("exit");
    assert!(refused.contains("error"), "{refused}");
    assert!(!refused.contains("not-the-password"), "echoed: {refused:?}");
    let me = bob.data(&["whoami"], None);
    assert!(me.status.success(), "{}", text(&me.stderr));
}
