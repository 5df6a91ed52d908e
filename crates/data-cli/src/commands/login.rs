//! `data login`, `data logout`, `data whoami`.

use std::io::{BufRead, IsTerminal};

use anyhow::{bail, Context, Result};
use serde_json::json;

use crate::cli::{CredentialStoreArg, JsonArgs, LoginArgs};
use crate::client::Client;
use crate::commands::Status;
use crate::printer::Printer;
use crate::settings::{Config, CredentialStore, Credentials, DpmHome, Remote};

pub fn login(args: &LoginArgs, registry: Option<&str>, printer: &Printer) -> Result<Status> {
    let home = DpmHome::locate()?;
    // Not the stored token: the keyring may have lost it, which is why
    // one logs in again.
    let remote = Remote::resolve_without_token(&home, registry)?;
    let store = match args.store {
        Some(CredentialStoreArg::File) => CredentialStore::File,
        Some(CredentialStoreArg::Keyring) => CredentialStore::Keyring,
        None => Config::load(&home)?.credential_store.unwrap_or_default(),
    };
    let anonymous = Client::new(&remote.registry, None)?;
    let token = args
        .token
        .clone()
        .or_else(|| std::env::var("DATA_TOKEN").ok().filter(|t| !t.is_empty()));
    let (username, token, token_id) = match token {
        Some(token) => {
            // Check it before storing it: a typo should fail here, not later.
            let me = Client::new(&remote.registry, Some(token.clone()))?
                .me()
                .context("the registry refused this token")?;
            (me.username, token, None)
        }
        None => {
            let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
            let username = match &args.username {
                Some(name) => name.clone(),
                None if interactive => dialoguer::Input::<String>::new()
                    .with_prompt("User name")
                    .interact_text()
                    .context("failed to read the user name")?,
                None => bail!(
                    "not a terminal, so `data login` cannot ask: pass --token T (or set DATA_TOKEN), or --username U --password-stdin"
                ),
            };
            let password = if args.password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .context("failed to read the password from standard input")?;
                line.trim_end_matches(['\r', '\n']).to_string()
            } else if interactive {
                dialoguer::Password::new()
                    .with_prompt("Password")
                    .interact()
                    .context("failed to read the password")?
            } else {
                bail!("not a terminal, so `data login` cannot ask for the password: pass --password-stdin, or use --token")
            };
            let answer = anonymous.login(&username, &password)?;
            (answer.username, answer.token, Some(answer.token_id))
        }
    };
    Credentials {
        username: Some(username.clone()),
        token: Some(token),
        registry: Some(remote.registry.clone()),
        token_id,
        token_store: store,
    }
    .save(&home)?;
    if args.json.json {
        printer.json(&json!({
            "username": username,
            "registry": remote.registry,
            "token_store": store.as_str(),
        }))?;
    } else {
        let place = match store {
            CredentialStore::File => "",
            CredentialStore::Keyring => " (token in the OS keyring)",
        };
        printer.line(&format!(
            "{} logged in to {} as {username}{place}",
            printer.ok_text("✓"),
            remote.registry
        ))?;
    }
    Ok(Status::Success)
}

pub fn logout(args: &JsonArgs, registry: Option<&str>, printer: &Printer) -> Result<Status> {
    let home = DpmHome::locate()?;
    let credentials = Credentials::load(&home)?;
    // Revoke the token the log-in made (best effort: the file and the
    // keyring entry go anyway, even when the keyring lost the token).
    let mut revoked = false;
    if let Some(id) = credentials.token_id {
        let remote = Remote::resolve_without_token(&home, registry)?;
        if credentials
            .registry
            .as_deref()
            .is_none_or(|r| r == remote.registry)
        {
            if let Ok(Some(token)) = credentials.stored_token(&home) {
                revoked = Client::new(&remote.registry, Some(token))
                    .and_then(|c| c.revoke_token(id))
                    .is_ok();
            }
        }
    }
    let removed = Credentials::remove(&home)?;
    if args.json {
        printer.json(&json!({
            "logged_out": removed,
            "token_revoked": revoked,
            "token_store": credentials.token_store.as_str(),
        }))?;
    } else if removed {
        printer.line(if revoked {
            "logged out; the token is revoked"
        } else {
            "logged out"
        })?;
    } else {
        printer.line("not logged in")?;
    }
    Ok(Status::Success)
}

pub fn whoami(args: &JsonArgs, registry: Option<&str>, printer: &Printer) -> Result<Status> {
    let home = DpmHome::locate()?;
    let remote = Remote::resolve(&home, registry)?;
    if remote.token.is_none() {
        if let Some(problem) = &remote.token_problem {
            bail!("{problem}");
        }
        bail!("not logged in to {}: run `data login`", remote.registry);
    }
    // Where the token in use came from (never the token itself).
    let token_store = if std::env::var("DATA_TOKEN").is_ok_and(|t| !t.is_empty()) {
        "env"
    } else {
        Credentials::load(&home)?.token_store.as_str()
    };
    let me = Client::new(&remote.registry, remote.token.clone())?.me()?;
    if args.json {
        printer.json(&json!({
            "username": me.username,
            "registry": remote.registry,
            "email": me.email,
            "is_admin": me.is_admin,
            "publishers": me.publishers,
            "token_store": token_store,
        }))?;
    } else {
        printer.line(&format!("{} on {}", me.username, remote.registry))?;
        for membership in &me.publishers {
            printer.line(&format!(
                "  {} ({})",
                membership.publisher,
                membership.role.as_str()
            ))?;
        }
    }
    Ok(Status::Success)
}
