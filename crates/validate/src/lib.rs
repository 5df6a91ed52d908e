//! The tabular engine behind `data validate` and `data infer`.
//!
//! It detects a file's format, encoding and dialect, reads CSV, TSV, Excel,
//! ODS and JSON tables as rows of text cells, infers Table Schemas and
//! validates tables against them, producing a report in frictionless-py's
//! JSON shape. It takes readers and paths and never prints: progress goes to
//! a [`reporter::Reporter`] the caller implements.

pub mod decode;
pub mod describe;
pub mod detect;
pub mod error;
pub mod header;
pub mod infer;
mod labels;
pub mod package;
pub mod pipeline;
pub mod report;
pub mod reporter;
pub mod source;
pub mod table;
pub mod validator;

pub use describe::{describe_and_validate, describe_path, Described};
pub use error::Error;
pub use infer::{InferOptions, InferRule};
pub use package::{
    validate_file, validate_files, validate_package, validate_package_file, FileOptions,
};
pub use report::{ErrorKind, Report, ReportError, Task};
pub use reporter::{Reporter, Silent};
pub use table::{open_path, OpenTable, ReadOptions};
pub use validator::{validate_table, validate_table_observing, Observed, Table, ValidateOptions};
