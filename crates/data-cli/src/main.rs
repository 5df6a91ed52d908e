//! The `data` command.

mod cache;
mod cli;
mod client;
mod commands;
mod printer;
mod progress;
mod settings;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::printer::Printer;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let printer = Printer::new(cli.no_color);
    let result = match &cli.command {
        Command::Validate(args) => commands::validate::run(args, &printer, cli.no_progress),
        Command::Infer(args) => commands::infer::run(args, &printer, cli.no_progress),
        Command::Login(args) => commands::login::login(args, cli.registry.as_deref(), &printer),
        Command::Logout(args) => commands::login::logout(args, cli.registry.as_deref(), &printer),
        Command::Whoami(args) => commands::login::whoami(args, cli.registry.as_deref(), &printer),
        Command::Config(args) => commands::config::run(args, cli.registry.as_deref(), &printer),
        Command::Publish(args) => {
            commands::publish::run(args, cli.registry.as_deref(), &printer, cli.no_progress)
        }
        Command::Tag(args) => commands::tag::tag(args, cli.registry.as_deref(), &printer),
        Command::Tags(args) => commands::tag::list(args, cli.registry.as_deref(), &printer),
        Command::Push(args) => {
            commands::push::run(args, cli.registry.as_deref(), &printer, cli.no_progress)
        }
        Command::Get(args) => {
            commands::get::run(args, cli.registry.as_deref(), &printer, cli.no_progress)
        }
        Command::Info(args) => {
            commands::info::run(args, cli.registry.as_deref(), &printer, cli.no_progress)
        }
        Command::Cat(args) => {
            commands::cat::run(args, cli.registry.as_deref(), &printer, cli.no_progress)
        }
        Command::Search(args) => commands::search::run(args, cli.registry.as_deref(), &printer),
        Command::Delete(args) => commands::manage::delete(args, cli.registry.as_deref(), &printer),
        Command::Undelete(args) => {
            commands::manage::undelete(args, cli.registry.as_deref(), &printer)
        }
        Command::Purge(args) => commands::manage::purge(args, cli.registry.as_deref(), &printer),
        Command::Diff(args) => {
            commands::diff::run(args, cli.registry.as_deref(), &printer, cli.no_progress)
        }
        Command::Completions(args) => commands::completions::completions(args),
        Command::Man => commands::completions::man(),
    };
    match result {
        Ok(status) => status.into(),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            report_error(&e);
            ExitCode::from(2)
        }
    }
}

/// A reader that went away (`data validate | head`) is not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[allow(clippy::print_stderr)]
fn report_error(e: &anyhow::Error) {
    eprintln!("error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}
