//! The raw bytes of a file on their way to a parser: counted for progress
//! and the `bytes` stat, and hashed for the `md5`/`sha256` stats and the
//! `hash-count` check, in the same pass that feeds the parser.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use md5::Md5;
use sha2::{Digest, Sha256};

/// Which digests to compute while reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Digests {
    pub md5: bool,
    pub sha256: bool,
}

/// What a [`RawReader`] saw, shared with whoever reports on it.
#[derive(Debug, Default)]
pub struct RawStats {
    bytes: AtomicU64,
    digests: Mutex<Option<(Option<String>, Option<String>)>>,
}

impl RawStats {
    /// Bytes read so far (also from another thread, for progress).
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// The hex digests `(md5, sha256)`, once the reader reached the end.
    pub fn digests(&self) -> Option<(Option<String>, Option<String>)> {
        self.digests.lock().ok().and_then(|d| d.clone())
    }
}

/// A reader that counts and hashes the bytes passing through it.
pub struct RawReader<R> {
    inner: R,
    md5: Option<Md5>,
    sha256: Option<Sha256>,
    stats: Arc<RawStats>,
    done: bool,
}

impl<R: Read> RawReader<R> {
    pub fn new(inner: R, digests: Digests) -> RawReader<R> {
        RawReader {
            inner,
            md5: digests.md5.then(Md5::new),
            sha256: digests.sha256.then(Sha256::new),
            stats: Arc::new(RawStats::default()),
            done: false,
        }
    }

    pub fn stats(&self) -> Arc<RawStats> {
        Arc::clone(&self.stats)
    }

    fn finish(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        let md5 = self.md5.take().map(|h| hex::encode(h.finalize()));
        let sha256 = self.sha256.take().map(|h| hex::encode(h.finalize()));
        if let Ok(mut d) = self.stats.digests.lock() {
            *d = Some((md5, sha256));
        }
    }
}

impl<R: Read> Read for RawReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if !buf.is_empty() {
                self.finish();
            }
            return Ok(0);
        }
        let chunk = &buf[..n];
        if let Some(h) = self.md5.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = self.sha256.as_mut() {
            h.update(chunk);
        }
        self.stats.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_hashes() {
        let mut r = RawReader::new(
            &b"abc"[..],
            Digests {
                md5: true,
                sha256: true,
            },
        );
        let stats = r.stats();
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(stats.bytes(), 3);
        let (md5, sha) = stats.digests().unwrap();
        assert_eq!(md5.unwrap(), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            sha.unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
