//! Comparing two reports in frictionless-py's JSON shape.
//!
//! The contract (the brief of this suite): the same `valid`, the same number
//! of tasks, and per task (matched by order) the same `valid` and the same
//! multiset of `(type, rowNumber, fieldNumber)`. On top of that the fields
//! that are meant to agree are compared too (`fieldName`, `label`, `cell`,
//! `note`, `cells`, the task's `name` and `labels`), except where our tool
//! differs on purpose: see [`deliberate`].

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// The identity of an error: what the brief requires to be equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ErrorKey {
    pub kind: String,
    pub row: Option<u64>,
    pub field: Option<u64>,
}

/// An error with the fields that should agree as well.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ErrorDetail {
    pub key: ErrorKey,
    pub field_name: Option<String>,
    pub label: Option<String>,
    pub cell: Option<String>,
    pub note: Option<String>,
    /// The row's cells, as text (a spreadsheet's numbers as JSON prints them).
    pub cells: Option<Vec<String>>,
}

impl fmt::Display for ErrorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |n: Option<u64>| n.map_or("-".to_string(), |n| n.to_string());
        write!(
            f,
            "{:<16} row {:>3} field {:>2}",
            self.kind,
            show(self.row),
            show(self.field)
        )
    }
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.key)?;
        if let Some(v) = &self.field_name {
            write!(f, " fieldName {v:?}")?;
        }
        if let Some(v) = &self.label {
            write!(f, " label {v:?}")?;
        }
        if let Some(v) = &self.cell {
            write!(f, " cell {v:?}")?;
        }
        if let Some(v) = &self.note {
            if !v.is_empty() {
                write!(f, " note {v:?}")?;
            }
        }
        if let Some(v) = &self.cells {
            write!(f, " cells {v:?}")?;
        }
        Ok(())
    }
}

/// A field of an error that our tool fills differently on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Cell,
    Note,
}

/// Whether `field` of an error of type `kind` (with frictionless's value
/// `frictionless_value`) is one of the documented, deliberate differences
/// (docs/frictionless-compat.md, "Choices"), and so is not compared.
fn deliberate(kind: &str, field: Field, frictionless_value: Option<&str>) -> bool {
    match (kind, field) {
        // frictionless prints str() of the *parsed* value ("1" for a raw
        // "01"); we print the cell as written.
        ("unique-error", Field::Cell) => true,
        // frictionless prints Python's str(None) for a cell the row lacks;
        // we print "" (the row really has no such cell).
        ("constraint-error", Field::Cell) => frictionless_value == Some("None"),
        // Python exception texts ("'utf-8' codec can't decode byte 0xe9 in
        // position 7...") are not worth copying: our notes say what went
        // wrong and what to do. The type, and so the error count, agree.
        ("source-error" | "encoding-error" | "format-error" | "scheme-error", Field::Note) => true,
        _ => false,
    }
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        // Spreadsheet cells can come back as numbers: compare their text.
        other => Some(other.to_string()),
    }
}

fn key_of(error: &Value) -> ErrorKey {
    ErrorKey {
        kind: error["type"].as_str().unwrap_or("?").to_string(),
        row: error.get("rowNumber").and_then(Value::as_u64),
        field: error.get("fieldNumber").and_then(Value::as_u64),
    }
}

fn detail_of(error: &Value) -> ErrorDetail {
    ErrorDetail {
        key: key_of(error),
        field_name: text(error.get("fieldName")),
        label: text(error.get("label")),
        cell: text(error.get("cell")),
        note: text(error.get("note")),
        cells: error.get("cells").and_then(Value::as_array).map(|cells| {
            cells
                .iter()
                .map(|c| text(Some(c)).unwrap_or_default())
                .collect()
        }),
    }
}

/// Blanks, on both sides, the fields that differ on purpose. Which fields
/// are exempt is decided from frictionless's error, and the same errors
/// (by key) on our side get the same treatment.
fn comparable(frictionless: &[Value], ours: &[Value]) -> (Vec<ErrorDetail>, Vec<ErrorDetail>) {
    let mut exempt: BTreeMap<(ErrorKey, &'static str), bool> = BTreeMap::new();
    let mut left = Vec::new();
    for error in frictionless {
        let mut d = detail_of(error);
        let cell_exempt = deliberate(&d.key.kind, Field::Cell, d.cell.as_deref());
        let note_exempt = deliberate(&d.key.kind, Field::Note, d.note.as_deref());
        if cell_exempt {
            d.cell = None;
            exempt.insert((d.key.clone(), "cell"), true);
        }
        if note_exempt {
            d.note = None;
            exempt.insert((d.key.clone(), "note"), true);
        }
        left.push(d);
    }
    let mut right = Vec::new();
    for error in ours {
        let mut d = detail_of(error);
        if exempt.contains_key(&(d.key.clone(), "cell")) {
            d.cell = None;
        }
        if exempt.contains_key(&(d.key.clone(), "note"))
            || deliberate(&d.key.kind, Field::Note, None)
        {
            d.note = None;
        }
        right.push(d);
    }
    (left, right)
}

/// `(only in a, only in b)`, counting repeats.
pub fn multiset_diff<T: Ord + Clone>(a: &[T], b: &[T]) -> (Vec<T>, Vec<T>) {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    let (mut only_a, mut only_b) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => {
                only_a.push(x.clone());
                i += 1;
            }
            (Some(_), Some(y)) => {
                only_b.push(y.clone());
                j += 1;
            }
            (Some(x), None) => {
                only_a.push(x.clone());
                i += 1;
            }
            (None, Some(y)) => {
                only_b.push(y.clone());
                j += 1;
            }
            (None, None) => break,
        }
    }
    (only_a, only_b)
}

fn errors_of(v: &Value) -> &[Value] {
    v["errors"].as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn tasks_of(report: &Value) -> &[Value] {
    report["tasks"].as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// Every disagreement between the two reports, one line each (empty: the
/// reports agree).
pub fn differences(frictionless: &Value, ours: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if frictionless["valid"] != ours["valid"] {
        out.push(format!(
            "report valid: frictionless {} / data {}",
            frictionless["valid"], ours["valid"]
        ));
    }
    let kinds = |v: &Value| -> Vec<String> {
        errors_of(v)
            .iter()
            .map(|e| e["type"].as_str().unwrap_or("?").to_string())
            .collect()
    };
    let (fr_only, our_only) = multiset_diff(&kinds(frictionless), &kinds(ours));
    for k in fr_only {
        out.push(format!("report-level error only in frictionless: {k}"));
    }
    for k in our_only {
        out.push(format!("report-level error only in data: {k}"));
    }
    let (fr_tasks, our_tasks) = (tasks_of(frictionless), tasks_of(ours));
    if fr_tasks.len() != our_tasks.len() {
        out.push(format!(
            "task count: frictionless {} / data {}",
            fr_tasks.len(),
            our_tasks.len()
        ));
    }
    for (n, (f, o)) in fr_tasks.iter().zip(our_tasks).enumerate() {
        let at = format!("task {} ({})", n + 1, f["name"].as_str().unwrap_or("?"));
        if f["valid"] != o["valid"] {
            out.push(format!(
                "{at}: valid: frictionless {} / data {}",
                f["valid"], o["valid"]
            ));
        }
        if f["name"] != o["name"] {
            out.push(format!(
                "{at}: name: frictionless {} / data {}",
                f["name"], o["name"]
            ));
        }
        if f["labels"] != o["labels"] {
            out.push(format!(
                "{at}: labels: frictionless {} / data {}",
                f["labels"], o["labels"]
            ));
        }
        let keys = |v: &Value| -> Vec<ErrorKey> { errors_of(v).iter().map(key_of).collect() };
        let (fr_only, our_only) = multiset_diff(&keys(f), &keys(o));
        for e in &fr_only {
            out.push(format!("{at}: only in frictionless: {e}"));
        }
        for e in &our_only {
            out.push(format!("{at}: only in data:         {e}"));
        }
        if fr_only.is_empty() && our_only.is_empty() {
            // Same errors by identity: now the details that should agree.
            let (fr_details, our_details) = comparable(errors_of(f), errors_of(o));
            let (fr_only, our_only) = multiset_diff(&fr_details, &our_details);
            for e in &fr_only {
                out.push(format!("{at}: detail only in frictionless: {e}"));
            }
            for e in &our_only {
                out.push(format!("{at}: detail only in data:         {e}"));
            }
        }
    }
    out
}

/// Both reports' errors, task by task, side by side in one block of text.
pub fn listing(frictionless: &Value, ours: &Value) -> String {
    let mut out = String::new();
    for (who, report) in [("frictionless", frictionless), ("data", ours)] {
        out.push_str(&format!("{who}: valid {}\n", report["valid"]));
        for e in errors_of(report) {
            out.push_str(&format!("    (report) {}\n", detail_of(e)));
        }
        for (n, task) in tasks_of(report).iter().enumerate() {
            out.push_str(&format!(
                "  task {} `{}` valid {} labels {}\n",
                n + 1,
                task["name"].as_str().unwrap_or("?"),
                task["valid"],
                task["labels"]
            ));
            for e in errors_of(task) {
                out.push_str(&format!("    {}\n", detail_of(e)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(errors: Value) -> Value {
        json!({"valid": false, "errors": [], "tasks": [
            {"name": "a", "valid": false, "labels": ["id"], "errors": errors}
        ]})
    }

    #[test]
    fn multiset_diff_counts_repeats() {
        let (a, b) = multiset_diff(&[1, 1, 2, 5], &[1, 2, 2, 3]);
        assert_eq!(a, [1, 5]);
        assert_eq!(b, [2, 3]);
    }

    #[test]
    fn identical_reports_have_no_differences() {
        let r = report(
            json!([{"type": "type-error", "rowNumber": 2, "fieldNumber": 1, "cell": "x", "note": "n"}]),
        );
        assert!(differences(&r, &r).is_empty());
    }

    #[test]
    fn a_missing_error_is_named_with_its_row_and_field() {
        let fr = report(json!([{"type": "blank-row", "rowNumber": 3}]));
        let ours = report(json!([]));
        let diff = differences(&fr, &ours);
        assert_eq!(diff.len(), 1, "{diff:?}");
        assert!(
            diff[0].contains("only in frictionless: blank-row") && diff[0].contains("row   3"),
            "{diff:?}"
        );
    }

    #[test]
    fn deliberate_differences_are_not_reported() {
        let fr = report(json!([
            {"type": "unique-error", "rowNumber": 3, "fieldNumber": 1, "cell": "1", "note": "x"},
            {"type": "constraint-error", "rowNumber": 4, "fieldNumber": 2, "cell": "None", "note": "y"},
        ]));
        let ours = report(json!([
            {"type": "unique-error", "rowNumber": 3, "fieldNumber": 1, "cell": "01", "note": "x"},
            {"type": "constraint-error", "rowNumber": 4, "fieldNumber": 2, "cell": "", "note": "y"},
        ]));
        assert!(differences(&fr, &ours).is_empty());
    }

    #[test]
    fn other_detail_differences_are_reported() {
        let fr = report(
            json!([{"type": "constraint-error", "rowNumber": 4, "fieldNumber": 2, "cell": "ab", "note": "y"}]),
        );
        let ours = report(
            json!([{"type": "constraint-error", "rowNumber": 4, "fieldNumber": 2, "cell": "", "note": "y"}]),
        );
        let diff = differences(&fr, &ours);
        assert_eq!(diff.len(), 2, "{diff:?}");
    }
}
