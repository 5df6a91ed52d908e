//! xlsx (and xlsm) sheets, streamed through calamine's cell reader in two
//! passes: the first finds the extent of the cells with a value and which
//! date columns carry a time of day, the second lays out the rows.

use calamine::{DataRef, Xlsx};
use csv::ByteRecord;

use super::cell_text::{has_time_of_day, view_ref, write_cell};
use super::stream::RowWriter;
use super::{format_error, FileReader, MAX_COLUMNS, MAX_ROWS};
use crate::error::Error;

pub(super) fn stream_xlsx(
    book: &mut Xlsx<FileReader>,
    sheet: &str,
    label: &str,
    out: &mut RowWriter<'_>,
) -> Result<(), Error> {
    let fail = |e: calamine::XlsxError| format_error(label, e);

    // Pass 1: the extent of the cells with a value, and timed date columns.
    let mut rows: u32 = 0;
    let mut width: u32 = 0;
    let mut timed: Vec<bool> = Vec::new();
    {
        let mut cells = book.worksheet_cells_reader(sheet).map_err(fail)?;
        let mut seen: u64 = 0;
        while let Some(cell) = cells.next_cell().map_err(fail)? {
            seen += 1;
            if seen & 0xFFFF == 0 && out.stopped() {
                return Ok(());
            }
            let value = view_ref(cell.get_value());
            if value.is_empty() {
                continue;
            }
            let (row, col) = checked_position(label, cell.get_position())?;
            rows = rows.max(row + 1);
            width = width.max(col + 1);
            if matches!(cell.get_value(), DataRef::DateTime(dt) if has_time_of_day(dt)) {
                if timed.len() <= col as usize {
                    timed.resize(col as usize + 1, false);
                }
                timed[col as usize] = true;
            }
        }
    }

    // Pass 2: the rows. Cells of a row are gathered, then laid out.
    let mut cells = book.worksheet_cells_reader(sheet).map_err(fail)?;
    let mut layout = RowLayout {
        width,
        next_row: 0,
        cells: Vec::new(),
    };
    let mut current: Option<u32> = None;
    while let Some(cell) = cells.next_cell().map_err(fail)? {
        let value = view_ref(cell.get_value());
        if value.is_empty() {
            continue;
        }
        let (row, col) = checked_position(label, cell.get_position())?;
        if current != Some(row) {
            if let Some(done) = current {
                if row < done {
                    return Err(format_error(
                        label,
                        format!("row {} comes after row {}", row + 1, done + 1),
                    ));
                }
                if !layout.write(done, out) {
                    return Ok(());
                }
            }
            current = Some(row);
        }
        let mut text = String::new();
        let col_timed = timed.get(col as usize).copied().unwrap_or(false);
        write_cell(&mut text, value, col_timed);
        layout.cells.push((col, text));
    }
    if let Some(done) = current {
        layout.write(done, out);
    }
    Ok(())
}

/// Lays out the cells of one xlsx row, after blank rows for any gap.
struct RowLayout {
    width: u32,
    next_row: u32,
    cells: Vec<(u32, String)>,
}

impl RowLayout {
    /// Writes the rows up to `row`; `false` when the reader has gone.
    fn write(&mut self, row: u32, out: &mut RowWriter<'_>) -> bool {
        while self.next_row < row {
            let mut blank = ByteRecord::with_capacity(0, self.width as usize);
            for _ in 0..self.width {
                blank.push_field(b"");
            }
            if !out.push(blank) {
                return false;
            }
            self.next_row += 1;
        }
        self.cells.sort_by_key(|(col, _)| *col);
        let mut record = ByteRecord::with_capacity(64, self.width as usize);
        let mut cells = self.cells.drain(..).peekable();
        for col in 0..self.width {
            let mut text = None;
            while let Some((_, value)) = cells.next_if(|(c, _)| *c == col) {
                // Of cells given twice, the first wins.
                text.get_or_insert(value);
            }
            record.push_field(text.as_deref().unwrap_or("").as_bytes());
        }
        drop(cells);
        self.next_row = row + 1;
        out.push(record)
    }
}

fn checked_position(label: &str, (row, col): (u32, u32)) -> Result<(u32, u32), Error> {
    if row >= MAX_ROWS || col >= MAX_COLUMNS {
        return Err(format_error(
            label,
            format!(
                "a cell lies at row {}, column {}, beyond a sheet's {MAX_ROWS} rows and {MAX_COLUMNS} columns",
                u64::from(row) + 1,
                u64::from(col) + 1
            ),
        ));
    }
    Ok((row, col))
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;

    use super::super::{open_sheet, SheetSelector};
    use super::*;
    use crate::source::RowSource;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    /// A minimal xlsx around one sheet's XML.
    fn xlsx_with_sheet(sheet: &str) -> Vec<u8> {
        zip_of(&[
            (
                "[Content_Types].xml",
                br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
            ),
            (
                "xl/workbook.xml",
                br#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ])
    }

    fn sheet_xml(dimension: &str, data: &str) -> String {
        format!(
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{data}</sheetData></worksheet>"#
        )
    }

    fn read_forged(sheet: &str) -> Result<Vec<Vec<String>>, Error> {
        let file = tempfile_with(&xlsx_with_sheet(sheet));
        let mut source = open_sheet(file.path(), &SheetSelector::First)?;
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

    #[test]
    fn forged_xlsx_sheets() {
        // Sanity: the minimal workbook reads; formatting-only cells (C1, the
        // whole row 3) add no width or rows.
        let ok = sheet_xml(
            "A1:C3",
            r#"<row r="1"><c r="B1" t="inlineStr"><is><t>x</t></is></c><c r="C1" s="1"/></row><row r="3"><c r="A3" s="1"/></row>"#,
        );
        assert_eq!(read_forged(&ok).unwrap(), vec![row(&["", "x"])]);

        // A dimension running backwards makes calamine overflow.
        let backwards = sheet_xml("B2:A1", r#"<row r="1"><c r="A1"><v>1</v></c></row>"#);
        match read_forged(&backwards) {
            Ok(rows) => assert_eq!(rows, vec![row(&["1"])]),
            Err(error) => assert!(matches!(error, Error::Format { .. }), "{error}"),
        }

        let beyond = sheet_xml(
            "A1",
            r#"<row r="2000000"><c r="A2000000"><v>1</v></c></row>"#,
        );
        let Err(Error::Format { message }) = read_forged(&beyond) else {
            panic!("a cell beyond the sheet limits must be refused");
        };
        assert!(message.contains("beyond a sheet's"), "{message}");

        let unordered = sheet_xml(
            "A1:A2",
            r#"<row r="2"><c r="A2"><v>2</v></c></row><row r="1"><c r="A1"><v>1</v></c></row>"#,
        );
        let Err(Error::Format { message }) = read_forged(&unordered) else {
            panic!("rows out of order must be refused");
        };
        assert!(message.contains("row 1 comes after row 2"), "{message}");

        let broken = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v>"#;
        assert!(matches!(read_forged(broken), Err(Error::Format { .. })));
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default();
        for (name, bytes) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn tempfile_with(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::Builder::new().suffix(".xlsx").tempfile().unwrap();
        file.write_all(bytes).unwrap();
        file.flush().unwrap();
        file
    }
}
