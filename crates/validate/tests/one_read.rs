//! `describe_and_validate` reads a file once to infer its schema strictly
//! and validate it. Its answers must be those of the two reads it replaces:
//! `describe_path` with strict inference, then `validate_file` against the
//! schema that found.

use std::path::{Path, PathBuf};

use datapackage::Inline;
use validate::{
    describe_and_validate, describe_path, validate_file, FileOptions, InferOptions, ReadOptions,
    Silent, Task, ValidateOptions,
};

fn datasets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/datasets")
}

fn data_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("list fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            data_files(&path, into);
        } else if path
            .extension()
            .is_some_and(|e| ["csv", "xlsx", "xls", "ods"].iter().any(|x| e == *x))
        {
            into.push(path);
        }
    }
}

/// A task as JSON, without what differs from run to run.
fn comparable(task: &Task) -> serde_json::Value {
    let mut value = serde_json::to_value(task).expect("task as JSON");
    value["stats"]["seconds"] = serde_json::Value::Null;
    value
}

fn two_reads(
    path: &Path,
    validate: &ValidateOptions,
) -> Result<(datapackage::Resource, Task), validate::Error> {
    let strict = InferOptions::strict(None);
    let described = describe_path(path, &ReadOptions::default(), &strict, 2, &Silent)?;
    let schema = described
        .resource
        .schema
        .as_ref()
        .and_then(Inline::inline)
        .cloned();
    let task = validate_file(
        path,
        &FileOptions {
            read: ReadOptions::default(),
            schema,
        },
        validate,
        &Silent,
    );
    Ok((described.resource, task))
}

fn assert_same(path: &Path) {
    let validate = ValidateOptions {
        threads: 2,
        ..ValidateOptions::default()
    };
    let missing = InferOptions::strict(None).missing_values;
    let (described, task) =
        describe_and_validate(path, &ReadOptions::default(), &missing, &validate, &Silent)
            .unwrap_or_else(|e| panic!("one read of {}: {e}", path.display()));
    let (resource, expected) = match two_reads(path, &validate) {
        Ok(found) => found,
        // Nothing to describe (an empty sheet): one read says so too.
        Err(e) => {
            assert!(described.is_none(), "{}: {e}", path.display());
            assert!(!task.valid, "{}: {e}", path.display());
            return;
        }
    };
    let described = described.unwrap_or_else(|| panic!("{} read whole", path.display()));
    assert_eq!(described.resource, resource, "{}", path.display());
    assert_eq!(
        comparable(&task),
        comparable(&expected),
        "{}",
        path.display()
    );
    assert!(task.stats.sha256.is_some(), "{}: hashed", path.display());
}

#[test]
fn every_fixture_table_gives_the_same_schema_and_report() {
    let mut files = Vec::new();
    data_files(&datasets(), &mut files);
    data_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spreadsheets"),
        &mut files,
    );
    assert!(files.len() > 10, "fixtures found: {}", files.len());
    for path in &files {
        assert_same(path);
    }
}

#[test]
fn defects_found_in_one_read_are_those_of_two() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: &[(&str, &str)] = &[
        // A column that is integer until its last row; a blank row; a
        // short row and a long one; a duplicate and a blank label.
        (
            "shapes.csv",
            "id,amount,id,,note\n1,2,3,4,a\n\n2,3\n3,4,5,6,b,extra\n4,5.5,6,7,c\n",
        ),
        // Missing values and a header further down.
        ("sparse.csv", "a,b,c\n,,\n1,,x\n2,2020-01-01,\n"),
        // No data rows at all.
        ("labels-only.csv", "a,b\n"),
    ];
    for (name, text) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write case");
        assert_same(&path);
    }
}

#[test]
fn a_read_cut_short_describes_nothing_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("latin1.csv");
    // Valid UTF-8 in the sample, then a byte that is not.
    let mut bytes = b"name,n\n".to_vec();
    for i in 0..5000 {
        bytes.extend_from_slice(format!("row{i},{i}\n").as_bytes());
    }
    bytes.extend_from_slice(b"caf\xe9,1\n");
    std::fs::write(&path, &bytes).expect("write case");
    let validate = ValidateOptions {
        threads: 2,
        ..ValidateOptions::default()
    };
    let read = ReadOptions {
        encoding: Some("utf-8".into()),
        ..ReadOptions::default()
    };
    let (described, task) =
        describe_and_validate(&path, &read, &[String::new()], &validate, &Silent).expect("opened");
    assert!(described.is_none(), "a partial read must not describe");
    assert!(!task.valid);
    assert_eq!(task.errors[0].kind.code(), "encoding-error");
}
