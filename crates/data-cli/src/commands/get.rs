//! `data get OWNER/NAME[@TAG|@REV] [--out DIR]`: fetch a package revision
//! into the cache (only the blobs it lacks, each checked on arrival), then
//! write `DIR/datapackage.json` and the files, hard-linked from the cache
//! where the file system allows.
//!
//! A warm get sends the ETag kept in the cache's manifest; on 304 nothing
//! more is asked of the registry.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use indicatif::ProgressBar;
use registry_api::names;
use registry_api::package::PackageFile;
use serde_json::json;

use crate::cache::{self, BlobState, Cache, Manifest, MANIFEST_FORMAT};
use crate::cli::GetArgs;
use crate::client::{Client, ClientError, Descriptor, Selector};
use crate::commands::Status;
use crate::printer::Printer;
use crate::progress;
use crate::settings::{DpmHome, Remote};

/// The descriptor's file name in the written folder.
const DESCRIPTOR: &str = "datapackage.json";

pub fn run(
    args: &GetArgs,
    registry: Option<&str>,
    printer: &Printer,
    no_progress: bool,
) -> Result<Status> {
    let spec = Spec::parse(&args.spec)?;
    let home = DpmHome::locate()?;
    let remote = Remote::resolve(&home, registry)?;
    remote.note_token_problem(printer);
    let cache = Cache::open(&home.cache_dir())?;
    let client = Client::new(&remote.registry, remote.token.clone())?;

    let fetched = fetch(
        &client,
        &cache,
        &remote.registry,
        &spec,
        printer,
        no_progress,
    )?;
    let Fetched {
        manifest,
        not_modified,
        downloaded,
        bytes_downloaded,
    } = fetched;

    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => PathBuf::from(spec.default_dir(&manifest.descriptor)),
    };
    materialize(&cache, &manifest, &out)?;

    let shown_out = display_dir(&out);
    if args.json.json {
        printer.json(&json!({
            "owner": spec.owner,
            "name": spec.name,
            "revision": manifest.revision,
            "out": out.display().to_string(),
            "files": manifest.files.len(),
            "bytes_downloaded": bytes_downloaded,
            "not_modified": not_modified,
        }))?;
    } else {
        let what = if downloaded > 0 {
            format!(
                "{} {}, {} downloaded",
                manifest.files.len(),
                if manifest.files.len() == 1 {
                    "file"
                } else {
                    "files"
                },
                human_bytes(bytes_downloaded)
            )
        } else if not_modified {
            "up to date: 0 bytes downloaded".to_string()
        } else {
            format!(
                "{} {}, all in the cache: 0 bytes downloaded",
                manifest.files.len(),
                if manifest.files.len() == 1 {
                    "file"
                } else {
                    "files"
                },
            )
        };
        printer.line(&format!(
            "{} fetched {}/{} revision {} into {shown_out} ({what})",
            printer.ok_text("✓"),
            spec.owner,
            spec.name,
            manifest.revision
        ))?;
    }
    Ok(Status::Success)
}

/// A revision in the cache: its manifest, and what fetching it cost.
pub struct Fetched {
    pub manifest: Manifest,
    /// The cached manifest was still current (the registry answered 304).
    pub not_modified: bool,
    /// Blobs downloaded.
    pub downloaded: usize,
    pub bytes_downloaded: u64,
}

/// Brings a revision into the cache: its manifest (one conditional GET
/// when cached) and every blob it lacks, each checked. `data cat` and
/// `data diff` read the blobs from there.
pub fn fetch(
    client: &Client,
    cache: &Cache,
    registry: &str,
    spec: &Spec,
    printer: &Printer,
    no_progress: bool,
) -> Result<Fetched> {
    let (manifest, not_modified) = fetch_manifest(client, cache, registry, spec)?;
    check_files(&manifest.files)?;

    // Every blob is checked (size and SHA-256) before it is used: a hard
    // link edited in place, or a damaged disk, shows here.
    let mut needed: Vec<&PackageFile> = Vec::new();
    let mut seen = HashSet::new();
    let mut repaired = 0usize;
    for file in &manifest.files {
        if !seen.insert(file.sha256.as_str()) {
            continue;
        }
        match cache.check_blob(&file.sha256, file.size)? {
            BlobState::Valid => {}
            BlobState::Missing => needed.push(file),
            BlobState::Corrupt => {
                repaired += 1;
                needed.push(file);
            }
        }
    }
    if repaired > 0 {
        printer.status(&format!(
            "warning: {repaired} cached {} damaged (changed since it was fetched?); fetching again",
            if repaired == 1 {
                "file was"
            } else {
                "files were"
            }
        ));
    }
    let bytes_downloaded = download(client, cache, &manifest, &needed, no_progress)?;
    if !not_modified {
        cache.save_manifest(&manifest)?;
        // A revision never changes: keep it under its number too, so that
        // `get OWNER/NAME@N` later is a 304 as well.
        let by_number = manifest.revision.to_string();
        if manifest.selector != by_number {
            cache.save_manifest(&Manifest {
                selector: by_number,
                ..manifest.clone()
            })?;
        }
    }

    Ok(Fetched {
        not_modified,
        downloaded: needed.len(),
        bytes_downloaded,
        manifest,
    })
}

/// `OWNER/NAME[@TAG|@REV]`, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub owner: String,
    pub name: String,
    pub selector: Selector,
}

impl Spec {
    pub fn parse(spec: &str) -> Result<Spec> {
        let usage = "expected OWNER/NAME, OWNER/NAME@TAG or OWNER/NAME@REVISION (e.g. alice/gdp@2)";
        let (package, at) = match spec.split_once('@') {
            Some((package, at)) => (package, Some(at)),
            None => (spec, None),
        };
        let Some((owner, name)) = package.split_once('/') else {
            bail!("{spec:?}: {usage}");
        };
        if name.contains('/') {
            bail!("{spec:?} has more than one \"/\": {usage}");
        }
        names::check_publisher_name(owner).map_err(|e| anyhow::anyhow!("{spec:?}: {e}"))?;
        // An unlisted package is also reachable by its link's UUID.
        if !names::looks_like_uuid(name) {
            names::check_package_name(name).map_err(|e| anyhow::anyhow!("{spec:?}: {e}"))?;
        }
        let selector = match at {
            None | Some("latest") => Selector::Latest,
            Some("") => bail!("{spec:?} ends with \"@\": {usage}"),
            Some(n) if n.bytes().all(|b| b.is_ascii_digit()) => {
                let revision: i64 = n
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .with_context(|| format!("{spec:?}: revisions are numbered from 1"))?;
                Selector::Revision(revision)
            }
            Some(tag) => {
                names::check_tag_name(tag).map_err(|e| anyhow::anyhow!("{spec:?}: {e}"))?;
                Selector::Tag(tag.to_string())
            }
        };
        Ok(Spec {
            owner: owner.to_string(),
            name: name.to_string(),
            selector,
        })
    }

    /// The selector as the cache names it: `latest`, `3`, or the tag (tags
    /// are never all digits nor `latest`, so these never collide).
    fn key(&self) -> String {
        match &self.selector {
            Selector::Latest => "latest".to_string(),
            Selector::Revision(n) => n.to_string(),
            Selector::Tag(tag) => tag.clone(),
        }
    }

    /// `./NAME`; for a package asked for by its UUID, the descriptor's name.
    fn default_dir(&self, descriptor: &str) -> String {
        if names::looks_like_uuid(&self.name) {
            let own = serde_json::from_str::<serde_json::Value>(descriptor)
                .ok()
                .and_then(|v| v.get("name")?.as_str().map(str::to_string))
                .filter(|n| names::check_package_name(n).is_ok());
            if let Some(own) = own {
                return own;
            }
        }
        self.name.clone()
    }
}

/// The revision's manifest: the cached one when the registry answers 304 to
/// its ETag for the same revision, else a new one from the descriptor and
/// the file list. The flag says whether the cached one was still current.
fn fetch_manifest(
    client: &Client,
    cache: &Cache,
    registry: &str,
    spec: &Spec,
) -> Result<(Manifest, bool)> {
    let key = spec.key();
    let cached = cache.load_manifest(registry, &spec.owner, &spec.name, &key);
    let etag = cached.as_ref().and_then(|m| m.etag.as_deref());
    let (answer, answered_revision) =
        client.descriptor_with_revision(&spec.owner, &spec.name, &spec.selector, etag)?;
    let (text, etag, revision) = match answer {
        Descriptor::NotModified => {
            let manifest = cached.ok_or_else(|| {
                misbehaved("the registry answered 304 Not Modified to a request that had no ETag")
            })?;
            match answered_revision {
                // The ETag is the descriptor's: a newer revision with the
                // same descriptor (new data only) answers 304 too. The
                // descriptor is the cached one; the files may not be.
                Some(revision) if revision != manifest.revision => {
                    (manifest.descriptor, manifest.etag, revision)
                }
                _ => return Ok((manifest, true)),
            }
        }
        Descriptor::Fetched {
            text,
            etag,
            revision,
        } => {
            let revision = revision.ok_or_else(|| misbehaved(
                "the registry did not say which revision it sent (no X-Data-Revision header): is it a data registry?",
            ))?;
            (text, etag, revision)
        }
    };
    // The file list of exactly that revision, even if another is published
    // in between.
    let info = client
        .info(&spec.owner, &spec.name, &Selector::Revision(revision))
        .with_context(|| {
            format!(
                "failed to list the files of {}/{} revision {revision}",
                spec.owner, spec.name
            )
        })?;
    Ok((
        Manifest {
            format: MANIFEST_FORMAT,
            registry: registry.to_string(),
            owner: spec.owner.clone(),
            name: spec.name.clone(),
            selector: key,
            etag,
            revision,
            descriptor: text,
            files: info.files,
        },
        false,
    ))
}

/// Refuses a file list that could write outside the folder, or over the
/// descriptor: the registry checks it, and so do we.
fn check_files(files: &[PackageFile]) -> Result<(), ClientError> {
    let mut paths = HashSet::new();
    for file in files {
        let path = file.path.as_str();
        datapackage::validate::safe_relative_path(path)
            .map_err(|e| misbehaved(format!("the registry lists an unsafe file path: {e}")))?;
        if datapackage::is_url(path) {
            return Err(misbehaved(format!(
                "the registry lists a URL, {path:?}, as a file of the package"
            )));
        }
        if path == DESCRIPTOR || path.split('/').any(|s| s == ".") {
            return Err(misbehaved(format!(
                "the registry lists an unsafe file path: {path:?}"
            )));
        }
        if !cache::is_sha256_hex(&file.sha256) {
            return Err(misbehaved(format!(
                "the registry lists {path:?} with {:?}, which is not a SHA-256",
                file.sha256
            )));
        }
        if !paths.insert(path) {
            return Err(misbehaved(format!("the registry lists {path:?} twice")));
        }
    }
    Ok(())
}

/// The error for an answer no registry should give.
fn misbehaved(what: impl Into<String>) -> ClientError {
    ClientError::Misbehaved(what.into())
}

/// Downloads the blobs the cache lacks, each into a temporary file that is
/// kept only if its size and SHA-256 match. Returns the bytes received.
fn download(
    client: &Client,
    cache: &Cache,
    manifest: &Manifest,
    needed: &[&PackageFile],
    no_progress: bool,
) -> Result<u64> {
    if needed.is_empty() {
        return Ok(0);
    }
    let total: u64 = needed.iter().map(|f| f.size).sum();
    let bar = progress::bytes_bar(no_progress, total, "downloading");
    let mut received = 0;
    for file in needed {
        bar.set_message(file.path.clone());
        received += cache
            .store_blob(&file.sha256, file.size, |out| {
                let mut out = BarWriter {
                    inner: out,
                    bar: &bar,
                };
                client.download(
                    &manifest.owner,
                    &manifest.name,
                    manifest.revision,
                    &url_path(&file.path),
                    &mut out,
                )?;
                Ok(())
            })
            .with_context(|| format!("failed to download {}", file.path))?;
    }
    bar.finish_and_clear();
    Ok(received)
}

/// A file path as a URL path: `?` and `#` would end it, so they are
/// escaped; the rest is escaped where needed by the URL parser.
fn url_path(path: &str) -> String {
    path.replace('?', "%3F").replace('#', "%23")
}

/// Writes the descriptor and every file into `out`. A file that already
/// has the right bytes is left alone; a different one is replaced (through
/// a rename, so a symbolic link is replaced, never followed).
fn materialize(cache: &Cache, manifest: &Manifest, out: &Path) -> Result<()> {
    fs::create_dir_all(out).with_context(|| format!("failed to create {}", out.display()))?;
    let descriptor = out.join(DESCRIPTOR);
    if !same_bytes(&descriptor, manifest.descriptor.as_bytes())? {
        refuse_folder(&descriptor)?;
        let tmp = out.join(cache::unique_temp_name());
        let written = fs::write(&tmp, manifest.descriptor.as_bytes())
            .and_then(|()| fs::rename(&tmp, &descriptor));
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(e).with_context(|| format!("failed to write {}", descriptor.display()));
        }
    }
    for file in &manifest.files {
        let blob = cache.blob_path(&file.sha256)?;
        let dest = prepare_dest(out, &file.path)?;
        if holds(&dest, &blob, file)? {
            continue;
        }
        refuse_folder(&dest)?;
        let dir = dest.parent().context("a file has a folder")?;
        let tmp = dir.join(cache::unique_temp_name());
        let placed = match fs::hard_link(&blob, &tmp) {
            Ok(()) => Ok(()),
            // Another file system, or one without links: copy.
            Err(_) => copy_file(&blob, &tmp),
        }
        .and_then(|()| fs::rename(&tmp, &dest));
        if let Err(e) = placed {
            let _ = fs::remove_file(&tmp);
            return Err(e).with_context(|| format!("failed to write {}", dest.display()));
        }
    }
    Ok(())
}

/// `out/path`, with its folders created; a folder on the way that is a
/// symbolic link (or a file) is refused, so nothing is written outside.
fn prepare_dest(out: &Path, path: &str) -> Result<PathBuf> {
    let segments: Vec<&str> = path.split('/').collect();
    let mut dest = out.to_path_buf();
    for (i, segment) in segments.iter().enumerate() {
        dest.push(segment);
        if i + 1 == segments.len() {
            break;
        }
        match fs::symlink_metadata(&dest) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => bail!(
                "{} is in the way of {path} (a file or a symbolic link, not a folder): move it away",
                dest.display()
            ),
            Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(&dest) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dest.is_dir() => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("failed to create {}", dest.display()))
                }
            },
            Err(e) => return Err(e).with_context(|| format!("failed to read {}", dest.display())),
        }
    }
    Ok(dest)
}

/// Whether `dest` is a regular file with the blob's bytes: the blob itself
/// (a hard link made earlier), or a file of the same size and SHA-256.
fn holds(dest: &Path, blob: &Path, file: &PackageFile) -> Result<bool> {
    let meta = match fs::symlink_metadata(dest) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e).with_context(|| format!("failed to read {}", dest.display())),
    };
    if !meta.is_file() || meta.len() != file.size {
        return Ok(false);
    }
    if is_same_file(&meta, blob) {
        return Ok(true);
    }
    let (sha256, _) = File::open(dest)
        .and_then(cache::hash_reader)
        .with_context(|| format!("failed to read {}", dest.display()))?;
    Ok(sha256 == file.sha256)
}

#[cfg(unix)]
fn is_same_file(meta: &fs::Metadata, other: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(other).is_ok_and(|o| o.dev() == meta.dev() && o.ino() == meta.ino())
}

#[cfg(not(unix))]
fn is_same_file(_meta: &fs::Metadata, _other: &Path) -> bool {
    false
}

/// Whether `path` is a regular file holding exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> Result<bool> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            let existing =
                fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
            Ok(existing == bytes)
        }
        Ok(_) => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("failed to read {}", path.display())),
    }
}

/// A folder where a file goes is not replaced: it may hold someone's work.
fn refuse_folder(path: &Path) -> Result<()> {
    if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        bail!(
            "{} is a folder, where the package has a file: move it away",
            path.display()
        );
    }
    Ok(())
}

/// Copies into a new, writable file (a copy shares nothing with the cache).
fn copy_file(from: &Path, to: &Path) -> io::Result<()> {
    let mut source = File::open(from)?;
    let mut target = File::create(to)?;
    io::copy(&mut source, &mut target)?;
    target.flush()
}

/// `./gdp` for a relative folder, the path itself otherwise.
fn display_dir(dir: &Path) -> String {
    let shown = dir.display().to_string();
    if dir.is_relative() && !shown.starts_with('.') {
        format!("./{shown}")
    } else {
        shown
    }
}

/// Sizes as people read them: `512 B`, `1.2 MB`, `3.4 GB` (powers of 1000).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} {}", if n == 1 { "byte" } else { "bytes" });
    }
    let mut value = n as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Moves the progress bar as bytes are written.
struct BarWriter<'a> {
    inner: &'a mut dyn Write,
    bar: &'a ProgressBar,
}

impl Write for BarWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_name_a_package_and_a_revision_or_tag() {
        let spec = Spec::parse("alice/gdp").unwrap();
        assert_eq!((spec.owner.as_str(), spec.name.as_str()), ("alice", "gdp"));
        assert_eq!(spec.selector, Selector::Latest);
        assert_eq!(spec.key(), "latest");
        assert_eq!(
            Spec::parse("alice/gdp@latest").unwrap().selector,
            Selector::Latest
        );
        let spec = Spec::parse("alice/gdp@3").unwrap();
        assert_eq!(spec.selector, Selector::Revision(3));
        assert_eq!(spec.key(), "3");
        let spec = Spec::parse("alice/gdp@v1.0").unwrap();
        assert_eq!(spec.selector, Selector::Tag("v1.0".into()));
        assert_eq!(spec.key(), "v1.0");
        for bad in [
            "gdp",
            "alice/gdp/x",
            "alice/gdp@",
            "alice/gdp@0",
            "alice/GDP",
            "Alice/gdp",
            "alice/gdp@v 1",
            "alice/../gdp",
            "alice/gdp@99999999999999999999999",
        ] {
            assert!(Spec::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn unsafe_file_lists_are_refused() {
        let file = |path: &str| PackageFile {
            path: path.into(),
            sha256: "a".repeat(64),
            size: 1,
        };
        assert!(check_files(&[file("data/a.csv"), file("b.csv")]).is_ok());
        for bad in [
            "../x.csv",
            "/etc/passwd",
            "a/../../x",
            "https://e.org/x.csv",
            DESCRIPTOR,
            "./a.csv",
            "a\\b.csv",
        ] {
            assert!(check_files(&[file(bad)]).is_err(), "{bad} was accepted");
        }
        assert!(check_files(&[file("a.csv"), file("a.csv")]).is_err());
        let mut bad_hash = file("a.csv");
        bad_hash.sha256 = "../x".into();
        assert!(check_files(&[bad_hash]).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn materializing_links_from_the_cache_and_never_follows_links_out() {
        use sha2::{Digest, Sha256};
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache")).unwrap();
        let bytes = b"year,gdp\n2020,1.5\n";
        let sha256 = hex::encode(Sha256::digest(bytes));
        cache
            .store_blob(&sha256, bytes.len() as u64, |w| Ok(w.write_all(bytes)?))
            .unwrap();
        let manifest = Manifest {
            format: MANIFEST_FORMAT,
            registry: "http://127.0.0.1:1".into(),
            owner: "alice".into(),
            name: "gdp".into(),
            selector: "latest".into(),
            etag: None,
            revision: 1,
            descriptor: "{\"name\": \"gdp\"}".into(),
            files: vec![PackageFile {
                path: "data/gdp.csv".into(),
                sha256: sha256.clone(),
                size: bytes.len() as u64,
            }],
        };
        let out = dir.path().join("out");
        materialize(&cache, &manifest, &out).unwrap();
        assert_eq!(fs::read(out.join("data/gdp.csv")).unwrap(), bytes);
        assert_eq!(
            fs::read_to_string(out.join(DESCRIPTOR)).unwrap(),
            manifest.descriptor
        );
        let meta = fs::metadata(out.join("data/gdp.csv")).unwrap();
        assert!(is_same_file(&meta, &cache.blob_path(&sha256).unwrap()));
        // Again: nothing to do, nothing changes.
        materialize(&cache, &manifest, &out).unwrap();
        assert_eq!(fs::read(out.join("data/gdp.csv")).unwrap(), bytes);

        // A different file is replaced; a symbolic link is replaced, and
        // what it pointed at is untouched.
        let outside = dir.path().join("outside.csv");
        fs::write(&outside, b"precious").unwrap();
        fs::remove_file(out.join("data/gdp.csv")).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("data/gdp.csv")).unwrap();
        materialize(&cache, &manifest, &out).unwrap();
        assert_eq!(fs::read(&outside).unwrap(), b"precious");
        assert!(fs::symlink_metadata(out.join("data/gdp.csv"))
            .unwrap()
            .is_file());
        assert_eq!(fs::read(out.join("data/gdp.csv")).unwrap(), bytes);

        // A folder on the way that is a link out is refused.
        let elsewhere = dir.path().join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        let out2 = dir.path().join("out2");
        fs::create_dir(&out2).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out2.join("data")).unwrap();
        let err = materialize(&cache, &manifest, &out2).unwrap_err();
        assert!(err.to_string().contains("in the way"), "{err}");
        assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_bytes(0), "0 bytes");
        assert_eq!(human_bytes(999), "999 bytes");
        assert_eq!(human_bytes(1_234_567), "1.2 MB");
        assert_eq!(human_bytes(999_999), "1.0 MB");
        assert_eq!(display_dir(Path::new("gdp")), "./gdp");
        assert_eq!(display_dir(Path::new("/tmp/gdp")), "/tmp/gdp");
    }
}
