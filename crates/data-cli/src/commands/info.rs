//! `data info PATH|OWNER/NAME[@TAG|@REV]`: what a package (or data file)
//! holds: its name and title, its resources with format, path, size and
//! fields; for a package on the registry also its visibility, revisions,
//! downloads, tags and files.

use std::path::Path;

use ::validate::{InferOptions, ReadOptions};
use anyhow::{Context, Result};
use datapackage::{Package, Resource, Schema};
use registry_api::package::{PackageFile, PackageInfo};
use serde_json::{json, Value};

use crate::cli::InfoArgs;
use crate::client::{Client, Descriptor, Selector};
use crate::commands::cat::{LocalPackageRef, RemoteRevision, TableRows, Target};
use crate::commands::get::{human_bytes, Spec};
use crate::commands::{threads, Status};
use crate::printer::Printer;
use crate::progress::Bars;
use crate::settings::{DpmHome, Remote};

pub fn run(
    args: &InfoArgs,
    registry: Option<&str>,
    printer: &Printer,
    no_progress: bool,
) -> Result<Status> {
    let info = match Target::parse(&args.target)? {
        Target::Local(path) => local(&path, args.rows, no_progress)?,
        Target::Remote {
            spec,
            resource: None,
        } => remote(&spec, args.rows, registry, printer, no_progress)?,
        Target::Remote {
            resource: Some(_), ..
        } => anyhow::bail!(
            "{}: `data info` describes a whole package; use OWNER/NAME (or `data cat OWNER/NAME/RESOURCE` for a table)",
            args.target
        ),
    };
    if args.json.json {
        printer.json(&info)?;
    } else {
        print(&info, printer)?;
    }
    Ok(Status::Success)
}

/// A local package, or a data file described by the engine.
fn local(path: &Path, rows: bool, no_progress: bool) -> Result<Value> {
    if let Some(local) = LocalPackageRef::open(path)? {
        let local = local.package;
        let package = &local.package;
        let mut resources = Vec::new();
        for resource in &package.resources {
            let size = resource.paths().first().and_then(|p| {
                (!datapackage::is_url(p))
                    .then(|| datapackage::io::resolve_local_path(&local.dir, p).ok())
                    .flatten()
                    .and_then(|f| std::fs::metadata(f).ok())
                    .map(|m| m.len())
            });
            let count = if rows {
                Some(
                    TableRows::open_resource(resource, &local.dir, None)
                        .and_then(TableRows::count)
                        .with_context(|| {
                            format!("failed to count the rows of {:?}", resource.name)
                        })?,
                )
            } else {
                None
            };
            resources.push(resource_json(resource, size, count));
        }
        return Ok(json!({
            "kind": "package",
            "path": local.descriptor_path.display().to_string(),
            "name": package.name,
            "title": package.title,
            "description": package.description,
            "resources": resources,
        }));
    }
    // A data file: the engine reads it whole to infer the schema, so the
    // row count comes with it.
    let bars = Bars::new(no_progress);
    let described = ::validate::describe_path(
        path,
        &ReadOptions::default(),
        &InferOptions::strict(None),
        threads(None),
        &bars,
    )
    .with_context(|| {
        format!(
            "failed to read {} (is it a data file? `data info` takes a data file, a descriptor, a folder with one, or OWNER/NAME)",
            path.display()
        )
    })?;
    let size = std::fs::metadata(path).ok().map(|m| m.len());
    let mut resource = described.resource;
    resource.path = Some(datapackage::ResourcePath::One(path.display().to_string()));
    Ok(json!({
        "kind": "file",
        "path": path.display().to_string(),
        "name": resource.name,
        "title": Value::Null,
        "description": Value::Null,
        "resources": [resource_json(&resource, size, Some(described.rows))],
    }))
}

/// A package on the registry: its summary, then the descriptor of the
/// same revision.
fn remote(
    spec: &Spec,
    rows: bool,
    registry: Option<&str>,
    printer: &Printer,
    no_progress: bool,
) -> Result<Value> {
    let home = DpmHome::locate()?;
    let remote = Remote::resolve(&home, registry)?;
    remote.note_token_problem(printer);
    let client = Client::new(&remote.registry, remote.token.clone())?;
    let what = format!("{}/{}", spec.owner, spec.name);
    let info: PackageInfo = client
        .info(&spec.owner, &spec.name, &spec.selector)
        .with_context(|| {
            format!("failed to describe {what} (check the name with `data search`)")
        })?;
    let revision = match &spec.selector {
        Selector::Latest => Some(info.summary.latest_revision),
        Selector::Revision(n) => Some(*n),
        Selector::Tag(tag) => info
            .tags
            .iter()
            .find(|t| &t.name == tag)
            .map(|t| t.revision),
    };
    let mut summary = json!({
        "kind": "remote",
        "owner": info.summary.owner,
        "name": info.summary.name,
        "title": info.summary.title,
        "description": info.summary.description,
        "visibility": info.summary.visibility,
        "deleted": info.deleted,
        "revision": revision,
        "latest_revision": info.summary.latest_revision,
        "downloads": info.summary.downloads,
        "created_at": info.summary.created_at,
        "updated_at": info.summary.updated_at,
        "tags": info.tags,
        "files": info.files,
        "datapackage_url": info.datapackage_url,
        "uuid": info.uuid,
        "resources": [],
    });
    if info.deleted {
        // Owners see a deleted package's summary; its descriptor is gone
        // from reads until `data undelete`.
        return Ok(summary);
    }
    let selector = revision.map_or(spec.selector.clone(), Selector::Revision);
    let (descriptor, _) = client
        .descriptor_with_revision(&spec.owner, &spec.name, &selector, None)
        .with_context(|| format!("failed to fetch the descriptor of {what}"))?;
    let Descriptor::Fetched { text, .. } = descriptor else {
        return Err(crate::client::ClientError::Misbehaved(
            "the registry answered 304 Not Modified to a request without an ETag".into(),
        )
        .into());
    };
    let package: Package = datapackage::io::descriptor_from_value(
        &serde_json::from_str(&text).context("the registry sent a descriptor that is not JSON")?,
    )
    .with_context(|| format!("{what} is not a data package"))?;
    let counted = if rows {
        let spec = Spec {
            selector,
            ..spec.clone()
        };
        Some(RemoteRevision::fetch(
            &spec,
            registry,
            printer,
            no_progress,
        )?)
    } else {
        None
    };
    let mut resources = Vec::new();
    for resource in &package.resources {
        let size = resource
            .paths()
            .first()
            .and_then(|p| file_size(&info.files, p));
        let count = match &counted {
            Some(cached) => Some(
                cached
                    .open(resource)
                    .and_then(TableRows::count)
                    .with_context(|| format!("failed to count the rows of {:?}", resource.name))?,
            ),
            None => None,
        };
        resources.push(resource_json(resource, size, count));
    }
    summary["resources"] = Value::Array(resources);
    if summary["title"].is_null() {
        summary["title"] = json!(package.title);
    }
    Ok(summary)
}

fn file_size(files: &[PackageFile], path: &str) -> Option<u64> {
    files.iter().find(|f| f.path == path).map(|f| f.size)
}

/// A resource as `info` shows it.
fn resource_json(resource: &Resource, size: Option<u64>, rows: Option<u64>) -> Value {
    let format = resource.format.clone().or_else(|| {
        resource.paths().first().and_then(|p| {
            let p = p.strip_suffix(".gz").unwrap_or(p);
            let ext = p.rsplit_once('.')?.1;
            (!ext.contains('/')).then(|| ext.to_ascii_lowercase())
        })
    });
    let fields: Vec<Value> = resource
        .schema()
        .map(|s: &Schema| {
            s.fields
                .iter()
                .map(|f| json!({"name": f.name, "type": f.field_type.as_str()}))
                .collect()
        })
        .unwrap_or_default();
    let mut value = json!({
        "name": resource.name,
        "title": resource.title,
        "format": format,
        "path": resource.paths().join(", "),
        "size": size,
        "fields": fields,
    });
    if let Some(rows) = rows {
        value["rows"] = json!(rows);
    }
    if resource.data.is_some() {
        value["path"] = json!("<inline data>");
    }
    value
}

fn print(info: &Value, printer: &Printer) -> Result<()> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let head = match info["kind"].as_str() {
        Some("remote") => format!("{}/{}", text(&info["owner"]), text(&info["name"])),
        _ => {
            let name = text(&info["name"]);
            if name.is_empty() {
                text(&info["path"])
            } else {
                name
            }
        }
    };
    match info["title"].as_str() {
        Some(title) => printer.line(&format!("{head}  {title}"))?,
        None => printer.line(&head)?,
    }
    if info["kind"] == "remote" {
        let mut line = format!(
            "  {}, revision {} of {}, {} {}",
            text(&info["visibility"]),
            info["revision"],
            info["latest_revision"],
            info["downloads"],
            if info["downloads"] == 1 {
                "download"
            } else {
                "downloads"
            }
        );
        if info["deleted"] == true {
            line.push_str(&format!("; DELETED (`data undelete {head}` restores it)"));
        }
        printer.line(&line)?;
        let tags: Vec<String> = info["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| format!("{} (revision {})", text(&t["name"]), t["revision"]))
            .collect();
        if !tags.is_empty() {
            printer.line(&format!("  tags: {}", tags.join(", ")))?;
        }
        printer.line(&format!("  {}", text(&info["datapackage_url"])))?;
        let files = info["files"].as_array().cloned().unwrap_or_default();
        if !files.is_empty() {
            printer.line("files:")?;
            for file in &files {
                printer.line(&format!(
                    "  {}  {}",
                    text(&file["path"]),
                    human_bytes(file["size"].as_u64().unwrap_or(0))
                ))?;
            }
        }
    } else {
        printer.line(&format!("  {}", text(&info["path"])))?;
    }
    let resources = info["resources"].as_array().cloned().unwrap_or_default();
    if !resources.is_empty() {
        printer.line(&format!(
            "{} {}:",
            resources.len(),
            if resources.len() == 1 {
                "resource"
            } else {
                "resources"
            }
        ))?;
    }
    for resource in &resources {
        let mut line = format!("  {}", text(&resource["name"]));
        for key in ["format", "path"] {
            if let Some(v) = resource[key].as_str() {
                line.push_str(&format!("  {v}"));
            }
        }
        if let Some(size) = resource["size"].as_u64() {
            line.push_str(&format!("  {}", human_bytes(size)));
        }
        if let Some(rows) = resource["rows"].as_u64() {
            line.push_str(&format!(
                "  {rows} {}",
                if rows == 1 { "row" } else { "rows" }
            ));
        }
        printer.line(&line)?;
        let fields: Vec<String> = resource["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| format!("{}:{}", text(&f["name"]), text(&f["type"])))
            .collect();
        if !fields.is_empty() {
            printer.line(&format!("    {}", fields.join(", ")))?;
        }
    }
    Ok(())
}
