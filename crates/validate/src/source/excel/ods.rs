//! OpenDocument spreadsheets, streamed from `content.xml`.
//!
//! calamine 0.31 is not used for ods: it places the cells of a sheet whose
//! data does not start in column A one column off after any blank row
//! between data rows, and it expands every repeated cell of every sheet into
//! memory when the workbook is opened. The reader here follows the handful
//! of elements a sheet is made of (`table:table`, `table:table-row`,
//! `table:table-cell` and their repeat attributes, the `text:p` paragraphs
//! of a cell) with a small pull parser, in bounded memory.

use std::io::{BufRead, BufReader, Read, Seek};

use csv::ByteRecord;

use super::cell_text::write_float;
use super::stream::RowWriter;
use super::{MAX_COLUMNS, MAX_ROWS};

/// Longest tag or text node accepted; a cell's text is held whole.
const MAX_NODE: usize = 16 << 20;

/// Names of the sheets, in order.
pub(super) fn sheet_names<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
) -> Result<Vec<String>, String> {
    let mut xml = open_content(archive)?;
    let mut names = Vec::new();
    let mut depth = 0usize;
    loop {
        match xml.next()? {
            Event::Start { empty } if xml.name() == b"table:table" => {
                if depth == 0 {
                    names.push(xml.attribute(b"table:name")?.unwrap_or_default());
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End if xml.name() == b"table:table" => depth = depth.saturating_sub(1),
            Event::Eof => return Ok(names),
            _ => {}
        }
    }
}

/// Writes the rows of sheet `index` (0-based): one pass finds the extent of
/// the cells with a value, a second one writes the rows.
pub(super) fn stream_sheet<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    index: usize,
    out: &mut RowWriter<'_>,
) -> Result<(), String> {
    let mut rows: u64 = 0;
    let mut width: u64 = 0;
    let mut seen: u64 = 0;
    walk_sheet(archive, index, |row| {
        if let Some((col, repeat, _)) = row.cells.last() {
            rows = seen.saturating_add(row.repeat);
            width = width.max(col.saturating_add(*repeat));
        }
        seen = seen.saturating_add(row.repeat);
        if rows > u64::from(MAX_ROWS) || width > u64::from(MAX_COLUMNS) {
            return Err(format!(
                "the sheet has values beyond row {MAX_ROWS} or column {MAX_COLUMNS}"
            ));
        }
        Ok(!out.stopped())
    })?;

    let mut seen: u64 = 0;
    walk_sheet(archive, index, |row| {
        if seen >= rows {
            return Ok(false);
        }
        let copies = row.repeat.min(rows - seen);
        seen += copies;
        let record = row_record(&row, width);
        for _ in 0..copies {
            if !out.push(record.clone()) {
                return Ok(false);
            }
        }
        Ok(true)
    })
}

fn row_record(row: &Row, width: u64) -> ByteRecord {
    let mut record = ByteRecord::with_capacity(64, width as usize);
    let mut at: u64 = 0;
    for (col, repeat, text) in &row.cells {
        if *col >= width {
            break;
        }
        while at < *col {
            record.push_field(b"");
            at += 1;
        }
        let end = col.saturating_add(*repeat).min(width);
        while at < end {
            record.push_field(text.as_bytes());
            at += 1;
        }
    }
    while at < width {
        record.push_field(b"");
        at += 1;
    }
    record
}

/// A row element: how often it repeats, and its cells with a value as
/// (first column, repeat, text).
struct Row {
    repeat: u64,
    cells: Vec<(u64, u64, String)>,
}

/// A cell being read.
struct CellState {
    repeat: u64,
    /// The value from the cell's attributes, when its type has one.
    value: Option<String>,
    text: String,
    /// Depth of elements open inside the cell.
    depth: usize,
    paragraphs: usize,
    /// Depth of an `office:annotation` being skipped (a comment's text is
    /// not the cell's).
    skip_from: Option<usize>,
}

/// Calls `on_row` for each row of sheet `index` until it returns `false`.
fn walk_sheet<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    index: usize,
    mut on_row: impl FnMut(Row) -> Result<bool, String>,
) -> Result<(), String> {
    let mut xml = open_content(archive)?;
    let mut tables_seen = 0usize;
    let mut depth = 0usize;
    let mut in_sheet = false;
    let mut row: Option<Row> = None;
    let mut col: u64 = 0;
    let mut cell: Option<CellState> = None;
    loop {
        let event = xml.next()?;
        if let Some(state) = cell.as_mut() {
            let mut finished = false;
            match event {
                Event::Start { empty } => {
                    if state.skip_from.is_none() {
                        match xml.name() {
                            b"office:annotation" if !empty => {
                                state.skip_from = Some(state.depth + 1)
                            }
                            b"text:p" | b"text:h" if state.depth == 0 => {
                                if state.paragraphs > 0 {
                                    state.text.push('\n');
                                }
                                state.paragraphs += 1;
                            }
                            b"text:s" => {
                                let spaces = xml
                                    .attribute(b"text:c")?
                                    .and_then(|c| c.trim().parse::<usize>().ok())
                                    .unwrap_or(1);
                                if state.text.len().saturating_add(spaces) > MAX_NODE {
                                    return Err("a cell's text is longer than 16 MiB".into());
                                }
                                state.text.extend(std::iter::repeat_n(' ', spaces));
                            }
                            b"text:tab" => state.text.push('\t'),
                            b"text:line-break" => state.text.push('\n'),
                            _ => {}
                        }
                    }
                    if !empty {
                        state.depth += 1;
                    }
                }
                Event::End if state.depth == 0 => finished = true,
                Event::End => {
                    if state.skip_from == Some(state.depth) {
                        state.skip_from = None;
                    }
                    state.depth -= 1;
                }
                Event::Text if state.skip_from.is_none() && state.depth > 0 => {
                    xml.text_into(&mut state.text)?;
                    if state.text.len() > MAX_NODE {
                        return Err("a cell's text is longer than 16 MiB".into());
                    }
                }
                Event::Text => {}
                Event::Eof => return Err("content.xml ends inside a cell".into()),
            }
            if finished {
                if let Some(state) = cell.take() {
                    add_cell(&mut row, &mut col, state);
                }
            }
            continue;
        }
        match event {
            Event::Start { empty } => match xml.name() {
                b"table:table" => {
                    if depth == 0 {
                        in_sheet = tables_seen == index;
                        tables_seen += 1;
                        if in_sheet && empty {
                            return Ok(());
                        }
                    }
                    if !empty {
                        depth += 1;
                    }
                }
                b"table:table-row" if in_sheet && depth == 1 => {
                    let repeat = xml.repeat(b"table:number-rows-repeated")?;
                    let new_row = Row {
                        repeat,
                        cells: Vec::new(),
                    };
                    col = 0;
                    if empty {
                        if !on_row(new_row)? {
                            return Ok(());
                        }
                    } else {
                        row = Some(new_row);
                    }
                }
                b"table:table-cell" | b"table:covered-table-cell" if row.is_some() => {
                    let state = CellState {
                        repeat: xml.repeat(b"table:number-columns-repeated")?,
                        value: cell_value(&xml)?,
                        text: String::new(),
                        depth: 0,
                        paragraphs: 0,
                        skip_from: None,
                    };
                    if empty {
                        add_cell(&mut row, &mut col, state);
                    } else {
                        cell = Some(state);
                    }
                }
                _ => {}
            },
            Event::End => match xml.name() {
                b"table:table" => {
                    depth = depth.saturating_sub(1);
                    if in_sheet && depth == 0 {
                        return Ok(());
                    }
                }
                b"table:table-row" if depth == 1 => {
                    if let Some(done) = row.take() {
                        if !on_row(done)? {
                            return Ok(());
                        }
                    }
                }
                _ => {}
            },
            Event::Text => {}
            Event::Eof => {
                return Err(if in_sheet {
                    "content.xml ends inside the sheet".into()
                } else {
                    format!("content.xml has no sheet number {}", index + 1)
                });
            }
        }
    }
}

fn add_cell(row: &mut Option<Row>, col: &mut u64, state: CellState) {
    let text = state.value.unwrap_or(state.text);
    if let Some(row) = row.as_mut() {
        if !text.is_empty() {
            row.cells.push((*col, state.repeat, text));
        }
    }
    *col = col.saturating_add(state.repeat);
}

/// The value a cell's attributes give, by its `office:value-type`; `None`
/// when the value is its text (strings, and cells without a type).
fn cell_value<R: BufRead>(xml: &Xml<R>) -> Result<Option<String>, String> {
    let Some(kind) = xml.attribute(b"office:value-type")? else {
        return Ok(None);
    };
    let value = match kind.as_str() {
        "float" | "percentage" | "currency" => match xml.attribute(b"office:value")? {
            Some(raw) => match raw.trim().parse::<f64>() {
                Ok(number) => {
                    let mut text = String::new();
                    // Writing to a String cannot fail.
                    let _ = write_float(&mut text, number);
                    Some(text)
                }
                Err(_) => Some(raw),
            },
            None => None,
        },
        "date" => xml.attribute(b"office:date-value")?,
        // Kept as the ISO duration ods stores (`PT10H00M00S`), as
        // frictionless does: ods does not tell a time of day from a duration.
        "time" => xml.attribute(b"office:time-value")?,
        "boolean" => xml
            .attribute(b"office:boolean-value")?
            .map(|b| b.trim().to_ascii_lowercase()),
        "string" => xml.attribute(b"office:string-value")?,
        _ => None,
    };
    Ok(value)
}

fn open_content<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
) -> Result<Xml<BufReader<zip::read::ZipFile<'_, R>>>, String> {
    let entry = archive
        .by_name("content.xml")
        .map_err(|e| format!("cannot open content.xml: {e}"))?;
    Ok(Xml::new(BufReader::with_capacity(64 << 10, entry)))
}

// ---------------------------------------------------------------------------
// A pull parser for the XML of content.xml: tags, text, entities; comments,
// processing instructions and declarations skipped. Namespaces are matched
// by their conventional prefixes (`table:`, `office:`, `text:`), which every
// ods writer uses.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Start { empty: bool },
    End,
    Text,
    Eof,
}

struct Xml<R> {
    reader: R,
    /// The current tag (without `<`, `>`) or text node.
    node: Vec<u8>,
    /// Is the current text node CDATA (taken as is)?
    cdata: bool,
    /// A `<` was read and a tag follows.
    in_tag: bool,
}

impl<R: BufRead> Xml<R> {
    fn new(reader: R) -> Xml<R> {
        Xml {
            reader,
            node: Vec::new(),
            cdata: false,
            in_tag: false,
        }
    }

    fn next(&mut self) -> Result<Event, String> {
        loop {
            self.node.clear();
            self.cdata = false;
            if !self.in_tag {
                let found = self.read_text()?;
                self.in_tag = found;
                if !self.node.is_empty() {
                    return Ok(Event::Text);
                }
                if !found {
                    return Ok(Event::Eof);
                }
            }
            self.in_tag = false;
            match self.read_markup()? {
                Markup::Tag => {
                    return Ok(if self.node.first() == Some(&b'/') {
                        Event::End
                    } else {
                        Event::Start {
                            empty: self.node.last() == Some(&b'/'),
                        }
                    });
                }
                Markup::CData => {
                    // Keep the content between `![CDATA[` and `]]`.
                    let end = self.node.len().saturating_sub(2);
                    self.node.truncate(end);
                    self.node.drain(..8.min(self.node.len()));
                    self.cdata = true;
                    return Ok(Event::Text);
                }
                Markup::Other => {}
            }
        }
    }

    /// Reads text up to the next `<`; `false` at the end of the input.
    fn read_text(&mut self) -> Result<bool, String> {
        loop {
            let chunk = self.reader.fill_buf().map_err(read_error)?;
            if chunk.is_empty() {
                return Ok(false);
            }
            match memchr::memchr(b'<', chunk) {
                Some(at) => {
                    self.node.extend_from_slice(&chunk[..at]);
                    self.reader.consume(at + 1);
                    return Ok(true);
                }
                None => {
                    let n = chunk.len();
                    self.node.extend_from_slice(chunk);
                    self.reader.consume(n);
                }
            }
            if self.node.len() > MAX_NODE {
                return Err("content.xml has a text longer than 16 MiB".into());
            }
        }
    }

    /// Reads the markup after a `<` up to its end.
    fn read_markup(&mut self) -> Result<Markup, String> {
        let mut kind: Option<Markup> = None;
        let mut quote: Option<u8> = None;
        loop {
            let chunk = self.reader.fill_buf().map_err(read_error)?;
            if chunk.is_empty() {
                return Err("content.xml ends inside a tag".into());
            }
            let mut used = 0;
            let mut done = false;
            for &byte in chunk {
                used += 1;
                if kind.is_none() {
                    kind = markup_kind(&self.node, byte);
                }
                match kind {
                    Some(Markup::Tag) | None => match quote {
                        Some(q) if byte == q => quote = None,
                        Some(_) => {}
                        None if byte == b'"' || byte == b'\'' => quote = Some(byte),
                        None if byte == b'>' => {
                            done = true;
                            break;
                        }
                        None => {}
                    },
                    Some(Markup::CData) => {
                        if byte == b'>' && self.node.ends_with(b"]]") {
                            done = true;
                            break;
                        }
                    }
                    Some(Markup::Other) => {
                        let comment = self.node.starts_with(b"!--");
                        if byte == b'>' && (!comment || self.node.ends_with(b"--")) {
                            done = true;
                            break;
                        }
                    }
                }
                self.node.push(byte);
            }
            self.reader.consume(used);
            if done {
                return Ok(kind.unwrap_or(Markup::Tag));
            }
            if self.node.len() > MAX_NODE {
                return Err("content.xml has a tag longer than 16 MiB".into());
            }
        }
    }

    /// The name of the current tag (an end tag's without its `/`).
    fn name(&self) -> &[u8] {
        let tag = self.node.strip_prefix(b"/").unwrap_or(&self.node);
        let end = tag
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(tag.len());
        &tag[..end]
    }

    /// The unescaped value of an attribute of the current tag.
    fn attribute(&self, name: &[u8]) -> Result<Option<String>, String> {
        let mut rest = &self.node[self.name().len()..];
        loop {
            let Some(start) = rest
                .iter()
                .position(|b| !b.is_ascii_whitespace() && *b != b'/')
            else {
                return Ok(None);
            };
            rest = &rest[start..];
            let Some(eq) = rest.iter().position(|b| *b == b'=') else {
                return Ok(None);
            };
            let key = rest[..eq].trim_ascii();
            let after = rest[eq + 1..].trim_ascii_start();
            let Some(&quote) = after.first().filter(|q| **q == b'"' || **q == b'\'') else {
                return Err("content.xml has an attribute without quotes".into());
            };
            let Some(close) = after[1..].iter().position(|b| *b == quote) else {
                return Err("content.xml has an unterminated attribute".into());
            };
            if key == name {
                let mut value = String::new();
                unescape(&after[1..1 + close], &mut value)?;
                return Ok(Some(value));
            }
            rest = &after[close + 2..];
        }
    }

    /// A repeat count attribute: 1 when absent or unreadable.
    fn repeat(&self, name: &[u8]) -> Result<u64, String> {
        Ok(self
            .attribute(name)?
            .and_then(|value| value.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1))
    }

    /// Appends the current text node, unescaped.
    fn text_into(&self, out: &mut String) -> Result<(), String> {
        if self.cdata {
            out.push_str(std::str::from_utf8(&self.node).map_err(|_| not_utf8())?);
            Ok(())
        } else {
            unescape(&self.node, out)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markup {
    Tag,
    CData,
    /// A comment, processing instruction or declaration: skipped.
    Other,
}

/// Decides what markup starts with `seen` + `next`, once it can.
fn markup_kind(seen: &[u8], next: u8) -> Option<Markup> {
    const CDATA: &[u8] = b"![CDATA[";
    match seen.first().copied().unwrap_or(next) {
        b'?' => Some(Markup::Other),
        b'!' => {
            let len = seen.len() + 1;
            let matches = |prefix: &[u8]| {
                len <= prefix.len()
                    && seen
                        .iter()
                        .chain(std::iter::once(&next))
                        .eq(prefix[..len].iter())
            };
            if matches(CDATA) {
                (len == CDATA.len()).then_some(Markup::CData)
            } else if matches(b"!--") {
                (len == 3).then_some(Markup::Other)
            } else {
                Some(Markup::Other)
            }
        }
        _ => Some(Markup::Tag),
    }
}

fn unescape(raw: &[u8], out: &mut String) -> Result<(), String> {
    let text = std::str::from_utf8(raw).map_err(|_| not_utf8())?;
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                // Not an entity we know: keep the text as it is.
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Ok(())
}

fn read_error(error: std::io::Error) -> String {
    format!("cannot read content.xml: {error}")
}

fn not_utf8() -> String {
    "content.xml is not valid UTF-8".into()
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;

    use super::*;

    fn events(xml: &str) -> Vec<(Event, String)> {
        let mut parser = Xml::new(Cursor::new(xml.as_bytes().to_vec()));
        let mut out = Vec::new();
        loop {
            let event = parser.next().unwrap();
            let text = match event {
                Event::Text => {
                    let mut text = String::new();
                    parser.text_into(&mut text).unwrap();
                    text
                }
                _ => String::from_utf8(parser.name().to_vec()).unwrap(),
            };
            out.push((event, text));
            if event == Event::Eof {
                return out;
            }
        }
    }

    #[test]
    fn parses_tags_text_and_entities() {
        let parsed = events(
            "<?xml version=\"1.0\"?><!-- a > b --><a x='1>2'>t &amp; &#65;&#x42; &bogus;<b/>\
             <![CDATA[<raw>]]></a>",
        );
        let expected = vec![
            (Event::Start { empty: false }, "a".to_owned()),
            (Event::Text, "t & AB &bogus;".to_owned()),
            (Event::Start { empty: true }, "b".to_owned()),
            (Event::Text, "<raw>".to_owned()),
            (Event::End, "a".to_owned()),
            (Event::Eof, String::new()),
        ];
        assert_eq!(parsed, expected);
    }

    #[test]
    fn reads_attributes() {
        let mut parser = Xml::new(Cursor::new(
            b"<c a=\"1\" b = 'x &lt; y' table:c=\"3\"/>".to_vec(),
        ));
        assert_eq!(parser.next().unwrap(), Event::Start { empty: true });
        assert_eq!(parser.attribute(b"b").unwrap().as_deref(), Some("x < y"));
        assert_eq!(parser.attribute(b"table:c").unwrap().as_deref(), Some("3"));
        assert_eq!(parser.attribute(b"c").unwrap(), None);
        assert_eq!(parser.repeat(b"table:c").unwrap(), 3);
        assert_eq!(parser.repeat(b"missing").unwrap(), 1);
    }

    #[test]
    fn truncated_xml_is_an_error() {
        let mut parser = Xml::new(Cursor::new(b"<a x=\"1".to_vec()));
        assert!(parser.next().is_err());
    }

    fn ods(content: &str) -> zip::ZipArchive<Cursor<Vec<u8>>> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default();
        writer.start_file("mimetype", options).unwrap();
        writer
            .write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        writer.start_file("content.xml", options).unwrap();
        writer.write_all(content.as_bytes()).unwrap();
        zip::ZipArchive::new(Cursor::new(writer.finish().unwrap().into_inner())).unwrap()
    }

    fn rows(content: &str, index: usize) -> Result<Vec<Vec<String>>, String> {
        let mut archive = ods(content);
        let (sender, receiver) = crossbeam_channel::unbounded();
        let stop = std::sync::atomic::AtomicBool::new(false);
        let mut writer = RowWriter::new(&sender, &stop);
        stream_sheet(&mut archive, index, &mut writer)?;
        writer.flush();
        drop(sender);
        let mut out = Vec::new();
        for batch in receiver {
            for record in batch.map_err(|e| e.to_string())? {
                out.push(
                    record
                        .iter()
                        .map(|f| String::from_utf8(f.to_vec()).unwrap())
                        .collect(),
                );
            }
        }
        Ok(out)
    }

    const TWO_SHEETS: &str = r#"<office:document-content><office:body><office:spreadsheet>
<table:table table:name="A &amp; B">
<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
<table:table-row><table:table-cell/><table:table-cell office:value-type="string"><text:p>a</text:p><text:p>b<text:s text:c="2"/>c<text:tab/>d</text:p><office:annotation><text:p>a note</text:p></office:annotation></table:table-cell><table:table-cell office:value-type="float" office:value="3.0" table:number-columns-repeated="2"/></table:table-row>
<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="boolean" office:boolean-value="TRUE"/><table:table-cell office:value-type="date" office:date-value="2020-01-31"/></table:table-row>
<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
</table:table>
<table:table table:name="second"><table:table-row><table:table-cell office:value-type="percentage" office:value="0.25"/><table:covered-table-cell/><table:table-cell office:value-type="time" office:time-value="PT10H00M00S"/></table:table-row>
<table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="string" office:string-value="s"/></table:table-row></table:table>
</office:spreadsheet></office:body></office:document-content>"#;

    #[test]
    fn lists_sheet_names() {
        assert_eq!(
            sheet_names(&mut ods(TWO_SHEETS)).unwrap(),
            vec!["A & B".to_owned(), "second".to_owned()]
        );
    }

    #[test]
    fn rows_keep_their_sheet_positions() {
        let blank = vec![String::new(); 4];
        let strings = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            rows(TWO_SHEETS, 0).unwrap(),
            vec![
                blank.clone(),
                blank.clone(),
                strings(&["", "a\nb  c\td", "3", "3"]),
                blank.clone(),
                blank.clone(),
                blank,
                strings(&["", "", "true", "2020-01-31"]),
            ]
        );
        assert_eq!(
            rows(TWO_SHEETS, 1).unwrap(),
            vec![
                strings(&["0.25", "", "PT10H00M00S"]),
                strings(&["s", "", ""]),
                strings(&["s", "", ""]),
            ]
        );
    }

    #[test]
    fn values_beyond_the_sheet_limits_are_refused() {
        let content = r#"<table:table table:name="x"><table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="1000000000"/></table:table-row></table:table>"#;
        let error = rows(content, 0).unwrap_err();
        assert!(error.contains("beyond row"), "{error}");
        let content = r#"<table:table table:name="x"><table:table-row table:number-rows-repeated="2000000"><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        assert!(rows(content, 0).is_err());
    }

    #[test]
    fn an_empty_sheet_has_no_rows() {
        let content = r#"<table:table table:name="x"/><table:table table:name="y"><table:table-row><table:table-cell/></table:table-row></table:table>"#;
        assert_eq!(rows(content, 0).unwrap(), Vec::<Vec<String>>::new());
        assert_eq!(rows(content, 1).unwrap(), Vec::<Vec<String>>::new());
    }

    #[test]
    fn a_truncated_sheet_is_an_error() {
        let content = r#"<table:table table:name="x"><table:table-row><table:table-cell office:value-type="string"><text:p>a"#;
        assert!(rows(content, 0).is_err());
    }
}
