//! `data push FILE|DIR|URL`: from bare data files to a published package.
//!
//! Detects each file's format, encoding, sheet and header; infers a Table
//! Schema over the whole file; validates the file against it; uploads only
//! what the registry lacks; publishes a new revision; prints the links.
//! A folder keeps its decisions (the resources with their schemas) in
//! `DIR/.data/`, so the next push of changed files reuses them.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use ::validate::detect::{Basis, Format};
use ::validate::{FileOptions, InferOptions, Report, Task, ValidateOptions};
use anyhow::{bail, Context, Result};
use datapackage::{FieldType, Inline, Resource, ResourcePath};
use registry_api::package::PublishRequest;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{read_options, threads, Status};
use crate::cli::{PublishArgs, PushArgs};
use crate::client::Client;
use crate::commands::publish::{print_published, upload_files};
use crate::commands::validate::is_data_file;
use crate::printer::Printer;
use crate::progress::Bars;
use crate::settings::{DpmHome, Remote};

/// Where a folder's push keeps what it decided.
const DECISIONS_DIR: &str = ".data";
const DECISIONS_FILE: &str = "decisions.json";

/// What a push decided for each file, reused by the next push: in
/// `DIR/.data/` for a folder, in `~/.dpm/push/` for a single file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Decisions {
    /// The package name the folder is pushed as.
    name: Option<String>,
    /// File name → its resource (dialect, encoding, sheet, schema).
    files: BTreeMap<String, Value>,
    /// File name → what the file was when it was last pushed.
    #[serde(default)]
    stamps: BTreeMap<String, Stamp>,
}

/// A pushed file's size and modification time, and the hash of the bytes
/// published for it: when size and time are unchanged, the next push
/// trusts the hash and the earlier validation (as make and rsync trust
/// them), and reads nothing. `--reinfer` reads everything again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    size: u64,
    modified_ns: u128,
    sha256: String,
    uploaded_size: u64,
    valid: bool,
}

fn file_stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?;
    let ns = modified
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((meta.len(), ns))
}

/// Where a single file's decisions are kept: one file per absolute path.
fn single_file_state(home: &DpmHome, file: &Path) -> PathBuf {
    use sha2::Digest;
    let absolute = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    let key = hex::encode(sha2::Sha256::digest(absolute.to_string_lossy().as_bytes()));
    home.root.join("push").join(format!("{}.json", &key[..32]))
}

impl Decisions {
    fn load(path: &Path) -> Result<Decisions> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).with_context(|| {
                format!(
                    "{} is damaged: delete it (or push with --reinfer) to decide again",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Decisions::default()),
            Err(e) => Err(e).with_context(|| format!("failed to read {}", path.display())),
        }
    }

    fn save_single(&self, path: &Path) -> Result<()> {
        let folder = path.parent().context("a state file has a folder")?;
        std::fs::create_dir_all(folder)
            .with_context(|| format!("failed to create {}", folder.display()))?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, serde_json::to_string_pretty(self)? + "\n")
            .with_context(|| format!("failed to write {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("failed to write {}", path.display()))
    }

    fn save(&self, dir: &Path, descriptor: &Value) -> Result<()> {
        let folder = dir.join(DECISIONS_DIR);
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("failed to create {}", folder.display()))?;
        let write = |name: &str, value: &dyn erased::Json| -> Result<()> {
            let path = folder.join(name);
            let tmp = folder.join(format!("{name}.tmp"));
            std::fs::write(&tmp, value.pretty()?)
                .with_context(|| format!("failed to write {}", tmp.display()))?;
            std::fs::rename(&tmp, &path)
                .with_context(|| format!("failed to write {}", path.display()))
        };
        write(DECISIONS_FILE, self)?;
        // The descriptor as published; its paths are relative to DIR.
        write("datapackage.json", descriptor)
    }
}

/// Pretty JSON of either a `Decisions` or a `Value`, without generics in
/// the closure above.
mod erased {
    pub trait Json {
        fn pretty(&self) -> anyhow::Result<String>;
    }
    impl<T: serde::Serialize> Json for T {
        fn pretty(&self) -> anyhow::Result<String> {
            Ok(serde_json::to_string_pretty(self)? + "\n")
        }
    }
}

/// A file to push: its name in the package and where it is.
struct Source {
    name: String,
    local: PathBuf,
}

/// `[a-z0-9][a-z0-9._-]*` from any file or folder name.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    let out = out.trim_end_matches(['-', '.', '_']);
    let mut out: String = out
        .chars()
        .take(registry_api::names::MAX_NAME_LEN)
        .collect();
    if out.is_empty() {
        out = "data".to_string();
    }
    out
}

pub fn run(
    args: &PushArgs,
    registry: Option<&str>,
    printer: &Printer,
    no_progress: bool,
) -> Result<Status> {
    let target = args.path.to_string_lossy().to_string();
    if target.starts_with("http://") || target.starts_with("https://") {
        return push_url(args, &target, registry, printer, no_progress);
    }
    // On a terminal, without --yes, each step asks; elsewhere the detected
    // answers and the flags are taken.
    let ask = !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let path = &args.path;
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    // A folder with a descriptor is a package already (one fetched with
    // `data get`, say): published as it is, its schemas kept, never its
    // datapackage.json taken for a JSON table.
    let package_dir = if meta.is_dir() {
        datapackage::io::find_descriptor(path).map(|d| (path.clone(), d))
    } else if path.file_name().is_some_and(|n| {
        ["datapackage.json", "datapackage.yaml", "datapackage.yml"]
            .iter()
            .any(|d| n.eq_ignore_ascii_case(d))
    }) {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Some((dir.to_path_buf(), path.clone()))
    } else {
        None
    };
    if let Some((path, descriptor)) = package_dir {
        printer.status(&format!(
            "{} is a data package: publishing it as it is, as `data publish` does (a new revision)",
            descriptor.display()
        ));
        let read = &args.read;
        let reading_flags = read.sheet.is_some()
            || read.encoding.is_some()
            || read.delimiter.is_some()
            || read.quote.is_some()
            || read.format.is_some()
            || read.no_header
            || args.reinfer;
        if reading_flags {
            printer.status(
                "warning: the reading flags (--sheet, --encoding, --delimiter, --quote, --format, --no-header, --reinfer) are ignored: the descriptor says how to read its files",
            );
        }
        let publish = PublishArgs {
            dir: Some(path),
            force: true,
            skip_validate: false,
            allow_invalid: args.allow_invalid,
            yes: args.yes,
            name: args.name.clone(),
            visibility: args.visibility.clone(),
            package: args.publisher.clone(),
            json: args.json.clone(),
        };
        return super::publish::run(&publish, registry, printer, no_progress);
    }
    // A lone file's type where its name did not settle it.
    let mut chosen_format = None;
    let (dir, sources, folder) = if meta.is_dir() {
        let (mut files, mut others): (Vec<PathBuf>, Vec<PathBuf>) = std::fs::read_dir(path)
            .with_context(|| format!("failed to list {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .partition(|p| is_data_file(p));
        files.sort();
        // Files a folder usually holds beside its data go unmentioned.
        others.retain(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            !(name.starts_with('.')
                || name == "datapackage.json"
                || name.starts_with("readme")
                || name.starts_with("license")
                || name.starts_with("licence"))
        });
        others.sort();
        for other in &others {
            printer.status(&format!(
                "skipped {}: not a data file by its name (push it on its own to have its content looked at)",
                other.display()
            ));
        }
        if files.is_empty() {
            bail!(
                "{} has no data files (CSV, TSV, XLSX, XLS, ODS, JSON, NDJSON): nothing to push",
                path.display()
            );
        }
        let sources = files
            .into_iter()
            .map(|local| Source {
                name: local
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                local,
            })
            .collect::<Vec<_>>();
        (path.clone(), sources, true)
    } else {
        // 1: the type, by the name, then the content; asked when unsure.
        if args.read.format.is_none() {
            chosen_format = choose_format(path, ask, printer)?;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .context("a file has a name")?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (
            dir,
            vec![Source {
                name,
                local: path.clone(),
            }],
            false,
        )
    };

    let home = DpmHome::locate()?;
    let state_path = if folder {
        dir.join(DECISIONS_DIR).join(DECISIONS_FILE)
    } else {
        single_file_state(&home, &sources[0].local)
    };
    let mut decisions = if args.reinfer {
        Decisions::default()
    } else {
        Decisions::load(&state_path)?
    };
    let package_name = match &args.name {
        Some(name) => name.clone(),
        None => match (&decisions.name, folder) {
            (Some(kept), true) => kept.clone(),
            (_, true) => slug(
                &std::fs::canonicalize(&dir)
                    .ok()
                    .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_default(),
            ),
            (_, false) => {
                let stem = Path::new(&sources[0].name)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                slug(stem.strip_suffix(".csv").unwrap_or(&stem))
            }
        },
    };
    registry_api::names::check_package_name(&package_name).map_err(anyhow::Error::msg)?;

    // Who and where, before any long work.
    let remote = Remote::resolve(&home, registry)?;
    remote.require_token("pushing")?;
    let publisher = remote.publisher_or(args.publisher.publisher.as_deref())?;

    let mut read = read_options(&args.read)?;
    if chosen_format.is_some() {
        read.format = chosen_format;
    }
    let bars = Bars::new(no_progress);
    let started = Instant::now();
    let mut resources = Vec::new();
    let mut tasks = Vec::new();
    // Where renamed copies go for a single file (kept until the upload is done).
    let scratch = tempfile::tempdir().context("failed to create a temporary folder")?;
    let mut locals: Vec<PathBuf> = Vec::new();
    let mut known: BTreeMap<PathBuf, (String, u64)> = BTreeMap::new();
    // Each file's size and time before it is read: what its hash and its
    // validation are of.
    let mut read_stamps: BTreeMap<String, (u64, u128)> = BTreeMap::new();
    for source in &sources {
        let before = file_stamp(&source.local);
        if let Some(stamp) = before {
            read_stamps.insert(source.name.clone(), stamp);
        }
        // Unchanged since the last push (size and time): nothing to read.
        let unchanged = decisions.stamps.get(&source.name).filter(|stamp| {
            before == Some((stamp.size, stamp.modified_ns)) && (stamp.valid || args.allow_invalid)
        });
        if let (Some(stamp), Some(kept)) = (
            unchanged,
            decisions
                .files
                .get(&source.name)
                .and_then(|v| datapackage::io::descriptor_from_value::<Resource>(v).ok()),
        ) {
            printer.status(&format!(
                "{}: unchanged since the last push (size and time): not read again",
                source.name
            ));
            let local =
                renamed_copy_path(&source.local, &kept, &scratch_dir(&dir, folder, &scratch)?)?;
            known.insert(local.clone(), (stamp.sha256.clone(), stamp.uploaded_size));
            locals.push(local);
            resources.push(kept);
            continue;
        }
        // 1-4: detect, read the head, infer (or reuse what was decided).
        let mut validate_options = ValidateOptions {
            threads: threads(None),
            ..ValidateOptions::default()
        };
        validate_options.infer.missing_values = vec![String::new()];
        // Validation already done by the read that inferred the types; it
        // stands while the person changes nothing.
        let mut checked: Option<Task> = None;
        let kept = decisions
            .files
            .get(&source.name)
            .and_then(|v| datapackage::io::descriptor_from_value::<Resource>(v).ok());
        let resource = match kept {
            Some(resource) => {
                printer.status(&format!(
                    "{}: reusing the types decided before (.data/)",
                    source.name
                ));
                resource
            }
            None => {
                let mut read = read.clone();
                if ask && read.sheet.is_none() {
                    read.sheet = choose_sheet(&source.local, read.format)?;
                }
                let strict = InferOptions::strict(None);
                // One read infers the types from every row, validates the
                // rows and hashes the bytes.
                let (described, task) = ::validate::describe_and_validate(
                    &source.local,
                    &read,
                    &strict.missing_values,
                    &validate_options,
                    &bars,
                )
                .with_context(|| format!("failed to read {}", source.local.display()))?;
                let described = match described {
                    Some(described) => {
                        checked = Some(task);
                        described
                    }
                    // The read stopped early (a bad byte, too many errors):
                    // infer on its own; the validation below says why.
                    None => ::validate::describe_path(
                        &source.local,
                        &read,
                        &strict,
                        threads(None),
                        &bars,
                    )
                    .with_context(|| format!("failed to read {}", source.local.display()))?,
                };
                for notice in &described.notices {
                    printer.status(&format!("{}: {notice}", source.name));
                }
                let mut resource = described.resource;
                resource.path = Some(ResourcePath::One(source.name.clone()));
                print_detected(printer, &source.name, &resource, &described.examples);
                if ask {
                    let inferred = resource.clone();
                    review(&mut resource, &source.name, printer)?;
                    if resource != inferred {
                        checked = None;
                    }
                }
                resource
            }
        };
        // Names the person changed: the published copy gets them as its
        // header row (frictionless checks labels against field names).
        let local = match renamed_copy(
            &source.local,
            &resource,
            &scratch_dir(&dir, folder, &scratch)?,
        )? {
            Some(copy) => {
                printer.status(&format!(
                    "{}: publishing a copy with the new field names as its header row",
                    source.name
                ));
                checked = None;
                copy
            }
            None => source.local.clone(),
        };
        locals.push(local.clone());
        // 5: validate the file against its schema (unless done above).
        let task = match checked {
            Some(task) => task,
            None => {
                let schema = resource.schema.as_ref().and_then(Inline::inline).cloned();
                let mut file_read = read.clone();
                if let Some(dialect) = resource.dialect.as_ref().and_then(Inline::inline) {
                    if file_read.sheet.is_none() {
                        file_read.sheet = dialect.sheet_name.clone();
                    }
                }
                let options = FileOptions {
                    read: file_read,
                    schema,
                };
                ::validate::validate_file(&local, &options, &validate_options, &bars)
            }
        };
        // The validating read hashed the bytes: the upload need not.
        if let (Some(sha256), Some(bytes)) = (&task.stats.sha256, task.stats.bytes) {
            known.insert(local.clone(), (sha256.clone(), bytes));
        }
        tasks.push(task);
        resources.push(resource);
    }
    let report = Report::from_tasks(tasks, Vec::new(), started.elapsed().as_secs_f64());
    if !report.valid {
        if args.json.json && !args.allow_invalid {
            printer.json(&json!({"published": false, "report": report}))?;
        } else {
            printer.report(&report)?;
        }
        let anyway = args.allow_invalid
            || (ask
                && dialoguer::Confirm::new()
                    .with_prompt("The data has errors. Push anyway?")
                    .default(false)
                    .interact()
                    .context("failed to read the answer")?);
        if !anyway {
            printer.status(
                "not pushed: fix the errors above, or push anyway with --allow-invalid (after a change of types, --reinfer decides them again)",
            );
            return Ok(Status::Failure);
        }
        printer.status("pushing anyway (--allow-invalid)");
    }

    // 6: upload what the registry lacks.
    let descriptor = json!({
        "name": package_name,
        "resources": resources.iter().map(serde_json::to_value).collect::<Result<Vec<_>, _>>()?,
    });
    let files: Vec<(String, PathBuf)> = sources
        .iter()
        .zip(&locals)
        .map(|(s, local)| (s.name.clone(), local.clone()))
        .collect();
    let client = Client::new(&remote.registry, remote.token.clone())?;
    let uploaded = upload_files(&client, &files, &known, no_progress)?;
    // 7: publish (a push always makes a new revision) and print the links.
    let request = PublishRequest {
        descriptor: descriptor.clone(),
        files: uploaded.files.clone(),
        force: true,
        visibility: args.visibility.chosen(),
        readme: None,
    };
    let published = client.publish(&publisher, &package_name, &request)?;
    decisions.name = Some(package_name.clone());
    decisions.files = sources
        .iter()
        .zip(&resources)
        .map(|(s, r)| Ok((s.name.clone(), serde_json::to_value(r)?)))
        .collect::<Result<_>>()?;
    decisions.stamps = sources
        .iter()
        .zip(&uploaded.files)
        .filter_map(|(s, f)| {
            // A file changed while it was pushed gets no stamp: the next
            // push reads it again.
            let (size, modified_ns) = *read_stamps.get(&s.name)?;
            if file_stamp(&s.local) != Some((size, modified_ns)) {
                return None;
            }
            Some((
                s.name.clone(),
                Stamp {
                    size,
                    modified_ns,
                    sha256: f.sha256.clone(),
                    uploaded_size: f.size,
                    valid: report.valid,
                },
            ))
        })
        .collect();
    if folder {
        decisions.save(&dir, &descriptor)?;
    } else {
        decisions.save_single(&state_path)?;
    }
    print_published(
        printer,
        args.json.json,
        "pushed",
        &published,
        &uploaded,
        (!report.valid).then_some(&report),
    )?;
    Ok(Status::Success)
}

/// Where renamed copies are written: `DIR/.data/files` for a folder (so a
/// re-push finds the same bytes), a temporary folder for a single file.
fn scratch_dir(dir: &Path, folder: bool, scratch: &tempfile::TempDir) -> Result<PathBuf> {
    let path = if folder {
        dir.join(DECISIONS_DIR).join("files")
    } else {
        scratch.path().to_path_buf()
    };
    std::fs::create_dir_all(&path)
        .with_context(|| format!("failed to create {}", path.display()))?;
    Ok(path)
}

/// When the schema's field names differ from the file's header row, a copy
/// of the file with the names as its header row (the rest of the bytes as
/// they are). Only plain UTF-8 delimited text with its header on the first
/// row can be rewritten this way; for anything else a rename is refused.
fn renamed_copy(local: &Path, resource: &Resource, into: &Path) -> Result<Option<PathBuf>> {
    let Some(Inline::Inline(schema)) = resource.schema.as_ref() else {
        return Ok(None);
    };
    let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
    let dialect = resource.dialect.as_ref().and_then(Inline::inline);
    if dialect.is_some_and(|d| d.header == Some(false)) {
        return Ok(None); // no header row: names are free
    }
    let format = resource.format.as_deref().unwrap_or_default();
    let delimited = matches!(format, "csv" | "tsv");
    let utf8 = resource
        .encoding
        .as_deref()
        .is_none_or(|e| e.eq_ignore_ascii_case("utf-8") || e.eq_ignore_ascii_case("utf-8-sig"));
    // Compressed bytes, whatever the name says, are not rewritten.
    let plain = !resource.extra.contains_key("compression") && !is_gzip(local)?;
    let first_row = dialect
        .and_then(|d| d.header_rows.as_ref())
        .is_none_or(|rows| rows.as_slice() == [1]);
    let delimiter = dialect
        .and_then(|d| d.delimiter.as_deref())
        .map(|d| d.as_bytes().first().copied().unwrap_or(b','))
        .unwrap_or(if format == "tsv" { b'\t' } else { b',' });
    let quote = dialect
        .and_then(|d| d.quote_char.as_deref())
        .map(|q| q.as_bytes().first().copied().unwrap_or(b'"'))
        .unwrap_or(b'"');
    if !(delimited && utf8 && plain && first_row) {
        return Ok(None);
    }
    let file = std::fs::File::open(local)
        .with_context(|| format!("failed to open {}", local.display()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quote(quote)
        .from_reader(std::io::BufReader::new(file));
    let mut record = csv::ByteRecord::new();
    let read = reader
        .read_byte_record(&mut record)
        .with_context(|| format!("failed to read the header of {}", local.display()))?;
    if !read {
        return Ok(None);
    }
    // Where the header row ends: the copy's data starts there.
    let offset = reader.position().byte();
    let labels: Vec<String> = record
        .iter()
        .map(|l| {
            String::from_utf8_lossy(l)
                .trim_start_matches('\u{feff}')
                .to_string()
        })
        .collect();
    if labels.iter().map(String::as_str).eq(names.iter().copied()) {
        return Ok(None);
    }
    if labels.len() != names.len() {
        bail!(
            "{}: the header row has {} labels but the schema {} fields",
            local.display(),
            labels.len(),
            names.len()
        );
    }
    // The same file, from its start: the header row's bytes say how its
    // line ended, and leave the file at the first data row.
    let mut original = reader.into_inner().into_inner();
    std::io::Seek::rewind(&mut original)
        .with_context(|| format!("failed to read {}", local.display()))?;
    let mut head = vec![0u8; offset as usize];
    std::io::Read::read_exact(&mut original, &mut head)
        .with_context(|| format!("failed to read {}", local.display()))?;
    // The reader stops a CRLF header row between its CR and LF: the LF
    // belongs to the header row, not to the data.
    let mut next = [0u8; 1];
    let mut data_start: &[u8] = &[];
    let terminator = if head.ends_with(b"\r") {
        let n = std::io::Read::read(&mut original, &mut next)
            .with_context(|| format!("failed to read {}", local.display()))?;
        if n == 1 && next[0] == b'\n' {
            csv::Terminator::CRLF
        } else {
            // Lines that end with a lone CR; the byte read is data.
            data_start = &next[..n];
            csv::Terminator::Any(b'\r')
        }
    } else {
        csv::Terminator::Any(b'\n')
    };
    let name = local.file_name().context("a file has a name")?;
    let copy = into.join(name);
    let tmp = into.join(format!("{}.tmp", name.to_string_lossy()));
    {
        let out = std::fs::File::create(&tmp)
            .with_context(|| format!("failed to write {}", tmp.display()))?;
        let mut out = std::io::BufWriter::new(out);
        {
            let mut writer = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .quote(quote)
                .terminator(terminator)
                .from_writer(&mut out);
            writer
                .write_record(&names)
                .context("failed to write the new header row")?;
            writer
                .flush()
                .context("failed to write the new header row")?;
        }
        std::io::Write::write_all(&mut out, data_start)
            .and_then(|()| std::io::copy(&mut original, &mut out).map(drop))
            .with_context(|| format!("failed to copy {}", local.display()))?;
        std::io::Write::flush(&mut out)
            .with_context(|| format!("failed to write {}", tmp.display()))?;
    }
    std::fs::rename(&tmp, &copy).with_context(|| format!("failed to write {}", copy.display()))?;
    Ok(Some(copy))
}

/// `data push URL`: reads the remote file once (to detect, infer and
/// validate it) and publishes a package whose resource points at the URL.
/// Nothing is uploaded: consumers read the data from where it lives.
fn push_url(
    args: &PushArgs,
    url: &str,
    registry: Option<&str>,
    printer: &Printer,
    no_progress: bool,
) -> Result<Status> {
    let parsed = reqwest::Url::parse(url).with_context(|| format!("{url:?} is not a URL"))?;
    let file_name = parsed
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .filter(|s| !s.is_empty())
        .unwrap_or("data")
        .to_string();
    let local_name = Path::new(&file_name);
    if !is_data_file(local_name) {
        bail!(
            "{url} does not end in a data file name this tool reads (CSV, TSV, XLSX, XLS, ODS, JSON, NDJSON, optionally .gz)"
        );
    }
    let name = match &args.name {
        Some(name) => name.clone(),
        None => {
            let stem = local_name
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            slug(stem.strip_suffix(".csv").unwrap_or(&stem))
        }
    };
    registry_api::names::check_package_name(&name).map_err(anyhow::Error::msg)?;
    let home = DpmHome::locate()?;
    let remote = Remote::resolve(&home, registry)?;
    remote.require_token("pushing")?;
    let publisher = remote.publisher_or(args.publisher.publisher.as_deref())?;

    // Read it once, into a temporary file named like the URL's last segment.
    let scratch = tempfile::tempdir().context("failed to create a temporary folder")?;
    let local = scratch.path().join(&file_name);
    let mut response = reqwest::blocking::Client::builder()
        .user_agent(concat!("data/", env!("CARGO_PKG_VERSION")))
        .build()?
        .get(parsed.clone())
        .send()
        .with_context(|| format!("failed to fetch {url}"))?;
    if !response.status().is_success() {
        bail!("{url} answered {}: nothing to record", response.status());
    }
    let mut file = std::fs::File::create(&local)
        .with_context(|| format!("failed to write {}", local.display()))?;
    let fetched = response
        .copy_to(&mut file)
        .with_context(|| format!("failed to read {url}"))?;
    drop(file);
    printer.status(&format!("{url}: read {fetched} bytes to describe it"));

    let read = read_options(&args.read)?;
    let bars = Bars::new(no_progress);
    let described = ::validate::describe_path(
        &local,
        &read,
        &InferOptions::strict(None),
        threads(None),
        &bars,
    )
    .with_context(|| format!("failed to read {url}"))?;
    let mut resource = described.resource;
    resource.path = Some(ResourcePath::One(url.to_string()));
    print_detected(printer, &file_name, &resource, &described.examples);
    let schema = resource.schema.as_ref().and_then(Inline::inline).cloned();
    let options = FileOptions { read, schema };
    let mut validate_options = ValidateOptions {
        threads: threads(None),
        ..ValidateOptions::default()
    };
    validate_options.infer.missing_values = vec![String::new()];
    let task = ::validate::validate_file(&local, &options, &validate_options, &bars);
    let report = Report::from_tasks(vec![task], Vec::new(), 0.0);
    if !report.valid && !args.allow_invalid {
        if args.json.json {
            printer.json(&json!({"published": false, "report": report}))?;
        } else {
            printer.report(&report)?;
        }
        printer.status("not pushed: the remote file has errors (push anyway with --allow-invalid)");
        return Ok(Status::Failure);
    }
    let descriptor = json!({"name": name, "resources": [serde_json::to_value(&resource)?]});
    let client = Client::new(&remote.registry, remote.token.clone())?;
    let published = client.publish(
        &publisher,
        &name,
        &PublishRequest {
            descriptor,
            files: Vec::new(),
            force: true,
            visibility: args.visibility.chosen(),
            readme: None,
        },
    )?;
    if args.json.json {
        printer.json(&json!({
            "published": true,
            "owner": published.owner,
            "name": published.name,
            "revision": published.revision,
            "visibility": published.visibility,
            "datapackage_url": published.datapackage_url,
            "latest_url": published.latest_url,
            "data_urls": [url],
            "bytes_sent": 0,
            "blobs_sent": 0,
            "remote": true,
            "valid": report.valid,
        }))?;
    } else {
        printer.line(&format!(
            "{} recorded {url} as {}/{} revision {} ({}; not stored: it is read from its own URL)",
            printer.ok_text("✓"),
            published.owner,
            published.name,
            published.revision,
            published.visibility.as_str()
        ))?;
        printer.line(&format!("  {}", published.latest_url))?;
    }
    Ok(Status::Success)
}

/// The bytes to upload for an unchanged file: the file itself, or its
/// renamed copy (made again if it went missing).
fn renamed_copy_path(local: &Path, resource: &Resource, into: &Path) -> Result<PathBuf> {
    Ok(renamed_copy(local, resource, into)?.unwrap_or_else(|| local.to_path_buf()))
}

/// A workbook with several sheets: which one (None: not a workbook, or
/// only one sheet).
/// Bytes of a file looked at to tell its type.
const HEAD_BYTES: u64 = 64 * 1024;

/// Whether the file starts with gzip's magic bytes.
fn is_gzip(path: &Path) -> Result<bool> {
    let mut magic = [0u8; 2];
    let mut file =
        std::fs::File::open(path).with_context(|| format!("failed to open {}", path.display()))?;
    let n = file
        .read(&mut magic)
        .with_context(|| format!("failed to read {}", path.display()))?;
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

/// The format of a lone file whose name does not settle it: a missing or
/// vague extension (`.txt`, `.dat`), or content that contradicts the name.
/// On a terminal the person picks, the content's answer first; elsewhere
/// the content's answer is taken and said. `None`: the name settles it.
/// Content that is no table at all is refused, naming the formats read.
fn choose_format(path: &Path, ask: bool, printer: &Printer) -> Result<Option<Format>> {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(HEAD_BYTES).read_to_end(&mut head))
        .with_context(|| format!("failed to read {}", path.display()))?;
    let detected = ::validate::detect::detect_format(path, &head)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("cannot push {}", path.display()))?;
    if detected.basis == Basis::Extension {
        return Ok(None);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let why = detected.mismatch.clone().unwrap_or_else(|| {
        format!(
            "{name}: its name does not say its type; its content reads as {}",
            detected.format.as_str().to_ascii_uppercase()
        )
    });
    let whole = (head.len() as u64) < HEAD_BYTES;
    let tabular = detected.compression.is_some() || looks_tabular(&head, detected.format, whole);
    if !ask {
        if !tabular {
            bail!(
                "{name}: its name does not say its type and its content does not look like a table (one column of text): pass --format csv to push it anyway; supported types: CSV, TSV, XLSX, XLS, ODS, JSON, NDJSON"
            );
        }
        printer.status(&format!("{why} (pass --format to read it otherwise)"));
        return Ok(Some(detected.format));
    }
    printer.status(&why);
    if !tabular {
        printer.status(&format!(
            "{name}: the content does not look like a table (one column of text)"
        ));
    }
    let mut choices = vec![detected.format];
    choices.extend(Format::ALL.iter().filter(|f| **f != detected.format));
    let items: Vec<String> = choices
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let label = f.as_str().to_ascii_uppercase();
            if i == 0 {
                format!("{label} (what the content looks like)")
            } else {
                label
            }
        })
        .collect();
    let chosen = dialoguer::Select::new()
        .with_prompt(format!("Read {name} as"))
        .items(&items)
        .default(0)
        .interact()
        .context("failed to read the answer")?;
    Ok(Some(choices[chosen]))
}

/// Whether text that content detection called CSV or TSV has the shape of
/// a table: at least two rows of one width, two columns or more, and most
/// rows of that width (a title line above the header is fine). Prose reads
/// as one-column CSV; that is no reason to publish it.
fn looks_tabular(head: &[u8], format: Format, whole: bool) -> bool {
    if !format.is_delimited() {
        return true;
    }
    let text = String::from_utf8_lossy(head);
    // A head cut short may end mid-row: only whole lines count.
    let text = match text.rsplit_once('\n') {
        Some((lines, _)) if !whole => lines,
        _ => &*text,
    };
    let dialect = ::validate::detect::sniff_dialect(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(dialect.delimiter)
        .from_reader(text.as_bytes());
    let widths: Vec<usize> = reader
        .byte_records()
        .take(100)
        .map_while(Result::ok)
        .filter(|r| !(r.len() == 1 && r.as_slice().trim_ascii().is_empty()))
        .map(|r| r.len())
        .collect();
    let mut counts = std::collections::BTreeMap::new();
    for width in &widths {
        *counts.entry(*width).or_insert(0usize) += 1;
    }
    let Some((&width, &count)) = counts.iter().max_by_key(|(_, &count)| count) else {
        return false;
    };
    width >= 2 && count >= 2 && count * 10 >= widths.len() * 7
}

/// The sheet of a workbook with several, asked; `None` for one sheet or no
/// workbook (by `format` when known, else by the name).
fn choose_sheet(path: &Path, format: Option<Format>) -> Result<Option<String>> {
    let lower = path.to_string_lossy().to_ascii_lowercase();
    let workbook = match format {
        Some(format) => matches!(format, Format::Xlsx | Format::Xls | Format::Ods),
        None => [".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"]
            .iter()
            .any(|ext| lower.ends_with(ext)),
    };
    if !workbook {
        return Ok(None);
    }
    let sheets = ::validate::source::excel::sheet_names(path)
        .with_context(|| format!("failed to list the sheets of {}", path.display()))?;
    if sheets.len() < 2 {
        return Ok(None);
    }
    let chosen = dialoguer::Select::new()
        .with_prompt(format!(
            "{} has {} sheets: which one?",
            path.display(),
            sheets.len()
        ))
        .items(&sheets)
        .default(0)
        .interact()
        .context("failed to read the answer")?;
    Ok(Some(sheets[chosen].clone()))
}

/// Lets the person fix the field names and change types.
fn review(resource: &mut Resource, name: &str, printer: &Printer) -> Result<()> {
    let format = resource.format.clone();
    let encoding = resource.encoding.clone();
    let Some(Inline::Inline(schema)) = resource.schema.as_mut() else {
        return Ok(());
    };
    let names_ok = dialoguer::Confirm::new()
        .with_prompt(format!("{name}: are these field names right?"))
        .default(true)
        .interact()
        .context("failed to read the answer")?;
    let format = format.as_deref().unwrap_or_default();
    let utf8 = encoding
        .as_deref()
        .is_none_or(|e| e.eq_ignore_ascii_case("utf-8"));
    let renamable = matches!(format, "csv" | "tsv") && utf8;
    if !names_ok && !renamable {
        printer.status(&format!(
            "{name}: field names come from the header row, and only a UTF-8 CSV or TSV file can be published with a new one: change the header in the file and push again"
        ));
    } else if !names_ok {
        for field in schema.fields.iter_mut() {
            let renamed: String = dialoguer::Input::new()
                .with_prompt(format!("name of field {:?}", field.name))
                .default(field.name.clone())
                .interact_text()
                .context("failed to read the answer")?;
            field.name = renamed.trim().to_string();
        }
    }
    let types_ok = dialoguer::Confirm::new()
        .with_prompt(format!("{name}: keep these types?"))
        .default(true)
        .interact()
        .context("failed to read the answer")?;
    if !types_ok {
        let choices: Vec<FieldType> = FieldType::ALL.to_vec();
        let labels: Vec<&str> = choices.iter().map(FieldType::as_str).collect();
        for field in schema.fields.iter_mut() {
            let current = choices
                .iter()
                .position(|t| *t == field.field_type)
                .unwrap_or(0);
            let picked = dialoguer::Select::new()
                .with_prompt(format!("type of {:?}", field.name))
                .items(&labels)
                .default(current)
                .interact()
                .context("failed to read the answer")?;
            field.field_type = choices[picked].clone();
            // A format chosen for another type would not fit the new one.
            if picked != current {
                field.format = None;
            }
        }
        printer.status(&format!("{name}: types set"));
    }
    Ok(())
}

/// What detection and inference found, for the person pushing.
fn print_detected(printer: &Printer, name: &str, resource: &Resource, examples: &[Option<String>]) {
    let mut found = vec![resource
        .format
        .clone()
        .unwrap_or_else(|| "data".to_string())];
    if let Some(encoding) = &resource.encoding {
        found.push(encoding.clone());
    }
    if let Some(dialect) = resource.dialect.as_ref().and_then(Inline::inline) {
        if let Some(sheet) = &dialect.sheet_name {
            found.push(format!("sheet {sheet:?}"));
        }
        if let Some(delimiter) = &dialect.delimiter {
            found.push(format!("delimiter {delimiter:?}"));
        }
    }
    printer.status(&format!("{name}: {}", found.join(", ")));
    if let Some(schema) = resource.schema.as_ref().and_then(Inline::inline) {
        for (i, field) in schema.fields.iter().enumerate() {
            let example = examples.get(i).cloned().flatten().unwrap_or_default();
            printer.status(&format!(
                "  {:<24} {:<10} {}",
                field.name,
                field.field_type.as_str(),
                example
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_package_names() {
        assert_eq!(slug("GDP 2024 (final)"), "gdp-2024-final");
        assert_eq!(slug("__x"), "x");
        assert_eq!(slug("???"), "data");
        assert!(registry_api::names::check_package_name(&slug("Ünïcode Data!")).is_ok());
    }

    fn csv_resource(names: &[&str]) -> Resource {
        let fields = names
            .iter()
            .map(|n| datapackage::Field::new(n.to_string(), FieldType::String))
            .collect();
        Resource {
            format: Some("csv".into()),
            schema: Some(Inline::Inline(datapackage::Schema::new(fields))),
            ..Resource::default()
        }
    }

    #[test]
    fn a_renamed_copy_has_the_new_header_and_the_same_rows() {
        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("in.csv");
        // A BOM, a quoted label holding the delimiter, CRLF line ends.
        let rows = "1,\"x, y\"\r\n2,z\r\n";
        std::fs::write(&local, format!("\u{feff}id,\"a,b\"\r\n{rows}")).unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();

        let same = csv_resource(&["id", "a,b"]);
        assert_eq!(renamed_copy(&local, &same, &out).unwrap(), None);

        let renamed = csv_resource(&["id", "label"]);
        let copy = renamed_copy(&local, &renamed, &out).unwrap().unwrap();
        assert_eq!(
            std::fs::read_to_string(&copy).unwrap(),
            format!("id,label\r\n{rows}")
        );

        // LF and lone-CR line ends are kept too.
        for end in ["\n", "\r"] {
            std::fs::write(&local, format!("id,a{end}1,x{end}2,y{end}")).unwrap();
            let renamed = csv_resource(&["id", "b"]);
            let copy = renamed_copy(&local, &renamed, &out).unwrap().unwrap();
            assert_eq!(
                std::fs::read_to_string(&copy).unwrap(),
                format!("id,b{end}1,x{end}2,y{end}"),
                "{end:?}"
            );
        }

        let wrong = csv_resource(&["only"]);
        let error = renamed_copy(&local, &wrong, &out).unwrap_err().to_string();
        assert!(
            error.contains("2 labels but the schema 1 fields"),
            "{error}"
        );
    }

    #[test]
    fn tables_are_told_from_prose() {
        let table = |text: &str| looks_tabular(text.as_bytes(), Format::Csv, true);
        assert!(table("id,name\n1,x\n2,y\n"));
        // No line end at the end of a whole file.
        assert!(table("id,name\n1,x"));
        // A title line above the header; a blank line.
        assert!(table("My report\n\nid,name\n1,x\n2,y\n3,z\n"));
        assert!(looks_tabular(b"a\tb\n1\t2\n", Format::Tsv, true));
        assert!(!table("Remember to check the gauges on Monday.\n"));
        assert!(!table(
            "Hello, world.\nThis is, I think, fine; or is it, really?\n"
        ));
        assert!(!table("one,two\n"));
        // A head cut mid-row: the broken last line does not count.
        assert!(looks_tabular(b"a,b\n1,2\n3,4\n5", Format::Csv, false));
    }
}
