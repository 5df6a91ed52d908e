//! The parallel engine under validation and inference.
//!
//! One thread reads rows into batches; workers turn each batch into a result
//! (casts, checks, type votes); the calling thread takes the results back in
//! file order, so everything order-dependent (unique keys, the error limit,
//! the report) stays sequential and deterministic. Batches are recycled, and
//! every channel is bounded, so memory does not grow with the file.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender};
use csv::ByteRecord;

use crate::error::Error;
use crate::source::RowSource;

/// Rows handed to a worker at once: large enough that channel overhead
/// vanishes, small enough to stay in cache.
const BATCH_ROWS: usize = 2048;

/// A run of consecutive rows.
pub struct Batch {
    pub rows: Vec<ByteRecord>,
    /// Number of rows in use (the rest are spare buffers).
    pub len: usize,
    /// Row number (frictionless numbering) of `rows[0]`.
    pub first_row_number: u64,
    seq: u64,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            rows: Vec::new(),
            len: 0,
            first_row_number: 0,
            seq: 0,
        }
    }

    /// The rows in use with their row numbers.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &ByteRecord)> {
        let first = self.first_row_number;
        self.rows[..self.len]
            .iter()
            .enumerate()
            .map(move |(i, r)| (first + i as u64, r))
    }
}

/// How many worker threads to use: one per core, the reader shares.
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(1)
}

/// What the reading stopped on.
pub struct RunOutcome {
    /// Rows read (fewer than the file's if the sink stopped early).
    pub rows: u64,
    /// A read error after `rows` rows, if reading failed.
    pub error: Option<Error>,
    /// Whether the sink asked to stop before the end.
    pub stopped: bool,
}

/// Reads every row of `source` (numbering the first `first_row_number`),
/// maps each batch with `work` on `threads` workers, and feeds the results to
/// `sink` in file order. `sink` may stop the run early with `Break`.
pub fn run<T, W, S>(
    source: &mut dyn RowSource,
    first_row_number: u64,
    threads: usize,
    work: W,
    sink: S,
) -> RunOutcome
where
    T: Send,
    W: Fn(&Batch) -> T + Sync,
    S: FnMut(&Batch, T) -> ControlFlow<()>,
{
    run_with(
        source,
        first_row_number,
        threads,
        || (),
        |_, b| work(b),
        sink,
    )
}

/// [`run`], with a state per worker made by `init` (its own copies of
/// what would otherwise be shared between threads, such as regex caches).
pub fn run_with<T, L, I, W, S>(
    source: &mut dyn RowSource,
    first_row_number: u64,
    threads: usize,
    init: I,
    work: W,
    mut sink: S,
) -> RunOutcome
where
    T: Send,
    I: Fn() -> L + Sync,
    W: Fn(&mut L, &Batch) -> T + Sync,
    S: FnMut(&Batch, T) -> ControlFlow<()>,
{
    let threads = threads.max(1);
    let in_flight = threads * 4;
    // A fixed pool of batches: the reader waits for one to come back rather
    // than allocate, so memory stays bounded however slow one batch is.
    let pool = in_flight * 2 + 2;
    let (work_tx, work_rx) = bounded::<Batch>(in_flight);
    let (done_tx, done_rx) = bounded::<(Batch, T)>(in_flight);
    let (recycle_tx, recycle_rx) = bounded::<Batch>(pool);
    for _ in 0..pool {
        let _ = recycle_tx.send(Batch::new());
    }
    let stop = AtomicBool::new(false);
    let worker_panicked = AtomicBool::new(false);

    let (outcome, sink_panic) = std::thread::scope(|scope| {
        let stop = &stop;
        let worker_panicked = &worker_panicked;
        let recycle_rx = &recycle_rx;
        // The reader owns the work sender: when it is done, the workers see
        // the channel close and finish, which closes the results channel.
        let reader =
            scope.spawn(move || read_batches(source, first_row_number, &work_tx, recycle_rx, stop));
        for _ in 0..threads {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            let work = &work;
            let init = &init;
            scope.spawn(move || {
                let mut local = init();
                for batch in work_rx.iter() {
                    // A panic must not leave the others waiting for this
                    // batch: stop the run, and let it end with an error.
                    let result =
                        match panic::catch_unwind(AssertUnwindSafe(|| work(&mut local, &batch))) {
                            Ok(result) => result,
                            Err(_) => {
                                worker_panicked.store(true, Ordering::Relaxed);
                                stop.store(true, Ordering::Relaxed);
                                break;
                            }
                        };
                    if done_tx.send((batch, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(work_rx);
        drop(done_tx);

        let (stopped, sink_panic) = collect(&done_rx, &recycle_tx, stop, &mut sink);
        drop(recycle_tx);
        // Drain so the workers and the reader can finish.
        for _ in done_rx.iter() {}
        let (rows, mut error) = reader.join().unwrap_or_else(|_| {
            (
                0,
                Some(Error::source("internal error: the reader thread panicked")),
            )
        });
        if worker_panicked.load(Ordering::Relaxed) {
            error = Some(Error::source(
                "internal error: a validation thread panicked; please report this file",
            ));
        }
        (
            RunOutcome {
                rows,
                error,
                stopped,
            },
            sink_panic,
        )
    });
    if let Some(payload) = sink_panic {
        panic::resume_unwind(payload);
    }
    outcome
}

fn read_batches(
    source: &mut dyn RowSource,
    first_row_number: u64,
    work_tx: &Sender<Batch>,
    recycle_rx: &Receiver<Batch>,
    stop: &AtomicBool,
) -> (u64, Option<Error>) {
    let mut rows = 0u64;
    let mut seq = 0u64;
    loop {
        if stop.load(Ordering::Relaxed) {
            return (rows, None);
        }
        // Wait for a free batch, looking at `stop` now and then.
        let mut batch = loop {
            if stop.load(Ordering::Relaxed) {
                return (rows, None);
            }
            match recycle_rx.recv_timeout(Duration::from_millis(50)) {
                Ok(batch) => break batch,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return (rows, None),
            }
        };
        batch.len = 0;
        batch.seq = seq;
        batch.first_row_number = first_row_number + rows;
        let mut error = None;
        while batch.len < BATCH_ROWS {
            if batch.rows.len() == batch.len {
                batch.rows.push(ByteRecord::new());
            }
            match source.read_row(&mut batch.rows[batch.len]) {
                Ok(true) => batch.len += 1,
                Ok(false) => break,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        let full = batch.len == BATCH_ROWS;
        rows += batch.len as u64;
        if batch.len > 0 && work_tx.send(batch).is_err() {
            return (rows, error);
        }
        seq += 1;
        if !full || error.is_some() {
            return (rows, error);
        }
    }
}

/// Hands results to `sink` in order; returns whether the sink stopped the
/// run, and the payload of a panic in the sink (re-raised by the caller once
/// the threads are done).
fn collect<T, S>(
    done_rx: &Receiver<(Batch, T)>,
    recycle_tx: &Sender<Batch>,
    stop: &AtomicBool,
    sink: &mut S,
) -> (bool, Option<Box<dyn std::any::Any + Send>>)
where
    S: FnMut(&Batch, T) -> ControlFlow<()>,
{
    let mut next = 0u64;
    let mut waiting: BTreeMap<u64, (Batch, T)> = BTreeMap::new();
    for (batch, result) in done_rx.iter() {
        waiting.insert(batch.seq, (batch, result));
        while let Some((batch, result)) = waiting.remove(&next) {
            next += 1;
            let flow = match panic::catch_unwind(AssertUnwindSafe(|| sink(&batch, result))) {
                Ok(flow) => flow,
                Err(payload) => {
                    stop.store(true, Ordering::Relaxed);
                    return (true, Some(payload));
                }
            };
            let _ = recycle_tx.try_send(batch);
            if flow.is_break() {
                stop.store(true, Ordering::Relaxed);
                return (true, None);
            }
        }
    }
    (false, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Numbers(u64, u64);

    impl RowSource for Numbers {
        fn read_row(&mut self, record: &mut ByteRecord) -> Result<bool, Error> {
            if self.0 == self.1 {
                return Ok(false);
            }
            record.clear();
            record.push_field(self.0.to_string().as_bytes());
            self.0 += 1;
            Ok(true)
        }
    }

    #[test]
    fn results_come_back_in_order_with_row_numbers() {
        let mut source = Numbers(0, 10_000);
        let mut seen = Vec::new();
        let outcome = run(
            &mut source,
            2,
            3,
            |b: &Batch| {
                b.iter()
                    .map(|(n, r)| (n, r[0].to_vec()))
                    .collect::<Vec<_>>()
            },
            |_, rows| {
                seen.extend(rows);
                ControlFlow::Continue(())
            },
        );
        assert_eq!(outcome.rows, 10_000);
        assert!(!outcome.stopped && outcome.error.is_none());
        assert_eq!(seen.len(), 10_000);
        for (i, (n, v)) in seen.iter().enumerate() {
            assert_eq!(*n, i as u64 + 2);
            assert_eq!(v, i.to_string().as_bytes());
        }
    }

    #[test]
    fn a_panicking_worker_ends_the_run_with_an_error() {
        let mut source = Numbers(0, 1_000_000);
        let outcome = run(
            &mut source,
            2,
            2,
            |b: &Batch| {
                if b.first_row_number > 10_000 {
                    panic!("boom");
                }
                b.len
            },
            |_, _| ControlFlow::Continue(()),
        );
        assert!(outcome.error.is_some());
        assert!(outcome.rows < 1_000_000);
    }

    #[test]
    fn a_panicking_sink_panics_the_caller_without_hanging() {
        let result = std::panic::catch_unwind(|| {
            let mut source = Numbers(0, 1_000_000);
            run(
                &mut source,
                2,
                2,
                |b: &Batch| b.len,
                |b, _| {
                    if b.first_row_number > 10_000 {
                        panic!("sink");
                    }
                    ControlFlow::Continue(())
                },
            )
        });
        assert!(result.is_err());
    }

    #[test]
    fn sink_can_stop_early() {
        let mut source = Numbers(0, 1_000_000);
        let mut batches = 0;
        let outcome = run(
            &mut source,
            2,
            2,
            |b: &Batch| b.len,
            |_, _| {
                batches += 1;
                if batches == 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        assert!(outcome.stopped);
        assert!(outcome.rows < 1_000_000);
    }
}
