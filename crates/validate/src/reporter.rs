//! Progress of long runs, reported to whoever drives the engine (the CLI
//! draws a bar with it); the engine itself never prints.

/// Receives progress while a table is read. Calls come from the thread that
/// runs the validation, at most every few thousand rows.
pub trait Reporter: Sync {
    /// A table is about to be read; `total_bytes` is its size when known.
    fn start(&self, _name: &str, _total_bytes: Option<u64>) {}
    /// Bytes of the table read so far.
    fn progress(&self, _bytes: u64) {}
    /// The table is done.
    fn finish(&self, _name: &str) {}
}

/// A reporter that ignores everything.
pub struct Silent;

impl Reporter for Silent {}
