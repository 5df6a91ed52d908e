//! The real published packages in tests/fixtures/datasets give the results
//! frictionless-py gives (see tests/fixtures/datasets/README.md), and
//! `data infer` agrees with their published schemas on types.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn datasets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/datasets")
}

fn data(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_data"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run data");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn validate_json(path: &Path) -> (i32, Value) {
    let (code, stdout, stderr) = data(&["validate", "--json", path.to_str().unwrap()]);
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {stderr}"));
    (code, report)
}

fn errors_of<'a>(report: &'a Value, task: &str) -> Vec<&'a Value> {
    report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == task)
        .unwrap_or_else(|| panic!("no task {task}"))["errors"]
        .as_array()
        .unwrap()
        .iter()
        .collect()
}

#[test]
fn valid_packages_are_valid() {
    for name in [
        "country-codes",
        "gold-prices",
        "s-and-p-500-companies",
        "language-codes",
    ] {
        let (code, report) = validate_json(&datasets().join(name));
        assert_eq!(report["valid"], true, "{name}: {report:#}");
        assert_eq!(code, 0, "{name}");
        assert!(!report["tasks"].as_array().unwrap().is_empty(), "{name}");
    }
}

#[test]
fn co2_ppm_has_its_published_defects() {
    let (code, report) = validate_json(&datasets().join("co2-ppm/datapackage.json"));
    assert_eq!(code, 1);
    assert_eq!(report["valid"], false);
    let mlo = errors_of(&report, "co2-mm-mlo");
    assert_eq!(mlo.len(), 820);
    assert!(mlo.iter().all(|e| e["type"] == "extra-cell"));
    assert_eq!(mlo[0]["rowNumber"], 2);
    assert_eq!(mlo[0]["fieldNumber"], 7);

    let gr = errors_of(&report, "co2-gr-mlo");
    assert_eq!(gr.len(), 1);
    assert_eq!(gr[0]["type"], "blank-row");
    assert_eq!(gr[0]["rowNumber"], 2);

    let gl = errors_of(&report, "co2-mm-gl");
    let kinds: Vec<(&str, i64)> = gl
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap(),
                e["fieldNumber"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("extra-label", 5),
            ("extra-label", 6),
            ("incorrect-label", 1),
            ("incorrect-label", 2),
            ("incorrect-label", 3),
            ("incorrect-label", 4),
        ]
    );
    for task in ["co2-annmean-mlo", "co2-annmean-gl", "co2-gr-gl"] {
        assert!(errors_of(&report, task).is_empty(), "{task}");
    }
    assert_eq!(report["stats"]["errors"], 827);
}

#[test]
fn human_report_names_tables_and_errors() {
    let dir = datasets().join("co2-ppm");
    let (code, stdout, _) = data(&["validate", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stdout.contains("co2-mm-mlo"), "{stdout}");
    assert!(stdout.contains("extra-cell (820)"), "{stdout}");
    assert!(stdout.contains("blank-row (1)"), "{stdout}");
    assert!(
        stdout.contains("invalid: 6 tables, 3 invalid, 827 errors"),
        "{stdout}"
    );
}

/// Whether an inferred type agrees with a published one: the same, or a
/// stricter type the published one accepts: an integer column published as
/// `number`, a `yearmonth` column published as a `date` with format `any`
/// (which reads `1958-03`), or a column with no value at all (nothing in it
/// says what it holds).
fn agrees(inferred: &str, published: &Value, column_is_empty: bool) -> bool {
    let published_type = published["type"].as_str().unwrap_or("string");
    inferred == published_type
        || (inferred == "integer" && published_type == "number")
        || (inferred == "yearmonth" && published_type == "date" && published["format"] == "any")
        || column_is_empty
}

/// Whether every cell of column `index` of a CSV file is empty.
fn column_is_empty(path: &Path, index: usize) -> bool {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    reader
        .records()
        .all(|r| r.unwrap().get(index).unwrap_or("").is_empty())
}

#[test]
fn infer_agrees_with_published_schemas() {
    let mut checked = 0;
    for package in [
        "co2-ppm",
        "gold-prices",
        "s-and-p-500-companies",
        "language-codes",
        "country-codes",
    ] {
        let dir = datasets().join(package);
        let descriptor = datapackage_descriptor(&dir);
        for resource in descriptor["resources"].as_array().unwrap() {
            let path = dir.join(resource["path"].as_str().unwrap());
            let (code, stdout, stderr) = data(&["infer", "--json", path.to_str().unwrap()]);
            assert_eq!(code, 0, "{}: {stderr}", path.display());
            let inferred: Value = serde_json::from_str(&stdout).unwrap();
            let published = resource["schema"]["fields"].as_array().unwrap();
            let fields = inferred["schema"]["fields"].as_array().unwrap();
            // co2-mm-gl's header is shorter than its rows: compare the
            // fields the header names.
            for (index, (p, f)) in published.iter().zip(fields).enumerate() {
                let ft = f["type"].as_str().unwrap();
                assert!(
                    agrees(ft, p, column_is_empty(&path, index)),
                    "{}: field {}: inferred {ft}, published {}",
                    path.display(),
                    p["name"],
                    p["type"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 80, "only {checked} fields compared");
}

fn datapackage_descriptor(dir: &Path) -> Value {
    let json = dir.join("datapackage.json");
    if json.exists() {
        return serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    }
    let yaml = std::fs::read_to_string(dir.join("datapackage.yml")).unwrap();
    serde_yaml::from_str(&yaml).unwrap()
}
