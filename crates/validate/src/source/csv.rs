//! Delimited text (CSV, TSV, and any single-byte delimiter) as rows.
//!
//! The `csv` crate does the parsing. Two things it does differently from
//! Python's `csv` module, which frictionless-py uses, are put back here so
//! row numbers agree cell for cell: it skips empty lines, which Python yields
//! as empty rows (frictionless reports them as `blank-row`), and it does not
//! count them. We find them from the gaps in its line numbers.

use std::io::{BufRead, BufReader, Read};

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
    reader: csv::Reader<BufReader<R>>,
    /// The reader's line count after the previous record.
    lines_before: u64,
    /// Records read so far.
    records: u64,
    /// Whether records end in `\r\n`: the reader then consumes a record's
    /// `\n` only when it reads the next one, which shifts its line count.
    crlf: bool,
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
        // Large buffer: fewer refills on multi-GB files.
        let mut input = BufReader::with_capacity(256 * 1024, input);
        let crlf = input
            .fill_buf()
            .ok()
            .and_then(|head| memchr::memchr(b'\n', head).map(|i| i > 0 && head[i - 1] == b'\r'))
            .unwrap_or(false);
        let mut builder = csv::ReaderBuilder::new();
        builder
            .has_headers(false)
            .flexible(true)
            .delimiter(options.delimiter)
            .quote(options.quote)
            .double_quote(options.double_quote)
            .escape(options.escape)
            .comment(options.comment)
            .buffer_capacity(64 * 1024);
        CsvSource {
            reader: builder.from_reader(input),
            lines_before: 1,
            records: 0,
            crlf,
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
            // With CRLF the last record's own newline is among them.
            let own = u64::from(self.crlf && self.records > 0);
            if self.count_blank_lines {
                self.blank_rows_due = consumed.saturating_sub(own);
            }
            return Ok(false);
        }
        // One newline per record is its terminator: the record's own (LF),
        // or the previous record's, consumed late (CRLF); the first CRLF
        // record has none yet.
        let terminator = u64::from(!(self.crlf && self.records == 0));
        if self.count_blank_lines && consumed > terminator {
            // More lines than one: newlines inside quoted cells, or empty
            // lines before the record (counted only here, off the hot path).
            let inside = memchr::memchr_iter(b'\n', record.as_slice()).count() as u64;
            self.blank_rows_due = consumed.saturating_sub(inside + terminator);
        }
        self.records += 1;
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
    fn ragged_rows_are_kept() {
        let r = rows("a,b\n1\n1,2,3\n");
        assert_eq!(r[1], vec!["1"]);
        assert_eq!(r[2], vec!["1", "2", "3"]);
    }
}
