//! Delimited text (CSV, TSV, and any single-byte delimiter) as rows.
//!
//! The `csv` crate does the parsing. Two things it does differently from
//! Python's `csv` module, which frictionless-py uses, are put back here so
//! row numbers agree cell for cell: it skips empty lines, which Python yields
//! as empty rows (frictionless reports them as `blank-row`), and it does not
//! count them. We find them from the gaps in its line numbers.

use std::collections::VecDeque;
use std::io::Read;

use csv::ByteRecord;

use crate::error::Error;
use crate::source::RowSource;

/// How to split the text into rows and cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    pub delimiter: u8,
    pub quote: u8,
    pub double_quote: bool,
    pub escape: Option<u8>,
    pub comment: Option<u8>,
    /// Python's `skipinitialspace`: trim spaces after a delimiter.
    pub skip_initial_space: bool,
}

impl Default for CsvOptions {
    fn default() -> CsvOptions {
        CsvOptions {
            delimiter: b',',
            quote: b'"',
            double_quote: true,
            escape: None,
            comment: None,
            skip_initial_space: false,
        }
    }
}

/// Rows of a delimited text read from UTF-8 bytes (decode other encodings
/// first, with [`crate::decode::DecodingReader`]).
pub struct CsvSource<R> {
    reader: csv::Reader<CrlfTracker<R>>,
    /// The reader's line count after the previous record.
    lines_before: u64,
    /// Whether the previous record ended in `\r\n`: the reader consumes
    /// such a record's `\n` only when it reads the next one.
    previous_crlf: bool,
    /// Empty lines still to hand out as empty rows before `pending`.
    blank_rows_due: u64,
    pending: Option<ByteRecord>,
    /// Rows handed out so far (blank ones included).
    emitted: u64,
    finished: bool,
    skip_initial_space: bool,
    count_blank_lines: bool,
}

impl<R: Read + Send> CsvSource<R> {
    pub fn new(input: R, options: &CsvOptions) -> CsvSource<R> {
        let mut builder = csv::ReaderBuilder::new();
        builder
            .has_headers(false)
            .flexible(true)
            .delimiter(options.delimiter)
            .quote(options.quote)
            .double_quote(options.double_quote)
            .escape(options.escape)
            .comment(options.comment)
            // Large buffer: fewer refills on multi-GB files.
            .buffer_capacity(256 * 1024);
        CsvSource {
            reader: builder.from_reader(CrlfTracker::new(input)),
            lines_before: 1,
            previous_crlf: false,
            blank_rows_due: 0,
            pending: None,
            emitted: 0,
            finished: false,
            skip_initial_space: options.skip_initial_space,
            // A skipped comment line leaves the same gap as an empty one, so
            // with comments on, gaps are not blank rows.
            count_blank_lines: options.comment.is_none(),
        }
    }

    /// Byte offset (in the decoded text) of the parser.
    pub fn text_position(&self) -> u64 {
        self.reader.position().byte()
    }

    /// Reads the next record into `record`, and counts the empty lines the
    /// reader skipped before it: the lines it consumed, less the record's
    /// own. Returns whether there was a record.
    fn read_counting(&mut self, record: &mut ByteRecord) -> Result<bool, Error> {
        let row = self.emitted + self.blank_rows_due + 1;
        let more = self
            .reader
            .read_byte_record(record)
            .map_err(|e| csv_error(e, row))?;
        let lines_after = self.reader.position().line();
        let consumed = lines_after.saturating_sub(self.lines_before);
        self.lines_before = lines_after;
        if !more {
            self.finished = true;
            // Empty lines at the very end: Python yields them as rows too.
            // A last record ending in CRLF has its newline among them.
            if self.count_blank_lines {
                self.blank_rows_due = consumed.saturating_sub(u64::from(self.previous_crlf));
            }
            return Ok(false);
        }
        // The newlines that end records: this record's own when it ends in
        // LF (one ending in CRLF has its newline consumed with the next
        // record), and the previous record's when that one ended in CRLF.
        let position = self.reader.position().byte();
        let ending = self.reader.get_mut().ending(position);
        let terminators = u64::from(self.previous_crlf) + u64::from(ending == Ending::Newline);
        self.previous_crlf = ending == Ending::Crlf;
        if self.count_blank_lines && consumed > terminators {
            // More lines than that: newlines inside quoted cells, or empty
            // lines before the record (counted only here, off the hot path).
            let inside = memchr::memchr_iter(b'\n', record.as_slice()).count() as u64;
            self.blank_rows_due = consumed.saturating_sub(inside + terminators);
        }
        Ok(true)
    }
}

impl<R: Read + Send> RowSource for CsvSource<R> {
    fn read_row(&mut self, record: &mut ByteRecord) -> Result<bool, Error> {
        let more = self.next_row(record)?;
        self.emitted += u64::from(more);
        Ok(more)
    }

    fn position(&self) -> Option<u64> {
        Some(self.text_position())
    }
}

impl<R: Read + Send> CsvSource<R> {
    fn next_row(&mut self, record: &mut ByteRecord) -> Result<bool, Error> {
        if self.blank_rows_due == 0 {
            if let Some(pending) = self.pending.as_mut() {
                std::mem::swap(record, pending);
                self.pending = None;
                return Ok(self.finish_row(record));
            }
            if self.finished {
                return Ok(false);
            }
            // The common case: read straight into the caller's buffer.
            if !self.read_counting(record)? && self.blank_rows_due == 0 {
                return Ok(false);
            }
            if self.blank_rows_due == 0 {
                return Ok(self.finish_row(record));
            }
            // Empty lines came first: keep the record for after them.
            if !self.finished {
                let mut pending = ByteRecord::new();
                std::mem::swap(&mut pending, record);
                self.pending = Some(pending);
            }
        }
        self.blank_rows_due -= 1;
        record.clear();
        Ok(true)
    }
}

impl<R> CsvSource<R> {
    /// Applies `skipInitialSpace` to a record about to be handed out.
    fn finish_row(&self, record: &mut ByteRecord) -> bool {
        if self.skip_initial_space {
            let mut trimmed = ByteRecord::with_capacity(record.as_slice().len(), record.len());
            for field in record.iter() {
                let start = field.iter().take_while(|b| **b == b' ').count();
                trimmed.push_field(&field[start..]);
            }
            *record = trimmed;
        }
        true
    }
}

/// The error for a failed read of row `row` (the row the reader was on).
/// Notes where `\r\n` pairs are in the text the CSV reader reads, so each
/// record can be told to end in CRLF or LF (files mix them), at the cost of
/// a `memchr` for `\r` over each chunk.
struct CrlfTracker<R> {
    inner: R,
    /// Bytes handed to the parser so far.
    offset: u64,
    /// Offsets of the `\r` of each `\r\n` not yet passed by the parser.
    pairs: VecDeque<u64>,
    /// A `\r` that ended the last chunk, waiting for the next byte.
    trailing_cr: Option<u64>,
    /// A byte read ahead to settle a trailing `\r`, not yet handed out.
    peeked: Option<u8>,
    /// The last byte handed out, and whether the input has ended.
    last_byte: Option<u8>,
    ended: bool,
}

impl<R: Read> CrlfTracker<R> {
    fn new(inner: R) -> CrlfTracker<R> {
        CrlfTracker {
            inner,
            offset: 0,
            pairs: VecDeque::new(),
            trailing_cr: None,
            peeked: None,
            last_byte: None,
            ended: false,
        }
    }

    /// How the record the parser finished at byte `position` ended: in
    /// `\r\n` (its `\r` is the last byte it consumed), or with no newline
    /// at all (the end of the input).
    fn ending(&mut self, position: u64) -> Ending {
        if self.ended && position == self.offset && !matches!(self.last_byte, Some(b'\n' | b'\r')) {
            return Ending::EndOfInput;
        }
        let Some(cr) = position.checked_sub(1) else {
            return Ending::Newline;
        };
        if self.trailing_cr == Some(cr) {
            // The chunk ended on this `\r`: read one byte to see what follows.
            let mut byte = [0u8; 1];
            if let Ok(1) = self.inner.read(&mut byte) {
                self.peeked = Some(byte[0]);
                if byte[0] == b'\n' {
                    self.pairs.push_back(cr);
                }
            }
            self.trailing_cr = None;
        }
        while self.pairs.front().is_some_and(|&p| p < cr) {
            self.pairs.pop_front();
        }
        if self.pairs.front() == Some(&cr) {
            Ending::Crlf
        } else {
            Ending::Newline
        }
    }
}

/// How a record ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// `\n` (or a lone `\r`, which counts no line either way).
    Newline,
    Crlf,
    EndOfInput,
}

impl<R: Read> Read for CrlfTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = match self.peeked.take() {
            Some(byte) => {
                buf[0] = byte;
                1
            }
            None => self.inner.read(buf)?,
        };
        if n == 0 {
            self.ended = true;
            return Ok(0);
        }
        let chunk = &buf[..n];
        if let Some(cr) = self.trailing_cr.take() {
            if chunk.first() == Some(&b'\n') {
                self.pairs.push_back(cr);
            }
        }
        for i in memchr::memchr_iter(b'\r', chunk) {
            match chunk.get(i + 1) {
                Some(b'\n') => self.pairs.push_back(self.offset + i as u64),
                Some(_) => {}
                None => self.trailing_cr = Some(self.offset + i as u64),
            }
        }
        self.offset += n as u64;
        self.last_byte = chunk.last().copied();
        Ok(n)
    }
}

fn csv_error(e: csv::Error, row: u64) -> Error {
    match e.kind() {
        csv::ErrorKind::Io(io) => {
            if let Some(inner) = io.get_ref() {
                return Error::encoding(format!("in row {row}: {inner}"));
            }
            Error::source(format!("Failed to read the table: {io}"))
        }
        _ => Error::format(format!("Failed to parse the table: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        let mut src = CsvSource::new(text.as_bytes(), &CsvOptions::default());
        let mut out = Vec::new();
        let mut rec = ByteRecord::new();
        while src.read_row(&mut rec).unwrap() {
            out.push(
                rec.iter()
                    .map(|f| String::from_utf8(f.to_vec()).unwrap())
                    .collect(),
            );
        }
        out
    }

    #[test]
    fn empty_lines_become_empty_rows() {
        let r = rows("a,b\n1,2\n\n3,4\n");
        assert_eq!(r.len(), 4);
        assert!(r[2].is_empty());
        assert_eq!(r[3], vec!["3", "4"]);
    }

    #[test]
    fn quoted_newlines_are_one_row_and_keep_numbering() {
        let r = rows("a,b\n\"x\ny\",2\n\n3,4\n");
        assert_eq!(r.len(), 4);
        assert_eq!(r[1][0], "x\ny");
        assert!(r[2].is_empty());
    }

    #[test]
    fn crlf_and_no_final_newline() {
        let r = rows("a,b\r\n1,2\r\n\r\n3,4");
        assert_eq!(r.len(), 4);
        assert!(r[2].is_empty());
    }

    #[test]
    fn trailing_empty_lines_are_rows() {
        let r = rows("a,b\n1,2\n\n\n");
        assert_eq!(r.len(), 4, "{r:?}");
        assert!(r[2].is_empty() && r[3].is_empty());
        // A single final newline is no row.
        assert_eq!(rows("a,b\n1,2\n").len(), 2);
    }

    #[test]
    fn leading_empty_lines_are_rows() {
        let r = rows("\na,b\n1,2\n");
        assert_eq!(r.len(), 3);
        assert!(r[0].is_empty());
    }

    #[test]
    fn crlf_blank_lines_everywhere() {
        let r = rows("\r\na,b\r\n\r\n1,2\r\n\r\n");
        let shapes: Vec<usize> = r.iter().map(Vec::len).collect();
        assert_eq!(shapes, vec![0, 2, 0, 2, 0]);
        assert_eq!(rows("a,b\r\n1,2\r\n").len(), 2);
        assert_eq!(rows("a,b\r\n1,2").len(), 2);
    }

    #[test]
    fn quoted_newlines_in_crlf_files() {
        let r = rows("a,b\r\n\"x\r\ny\",2\r\n\r\n3,4\r\n");
        let shapes: Vec<usize> = r.iter().map(Vec::len).collect();
        assert_eq!(shapes, vec![2, 2, 0, 2]);
    }

    #[test]
    fn mixed_line_endings_keep_row_numbers() {
        let shapes = |text: &str| rows(text).iter().map(Vec::len).collect::<Vec<_>>();
        assert_eq!(shapes("a,b\r\n1,2\n3,4\n"), vec![2, 2, 2]);
        assert_eq!(shapes("a,b\n1,2\r\n"), vec![2, 2]);
        assert_eq!(shapes("a,b\n1,2\r\n\r\n3,4\n\n"), vec![2, 2, 0, 2, 0]);
        // A quoted LF in a CRLF header.
        assert_eq!(shapes("\"a\nx\",b\r\n1,2\r\n"), vec![2, 2]);
    }

    #[test]
    fn crlf_pairs_split_across_reads_are_found() {
        // A reader that hands out one byte at a time.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let Some((first, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = *first;
                self.0 = rest;
                Ok(1)
            }
        }
        let mut src = CsvSource::new(
            Trickle(b"a,b\r\n1,2\r\n\r\n3,4\r\n"),
            &CsvOptions::default(),
        );
        let mut rec = ByteRecord::new();
        let mut lens = Vec::new();
        while src.read_row(&mut rec).unwrap() {
            lens.push(rec.len());
        }
        assert_eq!(lens, vec![2, 2, 0, 2]);
    }

    #[test]
    fn ragged_rows_are_kept() {
        let r = rows("a,b\n1\n1,2,3\n");
        assert_eq!(r[1], vec!["1"]);
        assert_eq!(r[2], vec!["1", "2", "3"]);
    }
}
