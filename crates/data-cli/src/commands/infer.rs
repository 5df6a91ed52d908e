//! `data infer`: describe a data file as a resource with a Table Schema.

use ::validate::InferOptions;
use anyhow::{Context, Result};

use super::{read_options, threads, Status};
use crate::cli::InferArgs;
use crate::printer::Printer;
use crate::progress::Bars;

pub fn run(args: &InferArgs, printer: &Printer, no_progress: bool) -> Result<Status> {
    let read = read_options(&args.read)?;
    let options = InferOptions::strict(args.sample_rows);
    let bars = Bars::new(no_progress);
    let described =
        ::validate::describe_path(&args.path, &read, &options, threads(args.threads), &bars)
            .with_context(|| format!("Failed to infer a schema for {}", args.path.display()))?;
    for notice in &described.notices {
        eprintln_notice(notice);
    }
    if args.yaml {
        let text = datapackage::io::to_yaml_string(&described.resource);
        printer.line(text.trim_end())?;
    } else {
        printer.json(&described.resource)?;
    }
    Ok(Status::Success)
}

#[allow(clippy::print_stderr)]
fn eprintln_notice(notice: &str) {
    eprintln!("note: {notice}");
}
