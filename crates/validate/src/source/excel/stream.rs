//! Rows read on a thread and handed over in batches: the xlsx and ods
//! readers stream their sheets this way, in bounded memory.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};
use csv::ByteRecord;

use super::format_error;
use crate::error::Error;

/// Rows handed over at a time.
const BATCH_ROWS: usize = 256;

pub(super) type Batch = Result<Vec<ByteRecord>, Error>;

pub(super) struct StreamRows {
    rows: Receiver<Batch>,
    batch: std::vec::IntoIter<ByteRecord>,
    cancel: Arc<AtomicBool>,
    finished: bool,
}

impl StreamRows {
    /// Runs `work` on a thread; the rows it writes arrive in `read_row`.
    pub(super) fn spawn<F>(label: String, work: F) -> Result<StreamRows, Error>
    where
        F: FnOnce(&mut RowWriter<'_>) -> Result<(), Error> + Send + 'static,
    {
        let (sender, rows) = crossbeam_channel::bounded(4);
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&cancel);
        // The thread ends on its own once the reader is dropped (it sets
        // `cancel`, and sends fail), so it is not joined.
        std::thread::Builder::new()
            .name("sheet-reader".into())
            .spawn(move || {
                let mut writer = RowWriter::new(&sender, &stop);
                let outcome = catch_unwind(AssertUnwindSafe(|| work(&mut writer)));
                let outcome = outcome
                    .unwrap_or_else(|_| Err(format_error(&label, "the workbook is malformed")));
                writer.flush();
                if let Err(error) = outcome {
                    let _ = sender.send(Err(error));
                }
            })
            .map_err(|e| Error::source(format!("Failed to start a sheet reader: {e}")))?;
        Ok(StreamRows {
            rows,
            batch: Vec::new().into_iter(),
            cancel,
            finished: false,
        })
    }

    pub(super) fn read_row(&mut self, record: &mut ByteRecord) -> Result<bool, Error> {
        loop {
            if let Some(row) = self.batch.next() {
                *record = row;
                return Ok(true);
            }
            if self.finished {
                record.clear();
                return Ok(false);
            }
            match self.rows.recv() {
                Ok(Ok(batch)) => self.batch = batch.into_iter(),
                Ok(Err(error)) => {
                    self.finished = true;
                    record.clear();
                    return Err(error);
                }
                Err(_) => self.finished = true,
            }
        }
    }
}

impl Drop for StreamRows {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The writing end of a [`StreamRows`]: batches rows onto the channel.
pub(super) struct RowWriter<'a> {
    sender: &'a Sender<Batch>,
    stop: &'a AtomicBool,
    batch: Vec<ByteRecord>,
}

impl<'a> RowWriter<'a> {
    pub(super) fn new(sender: &'a Sender<Batch>, stop: &'a AtomicBool) -> RowWriter<'a> {
        RowWriter {
            sender,
            stop,
            batch: Vec::with_capacity(BATCH_ROWS),
        }
    }

    /// Has the reader gone away?
    pub(super) fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Queues a row; `false` when the reader has gone and work should stop.
    pub(super) fn push(&mut self, record: ByteRecord) -> bool {
        self.batch.push(record);
        if self.batch.len() >= BATCH_ROWS {
            let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH_ROWS));
            if self.sender.send(Ok(batch)).is_err() {
                self.stop.store(true, Ordering::Relaxed);
            }
        }
        !self.stopped()
    }

    pub(super) fn flush(&mut self) {
        if !self.batch.is_empty() && !self.stopped() {
            let _ = self.sender.send(Ok(std::mem::take(&mut self.batch)));
        }
    }
}
