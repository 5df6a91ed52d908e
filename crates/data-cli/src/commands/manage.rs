//! `data delete`, `data undelete`, `data purge`: hide a package (it can
//! come back), bring it back, or destroy it for good. Owners only.

use std::io::IsTerminal;

use anyhow::{bail, Context, Result};
use serde_json::json;

use crate::cli::{ManageArgs, PurgeArgs};
use crate::client::Client;
use crate::commands::Status;
use crate::printer::Printer;
use crate::settings::{DpmHome, Remote};

/// OWNER/NAME, checked, and a client with the stored token.
fn connect(package: &str, registry: Option<&str>, verb: &str) -> Result<(String, String, Client)> {
    let (owner, name) = package
        .split_once('/')
        .filter(|(_, n)| !n.contains('/') && !n.contains('@'))
        .with_context(|| format!("{package:?} is not OWNER/NAME (e.g. alice/gdp)"))?;
    registry_api::names::check_publisher_name(owner).map_err(anyhow::Error::msg)?;
    registry_api::names::check_package_name(name).map_err(anyhow::Error::msg)?;
    let home = DpmHome::locate()?;
    let remote = Remote::resolve(&home, registry)?;
    remote.require_token(&format!("{verb} a package"))?;
    let client = Client::new(&remote.registry, remote.token)?;
    Ok((owner.to_string(), name.to_string(), client))
}

pub fn delete(args: &ManageArgs, registry: Option<&str>, printer: &Printer) -> Result<Status> {
    let (owner, name, client) = connect(&args.package, registry, "deleting")?;
    client
        .delete_package(&owner, &name)
        .with_context(|| format!("failed to delete {owner}/{name}"))?;
    if args.json.json {
        printer.json(&json!({"owner": owner, "name": name, "deleted": true}))?;
    } else {
        printer.line(&format!(
            "{} deleted {owner}/{name}: hidden from everyone; `data undelete {owner}/{name}` brings it back",
            printer.ok_text("✓")
        ))?;
    }
    Ok(Status::Success)
}

pub fn undelete(args: &ManageArgs, registry: Option<&str>, printer: &Printer) -> Result<Status> {
    let (owner, name, client) = connect(&args.package, registry, "restoring")?;
    client
        .undelete_package(&owner, &name)
        .with_context(|| format!("failed to restore {owner}/{name}"))?;
    if args.json.json {
        printer.json(&json!({"owner": owner, "name": name, "deleted": false}))?;
    } else {
        printer.line(&format!("{} restored {owner}/{name}", printer.ok_text("✓")))?;
    }
    Ok(Status::Success)
}

pub fn purge(args: &PurgeArgs, registry: Option<&str>, printer: &Printer) -> Result<Status> {
    let (owner, name, client) = connect(&args.package, registry, "purging")?;
    if !args.yes {
        let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        if !terminal {
            bail!(
                "not purging {owner}/{name}: purging destroys every revision for good, and this is not a terminal to ask on; pass --yes if you mean it (or `data delete` to hide it recoverably)"
            );
        }
        let sure = dialoguer::Confirm::new()
            .with_prompt(format!(
                "Destroy {owner}/{name} and every revision for good? This cannot be undone"
            ))
            .default(false)
            .interact()
            .context("failed to read the answer")?;
        if !sure {
            // --json still gets its one document.
            if args.json.json {
                printer.json(&json!({"owner": owner, "name": name, "purged": false}))?;
            }
            printer.status("nothing purged");
            return Ok(Status::Failure);
        }
    }
    client
        .purge_package(&owner, &name)
        .with_context(|| format!("failed to purge {owner}/{name}"))?;
    if args.json.json {
        printer.json(&json!({"owner": owner, "name": name, "purged": true}))?;
    } else {
        printer.line(&format!(
            "{} purged {owner}/{name}: every revision is gone",
            printer.ok_text("✓")
        ))?;
    }
    Ok(Status::Success)
}
