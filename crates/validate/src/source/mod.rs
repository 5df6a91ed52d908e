//! Table sources: each turns one file into rows of text cells, header row
//! included, in the order of the file.
//!
//! Every row is a `csv::ByteRecord` holding UTF-8 text: a compact buffer that
//! the CSV reader fills without copying and that the other readers fill with
//! `push_field`. Typed spreadsheet cells arrive as text too (dates as ISO
//! 8601, integral floats without a `.0`), so one caster serves every format.

pub mod csv;
pub mod excel;
pub mod json;
pub mod raw;

use crate::error::Error;

/// A table read row by row.
pub trait RowSource: Send {
    /// Reads the next row into `record` (cleared first); `Ok(false)` at the end.
    fn read_row(&mut self, record: &mut ::csv::ByteRecord) -> Result<bool, Error>;

    /// Bytes of the underlying file consumed so far, for progress, if known.
    fn position(&self) -> Option<u64> {
        None
    }
}
