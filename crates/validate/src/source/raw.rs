//! The raw bytes of a file on their way to a parser: counted for progress
//! and the `bytes` stat, and hashed for the `md5`/`sha256` stats and the
//! `hash-count` check, in the same pass that feeds the parser.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use std::thread::JoinHandle;

use crossbeam_channel::{bounded, Receiver, Sender};
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

/// The digests being computed.
struct Digesters {
    md5: Option<Md5>,
    sha256: Option<Sha256>,
}

impl Digesters {
    fn update(&mut self, chunk: &[u8]) {
        if let Some(h) = self.md5.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = self.sha256.as_mut() {
            h.update(chunk);
        }
    }

    fn finish(self) -> (Option<String>, Option<String>) {
        (
            self.md5.map(|h| hex::encode(h.finalize())),
            self.sha256.map(|h| hex::encode(h.finalize())),
        )
    }
}

/// Chunks waiting for the hashing thread, at most: memory stays bounded,
/// and the reader waits when the hasher falls behind.
const HASH_QUEUE: usize = 4;

/// Where the hashing happens.
enum Hashing {
    None,
    /// On the reading thread (one core).
    Inline(Digesters),
    /// On a thread of its own, fed copies of the chunks: the reader is the
    /// serial part of a run, and SHA-256 was a fifth of its work.
    Thread {
        chunks: Option<Sender<Vec<u8>>>,
        spare: Receiver<Vec<u8>>,
        buffers: usize,
        handle: Option<JoinHandle<(Option<String>, Option<String>)>>,
    },
}

impl Hashing {
    fn new(digests: Digests) -> Hashing {
        if digests == Digests::default() {
            return Hashing::None;
        }
        let digesters = Digesters {
            md5: digests.md5.then(Md5::new),
            sha256: digests.sha256.then(Sha256::new),
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            return Hashing::Inline(digesters);
        }
        let (chunk_tx, chunk_rx) = bounded::<Vec<u8>>(HASH_QUEUE);
        let (spare_tx, spare_rx) = bounded::<Vec<u8>>(HASH_QUEUE + 2);
        let spawned = std::thread::Builder::new()
            .name("hash".into())
            .spawn(move || {
                let mut digesters = digesters;
                for chunk in chunk_rx.iter() {
                    digesters.update(&chunk);
                    let _ = spare_tx.try_send(chunk);
                }
                digesters.finish()
            });
        match spawned {
            Ok(handle) => Hashing::Thread {
                chunks: Some(chunk_tx),
                spare: spare_rx,
                buffers: 0,
                handle: Some(handle),
            },
            // No thread to be had: hash here (the digesters went with the
            // failed spawn's closure, so start again; nothing was read yet).
            Err(_) => Hashing::Inline(Digesters {
                md5: digests.md5.then(Md5::new),
                sha256: digests.sha256.then(Sha256::new),
            }),
        }
    }

    fn update(&mut self, chunk: &[u8]) {
        match self {
            Hashing::None => {}
            Hashing::Inline(d) => d.update(chunk),
            Hashing::Thread {
                chunks,
                spare,
                buffers,
                ..
            } => {
                let Some(tx) = chunks.as_ref() else { return };
                // A buffer back from the hasher, a new one while there are
                // few, or else wait for one.
                let mut buffer = match spare.try_recv() {
                    Ok(buffer) => buffer,
                    Err(_) if *buffers < HASH_QUEUE + 2 => {
                        *buffers += 1;
                        Vec::with_capacity(chunk.len())
                    }
                    Err(_) => spare.recv().unwrap_or_default(),
                };
                buffer.clear();
                buffer.extend_from_slice(chunk);
                if tx.send(buffer).is_err() {
                    // The hasher is gone (it panicked): no digests.
                    *chunks = None;
                }
            }
        }
    }

    fn finish(&mut self) -> Option<(Option<String>, Option<String>)> {
        match std::mem::replace(self, Hashing::None) {
            Hashing::None => None,
            Hashing::Inline(d) => Some(d.finish()),
            Hashing::Thread {
                chunks, mut handle, ..
            } => {
                let complete = chunks.is_some();
                // Closing the channel ends the hasher's loop.
                drop(chunks);
                let digests = handle.take()?.join().ok()?;
                complete.then_some(digests)
            }
        }
    }
}

/// A reader that counts and hashes the bytes passing through it.
pub struct RawReader<R> {
    inner: R,
    hashing: Hashing,
    stats: Arc<RawStats>,
    done: bool,
}

impl<R: Read> RawReader<R> {
    pub fn new(inner: R, digests: Digests) -> RawReader<R> {
        RawReader {
            inner,
            hashing: Hashing::new(digests),
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
        let digests = self.hashing.finish().unwrap_or((None, None));
        if let Ok(mut d) = self.stats.digests.lock() {
            *d = Some(digests);
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
        self.hashing.update(&buf[..n]);
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

    #[test]
    fn hashes_many_chunks_in_order() {
        // More chunks than the hasher's queue, of many sizes.
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut r = RawReader::new(
            &data[..],
            Digests {
                md5: true,
                sha256: true,
            },
        );
        let stats = r.stats();
        let mut buf = vec![0u8; 70_001];
        let mut total = 0;
        let mut size = 1;
        loop {
            let n = r.read(&mut buf[..size]).unwrap();
            if n == 0 {
                break;
            }
            total += n;
            size = size * 3 % 70_001 + 1;
        }
        assert_eq!(total, data.len());
        let (md5, sha) = stats.digests().unwrap();
        assert_eq!(md5.unwrap(), hex::encode(Md5::digest(&data)));
        assert_eq!(sha.unwrap(), hex::encode(Sha256::digest(&data)));
    }
}
