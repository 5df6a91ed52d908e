//! Describing a data file as a Data Resource: format, encoding, dialect,
//! sheet and an inferred Table Schema (what `data infer` prints).

use std::ops::ControlFlow;
use std::path::Path;

use datapackage::{Dialect, Inline, Resource, Schema};

use crate::detect::{Compression, DetectedEncoding, Format};
use crate::error::Error;
use crate::header::read_head;
use crate::infer::{infer_schema, InferOptions, InferRule, StrictState};
use crate::package::task_name;
use crate::pipeline::{self, Batch};
use crate::report::Task;
use crate::reporter::Reporter;
use crate::source::raw::Digests;
use crate::table::{open_path, OpenTable, ReadOptions};
use crate::validator::{validate_table_observing, Expected, Table, ValidateOptions};

/// A described file: the resource descriptor and what goes with it.
#[derive(Debug, Clone)]
pub struct Described {
    pub resource: Resource,
    /// An example value per field (the first non-missing one).
    pub examples: Vec<Option<String>>,
    /// Data rows looked at.
    pub rows: u64,
    /// Things the user should know (see [`crate::table::OpenTable::notices`]).
    pub notices: Vec<String>,
}

/// Describes the file at `path`, inferring its schema by `options`.
pub fn describe_path(
    path: &Path,
    read: &ReadOptions,
    options: &InferOptions,
    threads: usize,
    reporter: &dyn Reporter,
) -> Result<Described, Error> {
    let mut opened = open_path(path, read)?;
    reporter.start(&path.display().to_string(), opened.size);
    let head = read_head(opened.source.as_mut(), read.dialect.header, 0)?;
    if head.rows.is_empty() {
        return Err(Error::source(
            "the source is empty: there is nothing to infer a schema from",
        ));
    }
    let names = head.field_names();
    let header_index = head.header_index;
    let missing = options.missing_values.clone();

    let (schema, examples, rows) = match options.rule {
        InferRule::Frictionless => {
            let schema = infer_schema(&names, head.data_rows().iter(), options);
            let rows = head.data_rows().len() as u64;
            (schema, vec![None; names.len()], rows)
        }
        InferRule::Strict => {
            let first = head.first_data_row();
            let mut replay = head.into_replay(opened.source.as_mut());
            let template = StrictState::new(names.len(), &missing);
            let mut total = template.fresh();
            let limit = options.sample_rows.map(|n| n as u64);
            let mut seen = 0u64;
            let raw = opened.raw.clone();
            let outcome = pipeline::run(
                &mut replay,
                first,
                threads,
                |batch: &Batch| {
                    let mut state = template.fresh();
                    for (_, row) in batch.iter() {
                        state.observe(row);
                    }
                    state
                },
                |batch, state| {
                    if let Some(limit) = limit {
                        if seen + batch.len as u64 > limit {
                            // Only the rows up to the limit count.
                            let keep = (limit - seen) as usize;
                            let mut partial = template.fresh();
                            for (_, row) in batch.iter().take(keep) {
                                partial.observe(row);
                            }
                            total.merge(&partial);
                            seen = limit;
                            return ControlFlow::Break(());
                        }
                    }
                    total.merge(&state);
                    seen += batch.len as u64;
                    if let Some(raw) = &raw {
                        reporter.progress(raw.bytes());
                    }
                    if limit == Some(seen) {
                        return ControlFlow::Break(());
                    }
                    ControlFlow::Continue(())
                },
            );
            if let Some(e) = outcome.error {
                return Err(e);
            }
            let mut schema = Schema::new(total.fields(&names));
            if missing != [String::new()] {
                schema.missing_values = Some(missing.clone());
            }
            (schema, total.examples(), seen)
        }
    };
    reporter.finish(&path.display().to_string());
    let found = Found::of(&opened);
    Ok(Described {
        resource: found.resource(path, header_index, schema),
        examples,
        rows,
        notices: opened.notices,
    })
}

/// Describes the file at `path` and validates it in the same read: the
/// schema is inferred strictly from every row (`missing` marks the missing
/// values) while the rows are checked.
///
/// The description is `None` when the read stopped early (a bad byte, the
/// error limit): the task says why.
pub fn describe_and_validate(
    path: &Path,
    read: &ReadOptions,
    missing: &[String],
    validate: &ValidateOptions,
    reporter: &dyn Reporter,
) -> Result<(Option<Described>, Task), Error> {
    let mut read = read.clone();
    read.digests = Digests {
        md5: false,
        sha256: true,
    };
    let opened = open_path(path, &read)?;
    let found = Found::of(&opened);
    let notices = opened.notices.clone();
    let table = Table {
        name: task_name(path),
        place: path.display().to_string(),
        source: opened.source,
        schema: None,
        header: read.dialect.header,
        expected: Expected::default(),
        raw: opened.raw,
        foreign_keys: Vec::new(),
        size: opened.size,
    };
    let (mut task, observed) = validate_table_observing(table, validate, reporter, Some(missing));
    task.warnings.splice(0..0, notices.iter().cloned());
    task.stats.warnings = task.warnings.len();
    let described = observed.map(|observed| {
        let mut schema = Schema::new(observed.state.fields(&observed.names));
        if missing != [String::new()] {
            schema.missing_values = Some(missing.to_vec());
        }
        Described {
            resource: found.resource(path, observed.header_index, schema),
            examples: observed.state.examples(),
            rows: task.stats.rows.unwrap_or(0),
            notices,
        }
    });
    Ok((described, task))
}

/// What opening a file found out, for its descriptor.
struct Found {
    format: Format,
    compression: Option<Compression>,
    encoding: Option<DetectedEncoding>,
    dialect: Dialect,
    sheet: Option<String>,
}

impl Found {
    fn of(opened: &OpenTable) -> Found {
        Found {
            format: opened.format,
            compression: opened.compression,
            encoding: opened.encoding,
            dialect: opened.dialect.clone(),
            sheet: opened.sheet.clone(),
        }
    }

    /// The resource descriptor of the file at `path`.
    fn resource(&self, path: &Path, header_index: Option<usize>, schema: Schema) -> Resource {
        let mut resource = Resource {
            name: task_name(path),
            path: Some(datapackage::ResourcePath::One(
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            )),
            format: Some(self.format.as_str().to_string()),
            mediatype: Some(self.format.media_type().to_string()),
            ..Resource::default()
        };
        if let Some(compression) = self.compression {
            resource
                .extra
                .insert("compression".into(), compression.as_str().into());
        }
        if let Some(encoding) = &self.encoding {
            let name = encoding.descriptor_name();
            if name != "utf-8" {
                resource.encoding = Some(name);
            }
        }
        let mut dialect = self.dialect.clone();
        if let Some(sheet) = &self.sheet {
            dialect.sheet_name = Some(sheet.clone());
        }
        if header_index.is_none() {
            dialect.header = Some(false);
        } else if header_index != Some(0) {
            dialect.header_rows = header_index.map(|i| vec![i + 1]);
        }
        if !dialect.is_empty() {
            resource.dialect = Some(Inline::Inline(dialect));
        }
        resource.schema = Some(Inline::Inline(schema));
        resource
    }
}
