//! `data` against a real `data-registry` process on loopback: log-in,
//! publish, tag, conflicts, privacy and credentials.

#[path = "registry/server.rs"]
mod server;

use server::{copy_dir, fixtures, text, CuttingProxy, Registry};

#[test]
fn login_whoami_logout_and_the_credentials_file() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let credentials = alice.home.path().join("dpm/credentials");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&credentials)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "credentials mode {mode:o}");
    }
    let me = alice.json(&["whoami"], None);
    assert_eq!(me["username"], "alice");
    assert_eq!(me["registry"], registry.url.as_str());

    // A bad token is refused with what to do, and not stored.
    let bad = alice.data(&["login", "--token", "dpm_0000"], None);
    assert_eq!(bad.status.code(), Some(4));
    let message = text(&bad.stderr);
    assert!(
        message.contains("not valid") && message.contains("data login"),
        "{message}"
    );
    assert_eq!(alice.json(&["whoami"], None)["username"], "alice");

    // Password log-in without a terminal needs --password-stdin.
    let no_terminal = alice.data(&["login", "--username", "alice"], None);
    assert_eq!(no_terminal.status.code(), Some(2));
    assert!(text(&no_terminal.stderr).contains("--password-stdin"));

    let out = alice.data(&["logout"], None);
    assert!(out.status.success());
    assert!(!credentials.exists());
    let whoami = alice.data(&["whoami"], None);
    assert_eq!(whoami.status.code(), Some(2));
    assert!(text(&whoami.stderr).contains("data login"));
}

#[test]
fn fixture_packages_publish_and_read_back_byte_identical() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    for name in [
        "country-codes",
        "gold-prices",
        "language-codes",
        "s-and-p-500-companies",
    ] {
        let dir = fixtures().join(name);
        let published = alice.json(&["publish", dir.to_str().unwrap(), "--yes"], None);
        assert_eq!(published["revision"], 1, "{name}");
        for file in published["files"].as_array().unwrap() {
            let path = file["path"].as_str().unwrap();
            let owner_name = format!("/alice/{}/v/1/{path}", published["name"].as_str().unwrap());
            let (status, bytes) = registry.get_bytes(&owner_name);
            assert_eq!(status, 200, "{owner_name}");
            assert_eq!(
                bytes,
                std::fs::read(dir.join(path)).unwrap(),
                "{name}: {path}"
            );
        }
    }
    // co2-ppm has real defects: refused (exit 1, the report printed), unless told.
    let co2 = fixtures().join("co2-ppm");
    let refused = alice.data(&["publish", co2.to_str().unwrap(), "--yes"], None);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    assert!(text(&refused.stdout).contains("invalid"));
    assert!(text(&refused.stderr).contains("--allow-invalid"));
    let (status, _) = registry.get_bytes("/alice/co2-ppm/datapackage.json");
    assert_eq!(status, 404);
    let published = alice.json(
        &["publish", co2.to_str().unwrap(), "--yes", "--allow-invalid"],
        None,
    );
    assert_eq!(published["revision"], 1);
}

#[test]
fn republishing_sends_no_bytes_and_needs_force() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let dir = alice.home.path().join("gdp");
    copy_dir(&fixtures().join("language-codes"), &dir);
    let first = alice.json(&["publish", "--yes"], Some(&dir));
    assert!(first["bytes_sent"].as_u64().unwrap() > 0);
    let again = alice.data(&["publish", "--yes"], Some(&dir));
    assert_eq!(again.status.code(), Some(4));
    assert!(
        text(&again.stderr).contains("already published: use --force"),
        "{}",
        text(&again.stderr)
    );
    let forced = alice.json(&["publish", "--yes", "--force"], Some(&dir));
    assert_eq!(forced["revision"], 2);
    assert_eq!(forced["bytes_sent"], 0);
    assert_eq!(forced["blobs_sent"], 0);
}

#[test]
fn tags_conflict_unless_forced_and_private_packages_stay_private() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let bob = registry.user("bob");
    let dir = alice.home.path().join("pkg");
    copy_dir(&fixtures().join("language-codes"), &dir);
    alice.json(&["publish", "--yes", "--private"], Some(&dir));
    alice.json(&["publish", "--yes", "--force"], Some(&dir));
    let tagged = alice.json(&["tag", "v1", "--revision", "1"], Some(&dir));
    assert_eq!(tagged["revision"], 1);
    let conflict = alice.data(&["tag", "v1"], Some(&dir));
    assert_eq!(conflict.status.code(), Some(4));
    assert!(
        text(&conflict.stderr).contains("--force"),
        "{}",
        text(&conflict.stderr)
    );
    let moved = alice.json(&["tag", "v1", "--force"], Some(&dir));
    assert_eq!(moved["revision"], 2);
    let tags = alice.json(&["tags"], Some(&dir));
    assert_eq!(tags["tags"][0]["name"], "v1");

    // Bob sees nothing of it, nor does anyone without a token.
    let hidden = bob.data(&["tags", "alice/language-codes"], None);
    assert_eq!(hidden.status.code(), Some(4));
    assert!(
        text(&hidden.stderr).contains("no package"),
        "{}",
        text(&hidden.stderr)
    );
    let (status, _) = registry.get_bytes("/alice/language-codes/datapackage.json");
    assert_eq!(status, 404);
    let bob_tag = bob.data(&["tag", "v2", "--package", "alice/language-codes"], None);
    assert_eq!(bob_tag.status.code(), Some(4));
}

#[test]
fn push_a_bare_csv_and_a_folder_and_repush_nothing() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let dir = alice.home.path().join("tables");
    std::fs::create_dir_all(&dir).unwrap();
    let codes = fixtures().join("language-codes/data");
    for name in ["language-codes.csv", "language-codes-3b2.csv"] {
        std::fs::copy(codes.join(name), dir.join(name)).unwrap();
    }
    std::fs::write(dir.join("notes.txt"), "not data").unwrap();

    // A bare file: named after its stem, typed, validated, uploaded.
    let file = dir.join("language-codes.csv");
    let pushed = alice.json(&["push", file.to_str().unwrap(), "--yes"], None);
    assert_eq!(pushed["name"], "language-codes");
    assert_eq!(pushed["revision"], 1);
    let (status, bytes) = registry.get_bytes("/alice/language-codes/v/1/language-codes.csv");
    assert_eq!(status, 200);
    assert_eq!(bytes, std::fs::read(&file).unwrap());
    let (_, descriptor) = registry.get_bytes("/alice/language-codes/datapackage.json");
    let descriptor: serde_json::Value = serde_json::from_slice(&descriptor).unwrap();
    assert_eq!(
        descriptor["resources"][0]["schema"]["fields"][0]["name"],
        "alpha2"
    );

    // A folder: every data file (not notes.txt), decisions kept in .data/.
    let first = alice.json(
        &["push", dir.to_str().unwrap(), "--yes", "--name", "codes"],
        None,
    );
    assert_eq!(first["files"].as_array().unwrap().len(), 2);
    // language-codes.csv was sent with the bare push already.
    assert_eq!(first["blobs_sent"], 1);
    assert!(dir.join(".data/decisions.json").is_file());
    assert!(dir.join(".data/datapackage.json").is_file());

    // Pushing the unchanged folder again asks nothing, sends no file bytes,
    // reuses the decisions (and the name) and makes revision 2.
    let out = alice.data(&["push", dir.to_str().unwrap(), "--yes", "--json"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("unchanged since the last push"),
        "{}",
        text(&out.stderr)
    );
    // What is left out is said.
    assert!(
        text(&out.stderr).contains("notes.txt: not a data file by its name"),
        "{}",
        text(&out.stderr)
    );
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again["name"], "codes");
    assert_eq!(again["revision"], 2);
    assert_eq!(again["bytes_sent"], 0);

    // A changed file is read again (with the types decided before) and sent.
    let changed = dir.join("language-codes-3b2.csv");
    let mut bytes = std::fs::read(&changed).unwrap();
    bytes.extend_from_slice(b"zzz,zz,Zzzish\n");
    std::fs::write(&changed, &bytes).unwrap();
    let out = alice.data(&["push", dir.to_str().unwrap(), "--yes", "--json"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("language-codes-3b2.csv: reusing the types decided before"),
        "{stderr}"
    );
    assert!(
        stderr.contains("language-codes.csv: unchanged since the last push"),
        "{stderr}"
    );
    let third: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(third["revision"], 3);
    assert_eq!(third["bytes_sent"], bytes.len());
    let (_, served) = registry.get_bytes("/alice/codes/v/3/language-codes-3b2.csv");
    assert_eq!(served, bytes);

    // Unknown types are refused, naming the supported ones.
    let refused = alice.data(
        &["push", dir.join("notes.txt").to_str().unwrap(), "--yes"],
        None,
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("CSV, TSV, XLSX"),
        "{}",
        text(&refused.stderr)
    );
}

/// The interactive push, driven through a pseudo-terminal: each prompt is
/// answered as a person would (a key, a line, arrow keys).
#[cfg(unix)]
#[test]
fn interactive_push_asks_for_names_and_types_and_takes_the_answers() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let file = alice.home.path().join("prices.csv");
    std::fs::write(&file, "a,b\n1,x\n2,y\n3,z\n").unwrap();
    let mut session = alice.on_terminal(&["push", file.to_str().unwrap()]);
    session
        .exp_string("are these field names right?")
        .expect("names prompt");
    session.send("n").expect("answer");
    session.flush().expect("flush");
    session
        .exp_string("name of field \"a\"")
        .expect("first name");
    session.send_line("amount").expect("rename");
    session
        .exp_string("name of field \"b\"")
        .expect("second name");
    session.send_line("").expect("keep");
    session
        .exp_string("keep these types?")
        .expect("types prompt");
    session.send("n").expect("answer");
    session.flush().expect("flush");
    session
        .exp_string("type of \"amount\"")
        .expect("first type");
    // integer -> number: one up in the list (string, number, integer, ...).
    session.send("\x1b[A").expect("up");
    session.send("\r").expect("enter");
    session.flush().expect("flush");
    session.exp_string("type of \"b\"").expect("second type");
    session.send("\r").expect("enter");
    session.flush().expect("flush");
    session
        .exp_string("pushed alice/prices revision 1")
        .expect("pushed");
    session.exp_eof().expect("exit");

    let (status, descriptor) = registry.get_bytes("/alice/prices/datapackage.json");
    assert_eq!(status, 200);
    let descriptor: serde_json::Value = serde_json::from_slice(&descriptor).unwrap();
    let fields = &descriptor["resources"][0]["schema"]["fields"];
    assert_eq!(fields[0]["name"], "amount");
    assert_eq!(fields[0]["type"], "number");
    assert_eq!(fields[1]["name"], "b");
    assert_eq!(fields[1]["type"], "string");
    // The published copy has the new names as its header row; the local
    // file is untouched.
    let (_, published) = registry.get_bytes("/alice/prices/v/1/prices.csv");
    assert_eq!(published, b"amount,b\n1,x\n2,y\n3,z\n");
    assert_eq!(std::fs::read(&file).unwrap(), b"a,b\n1,x\n2,y\n3,z\n");
}

/// The registry dies half way through an upload; a retry against it, back
/// up, completes, and nothing half-uploaded ever shows.
#[test]
fn a_server_that_stops_mid_upload_and_a_retry_that_completes() {
    // Clients reach the registry (uploads included) through the proxy.
    let pid = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let victim = pid.clone();
    let proxy = CuttingProxy::start(4_000_000, move || {
        let pid = victim.load(std::sync::atomic::Ordering::SeqCst);
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
    });
    let registry = Registry::start_behind(&proxy.url);
    proxy.connect_to(&registry.url);
    pid.store(registry.pid(), std::sync::atomic::Ordering::SeqCst);
    let alice = registry.user("alice");
    // About 9 MB of rows.
    let file = alice.home.path().join("big.csv");
    let mut text_rows = String::from("id,value,label\n");
    for i in 0..400_000 {
        text_rows.push_str(&format!("{i},{}.5,row {i}\n", i % 977));
    }
    std::fs::write(&file, &text_rows).unwrap();
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(text_rows.as_bytes()))
    };

    let token = alice.token.clone();
    let cut = alice.data_env(
        &["push", file.to_str().unwrap(), "--yes"],
        None,
        &[
            ("DATA_REGISTRY", proxy.url.as_str()),
            ("DATA_TOKEN", token.as_str()),
        ],
    );
    assert_eq!(cut.status.code(), Some(3), "{}", text(&cut.stdout));
    let message = text(&cut.stderr);
    assert!(message.contains("error"), "{message}");

    // Back up on the same database and blobs: the blob is not there.
    let registry = registry.restart();
    let blob = registry
        .data_dir()
        .join("blobs/sha256")
        .join(&sha[0..2])
        .join(&sha[2..4])
        .join(&sha);
    assert!(!blob.exists(), "a half-uploaded blob is visible");
    let (status, _) = registry.get_bytes("/alice/big/datapackage.json");
    assert_eq!(status, 404);

    let retry = alice.data_env(
        &["push", file.to_str().unwrap(), "--yes", "--json"],
        None,
        &[
            ("DATA_REGISTRY", registry.url.as_str()),
            ("DATA_TOKEN", token.as_str()),
        ],
    );
    assert!(retry.status.success(), "{}", text(&retry.stderr));
    let pushed: serde_json::Value = serde_json::from_slice(&retry.stdout).unwrap();
    assert_eq!(pushed["revision"], 1);
    assert_eq!(pushed["bytes_sent"], text_rows.len());
    let (status, bytes) = registry.get_bytes("/alice/big/v/1/big.csv");
    assert_eq!(status, 200);
    assert_eq!(bytes, text_rows.as_bytes());
    assert!(blob.is_file());
}

/// `data push URL` records a remote file: nothing is uploaded, and the
/// published descriptor points at the URL, which consumers then read.
#[test]
fn pushing_a_url_records_the_remote_file_without_storing_it() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    // Any web server will do; this registry's own plain URLs are one.
    let dir = alice.home.path().join("src");
    copy_dir(&fixtures().join("language-codes"), &dir);
    alice.json(&["publish", "--yes"], Some(&dir));
    let url = format!(
        "{}/alice/language-codes/v/1/data/language-codes.csv",
        registry.url
    );
    let pushed = alice.json(&["push", &url, "--yes", "--name", "remote-codes"], None);
    assert_eq!(pushed["bytes_sent"], 0);
    assert_eq!(pushed["remote"], true);
    let (status, descriptor) = registry.get_bytes("/alice/remote-codes/datapackage.json");
    assert_eq!(status, 200);
    let descriptor: serde_json::Value = serde_json::from_slice(&descriptor).unwrap();
    assert_eq!(descriptor["resources"][0]["path"], url.as_str());
    assert_eq!(
        descriptor["resources"][0]["schema"]["fields"][0]["name"],
        "alpha2"
    );
    // A URL that is not there is refused with its status.
    let missing = alice.data(
        &[
            "push",
            &format!("{}/alice/nothing/here.csv", registry.url),
            "--yes",
        ],
        None,
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("404"),
        "{}",
        text(&missing.stderr)
    );
}

/// With blobs on S3 the client sends and fetches the bytes itself, through
/// presigned URLs (`DATA_REGISTRY_TEST_S3=s3://BUCKET` and the `AWS_*`
/// variables; skipped without them).
#[test]
#[allow(clippy::print_stderr)]
fn with_blobs_on_s3_the_client_uploads_and_downloads_through_presigned_urls() {
    let Ok(base) = std::env::var("DATA_REGISTRY_TEST_S3") else {
        eprintln!("skipped: DATA_REGISTRY_TEST_S3 is not set (s3://BUCKET of an S3-compatible server, with AWS_ENDPOINT_URL and keys)");
        return;
    };
    let prefix = format!(
        "cli-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let registry =
        Registry::start_with_storage(&format!("{}/{prefix}", base.trim_end_matches('/')));
    let alice = registry.user("alice");
    let file = alice.home.path().join("readings.csv");
    let mut rows = String::from("id,level\n");
    for i in 0..50_000 {
        rows.push_str(&format!("{i},{}.25\n", i % 97));
    }
    std::fs::write(&file, &rows).unwrap();
    let pushed = alice.json(&["push", file.to_str().unwrap(), "--yes"], None);
    assert_eq!(pushed["bytes_sent"], rows.len());

    let out = alice.home.path().join("fetched");
    let got = alice.data(
        &["get", "alice/readings", "--out", out.to_str().unwrap()],
        None,
    );
    assert!(got.status.success(), "{}", text(&got.stderr));
    assert_eq!(
        std::fs::read(out.join("readings.csv")).unwrap(),
        rows.as_bytes()
    );
}

/// `data get` then `data push` (or `data publish`) of what was fetched
/// publishes the same package again: its own descriptor and schemas, the
/// same bytes, and none sent that the registry has (DataHub's data-cli
/// answered 400 to this, data-cli#180).
#[test]
fn a_fetched_package_pushes_and_publishes_back_as_it_is() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let bob = registry.user("bob");
    let source = fixtures().join("language-codes");
    alice.json(&["publish", source.to_str().unwrap(), "--yes"], None);
    let fetched = bob.home.path().join("fetched");
    let got = bob.data(
        &[
            "get",
            "alice/language-codes",
            "--out",
            fetched.to_str().unwrap(),
        ],
        None,
    );
    assert!(got.status.success(), "{}", text(&got.stderr));

    let out = bob.data(
        &["push", fetched.to_str().unwrap(), "--yes", "--json"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("is a data package: publishing it as it is"),
        "{}",
        text(&out.stderr)
    );
    let pushed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(pushed["owner"], "bob");
    assert_eq!(pushed["name"], "language-codes");
    // The registry has every blob already (alice's).
    assert_eq!(pushed["bytes_sent"], 0);
    let descriptor = |owner: &str| -> serde_json::Value {
        let (status, bytes) =
            registry.get_bytes(&format!("/{owner}/language-codes/datapackage.json"));
        assert_eq!(status, 200);
        serde_json::from_slice(&bytes).unwrap()
    };
    let (alices, bobs) = (descriptor("alice"), descriptor("bob"));
    assert_eq!(
        bobs["resources"].as_array().map(Vec::len),
        alices["resources"].as_array().map(Vec::len)
    );
    for (a, b) in alices["resources"]
        .as_array()
        .unwrap()
        .iter()
        .zip(bobs["resources"].as_array().unwrap())
    {
        assert_eq!(a["schema"], b["schema"], "{}", a["name"]);
        let path = b["path"].as_str().unwrap();
        let (_, theirs) = registry.get_bytes(&format!("/alice/language-codes/v/1/{path}"));
        let (_, ours) = registry.get_bytes(&format!("/bob/language-codes/v/1/{path}"));
        assert_eq!(theirs, ours, "{path}");
    }

    // Naming the descriptor itself does the same; reading flags are said
    // to be ignored.
    let descriptor_path = fetched.join("datapackage.json");
    let out = bob.data(
        &[
            "push",
            descriptor_path.to_str().unwrap(),
            "--yes",
            "--json",
            "--encoding",
            "latin1",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("reading flags") && text(&out.stderr).contains("ignored"),
        "{}",
        text(&out.stderr)
    );
    let second: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(second["revision"], 2);

    // `data publish` of the same folder makes the next revision.
    let again = bob.json(
        &["publish", fetched.to_str().unwrap(), "--yes", "--force"],
        None,
    );
    assert_eq!(again["revision"], 3);
    assert_eq!(again["bytes_sent"], 0);
}
