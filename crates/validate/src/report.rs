//! The validation report, in frictionless-py's JSON shape.
//!
//! `{valid, stats, warnings, errors, tasks: [{name, type, valid, place,
//! labels, stats, warnings, errors}]}`; each error carries frictionless's
//! `type`, `title`, `description`, `message`, `tags` and `note`, then the
//! properties of its kind (`cells`, `rowNumber`, `cell`, `fieldName`,
//! `fieldNumber`, `labels`, `rowNumbers`, `label`, ...), in frictionless's
//! key order so the two reports can be diffed.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// The kinds of error a report can hold, named as frictionless names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorKind {
    BlankLabel,
    DuplicateLabel,
    IncorrectLabel,
    MissingLabel,
    ExtraLabel,
    BlankRow,
    ExtraCell,
    MissingCell,
    TypeError,
    ConstraintError,
    UniqueError,
    PrimaryKey,
    ForeignKey,
    HashCount,
    ByteCount,
    SourceError,
    SchemeError,
    EncodingError,
    FormatError,
    SchemaError,
    PackageError,
    ResourceError,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 22] = [
        ErrorKind::BlankLabel,
        ErrorKind::DuplicateLabel,
        ErrorKind::IncorrectLabel,
        ErrorKind::MissingLabel,
        ErrorKind::ExtraLabel,
        ErrorKind::BlankRow,
        ErrorKind::ExtraCell,
        ErrorKind::MissingCell,
        ErrorKind::TypeError,
        ErrorKind::ConstraintError,
        ErrorKind::UniqueError,
        ErrorKind::PrimaryKey,
        ErrorKind::ForeignKey,
        ErrorKind::HashCount,
        ErrorKind::ByteCount,
        ErrorKind::SourceError,
        ErrorKind::SchemeError,
        ErrorKind::EncodingError,
        ErrorKind::FormatError,
        ErrorKind::SchemaError,
        ErrorKind::PackageError,
        ErrorKind::ResourceError,
    ];

    /// The `type` frictionless gives this error.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::BlankLabel => "blank-label",
            ErrorKind::DuplicateLabel => "duplicate-label",
            ErrorKind::IncorrectLabel => "incorrect-label",
            ErrorKind::MissingLabel => "missing-label",
            ErrorKind::ExtraLabel => "extra-label",
            ErrorKind::BlankRow => "blank-row",
            ErrorKind::ExtraCell => "extra-cell",
            ErrorKind::MissingCell => "missing-cell",
            ErrorKind::TypeError => "type-error",
            ErrorKind::ConstraintError => "constraint-error",
            ErrorKind::UniqueError => "unique-error",
            ErrorKind::PrimaryKey => "primary-key",
            ErrorKind::ForeignKey => "foreign-key",
            ErrorKind::HashCount => "hash-count",
            ErrorKind::ByteCount => "byte-count",
            ErrorKind::SourceError => "source-error",
            ErrorKind::SchemeError => "scheme-error",
            ErrorKind::EncodingError => "encoding-error",
            ErrorKind::FormatError => "format-error",
            ErrorKind::SchemaError => "schema-error",
            ErrorKind::PackageError => "package-error",
            ErrorKind::ResourceError => "resource-error",
        }
    }

    pub fn from_code(code: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn title(self) -> &'static str {
        match self {
            ErrorKind::BlankLabel => "Blank Label",
            ErrorKind::DuplicateLabel => "Duplicate Label",
            ErrorKind::IncorrectLabel => "Incorrect Label",
            ErrorKind::MissingLabel => "Missing Label",
            ErrorKind::ExtraLabel => "Extra Label",
            ErrorKind::BlankRow => "Blank Row",
            ErrorKind::ExtraCell => "Extra Cell",
            ErrorKind::MissingCell => "Missing Cell",
            ErrorKind::TypeError => "Type Error",
            ErrorKind::ConstraintError => "Constraint Error",
            ErrorKind::UniqueError => "Unique Error",
            ErrorKind::PrimaryKey => "PrimaryKey Error",
            ErrorKind::ForeignKey => "ForeignKey Error",
            ErrorKind::HashCount => "Hash Count Error",
            ErrorKind::ByteCount => "Byte Count Error",
            ErrorKind::SourceError => "Source Error",
            ErrorKind::SchemeError => "Scheme Error",
            ErrorKind::EncodingError => "Encoding Error",
            ErrorKind::FormatError => "Format Error",
            ErrorKind::SchemaError => "Schema Error",
            ErrorKind::PackageError => "Package Error",
            ErrorKind::ResourceError => "Resource Error",
        }
    }

    pub fn description(self) -> &'static str {
        const COUNT: &str = "This error can happen if the data is corrupted.";
        match self {
            ErrorKind::BlankLabel => "A label in the header row is missing a value. Label should be provided and not be blank.",
            ErrorKind::DuplicateLabel => "Two columns in the header row have the same value. Column names should be unique.",
            ErrorKind::IncorrectLabel => "One of the data source header does not match the field name defined in the schema.",
            ErrorKind::MissingLabel => "Based on the schema there should be a label that is missing in the data's header.",
            ErrorKind::ExtraLabel => "The header of the data source contains label that does not exist in the provided schema.",
            ErrorKind::BlankRow => "This row is empty. A row should contain at least one value.",
            ErrorKind::ExtraCell => "This row has more values compared to the header row (the first row in the data source). A key concept is that all the rows in tabular data must have the same number of columns.",
            ErrorKind::MissingCell => "This row has less values compared to the header row (the first row in the data source). A key concept is that all the rows in tabular data must have the same number of columns.",
            ErrorKind::TypeError => "The value does not match the schema type and format for this field.",
            ErrorKind::ConstraintError => "A field value does not conform to a constraint.",
            ErrorKind::UniqueError => "This field is a unique field but it contains a value that has been used in another row.",
            ErrorKind::PrimaryKey => "Values in the primary key fields should be unique for every row",
            ErrorKind::ForeignKey => "Values in the foreign key fields should exist in the reference table",
            ErrorKind::HashCount | ErrorKind::ByteCount => COUNT,
            ErrorKind::SourceError => "Data reading error because of not supported or inconsistent contents.",
            ErrorKind::SchemeError => "Data reading error because of incorrect scheme.",
            ErrorKind::EncodingError => "Data reading error because of an encoding problem.",
            ErrorKind::FormatError => "Data reading error because of incorrect format.",
            ErrorKind::SchemaError => "Provided schema is not valid.",
            ErrorKind::PackageError => "A validation cannot be processed.",
            ErrorKind::ResourceError => "A validation cannot be processed.",
        }
    }

    pub fn tags(self) -> &'static [&'static str] {
        match self {
            ErrorKind::BlankLabel
            | ErrorKind::DuplicateLabel
            | ErrorKind::IncorrectLabel
            | ErrorKind::MissingLabel
            | ErrorKind::ExtraLabel => &["#table", "#header", "#label"],
            ErrorKind::BlankRow | ErrorKind::PrimaryKey | ErrorKind::ForeignKey => {
                &["#table", "#row"]
            }
            ErrorKind::ExtraCell
            | ErrorKind::MissingCell
            | ErrorKind::TypeError
            | ErrorKind::ConstraintError
            | ErrorKind::UniqueError => &["#table", "#row", "#cell"],
            ErrorKind::HashCount | ErrorKind::ByteCount => &["#file"],
            _ => &[],
        }
    }

    /// Whether the error belongs to one row (and carries `rowNumber`).
    pub fn is_row_error(self) -> bool {
        matches!(
            self,
            ErrorKind::BlankRow
                | ErrorKind::ExtraCell
                | ErrorKind::MissingCell
                | ErrorKind::TypeError
                | ErrorKind::ConstraintError
                | ErrorKind::UniqueError
                | ErrorKind::PrimaryKey
                | ErrorKind::ForeignKey
        )
    }

    pub fn is_label_error(self) -> bool {
        matches!(
            self,
            ErrorKind::BlankLabel
                | ErrorKind::DuplicateLabel
                | ErrorKind::IncorrectLabel
                | ErrorKind::MissingLabel
                | ErrorKind::ExtraLabel
        )
    }

    pub fn is_cell_error(self) -> bool {
        matches!(
            self,
            ErrorKind::ExtraCell
                | ErrorKind::MissingCell
                | ErrorKind::TypeError
                | ErrorKind::ConstraintError
                | ErrorKind::UniqueError
        )
    }
}

/// The cells of a row, shared by every error of the row: a wide row with
/// many errors is held once.
pub type Cells = std::sync::Arc<[String]>;

/// The foreign-key details frictionless adds to a `foreign-key` error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyDetail {
    pub field_names: Vec<String>,
    pub field_cells: Vec<String>,
    pub reference_name: String,
    pub reference_field_names: Vec<String>,
}

/// One error of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportError {
    pub kind: ErrorKind,
    pub note: String,
    /// Row errors: every cell of the row (shared by the row's errors).
    pub cells: Option<Cells>,
    pub row_number: Option<u64>,
    /// Cell errors: the offending cell.
    pub cell: Option<String>,
    /// Label errors: the header row and the label.
    pub labels: Option<Vec<String>>,
    /// Label errors: the header's row numbers (`[1]` for a first-row header).
    pub row_numbers: Option<Vec<u64>>,
    pub label: Option<String>,
    pub field_name: Option<String>,
    pub field_number: Option<usize>,
    pub foreign_key: Option<Box<ForeignKeyDetail>>,
}

impl ReportError {
    fn base(kind: ErrorKind, note: impl Into<String>) -> ReportError {
        ReportError {
            kind,
            note: note.into(),
            cells: None,
            row_number: None,
            cell: None,
            labels: None,
            row_numbers: None,
            label: None,
            field_name: None,
            field_number: None,
            foreign_key: None,
        }
    }

    /// A task-level error (source, encoding, format, hash and byte counts...).
    pub fn task(kind: ErrorKind, note: impl Into<String>) -> ReportError {
        ReportError::base(kind, note)
    }

    /// A row error (`blank-row`, `primary-key`, `foreign-key`).
    pub fn row(
        kind: ErrorKind,
        note: impl Into<String>,
        row_number: u64,
        cells: Cells,
    ) -> ReportError {
        ReportError {
            cells: Some(cells),
            row_number: Some(row_number),
            ..ReportError::base(kind, note)
        }
    }

    /// A cell error (`type-error`, `constraint-error`, `extra-cell`...).
    pub fn cell(
        kind: ErrorKind,
        note: impl Into<String>,
        row_number: u64,
        cells: Cells,
        cell: String,
        field_name: String,
        field_number: usize,
    ) -> ReportError {
        ReportError {
            cells: Some(cells),
            row_number: Some(row_number),
            cell: Some(cell),
            field_name: Some(field_name),
            field_number: Some(field_number),
            ..ReportError::base(kind, note)
        }
    }

    /// A label error (`blank-label`, `duplicate-label`...).
    pub fn label(
        kind: ErrorKind,
        note: impl Into<String>,
        header_row: u64,
        labels: Vec<String>,
        label: String,
        field_name: String,
        field_number: usize,
    ) -> ReportError {
        ReportError {
            labels: Some(labels),
            row_numbers: Some(vec![header_row]),
            label: Some(label),
            field_name: Some(field_name),
            field_number: Some(field_number),
            ..ReportError::base(kind, note)
        }
    }

    /// The one-line message, worded as frictionless words it.
    pub fn message(&self) -> String {
        let row = self.row_number.unwrap_or(0);
        let field_number = self.field_number.unwrap_or(0);
        let field_name = self.field_name.as_deref().unwrap_or("");
        let cell = self.cell.as_deref().unwrap_or("");
        let label = self.label.as_deref().unwrap_or("");
        let note = &self.note;
        match self.kind {
            ErrorKind::BlankLabel => {
                format!("Label in the header in field at position \"{field_number}\" is blank")
            }
            ErrorKind::DuplicateLabel => format!(
                "Label \"{label}\" in the header at position \"{field_number}\" is duplicated to a label: {note}"
            ),
            ErrorKind::IncorrectLabel => format!(
                "Label \"{label}\" in field {field_name} at position \"{field_number}\" does not match the field name in the schema"
            ),
            ErrorKind::MissingLabel => format!(
                "There is a missing label in the header's field \"{field_name}\" at position \"{field_number}\""
            ),
            ErrorKind::ExtraLabel => format!(
                "There is an extra label \"{label}\" in header at position \"{field_number}\""
            ),
            ErrorKind::BlankRow => format!("Row at position \"{row}\" is completely blank"),
            ErrorKind::ExtraCell => format!(
                "Row at position \"{row}\" has an extra value in field at position \"{field_number}\""
            ),
            ErrorKind::MissingCell => format!(
                "Row at position \"{row}\" has a missing cell in field \"{field_name}\" at position \"{field_number}\""
            ),
            ErrorKind::TypeError => format!(
                "Type error in the cell \"{cell}\" in row \"{row}\" and field \"{field_name}\" at position \"{field_number}\": {note}"
            ),
            ErrorKind::ConstraintError => format!(
                "The cell \"{cell}\" in row at position \"{row}\" and field \"{field_name}\" at position \"{field_number}\" does not conform to a constraint: {note}"
            ),
            ErrorKind::UniqueError => format!(
                "Row at position \"{row}\" has unique constraint violation in field \"{field_name}\" at position \"{field_number}\": {note}"
            ),
            ErrorKind::PrimaryKey => {
                format!("Row at position \"{row}\" violates the primary key: {note}")
            }
            ErrorKind::ForeignKey => {
                format!("Row at position \"{row}\" violates the foreign key: {note}")
            }
            ErrorKind::HashCount => {
                format!("The data source does not match the expected hash count: {note}")
            }
            ErrorKind::ByteCount => {
                format!("The data source does not match the expected byte count: {note}")
            }
            ErrorKind::SourceError => format!(
                "The data source has not supported or has inconsistent contents: {note}"
            ),
            ErrorKind::SchemeError => {
                format!("The data source could not be successfully loaded: {note}")
            }
            ErrorKind::EncodingError => {
                format!("The data source could not be successfully decoded: {note}")
            }
            ErrorKind::FormatError => {
                format!("The data source could not be successfully parsed: {note}")
            }
            ErrorKind::SchemaError => format!("Schema is not valid: {note}"),
            ErrorKind::PackageError => format!("The data package has an error: {note}"),
            ErrorKind::ResourceError => format!("The data resource has an error: {note}"),
        }
    }
}

impl Serialize for ReportError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("type", self.kind.code())?;
        m.serialize_entry("title", self.kind.title())?;
        m.serialize_entry("description", self.kind.description())?;
        m.serialize_entry("message", &self.message())?;
        m.serialize_entry("tags", self.kind.tags())?;
        m.serialize_entry("note", &self.note)?;
        if let Some(labels) = &self.labels {
            m.serialize_entry("labels", labels)?;
        }
        if let Some(rows) = &self.row_numbers {
            m.serialize_entry("rowNumbers", rows)?;
        }
        if let Some(cells) = &self.cells {
            m.serialize_entry("cells", &cells[..])?;
        }
        if let Some(row) = self.row_number {
            m.serialize_entry("rowNumber", &row)?;
        }
        if let Some(label) = &self.label {
            m.serialize_entry("label", label)?;
        }
        if let Some(cell) = &self.cell {
            m.serialize_entry("cell", cell)?;
        }
        if let Some(name) = &self.field_name {
            m.serialize_entry("fieldName", name)?;
        }
        if let Some(number) = self.field_number {
            m.serialize_entry("fieldNumber", &number)?;
        }
        if let Some(fk) = &self.foreign_key {
            m.serialize_entry("fieldNames", &fk.field_names)?;
            m.serialize_entry("fieldCells", &fk.field_cells)?;
            m.serialize_entry("referenceName", &fk.reference_name)?;
            m.serialize_entry("referenceFieldNames", &fk.reference_field_names)?;
        }
        m.end()
    }
}

/// The statistics of one task.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TaskStats {
    pub errors: usize,
    pub warnings: usize,
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
}

/// The validation of one resource (a table).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    pub name: String,
    #[serde(rename = "type")]
    pub task_type: String,
    pub valid: bool,
    pub place: String,
    pub labels: Vec<String>,
    pub stats: TaskStats,
    pub warnings: Vec<String>,
    pub errors: Vec<ReportError>,
}

impl Task {
    pub fn new(name: impl Into<String>, place: impl Into<String>) -> Task {
        Task {
            name: name.into(),
            task_type: "table".into(),
            valid: true,
            place: place.into(),
            labels: Vec::new(),
            stats: TaskStats::default(),
            warnings: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// A task that could not read its source: one error, nothing else.
    pub fn failed(name: impl Into<String>, place: impl Into<String>, error: ReportError) -> Task {
        let mut task = Task::new(name, place);
        task.push_error(error);
        task.finish();
        task
    }

    pub fn push_error(&mut self, error: ReportError) {
        self.errors.push(error);
    }

    /// Settles `valid` and the error count once every error is in.
    pub fn finish(&mut self) {
        self.valid = self.errors.is_empty();
        self.stats.errors = self.errors.len();
        self.stats.warnings = self.warnings.len();
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReportStats {
    pub tasks: usize,
    pub errors: usize,
    pub warnings: usize,
    pub seconds: f64,
}

/// A whole report: one task per table, plus errors that belong to no table
/// (an invalid descriptor).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub valid: bool,
    pub stats: ReportStats,
    pub warnings: Vec<String>,
    pub errors: Vec<ReportError>,
    pub tasks: Vec<Task>,
}

impl Report {
    pub fn from_tasks(tasks: Vec<Task>, errors: Vec<ReportError>, seconds: f64) -> Report {
        let task_errors: usize = tasks.iter().map(|t| t.errors.len()).sum();
        let warnings: Vec<String> = tasks.iter().flat_map(|t| t.warnings.clone()).collect();
        Report {
            valid: errors.is_empty() && tasks.iter().all(|t| t.valid),
            stats: ReportStats {
                tasks: tasks.len(),
                errors: task_errors + errors.len(),
                warnings: warnings.len(),
                seconds: round_seconds(seconds),
            },
            warnings,
            errors,
            tasks,
        }
    }
}

/// Seconds rounded to milliseconds, as frictionless rounds them.
pub fn round_seconds(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_round_trip() {
        for kind in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_code(kind.code()), Some(kind));
        }
    }

    #[test]
    fn cell_error_serializes_in_frictionless_order() {
        let e = ReportError::cell(
            ErrorKind::TypeError,
            "type is \"integer/default\"",
            3,
            vec!["x".to_string(), "b".to_string()].into(),
            "x".into(),
            "id".into(),
            1,
        );
        let json = serde_json::to_string(&e).unwrap();
        let keys: Vec<&str> = [
            "\"type\"",
            "\"title\"",
            "\"description\"",
            "\"message\"",
            "\"tags\"",
            "\"note\"",
            "\"cells\"",
            "\"rowNumber\"",
            "\"cell\"",
            "\"fieldName\"",
            "\"fieldNumber\"",
        ]
        .to_vec();
        let positions: Vec<usize> = keys.iter().map(|k| json.find(k).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{json}");
        assert!(json.contains(
            r#"Type error in the cell \"x\" in row \"3\" and field \"id\" at position \"1\": type is \"integer/default\""#
        ));
    }

    #[test]
    fn label_error_has_labels_and_row_numbers() {
        let e = ReportError::label(
            ErrorKind::DuplicateLabel,
            "at position \"1\"",
            1,
            vec!["id".into(), "id".into()],
            "id".into(),
            "id2".into(),
            2,
        );
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["rowNumbers"], serde_json::json!([1]));
        assert_eq!(v["label"], "id");
        assert!(v.get("rowNumber").is_none());
    }
}
