//! JSON tables: a JSON array of rows, NDJSON/JSON Lines, and a resource's
//! inline `data`, as rows of text cells.
//!
//! Rows are either arrays (the first one is the header) or objects (keyed
//! rows: the header is made of their keys, each row holds the values in
//! header order, a missing key gives an empty cell), as in frictionless-py.
//! Where frictionless takes the keys of the first object only and silently
//! drops any other key, here:
//! - a JSON array (read whole into memory) takes the union of the keys of
//!   all its objects, in the order they are first seen;
//! - JSON Lines (streamed line by line, so memory stays bounded) takes the
//!   keys of the first object, and writes a later object's other keys as
//!   extra cells after the header's, so validation reports them
//!   (`extra-cell`) instead of losing them.
//!
//! Cell text: strings as they are, numbers in JSON form (integers exactly,
//! other numbers in the shortest form that reads back the same), `true` and
//! `false`, `null` as an empty cell, and nested arrays and objects as compact
//! JSON text.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};

use csv::ByteRecord;
use serde_json::Value;

use crate::error::Error;
use crate::source::RowSource;

/// The layout of a JSON table file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// One JSON array of rows (`.json`).
    Array,
    /// One row per line (`.jsonl`, `.ndjson`).
    Lines,
}

/// Opens a JSON table. A [`JsonKind::Array`] document is parsed whole, into
/// memory, before the first row; [`JsonKind::Lines`] is read line by line.
pub fn open_json(reader: impl Read + Send + 'static, kind: JsonKind) -> Result<JsonSource, Error> {
    let mut counter = CountingReader {
        inner: reader,
        count: 0,
    };
    match kind {
        JsonKind::Array => {
            let value: Value = serde_json::from_reader(BufReader::new(&mut counter))
                .map_err(|e| json_error(None, &e))?;
            let mut source = JsonSource::from_value(value)?;
            source.position = Some(counter.count);
            Ok(source)
        }
        JsonKind::Lines => {
            let items = Items::Lines(Lines {
                reader: Box::new(BufReader::new(counter)),
                line: 0,
                buf: Vec::new(),
                position: 0,
            });
            Ok(JsonSource::new(items, None))
        }
    }
}

/// Rows of a resource's inline `data`: an array of arrays or of objects.
pub fn rows_from_json_value(value: &Value) -> Result<JsonSource, Error> {
    JsonSource::from_value(value.clone())
}

/// Rows of a JSON table; see the module documentation for their shape.
pub struct JsonSource {
    items: Items,
    /// Keys of keyed rows in header order, and as a set; set at the first row.
    keys: Vec<String>,
    key_set: HashSet<String>,
    /// Keys given ahead of reading (a union computed from an array, or a
    /// caller's choice through [`JsonSource::with_keys`]).
    preset_keys: Option<Vec<String>>,
    shape: Shape,
    /// An object already read for the header, still to be written as a row.
    pending: Option<(Value, u64)>,
    position: Option<u64>,
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Unknown,
    Arrays,
    Objects,
}

impl JsonSource {
    fn new(items: Items, preset_keys: Option<Vec<String>>) -> JsonSource {
        JsonSource {
            items,
            keys: Vec::new(),
            key_set: HashSet::new(),
            preset_keys,
            shape: Shape::Unknown,
            pending: None,
            position: None,
            text: String::new(),
        }
    }

    /// Rows of a parsed JSON document, which must be an array.
    pub fn from_value(value: Value) -> Result<JsonSource, Error> {
        let Value::Array(items) = value else {
            return Err(Error::source(
                "Cannot read a table from JSON that is not an array of rows",
            ));
        };
        let union = match items.first() {
            Some(Value::Object(_)) => Some(union_of_keys(&items)),
            _ => None,
        };
        Ok(JsonSource::new(
            Items::Array(items.into_iter().zip(1..)),
            union,
        ))
    }

    /// Uses `keys` as the header of keyed rows, in this order, rather than
    /// keys found in the data (frictionless does so for inline data with a
    /// schema: its field names). Has no effect on rows that are arrays.
    pub fn with_keys(mut self, keys: Vec<String>) -> JsonSource {
        self.preset_keys = Some(keys);
        self
    }

    fn next_item(&mut self) -> Result<Option<(Value, u64)>, Error> {
        if let Some(pending) = self.pending.take() {
            return Ok(Some(pending));
        }
        self.items.next()
    }

    fn write_header(
        &mut self,
        first: Value,
        number: u64,
        record: &mut ByteRecord,
    ) -> Result<(), Error> {
        match first {
            Value::Array(cells) => {
                self.shape = Shape::Arrays;
                for cell in &cells {
                    push_cell(record, &mut self.text, cell);
                }
            }
            Value::Object(object) => {
                self.shape = Shape::Objects;
                let names = match self.preset_keys.take() {
                    Some(names) => names,
                    None => object.keys().cloned().collect(),
                };
                for name in names {
                    record.push_field(name.as_bytes());
                    self.key_set.insert(name.clone());
                    self.keys.push(name);
                }
                self.pending = Some((Value::Object(object), number));
            }
            other => return Err(unsupported(&other, number, self.items.unit())),
        }
        Ok(())
    }

    fn write_row(
        &mut self,
        item: Value,
        number: u64,
        record: &mut ByteRecord,
    ) -> Result<(), Error> {
        match (self.shape, item) {
            (Shape::Arrays, Value::Array(cells)) => {
                for cell in &cells {
                    push_cell(record, &mut self.text, cell);
                }
            }
            (Shape::Objects, Value::Object(object)) => {
                for key in &self.keys {
                    push_cell(
                        record,
                        &mut self.text,
                        object.get(key).unwrap_or(&Value::Null),
                    );
                }
                // Keys the header lacks become extra cells, in object order.
                for (key, value) in &object {
                    if !self.key_set.contains(key) {
                        push_cell(record, &mut self.text, value);
                    }
                }
            }
            (_, other) => return Err(unsupported(&other, number, self.items.unit())),
        }
        Ok(())
    }
}

impl RowSource for JsonSource {
    fn read_row(&mut self, record: &mut ByteRecord) -> Result<bool, Error> {
        record.clear();
        let Some((item, number)) = self.next_item()? else {
            return Ok(false);
        };
        if self.shape == Shape::Unknown {
            self.write_header(item, number, record)?;
        } else {
            self.write_row(item, number, record)?;
        }
        Ok(true)
    }

    fn position(&self) -> Option<u64> {
        match &self.items {
            Items::Lines(lines) => Some(lines.position),
            Items::Array(_) => self.position,
        }
    }
}

/// The items of a JSON table with their number: the array index (1-based)
/// or the line number.
enum Items {
    Array(std::iter::Zip<std::vec::IntoIter<Value>, std::ops::RangeFrom<u64>>),
    Lines(Lines),
}

impl Items {
    fn next(&mut self) -> Result<Option<(Value, u64)>, Error> {
        match self {
            Items::Array(items) => Ok(items.next()),
            Items::Lines(lines) => lines.next(),
        }
    }

    fn unit(&self) -> &'static str {
        match self {
            Items::Array(_) => "item",
            Items::Lines(_) => "line",
        }
    }
}

/// Longest JSON Lines line read; one row should never need more.
const MAX_LINE_BYTES: u64 = 256 << 20;

struct Lines {
    reader: Box<dyn BufRead + Send>,
    line: u64,
    buf: Vec<u8>,
    position: u64,
}

impl Lines {
    fn next(&mut self) -> Result<Option<(Value, u64)>, Error> {
        self.buf.clear();
        let read = (&mut self.reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| Error::format(format!("Failed to read JSON Lines: {e}")))?;
        if read == 0 {
            return Ok(None);
        }
        if read as u64 > MAX_LINE_BYTES {
            return Err(Error::format(format!(
                "Invalid JSON Lines at line {}: the line is longer than {} MiB",
                self.line + 1,
                MAX_LINE_BYTES >> 20
            )));
        }
        self.position += read as u64;
        self.line += 1;
        let mut text: &[u8] = &self.buf;
        if self.line == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        // Like frictionless (jsonlines), a blank line is an error, not a
        // skipped row; only the newline ending the last line is not a line.
        if text.trim_ascii().is_empty() {
            return Err(Error::format(format!(
                "Invalid JSON Lines at line {}: the line is blank",
                self.line
            )));
        }
        let value = serde_json::from_slice(text).map_err(|e| json_error(Some(self.line), &e))?;
        Ok(Some((value, self.line)))
    }
}

/// Counts the bytes a reader hands out, for [`RowSource::position`].
struct CountingReader<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

fn union_of_keys(items: &[Value]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut keys = Vec::new();
    for item in items {
        if let Value::Object(object) = item {
            for key in object.keys() {
                if seen.insert(key.as_str()) {
                    keys.push(key.clone());
                }
            }
        }
    }
    keys
}

fn push_cell(record: &mut ByteRecord, text: &mut String, value: &Value) {
    match value {
        Value::Null => record.push_field(b""),
        Value::String(s) => record.push_field(s.as_bytes()),
        Value::Bool(b) => record.push_field(if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            text.clear();
            // Writing to a String cannot fail.
            let _ = std::fmt::Write::write_fmt(text, format_args!("{n}"));
            record.push_field(text.as_bytes());
        }
        Value::Array(_) | Value::Object(_) => {
            record.push_field(value.to_string().as_bytes());
        }
    }
}

fn unsupported(value: &Value, number: u64, unit: &str) -> Error {
    let found = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    Error::source(format!(
        "Cannot read a table from JSON: {unit} {number} is {found}, where rows must be all arrays or all objects"
    ))
}

fn json_error(line: Option<u64>, error: &serde_json::Error) -> Error {
    // serde_json's own message ends with "at line L column C"; within a JSON
    // Lines line, L is always 1, so name the file's line instead.
    match line {
        Some(line) => Error::format(format!(
            "Invalid JSON at line {line}, column {}: {}",
            error.column(),
            strip_position(error)
        )),
        None => Error::format(format!(
            "Invalid JSON at line {}, column {}: {}",
            error.line(),
            error.column(),
            strip_position(error)
        )),
    }
}

fn strip_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use serde_json::json;

    use super::*;

    fn read_all(mut source: JsonSource) -> Result<Vec<Vec<String>>, Error> {
        let mut record = ByteRecord::new();
        let mut rows = Vec::new();
        while source.read_row(&mut record)? {
            rows.push(
                record
                    .iter()
                    .map(|f| String::from_utf8(f.to_vec()).unwrap())
                    .collect(),
            );
        }
        Ok(rows)
    }

    fn read(text: &str, kind: JsonKind) -> Result<Vec<Vec<String>>, Error> {
        read_all(open_json(Cursor::new(text.as_bytes().to_vec()), kind)?)
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn array_of_arrays_first_is_the_header() {
        let text = r#"[["id", "name", "score", "ok", "tags", "meta"],
            [1, "Ann", 2.5, true, ["a", "b"], {"k": 1, "a": null}],
            [2, "Bob", 1e3, false, [], {}],
            [3, null, -0.0, null],
            [4, "x", 12345678901234567890, 1.0, "y", "z", "extra"]]"#;
        assert_eq!(
            read(text, JsonKind::Array).unwrap(),
            vec![
                row(&["id", "name", "score", "ok", "tags", "meta"]),
                row(&[
                    "1",
                    "Ann",
                    "2.5",
                    "true",
                    r#"["a","b"]"#,
                    r#"{"k":1,"a":null}"#
                ]),
                row(&["2", "Bob", "1000.0", "false", "[]", "{}"]),
                row(&["3", "", "-0.0", ""]),
                row(&["4", "x", "12345678901234567890", "1.0", "y", "z", "extra"]),
            ]
        );
    }

    #[test]
    fn array_of_objects_takes_the_union_of_keys() {
        let text = r#"[{"a": 1, "b": "x"}, {"b": "y", "c": true}, {"a": 3}]"#;
        assert_eq!(
            read(text, JsonKind::Array).unwrap(),
            vec![
                row(&["a", "b", "c"]),
                row(&["1", "x", ""]),
                row(&["", "y", "true"]),
                row(&["3", "", ""]),
            ]
        );
    }

    #[test]
    fn empty_and_non_array_documents() {
        assert_eq!(
            read("[]", JsonKind::Array).unwrap(),
            Vec::<Vec<String>>::new()
        );
        let Err(Error::Source { message }) = read(r#"{"data": []}"#, JsonKind::Array) else {
            panic!("an object is not a table");
        };
        assert!(message.contains("not an array of rows"), "{message}");
    }

    #[test]
    fn rows_must_keep_one_shape() {
        let rows = read(r#"[["a"], [1], {"a": 2}]"#, JsonKind::Array);
        let Err(Error::Source { message }) = rows else {
            panic!("mixed rows are an error");
        };
        assert!(message.contains("item 3 is an object"), "{message}");
        let Err(Error::Source { message }) = read("[1, 2]", JsonKind::Array) else {
            panic!("scalars are not rows");
        };
        assert!(message.contains("item 1 is a number"), "{message}");
        // The rows before the bad one are read.
        let mut source =
            open_json(Cursor::new(br#"[["a"], [1], 5]"#.to_vec()), JsonKind::Array).unwrap();
        let mut record = ByteRecord::new();
        assert!(source.read_row(&mut record).unwrap());
        assert!(source.read_row(&mut record).unwrap());
        assert!(source.read_row(&mut record).is_err());
    }

    #[test]
    fn invalid_json_gives_line_and_column() {
        let Err(Error::Format { message }) = read("[[1, 2],\n [3 4]]", JsonKind::Array) else {
            panic!("invalid JSON is a format error");
        };
        assert!(
            message.starts_with("Invalid JSON at line 2, column 5: "),
            "{message}"
        );
        assert!(!message.contains(" at line 2 column"), "{message}");
        let Err(Error::Format { message }) = read("[[1]] x", JsonKind::Array) else {
            panic!("trailing text is a format error");
        };
        assert!(message.contains("trailing characters"), "{message}");
    }

    #[test]
    fn lines_of_objects() {
        let text = "\u{feff}{\"a\": 1, \"b\": \"x\"}\r\n{\"b\": \"y\"}\n{\"c\": 3, \"a\": 2}\n";
        assert_eq!(
            read(text, JsonKind::Lines).unwrap(),
            vec![
                row(&["a", "b"]),
                row(&["1", "x"]),
                row(&["", "y"]),
                // A key the first object lacks is kept as an extra cell.
                row(&["2", "", "3"]),
            ]
        );
    }

    #[test]
    fn lines_of_arrays_and_position() {
        let text = "[\"a\", \"b\"]\n[1, {\"x\": [true]}]\n[2]";
        let mut source = open_json(Cursor::new(text.as_bytes().to_vec()), JsonKind::Lines).unwrap();
        let mut record = ByteRecord::new();
        assert_eq!(source.position(), Some(0));
        assert!(source.read_row(&mut record).unwrap());
        assert_eq!(source.position(), Some(11));
        assert_eq!(
            read_all(source).unwrap(),
            vec![row(&["1", r#"{"x":[true]}"#]), row(&["2"])]
        );
    }

    #[test]
    fn blank_and_invalid_lines_are_errors() {
        let Err(Error::Format { message }) = read("[\"a\"]\n\n[1]\n", JsonKind::Lines) else {
            panic!("a blank line is an error");
        };
        assert_eq!(message, "Invalid JSON Lines at line 2: the line is blank");
        let Err(Error::Format { message }) = read("[\"a\"]\n[1,]\n", JsonKind::Lines) else {
            panic!("bad JSON is an error");
        };
        assert!(
            message.starts_with("Invalid JSON at line 2, column 4: "),
            "{message}"
        );
        let Err(Error::Source { message }) = read("[\"a\"]\n\"b\"\n", JsonKind::Lines) else {
            panic!("a string line is not a row");
        };
        assert!(message.contains("line 2 is a string"), "{message}");
        assert_eq!(
            read("", JsonKind::Lines).unwrap(),
            Vec::<Vec<String>>::new()
        );
    }

    #[test]
    fn inline_data_and_preset_keys() {
        let data = json!([{"name": "a", "n": 1}, {"n": 2, "extra": "e"}]);
        assert_eq!(
            read_all(rows_from_json_value(&data).unwrap()).unwrap(),
            vec![
                row(&["name", "n", "extra"]),
                row(&["a", "1", ""]),
                row(&["", "2", "e"]),
            ]
        );
        let source = rows_from_json_value(&data)
            .unwrap()
            .with_keys(vec!["n".into(), "name".into()]);
        assert_eq!(
            read_all(source).unwrap(),
            vec![row(&["n", "name"]), row(&["1", "a"]), row(&["2", "", "e"])]
        );
        let arrays = json!([["x"], [1]]);
        assert_eq!(
            read_all(rows_from_json_value(&arrays).unwrap()).unwrap(),
            vec![row(&["x"]), row(&["1"])]
        );
    }
}
