//! Checking the header's labels against the schema, and pairing the
//! schema's fields with the table's columns, as frictionless-py does.

use datapackage::{Field, FieldType, Schema};

use crate::header::Head;
use crate::report::{ErrorKind, ReportError, Task};

/// Label errors, in frictionless's order: extra labels, missing labels, then
/// blank, duplicate and incorrect labels position by position.
pub(crate) fn check_labels(head: &Head, schema: &Schema, task: &mut Task) {
    if head.header_index.is_none() {
        return;
    }
    let labels = &head.labels;
    let fields = &schema.fields;
    let header_row = head.header_row_number();
    let label_error = |kind, note: String, label: &str, field_name: &str, number: usize| {
        ReportError::label(
            kind,
            note,
            header_row,
            labels.clone(),
            label.to_string(),
            field_name.to_string(),
            number,
        )
    };
    for (i, label) in labels.iter().enumerate().skip(fields.len()) {
        task.push_error(label_error(
            ErrorKind::ExtraLabel,
            String::new(),
            label,
            "",
            i + 1,
        ));
    }
    if !labels.is_empty() {
        for (i, field) in fields.iter().enumerate().skip(labels.len()) {
            task.push_error(label_error(
                ErrorKind::MissingLabel,
                String::new(),
                "",
                &field.name,
                i + 1,
            ));
        }
    }
    // Positions (1-based) where each label was seen: one pass, however wide.
    let mut seen: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, (field, label)) in fields.iter().zip(labels.iter()).enumerate() {
        let number = i + 1;
        if label.is_empty() {
            task.push_error(label_error(
                ErrorKind::BlankLabel,
                String::new(),
                "",
                &field.name,
                number,
            ));
            continue;
        }
        let positions = seen.entry(label.as_str()).or_default();
        let earlier: Vec<String> = positions.iter().map(|j| j.to_string()).collect();
        positions.push(number);
        if !earlier.is_empty() {
            task.push_error(label_error(
                ErrorKind::DuplicateLabel,
                format!("at position \"{}\"", earlier.join(", ")),
                label,
                &field.name,
                number,
            ));
            continue;
        }
        if *label != field.name {
            task.push_error(label_error(
                ErrorKind::IncorrectLabel,
                String::new(),
                label,
                &field.name,
                number,
            ));
        }
    }
}

/// The fields rows are checked against, as frictionless pairs them with the
/// header: a label beyond the schema becomes an untyped column (its cells are
/// no extra cells), and a field beyond the header (a missing label) is left
/// out of the row checks.
pub(crate) fn expected_schema(head: &Head, mut schema: Schema) -> Schema {
    if head.header_index.is_none() || head.labels.is_empty() {
        return schema;
    }
    let labels = &head.labels;
    schema.fields.truncate(labels.len());
    for label in labels.iter().skip(schema.fields.len()) {
        schema
            .fields
            .push(Field::new(label.clone(), FieldType::Any));
    }
    schema
}
