//! One module per command; each turns parsed arguments into work on the
//! engine crates and an exit status.

pub mod config;
pub mod get;
pub mod infer;
pub mod login;
pub mod publish;
pub mod push;
pub mod tag;
pub mod validate;
// data info, cat, search, delete/undelete/purge, diff, completions/man.
pub mod cat;
pub mod completions;
pub mod diff;
pub mod info;
pub mod manage;
pub mod search;

use std::process::ExitCode;

use ::validate::detect::Format;
use ::validate::ReadOptions;
use anyhow::{bail, Result};

use crate::cli::ReadArgs;

/// How a command ended, as the process reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Done, and what was checked is valid.
    Success,
    /// Done, and what was checked is invalid.
    Failure,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        match status {
            Status::Success => ExitCode::SUCCESS,
            Status::Failure => ExitCode::from(1),
        }
    }
}

/// A one-character argument: `;`, `tab`, `\t`, `|`.
fn single_char(name: &str, value: &str) -> Result<String> {
    let c = match value {
        "tab" | "\\t" | "\t" => "\t".to_string(),
        "space" => " ".to_string(),
        v if v.len() == 1 => v.to_string(),
        v => bail!("--{name} takes one ASCII character (or `tab`), not {v:?}"),
    };
    Ok(c)
}

/// The engine's read options from the flags.
pub fn read_options(args: &ReadArgs) -> Result<ReadOptions> {
    let mut options = ReadOptions::default();
    if let Some(format) = &args.format {
        options.format = Some(Format::from_name(format).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown format {format:?}: use one of csv, tsv, xlsx, xls, ods, json, jsonl"
            )
        })?);
    }
    if let Some(encoding) = &args.encoding {
        if ::validate::detect::encoding_for_label(encoding).is_none() {
            bail!("unknown encoding {encoding:?}: try utf-8, windows-1252, latin1, utf-16le or utf-16be");
        }
        options.encoding = Some(encoding.clone());
    }
    if let Some(d) = &args.delimiter {
        options.dialect.delimiter = Some(single_char("delimiter", d)?);
    }
    if let Some(q) = &args.quote {
        options.dialect.quote_char = Some(single_char("quote", q)?);
    }
    if args.no_header {
        options.dialect.header = Some(false);
    }
    options.sheet = args.sheet.clone();
    Ok(options)
}

/// The thread count from a flag, defaulting to one per core.
pub fn threads(flag: Option<usize>) -> usize {
    flag.filter(|n| *n > 0)
        .unwrap_or_else(::validate::pipeline::default_threads)
}
