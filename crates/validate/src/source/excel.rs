//! Spreadsheets (xlsx, xlsm, xlsb, xls and ods) as rows of text cells.
//!
//! Rows come out at their sheet positions, as frictionless-py (openpyxl,
//! xlrd, ezodf) yields them: the first row is the sheet's row 1 even when it
//! is empty, every row starts at column A and is padded with empty cells to
//! the sheet's width, and empty rows between data rows stay in. The width
//! and the last row are those of the cells holding a value, so cells that
//! only carry formatting add no blank columns or rows.
//!
//! Cell text: `3.0` is `3`, booleans `true`/`false`, errors their text
//! (`#DIV/0!`), dates ISO 8601, durations ISO 8601 durations.
//! A column of dates all at midnight reads as dates (`2020-01-31`); when any
//! date of the column has a time of day, all of them read as datetimes.
//!
//! xlsx and ods sheets are streamed from a thread, in two passes over the
//! sheet's XML (the first finds the width and which date columns carry a
//! time of day), so memory stays bounded whatever the sheet's size. xls and
//! xlsb sheets are held whole in memory by calamine.
//!
//! Workbooks are untrusted input. A zip container is checked before anything
//! inflates it ([`Limits`]), calamine calls run under `catch_unwind` (its
//! parsers do unchecked arithmetic on numbers read from the file), and every
//! failure becomes an [`Error::Format`].

mod cell_text;
mod ods;
mod stream;
mod xlsx;
mod zip_guard;

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use calamine::{Data, Range, Reader, SheetType, Xls, Xlsb, Xlsx};
use csv::ByteRecord;

use self::cell_text::{has_time_of_day, view_data, write_cell};
use self::stream::StreamRows;
use self::xlsx::stream_xlsx;
use crate::error::Error;
use crate::source::RowSource;

/// Default ceiling on the total uncompressed size of a zipped workbook.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 2 << 30;

/// Excel's sheet limits (LibreOffice's too); values beyond them only appear
/// in forged files.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLUMNS: u32 = 16_384;

/// Ceilings on a zipped workbook (xlsx, xlsm, xlsb, ods), checked before
/// anything is inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Total uncompressed bytes of all entries.
    pub max_uncompressed_bytes: u64,
    /// Number of entries.
    pub max_entries: usize,
    /// Largest uncompressed:compressed ratio of an entry, for entries of
    /// more than `ratio_floor_bytes` uncompressed.
    pub max_ratio: u64,
    pub ratio_floor_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_uncompressed_bytes: MAX_UNCOMPRESSED_BYTES,
            max_entries: 10_000,
            max_ratio: 100,
            ratio_floor_bytes: 100 * 1024 * 1024,
        }
    }
}

/// Which sheet of a workbook to read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SheetSelector {
    #[default]
    First,
    /// 1-based, like frictionless' `sheet` number; chart sheets not counted.
    Index(usize),
    Name(String),
}

impl SheetSelector {
    /// A number selects by position, anything else by name.
    pub fn parse(text: &str) -> SheetSelector {
        match text.trim().parse::<usize>() {
            Ok(index) => SheetSelector::Index(index),
            Err(_) => SheetSelector::Name(text.to_owned()),
        }
    }
}

impl fmt::Display for SheetSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SheetSelector::First => f.write_str("first sheet"),
            SheetSelector::Index(index) => write!(f, "sheet number {index}"),
            SheetSelector::Name(name) => write!(f, "sheet \"{name}\""),
        }
    }
}

/// Names of the worksheets of a workbook, in order (chart sheets left out,
/// so that positions match [`SheetSelector::Index`]).
pub fn sheet_names(path: &Path) -> Result<Vec<String>, Error> {
    sheet_names_with(path, &Limits::default())
}

pub fn sheet_names_with(path: &Path, limits: &Limits) -> Result<Vec<String>, Error> {
    let label = path.display().to_string();
    match sniff(path, &label, limits)? {
        Kind::Ods => {
            let mut archive = open_zip(path, &label)?;
            ods::sheet_names(&mut archive).map_err(|e| format_error(&label, e))
        }
        kind => Ok(open_calamine(path, &label, kind)?.worksheet_names()),
    }
}

/// Opens one sheet of a workbook for reading.
pub fn open_sheet(path: &Path, sel: &SheetSelector) -> Result<SheetSource, Error> {
    open_sheet_with(path, sel, &Limits::default())
}

pub fn open_sheet_with(
    path: &Path,
    sel: &SheetSelector,
    limits: &Limits,
) -> Result<SheetSource, Error> {
    let label = path.display().to_string();
    let kind = sniff(path, &label, limits)?;
    let sheet_name;
    let inner = if kind == Kind::Ods {
        let mut archive = open_zip(path, &label)?;
        let names = ods::sheet_names(&mut archive).map_err(|e| format_error(&label, e))?;
        let index = resolve_sheet(path, &names, sel)?;
        sheet_name = names[index].clone();
        Inner::Stream(StreamRows::spawn(label.clone(), move |out| {
            ods::stream_sheet(&mut archive, index, out).map_err(|e| format_error(&label, e))
        })?)
    } else {
        let mut book = open_calamine(path, &label, kind)?;
        let names = book.worksheet_names();
        let sheet = names[resolve_sheet(path, &names, sel)?].clone();
        sheet_name = sheet.clone();
        match book {
            Workbook::Xlsx(mut xlsx) => {
                Inner::Stream(StreamRows::spawn(label.clone(), move |out| {
                    stream_xlsx(&mut xlsx, &sheet, &label, out)
                })?)
            }
            Workbook::Xlsb(ref mut xlsb) => Inner::Range(RangeRows::new(guarded(&label, || {
                xlsb.worksheet_range(&sheet).map_err(|e| e.to_string())
            })?)?),
            Workbook::Xls(ref mut xls) => Inner::Range(RangeRows::new(guarded(&label, || {
                xls.worksheet_range(&sheet).map_err(|e| e.to_string())
            })?)?),
        }
    };
    Ok(SheetSource {
        name: sheet_name,
        inner,
    })
}

/// The rows of one sheet; see the module documentation for their shape.
pub struct SheetSource {
    name: String,
    inner: Inner,
}

impl SheetSource {
    /// The name of the sheet being read.
    pub fn name(&self) -> &str {
        &self.name
    }
}

enum Inner {
    Stream(StreamRows),
    Range(RangeRows),
}

impl RowSource for SheetSource {
    fn read_row(&mut self, record: &mut ByteRecord) -> Result<bool, Error> {
        match &mut self.inner {
            Inner::Stream(rows) => rows.read_row(record),
            Inner::Range(rows) => rows.read_row(record),
        }
    }
}

// ---------------------------------------------------------------------------
// Opening

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

/// Tells the format from the bytes rather than the extension, and checks a
/// zip container against the limits.
fn sniff(path: &Path, label: &str, limits: &Limits) -> Result<Kind, Error> {
    const CFB: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut magic = Vec::with_capacity(8);
    (&file)
        .take(8)
        .read_to_end(&mut magic)
        .map_err(|e| Error::io(path, e))?;
    if magic == CFB {
        return Ok(Kind::Xls);
    }
    if magic.starts_with(b"PK") {
        let mut reader = BufReader::new(file);
        reader.rewind().map_err(|e| Error::io(path, e))?;
        return zip_guard::inspect_zip(reader, limits).map_err(|e| format_error(label, e));
    }
    Err(format_error(
        label,
        "it is neither an Excel (xlsx, xls) nor an OpenDocument (ods) spreadsheet",
    ))
}

fn format_error(label: &str, detail: impl fmt::Display) -> Error {
    Error::format(format!("Failed to read the workbook {label}: {detail}"))
}

type FileReader = BufReader<File>;

fn open_zip(path: &Path, label: &str) -> Result<zip::ZipArchive<FileReader>, Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = BufReader::new(file);
    catch_unwind(AssertUnwindSafe(|| zip::ZipArchive::new(reader)))
        .map_err(|_| format_error(label, "invalid zip archive"))?
        .map_err(|e| format_error(label, format!("invalid zip archive: {e}")))
}

/// Workbooks read through calamine.
enum Workbook {
    Xlsx(Xlsx<FileReader>),
    Xlsb(Xlsb<FileReader>),
    Xls(Xls<FileReader>),
}

impl Workbook {
    fn worksheet_names(&self) -> Vec<String> {
        let sheets = match self {
            Workbook::Xlsx(book) => book.sheets_metadata(),
            Workbook::Xlsb(book) => book.sheets_metadata(),
            Workbook::Xls(book) => book.sheets_metadata(),
        };
        sheets
            .iter()
            .filter(|sheet| sheet.typ == SheetType::WorkSheet)
            .map(|sheet| sheet.name.clone())
            .collect()
    }
}

fn open_calamine(path: &Path, label: &str, kind: Kind) -> Result<Workbook, Error> {
    let reader = BufReader::new(File::open(path).map_err(|e| Error::io(path, e))?);
    guarded(label, move || {
        Ok(match kind {
            Kind::Xlsx => Workbook::Xlsx(Xlsx::new(reader).map_err(|e| e.to_string())?),
            Kind::Xlsb => Workbook::Xlsb(Xlsb::new(reader).map_err(|e| e.to_string())?),
            Kind::Xls => Workbook::Xls(Xls::new(reader).map_err(|e| e.to_string())?),
            Kind::Ods => return Err("ods is not read through calamine".into()),
        })
    })
}

/// Runs a calamine call, turning its errors and panics into format errors.
fn guarded<T>(label: &str, call: impl FnOnce() -> Result<T, String>) -> Result<T, Error> {
    match catch_unwind(AssertUnwindSafe(call)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(message)) => Err(format_error(label, message)),
        Err(_) => Err(format_error(label, "the workbook is malformed")),
    }
}

/// The position in `names` of the selected sheet.
fn resolve_sheet(path: &Path, names: &[String], sel: &SheetSelector) -> Result<usize, Error> {
    let found = match sel {
        SheetSelector::First => (!names.is_empty()).then_some(0),
        SheetSelector::Index(index) => index.checked_sub(1).filter(|i| *i < names.len()),
        SheetSelector::Name(name) => names.iter().position(|n| n == name),
    };
    if let Some(index) = found {
        return Ok(index);
    }
    let available = if names.is_empty() {
        "it has no worksheets".to_owned()
    } else {
        let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        format!("its sheets are {}", quoted.join(", "))
    };
    Err(Error::source(format!(
        "The workbook {} has no {sel}; {available}",
        path.display()
    )))
}

// ---------------------------------------------------------------------------
// A sheet held whole by calamine (xls, xlsb)

struct RangeRows {
    range: Range<Data>,
    /// Per column: does any date in it carry a time of day?
    timed: Vec<bool>,
    next_row: u32,
    rows: u32,
    width: u32,
    text: String,
}

impl RangeRows {
    fn new(range: Range<Data>) -> Result<RangeRows, Error> {
        let (rows, width) = match range.end() {
            Some((row, col)) => (row.saturating_add(1), col.saturating_add(1)),
            None => (0, 0),
        };
        if rows > MAX_ROWS || width > MAX_COLUMNS {
            return Err(Error::format(format!(
                "The sheet is {rows} rows by {width} columns, beyond a spreadsheet's limits"
            )));
        }
        let mut timed = vec![false; width as usize];
        let first_col = range.start().map_or(0, |(_, col)| col as usize);
        for (_, col, value) in range.used_cells() {
            if matches!(value, Data::DateTime(dt) if has_time_of_day(dt)) {
                if let Some(flag) = timed.get_mut(first_col + col) {
                    *flag = true;
                }
            }
        }
        Ok(RangeRows {
            range,
            timed,
            next_row: 0,
            rows,
            width,
            text: String::new(),
        })
    }

    fn read_row(&mut self, record: &mut ByteRecord) -> Result<bool, Error> {
        record.clear();
        if self.next_row >= self.rows {
            return Ok(false);
        }
        let row = self.next_row;
        self.next_row += 1;
        for col in 0..self.width {
            self.text.clear();
            if let Some(value) = self.range.get_value((row, col)) {
                let timed = self.timed.get(col as usize).copied().unwrap_or(false);
                write_cell(&mut self.text, view_data(value), timed);
            }
            record.push_field(self.text.as_bytes());
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};
    use std::path::PathBuf;

    use zip::write::SimpleFileOptions;

    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/spreadsheets")
            .join(name)
    }

    fn gold(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/datasets/gold-prices/cache")
            .join(name)
    }

    fn read_all(mut source: SheetSource) -> Vec<Vec<String>> {
        let mut record = ByteRecord::new();
        let mut rows = Vec::new();
        while source.read_row(&mut record).unwrap() {
            rows.push(
                record
                    .iter()
                    .map(|f| String::from_utf8(f.to_vec()).unwrap())
                    .collect(),
            );
        }
        rows
    }

    fn read(path: &Path, sel: SheetSelector) -> Vec<Vec<String>> {
        read_all(open_sheet(path, &sel).unwrap())
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    fn name(name: &str) -> SheetSelector {
        SheetSelector::Name(name.to_owned())
    }

    fn temp_file(bytes: &[u8], suffix: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
        file.write_all(bytes).unwrap();
        file.flush().unwrap();
        file
    }

    /// The rows of the `sparse` sheets: data from B3, a blank row inside.
    fn sparse(width: usize) -> Vec<Vec<String>> {
        let blank = vec![String::new(); width];
        let mut rows = vec![
            blank.clone(),
            blank.clone(),
            row(&["", "a", "b", ""]),
            row(&["", "1", "2", ""]),
            blank,
            row(&["", "3", "", "wide"]),
        ];
        for r in &mut rows[2..] {
            r.truncate(width);
        }
        rows
    }

    #[test]
    fn parses_selectors() {
        assert_eq!(SheetSelector::parse("2"), SheetSelector::Index(2));
        assert_eq!(SheetSelector::parse(" 1 "), SheetSelector::Index(1));
        assert_eq!(SheetSelector::parse("Sheet 1"), name("Sheet 1"));
        assert_eq!(SheetSelector::default(), SheetSelector::First);
    }

    #[test]
    fn xlsx_sheets_by_name_and_by_index() {
        let path = fixture("sheets.xlsx");
        assert_eq!(sheet_names(&path).unwrap(), vec!["people", "sparse"]);
        let people = vec![
            row(&[
                "id", "name", "born", "score", "active", "seen", "at", "ratio", "err", "long",
            ]),
            // A date column all at midnight reads as dates; the datetime
            // column keeps its midnight as a datetime.
            row(&[
                "1",
                "Ann",
                "2020-01-31",
                "3",
                "true",
                "2020-01-31T10:00:00",
                "10:00:00",
                "0.1",
                "#DIV/0!",
                "PT36H30M",
            ]),
            row(&[
                "2",
                "Bob",
                "2021-02-01",
                "2.5",
                "false",
                "2020-02-01T00:00:00",
                "23:59:59.25",
                "1e20",
                "",
                "",
            ]),
        ];
        assert_eq!(read(&path, name("people")), people);
        assert_eq!(read(&path, SheetSelector::First), people);
        assert_eq!(read(&path, SheetSelector::Index(1)), people);
        let source = open_sheet(&path, &SheetSelector::Index(2)).unwrap();
        assert_eq!(source.name(), "sparse");
        // Leading empty rows and column A are kept, as sheet positions.
        assert_eq!(read(&path, SheetSelector::Index(2)), sparse(4));
        assert_eq!(read(&path, name("sparse")), sparse(4));
    }

    #[test]
    fn ods_sheets() {
        let path = fixture("sheets.ods");
        assert_eq!(sheet_names(&path).unwrap(), vec!["people", "sparse"]);
        assert_eq!(
            read(&path, name("people")),
            vec![
                row(&["id", "name", "born", "score", "seen", "at"]),
                row(&[
                    "1",
                    "Ann",
                    "2020-01-31",
                    "3",
                    "2020-01-31T10:00:00",
                    "PT10H00M00S"
                ]),
                row(&["2", "Bob", "2021-02-01", "2.5", "true", ""]),
            ]
        );
        assert_eq!(
            open_sheet(&path, &SheetSelector::First).unwrap().name(),
            "people"
        );
        // calamine 0.31 would put the 3 of B6 in C6.
        assert_eq!(read(&path, SheetSelector::Index(2)), sparse(3));
    }

    #[test]
    fn xls_sheets() {
        let path = fixture("sheets.xls");
        assert_eq!(sheet_names(&path).unwrap(), vec!["people", "other"]);
        assert_eq!(
            read(&path, SheetSelector::First),
            vec![
                row(&["id", "name", "born", "score", "active", "seen"]),
                row(&["1", "Ann", "2020-01-31", "3", "true", "2020-01-31T10:00:00"]),
                row(&[
                    "2",
                    "Bob",
                    "2021-02-01",
                    "2.5",
                    "false",
                    "2020-02-01T00:00:00"
                ]),
            ]
        );
        assert_eq!(
            read(&path, name("other")),
            vec![row(&["", ""]), row(&["", "x"])]
        );
    }

    #[test]
    fn a_real_workbook_named_xls_but_zipped() {
        // The World Bank's file is an xlsx despite its name; frictionless
        // hands it to xlrd and fails, the bytes tell us what it is.
        let path = gold("annual.xls");
        let names = sheet_names(&path).unwrap();
        assert_eq!(names[1], "Annual Prices (Nominal)");
        let rows = read(&path, name("Annual Prices (Nominal)"));
        assert_eq!(rows.len(), 74);
        assert!(rows.iter().all(|r| r.len() == 70));
        assert_eq!(rows[6][67], "Gold");
        assert_eq!(rows[8][0], "1960");
        assert_eq!(rows[73][0], "2025");
        assert_eq!(read(&path, SheetSelector::First), Vec::<Vec<String>>::new());
    }

    #[test]
    fn streams_many_rows_and_stops_when_dropped() {
        let path = gold("monthly.xls");
        let rows = read(&path, SheetSelector::Index(2));
        assert_eq!(rows.len(), 804);
        let mut source = open_sheet(&path, &SheetSelector::Index(2)).unwrap();
        let mut record = ByteRecord::new();
        assert!(source.read_row(&mut record).unwrap());
        // Dropping with rows still queued ends the reading thread.
        drop(source);
    }

    #[test]
    fn unknown_sheets_list_the_available_ones() {
        for file in ["sheets.xlsx", "sheets.ods"] {
            let path = fixture(file);
            for sel in [
                name("nope"),
                SheetSelector::Index(0),
                SheetSelector::Index(3),
            ] {
                let Err(Error::Source { message }) = open_sheet(&path, &sel) else {
                    panic!("{file}: {sel} should be a source error");
                };
                assert!(
                    message.ends_with("its sheets are \"people\", \"sparse\""),
                    "{message}"
                );
                assert!(message.contains(&sel.to_string()), "{message}");
            }
        }
    }

    #[test]
    fn truncated_workbooks_are_format_errors() {
        for (file, suffix) in [
            ("sheets.xlsx", ".xlsx"),
            ("sheets.ods", ".ods"),
            ("sheets.xls", ".xls"),
        ] {
            let bytes = std::fs::read(fixture(file)).unwrap();
            for cut in [bytes.len() / 2, bytes.len() - 30] {
                let truncated = temp_file(&bytes[..cut], suffix);
                match open_sheet(truncated.path(), &SheetSelector::First) {
                    Err(Error::Format { message }) => {
                        assert!(
                            message.starts_with("Failed to read the workbook"),
                            "{message}"
                        )
                    }
                    Err(other) => panic!("{file} cut at {cut}: {other}"),
                    Ok(source) => {
                        // The damage may lie past the part read when opening.
                        let mut source = source;
                        let mut record = ByteRecord::new();
                        let mut failed = false;
                        loop {
                            match source.read_row(&mut record) {
                                Ok(true) => {}
                                Ok(false) => break,
                                Err(Error::Format { .. }) => {
                                    failed = true;
                                    break;
                                }
                                Err(other) => panic!("{file}: {other}"),
                            }
                        }
                        assert!(failed, "{file} cut at {cut} read without error");
                    }
                }
            }
        }
    }

    #[test]
    fn other_files_are_format_errors() {
        let csv = temp_file(b"a,b\n1,2\n", ".xlsx");
        let Err(Error::Format { message }) = open_sheet(csv.path(), &SheetSelector::First) else {
            panic!("a CSV is not a workbook");
        };
        assert!(message.contains("neither an Excel"), "{message}");
        let missing = Path::new("/nonexistent/book.xlsx");
        assert!(matches!(sheet_names(missing), Err(Error::Io { .. })));
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn zip_bombs_are_refused() {
        let zeros = vec![0u8; 2 << 20];
        let bomb = zip_of(&[
            ("xl/workbook.xml", b"<x/>"),
            ("xl/worksheets/sheet1.xml", &zeros),
        ]);
        let file = temp_file(&bomb, ".xlsx");
        let limits = Limits {
            ratio_floor_bytes: 1 << 20,
            ..Limits::default()
        };
        let Err(Error::Format { message }) =
            open_sheet_with(file.path(), &SheetSelector::First, &limits)
        else {
            panic!("a zip bomb must be refused");
        };
        assert!(message.contains("likely zip bomb"), "{message}");
        let limits = Limits {
            max_uncompressed_bytes: 1 << 20,
            ..Limits::default()
        };
        assert!(matches!(
            sheet_names_with(file.path(), &limits),
            Err(Error::Format { .. })
        ));
    }
}
