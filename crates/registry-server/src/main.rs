//! `data-registry`: serve, migrate, admin.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use registry_server::app::Registry;
use registry_server::config::Config;
use registry_server::db::models::users;
use registry_server::db::Db;

#[derive(Debug, Parser)]
#[command(
    name = "data-registry",
    version,
    about = "The registry for Frictionless Data Packages"
)]
struct Cli {
    /// A TOML configuration file (see docs/deploy.md).
    #[arg(long, global = true, env = "DATA_REGISTRY_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the registry (applying migrations first).
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long)]
        bind: Option<String>,
        /// Folder for the SQLite database and the blobs [default: ./registry-data]
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// The URL clients reach this server at (for links and upload URLs).
        #[arg(long)]
        public_url: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Administer users.
    Admin {
        #[arg(long, global = true)]
        data_dir: Option<PathBuf>,
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create a user (and their personal publisher). The password is read
    /// from standard input, one line.
    CreateUser {
        username: String,
        #[arg(long)]
        email: String,
        /// Make the user an administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Make a user an administrator.
    MakeAdmin { username: String },
    /// Take administrator rights away.
    RevokeAdmin { username: String },
    /// Set a user's password, read from standard input.
    SetPassword { username: String },
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DATA_REGISTRY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("data-registry: error: {e:#}");
            }
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve {
            bind,
            data_dir,
            public_url,
        } => {
            if let Some(bind) = bind {
                config.bind = bind;
            }
            if let Some(dir) = data_dir {
                config.data_dir = dir;
            }
            if public_url.is_some() {
                config.public_url = public_url;
            }
            init_logging(config.log_json);
            let runtime = actix_web::rt::System::new();
            runtime.block_on(async move {
                let registry = Registry::build(config)?;
                registry.run().await
            })
        }
        Command::Migrate { data_dir } => {
            if let Some(dir) = data_dir {
                config.data_dir = dir;
            }
            init_logging(config.log_json);
            let db = Db::open(config.database(), 1)?;
            let applied = db.migrate()?;
            tracing::info!(applied, "migrations applied");
            Ok(())
        }
        Command::Admin { data_dir, command } => {
            if let Some(dir) = data_dir {
                config.data_dir = dir;
            }
            init_logging(config.log_json);
            let db = Db::open(config.database(), 1)?;
            db.migrate()?;
            admin(&db, command)
        }
    }
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        #[allow(clippy::print_stderr)]
        {
            eprint!("password (the line is echoed; pipe it in to avoid that): ");
        }
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("failed to read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    registry_server::auth::check_password_rules(&password)
        .map_err(|e| anyhow::anyhow!(e.message))?;
    Ok(password)
}

fn admin(db: &Db, command: AdminCommand) -> anyhow::Result<()> {
    let mut conn = db.get().map_err(|e| anyhow::anyhow!(e.message))?;
    let api = |e: registry_server::error::ApiError| anyhow::anyhow!(e.message);
    match command {
        AdminCommand::CreateUser {
            username,
            email,
            admin,
        } => {
            registry_api::names::check_publisher_name(&username).map_err(anyhow::Error::msg)?;
            let password = read_password()?;
            let hash = registry_server::auth::hash_password(&password).map_err(api)?;
            users::create(&mut conn, &username, &email, &hash, admin).map_err(api)?;
            tracing::info!(user = %username, admin, "user created");
        }
        AdminCommand::MakeAdmin { username } => {
            if !users::set_admin(&mut conn, &username, true).map_err(api)? {
                bail!("no user named {username:?}");
            }
            tracing::info!(user = %username, "now an administrator");
        }
        AdminCommand::RevokeAdmin { username } => {
            if !users::set_admin(&mut conn, &username, false).map_err(api)? {
                bail!("no user named {username:?}");
            }
            tracing::info!(user = %username, "no longer an administrator");
        }
        AdminCommand::SetPassword { username } => {
            let password = read_password()?;
            let hash = registry_server::auth::hash_password(&password).map_err(api)?;
            if !users::set_password(&mut conn, &username, &hash).map_err(api)? {
                bail!("no user named {username:?}");
            }
            tracing::info!(user = %username, "password set");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
