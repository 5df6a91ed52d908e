//! Content-addressed blobs in an object store: a local folder by default,
//! S3 (or any S3-compatible server) by configuration.
//!
//! A blob lives at `sha256/ab/cd/<hash>` and appears there only once its
//! size and SHA-256 have been checked: bytes streamed through the server go
//! to a multipart upload that is completed only when they match (aborted
//! otherwise, leaving nothing); bytes sent straight to S3 with a presigned
//! URL land under `uploads/<uuid>` and are hashed and copied into place by
//! [`BlobStore::verify_staged`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::signer::Signer;
use object_store::{ObjectStore, WriteMultipart};
use sha2::{Digest, Sha256};

/// Parts of a multipart upload (S3 wants at least 5 MiB).
const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts in flight at once: bounds the memory of one upload.
const PARTS_IN_FLIGHT: usize = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageUrl {
    Local(PathBuf),
    S3 { bucket: String, prefix: String },
}

impl StorageUrl {
    /// `s3://bucket[/prefix]`, `file://PATH` or a bare path.
    pub fn parse(url: &str) -> Result<StorageUrl, String> {
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(format!("{url:?} names no bucket: use s3://BUCKET/PREFIX"));
            }
            Ok(StorageUrl::S3 {
                bucket: bucket.to_string(),
                prefix: prefix.trim_matches('/').to_string(),
            })
        } else if let Some(path) = url.strip_prefix("file://") {
            Ok(StorageUrl::Local(PathBuf::from(path)))
        } else if url.contains("://") {
            Err(format!(
                "{url:?} is not a storage this server knows: use s3://BUCKET/PREFIX or a folder"
            ))
        } else {
            Ok(StorageUrl::Local(PathBuf::from(url)))
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("failed to open the blob store at {what}")]
    Open {
        what: String,
        #[source]
        source: object_store::Error,
    },
    #[error("failed to create the blob folder {path}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Url(String),
}

/// Why an upload was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the upload sent {got} bytes but {expected} were declared")]
    SizeMismatch { expected: u64, got: u64 },
    #[error("the bytes have SHA-256 {got}, not {expected}")]
    HashMismatch { expected: String, got: String },
    #[error("the upload is larger than the declared {expected} bytes")]
    TooLong { expected: u64 },
    #[error("the upload was cut off: {0}")]
    Body(String),
    #[error("nothing was uploaded under this id")]
    NoStagedUpload,
    /// The server could not hash what it received (no thread to be had).
    #[error("the server cannot hash uploads now: {0}")]
    Hashing(String),
    #[error("blob store: {0}")]
    Store(#[from] object_store::Error),
}

/// SHA-256 on a thread of its own, fed the chunks as they arrive, so the
/// task receiving an upload only reads the socket and queues the writes
/// (hashing inline made the server's receive loop the slowest part of an
/// upload: about 1.5 s for 1 GB against 0.9 s of hashing).
struct BackgroundHash {
    chunks: Option<tokio::sync::mpsc::Sender<Bytes>>,
    digest: Option<tokio::sync::oneshot::Receiver<String>>,
}

impl BackgroundHash {
    fn start() -> Result<BackgroundHash, UploadError> {
        // A few MB queued at most: the hasher is faster than loopback.
        let (chunks, mut queue) = tokio::sync::mpsc::channel::<Bytes>(256);
        let (done, digest) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("upload-sha256".into())
            .spawn(move || {
                let mut hasher = Sha256::new();
                while let Some(chunk) = queue.blocking_recv() {
                    hasher.update(&chunk);
                }
                let _ = done.send(hex::encode(hasher.finalize()));
            })
            .map_err(|e| UploadError::Hashing(e.to_string()))?;
        Ok(BackgroundHash {
            chunks: Some(chunks),
            digest: Some(digest),
        })
    }

    async fn update(&mut self, chunk: Bytes) -> Result<(), UploadError> {
        let sent = match &self.chunks {
            Some(chunks) => chunks.send(chunk).await.is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            Err(UploadError::Body("the hashing thread stopped".into()))
        }
    }

    /// The hex digest of everything fed.
    async fn finish(&mut self) -> Result<String, UploadError> {
        // Closing the queue ends the thread's loop.
        self.chunks = None;
        match self.digest.take() {
            Some(digest) => digest
                .await
                .map_err(|_| UploadError::Body("the hashing thread stopped".into())),
            None => Err(UploadError::Body("the hash was already taken".into())),
        }
    }
}

#[derive(Clone)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    /// Set on S3: signs URLs for direct uploads and downloads.
    signer: Option<Arc<AmazonS3>>,
    /// Set on a local folder: where blob files are, for ranged reads.
    local: Option<Arc<LocalFileSystem>>,
    prefix: String,
    description: String,
}

impl BlobStore {
    pub fn open(url: &StorageUrl) -> Result<BlobStore, StorageError> {
        match url {
            StorageUrl::Local(root) => {
                std::fs::create_dir_all(root).map_err(|source| StorageError::CreateDir {
                    path: root.clone(),
                    source,
                })?;
                let local = Arc::new(LocalFileSystem::new_with_prefix(root).map_err(|source| {
                    StorageError::Open {
                        what: root.display().to_string(),
                        source,
                    }
                })?);
                Ok(BlobStore {
                    store: local.clone(),
                    signer: None,
                    local: Some(local),
                    prefix: String::new(),
                    description: format!("local folder {}", root.display()),
                })
            }
            StorageUrl::S3 { bucket, prefix } => {
                let s3 = Arc::new(
                    AmazonS3Builder::from_env()
                        .with_bucket_name(bucket)
                        .build()
                        .map_err(|source| StorageError::Open {
                            what: format!("s3://{bucket}/{prefix}"),
                            source,
                        })?,
                );
                Ok(BlobStore {
                    store: s3.clone(),
                    signer: Some(s3),
                    local: None,
                    prefix: prefix.clone(),
                    description: format!("s3://{bucket}/{prefix}"),
                })
            }
        }
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    pub fn kind(&self) -> &'static str {
        if self.signer.is_some() {
            "s3"
        } else {
            "local"
        }
    }

    /// True when clients send and fetch bytes with presigned URLs.
    pub fn presigns(&self) -> bool {
        self.signer.is_some()
    }

    fn key(&self, relative: &str) -> Path {
        if self.prefix.is_empty() {
            Path::from(relative)
        } else {
            Path::from(format!("{}/{relative}", self.prefix))
        }
    }

    /// `sha256/ab/cd/<hash>`.
    pub fn blob_key(&self, sha256: &str) -> Path {
        self.key(&format!(
            "sha256/{}/{}/{sha256}",
            &sha256[0..2],
            &sha256[2..4]
        ))
    }

    fn staging_key(&self, upload_id: &uuid::Uuid) -> Path {
        self.key(&format!("uploads/{upload_id}"))
    }

    /// The size of the stored blob, or `None` when it is not there.
    pub async fn size_of(&self, sha256: &str) -> Result<Option<u64>, object_store::Error> {
        match self.store.head(&self.blob_key(sha256)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Streams `body` into place as blob `sha256`, checking on the way that
    /// it is exactly `size` bytes with that hash. On any mismatch or a body
    /// that breaks off, the upload is aborted and nothing is stored.
    pub async fn put_verified<S, E>(
        &self,
        sha256: &str,
        size: u64,
        mut body: S,
    ) -> Result<(), UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        // The hasher first: failing to start it leaves no upload to abort.
        let mut hasher = BackgroundHash::start()?;
        let upload = self.store.put_multipart(&self.blob_key(sha256)).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        let mut received: u64 = 0;
        let outcome: Result<(), UploadError> = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| UploadError::Body(e.to_string()))?;
                received += chunk.len() as u64;
                if received > size {
                    return Err(UploadError::TooLong { expected: size });
                }
                hasher.update(chunk.clone()).await?;
                writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
                writer.put(chunk);
            }
            if received != size {
                return Err(UploadError::SizeMismatch {
                    expected: size,
                    got: received,
                });
            }
            let got = hasher.finish().await?;
            if got != sha256 {
                return Err(UploadError::HashMismatch {
                    expected: sha256.to_string(),
                    got,
                });
            }
            Ok(())
        }
        .await;
        match outcome {
            Ok(()) => {
                writer.finish().await?;
                Ok(())
            }
            Err(e) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, "failed to abort a refused upload");
                }
                Err(e)
            }
        }
    }

    /// A new upload id and a presigned PUT URL for it (S3 only).
    pub async fn presign_upload(
        &self,
        expires: Duration,
    ) -> Result<(uuid::Uuid, url::Url), object_store::Error> {
        let signer = self
            .signer
            .as_ref()
            .ok_or_else(|| object_store::Error::NotSupported {
                source: "presigned uploads need an S3 store".into(),
            })?;
        let id = uuid::Uuid::new_v4();
        let url = signer
            .signed_url(http::Method::PUT, &self.staging_key(&id), expires)
            .await?;
        Ok((id, url))
    }

    /// Checks the bytes uploaded under `upload_id` and, when they are
    /// `size` bytes with hash `sha256`, moves them into place. The staged
    /// object is removed either way.
    pub async fn verify_staged(
        &self,
        upload_id: &uuid::Uuid,
        sha256: &str,
        size: u64,
    ) -> Result<(), UploadError> {
        let staged = self.staging_key(upload_id);
        let meta = match self.store.head(&staged).await {
            Ok(meta) => meta,
            Err(object_store::Error::NotFound { .. }) => return Err(UploadError::NoStagedUpload),
            Err(e) => return Err(e.into()),
        };
        let outcome = async {
            if meta.size != size {
                return Err(UploadError::SizeMismatch {
                    expected: size,
                    got: meta.size,
                });
            }
            let mut stream = self.store.get(&staged).await?.into_stream();
            let mut hasher = Sha256::new();
            while let Some(chunk) = stream.next().await {
                hasher.update(&chunk?);
            }
            let got = hex::encode(hasher.finalize());
            if got != sha256 {
                return Err(UploadError::HashMismatch {
                    expected: sha256.to_string(),
                    got,
                });
            }
            self.store.copy(&staged, &self.blob_key(sha256)).await?;
            Ok(())
        }
        .await;
        if let Err(e) = self.store.delete(&staged).await {
            tracing::warn!(error = %e, "failed to delete a staged upload");
        }
        outcome
    }

    /// A presigned GET (or HEAD) URL for a blob (S3 only).
    pub async fn presign_download(
        &self,
        sha256: &str,
        head: bool,
        expires: Duration,
    ) -> Result<Option<url::Url>, object_store::Error> {
        let method = if head {
            http::Method::HEAD
        } else {
            http::Method::GET
        };
        match &self.signer {
            Some(signer) => Ok(Some(
                signer
                    .signed_url(method, &self.blob_key(sha256), expires)
                    .await?,
            )),
            None => Ok(None),
        }
    }

    /// The file holding a blob, on a local store.
    pub fn local_file(&self, sha256: &str) -> Option<PathBuf> {
        let local = self.local.as_ref()?;
        local.path_to_filesystem(&self.blob_key(sha256)).ok()
    }

    /// A blob's bytes as a stream.
    pub async fn read(
        &self,
        sha256: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, object_store::Error>> + use<>, object_store::Error>
    {
        Ok(self.store.get(&self.blob_key(sha256)).await?.into_stream())
    }

    pub async fn delete(&self, sha256: &str) -> Result<(), object_store::Error> {
        match self.store.delete(&self.blob_key(sha256)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// A lower-case, 64-digit hex SHA-256.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_urls() {
        assert_eq!(
            StorageUrl::parse("s3://bucket/some/prefix/").unwrap(),
            StorageUrl::S3 {
                bucket: "bucket".into(),
                prefix: "some/prefix".into()
            }
        );
        assert!(StorageUrl::parse("s3:///x").is_err());
        assert!(StorageUrl::parse("gs://bucket").is_err());
        assert_eq!(
            StorageUrl::parse("/var/blobs").unwrap(),
            StorageUrl::Local(PathBuf::from("/var/blobs"))
        );
    }

    fn sha(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    fn chunks(
        parts: Vec<Result<&'static [u8], &'static str>>,
    ) -> impl Stream<Item = Result<Bytes, String>> + Unpin {
        futures_util::stream::iter(
            parts
                .into_iter()
                .map(|p| p.map(Bytes::from_static).map_err(str::to_string)),
        )
    }

    #[tokio::test]
    async fn a_verified_upload_is_stored_and_a_bad_one_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(&StorageUrl::Local(dir.path().to_path_buf())).unwrap();
        let good = sha(b"hello world");
        store
            .put_verified(&good, 11, chunks(vec![Ok(b"hello "), Ok(b"world")]))
            .await
            .unwrap();
        assert_eq!(store.size_of(&good).await.unwrap(), Some(11));

        // wrong hash, wrong size, too long, cut off: nothing stays behind
        let other = sha(b"other bytes");
        let cases: Vec<Vec<Result<&'static [u8], &'static str>>> = vec![
            vec![Ok(b"other bytez")],
            vec![Ok(b"other")],
            vec![Ok(b"other bytes and more")],
            vec![Ok(b"other "), Err("connection reset")],
        ];
        for parts in cases {
            let err = store
                .put_verified(&other, 11, chunks(parts))
                .await
                .unwrap_err();
            assert!(!matches!(err, UploadError::Store(_)), "{err}");
            assert_eq!(store.size_of(&other).await.unwrap(), None);
        }
        let leftovers: Vec<_> = walk(dir.path());
        assert_eq!(leftovers.len(), 1, "only the good blob: {leftovers:?}");
    }

    fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }
}
