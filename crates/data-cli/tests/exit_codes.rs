//! Exit codes a script can branch on: 0 done and valid, 1 invalid (or a
//! "no" at a prompt), 2 could not run locally, 3 the registry could not be
//! reached or failed (retry later), 4 the registry refused the request.

#[allow(dead_code)]
#[path = "registry/server.rs"]
mod server;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};

use server::{copy_dir, fixtures, text, Registry};

/// `data ARGS` with its own empty home, against `registry`, and `env`.
fn data_at(registry: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().expect("home");
    let mut command = Command::new(env!("CARGO_BIN_EXE_data"));
    command
        .args(args)
        .current_dir(home.path())
        .env("DPM_HOME", home.path().join("dpm"))
        .env("DATA_REGISTRY", registry)
        .env_remove("DATA_TOKEN")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run data")
}

#[track_caller]
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// A URL on loopback where nothing listens: a port bound and let go.
fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{address}")
}

/// A web server that answers every request with `status` and `body`
/// (JSON if it looks like JSON), for answers a real registry never gives.
fn canned_server(status: &'static str, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for mut stream in listener.incoming().map_while(Result::ok) {
            // Read the request head (the requests here have no body).
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let kind = if body.starts_with('{') {
                "application/json"
            } else {
                "text/html"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn an_unreachable_registry_exits_3() {
    let url = closed_port_url();
    let get = data_at(&url, &["get", "alice/gdp"], &[]);
    assert_exit(&get, 3);
    assert!(
        text(&get.stderr).contains("cannot reach the registry"),
        "{}",
        text(&get.stderr)
    );
    let whoami = data_at(&url, &["whoami"], &[("DATA_TOKEN", "dpm_0000")]);
    assert_exit(&whoami, 3);
    let search = data_at(&url, &["search", "gdp"], &[]);
    assert_exit(&search, 3);
    // A data URL that cannot be reached, read before the registry is asked.
    let push = data_at(
        &url,
        &[
            "push",
            &format!("{url}/prices.csv"),
            "--publisher",
            "alice",
            "--yes",
        ],
        &[("DATA_TOKEN", "dpm_0000")],
    );
    assert_exit(&push, 3);
    assert!(
        text(&push.stderr).contains("failed to fetch"),
        "{}",
        text(&push.stderr)
    );
}

#[test]
fn a_failing_registry_or_one_that_is_not_the_api_exits_3() {
    let failing = canned_server(
        "503 Service Unavailable",
        r#"{"error":{"code":"internal","message":"the registry failed"}}"#,
    );
    assert_exit(&data_at(&failing, &["search", "gdp"], &[]), 3);
    assert_exit(&data_at(&failing, &["get", "alice/gdp"], &[]), 3);
    let busy = canned_server(
        "429 Too Many Requests",
        r#"{"error":{"code":"bad_request","message":"slow down"}}"#,
    );
    assert_exit(&data_at(&busy, &["search", "gdp"], &[]), 3);
    let not_a_registry = canned_server("200 OK", "<html>a web page</html>");
    let whoami = data_at(&not_a_registry, &["whoami"], &[("DATA_TOKEN", "dpm_0000")]);
    assert_exit(&whoami, 3);
    assert!(
        text(&whoami.stderr).contains("not its API"),
        "{}",
        text(&whoami.stderr)
    );
    let missing_page = canned_server("404 Not Found", "<html>no such page</html>");
    assert_exit(&data_at(&missing_page, &["get", "alice/gdp"], &[]), 3);
}

#[test]
fn registry_refusals_exit_4() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let bob = registry.user("bob");

    // A bad token: whoami, and logging in with it.
    let whoami = alice.data_env(&["whoami"], None, &[("DATA_TOKEN", "dpm_0000")]);
    assert_exit(&whoami, 4);
    assert!(
        text(&whoami.stderr).contains("data login"),
        "{}",
        text(&whoami.stderr)
    );
    let login = alice.data(&["login", "--token", "dpm_0000"], None);
    assert_exit(&login, 4);

    // Publishing twice without --force: a conflict.
    let dir = alice.home.path().join("codes");
    copy_dir(&fixtures().join("language-codes"), &dir);
    let first = alice.data(&["publish", "--yes"], Some(&dir));
    assert_exit(&first, 0);
    let again = alice.data(&["publish", "--yes"], Some(&dir));
    assert_exit(&again, 4);
    assert!(
        text(&again.stderr).contains("already published: use --force"),
        "{}",
        text(&again.stderr)
    );

    // A tag that exists already: a conflict too.
    assert_exit(&alice.data(&["tag", "v1"], Some(&dir)), 0);
    let tag = alice.data(&["tag", "v1"], Some(&dir));
    assert_exit(&tag, 4);
    assert!(
        text(&tag.stderr).contains("--force"),
        "{}",
        text(&tag.stderr)
    );

    // A package that is not there.
    let out = alice.home.path().join("out");
    let get = alice.data(
        &[
            "get",
            "alice/no-such-package",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_exit(&get, 4);
    assert!(
        text(&get.stderr).contains("no package"),
        "{}",
        text(&get.stderr)
    );

    // Asked for JSON, the failure comes as JSON on stdout too.
    let get = bob.data(&["get", "alice/no-such-package", "--json"], None);
    assert_exit(&get, 4);
    let answer: serde_json::Value = serde_json::from_slice(&get.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&get.stdout)));
    assert_eq!(answer["error"]["exit_code"], 4);
    assert!(
        answer["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no package")),
        "{answer}"
    );

    // Not the owner.
    let delete = bob.data(&["delete", "alice/language-codes"], None);
    assert_exit(&delete, 4);
    let purge = bob.data(&["purge", "alice/language-codes", "--yes"], None);
    assert_exit(&purge, 4);
}

#[test]
fn local_problems_exit_2_and_invalid_data_exits_1() {
    let registry = closed_port_url();
    let dir = tempfile::tempdir().expect("dir");

    let missing = dir.path().join("missing.csv");
    let out = data_at(&registry, &["validate", missing.to_str().unwrap()], &[]);
    assert_exit(&out, 2);

    // A date that is not a date.
    let invalid = dir.path().join("invalid.csv");
    std::fs::write(&invalid, "id,when\n1,2020-01-01\n2,2020-01-02\n").unwrap();
    let schema = dir.path().join("schema.json");
    std::fs::write(
        &schema,
        r#"{"fields":[{"name":"id","type":"integer"},{"name":"when","type":"integer"}]}"#,
    )
    .unwrap();
    let out = data_at(
        &registry,
        &[
            "validate",
            invalid.to_str().unwrap(),
            "--schema",
            schema.to_str().unwrap(),
        ],
        &[],
    );
    assert_exit(&out, 1);
    let valid = data_at(&registry, &["validate", invalid.to_str().unwrap()], &[]);
    assert_exit(&valid, 0);

    // clap's own usage errors.
    assert_exit(&data_at(&registry, &["validate", "--no-such-flag"], &[]), 2);
    assert_exit(&data_at(&registry, &["no-such-command"], &[]), 2);

    // Without an account nothing is sent: a local precondition, even
    // though the registry (a closed port) could not be reached anyway.
    let push = data_at(
        &registry,
        &["push", invalid.to_str().unwrap(), "--yes"],
        &[],
    );
    assert_exit(&push, 2);
    assert!(
        text(&push.stderr).contains("data login"),
        "{}",
        text(&push.stderr)
    );
    let purge = data_at(&registry, &["purge", "alice/gdp", "--yes"], &[]);
    assert_exit(&purge, 2);
    // A bad OWNER/NAME is caught before any request.
    let get = data_at(&registry, &["get", "alice/gdp/x/y"], &[]);
    assert_exit(&get, 2);
}
