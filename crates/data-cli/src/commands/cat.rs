//! `data cat PATH|OWNER/NAME/RESOURCE [--format csv|json|ndjson]`: print a
//! table, read by the engine (format, encoding and dialect detected, or as
//! the resource declares them).
//!
//! Also the table reading and remote fetching that `data info --rows` and
//! `data diff` share: [`TableRows`] and [`RemoteRevision`].

use std::collections::VecDeque;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use ::validate::detect::Format;
use ::validate::header::{field_names_from_labels, find_header_row, HEADER_SAMPLE_ROWS};
use ::validate::source::raw::Digests;
use ::validate::source::RowSource;
use ::validate::ReadOptions;
use anyhow::{bail, Context, Result};
use csv::ByteRecord;
use datapackage::{FieldCaster, Inline, Package, Resource, Schema};
use serde_json::{Map, Value};

use crate::cache::{Cache, Manifest};
use crate::cli::{CatArgs, CatFormat};
use crate::client::Client;
use crate::commands::get::{self, Spec};
use crate::commands::publish::LocalPackage;
use crate::commands::Status;
use crate::printer::Printer;
use crate::settings::{DpmHome, Remote};

pub fn run(
    args: &CatArgs,
    registry: Option<&str>,
    printer: &Printer,
    no_progress: bool,
) -> Result<Status> {
    let table = match Target::parse(&args.target)? {
        Target::Local(path) => open_local(
            &path,
            args.resource.as_deref(),
            args.sheet.clone(),
            args.format != CatFormat::Csv,
            no_progress,
        )?,
        Target::Remote { spec, resource } => {
            let resource = resource.or_else(|| args.resource.clone());
            let remote = RemoteRevision::fetch(&spec, registry, printer, no_progress)?;
            let resource = remote.pick(resource.as_deref())?;
            remote.open(resource)?
        }
    };
    let out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match args.format {
        CatFormat::Csv => write_csv(table, out)?,
        CatFormat::Json => write_json(table, out, false)?,
        CatFormat::Ndjson => write_json(table, out, true)?,
    }
    Ok(Status::Success)
}

/// What `data cat` and `data info` were pointed at.
pub enum Target {
    Local(PathBuf),
    /// OWNER/NAME[@SEL][/RESOURCE[@SEL]].
    Remote {
        spec: Spec,
        resource: Option<String>,
    },
}

impl Target {
    /// A path that exists is local; otherwise OWNER/NAME[@SEL][/RESOURCE].
    pub fn parse(target: &str) -> Result<Target> {
        if Path::new(target).exists() {
            return Ok(Target::Local(PathBuf::from(target)));
        }
        let segments: Vec<&str> = target.split('/').collect();
        let looks_remote = (2..=3).contains(&segments.len())
            && !target.starts_with('.')
            && segments.iter().all(|s| !s.is_empty() && !s.contains('\\'));
        if !looks_remote {
            bail!(
                "{target}: no such file or folder (a package on the registry is OWNER/NAME, a table there OWNER/NAME/RESOURCE)"
            );
        }
        let (spec, resource) = match segments.as_slice() {
            [owner, name] => (format!("{owner}/{name}"), None),
            [owner, name, resource] => {
                // The selector may follow the name or the resource.
                let (resource, at) = match resource.split_once('@') {
                    Some((r, at)) => (r, Some(at)),
                    None => (*resource, None),
                };
                let spec = match at {
                    Some(_) if name.contains('@') => {
                        bail!("{target}: give @TAG or @REV once, after NAME or after RESOURCE")
                    }
                    Some(at) => format!("{owner}/{name}@{at}"),
                    None => format!("{owner}/{name}"),
                };
                (spec, Some(resource.to_string()))
            }
            _ => unreachable!("two or three segments"),
        };
        let spec = Spec::parse(&spec).with_context(|| {
            format!("{target} is neither a local path nor OWNER/NAME[@TAG|@REV][/RESOURCE]")
        })?;
        Ok(Target::Remote { spec, resource })
    }
}

/// A local data file, or a resource of a local package. A data file has
/// no schema: for JSON its types are inferred first (one more read), so
/// numbers come out as numbers.
fn open_local(
    path: &Path,
    resource: Option<&str>,
    sheet: Option<String>,
    typed: bool,
    no_progress: bool,
) -> Result<TableRows> {
    if let Some(local) = LocalPackageRef::open(path)? {
        let resource = pick(
            &local.package.package,
            resource,
            &path.display().to_string(),
        )?;
        return TableRows::open_resource(resource, &local.package.dir, None);
    }
    if resource.is_some() {
        bail!(
            "--resource names a resource of a data package, and {} is a data file: drop --resource",
            path.display()
        );
    }
    let schema = if typed {
        let read = ReadOptions {
            sheet: sheet.clone(),
            ..ReadOptions::default()
        };
        let described = ::validate::describe_path(
            path,
            &read,
            &::validate::InferOptions::strict(None),
            crate::commands::threads(None),
            &crate::progress::Bars::new(no_progress),
        )
        .with_context(|| format!("failed to read {}", path.display()))?;
        described.resource.schema().cloned()
    } else {
        None
    };
    TableRows::open_file(path, sheet, schema)
}

/// A local package: a folder with a descriptor, or a descriptor file.
pub struct LocalPackageRef {
    pub package: LocalPackage,
}

impl LocalPackageRef {
    /// The package at `path`, or `None` when `path` is a data file.
    pub fn open(path: &Path) -> Result<Option<LocalPackageRef>> {
        if path.is_dir() {
            return Ok(Some(LocalPackageRef {
                package: LocalPackage::open(path)?,
            }));
        }
        if is_descriptor_name(path) {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let package = LocalPackage::open(&dir)?;
            if package.descriptor_path.file_name() != path.file_name() {
                bail!(
                    "{} has both {} and {}: keep one descriptor",
                    dir.display(),
                    package.descriptor_path.display(),
                    path.display()
                );
            }
            return Ok(Some(LocalPackageRef { package }));
        }
        Ok(None)
    }
}

/// `datapackage.json`, `datapackage.yaml`, `datapackage.yml`.
pub fn is_descriptor_name(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        matches!(
            n,
            "datapackage.json" | "datapackage.yaml" | "datapackage.yml"
        )
    })
}

/// The named resource, or the only one.
fn pick<'a>(package: &'a Package, name: Option<&str>, what: &str) -> Result<&'a Resource> {
    let names = || {
        package
            .resources
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match name {
        Some(name) => package.resource(name).with_context(|| {
            format!("{what} has no resource {name:?}; its resources: {}", names())
        }),
        None => match package.resources.as_slice() {
            [one] => Ok(one),
            [] => bail!("{what} has no resources"),
            _ => bail!(
                "{what} has {} resources: choose one with --resource NAME (or OWNER/NAME/RESOURCE): {}",
                package.resources.len(),
                names()
            ),
        },
    }
}

/// A package revision from the registry, its files in the local cache.
pub struct RemoteRevision {
    pub spec: Spec,
    pub manifest: Manifest,
    pub package: Package,
    cache: Cache,
}

impl RemoteRevision {
    /// Fetches the revision into the cache, as `data get` does (a warm
    /// cache costs one 304), without writing a folder.
    pub fn fetch(
        spec: &Spec,
        registry: Option<&str>,
        printer: &Printer,
        no_progress: bool,
    ) -> Result<RemoteRevision> {
        let home = DpmHome::locate()?;
        let remote = Remote::resolve(&home, registry)?;
        remote.note_token_problem(printer);
        let client = Client::new(&remote.registry, remote.token.clone())?;
        let cache = Cache::open(&home.cache_dir())?;
        let fetched = get::fetch(
            &client,
            &cache,
            &remote.registry,
            spec,
            printer,
            no_progress,
        )?;
        let package = datapackage::io::descriptor_from_value::<Package>(
            &serde_json::from_str(&fetched.manifest.descriptor)
                .context("the registry sent a descriptor that is not JSON")?,
        )
        .with_context(|| {
            format!(
                "{}/{} revision {} is not a data package",
                spec.owner, spec.name, fetched.manifest.revision
            )
        })?;
        Ok(RemoteRevision {
            spec: spec.clone(),
            manifest: fetched.manifest,
            package,
            cache,
        })
    }

    pub fn label(&self) -> String {
        format!(
            "{}/{} revision {}",
            self.spec.owner, self.spec.name, self.manifest.revision
        )
    }

    pub fn pick(&self, name: Option<&str>) -> Result<&Resource> {
        pick(&self.package, name, &self.label())
    }

    /// The cached file behind a path of the descriptor.
    fn blob(&self, path: &str) -> Result<(PathBuf, &str)> {
        let file = self
            .manifest
            .files
            .iter()
            .find(|f| f.path == path)
            .with_context(|| format!("{} has no file {path:?}", self.label()))?;
        Ok((self.cache.blob_path(&file.sha256)?, &file.sha256))
    }

    /// The SHA-256 of the resource's file, when it has one file here.
    pub fn sha256(&self, resource: &Resource) -> Option<String> {
        match resource.paths().as_slice() {
            [one] => self.blob(one).ok().map(|(_, sha)| sha.to_string()),
            _ => None,
        }
    }

    /// The resource's rows, read from the cache.
    pub fn open(&self, resource: &Resource) -> Result<TableRows> {
        let schema = match &resource.schema {
            Some(Inline::Reference(path)) => {
                let (blob, _) = self.blob(path)?;
                let text = std::fs::read_to_string(&blob)
                    .with_context(|| format!("failed to read the schema {path}"))?;
                Some(
                    datapackage::io::schema_from_str(
                        &text,
                        datapackage::io::DescriptorFormat::sniff(&text),
                    )
                    .with_context(|| format!("{path} is not a Table Schema"))?,
                )
            }
            _ => None,
        };
        if resource.data.is_some() {
            return TableRows::open_resource_with(resource, None, schema);
        }
        let path = single_path(resource)?;
        if datapackage::is_url(path) {
            bail!(
                "resource {:?} is a URL outside the registry ({path}): read it from there",
                resource.name
            );
        }
        let (blob, _) = self.blob(path)?;
        let mut read = resource_read_options(resource, path);
        read.digests = Digests::default();
        TableRows::open_resource_with(resource, Some((&blob, read)), schema)
    }
}

fn single_path(resource: &Resource) -> Result<&str> {
    match resource.paths().as_slice() {
        [one] => Ok(one),
        [] => bail!("resource {:?} has neither path nor data", resource.name),
        _ => bail!(
            "resource {:?} is split over several files, which cannot be read as one table yet",
            resource.name
        ),
    }
}

/// How to read a resource's file: as its descriptor says, with the format
/// taken from the path's extension when it declares none (a cached blob
/// has no extension to detect it from).
fn resource_read_options(resource: &Resource, path: &str) -> ReadOptions {
    let mut read = ::validate::package::read_options(resource);
    if read.format.is_none() {
        let name = path.strip_suffix(".gz").unwrap_or(path);
        read.format = name
            .rsplit_once('.')
            .and_then(|(_, ext)| Format::from_name(ext));
    }
    read
}

/// A table opened for reading: field names, then rows of text cells.
pub struct TableRows {
    pub names: Vec<String>,
    /// A caster per field, where the table has a schema.
    casters: Vec<Option<FieldCaster>>,
    source: Box<dyn RowSource>,
    /// Data rows read ahead while looking for the header.
    ahead: VecDeque<ByteRecord>,
}

impl TableRows {
    /// A data file, as the engine detects it; without a schema cells stay text.
    pub fn open_file(
        path: &Path,
        sheet: Option<String>,
        schema: Option<Schema>,
    ) -> Result<TableRows> {
        let read = ReadOptions {
            sheet,
            ..ReadOptions::default()
        };
        let opened = ::validate::open_path(path, &read)
            .with_context(|| format!("failed to read {}", path.display()))?;
        for notice in &opened.notices {
            note(notice);
        }
        TableRows::from_source(opened.source, None, schema.as_ref())
            .with_context(|| format!("failed to read {}", path.display()))
    }

    /// A resource of a local package in `base`.
    pub fn open_resource(
        resource: &Resource,
        base: &Path,
        schema: Option<Schema>,
    ) -> Result<TableRows> {
        if resource.data.is_some() {
            return TableRows::open_resource_with(resource, None, schema);
        }
        let path = single_path(resource)?;
        if datapackage::is_url(path) {
            bail!(
                "resource {:?} is a remote file ({path}): download it first",
                resource.name
            );
        }
        let local = datapackage::io::resolve_local_path(base, path)
            .map_err(|e| anyhow::anyhow!("{path}: {}", e.message))?;
        let schema = match (schema, &resource.schema) {
            (Some(schema), _) => Some(schema),
            (None, Some(Inline::Reference(p))) => {
                let file = datapackage::io::resolve_local_path(base, p)
                    .map_err(|e| anyhow::anyhow!("{p}: {}", e.message))?;
                Some(datapackage::io::read_schema(&file)?)
            }
            _ => None,
        };
        let mut read = resource_read_options(resource, path);
        read.digests = Digests::default();
        TableRows::open_resource_with(resource, Some((&local, read)), schema)
    }

    /// A resource's rows from `file` (or its inline data), with its schema
    /// (the inline one unless `schema` is given).
    fn open_resource_with(
        resource: &Resource,
        file: Option<(&Path, ReadOptions)>,
        schema: Option<Schema>,
    ) -> Result<TableRows> {
        let what = format!("resource {:?}", resource.name);
        let source: Box<dyn RowSource> = match (file, &resource.data) {
            (Some((path, read)), _) => {
                let opened = ::validate::open_path(path, &read)
                    .with_context(|| format!("failed to read {what}"))?;
                opened.source
            }
            (None, Some(data)) => Box::new(
                ::validate::source::json::rows_from_json_value(data)
                    .with_context(|| format!("failed to read the inline data of {what}"))?,
            ),
            (None, None) => bail!("{what} has neither path nor data"),
        };
        let schema = schema.or_else(|| resource.schema().cloned());
        let header = ::validate::package::declared_header(resource);
        TableRows::from_source(source, header, schema.as_ref())
            .with_context(|| format!("failed to read {what}"))
    }

    fn from_source(
        mut source: Box<dyn RowSource>,
        header: Option<bool>,
        schema: Option<&Schema>,
    ) -> Result<TableRows> {
        let mut ahead = VecDeque::new();
        while ahead.len() < HEADER_SAMPLE_ROWS {
            let mut record = ByteRecord::new();
            if !source.read_row(&mut record)? {
                break;
            }
            ahead.push_back(record);
        }
        let header_index = match header {
            Some(false) => None,
            _ if ahead.is_empty() => None,
            Some(true) => Some(0),
            None => Some(find_header_row(ahead.make_contiguous())),
        };
        let width = ahead.iter().map(ByteRecord::len).max().unwrap_or(0);
        let labels: Vec<String> = match header_index {
            Some(i) => {
                let labels = ahead[i]
                    .iter()
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .collect();
                ahead.drain(..=i);
                labels
            }
            None => Vec::new(),
        };
        let from_labels = field_names_from_labels(&labels, width);
        let fields = schema.map(|s| s.fields.as_slice()).unwrap_or_default();
        let names: Vec<String> = (0..from_labels.len().max(fields.len()))
            .map(|i| match fields.get(i) {
                Some(field) => field.name.clone(),
                None => from_labels[i].clone(),
            })
            .collect();
        let missing = schema.map(Schema::missing_values).unwrap_or_default();
        let casters = fields
            .iter()
            .map(|f| FieldCaster::new(f, &missing).ok())
            .collect();
        Ok(TableRows {
            names,
            casters,
            source,
            ahead,
        })
    }

    /// Reads the next data row into `record`; false at the end.
    pub fn next_row(&mut self, record: &mut ByteRecord) -> Result<bool> {
        if let Some(row) = self.ahead.pop_front() {
            *record = row;
            return Ok(true);
        }
        Ok(self.source.read_row(record)?)
    }

    /// Counts the data rows that are left.
    pub fn count(mut self) -> Result<u64> {
        let mut record = ByteRecord::new();
        let mut n = 0;
        while self.next_row(&mut record)? {
            n += 1;
        }
        Ok(n)
    }

    /// A cell as JSON: typed by the schema where it casts, text otherwise.
    fn cell_json(&self, i: usize, cell: &[u8]) -> Value {
        let text = String::from_utf8_lossy(cell);
        match self.casters.get(i).and_then(Option::as_ref) {
            Some(caster) => match caster.cast(&text) {
                Ok(value) => value.to_json(),
                Err(_) => Value::String(text.into_owned()),
            },
            None => Value::String(text.into_owned()),
        }
    }
}

/// RFC 4180 (LF line ends), the header first.
fn write_csv(mut table: TableRows, out: impl Write) -> Result<()> {
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(out);
    writer.write_record(&table.names).map_err(csv_error)?;
    let mut record = ByteRecord::new();
    while table.next_row(&mut record)? {
        writer.write_byte_record(&record).map_err(csv_error)?;
    }
    writer.flush()?;
    Ok(())
}

/// An array of objects keyed by field name, or one object per line.
fn write_json(mut table: TableRows, mut out: impl Write, lines: bool) -> Result<()> {
    let mut record = ByteRecord::new();
    let mut first = true;
    if !lines {
        out.write_all(b"[")?;
    }
    while table.next_row(&mut record)? {
        let mut object = Map::with_capacity(table.names.len());
        for (i, name) in table.names.iter().enumerate() {
            let value = record
                .get(i)
                .map_or(Value::Null, |cell| table.cell_json(i, cell));
            object.insert(name.clone(), value);
        }
        if lines {
            // As an I/O error, so that a closed pipe is seen as one.
            serde_json::to_writer(&mut out, &object).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
        } else {
            out.write_all(if first { b"\n  " } else { b",\n  " })?;
            // As an I/O error, so that a closed pipe is seen as one.
            serde_json::to_writer(&mut out, &object).map_err(io::Error::from)?;
        }
        first = false;
    }
    if !lines {
        out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
    }
    out.flush()?;
    Ok(())
}

/// A CSV writer's error, with an I/O error kept as one (a closed pipe is
/// not a failure).
fn csv_error(e: csv::Error) -> anyhow::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io.into(),
        other => anyhow::anyhow!("failed to write CSV: {other:?}"),
    }
}

#[allow(clippy::print_stderr)]
fn note(notice: &str) {
    eprintln!("note: {notice}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_local_paths_or_registry_names() {
        match Target::parse("alice/gdp/annual@2").unwrap() {
            Target::Remote { spec, resource } => {
                assert_eq!(spec.owner, "alice");
                assert_eq!(spec.name, "gdp");
                assert_eq!(spec.selector, crate::client::Selector::Revision(2));
                assert_eq!(resource.as_deref(), Some("annual"));
            }
            Target::Local(_) => panic!("local"),
        }
        match Target::parse("alice/gdp@v1/annual").unwrap() {
            Target::Remote { spec, resource } => {
                assert_eq!(spec.selector, crate::client::Selector::Tag("v1".into()));
                assert_eq!(resource.as_deref(), Some("annual"));
            }
            Target::Local(_) => panic!("local"),
        }
        assert!(Target::parse("alice/gdp@1/annual@2").is_err());
        assert!(Target::parse("missing.csv").is_err());
        assert!(Target::parse("./a/b").is_err());
        assert!(Target::parse("a/b/c/d").is_err());
    }
}
