//! The command line, as clap definitions only: no I/O here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "data",
    version,
    about = "Validate, describe, publish and fetch Frictionless Data Packages",
    propagate_version = true
)]
pub struct Cli {
    /// Never use colours (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Never draw progress bars.
    #[arg(long, global = true)]
    pub no_progress: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check tables and data packages for errors, goodtables-style.
    ///
    /// PATH is a data file (CSV, TSV, XLSX, XLS, ODS, JSON, NDJSON, optionally
    /// gzipped), a datapackage.json/.yaml, or a directory (its descriptor, or
    /// else every data file in it). Exit status: 0 valid, 1 invalid, 2 could
    /// not run.
    Validate(ValidateArgs),
    /// Print a data file's resource descriptor with an inferred Table Schema.
    Infer(InferArgs),
}

/// How to read a data file: every guess the engine makes can be overridden.
#[derive(Debug, Clone, Args)]
pub struct ReadArgs {
    /// Sheet of a workbook, by name or 1-based number (default: the first).
    #[arg(long, value_name = "SHEET")]
    pub sheet: Option<String>,
    /// Text encoding (utf-8, windows-1252, latin1, utf-16, ...); detected by default.
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
    /// Cell delimiter of delimited text (`,` `;` `tab` `|` ...); sniffed by default.
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Quote character of delimited text; sniffed by default.
    #[arg(long, value_name = "CHAR")]
    pub quote: Option<String>,
    /// File format (csv, tsv, xlsx, xls, ods, json, jsonl); detected by default.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// The first row is data, not a header.
    #[arg(long)]
    pub no_header: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files, descriptors or directories (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print the report as JSON, in frictionless-py's shape.
    #[arg(long)]
    pub json: bool,
    /// Validate data files against this Table Schema (JSON or YAML).
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Stop a table after this many errors (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub limit_errors: usize,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DescriptorFormat {
    Json,
    Yaml,
}

#[derive(Debug, Args)]
pub struct InferArgs {
    /// The data file to describe.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Print JSON (the default).
    #[arg(long, conflicts_with = "yaml")]
    pub json: bool,
    /// Print YAML.
    #[arg(long)]
    pub yaml: bool,
    /// Infer from the first N data rows only (default: the whole file, so
    /// the schema always validates the file it came from).
    #[arg(long, value_name = "N")]
    pub sample_rows: Option<usize>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }
}
