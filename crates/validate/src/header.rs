//! Finding the header row and turning labels into field names, the way
//! frictionless-py does, so both tools agree on where the data starts.

use csv::ByteRecord;

use crate::error::Error;
use crate::source::RowSource;

/// Rows frictionless looks at to find the header.
pub const HEADER_SAMPLE_ROWS: usize = 100;

/// The index (0-based) of the header row among the first rows of a table.
///
/// frictionless takes the first row whose width is within 10% (at least one
/// cell) of the average width of the sample, so that titles or notes above a
/// table are skipped; it falls back to the first row. Rows before the header
/// are not data, but row numbers still count them.
pub fn find_header_row(sample: &[ByteRecord]) -> usize {
    let sample = &sample[..sample.len().min(HEADER_SAMPLE_ROWS)];
    if sample.is_empty() {
        return 0;
    }
    let total: usize = sample.iter().map(ByteRecord::len).sum();
    let width = round_half_even(total as f64 / sample.len() as f64);
    let drift = round_half_even(width as f64 * 0.1).max(1);
    let low = width.saturating_sub(drift);
    let high = width + drift;
    sample
        .iter()
        .position(|r| (low..=high).contains(&r.len()))
        .unwrap_or(0)
}

/// Python's `round`: halves go to the even neighbour.
fn round_half_even(x: f64) -> usize {
    let floor = x.floor();
    let diff = x - floor;
    let r = if diff > 0.5 || (diff == 0.5 && floor % 2.0 != 0.0) {
        floor + 1.0
    } else {
        floor
    };
    r.max(0.0) as usize
}

/// Field names for a table without a schema: the labels, with a blank label
/// named `fieldN` (its position) and a repeated one numbered by occurrence
/// (`id`, `id2`), as frictionless names them.
pub fn field_names_from_labels(labels: &[String], width: usize) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(width.max(labels.len()));
    // Occurrences so far of each label: one pass, however wide the table.
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for i in 0..width.max(labels.len()) {
        let label = labels.get(i).map(|s| s.trim()).unwrap_or("");
        if label.is_empty() {
            names.push(format!("field{}", i + 1));
            continue;
        }
        let count = seen.entry(label).or_insert(0);
        *count += 1;
        names.push(if *count > 1 {
            format!("{label}{count}")
        } else {
            label.to_string()
        });
    }
    names
}

/// The start of a table: its header and the rows read to find it.
pub(crate) struct Head {
    /// Rows read ahead (header included), numbered from 1.
    pub rows: Vec<ByteRecord>,
    /// Index in `rows` of the header, if there is one.
    pub header_index: Option<usize>,
    pub labels: Vec<String>,
}

impl Head {
    /// Row number of the first data row.
    pub fn first_data_row(&self) -> u64 {
        self.header_index.map(|i| i as u64 + 2).unwrap_or(1)
    }

    /// The data rows among those read ahead.
    pub fn data_rows(&self) -> &[ByteRecord] {
        let start = self.header_index.map(|i| i + 1).unwrap_or(0);
        &self.rows[start.min(self.rows.len())..]
    }

    /// Header row number, for label errors.
    pub fn header_row_number(&self) -> u64 {
        self.header_index.map(|i| i as u64 + 1).unwrap_or(1)
    }

    /// Field names for a table without a schema: the labels (see
    /// [`field_names_from_labels`]), or `fieldN` for each column of a table
    /// without a header.
    pub fn field_names(&self) -> Vec<String> {
        let width = match self.header_index {
            Some(_) => self.labels.len(),
            None => self.width(),
        };
        field_names_from_labels(&self.labels, width)
    }

    /// The data rows read ahead, then the rest of `rest`.
    pub fn into_replay(mut self, rest: &mut dyn RowSource) -> Replay<'_> {
        if let Some(i) = self.header_index {
            self.rows.drain(..=i);
        }
        Replay {
            ahead: self.rows.into_iter(),
            rest,
        }
    }

    /// Width of the widest row read ahead.
    pub fn width(&self) -> usize {
        self.rows.iter().map(ByteRecord::len).max().unwrap_or(0)
    }
}

/// Reads the first rows of a table and finds its header.
pub(crate) fn read_head(
    source: &mut dyn RowSource,
    header: Option<bool>,
    rows_ahead: usize,
) -> Result<Head, Error> {
    let mut rows = Vec::new();
    let want = rows_ahead.max(HEADER_SAMPLE_ROWS);
    while rows.len() < want {
        let mut record = ByteRecord::new();
        if !source.read_row(&mut record)? {
            break;
        }
        rows.push(record);
    }
    let header_index = match header {
        Some(false) => None,
        Some(true) => (!rows.is_empty()).then_some(0),
        None => (!rows.is_empty()).then(|| find_header_row(&rows)),
    };
    let labels = header_index
        .map(|i| {
            rows[i]
                .iter()
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .collect()
        })
        .unwrap_or_default();
    Ok(Head {
        rows,
        header_index,
        labels,
    })
}

/// Rows already read ahead, then the rest of the source.
pub(crate) struct Replay<'s> {
    pub ahead: std::vec::IntoIter<ByteRecord>,
    pub rest: &'s mut dyn RowSource,
}

impl RowSource for Replay<'_> {
    fn read_row(&mut self, record: &mut ByteRecord) -> Result<bool, Error> {
        match self.ahead.next() {
            Some(r) => {
                *record = r;
                Ok(true)
            }
            None => self.rest.read_row(record),
        }
    }

    fn position(&self) -> Option<u64> {
        self.rest.position()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(cells: &[&str]) -> ByteRecord {
        ByteRecord::from(cells.to_vec())
    }

    #[test]
    fn a_title_line_above_the_table_is_skipped() {
        let sample = vec![
            rec(&["title"]),
            rec(&["a", "b", "c"]),
            rec(&["1", "2", "3"]),
            rec(&["4", "5"]),
            rec(&["x", "y", "z", "w"]),
        ];
        assert_eq!(find_header_row(&sample), 1);
    }

    #[test]
    fn a_short_header_over_wider_rows_is_passed_over() {
        // co2-mm-gl: 4 labels over rows of 6 cells.
        let mut sample = vec![rec(&["a", "b", "c", "d"])];
        for _ in 0..10 {
            sample.push(rec(&["1", "2", "3", "4", "5", "6"]));
        }
        assert_eq!(find_header_row(&sample), 1);
    }

    #[test]
    fn regular_tables_use_the_first_row() {
        let sample = vec![rec(&["a", "b"]), rec(&["1", "2"])];
        assert_eq!(find_header_row(&sample), 0);
        assert_eq!(find_header_row(&[]), 0);
    }

    #[test]
    fn python_rounding() {
        assert_eq!(round_half_even(0.5), 0);
        assert_eq!(round_half_even(1.5), 2);
        assert_eq!(round_half_even(2.5), 2);
        assert_eq!(round_half_even(1.3333), 1);
    }

    #[test]
    fn names_for_blank_and_repeated_labels() {
        let labels: Vec<String> = ["id", "", "id", "name", "id"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            field_names_from_labels(&labels, 6),
            vec!["id", "field2", "id2", "name", "id3", "field6"]
        );
    }
}
