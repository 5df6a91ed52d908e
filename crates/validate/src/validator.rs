//! Validating one table: labels against the schema, every row's cells
//! against their fields, unique, primary and foreign keys, and the file's
//! size and hash, with frictionless-py's error types and numbering.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Instant;

use csv::ByteRecord;
use datapackage::{Field, FieldCaster, FieldType, Schema, Value, ValueKey};

use crate::error::Error;
use crate::header::{read_head, HEADER_SAMPLE_ROWS};
use crate::infer::{infer_schema, InferOptions, StrictState};
use crate::labels::{check_labels, expected_schema};
use crate::pipeline::{self, Batch};
use crate::report::{Cells, ErrorKind, ForeignKeyDetail, ReportError, Task};
use crate::reporter::Reporter;
use crate::source::raw::RawStats;
use crate::source::RowSource;

/// frictionless-py's default error limit per table.
pub const DEFAULT_LIMIT_ERRORS: usize = 1000;

#[derive(Debug, Clone)]
pub struct ValidateOptions {
    /// Stop a table after this many errors (`None`: never).
    pub limit_errors: Option<usize>,
    /// Worker threads (the reader runs beside them).
    pub threads: usize,
    /// How a table without a schema gets one.
    pub infer: InferOptions,
}

impl Default for ValidateOptions {
    fn default() -> ValidateOptions {
        ValidateOptions {
            limit_errors: Some(DEFAULT_LIMIT_ERRORS),
            threads: pipeline::default_threads(),
            infer: InferOptions::default(),
        }
    }
}

/// The values of a foreign key's reference fields, collected from the
/// referenced table, that the referencing rows must be found in.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    pub resource: String,
    pub fields: Vec<String>,
    pub keys: HashSet<Vec<ValueKey>>,
}

/// A foreign key of the table, resolved to its lookup.
#[derive(Debug, Clone)]
pub struct ForeignKeyCheck {
    pub fields: Vec<String>,
    pub lookup: Arc<Lookup>,
}

/// What the table's descriptor says of the file itself.
#[derive(Debug, Clone, Default)]
pub struct Expected {
    pub bytes: Option<u64>,
    /// `md5:...`, `sha256:...` or a bare MD5 digest.
    pub hash: Option<String>,
}

/// A table ready to validate.
pub struct Table<'a> {
    pub name: String,
    /// Where it is, as the report shows it (a path or URL).
    pub place: String,
    pub source: Box<dyn RowSource + 'a>,
    pub schema: Option<Schema>,
    /// `Some(false)`: no header row; `Some(true)`: the first row; `None`:
    /// find it as frictionless does.
    pub header: Option<bool>,
    pub expected: Expected,
    pub raw: Option<Arc<RawStats>>,
    pub foreign_keys: Vec<ForeignKeyCheck>,
    /// Size of the file, for progress.
    pub size: Option<u64>,
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn cells_of(record: &ByteRecord) -> Cells {
    record.iter().map(lossy).collect()
}

/// A row's cells as the report shows them, made on the row's first error
/// and shared by the others.
struct RowCells<'r> {
    record: &'r ByteRecord,
    cells: Option<Cells>,
}

impl RowCells<'_> {
    fn get(&mut self) -> Cells {
        self.cells
            .get_or_insert_with(|| cells_of(self.record))
            .clone()
    }
}

/// Validates one table.
pub fn validate_table(
    table: Table<'_>,
    options: &ValidateOptions,
    reporter: &dyn Reporter,
) -> Task {
    validate_table_observing(table, options, reporter, None).0
}

/// Strict inference done in the same read as validation (`data push` of a
/// new file): every data row seen, so the types fit every value.
pub struct Observed {
    pub state: StrictState,
    /// The field names from the header (or `field1`... without one).
    pub names: Vec<String>,
    /// Which row held the header (`None`: no header row).
    pub header_index: Option<usize>,
}

/// Validates one table and, given the missing values to infer with,
/// infers its schema strictly from the same rows.
///
/// A table without a schema is then checked as a table of `any` fields:
/// its labels, row shapes, blank rows and encoding. That is everything a
/// check against the strictly inferred schema could find, since that
/// schema's types fit every value by construction. The inference is
/// returned only when every row was read (no error limit, no bad byte).
pub fn validate_table_observing(
    mut table: Table<'_>,
    options: &ValidateOptions,
    reporter: &dyn Reporter,
    observe: Option<&[String]>,
) -> (Task, Option<Observed>) {
    let started = Instant::now();
    let mut task = Task::new(table.name.clone(), table.place.clone());
    reporter.start(&table.name, table.size);
    // Whether the table was read to its end (not cut short by the error
    // limit, a bad byte or a read error).
    let (complete, observed) =
        match validate_into(&mut table, options, reporter, &mut task, observe) {
            Ok(done) => done,
            Err(e) => {
                task.push_error(error_for(&e));
                (false, None)
            }
        };
    let observed = observed.filter(|_| complete);
    if let Some(raw) = table.raw.as_ref() {
        task.stats.bytes = nonzero(raw.bytes());
        if let Some((md5, sha256)) = raw.digests() {
            task.stats.md5 = md5;
            task.stats.sha256 = sha256;
        }
    }
    // A table cut short skips the end-of-file checks: its hash and size
    // were not seen whole (frictionless compares a partial count instead).
    if complete {
        check_file(&table.expected, &mut task);
    }
    task.stats.seconds = crate::report::round_seconds(started.elapsed().as_secs_f64());
    task.finish();
    reporter.finish(&table.name);
    (task, observed)
}

/// The report error for a table that could not be read.
pub fn error_for(e: &Error) -> ReportError {
    match e {
        Error::Encoding { message } => ReportError::task(ErrorKind::EncodingError, message.clone()),
        Error::Format { message } => ReportError::task(ErrorKind::FormatError, message.clone()),
        Error::Descriptor(d) => ReportError::task(ErrorKind::SchemaError, d.to_string()),
        other => ReportError::task(ErrorKind::SourceError, error_chain(other)),
    }
}

/// An error and its causes, on one line.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// Hash and size against what the descriptor declares.
fn check_file(expected: &Expected, task: &mut Task) {
    // Hash first, then size, in frictionless's order.
    if let Some(hash) = &expected.hash {
        let (algorithm, want) = split_hash(hash);
        let got = match algorithm {
            "md5" => task.stats.md5.clone(),
            "sha256" => task.stats.sha256.clone(),
            _ => {
                task.warnings.push(format!(
                    "hash is ignored; supported algorithms: md5/sha256 (not \"{algorithm}\")"
                ));
                None
            }
        };
        if let Some(got) = got {
            if !got.eq_ignore_ascii_case(want) {
                task.push_error(ReportError::task(
                    ErrorKind::HashCount,
                    format!("expected is \"{want}\" and actual is \"{got}\""),
                ));
            }
        }
    }
    if let (Some(want), Some(got)) = (expected.bytes, task.stats.bytes) {
        if want != got {
            task.push_error(ReportError::task(
                ErrorKind::ByteCount,
                format!("expected is \"{want}\" and actual is \"{got}\""),
            ));
        }
    }
}

/// `("md5", digest)` for a bare digest, as the v1 spec reads one.
pub fn split_hash(hash: &str) -> (&str, &str) {
    match hash.split_once(':') {
        Some((algorithm, digest)) => (algorithm, digest),
        None => ("md5", hash),
    }
}

/// Per-field work for a row, compiled once per table.
#[derive(Clone)]
struct Compiled {
    casters: Vec<FieldCaster>,
    names: Vec<String>,
    /// Field indexes with `unique: true`.
    unique: Vec<usize>,
    /// Field indexes of the primary key.
    primary_key: Vec<usize>,
    foreign: Vec<(Vec<usize>, Arc<Lookup>)>,
    /// Strict inference to run over each batch too (an empty state).
    observer: Option<StrictState>,
}

impl Compiled {
    fn needs_keys(&self) -> bool {
        !self.unique.is_empty() || !self.primary_key.is_empty()
    }

    fn key_width(&self) -> usize {
        self.unique.len() + self.primary_key.len()
    }
}

/// What a worker found in a batch.
#[derive(Default)]
struct BatchResult {
    /// Cell and row errors, in row order.
    errors: Vec<ReportError>,
    /// Foreign-key errors, in row order (they follow key errors in a row).
    fk_errors: Vec<ReportError>,
    /// `key_width` keys per row: unique fields then the primary key; `None`
    /// for a missing or uncastable cell.
    keys: Vec<Option<ValueKey>>,
    /// A cell that is not valid UTF-8 and its row: the table can't be read
    /// further.
    encoding: Option<(u64, ReportError)>,
    /// Rows of the batch checked: all of them, unless a bad row or the error
    /// limit ended the batch early (the rest can't be reported).
    rows_checked: usize,
    /// What strict inference saw of the batch, when asked for.
    observed: Option<StrictState>,
}

fn validate_into(
    table: &mut Table<'_>,
    options: &ValidateOptions,
    reporter: &dyn Reporter,
    task: &mut Task,
    observe: Option<&[String]>,
) -> Result<(bool, Option<Observed>), Error> {
    let rows_ahead = if table.schema.is_some() || observe.is_some() {
        HEADER_SAMPLE_ROWS
    } else {
        options.infer.sample_rows.unwrap_or(HEADER_SAMPLE_ROWS)
    };
    let head = read_head(table.source.as_mut(), table.header, rows_ahead)?;
    // Text that does not decode in the rows read ahead (frictionless's
    // sample) means the table can't be read at all: no labels, no rows.
    if let Some(error) = head
        .rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| encoding_error(r, i as u64 + 1))
    {
        task.push_error(error);
        return Ok((false, None));
    }
    task.labels = head.labels.clone();
    if head.labels.is_empty() && head.data_rows().is_empty() {
        task.push_error(ReportError::task(
            ErrorKind::SourceError,
            "the source is empty",
        ));
        return Ok((false, None));
    }

    let names = head.field_names();
    let schema = match (table.schema.take(), observe) {
        (Some(schema), _) => schema,
        // Checked as `any` fields: the inferred types will fit every value.
        (None, Some(missing)) => {
            let mut schema = Schema::new(
                names
                    .iter()
                    .map(|n| Field::new(n.clone(), FieldType::Any))
                    .collect(),
            );
            schema.missing_values = Some(missing.to_vec());
            schema
        }
        (None, None) => infer_schema(&names, head.data_rows().iter(), &options.infer),
    };
    check_labels(&head, &schema, task);
    let schema = expected_schema(&head, schema);
    task.stats.fields = nonzero(schema.fields.len() as u64).map(|n| n as usize);

    let mut compiled = compile(&schema, &table.foreign_keys)?;
    compiled.observer = observe.map(|missing| StrictState::new(names.len(), missing));
    let mut observed = compiled.observer.as_ref().map(StrictState::fresh);
    let header_index = head.header_index;
    let first_data_row = head.first_data_row();
    let mut replay = head.into_replay(table.source.as_mut());

    let limit = options.limit_errors.unwrap_or(usize::MAX);
    let raw = table.raw.clone();
    let mut unique_seen: Vec<HashMap<ValueKey, u64>> = vec![HashMap::new(); compiled.unique.len()];
    let mut pk_seen: HashMap<Vec<ValueKey>, u64> = HashMap::new();
    let mut stop_reason: Option<(u64, ReportError)> = None;
    let mut limit_reached = false;
    let mut rows_at_limit: Option<u64> = None;

    let outcome = pipeline::run_with(
        &mut replay,
        first_data_row,
        options.threads,
        // Each worker its own casters: a shared regex would make the
        // workers queue for its cache.
        || compiled.clone(),
        |compiled: &mut Compiled, batch: &Batch| check_batch(batch, compiled, limit),
        |batch, result| {
            if let (Some(total), Some(part)) = (observed.as_mut(), result.observed.as_ref()) {
                total.merge(part);
            }
            merge_batch(
                batch,
                result,
                &compiled,
                &mut unique_seen,
                &mut pk_seen,
                task,
                &mut stop_reason,
            );
            if let Some(raw) = &raw {
                reporter.progress(raw.bytes());
            }
            if task.errors.len() >= limit {
                // frictionless checks the limit after each row: the rows
                // read are those up to the row of the last error kept.
                let last_row = task.errors[..limit].iter().rev().find_map(|e| e.row_number);
                task.errors.truncate(limit);
                limit_reached = true;
                rows_at_limit = last_row.map(|r| r + 1 - first_data_row);
                return ControlFlow::Break(());
            }
            if stop_reason.is_some() {
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        },
    );
    let complete = !limit_reached && stop_reason.is_none() && outcome.error.is_none();
    if let Some((row, error)) = stop_reason {
        // The reader ran ahead of the bad row: count the rows before it.
        rows_at_limit = Some(row.saturating_sub(first_data_row));
        task.push_error(error);
    } else if let Some(e) = outcome.error {
        if !limit_reached {
            task.push_error(error_for(&e));
        }
    }
    if limit_reached {
        task.warnings.push(format!("reached error limit: {limit}"));
    }
    task.stats.rows = nonzero(rows_at_limit.unwrap_or(outcome.rows));
    let observed = observed.map(|state| Observed {
        state,
        names,
        header_index,
    });
    Ok((complete, observed))
}

fn nonzero(n: u64) -> Option<u64> {
    (n > 0).then_some(n)
}

fn compile(schema: &Schema, foreign_keys: &[ForeignKeyCheck]) -> Result<Compiled, Error> {
    let missing = schema.missing_values();
    let mut casters = Vec::with_capacity(schema.fields.len());
    for (i, field) in schema.fields.iter().enumerate() {
        let caster = FieldCaster::new(field, &missing).map_err(|e| {
            Error::Descriptor(datapackage::Error::Invalid(vec![
                datapackage::DescriptorError::new(format!("schema.fields[{i}]"), e.to_string()),
            ]))
        })?;
        casters.push(caster);
    }
    let names: Vec<String> = schema.fields.iter().map(|f| f.name.clone()).collect();
    let index = |name: &str| names.iter().position(|n| n == name);
    let unique = schema
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_unique())
        .map(|(i, _)| i)
        .collect();
    let primary_key: Vec<usize> = schema
        .primary_key()
        .iter()
        .filter_map(|n| index(n))
        .collect();
    // frictionless ignores a key naming a field the table doesn't have
    // (a missing-label error says so already).
    let primary_key = if primary_key.len() == schema.primary_key().len() {
        primary_key
    } else {
        Vec::new()
    };
    let foreign = foreign_keys
        .iter()
        .filter_map(|fk| {
            let idx: Vec<usize> = fk.fields.iter().filter_map(|n| index(n)).collect();
            (idx.len() == fk.fields.len()).then(|| (idx, Arc::clone(&fk.lookup)))
        })
        .collect();
    Ok(Compiled {
        casters,
        names,
        unique,
        primary_key,
        foreign,
        observer: None,
    })
}

/// The `encoding-error` for a record that is not valid UTF-8, naming the
/// row, the field and the byte; `None` for a valid one.
fn encoding_error(record: &ByteRecord, row_number: u64) -> Option<ReportError> {
    let offset = std::str::from_utf8(record.as_slice()).err()?.valid_up_to();
    let byte = record.as_slice().get(offset).copied().unwrap_or(0);
    let field = (0..record.len())
        .find(|&i| record.range(i).is_some_and(|r| r.contains(&offset)))
        .unwrap_or(0);
    Some(ReportError::task(
        ErrorKind::EncodingError,
        format!(
            "invalid UTF-8 byte 0x{byte:02x} in row {row_number}, field {}: the file is not in the encoding it is read with; pass --encoding (for example --encoding windows-1252)",
            field + 1
        ),
    ))
}

/// The worker's part: everything that needs only the row itself.
fn check_batch(batch: &Batch, compiled: &Compiled, limit: usize) -> BatchResult {
    let mut result = BatchResult {
        observed: compiled.observer.as_ref().map(|template| {
            let mut state = template.fresh();
            for (_, row) in batch.iter() {
                state.observe(row);
            }
            state
        }),
        ..BatchResult::default()
    };
    let width = compiled.key_width();
    let mut row_keys: Vec<Option<ValueKey>> = vec![None; compiled.casters.len()];
    let mut texts: Vec<&str> = Vec::with_capacity(compiled.casters.len());
    let need_values = compiled.needs_keys() || !compiled.foreign.is_empty();
    result.rows_checked = batch.len;
    for (index, (row_number, record)) in batch.iter().enumerate() {
        // Past the limit nothing more of this batch could be reported.
        if result.errors.len() >= limit {
            result.rows_checked = index;
            break;
        }
        texts.clear();
        // One UTF-8 check per record; cells are then slices of it (their
        // bounds fall on ASCII delimiters, so on character boundaries).
        let whole = simdutf8::basic::from_utf8(record.as_slice());
        if let Ok(whole) = whole {
            for i in 0..record.len() {
                let range = record.range(i).unwrap_or(0..0);
                texts.push(whole.get(range).unwrap_or(""));
            }
        } else {
            result.encoding = encoding_error(record, row_number).map(|e| (row_number, e));
            result.rows_checked = index;
            break;
        }
        let errors_before = result.errors.len();
        let mut cells = RowCells {
            record,
            cells: None,
        };
        let mut blank_cells = 0;
        for (i, caster) in compiled.casters.iter().enumerate() {
            let cell = texts.get(i).copied();
            // An error about this cell (type or constraint).
            let cell_error = |kind, note, cells| {
                ReportError::cell(
                    kind,
                    note,
                    row_number,
                    cells,
                    cell.unwrap_or("").to_string(),
                    compiled.names[i].clone(),
                    i + 1,
                )
            };
            if !need_values {
                // No keys to keep: cast and check in one call, the value
                // kept in registers (handing a whole `Value` through memory
                // costs a store-forwarding stall per cell).
                let cast = match cell {
                    Some(text) => caster.cast_and_check(text, |e| {
                        let error = cell_error(ErrorKind::ConstraintError, e.note(), cells.get());
                        result.errors.push(error);
                    }),
                    None => {
                        if caster.has_constraints() {
                            caster.check_all_constraints("", &Value::Null, |e| {
                                let error =
                                    cell_error(ErrorKind::ConstraintError, e.note(), cells.get());
                                result.errors.push(error);
                            });
                        }
                        Ok(true)
                    }
                };
                match cast {
                    Ok(null) => blank_cells += usize::from(null),
                    Err(e) => {
                        let error = cell_error(ErrorKind::TypeError, e.note(), cells.get());
                        result.errors.push(error);
                    }
                }
                continue;
            }
            row_keys[i] = None;
            // The cast result is looked at where it lies, by reference:
            // moving the whole value out costs a store-forwarding stall per
            // cell, a tenth of the worker's time.
            let cast = cell.map(|cell| caster.cast(cell));
            let value: &Value = match &cast {
                None => &Value::Null,
                Some(Ok(v)) => v,
                Some(Err(e)) => {
                    let error = cell_error(ErrorKind::TypeError, e.note(), cells.get());
                    result.errors.push(error);
                    continue;
                }
            };
            if value.is_null() {
                blank_cells += 1;
            }
            if caster.has_constraints() {
                caster.check_all_constraints(cell.unwrap_or(""), value, |e| {
                    let error = cell_error(ErrorKind::ConstraintError, e.note(), cells.get());
                    result.errors.push(error);
                });
            }
            // NaN equals nothing, not even itself (as in Python).
            if !value.is_null() && !value.is_nan() {
                row_keys[i] = Some(value.key());
            }
        }
        let n_fields = compiled.casters.len();
        // A row far wider than its schema: no more errors than could be
        // reported (the collector keeps `limit` in all).
        for (i, cell) in texts.iter().enumerate().skip(n_fields) {
            if result.errors.len() >= limit {
                break;
            }
            result.errors.push(ReportError::cell(
                ErrorKind::ExtraCell,
                "",
                row_number,
                cells.get(),
                cell.to_string(),
                String::new(),
                i + 1,
            ));
        }
        for i in texts.len()..n_fields {
            if result.errors.len() >= limit {
                break;
            }
            result.errors.push(ReportError::cell(
                ErrorKind::MissingCell,
                "",
                row_number,
                cells.get(),
                String::new(),
                compiled.names[i].clone(),
                i + 1,
            ));
        }
        if blank_cells == n_fields {
            result.errors.truncate(errors_before);
            result.errors.push(ReportError::row(
                ErrorKind::BlankRow,
                "",
                row_number,
                cells.get(),
            ));
        }
        if width > 0 {
            for &i in compiled.unique.iter().chain(compiled.primary_key.iter()) {
                result.keys.push(row_keys[i].clone());
            }
        }
        for (fields, lookup) in &compiled.foreign {
            let key: Vec<Option<&ValueKey>> =
                fields.iter().map(|&i| row_keys[i].as_ref()).collect();
            if key.iter().all(Option::is_none) {
                continue;
            }
            // A null part matches a null part of a referenced row.
            let wanted: Vec<ValueKey> = key
                .iter()
                .map(|k| k.cloned().unwrap_or(ValueKey::Null))
                .collect();
            let found = lookup.keys.contains(&wanted);
            if !found {
                let field_names: Vec<String> =
                    fields.iter().map(|&i| compiled.names[i].clone()).collect();
                let field_cells: Vec<String> = fields
                    .iter()
                    .map(|&i| texts.get(i).map(|s| s.to_string()).unwrap_or_default())
                    .collect();
                let shown: Vec<String> = fields
                    .iter()
                    .map(|&i| match &row_keys[i] {
                        Some(_) => texts.get(i).map(|s| s.to_string()).unwrap_or_default(),
                        None => "None".to_string(),
                    })
                    .collect();
                let note = format!(
                    "for \"{}\": values \"{}\" not found in the lookup table \"{}\" as \"{}\"",
                    field_names.join(", "),
                    shown.join(", "),
                    lookup.resource,
                    lookup.fields.join(", ")
                );
                let mut error =
                    ReportError::row(ErrorKind::ForeignKey, note, row_number, cells.get());
                error.foreign_key = Some(Box::new(ForeignKeyDetail {
                    field_names,
                    field_cells,
                    reference_name: lookup.resource.clone(),
                    reference_field_names: lookup.fields.clone(),
                }));
                result.fk_errors.push(error);
            }
        }
    }
    result
}

/// The collector's part: key checks that need every earlier row, and the
/// errors put in file order.
fn merge_batch(
    batch: &Batch,
    mut result: BatchResult,
    compiled: &Compiled,
    unique_seen: &mut [HashMap<ValueKey, u64>],
    pk_seen: &mut HashMap<Vec<ValueKey>, u64>,
    task: &mut Task,
    stop: &mut Option<(u64, ReportError)>,
) {
    // A bad row ends the table; the rows before it are merged as usual.
    if let Some(bad) = result.encoding.take() {
        *stop = Some(bad);
    }
    if !compiled.needs_keys() && result.fk_errors.is_empty() {
        task.errors.append(&mut result.errors);
        return;
    }
    let width = compiled.key_width();
    let n_unique = compiled.unique.len();
    let mut cell_errors = result.errors.into_iter().peekable();
    let mut fk_errors = result.fk_errors.into_iter().peekable();
    for (index, (row_number, record)) in batch.iter().enumerate().take(result.rows_checked) {
        while let Some(e) = cell_errors.next_if(|e| e.row_number == Some(row_number)) {
            task.errors.push(e);
        }
        if width > 0 {
            let keys = &result.keys[index * width..(index + 1) * width];
            for (u, key) in keys[..n_unique].iter().enumerate() {
                let Some(key) = key else { continue };
                let field = compiled.unique[u];
                if let Some(previous) = unique_seen[u].insert(key.clone(), row_number) {
                    task.errors.push(ReportError::cell(
                        ErrorKind::UniqueError,
                        format!("the same as in the row at position {previous}"),
                        row_number,
                        cells_of(record),
                        lossy(record.get(field).unwrap_or(b"")),
                        compiled.names[field].clone(),
                        field + 1,
                    ));
                }
            }
            let pk = &keys[n_unique..];
            if !pk.is_empty() {
                if pk.iter().all(Option::is_none) {
                    task.errors.push(ReportError::row(
                        ErrorKind::PrimaryKey,
                        "cells composing the primary keys are all \"None\"",
                        row_number,
                        cells_of(record),
                    ));
                } else {
                    let key: Vec<ValueKey> = pk
                        .iter()
                        .map(|k| k.clone().unwrap_or(ValueKey::Null))
                        .collect();
                    if let Some(previous) = pk_seen.insert(key, row_number) {
                        task.errors.push(ReportError::row(
                            ErrorKind::PrimaryKey,
                            format!("the same as in the row at position {previous}"),
                            row_number,
                            cells_of(record),
                        ));
                    }
                }
            }
        }
        while let Some(e) = fk_errors.next_if(|e| e.row_number == Some(row_number)) {
            task.errors.push(e);
        }
    }
}
