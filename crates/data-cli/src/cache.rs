//! The local cache of `data get`, in `~/.dpm/cache/v1`:
//!
//! - `blobs/sha256/ab/<hash>`: each file's bytes, stored once by SHA-256,
//!   checked on arrival and again when read, and kept read-only so a hard
//!   link to one cannot be edited in place by accident;
//! - `packages/<registry>/<owner>/<name>/<selector>.json`: what a revision
//!   is (its descriptor, the server's ETag, the files and their blobs), so
//!   a warm `data get` sends If-None-Match and, on 304, reads everything
//!   from here;
//! - `tmp/`: files being written; each is renamed into place only once
//!   it is whole and checked, so a crash never leaves a half-written blob.
//!
//! The `v1` folder is the format's version: a new layout gets a new folder.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{bail, Context, Result};
use registry_api::package::PackageFile;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The layout version, as the name of the cache's root folder.
const VERSION_DIR: &str = "v1";

/// Marks the folder as a cache for backup tools (https://bford.info/cachedir/).
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by `data` (Frictionless Data Package client).\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";

/// The manifest format written by this version.
pub const MANIFEST_FORMAT: u32 = 1;

/// The cache's `v1` folder.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

/// What a package revision is, as fetched from one registry with one
/// selector (`latest`, a revision number or a tag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub registry: String,
    pub owner: String,
    pub name: String,
    /// `latest`, the revision number, or the tag, as asked for.
    pub selector: String,
    /// The server's ETag of the descriptor, sent back as If-None-Match.
    pub etag: Option<String>,
    pub revision: i64,
    /// The descriptor exactly as the registry served it.
    pub descriptor: String,
    pub files: Vec<PackageFile>,
}

/// A cached blob, once checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobState {
    /// Not in the cache.
    Missing,
    /// Present, with the expected size and SHA-256.
    Valid,
    /// Present but damaged (wrong size or hash); it has been removed.
    Corrupt,
}

impl Cache {
    /// Opens (creating if needed) the cache under `dir` (`~/.dpm/cache`).
    pub fn open(dir: &Path) -> Result<Cache> {
        let root = dir.join(VERSION_DIR);
        for sub in ["blobs/sha256", "packages", "tmp"] {
            let path = root.join(sub);
            fs::create_dir_all(&path)
                .with_context(|| format!("failed to create the cache folder {}", path.display()))?;
        }
        for tagged in [dir, root.as_path()] {
            let tag = tagged.join("CACHEDIR.TAG");
            if !tag.exists() {
                // Best effort: a missing tag only matters to backup tools.
                let _ = fs::write(&tag, CACHEDIR_TAG);
            }
        }
        Ok(Cache { root })
    }

    #[cfg(test)]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob with this SHA-256 lives (whether or not it is there).
    pub fn blob_path(&self, sha256: &str) -> Result<PathBuf> {
        if !is_sha256_hex(sha256) {
            bail!("{sha256:?} is not a SHA-256 (64 lower-case hex digits)");
        }
        Ok(self
            .root
            .join("blobs/sha256")
            .join(&sha256[..2])
            .join(sha256))
    }

    /// Checks a cached blob's size and SHA-256 (reading it whole); a damaged
    /// one is removed so that it is fetched again.
    pub fn check_blob(&self, sha256: &str, size: u64) -> Result<BlobState> {
        let path = self.blob_path(sha256)?;
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BlobState::Missing),
            Err(e) => return Err(e).with_context(|| format!("failed to read {}", path.display())),
        };
        let meta = file
            .metadata()
            .with_context(|| format!("failed to read {}", path.display()))?;
        let intact = meta.is_file()
            && meta.len() == size
            && hash_reader(file)
                .with_context(|| format!("failed to read {}", path.display()))?
                .0
                == sha256;
        if intact {
            return Ok(BlobState::Valid);
        }
        remove_file(&path)?;
        Ok(BlobState::Corrupt)
    }

    /// Stores a blob: `fill` writes its bytes into a temporary file, which
    /// is kept only when its size and SHA-256 are the expected ones. Returns
    /// the bytes written.
    pub fn store_blob(
        &self,
        sha256: &str,
        size: u64,
        fill: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<u64> {
        let path = self.blob_path(sha256)?;
        let tmp = self.temp_path();
        let result = (|| {
            let file = File::create(&tmp)
                .with_context(|| format!("failed to create {}", tmp.display()))?;
            let mut writer = HashingWriter {
                inner: BufWriter::with_capacity(1 << 20, file),
                hasher: Sha256::new(),
                bytes: 0,
            };
            fill(&mut writer)?;
            let HashingWriter {
                inner,
                hasher,
                bytes,
            } = writer;
            let file = inner
                .into_inner()
                .map_err(io::IntoInnerError::into_error)
                .with_context(|| format!("failed to write {}", tmp.display()))?;
            let actual = hex::encode(hasher.finalize());
            if bytes != size || actual != sha256 {
                bail!(
                    "the registry sent {bytes} bytes with SHA-256 {actual}, but the file is {size} bytes with SHA-256 {sha256}: not kept"
                );
            }
            file.sync_all()
                .with_context(|| format!("failed to write {}", tmp.display()))?;
            let mut permissions = file
                .metadata()
                .with_context(|| format!("failed to read {}", tmp.display()))?
                .permissions();
            permissions.set_readonly(true);
            fs::set_permissions(&tmp, permissions)
                .with_context(|| format!("failed to protect {}", tmp.display()))?;
            let dir = path.parent().context("a blob has a folder")?;
            fs::create_dir_all(dir)
                .with_context(|| format!("failed to create {}", dir.display()))?;
            fs::rename(&tmp, &path).with_context(|| {
                format!("failed to move {} to {}", tmp.display(), path.display())
            })?;
            Ok(bytes)
        })();
        if result.is_err() {
            let _ = remove_file(&tmp);
        }
        result
    }

    /// The manifest's file for one registry, package and selector.
    pub fn manifest_path(
        &self,
        registry: &str,
        owner: &str,
        name: &str,
        selector: &str,
    ) -> PathBuf {
        self.root
            .join("packages")
            .join(sanitize(registry))
            .join(sanitize(owner))
            .join(sanitize(name))
            .join(format!("{}.json", sanitize(selector)))
    }

    /// The manifest kept for this selector, if there is a readable one that
    /// is about this package.
    pub fn load_manifest(
        &self,
        registry: &str,
        owner: &str,
        name: &str,
        selector: &str,
    ) -> Option<Manifest> {
        let path = self.manifest_path(registry, owner, name, selector);
        let text = fs::read_to_string(path).ok()?;
        let manifest: Manifest = serde_json::from_str(&text).ok()?;
        let matches = manifest.format == MANIFEST_FORMAT
            && manifest.registry == registry
            && manifest.owner == owner
            && manifest.name == name
            && manifest.selector == selector
            && manifest.files.iter().all(|f| is_sha256_hex(&f.sha256));
        matches.then_some(manifest)
    }

    /// Writes the manifest under its own selector.
    pub fn save_manifest(&self, manifest: &Manifest) -> Result<()> {
        let path = self.manifest_path(
            &manifest.registry,
            &manifest.owner,
            &manifest.name,
            &manifest.selector,
        );
        let text = serde_json::to_string_pretty(manifest).context("failed to write a manifest")?;
        let dir = path.parent().context("a manifest has a folder")?;
        fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
        let tmp = self.temp_path();
        let result = fs::write(&tmp, text.as_bytes())
            .with_context(|| format!("failed to write {}", tmp.display()))
            .and_then(|()| {
                fs::rename(&tmp, &path)
                    .with_context(|| format!("failed to write {}", path.display()))
            });
        if result.is_err() {
            let _ = remove_file(&tmp);
        }
        result
    }

    /// A fresh name in `tmp/`, unique across threads and processes.
    fn temp_path(&self) -> PathBuf {
        self.root
            .join("tmp")
            .join(format!("{}.part", unique_temp_name()))
    }
}

/// A file name no other writer uses at the same time: process, time, counter.
pub fn unique_temp_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        ".data-{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The SHA-256 (hex) and length of everything `reader` yields.
pub fn hash_reader(mut reader: impl Read) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), total))
}

pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A path segment from a registry URL, name or selector: letters, digits,
/// `.`, `_` and `-` stay; anything else (`:`, `/`) becomes `_`.
fn sanitize(s: &str) -> String {
    let out: String = s
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let scheme = if s.starts_with("https://") {
        "https_"
    } else if s.starts_with("http://") {
        "http_"
    } else {
        ""
    };
    let out = format!("{scheme}{out}");
    // Never `.` or `..`, never empty.
    if out.is_empty() || out.chars().all(|c| c == '.') {
        format!("_{out}")
    } else {
        out
    }
}

/// Removes a file, read-only or not; a missing one is fine.
fn remove_file(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            // Windows refuses to remove read-only files.
            if let Ok(meta) = fs::metadata(path) {
                let mut permissions = meta.permissions();
                #[allow(clippy::permissions_set_readonly_false)]
                permissions.set_readonly(false);
                let _ = fs::set_permissions(path, permissions);
            }
            fs::remove_file(path).with_context(|| format!("failed to remove {}", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("failed to remove {}", path.display())),
    }
}

/// Writes through to `inner`, hashing and counting on the way.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    fn cache() -> (tempfile::TempDir, Cache) {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache")).unwrap();
        (dir, cache)
    }

    #[test]
    fn a_versioned_root_with_a_cachedir_tag() {
        let (dir, cache) = cache();
        assert!(cache.root().ends_with("cache/v1"));
        let tag = fs::read_to_string(dir.path().join("cache/v1/CACHEDIR.TAG")).unwrap();
        assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
    }

    #[test]
    fn a_blob_is_stored_once_by_hash_and_checked() {
        let (_dir, cache) = cache();
        let bytes = b"year,gdp\n2020,1.5\n";
        let hash = sha(bytes);
        assert_eq!(
            cache.check_blob(&hash, bytes.len() as u64).unwrap(),
            BlobState::Missing
        );
        let written = cache
            .store_blob(&hash, bytes.len() as u64, |w| Ok(w.write_all(bytes)?))
            .unwrap();
        assert_eq!(written, bytes.len() as u64);
        let path = cache.blob_path(&hash).unwrap();
        assert!(path.ends_with(format!("blobs/sha256/{}/{hash}", &hash[..2])));
        assert_eq!(fs::read(&path).unwrap(), bytes);
        assert!(fs::metadata(&path).unwrap().permissions().readonly());
        assert_eq!(
            cache.check_blob(&hash, bytes.len() as u64).unwrap(),
            BlobState::Valid
        );
        // Storing it again replaces it with the same bytes.
        cache
            .store_blob(&hash, bytes.len() as u64, |w| Ok(w.write_all(bytes)?))
            .unwrap();
        assert_eq!(fs::read(&path).unwrap(), bytes);
        assert_eq!(fs::read_dir(cache.root().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn bytes_that_do_not_match_are_refused_and_leave_nothing() {
        let (_dir, cache) = cache();
        let hash = sha(b"the right bytes");
        let err = cache
            .store_blob(&hash, 15, |w| Ok(w.write_all(b"the wrong bytes")?))
            .unwrap_err();
        assert!(err.to_string().contains("not kept"), "{err}");
        let err = cache
            .store_blob(&hash, 15, |w| Ok(w.write_all(b"short")?))
            .unwrap_err();
        assert!(err.to_string().contains("5 bytes"), "{err}");
        // A failing download leaves nothing either.
        assert!(cache
            .store_blob(&hash, 15, |w| {
                w.write_all(b"the ")?;
                bail!("connection reset")
            })
            .is_err());
        assert_eq!(cache.check_blob(&hash, 15).unwrap(), BlobState::Missing);
        assert_eq!(fs::read_dir(cache.root().join("tmp")).unwrap().count(), 0);
        assert!(cache.blob_path("../../etc/passwd").is_err());
    }

    #[test]
    fn a_corrupted_blob_is_detected_and_removed_so_it_is_fetched_again() {
        let (_dir, cache) = cache();
        let bytes = b"a,b\n1,2\n";
        let hash = sha(bytes);
        let size = bytes.len() as u64;
        cache
            .store_blob(&hash, size, |w| Ok(w.write_all(bytes)?))
            .unwrap();
        let path = cache.blob_path(&hash).unwrap();
        // Same size, different bytes: only the hash can tell.
        let mut permissions = fs::metadata(&path).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        fs::set_permissions(&path, permissions).unwrap();
        fs::write(&path, b"a,b\n1,3\n").unwrap();
        assert_eq!(cache.check_blob(&hash, size).unwrap(), BlobState::Corrupt);
        assert!(!path.exists());
        assert_eq!(cache.check_blob(&hash, size).unwrap(), BlobState::Missing);
        // Fetched again, it is whole.
        cache
            .store_blob(&hash, size, |w| Ok(w.write_all(bytes)?))
            .unwrap();
        assert_eq!(cache.check_blob(&hash, size).unwrap(), BlobState::Valid);
        // A truncated one too.
        fs::remove_file(&path).unwrap();
        fs::write(&path, b"a,b\n").unwrap();
        assert_eq!(cache.check_blob(&hash, size).unwrap(), BlobState::Corrupt);
    }

    #[test]
    fn manifests_round_trip_and_are_kept_per_registry_and_selector() {
        let (_dir, cache) = cache();
        let manifest = Manifest {
            format: MANIFEST_FORMAT,
            registry: "http://127.0.0.1:8080".into(),
            owner: "alice".into(),
            name: "gdp".into(),
            selector: "latest".into(),
            etag: Some("\"0123abcd\"".into()),
            revision: 3,
            descriptor: "{\n  \"name\": \"gdp\"\n}".into(),
            files: vec![PackageFile {
                path: "data/gdp.csv".into(),
                sha256: sha(b"x"),
                size: 1,
            }],
        };
        cache.save_manifest(&manifest).unwrap();
        let path = cache.manifest_path("http://127.0.0.1:8080", "alice", "gdp", "latest");
        assert!(path.ends_with("packages/http_127.0.0.1_8080/alice/gdp/latest.json"));
        assert_eq!(
            cache.load_manifest("http://127.0.0.1:8080", "alice", "gdp", "latest"),
            Some(manifest.clone())
        );
        assert_eq!(
            cache.load_manifest("http://127.0.0.1:8080", "alice", "gdp", "3"),
            None
        );
        assert_eq!(
            cache.load_manifest("https://other.example", "alice", "gdp", "latest"),
            None
        );
        // A damaged manifest is as good as none.
        fs::write(&path, "{not json").unwrap();
        assert_eq!(
            cache.load_manifest("http://127.0.0.1:8080", "alice", "gdp", "latest"),
            None
        );
        assert_eq!(fs::read_dir(cache.root().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn names_become_safe_path_segments() {
        assert_eq!(
            sanitize("https://data.example.org/reg"),
            "https_data.example.org_reg"
        );
        assert_eq!(sanitize(".."), "_..");
        assert_eq!(sanitize(""), "_");
        assert_eq!(sanitize("v1.0"), "v1.0");
    }
}
