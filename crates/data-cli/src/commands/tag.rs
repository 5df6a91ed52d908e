//! `data tag NAME` and `data tags`.

use std::path::Path;

use anyhow::{Context, Result};
use registry_api::package::CreateTagRequest;
use registry_api::ErrorCode;
use serde_json::json;

use crate::cli::{PackageArgs, TagArgs, TagsArgs};
use crate::client::{Client, ClientError};
use crate::commands::publish::LocalPackage;
use crate::commands::Status;
use crate::printer::Printer;
use crate::settings::{DpmHome, Remote};

/// OWNER/NAME from a spec, or from the package in the current directory
/// under the chosen publisher.
fn which(spec: Option<&str>, publisher: &PackageArgs, remote: &Remote) -> Result<(String, String)> {
    if let Some(spec) = spec {
        let (owner, name) = spec
            .split_once('/')
            .with_context(|| format!("{spec:?} is not OWNER/NAME"))?;
        registry_api::names::check_publisher_name(owner).map_err(anyhow::Error::msg)?;
        registry_api::names::check_package_name(name).map_err(anyhow::Error::msg)?;
        return Ok((owner.to_string(), name.to_string()));
    }
    let local = LocalPackage::open(Path::new("."))?;
    let name = local.name(None)?;
    let owner = remote.publisher_or(publisher.publisher.as_deref())?;
    Ok((owner, name))
}

pub fn tag(args: &TagArgs, registry: Option<&str>, printer: &Printer) -> Result<Status> {
    registry_api::names::check_tag_name(&args.name).map_err(anyhow::Error::msg)?;
    let home = DpmHome::locate()?;
    let remote = Remote::resolve(&home, registry)?;
    remote.require_token("tagging")?;
    let (owner, name) = which(args.package.as_deref(), &args.publisher, &remote)?;
    let client = Client::new(&remote.registry, remote.token.clone())?;
    let request = CreateTagRequest {
        name: args.name.clone(),
        revision: args.revision,
        force: args.force,
    };
    let tag = match client.create_tag(&owner, &name, &request) {
        Ok(tag) => tag,
        // The refusal stays underneath, so the exit code says "refused".
        Err(
            e @ ClientError::Api {
                code: ErrorCode::Conflict,
                ..
            },
        ) if !args.force => {
            return Err(anyhow::Error::new(e).context(format!(
                "{owner}/{name} already has a tag {:?}: use --force to move it",
                args.name
            )));
        }
        Err(e) => return Err(e.into()),
    };
    if args.json.json {
        printer.json(
            &json!({"owner": owner, "name": name, "tag": tag.name, "revision": tag.revision}),
        )?;
    } else {
        printer.line(&format!(
            "{} tagged {owner}/{name} revision {} as {}",
            printer.ok_text("✓"),
            tag.revision,
            tag.name
        ))?;
    }
    Ok(Status::Success)
}

pub fn list(args: &TagsArgs, registry: Option<&str>, printer: &Printer) -> Result<Status> {
    let home = DpmHome::locate()?;
    let remote = Remote::resolve(&home, registry)?;
    remote.note_token_problem(printer);
    let (owner, name) = which(args.package.as_deref(), &args.publisher, &remote)?;
    let client = Client::new(&remote.registry, remote.token.clone())?;
    let tags = client.tags(&owner, &name)?;
    if args.json.json {
        printer.json(&tags)?;
    } else if tags.tags.is_empty() {
        printer.line(&format!("{owner}/{name} has no tags"))?;
    } else {
        for tag in &tags.tags {
            printer.line(&format!(
                "{}\trevision {}\t{}",
                tag.name, tag.revision, tag.updated_at
            ))?;
        }
    }
    Ok(Status::Success)
}
