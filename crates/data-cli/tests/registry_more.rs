//! `data info`, `cat`, `search`, `delete`/`undelete`/`purge`, `diff`,
//! `completions` and `man`: locally, and against a real `data-registry`
//! process on loopback.

#[allow(dead_code)]
#[path = "registry/server.rs"]
mod server;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use server::{copy_dir, fixtures, text, Registry};

/// The rows of a CSV text, header included.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// `data ARGS` with no registry and no home of its own.
fn local_data(args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_data"))
        .args(args)
        .env("DPM_HOME", home.path().join("dpm"))
        .env("NO_COLOR", "1")
        .env_remove("DATA_TOKEN")
        .env_remove("DATA_REGISTRY")
        .output()
        .unwrap()
}

fn local_json(args: &[&str]) -> Value {
    let out = local_data(args);
    assert!(out.status.success(), "data {args:?}: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ndjson(bytes: &[u8]) -> Vec<Value> {
    text(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The same table as CSV text rows, and as JSON objects keyed by the header.
fn assert_objects_match_rows(objects: &[Value], rows: &[Vec<String>]) {
    let header = &rows[0];
    assert_eq!(objects.len(), rows.len() - 1);
    for (object, row) in objects.iter().zip(&rows[1..]) {
        let object = object.as_object().unwrap();
        let keys: Vec<&String> = object.keys().collect();
        assert_eq!(keys, header.iter().collect::<Vec<_>>());
        for (name, cell) in header.iter().zip(row) {
            let value = &object[name];
            let shown = match value {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            // Numbers are typed: 18.930 reads as 18.93.
            match value {
                Value::Number(n) => {
                    assert_eq!(n.as_f64().unwrap(), cell.parse::<f64>().unwrap(), "{name}")
                }
                _ => assert_eq!(&shown, cell, "{name}"),
            }
        }
    }
}

#[test]
fn info_and_cat_read_local_packages_and_files() {
    let gold = fixtures().join("gold-prices");
    let annual = gold.join("data/annual.csv");
    let annual_bytes = std::fs::read(&annual).unwrap();
    let rows = csv_rows(&annual_bytes);

    // A package folder: its resources with format, path, size and fields.
    let info = local_json(&["info", gold.to_str().unwrap(), "--json"]);
    assert_eq!(info["kind"], "package");
    assert_eq!(info["name"], "gold-prices");
    let resources = info["resources"].as_array().unwrap();
    let names: Vec<&str> = resources
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"annual"), "{names:?}");
    let annual_info = resources.iter().find(|r| r["name"] == "annual").unwrap();
    assert_eq!(annual_info["path"], "data/annual.csv");
    assert_eq!(annual_info["format"], "csv");
    assert_eq!(annual_info["size"], annual_bytes.len() as u64);
    assert!(annual_info.get("rows").is_none(), "rows only with --rows");
    let fields: Vec<String> = annual_info["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["name"].as_str().unwrap(),
                f["type"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(fields.len(), rows[0].len());
    assert_eq!(fields[0].split(':').next().unwrap(), rows[0][0]);

    // --rows counts them; the descriptor file works as well as its folder.
    let counted = local_json(&[
        "info",
        gold.join("datapackage.json").to_str().unwrap(),
        "--rows",
        "--json",
    ]);
    let annual_counted = counted["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "annual")
        .unwrap();
    assert_eq!(annual_counted["rows"], (rows.len() - 1) as u64);

    // A data file: described by the engine, rows included.
    let file = local_json(&["info", annual.to_str().unwrap(), "--json"]);
    assert_eq!(file["kind"], "file");
    assert_eq!(file["resources"][0]["rows"], (rows.len() - 1) as u64);
    assert_eq!(file["resources"][0]["format"], "csv");
    let people = local_data(&["info", gold.to_str().unwrap()]);
    assert!(people.status.success());
    assert!(text(&people.stdout).contains("annual  csv  data/annual.csv"));

    // cat: CSV gives the file back; JSON and NDJSON the same rows, typed.
    let csv_out = local_data(&["cat", annual.to_str().unwrap()]);
    assert!(csv_out.status.success(), "{}", text(&csv_out.stderr));
    assert_eq!(csv_out.stdout, annual_bytes);
    let by_resource = local_data(&["cat", gold.to_str().unwrap(), "--resource", "annual"]);
    assert_eq!(by_resource.stdout, annual_bytes);
    let json_out = local_json(&[
        "cat",
        gold.to_str().unwrap(),
        "--resource",
        "annual",
        "--format",
        "json",
    ]);
    let objects = json_out.as_array().unwrap();
    assert_objects_match_rows(objects, &rows);
    assert!(objects[0][rows[0][1].as_str()].is_number());
    let nd = local_data(&["cat", annual.to_str().unwrap(), "--format", "ndjson"]);
    assert!(nd.status.success());
    assert_objects_match_rows(&ndjson(&nd.stdout), &rows);

    // Quoted CSV comes out as the same rows.
    let languages = fixtures().join("language-codes/data/language-codes.csv");
    let out = local_data(&["cat", languages.to_str().unwrap()]);
    assert_eq!(
        csv_rows(&out.stdout),
        csv_rows(&std::fs::read(&languages).unwrap())
    );

    // A package with several resources needs --resource, and says which.
    let ambiguous = local_data(&["cat", gold.to_str().unwrap()]);
    assert_eq!(ambiguous.status.code(), Some(2));
    let message = text(&ambiguous.stderr);
    assert!(
        message.contains("--resource") && message.contains("annual"),
        "{message}"
    );
    let unknown = local_data(&["cat", gold.to_str().unwrap(), "--resource", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("no resource \"nope\""));
    let missing = local_data(&["cat", "no-such-file.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("no such file"));
}

#[test]
fn info_and_cat_read_packages_on_the_registry() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let gold = fixtures().join("gold-prices");
    alice.json(&["publish", gold.to_str().unwrap(), "--yes"], None);
    let annual_bytes = std::fs::read(gold.join("data/annual.csv")).unwrap();
    let rows = csv_rows(&annual_bytes);

    let info = alice.json(&["info", "alice/gold-prices"], None);
    assert_eq!(info["kind"], "remote");
    assert_eq!(info["owner"], "alice");
    assert_eq!(info["name"], "gold-prices");
    assert_eq!(info["visibility"], "public");
    assert_eq!(info["revision"], 1);
    assert_eq!(info["latest_revision"], 1);
    assert_eq!(info["deleted"], false);
    assert!(info["datapackage_url"]
        .as_str()
        .unwrap()
        .ends_with("/alice/gold-prices/v/1/datapackage.json"));
    let file = info["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "data/annual.csv")
        .unwrap();
    assert_eq!(file["size"], annual_bytes.len() as u64);
    let annual = info["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "annual")
        .unwrap();
    assert_eq!(annual["size"], annual_bytes.len() as u64);
    assert_eq!(annual["fields"][0]["name"], rows[0][0].as_str());
    let counted = alice.json(&["info", "alice/gold-prices@1", "--rows"], None);
    let annual = counted["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "annual")
        .unwrap();
    assert_eq!(annual["rows"], (rows.len() - 1) as u64);

    // The three formats, from the cache.
    let csv_out = alice.data(&["cat", "alice/gold-prices/annual"], None);
    assert!(csv_out.status.success(), "{}", text(&csv_out.stderr));
    assert_eq!(csv_out.stdout, annual_bytes);
    let pinned = alice.data(&["cat", "alice/gold-prices@1/annual"], None);
    assert_eq!(pinned.stdout, annual_bytes);
    let json_out = alice.data(
        &["cat", "alice/gold-prices/annual", "--format", "json"],
        None,
    );
    assert!(json_out.status.success());
    let objects: Value = serde_json::from_slice(&json_out.stdout).unwrap();
    assert_objects_match_rows(objects.as_array().unwrap(), &rows);
    let nd = alice.data(
        &["cat", "alice/gold-prices/annual@1", "--format", "ndjson"],
        None,
    );
    assert!(nd.status.success());
    assert_objects_match_rows(&ndjson(&nd.stdout), &rows);

    // What is not there says so, and what to do.
    let no_resource = alice.data(&["cat", "alice/gold-prices/nope"], None);
    assert_eq!(no_resource.status.code(), Some(2));
    assert!(text(&no_resource.stderr).contains("no resource \"nope\""));
    let no_package = alice.data(&["info", "alice/nope"], None);
    assert_eq!(no_package.status.code(), Some(4));
    let message = text(&no_package.stderr);
    assert!(message.contains("no package alice/nope"), "{message}");
}

#[test]
fn search_finds_public_packages_and_not_another_users_private_ones() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let bob = registry.user("bob");
    alice.json(
        &[
            "publish",
            fixtures().join("language-codes").to_str().unwrap(),
            "--yes",
        ],
        None,
    );
    bob.json(
        &[
            "publish",
            fixtures().join("gold-prices").to_str().unwrap(),
            "--yes",
            "--private",
        ],
        None,
    );
    let names = |found: &Value| -> Vec<String> {
        found["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{}/{}",
                    p["owner"].as_str().unwrap(),
                    p["name"].as_str().unwrap()
                )
            })
            .collect()
    };
    let found = alice.json(&["search", "language"], None);
    assert_eq!(names(&found), ["alice/language-codes"]);
    assert_eq!(found["results"][0]["latest_revision"], 1);
    let everything = alice.json(&["search"], None);
    assert_eq!(names(&everything), ["alice/language-codes"]);
    let gold = alice.json(&["search", "gold"], None);
    assert!(names(&gold).is_empty(), "{gold}");
    // Bob sees his own private package.
    let own = bob.json(&["search", "gold"], None);
    assert_eq!(names(&own), ["bob/gold-prices"]);
    let by_publisher = bob.json(
        &["search", "--publisher", "alice", "--sort", "downloads"],
        None,
    );
    assert_eq!(names(&by_publisher), ["alice/language-codes"]);
    // For people: one line per package.
    let lines = alice.data(&["search", "language"], None);
    assert!(lines.status.success());
    let shown = text(&lines.stdout);
    assert!(
        shown.starts_with("alice/language-codes\tISO Language Codes")
            && shown.contains("revision 1"),
        "{shown}"
    );
    let bad_page = alice.data(&["search", "--page", "0"], None);
    assert_eq!(bad_page.status.code(), Some(2));
}

#[test]
fn delete_hides_undelete_restores_and_purge_needs_yes_off_a_terminal() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let bob = registry.user("bob");
    let dir = fixtures().join("language-codes");
    alice.json(&["publish", dir.to_str().unwrap(), "--yes"], None);
    let out = alice.home.path().join("out");
    let get = |user: &server::User| {
        user.data(
            &[
                "get",
                "alice/language-codes",
                "--out",
                out.to_str().unwrap(),
            ],
            None,
        )
    };
    assert!(get(&alice).status.success());

    // Only owners may delete.
    let refused = bob.data(&["delete", "alice/language-codes"], None);
    assert_eq!(refused.status.code(), Some(4));

    let deleted = alice.json(&["delete", "alice/language-codes"], None);
    assert_eq!(deleted["deleted"], true);
    for user in [&alice, &bob] {
        let gone = get(user);
        assert_eq!(gone.status.code(), Some(4));
        let message = text(&gone.stderr);
        assert!(
            message.contains("no package alice/language-codes"),
            "{message}"
        );
    }
    assert!(alice.json(&["search", "language"], None)["results"]
        .as_array()
        .unwrap()
        .is_empty());
    // The owner still sees that it is there, deleted.
    let info = alice.json(&["info", "alice/language-codes"], None);
    assert_eq!(info["deleted"], true);
    let shown = alice.data(&["info", "alice/language-codes"], None);
    assert!(text(&shown.stdout).contains("data undelete alice/language-codes"));

    let restored = alice.json(&["undelete", "alice/language-codes"], None);
    assert_eq!(restored["deleted"], false);
    assert!(get(&bob).status.success());

    // Off a terminal, purge asks for --yes and does nothing without it.
    let unsure = alice.data(&["purge", "alice/language-codes"], None);
    assert_eq!(unsure.status.code(), Some(2));
    let message = text(&unsure.stderr);
    assert!(
        message.contains("--yes") && message.contains("not a terminal"),
        "{message}"
    );
    assert!(get(&alice).status.success());
    let bob_purge = bob.data(&["purge", "alice/language-codes", "--yes"], None);
    assert_eq!(bob_purge.status.code(), Some(4));
    assert!(get(&alice).status.success());

    let purged = alice.json(&["purge", "alice/language-codes", "--yes"], None);
    assert_eq!(purged["purged"], true);
    let gone = get(&alice);
    assert_eq!(gone.status.code(), Some(4));
    // Purged is gone for the owner too: nothing to restore.
    let info = alice.data(&["info", "alice/language-codes"], None);
    assert_eq!(info.status.code(), Some(4));
    let undelete = alice.data(&["undelete", "alice/language-codes"], None);
    assert_eq!(undelete.status.code(), Some(4));

    // Without an account: what to do.
    let anonymous = alice.data(&["logout"], None);
    assert!(anonymous.status.success());
    let no_account = alice.data(&["delete", "alice/whatever"], None);
    assert_eq!(no_account.status.code(), Some(2));
    assert!(text(&no_account.stderr).contains("data login"));
}

/// Adds a `Native` column to `language-codes.csv` and two rows, in the
/// data and the descriptor.
fn add_field_and_rows(dir: &Path) {
    let csv_path = dir.join("data/language-codes.csv");
    let mut rows = csv_rows(&std::fs::read(&csv_path).unwrap());
    rows[0].push("Native".into());
    for row in rows.iter_mut().skip(1) {
        row.push(String::new());
    }
    rows.push(vec!["zz".into(), "Test".into(), "Tëst".into()]);
    rows.push(vec!["zy".into(), "Other".into(), "Öther".into()]);
    let mut writer = csv::Writer::from_path(&csv_path).unwrap();
    for row in &rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
    let descriptor_path = dir.join("datapackage.json");
    let mut descriptor: Value =
        serde_json::from_str(&std::fs::read_to_string(&descriptor_path).unwrap()).unwrap();
    let resource = descriptor["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["name"] == "language-codes")
        .unwrap();
    resource["schema"]["fields"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "Native", "type": "string"}));
    std::fs::write(
        &descriptor_path,
        serde_json::to_string_pretty(&descriptor).unwrap(),
    )
    .unwrap();
}

#[test]
fn diff_shows_fields_and_rows_added_between_revisions() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let dir = alice.home.path().join("language-codes");
    copy_dir(&fixtures().join("language-codes"), &dir);
    alice.json(&["publish", "--yes"], Some(&dir));
    add_field_and_rows(&dir);
    let second = alice.json(&["publish", "--yes", "--force"], Some(&dir));
    assert_eq!(second["revision"], 2);

    let diff = alice.json(
        &["diff", "alice/language-codes@1", "alice/language-codes@2"],
        None,
    );
    assert_eq!(diff["from"]["revision"], 1);
    assert_eq!(diff["to"]["revision"], 2);
    assert_eq!(diff["changed"], true);
    let resources = diff["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 4);
    let changed = resources
        .iter()
        .find(|r| r["name"] == "language-codes")
        .unwrap();
    assert_eq!(changed["status"], "changed");
    assert_eq!(
        changed["fields"]["added"],
        serde_json::json!([{"name": "Native", "type": "string"}])
    );
    assert_eq!(changed["fields"]["removed"], serde_json::json!([]));
    assert_eq!(changed["fields"]["changed"], serde_json::json!([]));
    let original_rows = csv_rows(
        &std::fs::read(fixtures().join("language-codes/data/language-codes.csv")).unwrap(),
    )
    .len() as u64
        - 1;
    assert_eq!(changed["rows"]["from"], original_rows);
    assert_eq!(changed["rows"]["to"], original_rows + 2);
    assert_eq!(changed["rows"]["added"], 2);
    assert_eq!(changed["rows"]["removed"], 0);
    for other in resources.iter().filter(|r| r["name"] != "language-codes") {
        assert_eq!(other["status"], "unchanged", "{other}");
        assert_eq!(other["rows"]["from"], other["rows"]["to"]);
    }

    // The other way round: removed; for people, a line per change.
    let back = alice.data(
        &["diff", "alice/language-codes@2", "alice/language-codes@1"],
        None,
    );
    assert!(back.status.success(), "{}", text(&back.stderr));
    let shown = text(&back.stdout);
    assert!(shown.contains("- field Native: string"), "{shown}");
    assert!(
        shown.contains(&format!(
            "rows: {} → {original_rows} (-2)",
            original_rows + 2
        )),
        "{shown}"
    );
    let same = alice.data(
        &["diff", "alice/language-codes@1", "alice/language-codes@1"],
        None,
    );
    assert!(text(&same.stdout).contains("no differences"));
    let descriptors_only = alice.json(
        &[
            "diff",
            "alice/language-codes@1",
            "alice/language-codes@2",
            "--no-rows",
        ],
        None,
    );
    assert!(descriptors_only["resources"][0]["rows"].is_null());
}

#[test]
fn completions_and_the_man_page_come_from_the_command_definitions() {
    let bash = local_data(&["completions", "bash"]);
    assert!(bash.status.success());
    let script = text(&bash.stdout);
    assert!(
        script.contains("publish") && script.contains("diff"),
        "{script}"
    );
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let out = local_data(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        assert!(text(&out.stdout).contains("publish"), "{shell}");
    }
    let bad = local_data(&["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
    let man = local_data(&["man"]);
    assert!(man.status.success());
    let page = text(&man.stdout);
    assert!(page.contains(".TH") && page.contains("publish"), "{page}");
}

#[test]
fn a_reader_that_goes_away_is_not_a_failure() {
    use std::io::Read;
    let table = fixtures().join("country-codes/datapackage.yml");
    for format in ["csv", "json", "ndjson"] {
        let home = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_data"))
            .args(["cat", table.to_str().unwrap(), "--format", format])
            .env("DPM_HOME", home.path().join("dpm"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut head = [0u8; 16];
        stdout.read_exact(&mut head).unwrap();
        // The output (well over a pipe's buffer) meets a closed pipe.
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{format}: {}", text(&out.stderr));
        assert!(out.stderr.is_empty(), "{format}: {}", text(&out.stderr));
    }
}
