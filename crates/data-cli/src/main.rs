//! The `data` command.

mod cache;
mod cli;
mod client;
mod commands;
mod os_keyring;
mod printer;
mod progress;
mod send_file;
mod settings;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command};
use crate::client::ClientError;
use crate::printer::Printer;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let json = wants_json(&matches);
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
            let code = exit_code(&e);
            report_error(&e);
            if json {
                // Scripts that asked for JSON get the failure as JSON too.
                let causes: Vec<String> = e.chain().skip(1).map(ToString::to_string).collect();
                let answer = serde_json::json!({
                    "error": {"message": e.to_string(), "causes": causes, "exit_code": code}
                });
                if printer.json(&answer).is_err() {
                    return ExitCode::from(code);
                }
            }
            ExitCode::from(code)
        }
    }
}

/// Whether the command line asked for `--json` (at any subcommand depth).
fn wants_json(matches: &clap::ArgMatches) -> bool {
    let mut current = matches;
    loop {
        let asked = current
            .try_get_one::<bool>("json")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(false);
        if asked {
            return true;
        }
        match current.subcommand() {
            Some((_, sub)) => current = sub,
            None => return false,
        }
    }
}

/// Could not run locally: bad arguments, unreadable paths, bad input files,
/// an unknown encoding, no account to act with.
const EXIT_LOCAL: u8 = 2;
/// The registry (or a URL a command reads) could not be reached, failed
/// (5xx), or answered with something that is not its API: retrying later
/// may help.
const EXIT_UNREACHABLE: u8 = 3;
/// The registry refused the request (4xx): a bad or missing token, not
/// allowed, not found, a conflict, too large... Retrying as is will not help.
const EXIT_REFUSED: u8 = 4;

/// The exit code for an error: the first registry error in the chain
/// decides; without one it is a local problem.
fn exit_code(e: &anyhow::Error) -> u8 {
    for cause in e.chain() {
        if let Some(client) = cause.downcast_ref::<ClientError>() {
            return client_exit_code(client);
        }
        // Reading a URL directly (`data push URL`), not through the client.
        if cause.is::<reqwest::Error>() {
            return EXIT_UNREACHABLE;
        }
        if cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(is_network_io)
        {
            return EXIT_UNREACHABLE;
        }
    }
    EXIT_LOCAL
}

fn client_exit_code(e: &ClientError) -> u8 {
    match e {
        ClientError::Api { status, .. } => status_exit_code(*status),
        ClientError::Connect { .. }
        | ClientError::Http(_)
        | ClientError::Unexpected { .. }
        | ClientError::Misbehaved(_) => EXIT_UNREACHABLE,
        // A download cut off half way is the network's; a file that cannot
        // be opened for upload is local.
        ClientError::Io { source, .. } if is_network_io(source) => EXIT_UNREACHABLE,
        ClientError::Io { .. } => EXIT_LOCAL,
    }
}

/// 4xx is a refusal, except the two that say "later" (408 Request Timeout,
/// 429 Too Many Requests); 5xx (or anything else) is a failure.
fn status_exit_code(status: u16) -> u8 {
    match status {
        408 | 429 => EXIT_UNREACHABLE,
        400..=499 => EXIT_REFUSED,
        _ => EXIT_UNREACHABLE,
    }
}

/// An I/O error that is really the network's: reqwest's body reader wraps
/// its errors in `std::io::Error`. (`io::Error::source` skips the wrapped
/// error, so the chain alone does not show it.)
fn is_network_io(io: &std::io::Error) -> bool {
    io.get_ref()
        .is_some_and(|inner| inner.is::<reqwest::Error>())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> anyhow::Error {
        ClientError::Api {
            status,
            code: registry_api::ErrorCode::Conflict,
            message: "refused".to_string(),
        }
        .into()
    }

    #[test]
    fn registry_answers_map_to_refused_or_unreachable() {
        for status in [400, 401, 403, 404, 409, 413, 422] {
            assert_eq!(exit_code(&api(status)), EXIT_REFUSED, "{status}");
        }
        for status in [408, 429, 500, 502, 503] {
            assert_eq!(exit_code(&api(status)), EXIT_UNREACHABLE, "{status}");
        }
        let unexpected: anyhow::Error = ClientError::Unexpected {
            status: 200,
            url: "http://x".to_string(),
            snippet: "<html>".to_string(),
        }
        .into();
        assert_eq!(exit_code(&unexpected), EXIT_UNREACHABLE);
    }

    #[test]
    fn context_on_top_keeps_the_class() {
        let wrapped = api(404).context("failed to purge alice/x");
        assert_eq!(exit_code(&wrapped), EXIT_REFUSED);
        let local =
            anyhow::anyhow!("failed to read x.csv: check the path").context("Failed to read x.csv");
        assert_eq!(exit_code(&local), EXIT_LOCAL);
    }

    #[test]
    fn io_errors_are_local_unless_the_network_is_inside() {
        let io: anyhow::Error = ClientError::Io {
            path: "x.csv".to_string(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        }
        .into();
        assert_eq!(exit_code(&io), EXIT_LOCAL);
    }

    #[test]
    fn a_refusal_rephrased_with_context_is_still_a_refusal() {
        let conflict = ClientError::Api {
            status: 409,
            code: registry_api::error::ErrorCode::Conflict,
            message: "revision exists: pass force".into(),
        };
        let publish = anyhow::Error::new(conflict)
            .context("alice/gdp is already published: use --force to make a new revision");
        assert_eq!(exit_code(&publish), EXIT_REFUSED);
        let other = anyhow::anyhow!("out/ is in the way: use --force to replace it");
        assert_eq!(exit_code(&other), EXIT_LOCAL);
    }
}
