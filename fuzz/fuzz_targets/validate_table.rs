//! Arbitrary bytes validated as a CSV table, in memory, against one of a few
//! fixed schemas (several types, constraints, keys) or an inferred one.
//!
//! Input layout: byte 0 picks the schema, the header mode, the inference
//! rule, the error limit, the delimiter and whether to compare with a
//! two-worker run; the rest is the file.
//!
//! Checked: no panic, and the report's own invariants (counts, row and field
//! numbers inside the file, the error limit, the declared size honoured, the
//! same report whatever the number of workers).

#![no_main]

use csv::ByteRecord;
use datapackage::io::{schema_from_str, DescriptorFormat};
use datapackage::Schema;
use libfuzzer_sys::fuzz_target;
use validate::source::csv::{CsvOptions, CsvSource};
use validate::source::raw::{Digests, RawReader};
use validate::source::RowSource;
use validate::validator::Expected;
use validate::{
    validate_table, ErrorKind, InferOptions, Report, Silent, Table, Task, ValidateOptions,
};

const SCHEMAS: [&str; 3] = [
    r#"{"fields": [
        {"name": "id", "type": "integer",
         "constraints": {"required": true, "unique": true, "minimum": 0}},
        {"name": "name", "type": "string",
         "constraints": {"pattern": "[a-z]+", "minLength": 1, "maxLength": 8}},
        {"name": "price", "type": "number", "constraints": {"maximum": 1000.5}},
        {"name": "when", "type": "date", "constraints": {"minimum": "2000-01-01"}},
        {"name": "ok", "type": "boolean"},
        {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}}
    ], "primaryKey": ["id"]}"#,
    r#"{"fields": [
        {"name": "a", "type": "year", "constraints": {"maximum": 2100}},
        {"name": "b", "type": "datetime"},
        {"name": "c", "type": "time", "format": "%H:%M"},
        {"name": "d", "type": "geopoint"},
        {"name": "e", "type": "duration"},
        {"name": "f", "type": "yearmonth"},
        {"name": "g", "type": "object"},
        {"name": "h", "type": "array", "constraints": {"minLength": 1}},
        {"name": "i", "type": "any", "constraints": {"unique": true}}
    ], "missingValues": ["", "NA", "-"], "primaryKey": ["a", "b"]}"#,
    r#"{"fields": [
        {"name": "n", "type": "number", "decimalChar": ",", "groupChar": ".",
         "bareNumber": false},
        {"name": "t", "type": "boolean", "trueValues": ["y"], "falseValues": ["n"]},
        {"name": "u", "type": "string", "format": "uuid", "constraints": {"unique": true}},
        {"name": "e", "type": "string", "format": "email"},
        {"name": "d", "type": "date", "format": "%d/%m/%Y"},
        {"name": "g", "type": "geojson"},
        {"name": "i", "type": "integer", "bareNumber": false,
         "constraints": {"enum": [1, 2, 3]}}
    ]}"#,
];

fuzz_target!(|data: &[u8]| {
    let [control, body @ ..] = data else {
        return;
    };
    let schema: Option<Schema> = SCHEMAS.get(usize::from(control & 3)).map(|text| {
        schema_from_str(text, DescriptorFormat::Json).expect("the fixed schemas are valid")
    });
    let header = [None, Some(true), Some(false), None][usize::from((control >> 2) & 3)];
    let infer = if control & 16 != 0 {
        InferOptions::strict(None)
    } else {
        InferOptions::frictionless()
    };
    let limit = (control & 32 != 0).then_some(3);
    let csv = CsvOptions {
        delimiter: if control & 64 != 0 { b';' } else { b',' },
        ..CsvOptions::default()
    };
    let options = ValidateOptions {
        limit_errors: limit,
        threads: 1,
        infer,
    };

    let file_rows = count_rows(body, &csv);
    let task = run(body, &csv, schema.clone(), header, &options);
    check_task(&task, file_rows, limit);

    if control & 128 != 0 {
        let parallel = run(
            body,
            &csv,
            schema,
            header,
            &ValidateOptions {
                threads: 2,
                ..options
            },
        );
        assert_eq!(
            task.errors, parallel.errors,
            "errors depend on the worker count"
        );
        assert_eq!(task.labels, parallel.labels);
        assert_eq!(task.stats.rows, parallel.stats.rows);
        assert_eq!(task.warnings, parallel.warnings);
    }

    let report = Report::from_tasks(vec![task], Vec::new(), 0.0);
    assert_eq!(report.stats.errors, report.tasks[0].errors.len());
    assert_eq!(report.valid, report.tasks[0].valid);
    serde_json::to_string(&report).expect("a report always serializes");
});

fn run(
    body: &[u8],
    csv: &CsvOptions,
    schema: Option<Schema>,
    header: Option<bool>,
    options: &ValidateOptions,
) -> Task {
    let raw = RawReader::new(body, Digests::default());
    let stats = raw.stats();
    let table = Table {
        name: "fuzz".into(),
        place: "fuzz.csv".into(),
        source: Box::new(CsvSource::new(raw, csv)),
        schema,
        header,
        expected: Expected {
            bytes: Some(body.len() as u64),
            hash: None,
        },
        raw: Some(stats),
        foreign_keys: Vec::new(),
        size: Some(body.len() as u64),
    };
    validate_table(table, options, &Silent)
}

/// Rows in the file as the validator's source reads them.
fn count_rows(body: &[u8], csv: &CsvOptions) -> u64 {
    let mut source = CsvSource::new(body, csv);
    let mut record = ByteRecord::new();
    let mut rows = 0;
    while let Ok(true) = source.read_row(&mut record) {
        rows += 1;
    }
    rows
}

fn check_task(task: &Task, file_rows: u64, limit: Option<usize>) {
    assert_eq!(task.stats.errors, task.errors.len(), "stats.errors");
    assert_eq!(task.valid, task.errors.is_empty(), "valid");
    let limit_reached = task
        .warnings
        .iter()
        .any(|w| w.starts_with("reached error limit"));
    if let Some(limit) = limit {
        // As in frictionless, the limit is checked after each data row: it
        // cuts the errors to `limit` (a reading error may follow), and a
        // table with no data row keeps all its label errors.
        if limit_reached {
            assert!(
                task.errors.len() <= limit + 1,
                "{} errors over a limit of {limit}",
                task.errors.len()
            );
        } else if task.errors.iter().any(|e| e.row_number.is_some()) {
            let row_and_label = task
                .errors
                .iter()
                .filter(|e| e.row_number.is_some() || e.row_numbers.is_some())
                .count();
            assert!(
                row_and_label < limit,
                "{row_and_label} row and label errors, limit {limit} not reported as reached"
            );
        }
    }
    if let Some(rows) = task.stats.rows {
        assert!(
            rows <= file_rows,
            "stats.rows {rows} > {file_rows} rows in the file"
        );
    }
    let read_whole = !limit_reached
        && !task
            .errors
            .iter()
            .any(|e| matches!(e.kind, ErrorKind::EncodingError | ErrorKind::SourceError));
    for error in &task.errors {
        // Every message renders.
        let _ = error.message();
        if let Some(row) = error.row_number {
            assert!(
                (1..=file_rows).contains(&row),
                "{:?} at row {row} of a {file_rows}-row file",
                error.kind
            );
        }
        for &row in error.row_numbers.iter().flatten() {
            assert!(
                (1..=file_rows).contains(&row),
                "{:?} names row {row} of a {file_rows}-row file",
                error.kind
            );
        }
        if let Some(number) = error.field_number {
            assert!(number >= 1, "{:?} at field number 0", error.kind);
        }
        if error.kind.is_cell_error() {
            assert!(
                error.row_number.is_some() && error.field_number.is_some(),
                "{:?} without a row or field number",
                error.kind
            );
        }
        if read_whole {
            assert_ne!(
                error.kind,
                ErrorKind::ByteCount,
                "byte-count error though the declared size is right: {}",
                error.note
            );
        }
    }
}
