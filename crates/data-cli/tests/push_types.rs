//! `data push` of a file whose name does not settle its type: the content
//! decides, the person is told (and asked, on a terminal), and content that
//! is no table is refused. Against a real `data-registry` process.

#[allow(dead_code)]
#[path = "registry/server.rs"]
mod server;

use serde_json::Value;
use server::{text, Registry};

/// Waits for `prompt` on the terminal, then presses `keys`.
#[cfg(unix)]
fn answer(session: &mut rexpect::session::PtySession, prompt: &str, keys: &str) {
    session
        .exp_string(prompt)
        .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
    session.send(keys).expect("answer");
    session.flush().expect("flush");
}

fn descriptor(registry: &Registry, owner_name: &str) -> Value {
    let (status, bytes) = registry.get_bytes(&format!("/{owner_name}/datapackage.json"));
    assert_eq!(status, 200, "{}", text(&bytes));
    serde_json::from_slice(&bytes).expect("descriptor JSON")
}

#[test]
fn a_file_without_an_extension_is_read_by_its_content_and_the_person_told() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let file = alice.home.path().join("measurements");
    std::fs::write(&file, "station,reading\nA,1.5\nB,2.25\nC,3\n").unwrap();
    let out = alice.data(&["push", file.to_str().unwrap(), "--yes", "--json"], None);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("its name does not say its type; its content reads as CSV"),
        "{stderr}"
    );
    let published = descriptor(&registry, "alice/measurements");
    let resource = &published["resources"][0];
    assert_eq!(resource["format"], "csv");
    assert_eq!(resource["schema"]["fields"][1]["type"], "number");
}

#[test]
fn content_that_contradicts_the_name_is_said_and_followed() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    // An Excel workbook saved under a .csv name.
    let workbook = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../validate/tests/fixtures/spreadsheets/sheets.xlsx");
    let file = alice.home.path().join("report.csv");
    std::fs::copy(&workbook, &file).unwrap();
    let out = alice.data(&["push", file.to_str().unwrap(), "--yes"], None);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("report.csv is an XLSX workbook despite its .csv extension"),
        "{stderr}"
    );
    assert!(
        stderr.contains("pass --format to read it otherwise"),
        "{stderr}"
    );
    let published = descriptor(&registry, "alice/report");
    assert_eq!(published["resources"][0]["format"], "xlsx", "{published}");
}

#[test]
fn text_that_is_no_table_is_refused_unless_a_format_is_given() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let file = alice.home.path().join("notes.txt");
    std::fs::write(&file, "Remember to check the gauges on Monday.\n").unwrap();
    let refused = alice.data(&["push", file.to_str().unwrap(), "--yes"], None);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("does not look like a table"), "{stderr}");
    assert!(stderr.contains("CSV, TSV, XLSX"), "{stderr}");
    let (status, _) = registry.get_bytes("/alice/notes/datapackage.json");
    assert_eq!(status, 404, "nothing published");

    // Binary content is refused, whatever is asked.
    let binary = alice.home.path().join("blob.bin");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").unwrap();
    let refused = alice.data(&["push", binary.to_str().unwrap(), "--yes"], None);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("supported formats"),
        "{}",
        text(&refused.stderr)
    );

    // Told what it is, the same text is published as a one-column table.
    let out = alice.data(
        &["push", file.to_str().unwrap(), "--yes", "--format", "csv"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// On a terminal the person is asked, the content's answer first.
#[cfg(unix)]
#[test]
fn on_a_terminal_the_type_is_asked_when_the_name_does_not_say() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let file = alice.home.path().join("readings.dat");
    std::fs::write(&file, "when\tlevel\n2024-01-01\t3\n2024-01-02\t4\n").unwrap();
    let mut session = alice.on_terminal(&["push", file.to_str().unwrap()]);
    session
        .exp_string("its content reads as TSV")
        .expect("told what was found");
    // The first choice is what the content looks like.
    answer(&mut session, "Read readings.dat as", "\r");
    answer(&mut session, "are these field names right?", "y");
    answer(&mut session, "keep these types?", "y");
    session
        .exp_string("pushed alice/readings revision 1")
        .expect("pushed");
    session.exp_eof().expect("exit");
    let published = descriptor(&registry, "alice/readings");
    let resource = &published["resources"][0];
    assert_eq!(resource["format"], "tsv");
    assert_eq!(resource["schema"]["fields"][0]["type"], "date");
}

/// A workbook of several sheets on a terminal: the sheet is asked, and
/// data with errors asks whether to push anyway; "no" publishes nothing,
/// "yes" publishes the chosen sheet.
#[cfg(unix)]
#[test]
fn on_a_terminal_the_sheet_is_chosen_and_errors_ask_before_pushing() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let workbook = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../validate/tests/fixtures/spreadsheets/sheets.xlsx");
    let file = alice.home.path().join("workbook.xlsx");
    std::fs::copy(&workbook, &file).unwrap();

    for push_anyway in [false, true] {
        let mut session = alice.on_terminal(&["push", file.to_str().unwrap()]);
        // The second sheet, "sparse": its labels are blank, a row is blank.
        answer(&mut session, "has 2 sheets: which one?", "\x1b[B\r");
        answer(&mut session, "are these field names right?", "y");
        answer(&mut session, "keep these types?", "y");
        session.exp_string("blank-row").expect("the report");
        answer(
            &mut session,
            "The data has errors. Push anyway?",
            if push_anyway { "y" } else { "n" },
        );
        if push_anyway {
            session
                .exp_string("pushed alice/workbook revision 1")
                .expect("pushed");
            session.exp_eof().expect("exit");
        } else {
            session.exp_string("not pushed").expect("refused");
            session.exp_eof().expect("exit");
            let (status, _) = registry.get_bytes("/alice/workbook/datapackage.json");
            assert_eq!(status, 404, "nothing published after a no");
        }
    }
    let published = descriptor(&registry, "alice/workbook");
    let resource = &published["resources"][0];
    assert_eq!(resource["dialect"]["sheetName"], "sparse", "{published}");
}

/// A workbook under a .csv name, on a terminal: the type is asked, then
/// the sheet (the workbook is known by its content, not its name).
#[cfg(unix)]
#[test]
fn a_workbook_named_csv_is_asked_about_then_its_sheet_chosen() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let workbook = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../validate/tests/fixtures/spreadsheets/sheets.xlsx");
    let file = alice.home.path().join("export.csv");
    std::fs::copy(&workbook, &file).unwrap();
    let mut session = alice.on_terminal(&["push", file.to_str().unwrap()]);
    session
        .exp_string("is an XLSX workbook despite its .csv extension")
        .expect("told");
    answer(&mut session, "Read export.csv as", "\r");
    answer(&mut session, "has 2 sheets: which one?", "\r");
    answer(&mut session, "are these field names right?", "y");
    answer(&mut session, "keep these types?", "y");
    session
        .exp_string("pushed alice/export revision 1")
        .expect("pushed");
    session.exp_eof().expect("exit");
    let published = descriptor(&registry, "alice/export");
    let resource = &published["resources"][0];
    assert_eq!(resource["format"], "xlsx");
    assert_eq!(resource["dialect"]["sheetName"], "people", "{published}");
}

/// Gzip content under a name that does not say so is read through the
/// gzip, and published as the bytes it is.
#[test]
fn gzip_content_without_a_gz_name_is_pushed() {
    use std::io::Write;
    let registry = Registry::start();
    let alice = registry.user("alice");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(b"id,name\n1,x\n2,y\n").unwrap();
    let bytes = encoder.finish().unwrap();
    let file = alice.home.path().join("export");
    std::fs::write(&file, &bytes).unwrap();
    let out = alice.data(&["push", file.to_str().unwrap(), "--yes"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let published = descriptor(&registry, "alice/export");
    let resource = &published["resources"][0];
    assert_eq!(resource["compression"], "gz", "{published}");
    assert_eq!(resource["schema"]["fields"][1]["name"], "name");
    let (_, served) = registry.get_bytes("/alice/export/v/1/export");
    assert_eq!(served, bytes);
}

/// A file changed while it is being pushed (here: while the push waits at
/// a prompt after reading it) is not recorded as pushed: the next push
/// reads it again and sends the new bytes.
#[cfg(unix)]
#[test]
fn a_file_changed_during_a_push_is_read_again_by_the_next() {
    let registry = Registry::start();
    let alice = registry.user("alice");
    let file = alice.home.path().join("levels.csv");
    std::fs::write(&file, "id,level\n1,2\n2,3\n").unwrap();
    let first = alice.json(&["push", file.to_str().unwrap(), "--yes"], None);
    assert_eq!(first["revision"], 1);

    // Read again (--reinfer), then changed before the push goes on.
    let mut session = alice.on_terminal(&["push", file.to_str().unwrap(), "--reinfer"]);
    session
        .exp_string("are these field names right?")
        .expect("names prompt");
    let changed = "id,level\n1,2\n2,3\n3,5\n";
    std::fs::write(&file, changed).unwrap();
    session.send("y").expect("answer");
    session.flush().expect("flush");
    answer(&mut session, "keep these types?", "y");
    session
        .exp_string("pushed alice/levels revision 2")
        .expect("pushed");
    session.exp_eof().expect("exit");

    let out = alice.data(&["push", file.to_str().unwrap(), "--yes", "--json"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("unchanged since the last push"),
        "{}",
        text(&out.stderr)
    );
    let third: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(third["bytes_sent"], changed.len());
    let (_, served) = registry.get_bytes("/alice/levels/v/3/levels.csv");
    assert_eq!(served, changed.as_bytes());
}
