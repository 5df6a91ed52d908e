//! Foreign, primary and unique keys, file integrity and early stops, each
//! case a bug that review found (the failing behaviour is in each comment).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn validate(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_data"))
        .arg("validate")
        .arg("--json")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run data");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

fn write(dir: &Path, name: &str, text: &[u8]) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// `(type, rowNumber)` of a task's errors.
fn errors(report: &Value, task: usize) -> Vec<(String, i64)> {
    report["tasks"][task]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["rowNumber"].as_i64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn referenced_fields_pair_by_position_not_by_label() {
    // The referenced table's header says `ID` where its schema says `id`:
    // the whole task used to fail with "the referenced field is not in
    // resource" instead of reporting the one missing value.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "people.csv", b"ID,name\n1,a\n2,b\n");
    write(dir.path(), "items.csv", b"pid\n1\n3\n");
    write(
        dir.path(),
        "datapackage.json",
        br#"{"name":"p","resources":[
 {"name":"people","path":"people.csv","schema":{"fields":[{"name":"id","type":"integer"},{"name":"name"}]}},
 {"name":"items","path":"items.csv","schema":{"fields":[{"name":"pid","type":"integer"}],
   "foreignKeys":[{"fields":["pid"],"reference":{"resource":"people","fields":["id"]}}]}}]}"#,
    );
    let (_, report) = validate(&[dir.path().join("datapackage.json").to_str().unwrap()]);
    assert_eq!(errors(&report, 1), vec![("foreign-key".to_string(), 3)]);
}

#[test]
fn composite_foreign_key_with_an_empty_part_matches_an_empty_part() {
    // `1,` in items refers to `1,` in people: it used to be "not found".
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "people.csv", b"id,name\n1,\n2,b\n");
    write(dir.path(), "items.csv", b"pid,pname\n1,\n2,b\n2,x\n");
    write(
        dir.path(),
        "datapackage.json",
        br#"{"name":"p","resources":[
 {"name":"people","path":"people.csv","schema":{"fields":[{"name":"id","type":"integer"},{"name":"name"}]}},
 {"name":"items","path":"items.csv","schema":{"fields":[{"name":"pid","type":"integer"},{"name":"pname"}],
   "foreignKeys":[{"fields":["pid","pname"],"reference":{"resource":"people","fields":["id","name"]}}]}}]}"#,
    );
    let (_, report) = validate(&[dir.path().join("datapackage.json").to_str().unwrap()]);
    assert_eq!(errors(&report, 1), vec![("foreign-key".to_string(), 4)]);
}

#[test]
fn key_errors_before_a_bad_byte_are_kept() {
    // A duplicate key and, later in the same batch, a byte that is not
    // UTF-8: the primary-key error used to be dropped.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = b"id,v\n".to_vec();
    for i in 1..=300 {
        csv.extend_from_slice(format!("{},x\n", if i == 200 { 5 } else { i }).as_bytes());
    }
    csv.extend_from_slice(b"301,\xff\n302,y\n");
    write(dir.path(), "d.csv", &csv);
    write(
        dir.path(),
        "s.json",
        br#"{"fields":[{"name":"id","type":"integer"},{"name":"v"}],"primaryKey":["id"]}"#,
    );
    let (code, report) = validate(&[
        dir.path().join("d.csv").to_str().unwrap(),
        "--schema",
        dir.path().join("s.json").to_str().unwrap(),
        "--encoding",
        "utf-8",
    ]);
    assert_eq!(code, 1);
    let found = errors(&report, 0);
    assert_eq!(
        found,
        vec![
            ("primary-key".to_string(), 201),
            ("encoding-error".to_string(), 0)
        ],
        "{report:#}"
    );
    assert_eq!(report["tasks"][0]["stats"]["rows"], 300);
}

#[test]
fn a_table_cut_short_gets_no_byte_count_error() {
    // A bad byte stops the table: its size was not seen whole, and the
    // byte count it was compared with changed from run to run.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = b"id,v\n".to_vec();
    for i in 1..=20_000 {
        csv.extend_from_slice(format!("{i},yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n").as_bytes());
    }
    csv.extend_from_slice(b"20001,\xff\n");
    write(dir.path(), "data.csv", &csv);
    let descriptor = format!(
        r#"{{"name":"p","resources":[{{"name":"d","path":"data.csv","encoding":"utf-8","bytes":{},
  "schema":{{"fields":[{{"name":"id","type":"integer"}},{{"name":"v"}}]}}}}]}}"#,
        csv.len() + 1
    );
    write(dir.path(), "datapackage.json", descriptor.as_bytes());
    let (_, report) = validate(&[dir.path().join("datapackage.json").to_str().unwrap()]);
    let kinds: Vec<String> = errors(&report, 0).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, vec!["encoding-error"], "{report:#}");
}

#[test]
fn hash_comes_before_bytes_and_unknown_algorithms_warn() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "u.csv", b"id\n1\n");
    write(
        dir.path(),
        "datapackage.json",
        br#"{"name":"p","resources":[
 {"name":"u","path":"u.csv","bytes":3,"hash":"00000000000000000000000000000000","schema":{"fields":[{"name":"id","type":"integer"}]}},
 {"name":"u2","path":"u.csv","hash":"sha1:0000000000000000000000000000000000000000","schema":{"fields":[{"name":"id","type":"integer"}]}}]}"#,
    );
    let (_, report) = validate(&[dir.path().join("datapackage.json").to_str().unwrap()]);
    let kinds: Vec<String> = errors(&report, 0).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, vec!["hash-count", "byte-count"]);
    assert_eq!(report["tasks"][1]["valid"], true);
    let warning = report["tasks"][1]["warnings"][0].as_str().unwrap();
    assert!(
        warning.starts_with("hash is ignored; supported algorithms: md5/sha256"),
        "{warning}"
    );
}

#[test]
fn errors_of_a_wide_invalid_table_stay_within_the_limit() {
    // 300 integer columns of text: every cell a type error. Batches used to
    // keep all of them (650 MB peak for 12 MB, measured by hand) before the
    // limit cut the report; this guards what the report keeps.
    let dir = tempfile::tempdir().unwrap();
    let header: Vec<String> = (0..300).map(|i| format!("c{i}")).collect();
    let fields: Vec<String> = header
        .iter()
        .map(|n| format!(r#"{{"name":"{n}","type":"integer"}}"#))
        .collect();
    let mut csv = header.join(",") + "\n";
    let row = vec!["x"; 300].join(",") + "\n";
    for _ in 0..3000 {
        csv.push_str(&row);
    }
    write(dir.path(), "w.csv", csv.as_bytes());
    write(
        dir.path(),
        "s.json",
        format!(r#"{{"fields":[{}]}}"#, fields.join(",")).as_bytes(),
    );
    let (_, report) = validate(&[
        dir.path().join("w.csv").to_str().unwrap(),
        "--schema",
        dir.path().join("s.json").to_str().unwrap(),
    ]);
    let task = &report["tasks"][0];
    assert_eq!(task["errors"].as_array().unwrap().len(), 1000);
    assert_eq!(task["warnings"][0], "reached error limit: 1000");
    // 1000 errors of 300 cells each: row 2..5, the fourth row cut short.
    assert_eq!(task["stats"]["rows"], 4);
}
