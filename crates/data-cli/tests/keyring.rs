//! `data login --store keyring` (and `credential-store = "keyring"`)
//! against a real `data-registry` process: the token lives in the OS
//! keyring, never in `~/.dpm/credentials`, and one DPM_HOME never sees
//! another's token.
//!
//! Each test first checks that the keyring works here (set, get and delete
//! of a scratch entry) and is skipped, saying why, when it does not.

#[allow(dead_code)]
#[path = "registry/server.rs"]
mod server;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use server::{fixtures, text, Registry, User};

/// The keyring entry `data` uses for `username` on `registry` with the
/// DPM_HOME `dpm_home` (as `settings::keyring_user` and
/// `settings::open_keyring_entry` build it).
fn entry_for(registry: &str, username: &str, dpm_home: &Path) -> keyring::Entry {
    let root = std::fs::canonicalize(dpm_home).expect("canonical DPM_HOME");
    let user = format!("{username} on {registry} for {}", root.display());
    open_entry(&user).expect("keyring entry")
}

#[cfg(target_os = "linux")]
fn open_entry(user: &str) -> keyring::Result<keyring::Entry> {
    use keyring::keyutils::{decode_error, KeyutilsCredential};
    use linux_keyutils::{KeyRing, KeyRingIdentifier};
    let session =
        KeyRing::from_special_id(KeyRingIdentifier::Session, false).map_err(decode_error)?;
    Ok(keyring::Entry::new_with_credential(Box::new(
        KeyutilsCredential {
            session,
            persistent: None,
            description: format!("keyring-rs:{user}@data"),
        },
    )))
}

#[cfg(not(target_os = "linux"))]
fn open_entry(user: &str) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new("data", user)
}

/// Whether the OS keyring works here; why not when it does not.
fn keyring_works() -> Result<(), String> {
    let user = format!(
        "data keyring probe {} {:?}",
        std::process::id(),
        std::thread::current().id()
    );
    let entry = open_entry(&user).map_err(|e| format!("open: {e}"))?;
    entry
        .set_password("probe-value")
        .map_err(|e| format!("set: {e}"))?;
    let read = entry.get_password().map_err(|e| format!("get: {e}"));
    entry
        .delete_credential()
        .map_err(|e| format!("delete: {e}"))?;
    match read? {
        value if value == "probe-value" => Ok(()),
        _ => Err("get: another value came back".into()),
    }
}

/// Skips the calling test (returns true) when the keyring does not work.
#[allow(clippy::print_stderr)]
fn skip() -> bool {
    match keyring_works() {
        Ok(()) => false,
        Err(why) => {
            eprintln!("skipped: the OS keyring does not work here ({why})");
            true
        }
    }
}

/// A signed-up user of `registry` with a home of their own, not logged in.
fn signed_up(registry: &Registry, username: &str) -> User {
    User {
        registry: registry.url.clone(),
        home: tempfile::tempdir().expect("home"),
        token: registry.signup(username),
    }
}

/// A user sharing `user`'s token (so the harness checks no output shows
/// it) but with another, empty, DPM_HOME.
fn other_home(user: &User) -> User {
    User {
        registry: user.registry.clone(),
        home: tempfile::tempdir().expect("home"),
        token: user.token.clone(),
    }
}

fn dpm(user: &User) -> PathBuf {
    user.home.path().join("dpm")
}

fn credentials_text(user: &User) -> String {
    std::fs::read_to_string(dpm(user).join("credentials")).expect("credentials file")
}

/// `data ARGS` with `input` on standard input.
fn data_with_stdin(user: &User, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_data"))
        .args(args)
        .current_dir(user.home.path())
        .env("DPM_HOME", dpm(user))
        .env("DATA_REGISTRY", &user.registry)
        .env_remove("DATA_TOKEN")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run data");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("data output")
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json output")
}

#[test]
fn a_keyring_login_keeps_the_token_out_of_the_credentials_file() {
    if skip() {
        return;
    }
    let registry = Registry::start();
    let alice = signed_up(&registry, "alice");
    let login = alice.json(
        &["login", "--token", &alice.token, "--store", "keyring"],
        None,
    );
    assert_eq!(login["username"], "alice");
    assert_eq!(login["token_store"], "keyring");

    // The file: mode 0600, who and where, but not the token.
    let credentials = dpm(&alice).join("credentials");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&credentials)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "credentials mode {mode:o}");
    }
    let file = credentials_text(&alice);
    assert!(!file.contains(&alice.token[4..]), "the token is on disk");
    assert!(file.contains("token_store = \"keyring\""), "{file}");
    assert!(file.contains("username = \"alice\""), "{file}");
    // ... and no other file under DPM_HOME has it either.
    for entry in std::fs::read_dir(dpm(&alice)).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !text(&bytes).contains(&alice.token[4..]),
                "{} holds the token",
                path.display()
            );
        }
    }
    // The keyring holds it, under this registry, user and home.
    let entry = entry_for(&registry.url, "alice", &dpm(&alice));
    assert_eq!(entry.get_password().unwrap(), alice.token);

    // Commands read it from there.
    let me = alice.json(&["whoami"], None);
    assert_eq!(me["username"], "alice");
    assert_eq!(me["token_store"], "keyring");
    let dir = alice.home.path().join("tables");
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("language-codes.csv");
    std::fs::copy(
        fixtures().join("language-codes/data/language-codes.csv"),
        &csv,
    )
    .unwrap();
    let pushed = alice.json(&["push", csv.to_str().unwrap(), "--yes"], None);
    assert_eq!(pushed["revision"], 1);
    let (status, bytes) = registry.get_bytes("/alice/language-codes/v/1/language-codes.csv");
    assert_eq!(status, 200);
    assert_eq!(bytes, std::fs::read(&csv).unwrap());

    // Another DPM_HOME is not logged in ...
    let bob = other_home(&alice);
    let whoami = bob.data(&["whoami"], None);
    assert_eq!(whoami.status.code(), Some(2));
    assert!(text(&whoami.stderr).contains("not logged in"));
    // ... not even with alice's credentials file copied in: the entry
    // names the home, so the keyring has none for this one.
    std::fs::create_dir_all(dpm(&bob)).unwrap();
    std::fs::copy(&credentials, dpm(&bob).join("credentials")).unwrap();
    let whoami = bob.data(&["whoami"], None);
    assert_eq!(whoami.status.code(), Some(2));
    let message = text(&whoami.stderr);
    assert!(
        message.contains("OS keyring")
            && message.contains("data login")
            && message.contains("DATA_TOKEN"),
        "{message}"
    );
    // Alice is still logged in.
    assert_eq!(alice.json(&["whoami"], None)["username"], "alice");

    // Log-out deletes the entry and the file.
    let out = alice.json(&["logout"], None);
    assert_eq!(out["logged_out"], true);
    assert_eq!(out["token_store"], "keyring");
    assert!(!credentials.exists());
    assert!(matches!(entry.get_password(), Err(keyring::Error::NoEntry)));
    let whoami = alice.data(&["whoami"], None);
    assert_eq!(whoami.status.code(), Some(2));
    assert!(text(&whoami.stderr).contains("not logged in"));
}

#[test]
fn a_password_login_in_the_keyring_is_revoked_at_logout() {
    if skip() {
        return;
    }
    let registry = Registry::start();
    let alice = signed_up(&registry, "alice");
    let out = data_with_stdin(
        &alice,
        &[
            "login",
            "--username",
            "alice",
            "--password-stdin",
            "--store",
            "keyring",
            "--json",
        ],
        "password123\n",
    );
    assert_eq!(json_of(&out)["token_store"], "keyring");
    let token = entry_for(&registry.url, "alice", &dpm(&alice))
        .get_password()
        .expect("the token in the keyring");
    assert!(token.starts_with("dpm_"), "not a token");
    assert!(!text(&out.stdout).contains(&token[4..]) && !text(&out.stderr).contains(&token[4..]));
    let file = credentials_text(&alice);
    assert!(!file.contains(&token[4..]), "the token is on disk");
    assert!(file.contains("token_id"), "{file}");

    let out = alice.json(&["logout"], None);
    assert_eq!(out["logged_out"], true);
    assert_eq!(out["token_revoked"], true);
    // The registry no longer takes it.
    let whoami = alice.data_env(&["whoami"], None, &[("DATA_TOKEN", &token)]);
    assert!(!whoami.status.success(), "{}", text(&whoami.stdout));
    assert!(
        text(&whoami.stderr).contains("not valid"),
        "{}",
        text(&whoami.stderr)
    );
}

#[test]
fn the_credential_store_setting_and_the_store_flag() {
    if skip() {
        return;
    }
    let registry = Registry::start();
    let alice = signed_up(&registry, "alice");

    let bad = alice.data(&["config", "set", "credential-store", "vault"], None);
    assert_eq!(bad.status.code(), Some(2));
    let message = text(&bad.stderr);
    assert!(
        message.contains("\"file\"")
            && message.contains("\"keyring\"")
            && message.contains("vault"),
        "{message}"
    );
    let bad = alice.data(
        &["login", "--token", &alice.token, "--store", "vault"],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(!dpm(&alice).join("credentials").exists());

    let set = alice.data(&["config", "set", "credential-store", "keyring"], None);
    assert!(set.status.success(), "{}", text(&set.stderr));
    assert_eq!(
        text(
            &alice
                .data(&["config", "get", "credential-store"], None)
                .stdout
        )
        .trim(),
        "keyring"
    );
    let list = alice.json(&["config", "list"], None);
    assert_eq!(list["effective"]["credential-store"], "keyring");

    // The setting picks the keyring ...
    let login = alice.json(&["login", "--token", &alice.token], None);
    assert_eq!(login["token_store"], "keyring");
    assert!(!credentials_text(&alice).contains(&alice.token[4..]));
    let entry = entry_for(&registry.url, "alice", &dpm(&alice));
    assert_eq!(entry.get_password().unwrap(), alice.token);

    // ... and the flag overrides it; the keyring entry goes.
    let login = alice.json(&["login", "--token", &alice.token, "--store", "file"], None);
    assert_eq!(login["token_store"], "file");
    let file = credentials_text(&alice);
    assert!(file.contains(&alice.token), "{}", file.len());
    assert!(!file.contains("token_store"));
    assert!(matches!(entry.get_password(), Err(keyring::Error::NoEntry)));
    assert_eq!(alice.json(&["whoami"], None)["token_store"], "file");

    // Back to the keyring: the token leaves the file.
    alice.json(&["login", "--token", &alice.token], None);
    assert!(!credentials_text(&alice).contains(&alice.token[4..]));
    assert_eq!(entry.get_password().unwrap(), alice.token);

    let unset = alice.data(&["config", "unset", "credential-store"], None);
    assert!(unset.status.success());
    assert_eq!(
        alice.json(&["config", "list"], None)["effective"]["credential-store"],
        "file"
    );
    alice.json(&["logout"], None);
    assert!(matches!(entry.get_password(), Err(keyring::Error::NoEntry)));
}

#[test]
fn a_lost_keyring_entry_says_to_log_in_again() {
    if skip() {
        return;
    }
    let registry = Registry::start();
    let alice = signed_up(&registry, "alice");
    alice.json(
        &["login", "--token", &alice.token, "--store", "keyring"],
        None,
    );
    // What a reboot does to the kernel keyring.
    let entry = entry_for(&registry.url, "alice", &dpm(&alice));
    entry.delete_credential().unwrap();

    let whoami = alice.data(&["whoami"], None);
    assert_eq!(whoami.status.code(), Some(2));
    let message = text(&whoami.stderr);
    assert!(
        message.contains("OS keyring")
            && message.contains("no entry")
            && message.contains("data login")
            && message.contains("DATA_TOKEN"),
        "{message}"
    );
    std::fs::write(alice.home.path().join("small.csv"), "id,name\n1,a\n2,b\n").unwrap();
    let push = alice.data(&["push", "small.csv", "--yes"], None);
    assert_eq!(push.status.code(), Some(2));
    assert!(
        text(&push.stderr).contains("OS keyring"),
        "{}",
        text(&push.stderr)
    );

    // What needs no token goes on without it, and says so.
    let search = alice.data(&["search", "anything", "--json"], None);
    assert!(search.status.success(), "{}", text(&search.stderr));
    assert!(
        text(&search.stderr).contains("going on without your token"),
        "{}",
        text(&search.stderr)
    );

    // DATA_TOKEN wins over the keyring, which is not even read.
    let out = alice.data_env(&["whoami", "--json"], None, &[("DATA_TOKEN", &alice.token)]);
    let me = json_of(&out);
    assert_eq!(me["username"], "alice");
    assert_eq!(me["token_store"], "env");
    // `data config list` needs no token.
    alice.json(&["config", "list"], None);

    // Logging in again mends it; so does logging out.
    alice.json(
        &["login", "--token", &alice.token, "--store", "keyring"],
        None,
    );
    assert_eq!(alice.json(&["whoami"], None)["username"], "alice");
    entry.delete_credential().unwrap();
    let out = alice.json(&["logout"], None);
    assert_eq!(out["logged_out"], true);
    assert!(!dpm(&alice).join("credentials").exists());
}

/// A keyring that refuses the token (here: a kernel key description longer
/// than the 4095 bytes keyutils takes, from a very long DPM_HOME) is an
/// error that suggests `--store file`; the token is never written to disk
/// instead.
#[cfg(target_os = "linux")]
#[test]
fn a_keyring_that_refuses_the_token_is_an_error_not_a_file() {
    if skip() {
        return;
    }
    let registry = Registry::start();
    let alice = signed_up(&registry, "alice");
    // DPM_HOME of 4060 bytes: under PATH_MAX (4096) with room for
    // "/credentials.tmp", but the key description is longer than 4095.
    let mut root = std::fs::canonicalize(alice.home.path()).unwrap();
    let base = root.as_os_str().len();
    assert!(base < 3800, "temporary folder too deep: {}", root.display());
    let mut left = 4060 - base;
    while left > 1 {
        let part = (left - 1).min(200);
        root.push("d".repeat(part));
        left -= part + 1;
    }
    assert!(root.as_os_str().len() >= 4059, "{}", root.as_os_str().len());
    std::fs::create_dir_all(&root).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_data"))
        .args(["login", "--token", &alice.token, "--store", "keyring"])
        .current_dir(alice.home.path())
        .env("DPM_HOME", &root)
        .env("DATA_REGISTRY", &alice.registry)
        .env_remove("DATA_TOKEN")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let message = text(&out.stderr);
    assert!(
        message.contains("OS keyring") && message.contains("--store file"),
        "{message}"
    );
    assert!(!message.contains(&alice.token[4..]));
    assert!(!root.join("credentials").exists());
    assert!(!root.join("credentials.tmp").exists());
}
