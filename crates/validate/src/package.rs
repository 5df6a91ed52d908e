//! Validating a whole data package, or lone files: the descriptor first,
//! then each resource as a table, with foreign keys looked up across the
//! package's resources.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use csv::ByteRecord;
use datapackage::{FieldCaster, Package, Resource, Schema, ValueKey};

use crate::detect::Format;
use crate::error::Error;
use crate::header::read_head;
use crate::report::{ErrorKind, Report, ReportError, Task};
use crate::reporter::Reporter;
use crate::source::json::rows_from_json_value;
use crate::source::raw::{Digests, RawStats};
use crate::source::RowSource;
use crate::table::{open_path, ReadOptions};
use crate::validator::{
    error_chain, error_for, split_hash, validate_table, Expected, ForeignKeyCheck, Lookup, Table,
    ValidateOptions,
};

/// What to validate a lone file with (flags of `data validate`).
#[derive(Debug, Clone, Default)]
pub struct FileOptions {
    pub read: ReadOptions,
    pub schema: Option<Schema>,
}

/// The name frictionless gives a file's task: its stem, lower-cased, with
/// anything outside `[a-z0-9._-]` turned into `-`.
pub fn task_name(path: &Path) -> String {
    let stem = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.strip_suffix(".gz").unwrap_or(&stem);
    let stem = stem.rsplit_once('.').map(|(s, _)| s).unwrap_or(stem);
    let mut name = String::new();
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            name.push(c);
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_matches('-').to_string();
    if name.is_empty() {
        "table".into()
    } else {
        name
    }
}

/// Validates one data file.
pub fn validate_file(
    path: &Path,
    options: &FileOptions,
    validate: &ValidateOptions,
    reporter: &dyn Reporter,
) -> Task {
    let name = task_name(path);
    let place = path.display().to_string();
    let mut read = options.read.clone();
    // SHA-256 only: with SHA-NI it costs little, where MD5 would cost a
    // tenth of the run (frictionless-py reports both).
    read.digests = Digests {
        md5: false,
        sha256: true,
    };
    match open_path(path, &read) {
        Ok(opened) => {
            let notices = opened.notices.clone();
            let validate = &typed_if(validate, opened.format);
            let mut task = validate_table(
                Table {
                    name,
                    place,
                    source: opened.source,
                    schema: options.schema.clone(),
                    header: options.read.dialect.header,
                    expected: Expected::default(),
                    raw: opened.raw,
                    foreign_keys: Vec::new(),
                    size: opened.size,
                },
                validate,
                reporter,
            );
            // What detection had to guess, where the person should know.
            task.warnings.splice(0..0, notices);
            task.stats.warnings = task.warnings.len();
            task
        }
        Err(e) => Task::failed(name, place, open_error(&e)),
    }
}

/// The options for a table of `format`: workbooks and JSON hand over typed
/// cells, which frictionless's inference treats apart from text.
fn typed_if(validate: &ValidateOptions, format: Format) -> ValidateOptions {
    let mut options = validate.clone();
    options.infer.typed_cells = !format.is_delimited();
    options
}

/// The report error for a table that could not be opened: a missing file is
/// a `scheme-error`, as frictionless has it.
fn open_error(e: &Error) -> ReportError {
    match e {
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            ReportError::task(ErrorKind::SchemeError, e.to_string() + ": no such file")
        }
        other => error_for(other),
    }
}

/// Validates several lone files into one report.
pub fn validate_files(
    paths: &[PathBuf],
    options: &FileOptions,
    validate: &ValidateOptions,
    reporter: &dyn Reporter,
) -> Report {
    let started = Instant::now();
    let tasks = paths
        .iter()
        .map(|p| validate_file(p, options, validate, reporter))
        .collect();
    Report::from_tasks(tasks, Vec::new(), started.elapsed().as_secs_f64())
}

/// Validates the package whose descriptor is at `descriptor_path`.
pub fn validate_package_file(
    descriptor_path: &Path,
    validate: &ValidateOptions,
    reporter: &dyn Reporter,
) -> Report {
    let started = Instant::now();
    match datapackage::io::read_package(descriptor_path) {
        Ok(package) => {
            let base = descriptor_path.parent().unwrap_or(Path::new("."));
            let base = if base.as_os_str().is_empty() {
                Path::new(".")
            } else {
                base
            };
            let mut report = validate_package(&package, base, validate, reporter);
            report.stats.seconds = crate::report::round_seconds(started.elapsed().as_secs_f64());
            report
        }
        Err(e) => Report::from_tasks(
            Vec::new(),
            vec![ReportError::task(ErrorKind::PackageError, error_chain(&e))],
            started.elapsed().as_secs_f64(),
        ),
    }
}

/// Validates a package read from `base` (the descriptor's folder).
pub fn validate_package(
    package: &Package,
    base: &Path,
    validate: &ValidateOptions,
    reporter: &dyn Reporter,
) -> Report {
    let started = Instant::now();
    let problems = datapackage::validate::validate_package(package);
    if !problems.is_empty() {
        let errors = problems
            .into_iter()
            .map(|p| ReportError::task(ErrorKind::PackageError, p.to_string()))
            .collect();
        return Report::from_tasks(Vec::new(), errors, started.elapsed().as_secs_f64());
    }
    let tasks = package
        .resources
        .iter()
        .map(|resource| validate_resource(package, resource, base, validate, reporter))
        .collect();
    Report::from_tasks(tasks, Vec::new(), started.elapsed().as_secs_f64())
}

/// A resource's schema: inline, or read from the file it names.
fn resource_schema(resource: &Resource, base: &Path) -> Result<Option<Schema>, Error> {
    match &resource.schema {
        None => Ok(None),
        Some(datapackage::Inline::Inline(schema)) => Ok(Some(schema.clone())),
        Some(datapackage::Inline::Reference(path)) => {
            let local = datapackage::io::resolve_local_path(base, path)
                .map_err(|e| Error::source(e.to_string()))?;
            Ok(Some(datapackage::io::read_schema(&local)?))
        }
    }
}

/// How to read a resource's bytes, from its descriptor.
pub fn read_options(resource: &Resource) -> ReadOptions {
    let mut dialect = resource.dialect().cloned().unwrap_or_default();
    if resource.format.as_deref() == Some("tsv") && dialect.delimiter.is_none() {
        dialect.delimiter = Some("\t".into());
    }
    let (md5, sha256) = match resource.hash.as_deref().map(split_hash) {
        Some(("md5", _)) => (true, false),
        _ => (false, true),
    };
    ReadOptions {
        format: resource.format.as_deref().and_then(Format::from_name),
        encoding: resource.encoding.clone(),
        sheet: dialect
            .sheet_name
            .clone()
            .or_else(|| dialect.sheet_number.map(|n| n.to_string())),
        dialect,
        digests: Digests { md5, sha256 },
    }
}

/// A resource's rows, and the counts of its file's bytes (none for inline data).
struct ResourceRows {
    source: Box<dyn RowSource>,
    raw: Option<Arc<RawStats>>,
    size: Option<u64>,
    format: Format,
}

/// Opens a resource's rows: its inline data or its (single, local) file.
fn open_resource(resource: &Resource, base: &Path) -> Result<ResourceRows, Error> {
    if let Some(data) = &resource.data {
        return Ok(ResourceRows {
            source: Box::new(rows_from_json_value(data)?),
            raw: None,
            size: None,
            format: Format::Json,
        });
    }
    let paths = resource.paths();
    let path =
        match paths.as_slice() {
            [one] => *one,
            [] => return Err(Error::source("the resource has neither path nor data")),
            _ => return Err(Error::source(
                "resources split over several files are not supported yet; join them into one file",
            )),
        };
    if datapackage::is_url(path) {
        return Err(Error::source(format!(
            "{path} is a remote file: download it first (data validate reads local files)"
        )));
    }
    let local = datapackage::io::resolve_local_path(base, path)
        .map_err(|e| Error::source(e.to_string()))?;
    let opened = open_path(&local, &read_options(resource))?;
    Ok(ResourceRows {
        source: opened.source,
        raw: opened.raw,
        size: opened.size,
        format: opened.format,
    })
}

fn validate_resource(
    package: &Package,
    resource: &Resource,
    base: &Path,
    validate: &ValidateOptions,
    reporter: &dyn Reporter,
) -> Task {
    let place = resource
        .paths()
        .first()
        .map(|p| p.to_string())
        .unwrap_or_else(|| "<inline data>".into());
    let schema = match resource_schema(resource, base) {
        Ok(schema) => schema,
        Err(e) => return Task::failed(resource.name.clone(), place, error_for(&e)),
    };
    let foreign_keys = match foreign_key_checks(package, resource, schema.as_ref(), base) {
        Ok(checks) => checks,
        Err(e) => return Task::failed(resource.name.clone(), place, *e),
    };
    let ResourceRows {
        source,
        raw,
        size,
        format,
    } = match open_resource(resource, base) {
        Ok(opened) => opened,
        Err(e) => return Task::failed(resource.name.clone(), place, open_error(&e)),
    };
    let header = declared_header(resource);
    validate_table(
        Table {
            name: resource.name.clone(),
            place,
            source,
            schema,
            header,
            expected: Expected {
                bytes: resource.bytes,
                hash: resource.hash.clone(),
            },
            raw,
            foreign_keys,
            size,
        },
        &typed_if(validate, format),
        reporter,
    )
}

/// What the dialect says of the header: `Some(false)` none, `Some(true)`
/// the first row, `None` (nothing declared) found as frictionless finds it.
pub fn declared_header(resource: &Resource) -> Option<bool> {
    let dialect = resource.dialect()?;
    if let Some(rows) = &dialect.header_rows {
        // A header below row 1 (a title above it): found by detection.
        return match rows.as_slice() {
            [] => Some(false),
            [1] => Some(true),
            _ => None,
        };
    }
    if dialect.header.is_some() {
        Some(dialect.has_header())
    } else {
        None
    }
}

/// Resolves each foreign key of `resource` to the set of values it must be
/// found in, reading the referenced resource (or the resource itself).
fn foreign_key_checks(
    package: &Package,
    resource: &Resource,
    schema: Option<&Schema>,
    base: &Path,
) -> Result<Vec<ForeignKeyCheck>, Box<ReportError>> {
    let Some(schema) = schema else {
        return Ok(Vec::new());
    };
    let mut checks = Vec::new();
    for fk in &schema.foreign_keys {
        let target_name = fk
            .reference
            .resource
            .clone()
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| resource.name.clone());
        let Some(target) = package.resource(&target_name) else {
            return Err(Box::new(ReportError::task(
                ErrorKind::ResourceError,
                format!(
                    "failed to handle a foreign key for resource \"{}\" as resource \"{}\" does not exist",
                    resource.name, target_name
                ),
            )));
        };
        let lookup = build_lookup(target, &fk.reference.fields.names, base).map_err(|e| {
            Box::new(ReportError::task(
                ErrorKind::ResourceError,
                format!(
                    "failed to read the foreign key's resource \"{target_name}\": {}",
                    error_chain(&e)
                ),
            ))
        })?;
        checks.push(ForeignKeyCheck {
            fields: fk.fields.names.clone(),
            lookup: Arc::new(Lookup {
                resource: fk.reference.resource.clone().unwrap_or_default(),
                ..lookup
            }),
        });
    }
    Ok(checks)
}

/// The values of `fields` in every row of `resource`, cast by its schema.
fn build_lookup(resource: &Resource, fields: &[String], base: &Path) -> Result<Lookup, Error> {
    let schema = resource_schema(resource, base)?.unwrap_or_default();
    let mut source = open_resource(resource, base)?.source;
    let header = declared_header(resource);
    let head = read_head(source.as_mut(), header, 0)?;
    let missing = schema.missing_values();
    let mut columns = Vec::new();
    for name in fields {
        // Fields pair with columns by position, as in validation; the
        // labels name the columns only of a table without a schema.
        let index = match schema.field_index(name) {
            Some(i) => Some(i),
            None if schema.fields.is_empty() => head.labels.iter().position(|l| l == name),
            None => None,
        };
        let field = schema
            .fields
            .iter()
            .find(|f| &f.name == name)
            .cloned()
            .unwrap_or_else(|| {
                datapackage::Field::new(name.clone(), datapackage::FieldType::String)
            });
        let caster =
            FieldCaster::new(&field, &missing).map_err(|e| Error::source(e.to_string()))?;
        match index {
            Some(i) => columns.push((i, caster)),
            None => {
                return Err(Error::source(format!(
                    "the referenced field \"{name}\" is not in resource \"{}\"",
                    resource.name
                )))
            }
        }
    }
    let mut keys = HashSet::new();
    let mut add = |record: &ByteRecord| {
        let mut key = Vec::with_capacity(columns.len());
        for (i, caster) in &columns {
            let cell = record
                .get(*i)
                .and_then(|c| std::str::from_utf8(c).ok())
                .unwrap_or("");
            // A cell that does not cast is a missing part (frictionless keeps
            // the row with a None there).
            match caster.cast(cell) {
                Ok(v) if !v.is_nan() => key.push(v.key()),
                _ => key.push(ValueKey::Null),
            }
        }
        if key.iter().any(|k| *k != ValueKey::Null) {
            keys.insert(key);
        }
    };
    for record in head.data_rows() {
        add(record);
    }
    let mut record = ByteRecord::new();
    while source.read_row(&mut record)? {
        add(&record);
    }
    Ok(Lookup {
        resource: resource.name.clone(),
        fields: fields.to_vec(),
        keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_names_are_slugified_stems() {
        assert_eq!(task_name(Path::new("dir/My File-1.v2.csv")), "my-file-1.v2");
        assert_eq!(task_name(Path::new("a.csv.gz")), "a");
        assert_eq!(task_name(Path::new("data")), "data");
    }
}
