//! `data config get|set|unset|list`.

use anyhow::{bail, Result};
use serde_json::json;

use crate::cli::{ConfigAction, ConfigArgs};
use crate::commands::Status;
use crate::printer::Printer;
use crate::settings::{Config, DpmHome, Remote, CONFIG_KEYS};

pub fn run(args: &ConfigArgs, registry: Option<&str>, printer: &Printer) -> Result<Status> {
    let home = DpmHome::locate()?;
    let mut config = Config::load(&home)?;
    match &args.action {
        ConfigAction::Get { key } => {
            let value = config.get(key)?;
            if args.json {
                printer.json(&json!({ key.as_str(): value }))?;
            } else if let Some(value) = value {
                printer.line(value)?;
            } else {
                bail!("{key} is not set (`data config set {key} VALUE`)");
            }
        }
        ConfigAction::Set { key, value } => {
            config.set(key, Some(value.clone()))?;
            config.save(&home)?;
            if args.json {
                printer.json(&json!({ key.as_str(): value }))?;
            }
        }
        ConfigAction::Unset { key } => {
            config.set(key, None)?;
            config.save(&home)?;
        }
        ConfigAction::List => {
            // No token needed here, so no trip to the OS keyring.
            let remote = Remote::resolve_without_token(&home, registry)?;
            let store = config.credential_store.unwrap_or_default();
            if args.json {
                printer.json(&json!({
                    "file": home.config_path(),
                    "registry": config.registry,
                    "publisher": config.publisher,
                    "credential-store": config.credential_store.map(|s| s.as_str()),
                    "effective": {
                        "registry": remote.registry,
                        "publisher": remote.publisher,
                        "credential-store": store.as_str(),
                    },
                }))?;
            } else {
                for key in CONFIG_KEYS {
                    let value = config.get(key)?.unwrap_or("(not set)");
                    printer.line(&format!("{key} = {value}"))?;
                }
                printer.line(&format!(
                    "# in use: registry {} (flag, DATA_REGISTRY, config or default), publisher {}",
                    remote.registry,
                    remote.publisher.as_deref().unwrap_or("(none: log in)")
                ))?;
            }
        }
    }
    Ok(Status::Success)
}
