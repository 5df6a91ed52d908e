//! `data validate` and `data infer` on bad input: empty and header-only
//! files, binary garbage, truncated and malicious workbooks, invalid bytes in
//! a declared encoding, NUL bytes, very long lines, ragged rows and
//! descriptors that point outside their package. Each must end in a clear
//! report (exit 1) or a clear error (exit 2), within a time limit, and never
//! in a panic.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// Long enough for a debug build on a busy two-core machine; a run past it
/// is a hang.
const TIMEOUT: Duration = Duration::from_secs(60);

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `data` with `args` and NO_COLOR set, killing it after `timeout`.
fn data_within(args: &[&str], timeout: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_data"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run data");
    // Drain both pipes on threads so a chatty child cannot block on a full
    // pipe while we wait for it.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        out.read_to_end(&mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        err.read_to_end(&mut s).unwrap();
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > timeout {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!(
                "hang: `data {}` did not finish within {}s",
                args.join(" "),
                timeout.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    };
    assert_no_panic(args, &run);
    run
}

fn data(args: &[&str]) -> Run {
    data_within(args, TIMEOUT)
}

fn assert_no_panic(args: &[&str], run: &Run) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "`data {}` panicked:\n{}",
        args.join(" "),
        run.stderr
    );
    // 101 is Rust's exit code for a panic; -1 a death by signal.
    assert!(
        run.code == 0 || run.code == 1 || run.code == 2,
        "`data {}` exited with {}:\n{}",
        args.join(" "),
        run.code,
        run.stderr
    );
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `data validate --json ARGS...`: the exit code and the report.
fn validate_json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["validate", "--json"];
    all.extend_from_slice(args);
    let run = data(&all);
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", run.stdout, run.stderr));
    (run.code, report)
}

/// The errors of the report's only task.
fn task_errors(report: &Value) -> &Vec<Value> {
    let tasks = report["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{report:#}");
    tasks[0]["errors"].as_array().unwrap()
}

/// The report's only error, in its only task.
fn only_error(report: &Value) -> &Value {
    let errors = task_errors(report);
    assert_eq!(errors.len(), 1, "{report:#}");
    &errors[0]
}

fn note(error: &Value) -> &str {
    error["note"].as_str().unwrap_or_default()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Deterministic bytes that are no format at all (xorshift64).
fn garbage(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

// ---------------------------------------------------------------- workbooks

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const SHEET_PATH: &str = "xl/worksheets/sheet1.xml";
const SHARED_PATH: &str = "xl/sharedStrings.xml";

/// The parts of a one-sheet workbook whose cells are shared strings:
/// `strings` lists the table cell by cell, row by row, `width` cells a row.
fn workbook_parts(strings: &[&str], width: usize) -> Vec<(String, Vec<u8>)> {
    let content_types = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/{SHEET_PATH}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/{SHARED_PATH}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#
    );
    let rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let workbook_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
    );
    let mut sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>"#
    );
    for (r, row) in strings.chunks(width).enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for c in 0..row.len() {
            let index = r * width + c;
            let column = (b'A' + c as u8) as char;
            sheet.push_str(&format!(
                r#"<c r="{column}{}" t="s"><v>{index}</v></c>"#,
                r + 1
            ));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let mut shared = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="{0}" uniqueCount="{0}">"#,
        strings.len()
    );
    for text in strings {
        shared.push_str(&format!("<si><t>{text}</t></si>"));
    }
    shared.push_str("</sst>");
    vec![
        ("[Content_Types].xml".into(), content_types.into_bytes()),
        ("_rels/.rels".into(), rels.into_bytes()),
        ("xl/workbook.xml".into(), workbook.into_bytes()),
        (
            "xl/_rels/workbook.xml.rels".into(),
            workbook_rels.into_bytes(),
        ),
        (SHEET_PATH.into(), sheet.into_bytes()),
        (SHARED_PATH.into(), shared.into_bytes()),
    ]
}

fn zip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in parts {
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A small valid workbook: `id,name` and three rows.
fn good_workbook() -> Vec<u8> {
    zip(&workbook_parts(
        &["id", "name", "1", "a", "2", "b", "3", "c"],
        2,
    ))
}

/// Rewrites the uncompressed size `name` declares, in its local header and
/// in the central directory, leaving its data as it is: the forgery a zip
/// bomb uses to slip past a check of declared sizes, or to claim sizes it
/// never expands to.
fn declare_size(archive: &mut [u8], name: &str, size: u32) {
    // (signature, offset of the uncompressed size, offset of the name)
    let headers: [(&[u8], usize, usize); 2] = [(b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)];
    for (signature, size_at, name_at) in headers {
        let at = (0..archive.len().saturating_sub(name_at + name.len()))
            .find(|&i| {
                archive[i..].starts_with(signature)
                    && archive[i + name_at..].starts_with(name.as_bytes())
            })
            .unwrap_or_else(|| panic!("no header for {name}"));
        archive[at + size_at..at + size_at + 4].copy_from_slice(&size.to_le_bytes());
    }
}

// ---------------------------------------------------------------- empty

#[test]
fn empty_file_is_a_source_error() {
    let dir = TempDir::new().unwrap();
    // The gzip of nothing: a valid stream that inflates to zero bytes.
    let empty_gzip = [
        0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    for (name, bytes) in [
        ("empty.csv", &b""[..]),
        ("empty.xlsx", &b""[..]),
        ("bom.csv", &b"\xEF\xBB\xBF"[..]),
        ("empty.csv.gz", &empty_gzip[..]),
    ] {
        let path = write(dir.path(), name, bytes);
        let (code, report) = validate_json(&[s(&path)]);
        assert_eq!(code, 1, "{name}: {report:#}");
        assert_eq!(report["valid"], false, "{name}");
        let error = only_error(&report);
        assert_eq!(error["type"], "source-error", "{name}: {error:#}");
        assert_eq!(note(error), "the source is empty", "{name}");
    }

    let path = write(dir.path(), "empty.csv", b"");
    let run = data(&["validate", s(&path)]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("source-error"), "{}", run.stdout);
    assert!(run.stdout.contains("the source is empty"), "{}", run.stdout);
}

/// A header with no rows is a table with nothing wrong in it (frictionless-py
/// agrees: valid). Reporting it as an error would fail every freshly created
/// template file.
#[test]
fn header_only_file_is_a_valid_empty_table() {
    let dir = TempDir::new().unwrap();
    for (name, bytes) in [
        ("header.csv", &b"id,name\n"[..]),
        ("header-no-newline.csv", &b"id,name"[..]),
    ] {
        let path = write(dir.path(), name, bytes);
        let (code, report) = validate_json(&[s(&path)]);
        assert_eq!(code, 0, "{name}: {report:#}");
        assert_eq!(report["valid"], true, "{name}");
        let task = &report["tasks"][0];
        assert_eq!(task["labels"], serde_json::json!(["id", "name"]), "{name}");
        assert_eq!(task["stats"]["fields"], 2, "{name}");
        assert!(task_errors(&report).is_empty(), "{name}");
    }
}

// ---------------------------------------------------------------- garbage

#[test]
fn binary_garbage_is_a_format_error_naming_the_supported_formats() {
    let dir = TempDir::new().unwrap();
    let noise = garbage(8192);
    for name in ["noise.bin", "noise.csv", "noise.xlsx", "noise.json"] {
        let path = write(dir.path(), name, &noise);
        let (code, report) = validate_json(&[s(&path)]);
        assert_eq!(code, 1, "{name}: {report:#}");
        let error = only_error(&report);
        assert_eq!(error["type"], "format-error", "{name}: {error:#}");
        let note = note(error);
        assert!(note.contains(name), "{name}: {note}");
        assert!(note.contains("supported formats"), "{name}: {note}");
        for format in ["CSV", "XLSX", "ODS", "JSON"] {
            assert!(note.contains(format), "{name}: {note}");
        }
    }

    // Binary formats people mistake for tables are named.
    let pdf = write(
        dir.path(),
        "report.csv",
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n",
    );
    let (code, report) = validate_json(&[s(&pdf)]);
    assert_eq!(code, 1);
    let error = only_error(&report);
    assert_eq!(error["type"], "format-error", "{error:#}");
    assert!(note(error).contains("PDF"), "{error:#}");
}

// ---------------------------------------------------------------- workbooks

/// The builder the workbook tests use makes a workbook the engine reads, so
/// the errors below come from the damage done to it, not from the builder.
#[test]
fn workbook_builder_makes_a_valid_workbook() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "good.xlsx", &good_workbook());
    let (code, report) = validate_json(&[s(&path)]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        report["tasks"][0]["labels"],
        serde_json::json!(["id", "name"])
    );
    assert_eq!(report["tasks"][0]["stats"]["rows"], 3);
}

#[test]
fn truncated_or_corrupt_workbook_is_a_format_error() {
    let dir = TempDir::new().unwrap();
    let good = good_workbook();

    // Cut anywhere: the central directory is gone.
    let mut cases = vec![
        ("half.xlsx", good[..good.len() / 2].to_vec()),
        ("tail-cut.xlsx", good[..good.len() - 10].to_vec()),
        ("head-only.xlsx", good[..64].to_vec()),
    ];
    // Whole archive, but the sheet's deflate stream is damaged.
    let mut corrupt = good.clone();
    let at = corrupt
        .windows(SHEET_PATH.len())
        .position(|w| w == SHEET_PATH.as_bytes())
        .unwrap()
        + SHEET_PATH.len();
    for byte in &mut corrupt[at + 4..at + 40] {
        *byte ^= 0x55;
    }
    cases.push(("corrupt.xlsx", corrupt));
    // A sound archive whose sheet XML stops mid-tag.
    let mut parts = workbook_parts(&["id", "name", "1", "a"], 2);
    let sheet = &mut parts.iter_mut().find(|(n, _)| n == SHEET_PATH).unwrap().1;
    sheet.truncate(sheet.len() / 2);
    cases.push(("cut-xml.xlsx", zip(&parts)));

    for (name, bytes) in cases {
        let path = write(dir.path(), name, &bytes);
        let (code, report) = validate_json(&[s(&path)]);
        assert_eq!(code, 1, "{name}: {report:#}");
        let error = only_error(&report);
        assert_eq!(error["type"], "format-error", "{name}: {error:#}");
        assert!(note(error).contains(name), "{name}: {error:#}");
    }
}

/// The sheet declares 3 GiB: refused from the declared sizes, before
/// anything is inflated.
#[test]
fn zip_bomb_entry_declaring_3_gib_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut bomb = good_workbook();
    declare_size(&mut bomb, SHEET_PATH, 3 << 30);
    let path = write(dir.path(), "bomb.xlsx", &bomb);
    let started = Instant::now();
    let (code, report) = validate_json(&[s(&path)]);
    assert_eq!(code, 1, "{report:#}");
    let error = only_error(&report);
    assert_eq!(error["type"], "format-error", "{error:#}");
    let note = note(error);
    assert!(note.contains("zip bomb"), "{note}");
    assert!(note.contains(SHEET_PATH), "{note}");
    assert!(started.elapsed() < Duration::from_secs(20));

    let run = data(&["infer", s(&path)]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("zip bomb"), "{}", run.stderr);
}

/// Entries each under the per-entry ratio check's floor (99 MiB) but 2.4 GiB
/// together: refused by the total.
#[test]
fn zip_bomb_spread_over_many_entries_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut parts = workbook_parts(&["id", "1"], 1);
    let pads: Vec<String> = (0..25).map(|i| format!("xl/media/pad{i}.xml")).collect();
    for name in &pads {
        parts.push((name.clone(), b"<pad/>".to_vec()));
    }
    let mut bomb = zip(&parts);
    for name in &pads {
        declare_size(&mut bomb, name, 99 << 20);
    }
    let path = write(dir.path(), "spread.xlsx", &bomb);
    let (code, report) = validate_json(&[s(&path)]);
    assert_eq!(code, 1, "{report:#}");
    let error = only_error(&report);
    assert_eq!(error["type"], "format-error", "{error:#}");
    assert!(note(error).contains("more than the limit"), "{error:#}");
}

/// The shared strings declare 100 bytes and inflate to 4 MiB. Under the
/// compressed size at which the guard re-inflates to check, the lie goes
/// unnoticed and the whole entry is read. Scaled up, the same forgery is a
/// zip bomb: a 1.7 MB workbook whose shared strings declare 100 bytes and
/// inflate to 1.8 GB is reported valid after 2 to 3 minutes and 5.6 to
/// 7.1 GB of memory (measured by hand with /usr/bin/time -v, debug build).
/// A sound archive never expands past its declared sizes, so the lie alone
/// must be refused.
#[test]
fn workbook_entry_expanding_past_its_declared_size_is_refused() {
    let dir = TempDir::new().unwrap();
    let big = "a".repeat(4 << 20);
    let mut bomb = zip(&workbook_parts(&["id", big.as_str()], 1));
    declare_size(&mut bomb, SHARED_PATH, 100);
    let path = write(dir.path(), "liar.xlsx", &bomb);
    let (code, report) = validate_json(&[s(&path)]);
    assert_eq!(code, 1, "{report:#}");
    let error = only_error(&report);
    assert_eq!(error["type"], "format-error", "{error:#}");
    assert!(note(error).contains(SHARED_PATH), "{error:#}");
}

// ---------------------------------------------------------------- encodings

#[test]
fn invalid_utf8_in_a_declared_encoding_names_the_row() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "data.csv", b"id,name\n1,ok\n2,caf\xE9\n3,x\n");
    let (code, report) = validate_json(&["--encoding", "utf-8", s(&path)]);
    assert_eq!(code, 1, "{report:#}");
    let error = only_error(&report);
    assert_eq!(error["type"], "encoding-error", "{error:#}");
    assert!(note(error).contains("row 3"), "{error:#}");
    assert!(note(error).contains("--encoding"), "{error:#}");

    // The same file in a package whose resource declares utf-8.
    let package = dir.path().join("package");
    std::fs::create_dir(&package).unwrap();
    std::fs::copy(&path, package.join("data.csv")).unwrap();
    let descriptor = serde_json::json!({
        "name": "p",
        "resources": [{
            "name": "data", "path": "data.csv", "encoding": "utf-8",
            "schema": {"fields": [
                {"name": "id", "type": "integer"},
                {"name": "name", "type": "string"}
            ]}
        }]
    });
    write(
        &package,
        "datapackage.json",
        descriptor.to_string().as_bytes(),
    );
    let (code, report) = validate_json(&[s(&package)]);
    assert_eq!(code, 1, "{report:#}");
    let error = only_error(&report);
    assert_eq!(error["type"], "encoding-error", "{error:#}");
    assert!(note(error).contains("row 3"), "{error:#}");
}

/// Far past what detection samples, so the file is taken for UTF-8 and the
/// bad byte is met while reading.
#[test]
fn invalid_utf8_past_the_detection_sample_names_the_row() {
    let dir = TempDir::new().unwrap();
    let mut bytes = b"id,name\n".to_vec();
    for i in 1..=100_000u32 {
        let cell: &[u8] = if i == 90_000 { b"caf\xE9" } else { b"abc" };
        bytes.extend_from_slice(format!("{i},").as_bytes());
        bytes.extend_from_slice(cell);
        bytes.push(b'\n');
    }
    let path = write(dir.path(), "late.csv", &bytes);
    let (code, report) = validate_json(&[s(&path)]);
    assert_eq!(code, 1, "{report:#}");
    let error = only_error(&report);
    assert_eq!(error["type"], "encoding-error", "{error:#}");
    assert!(note(error).contains("row 90001"), "{error:#}");
}

/// Docs (validation.md): bytes that are not valid in the table's encoding
/// are an `encoding-error` naming the row, whatever the encoding.
#[test]
fn invalid_bytes_in_a_declared_legacy_encoding_name_the_row() {
    let dir = TempDir::new().unwrap();
    // 0x82 0xA0 is a Shift_JIS hiragana; 0xFF is no Shift_JIS byte.
    let path = write(dir.path(), "sjis.csv", b"id,name\n1,\x82\xA0\n2,\xFF\xFF\n");
    let (code, report) = validate_json(&["--encoding", "shift_jis", s(&path)]);
    assert_eq!(code, 1, "{report:#}");
    let error = only_error(&report);
    assert_eq!(error["type"], "encoding-error", "{error:#}");
    assert!(note(error).contains("row 3"), "{error:#}");
}

/// A declared UTF-16LE file (no BOM) with an unpaired surrogate in row 4:
/// the declared encoding decides, so this is an encoding error in row 4,
/// not "binary data".
#[test]
fn unpaired_surrogate_in_declared_utf16_is_an_encoding_error() {
    let dir = TempDir::new().unwrap();
    let mut bytes: Vec<u8> = "id,name\n1,a\n2,b\n3,"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.extend_from_slice(&0xD800u16.to_le_bytes());
    bytes.extend("x\n4,d\n".encode_utf16().flat_map(u16::to_le_bytes));
    let path = write(dir.path(), "utf16.csv", &bytes);
    let (code, report) = validate_json(&["--encoding", "utf-16le", s(&path)]);
    assert_eq!(code, 1, "{report:#}");
    let error = only_error(&report);
    assert_eq!(error["type"], "encoding-error", "{error:#}");
    assert!(note(error).contains("row 4"), "{error:#}");
}

#[test]
fn unknown_encoding_cannot_run() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "data.csv", b"id\n1\n");
    let run = data(&["validate", "--encoding", "klingon", s(&path)]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("klingon"), "{}", run.stderr);
    assert!(run.stderr.contains("utf-8"), "{}", run.stderr);
}

// ---------------------------------------------------------------- NUL, lines

/// NUL is a valid character in UTF-8 text, and a CSV export with a stray NUL
/// in a cell is still a table: frictionless-py reads this file as valid (2
/// rows), and so does this engine when the NUL comes after the detection
/// sample. Where the NUL sits must not change the verdict.
#[test]
fn nul_byte_inside_a_cell_is_read_as_text() {
    let dir = TempDir::new().unwrap();
    let early = write(dir.path(), "early.csv", b"id,name\n1,a\0b\n2,c\n");
    let mut bytes = b"id,name\n".to_vec();
    for i in 1..=100_000u32 {
        let cell: &[u8] = if i == 90_000 { b"a\0b" } else { b"abc" };
        bytes.extend_from_slice(format!("{i},").as_bytes());
        bytes.extend_from_slice(cell);
        bytes.push(b'\n');
    }
    let late = write(dir.path(), "late.csv", &bytes);
    for (path, rows) in [(early, 2), (late, 100_000)] {
        let (code, report) = validate_json(&[s(&path)]);
        assert_eq!(code, 0, "{}: {report:#}", path.display());
        assert_eq!(report["valid"], true);
        let task = &report["tasks"][0];
        assert_eq!(task["labels"], serde_json::json!(["id", "name"]));
        assert_eq!(task["stats"]["rows"], rows);
    }
}

/// One ~100 MB cell: read (frictionless-py: valid too), in bounded time.
/// Measured by hand (debug build, /usr/bin/time -v): 6.6 s, 248 MB peak RSS;
/// frictionless-py: 17 s, 690 MB.
#[test]
fn hundred_megabyte_line_is_read() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("long.csv");
    {
        // Streamed to disk: the test itself holds 1 MiB at a time.
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        file.write_all(b"id,text\n1,").unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..100 {
            file.write_all(&chunk).unwrap();
        }
        file.write_all(b"\n").unwrap();
        file.flush().unwrap();
    }
    let (code, report) = validate_json(&[s(&path)]);
    assert_eq!(code, 0, "{report:#}");
    let task = &report["tasks"][0];
    assert_eq!(task["labels"], serde_json::json!(["id", "text"]));
    assert_eq!(task["stats"]["rows"], 1);
    assert_eq!(task["stats"]["bytes"], 100 * (1 << 20) + 11);
}

/// The other long line: 50,000 short cells (a 300 KB header). Work per
/// column must not grow with the number of columns; 16,000 columns already
/// take 15 s in a debug build and 200,000 (a 2 MB file) do not finish.
#[test]
fn wide_line_of_50_000_cells_finishes() {
    let dir = TempDir::new().unwrap();
    let n = 50_000;
    let header: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let row = vec!["1"; n];
    let text = format!("{}\n{}\n", header.join(","), row.join(","));
    let path = write(dir.path(), "wide.csv", text.as_bytes());
    let run = data_within(&["validate", "--json", s(&path)], Duration::from_secs(15));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["tasks"][0]["stats"]["fields"], n);
}

// ---------------------------------------------------------------- ragged

#[test]
fn ragged_rows_are_missing_and_extra_cells() {
    let dir = TempDir::new().unwrap();
    let path = write(
        dir.path(),
        "ragged.csv",
        b"id,name,score\n1,a,3\n2,b\n3,c,4,extra\n4,d,5\n",
    );
    let (code, report) = validate_json(&[s(&path)]);
    assert_eq!(code, 1, "{report:#}");
    let found: Vec<(String, i64, i64, String)> = task_errors(&report)
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["rowNumber"].as_i64().unwrap(),
                e["fieldNumber"].as_i64().unwrap(),
                e["cell"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("missing-cell".to_owned(), 3, 3, String::new()),
            ("extra-cell".to_owned(), 4, 4, "extra".to_owned()),
        ]
    );
    assert_eq!(task_errors(&report)[0]["fieldName"], "score");
}

// ---------------------------------------------------------------- escapes

const SECRET: &str = "TOP-SECRET-VALUE";

/// `outside/secret.csv` next to `outside/package/`; returns (root, package).
fn package_beside_a_secret() -> (TempDir, PathBuf) {
    let root = TempDir::new().unwrap();
    write(
        root.path(),
        "secret.csv",
        format!("id\n{SECRET}\n").as_bytes(),
    );
    write(root.path(), "schema.json", br#"{"fields":[{"name":"id"}]}"#);
    let package = root.path().join("package");
    std::fs::create_dir(&package).unwrap();
    write(&package, "ok.csv", b"id\n1\n");
    (root, package)
}

fn write_descriptor(package: &Path, resource: Value) {
    let descriptor = serde_json::json!({"name": "p", "resources": [resource]});
    write(
        package,
        "datapackage.json",
        descriptor.to_string().as_bytes(),
    );
}

/// The report's package-level error, and that nothing was read.
fn assert_package_error(report: &Value, needle: &str) {
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report:#}");
    assert_eq!(errors[0]["type"], "package-error", "{report:#}");
    assert!(note(&errors[0]).contains(needle), "{report:#}");
    assert!(!report.to_string().contains(SECRET), "{report:#}");
}

#[test]
fn descriptor_path_going_up_is_a_package_error() {
    let (_root, package) = package_beside_a_secret();
    let cases = [
        (
            serde_json::json!({"name": "r", "path": "../secret.csv"}),
            "resources[0].path",
        ),
        (
            serde_json::json!({"name": "r", "path": "sub/../../secret.csv"}),
            "resources[0].path",
        ),
        (
            serde_json::json!({"name": "r", "path": ["ok.csv", "../secret.csv"]}),
            "resources[0].path[1]",
        ),
        (
            serde_json::json!({"name": "r", "path": "ok.csv", "schema": "../schema.json"}),
            "resources[0].schema",
        ),
    ];
    for (resource, place) in cases {
        write_descriptor(&package, resource.clone());
        let (code, report) = validate_json(&[s(&package)]);
        assert_eq!(code, 1, "{resource}: {report:#}");
        assert_eq!(report["valid"], false);
        assert_package_error(&report, place);
        assert_package_error(&report, "..");
    }

    let run = data(&["validate", s(&package.join("datapackage.json"))]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("cannot leave the package"),
        "{}",
        run.stdout
    );
}

#[test]
fn descriptor_absolute_path_is_a_package_error() {
    let (root, package) = package_beside_a_secret();
    let secret = root.path().join("secret.csv");
    for resource in [
        serde_json::json!({"name": "r", "path": s(&secret)}),
        serde_json::json!({"name": "r", "path": "file:///etc/passwd"}),
        serde_json::json!({
            "name": "r", "path": "ok.csv", "schema": s(&root.path().join("schema.json"))
        }),
    ] {
        write_descriptor(&package, resource.clone());
        let (code, report) = validate_json(&[s(&package)]);
        assert_eq!(code, 1, "{resource}: {report:#}");
        assert_package_error(&report, "relative to the package");
    }
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_package_is_refused() {
    use std::os::unix::fs::symlink;
    let (_root, package) = package_beside_a_secret();
    symlink("../secret.csv", package.join("link.csv")).unwrap();
    symlink("..", package.join("up")).unwrap();
    symlink("../schema.json", package.join("schema.json")).unwrap();
    for resource in [
        serde_json::json!({"name": "r", "path": "link.csv"}),
        serde_json::json!({"name": "r", "path": "up/secret.csv"}),
        serde_json::json!({"name": "r", "path": "ok.csv", "schema": "schema.json"}),
    ] {
        write_descriptor(&package, resource.clone());
        let (code, report) = validate_json(&[s(&package)]);
        assert_eq!(code, 1, "{resource}: {report:#}");
        assert!(!report.to_string().contains(SECRET), "{report:#}");
        // Either refused with the descriptor or when the table is opened.
        let package_errors = report["errors"].as_array().unwrap();
        let error = if package_errors.is_empty() {
            only_error(&report)
        } else {
            &package_errors[0]
        };
        assert!(
            error["type"] == "source-error" || error["type"] == "package-error",
            "{resource}: {error:#}"
        );
        assert!(
            note(error).contains("outside the package"),
            "{resource}: {error:#}"
        );
    }
}

// ---------------------------------------------------------------- infer

/// `data infer` that cannot describe a file: exit 2, nothing on stdout, a
/// message on stderr naming the file and containing `needle`.
fn assert_infer_fails(path: &Path, needle: &str) {
    let run = data(&["infer", s(path)]);
    assert_eq!(
        run.code,
        2,
        "{}: stdout {}\nstderr {}",
        path.display(),
        run.stdout,
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(run.stderr.contains(s(path)), "{}", run.stderr);
    assert!(run.stderr.contains(needle), "{}", run.stderr);
}

/// An empty file has no columns to describe: `data validate` says "the
/// source is empty", and `data infer` must not print a schema of no fields
/// (with `header: false`, or a note calling an empty .xlsx delimited text).
#[test]
fn infer_empty_file_cannot_run() {
    let dir = TempDir::new().unwrap();
    for name in ["empty.csv", "empty.xlsx"] {
        let path = write(dir.path(), name, b"");
        assert_infer_fails(&path, "empty");
    }
}

#[test]
fn infer_binary_garbage_cannot_run() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "noise.csv", &garbage(8192));
    assert_infer_fails(&path, "supported formats");
}

#[test]
fn infer_truncated_workbook_cannot_run() {
    let dir = TempDir::new().unwrap();
    let good = good_workbook();
    let path = write(dir.path(), "half.xlsx", &good[..good.len() / 2]);
    assert_infer_fails(&path, "workbook");
}

// ---------------------------------------------------------------- output

/// NO_COLOR (and `--no-color`) means no escape sequences at all, bold
/// included, in the report people read.
#[test]
fn report_under_no_color_has_no_escape_codes() {
    let dir = TempDir::new().unwrap();
    let bad = write(dir.path(), "empty.csv", b"");
    let good = write(dir.path(), "good.csv", b"id\n1\n");
    for args in [
        vec!["validate", s(&bad), s(&good)],
        vec!["--no-color", "validate", s(&bad), s(&good)],
    ] {
        let run = data(&args);
        assert_eq!(run.code, 1);
        assert!(!run.stdout.contains('\x1b'), "{:?}: {:?}", args, run.stdout);
    }
}
