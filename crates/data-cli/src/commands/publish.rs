//! `data publish [DIR]`: validate a ready package, upload only the files
//! the registry lacks, publish a new revision, print its links.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use ::validate::{Report, ValidateOptions};
use anyhow::{bail, Context, Result};
use datapackage::{Inline, Package};
use registry_api::blob::BlobRef;
use registry_api::package::{PackageFile, PublishRequest, PublishResponse};
use registry_api::ErrorCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::cli::PublishArgs;
use crate::client::{Client, ClientError};
use crate::commands::Status;
use crate::printer::Printer;
use crate::progress::{bytes_bar, Bars};
use crate::settings::{DpmHome, Remote};

/// A ready package on disk.
pub struct LocalPackage {
    pub dir: PathBuf,
    pub descriptor_path: PathBuf,
    /// The descriptor as JSON, unknown properties and all.
    pub descriptor: Value,
    pub package: Package,
}

impl LocalPackage {
    pub fn open(dir: &Path) -> Result<LocalPackage> {
        let descriptor_path = datapackage::io::find_descriptor(dir).with_context(|| {
            format!(
                "{} has no datapackage.json (or .yaml): write one with `data infer`, or push the files with `data push`",
                dir.display()
            )
        })?;
        let text = std::fs::read_to_string(&descriptor_path)
            .with_context(|| format!("failed to read {}", descriptor_path.display()))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let is_yaml = descriptor_path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml");
        let descriptor: Value = if is_yaml {
            serde_yaml::from_str(text)
                .with_context(|| format!("{} is not valid YAML", descriptor_path.display()))?
        } else {
            serde_json::from_str(text)
                .with_context(|| format!("{} is not valid JSON", descriptor_path.display()))?
        };
        let package: Package = datapackage::io::descriptor_from_value(&descriptor)
            .with_context(|| format!("{} is not a data package", descriptor_path.display()))?;
        Ok(LocalPackage {
            dir: dir.to_path_buf(),
            descriptor_path,
            descriptor,
            package,
        })
    }

    /// The name to publish under: the flag, the descriptor's, or the folder's.
    pub fn name(&self, flag: Option<&str>) -> Result<String> {
        let own = self.package.name.clone();
        let name = match (flag, own) {
            (Some(flag), Some(own)) if flag != own => bail!(
                "--name {flag} differs from the descriptor's name {own:?}: change one of them"
            ),
            (Some(flag), _) => flag.to_string(),
            (None, Some(own)) => own,
            (None, None) => {
                let folder = std::fs::canonicalize(&self.dir)
                    .ok()
                    .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_lowercase()))
                    .unwrap_or_default();
                if folder.is_empty() {
                    bail!("the descriptor has no name: add one, or pass --name");
                }
                folder
            }
        };
        registry_api::names::check_package_name(&name).map_err(anyhow::Error::msg)?;
        Ok(name)
    }

    /// Every local file the descriptor refers to, checked to stay inside
    /// the folder (no `..`, no absolute path, no link leading out).
    pub fn local_files(&self) -> Result<Vec<(String, PathBuf)>> {
        let mut paths = BTreeSet::new();
        for resource in &self.package.resources {
            if let Some(path) = &resource.path {
                for p in path.paths() {
                    paths.insert(p.to_string());
                }
            }
            if let Some(Inline::Reference(p)) = &resource.schema {
                paths.insert(p.clone());
            }
            if let Some(Inline::Reference(p)) = &resource.dialect {
                paths.insert(p.clone());
            }
        }
        let mut files = Vec::new();
        for path in paths {
            if datapackage::is_url(&path) {
                continue;
            }
            let local = datapackage::io::resolve_local_path(&self.dir, &path)
                .map_err(|e| anyhow::anyhow!("{path}: {}", e.message))?;
            if !local.is_file() {
                bail!(
                    "the descriptor names {path:?} but {} is not a file",
                    local.display()
                );
            }
            files.push((path, local));
        }
        Ok(files)
    }

    pub fn readme(&self) -> Option<String> {
        ["README.md", "readme.md", "README"]
            .iter()
            .map(|n| self.dir.join(n))
            .find(|p| p.is_file())
            .and_then(|p| std::fs::read_to_string(p).ok())
    }
}

/// SHA-256 and size of a file, read once in 1 MiB chunks.
pub fn hash_file(path: &Path, on_read: &dyn Fn(u64)) -> Result<(String, u64)> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("failed to open {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("failed to read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
        on_read(n as u64);
    }
    Ok((hex::encode(hasher.finalize()), size))
}

/// What an upload sent.
pub struct Uploaded {
    pub files: Vec<PackageFile>,
    pub bytes_sent: u64,
    pub blobs_sent: usize,
}

/// Hashes the files, asks the registry which it lacks, sends only those.
/// `known`: files whose hash and size are known already (not read again).
pub fn upload_files(
    client: &Client,
    files: &[(String, PathBuf)],
    known: &std::collections::BTreeMap<PathBuf, (String, u64)>,
    no_progress: bool,
) -> Result<Uploaded> {
    let total: u64 = files
        .iter()
        .map(|(_, p)| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    let bar = bytes_bar(no_progress, total, "hashing");
    let mut listed = Vec::new();
    for (path, local) in files {
        let (sha256, size) = match known.get(local) {
            Some(hashed) => hashed.clone(),
            None => hash_file(local, &|n| bar.inc(n))?,
        };
        listed.push((
            PackageFile {
                path: path.clone(),
                sha256,
                size,
            },
            local.clone(),
        ));
    }
    bar.finish_and_clear();
    let refs: Vec<BlobRef> = listed
        .iter()
        .map(|(f, _)| BlobRef {
            sha256: f.sha256.clone(),
            size: f.size,
        })
        .collect();
    let answer = client.check_blobs(refs)?;
    let to_send: u64 = answer.missing.iter().map(|m| m.size).sum();
    let bar = bytes_bar(no_progress, to_send, "uploading");
    let mut bytes_sent = 0;
    for missing in &answer.missing {
        let Some((_, local)) = listed.iter().find(|(f, _)| f.sha256 == missing.sha256) else {
            continue;
        };
        let progress = bar.clone();
        client.upload(missing, local, Box::new(move |n| progress.inc(n)))?;
        bytes_sent += missing.size;
    }
    bar.finish_and_clear();
    Ok(Uploaded {
        files: listed.into_iter().map(|(f, _)| f).collect(),
        bytes_sent,
        blobs_sent: answer.missing.len(),
    })
}

pub fn run(
    args: &PublishArgs,
    registry: Option<&str>,
    printer: &Printer,
    no_progress: bool,
) -> Result<Status> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let local = LocalPackage::open(&dir)?;
    let name = local.name(args.name.as_deref())?;
    let home = DpmHome::locate()?;
    let remote = Remote::resolve(&home, registry)?;
    remote.require_token("publishing")?;
    let publisher = remote.publisher_or(args.package.publisher.as_deref())?;
    let files = local.local_files()?;

    // With --allow-invalid the report goes into the final answer, so that
    // --json prints one document.
    let mut invalid_report = None;
    if !args.skip_validate {
        let bars = Bars::new(no_progress);
        let mut options = ValidateOptions::default();
        options.infer.missing_values = vec![String::new()];
        let report = ::validate::validate_package_file(&local.descriptor_path, &options, &bars);
        if !report.valid {
            if !args.allow_invalid {
                if args.json.json {
                    printer.json(&json!({"published": false, "report": report}))?;
                } else {
                    printer.report(&report)?;
                }
                printer.status(
                    "not published: fix the errors above, or publish anyway with --allow-invalid (or --skip-validate)",
                );
                return Ok(Status::Failure);
            }
            printer.status(&format!(
                "publishing anyway (--allow-invalid): validation found {} errors",
                report.stats.errors
            ));
            invalid_report = Some(report);
        }
    }

    let client = Client::new(&remote.registry, remote.token.clone())?;
    let uploaded = upload_files(&client, &files, &Default::default(), no_progress)?;
    let request = PublishRequest {
        descriptor: local.descriptor.clone(),
        files: uploaded.files.clone(),
        force: args.force,
        visibility: args.visibility.chosen(),
        readme: local.readme(),
    };
    let published = match client.publish(&publisher, &name, &request) {
        Ok(published) => published,
        // The refusal stays underneath, so the exit code says "refused".
        Err(
            e @ ClientError::Api {
                code: ErrorCode::Conflict,
                ..
            },
        ) if !args.force && e.to_string().contains("force") => {
            return Err(anyhow::Error::new(e).context(format!(
                "{publisher}/{name} is already published: use --force to make a new revision"
            )));
        }
        Err(e) => return Err(e.into()),
    };
    print_published(
        printer,
        args.json.json,
        "published",
        &published,
        &uploaded,
        invalid_report.as_ref(),
    )?;
    Ok(Status::Success)
}

/// What `data publish` and `data push` say of a new revision: the links to
/// it and to each file's raw data, and what was sent; with `--json`, all
/// of it for scripts (`report` when the data was pushed despite errors).
pub fn print_published(
    printer: &Printer,
    json: bool,
    verb: &str,
    published: &PublishResponse,
    uploaded: &Uploaded,
    invalid_report: Option<&Report>,
) -> Result<()> {
    let base = published
        .datapackage_url
        .trim_end_matches("datapackage.json")
        .to_string();
    let data_urls: Vec<String> = uploaded
        .files
        .iter()
        .map(|f| format!("{base}{}", f.path))
        .collect();
    if json {
        return printer.json(&json!({
            "published": true,
            "owner": published.owner,
            "name": published.name,
            "revision": published.revision,
            "visibility": published.visibility,
            "datapackage_url": published.datapackage_url,
            "latest_url": published.latest_url,
            "data_urls": data_urls,
            "bytes_sent": uploaded.bytes_sent,
            "blobs_sent": uploaded.blobs_sent,
            "files": uploaded.files,
            "valid": invalid_report.is_none(),
            "report": invalid_report,
        }));
    }
    printer.line(&format!(
        "{} {verb} {}/{} revision {} ({}; {} of {} files sent, {} bytes)",
        printer.ok_text("✓"),
        published.owner,
        published.name,
        published.revision,
        published.visibility.as_str(),
        uploaded.blobs_sent,
        uploaded.files.len(),
        uploaded.bytes_sent
    ))?;
    printer.line(&format!("  {}", published.latest_url))?;
    printer.line(&format!("  {}", published.datapackage_url))?;
    for url in &data_urls {
        printer.line(&format!("  {url}"))?;
    }
    Ok(())
}
