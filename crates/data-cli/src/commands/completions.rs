//! `data completions SHELL` and `data man`: generated from the clap
//! definitions, so they never drift from the commands.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::commands::Status;

pub fn completions(args: &CompletionsArgs) -> Result<Status> {
    let mut command = Cli::command();
    // Into memory first: the generators panic on a failed write, and a
    // closed pipe is not a failure.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "data", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(Status::Success)
}

pub fn man() -> Result<Status> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(Status::Success)
}
