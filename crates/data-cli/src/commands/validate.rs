//! `data validate`: check files, packages and directories.

use std::path::{Path, PathBuf};
use std::time::Instant;

use ::validate::{FileOptions, Report, ValidateOptions};
use anyhow::{bail, Context, Result};

use super::{read_options, threads, Status};
use crate::cli::ValidateArgs;
use crate::printer::Printer;
use crate::progress::Bars;

/// Extensions of the data files a directory is searched for.
const DATA_EXTENSIONS: [&str; 10] = [
    "csv", "tsv", "tab", "xlsx", "xlsm", "xls", "ods", "json", "jsonl", "ndjson",
];

/// What one PATH argument turned out to be.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Package(PathBuf),
    Files(Vec<PathBuf>),
}

pub fn run(args: &ValidateArgs, printer: &Printer, no_progress: bool) -> Result<Status> {
    let started = Instant::now();
    let schema = match &args.schema {
        Some(path) => Some(
            datapackage::io::read_schema(path)
                .with_context(|| format!("Failed to read the schema {}", path.display()))?,
        ),
        None => None,
    };
    let file_options = FileOptions {
        read: read_options(&args.read)?,
        schema,
    };
    let mut options = ValidateOptions {
        limit_errors: (args.limit_errors > 0).then_some(args.limit_errors),
        threads: threads(args.threads),
        ..ValidateOptions::default()
    };
    options.infer.missing_values = vec![String::new()];
    let bars = Bars::new(no_progress);

    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut targets = Vec::new();
    for path in &paths {
        targets.push(classify(path)?);
    }

    let reading_flags = args.schema.is_some()
        || args.read.sheet.is_some()
        || args.read.encoding.is_some()
        || args.read.delimiter.is_some()
        || args.read.quote.is_some()
        || args.read.format.is_some()
        || args.read.no_header;
    if reading_flags && targets.iter().any(|t| matches!(t, Target::Package(_))) {
        note("--schema and the reading flags apply to data files; a package's descriptor says how to read its resources");
    }
    let mut tasks = Vec::new();
    let mut errors = Vec::new();
    for target in targets {
        let report = match target {
            Target::Package(descriptor) => {
                ::validate::validate_package_file(&descriptor, &options, &bars)
            }
            Target::Files(files) => {
                ::validate::validate_files(&files, &file_options, &options, &bars)
            }
        };
        tasks.extend(report.tasks);
        errors.extend(report.errors);
    }
    let report = Report::from_tasks(tasks, errors, started.elapsed().as_secs_f64());
    if args.json {
        printer.json(&report)?;
    } else {
        printer.report(&report)?;
    }
    Ok(if report.valid {
        Status::Success
    } else {
        Status::Failure
    })
}

#[allow(clippy::print_stderr)]
fn note(text: &str) {
    eprintln!("note: {text}");
}

fn is_descriptor_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(
        name.as_str(),
        "datapackage.json" | "datapackage.yaml" | "datapackage.yml"
    ) || name.ends_with(".datapackage.json")
        || name.ends_with(".package.json")
        || name.ends_with(".yaml")
        || name.ends_with(".yml")
}

fn classify(path: &Path) -> Result<Target> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("Failed to read {}: check the path", path.display()))?;
    if meta.is_dir() {
        if let Some(descriptor) = datapackage::io::find_descriptor(path) {
            return Ok(Target::Package(descriptor));
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("Failed to list {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && is_data_file(p))
            .collect();
        files.sort();
        if files.is_empty() {
            bail!(
                "{} has no datapackage.json and no data files ({}): point at a file or a package",
                path.display(),
                DATA_EXTENSIONS.join(", ")
            );
        }
        return Ok(Target::Files(files));
    }
    if is_descriptor_name(path) {
        return Ok(Target::Package(path.to_path_buf()));
    }
    Ok(Target::Files(vec![path.to_path_buf()]))
}

pub(crate) fn is_data_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| DATA_EXTENSIONS.contains(&ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_are_told_from_data_files() {
        assert!(is_descriptor_name(Path::new("x/datapackage.json")));
        assert!(is_descriptor_name(Path::new("datapackage.yml")));
        assert!(!is_descriptor_name(Path::new("data.json")));
        assert!(is_data_file(Path::new("a.csv.gz")));
        assert!(!is_data_file(Path::new("README.md")));
    }
}
