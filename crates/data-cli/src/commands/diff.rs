//! `data diff OWNER/NAME@A OWNER/NAME@B`: what changed between two
//! revisions: resources added or removed; per resource, fields added,
//! removed or retyped, and rows added or removed (counted by the engine
//! over the files fetched into the cache; a file whose bytes did not
//! change is counted once).

use std::collections::HashMap;

use anyhow::{Context, Result};
use datapackage::{Field, Resource};
use serde::Serialize;

use crate::cli::DiffArgs;
use crate::commands::cat::{RemoteRevision, TableRows};
use crate::commands::get::Spec;
use crate::commands::Status;
use crate::printer::Printer;

#[derive(Debug, Serialize)]
struct Side {
    owner: String,
    name: String,
    revision: i64,
}

#[derive(Debug, Serialize)]
struct FieldRef {
    name: String,
    #[serde(rename = "type")]
    field_type: String,
}

#[derive(Debug, Serialize)]
struct FieldChange {
    name: String,
    from: String,
    to: String,
}

#[derive(Debug, Default, Serialize)]
struct Fields {
    added: Vec<FieldRef>,
    removed: Vec<FieldRef>,
    changed: Vec<FieldChange>,
}

#[derive(Debug, Serialize)]
struct Rows {
    /// Data rows in A (absent for an added resource).
    from: Option<u64>,
    /// Data rows in B (absent for a removed resource).
    to: Option<u64>,
    added: u64,
    removed: u64,
}

#[derive(Debug, Serialize)]
struct ResourceDiff {
    name: String,
    /// `added`, `removed`, `changed` or `unchanged`.
    status: &'static str,
    fields: Fields,
    /// Absent with --no-rows.
    rows: Option<Rows>,
}

#[derive(Debug, Serialize)]
struct Diff {
    from: Side,
    to: Side,
    /// Whether anything differs.
    changed: bool,
    resources: Vec<ResourceDiff>,
}

pub fn run(
    args: &DiffArgs,
    registry: Option<&str>,
    printer: &Printer,
    no_progress: bool,
) -> Result<Status> {
    let from_spec = Spec::parse(&args.from).context("the first revision")?;
    let to_spec = Spec::parse(&args.to).context("the second revision")?;
    let from = RemoteRevision::fetch(&from_spec, registry, printer, no_progress)?;
    let to = RemoteRevision::fetch(&to_spec, registry, printer, no_progress)?;
    let mut counter = Counter::default();
    let mut resources = Vec::new();
    for a in &from.package.resources {
        let b = to.package.resource(&a.name);
        let fields = match b {
            Some(b) => field_changes(a, b),
            None => Fields {
                removed: fields_of(a),
                ..Fields::default()
            },
        };
        let rows = if args.no_rows {
            None
        } else {
            let before = counter.count(&from, a)?;
            let after = match b {
                Some(b) => Some(counter.count(&to, b)?),
                None => None,
            };
            Some(rows(Some(before), after))
        };
        let status = if b.is_none() {
            "removed"
        } else if !fields.is_empty() || rows.as_ref().is_some_and(Rows::differ) {
            "changed"
        } else {
            "unchanged"
        };
        resources.push(ResourceDiff {
            name: a.name.clone(),
            status,
            fields,
            rows,
        });
    }
    for b in &to.package.resources {
        if from.package.resource(&b.name).is_some() {
            continue;
        }
        let rows = if args.no_rows {
            None
        } else {
            Some(rows(None, Some(counter.count(&to, b)?)))
        };
        resources.push(ResourceDiff {
            name: b.name.clone(),
            status: "added",
            fields: Fields {
                added: fields_of(b),
                ..Fields::default()
            },
            rows,
        });
    }
    let diff = Diff {
        from: side(&from),
        to: side(&to),
        changed: resources.iter().any(|r| r.status != "unchanged"),
        resources,
    };
    if args.json.json {
        printer.json(&diff)?;
    } else {
        print(&diff, printer)?;
    }
    Ok(Status::Success)
}

fn side(revision: &RemoteRevision) -> Side {
    Side {
        owner: revision.spec.owner.clone(),
        name: revision.spec.name.clone(),
        revision: revision.manifest.revision,
    }
}

/// Row counts, kept by the file's SHA-256 so unchanged files are read once.
#[derive(Default)]
struct Counter {
    by_sha256: HashMap<String, u64>,
}

impl Counter {
    fn count(&mut self, revision: &RemoteRevision, resource: &Resource) -> Result<u64> {
        let sha = revision.sha256(resource);
        if let Some(n) = sha.as_ref().and_then(|s| self.by_sha256.get(s)) {
            return Ok(*n);
        }
        let n = revision
            .open(resource)
            .and_then(TableRows::count)
            .with_context(|| {
                format!(
                    "failed to count the rows of {:?} in {} (--no-rows compares the descriptors only)",
                    resource.name,
                    revision.label()
                )
            })?;
        if let Some(sha) = sha {
            self.by_sha256.insert(sha, n);
        }
        Ok(n)
    }
}

fn rows(from: Option<u64>, to: Option<u64>) -> Rows {
    let (a, b) = (from.unwrap_or(0), to.unwrap_or(0));
    Rows {
        from,
        to,
        added: b.saturating_sub(a),
        removed: a.saturating_sub(b),
    }
}

impl Rows {
    fn differ(&self) -> bool {
        self.from != self.to
    }
}

impl Fields {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn field_list(resource: &Resource) -> &[Field] {
    resource
        .schema()
        .map(|s| s.fields.as_slice())
        .unwrap_or_default()
}

fn field_ref(field: &Field) -> FieldRef {
    FieldRef {
        name: field.name.clone(),
        field_type: field.field_type.as_str().to_string(),
    }
}

fn fields_of(resource: &Resource) -> Vec<FieldRef> {
    field_list(resource).iter().map(field_ref).collect()
}

/// Fields matched by name: added, removed, and those whose type changed.
fn field_changes(a: &Resource, b: &Resource) -> Fields {
    let (before, after) = (field_list(a), field_list(b));
    let mut fields = Fields::default();
    for old in before {
        match after.iter().find(|f| f.name == old.name) {
            None => fields.removed.push(field_ref(old)),
            Some(new) if new.field_type != old.field_type => fields.changed.push(FieldChange {
                name: old.name.clone(),
                from: old.field_type.as_str().to_string(),
                to: new.field_type.as_str().to_string(),
            }),
            Some(_) => {}
        }
    }
    for new in after {
        if !before.iter().any(|f| f.name == new.name) {
            fields.added.push(field_ref(new));
        }
    }
    fields
}

fn print(diff: &Diff, printer: &Printer) -> Result<()> {
    let name = |s: &Side| format!("{}/{}@{}", s.owner, s.name, s.revision);
    printer.line(&format!("{} → {}", name(&diff.from), name(&diff.to)))?;
    if !diff.changed {
        printer.line("no differences in fields or row counts")?;
        return Ok(());
    }
    for r in &diff.resources {
        if r.status == "unchanged" {
            continue;
        }
        printer.line(&format!("resource {} ({})", r.name, r.status))?;
        for f in &r.fields.added {
            printer.line(&format!("  + field {}: {}", f.name, f.field_type))?;
        }
        for f in &r.fields.removed {
            printer.line(&format!("  - field {}: {}", f.name, f.field_type))?;
        }
        for f in &r.fields.changed {
            printer.line(&format!("  ~ field {}: {} → {}", f.name, f.from, f.to))?;
        }
        if let Some(rows) = &r.rows {
            let count = |n: Option<u64>| n.map_or("-".to_string(), |n| n.to_string());
            let mut line = format!("  rows: {} → {}", count(rows.from), count(rows.to));
            if rows.added > 0 {
                line.push_str(&format!(" (+{})", rows.added));
            }
            if rows.removed > 0 {
                line.push_str(&format!(" (-{})", rows.removed));
            }
            printer.line(&line)?;
        }
    }
    Ok(())
}
