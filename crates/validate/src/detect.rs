//! Detection of a file's format, compression, encoding and CSV dialect from
//! its name and its first bytes.
//!
//! Detectors see only the head of a file that the caller read (64 KiB to
//! 1 MiB is plenty): what lies past it is checked when the file is read in
//! full, and reported as an error there.

mod dialect;
mod encoding;

use std::io::Read;
use std::path::Path;

use memchr::memmem;

use crate::error::Error;

pub use dialect::{sniff_dialect, LineTerminator, SniffedDialect};
pub use encoding::{decode_sample, detect_encoding, encoding_for_label, DetectedEncoding};

/// The table formats the engine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Csv,
    Tsv,
    Xlsx,
    Xls,
    Ods,
    Json,
    /// Newline-delimited JSON, one row per line (JSON Lines).
    Ndjson,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Csv,
        Format::Tsv,
        Format::Xlsx,
        Format::Xls,
        Format::Ods,
        Format::Json,
        Format::Ndjson,
    ];

    /// The name frictionless-py gives the format in a resource's `format`.
    /// NDJSON is `jsonl`, which frictionless-py reads like `ndjson`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Json => "json",
            Format::Ndjson => "jsonl",
        }
    }

    /// The format for a descriptor's `format` or a user's `--format`, in any
    /// case; `ndjson`, `jsonl`, `xlsm` and `tab` are accepted too.
    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.trim().trim_start_matches('.').to_ascii_lowercase();
        match name.as_str() {
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Ndjson),
            _ => None,
        }
    }

    /// The resource `mediatype` frictionless-py writes for the format.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv",
            Format::Tsv => "text/tsv",
            Format::Xlsx | Format::Xls => "application/vnd.ms-excel",
            Format::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Format::Json => "text/json",
            Format::Ndjson => "text/jsonl",
        }
    }

    /// Whether the format is delimited text (read with the CSV reader).
    pub fn is_delimited(self) -> bool {
        matches!(self, Format::Csv | Format::Tsv)
    }

    /// The format an extension names, without the dot and in any case.
    /// `txt` names none: a text file may be comma- or tab-separated.
    fn from_extension(extension: &str) -> Option<Format> {
        Format::from_name(extension)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A compression the engine undoes while reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    Gzip,
}

impl Compression {
    /// The name frictionless-py gives it in a resource's `compression`.
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::Gzip => "gz",
        }
    }
}

/// What decided the detected format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The file's extension, which the content did not contradict.
    Extension,
    /// The content: the extension was missing, ambiguous (`.txt`) or wrong.
    Content,
}

/// The format (and compression) of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub format: Format,
    pub compression: Option<Compression>,
    pub basis: Basis,
    /// Set when the content contradicted the file's name, saying what was
    /// found, e.g. "data.csv is an XLSX workbook despite its .csv extension;
    /// reading it as XLSX". Show it to the user as a warning.
    pub mismatch: Option<String>,
}

const SUPPORTED: &str = "CSV, TSV, XLSX, XLS, ODS, JSON or NDJSON (optionally gzip-compressed)";
const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
/// Decompressed bytes looked at inside a gzip file.
const GZIP_SAMPLE: u64 = 64 * 1024;

/// Detects the format of the file at `path` from its name and `head`, its
/// first bytes (the caller reads them; 64 KiB is plenty).
///
/// The extension (`.csv .tsv .tab .txt .xlsx .xlsm .xls .ods .json .ndjson
/// .jsonl`, any of them followed by `.gz`) decides unless the content says
/// otherwise. The content wins when it is unambiguous: a ZIP workbook, an
/// OLE2 (XLS) file or gzip data is what its magic bytes say whatever its
/// name, a text file is not a workbook, and several JSON values one per
/// line are NDJSON even in a `.json` file; [`Detected::mismatch`] then says
/// so. Without a usable extension the content decides alone: magic bytes,
/// then a JSON array or NDJSON, then CSV or TSV by the sniffed delimiter.
///
/// The ZIP test reads the entry names in `head`; when they are not there
/// (an unusual entry order) it opens `path` to list the archive, if `path`
/// is a readable file.
///
/// Errors: binary content that is none of the supported formats (named in
/// the message, with the formats that are supported), a ZIP archive that
/// holds no spreadsheet, and HTML or XML pages saved under a table's name.
pub fn detect_format(path: &Path, head: &[u8]) -> Result<Detected, Error> {
    let display = path.display().to_string();
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let (name, gz_extension) = match name.strip_suffix(".gz") {
        Some(inner) => (inner.to_owned(), true),
        None => (name, false),
    };
    let extension = name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_owned());
    let claimed = extension.as_deref().and_then(Format::from_extension);

    if head.starts_with(&[0x1F, 0x8B]) {
        let inner_head = gunzip_head(head);
        let inner = detect_plain(
            &display,
            path,
            &inner_head,
            extension.as_deref(),
            claimed,
            false,
        )?;
        let mut mismatch = inner.mismatch;
        if !gz_extension {
            let note = format!(
                "{display} is gzip-compressed despite its name; decompressing it while reading"
            );
            mismatch = Some(match mismatch {
                Some(more) => format!("{note}. {more}"),
                None => note,
            });
        }
        return Ok(Detected {
            compression: Some(Compression::Gzip),
            basis: if gz_extension {
                inner.basis
            } else {
                Basis::Content
            },
            mismatch,
            ..inner
        });
    }
    if gz_extension && !head.is_empty() {
        return Err(Error::format(format!(
            "{display} is named .gz but is not gzip-compressed: rename it without .gz, \
             or compress it with gzip"
        )));
    }
    detect_plain(&display, path, head, extension.as_deref(), claimed, true)
}

/// Detection on uncompressed bytes. `on_disk` tells whether `path` holds
/// these very bytes (not so inside a gzip file), so the ZIP directory can be
/// read from it.
fn detect_plain(
    display: &str,
    path: &Path,
    head: &[u8],
    extension: Option<&str>,
    claimed: Option<Format>,
    on_disk: bool,
) -> Result<Detected, Error> {
    let by_content = |format: Format| {
        let mismatch = match claimed {
            Some(claimed) if claimed != format => Some(format!(
                "{display} is {} despite its .{} extension; reading it as {}",
                describe(format),
                extension.unwrap_or_default(),
                short_name(format),
            )),
            _ => None,
        };
        Detected {
            format,
            compression: None,
            basis: if claimed == Some(format) {
                Basis::Extension
            } else {
                Basis::Content
            },
            mismatch,
        }
    };

    if head.starts_with(b"PK\x03\x04") {
        return match zip_spreadsheet(head, if on_disk { Some(path) } else { None }) {
            ZipKind::Xlsx => Ok(by_content(Format::Xlsx)),
            ZipKind::Ods => Ok(by_content(Format::Ods)),
            ZipKind::Xlsb => Err(Error::format(format!(
                "{display} is an XLSB (binary Excel) workbook, which is not supported: \
                 save it as XLSX or CSV"
            ))),
            ZipKind::Unknown => match claimed {
                // The entries were not where we could see them (inside a
                // gzip file, for one): trust the name of a workbook.
                Some(format @ (Format::Xlsx | Format::Ods)) => Ok(by_content(format)),
                _ => Err(not_a_workbook(display)),
            },
            ZipKind::Other => Err(not_a_workbook(display)),
        };
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(by_content(Format::Xls));
    }
    if let Some(kind) = known_binary(head) {
        return Err(Error::format(format!(
            "{display} is {kind}, which is not a supported table format; supported formats: \
             {SUPPORTED}"
        )));
    }

    let encoding = detect_encoding(head);
    let text = decode_sample(head, &encoding);
    if is_binary(&text) {
        return Err(Error::format(format!(
            "{display} looks like binary data, not a table; supported formats: {SUPPORTED}"
        )));
    }
    if let Some(kind) = markup(&text) {
        return Err(Error::format(format!(
            "{display} is {kind}, not a table; supported formats: {SUPPORTED}"
        )));
    }
    let json = json_shape(&text);
    Ok(match claimed {
        // A text file named as a workbook: the content decides.
        Some(Format::Xlsx | Format::Xls | Format::Ods) | None => {
            let format = json.unwrap_or_else(|| delimited(&text));
            by_content(format)
        }
        // Two JSON documents in a row cannot be one JSON file.
        Some(Format::Json) if json == Some(Format::Ndjson) => by_content(Format::Ndjson),
        Some(format) => by_content(format),
    })
}

fn not_a_workbook(display: &str) -> Error {
    Error::format(format!(
        "{display} is a ZIP archive but not an XLSX or ODS workbook: extract the table from \
         it first (supported formats: {SUPPORTED})"
    ))
}

fn short_name(format: Format) -> &'static str {
    match format {
        Format::Csv => "CSV",
        Format::Tsv => "TSV",
        Format::Xlsx => "XLSX",
        Format::Xls => "XLS",
        Format::Ods => "ODS",
        Format::Json => "JSON",
        Format::Ndjson => "NDJSON",
    }
}

fn describe(format: Format) -> &'static str {
    match format {
        Format::Csv => "delimited text",
        Format::Tsv => "tab-separated text",
        Format::Xlsx => "an XLSX workbook",
        Format::Xls => "an XLS workbook",
        Format::Ods => "an ODS spreadsheet",
        Format::Json => "a JSON document",
        Format::Ndjson => "newline-delimited JSON",
    }
}

fn delimited(text: &str) -> Format {
    if sniff_dialect(text).delimiter == b'\t' {
        Format::Tsv
    } else {
        Format::Csv
    }
}

/// Decompresses as much of a gzip file's head as the head holds.
fn gunzip_head(head: &[u8]) -> Vec<u8> {
    let mut decoder = flate2::read::GzDecoder::new(head).take(GZIP_SAMPLE);
    let mut out = Vec::new();
    let mut chunk = [0u8; 8192];
    // The head usually ends mid-stream: keep what decompressed before the
    // unexpected end instead of failing.
    while let Ok(read) = decoder.read(&mut chunk) {
        if read == 0 {
            break;
        }
        out.extend_from_slice(&chunk[..read]);
    }
    out
}

#[derive(Debug, PartialEq, Eq)]
enum ZipKind {
    Xlsx,
    Xlsb,
    Ods,
    /// Seen to be some other archive (a DOCX, an ODT, zipped CSVs...).
    Other,
    /// Could not tell: the entries are not in the head and the archive
    /// could not be listed.
    Unknown,
}

/// Tells XLSX from ODS by the local file headers in `head`, and failing
/// that by the archive's directory read from `path`.
fn zip_spreadsheet(head: &[u8], path: Option<&Path>) -> ZipKind {
    let kind = zip_kind_from_head(head);
    if kind != ZipKind::Unknown {
        return kind;
    }
    let archive = path
        .and_then(|path| std::fs::File::open(path).ok())
        .and_then(|file| zip::ZipArchive::new(std::io::BufReader::new(file)).ok());
    let Some(mut archive) = archive else {
        return ZipKind::Unknown;
    };
    if archive.file_names().any(|name| name == "xl/workbook.bin") {
        return ZipKind::Xlsb;
    }
    if archive.file_names().any(|name| name.starts_with("xl/")) {
        return ZipKind::Xlsx;
    }
    let mut mimetype = Vec::new();
    if let Ok(entry) = archive.by_name("mimetype") {
        let _ = entry.take(256).read_to_end(&mut mimetype);
    }
    if mimetype.starts_with(ODS_MIMETYPE) {
        ZipKind::Ods
    } else {
        ZipKind::Other
    }
}

fn zip_kind_from_head(head: &[u8]) -> ZipKind {
    let mut xlsx = false;
    for offset in memmem::find_iter(head, b"PK\x03\x04") {
        // Local file header: name length at 26, extra length at 28, name at
        // 30, then the extra field and the entry's data.
        let Some(header) = head.get(offset..offset + 30) else {
            break;
        };
        let name_len = usize::from(u16::from_le_bytes([header[26], header[27]]));
        let extra_len = usize::from(u16::from_le_bytes([header[28], header[29]]));
        let name_start = offset + 30;
        let Some(name) = head.get(name_start..name_start + name_len) else {
            break;
        };
        if name == b"mimetype" {
            // ODF stores it first and uncompressed, so its text is right here.
            let data = head
                .get(name_start + name_len + extra_len..)
                .unwrap_or_default();
            let data = &data[..data.len().min(ODS_MIMETYPE.len())];
            if data == ODS_MIMETYPE {
                return ZipKind::Ods;
            }
            if !ODS_MIMETYPE.starts_with(data) {
                return ZipKind::Other;
            }
            // Cut off by the end of the head: undecided.
        } else if name == b"xl/workbook.bin" {
            return ZipKind::Xlsb;
        } else if name.starts_with(b"xl/") {
            xlsx = true;
        } else if name.starts_with(b"word/") || name.starts_with(b"ppt/") {
            return ZipKind::Other;
        }
    }
    if xlsx {
        ZipKind::Xlsx
    } else {
        ZipKind::Unknown
    }
}

/// Names the common binary formats people mistake for tables.
fn known_binary(head: &[u8]) -> Option<&'static str> {
    const MAGICS: [(&[u8], &str); 8] = [
        (b"PAR1", "a Parquet file"),
        (b"SQLite format 3\0", "an SQLite database"),
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"ARROW1", "an Arrow file"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (b"BZh", "a bzip2-compressed file"),
    ];
    MAGICS
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, kind)| *kind)
}

/// Control characters other than whitespace are rare in text tables: a NUL,
/// or more than one character in a hundred, means binary data.
fn is_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        total += 1;
        // A stray NUL in a cell is still text; NULs in numbers are counted
        // with the other control characters below.
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C') {
            control += 1;
        }
    }
    // A few control characters (a stray NUL in a cell) are data that is
    // damaged, not binary: the table is still read and reported on.
    control > 8 && control * 100 > total
}

/// Web pages and XML saved as `.csv` or `.xls` (a common export trick).
fn markup(text: &str) -> Option<&'static str> {
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    let lower: String = start
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    if lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || lower.starts_with("<table")
    {
        Some("an HTML page")
    } else if lower.starts_with("<?xml") {
        Some("an XML document")
    } else {
        None
    }
}

/// NDJSON when the first line is a whole JSON object or array and the next
/// line starts another (two values in a row cannot be one JSON document);
/// JSON for anything else that starts like JSON (a single line too: one
/// minified document); `None` for text that does not start with `{` or `[`.
fn json_shape(text: &str) -> Option<Format> {
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    let mut lines = start.lines().map(str::trim).filter(|line| !line.is_empty());
    let first = lines.next()?;
    if !(first.starts_with('{') || first.starts_with('[')) {
        return None;
    }
    let complete = (first.starts_with('{') && first.ends_with('}'))
        || (first.starts_with('[') && first.ends_with(']'));
    let another = lines
        .next()
        .is_some_and(|next| next.starts_with('{') || next.starts_with('['));
    if complete && another && serde_json::from_str::<serde::de::IgnoredAny>(first).is_ok() {
        Some(Format::Ndjson)
    } else {
        Some(Format::Json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            let options = zip::write::SimpleFileOptions::default().compression_method(
                if *name == "mimetype" {
                    zip::CompressionMethod::Stored
                } else {
                    zip::CompressionMethod::Deflated
                },
            );
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn xlsx_bytes() -> Vec<u8> {
        zip_bytes(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", b"<worksheet/>"),
        ])
    }

    fn ods_bytes() -> Vec<u8> {
        zip_bytes(&[
            ("mimetype", ODS_MIMETYPE),
            ("META-INF/manifest.xml", b"<manifest/>"),
            ("content.xml", b"<office:document-content/>"),
        ])
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn detect(name: &str, head: &[u8]) -> Detected {
        detect_format(Path::new(name), head).unwrap()
    }

    const XLS_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    #[test]
    fn names() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.as_str()), Some(format));
        }
        assert_eq!(Format::Ndjson.as_str(), "jsonl");
        assert_eq!(Format::from_name("NDJSON"), Some(Format::Ndjson));
        assert_eq!(Format::from_name("xlsm"), Some(Format::Xlsx));
        assert_eq!(Format::from_name(".tab"), Some(Format::Tsv));
        assert_eq!(Format::from_name("txt"), None);
        assert_eq!(Format::Tsv.media_type(), "text/tsv");
        assert_eq!(Compression::Gzip.as_str(), "gz");
        assert!(Format::Tsv.is_delimited() && !Format::Json.is_delimited());
    }

    #[test]
    fn extensions_decide_for_matching_content() {
        let csv = b"a,b\n1,2\n";
        let cases = [
            ("data.csv", &csv[..], Format::Csv),
            ("DATA.CSV", csv, Format::Csv),
            ("data.tsv", b"a\tb\n1\t2\n", Format::Tsv),
            ("data.tab", b"a\tb\n1\t2\n", Format::Tsv),
            ("data.json", b"[{\"a\": 1}]", Format::Json),
            ("data.ndjson", b"{\"a\": 1}\n{\"a\": 2}\n", Format::Ndjson),
            ("data.jsonl", b"{\"a\": 1}\n", Format::Ndjson),
        ];
        for (name, head, format) in cases {
            let detected = detect(name, head);
            assert_eq!(detected.format, format, "{name}");
            assert_eq!(detected.basis, Basis::Extension, "{name}");
            assert_eq!(detected.compression, None);
            assert_eq!(detected.mismatch, None, "{name}");
        }
        let xlsx = xlsx_bytes();
        assert_eq!(detect("book.xlsx", &xlsx).basis, Basis::Extension);
        assert_eq!(detect("book.xlsm", &xlsx).format, Format::Xlsx);
        assert_eq!(detect("sheet.ods", &ods_bytes()).format, Format::Ods);
        assert_eq!(detect("old.xls", &XLS_MAGIC).format, Format::Xls);
    }

    #[test]
    fn text_extension_wins_over_text_content() {
        // A `.csv` holding a JSON-looking first line is still read as CSV.
        let detected = detect("data.csv", b"[a],b\n1,2\n");
        assert_eq!(detected.format, Format::Csv);
        assert_eq!(detected.mismatch, None);
        // A `.tsv` file whose rows happen to split better on commas stays TSV.
        assert_eq!(detect("data.tsv", b"a,b\n1,2\n").format, Format::Tsv);
    }

    #[test]
    fn binary_content_wins_over_a_lying_extension() {
        let detected = detect("report.csv", &xlsx_bytes());
        assert_eq!(detected.format, Format::Xlsx);
        assert_eq!(detected.basis, Basis::Content);
        let warning = detected.mismatch.unwrap();
        assert!(
            warning.contains("report.csv is an XLSX workbook despite its .csv extension"),
            "{warning}"
        );

        let detected = detect("sheet.xlsx", &ods_bytes());
        assert_eq!(detected.format, Format::Ods);
        assert!(detected.mismatch.unwrap().contains("ODS"));

        let detected = detect("book.xlsx", &XLS_MAGIC);
        assert_eq!(detected.format, Format::Xls);
        assert!(detected.mismatch.is_some());

        // Workbook names over JSON text.
        let detected = detect("rows.xlsx", b"{\"a\": 1}\n{\"a\": 2}\n");
        assert_eq!(detected.format, Format::Ndjson);
        assert!(detected.mismatch.is_some());
        assert_eq!(detect("doc.ods", b"[{\"a\": 1}]").format, Format::Json);
        assert_eq!(detect("tabs.xls", b"a\tb\n1\t2\n").format, Format::Tsv);

        // An "xls" that is really a CSV export.
        let detected = detect("export.xls", b"id;name\n1;x\n2;y\n");
        assert_eq!(detected.format, Format::Csv);
        assert!(detected.mismatch.unwrap().contains(
            "export.xls is delimited text despite its .xls extension; reading it as CSV"
        ));
    }

    #[test]
    fn formats_from_content_without_extension() {
        let cases: [(&str, Vec<u8>, Format); 9] = [
            ("data", xlsx_bytes(), Format::Xlsx),
            ("data", ods_bytes(), Format::Ods),
            ("data.bin", XLS_MAGIC.to_vec(), Format::Xls),
            (
                "data",
                b"  \n[{\"a\": 1},\n {\"a\": 2}]".to_vec(),
                Format::Json,
            ),
            ("data", b"\xEF\xBB\xBF[[\"a\"],[1]]".to_vec(), Format::Json),
            ("data", b"{\"a\": 1}\n{\"a\": 2}\n".to_vec(), Format::Ndjson),
            ("data", b"[\"a\", \"b\"]\n[1, 2]\n".to_vec(), Format::Ndjson),
            ("data.txt", b"a\tb\tc\n1\t2\t3\n".to_vec(), Format::Tsv),
            ("data.dat", b"a;b\n1,5;2\n".to_vec(), Format::Csv),
        ];
        for (name, head, format) in cases {
            let detected = detect(name, &head);
            assert_eq!(detected.format, format, "{name} {head:?}");
            assert_eq!(detected.basis, Basis::Content);
            assert_eq!(
                detected.mismatch, None,
                "a missing extension is no mismatch"
            );
        }
    }

    #[test]
    fn utf16_text_is_text() {
        let mut head = vec![0xFF, 0xFE];
        for unit in "a\tb\n1\t2\n".encode_utf16() {
            head.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(detect("data", &head).format, Format::Tsv);
        assert_eq!(detect("data.csv", &head[2..]).format, Format::Csv);
    }

    #[test]
    fn json_file_holding_ndjson() {
        let detected = detect("rows.json", b"{\"a\": 1}\n{\"a\": 2}\n");
        assert_eq!(detected.format, Format::Ndjson);
        assert!(detected
            .mismatch
            .unwrap()
            .contains("newline-delimited JSON"));
        // A pretty-printed document stays JSON, and so does a minified one.
        let detected = detect("doc.json", b"{\n  \"data\": [1, 2]\n}\n");
        assert_eq!(detected.format, Format::Json);
        let detected = detect("doc.json", b"{\"data\": [[1, 2]]}\n");
        assert_eq!((detected.format, detected.mismatch), (Format::Json, None));
        assert_eq!(detect("doc", b"{\"data\": [[1, 2]]}").format, Format::Json);
        // A first line that is not valid JSON is no NDJSON row.
        assert_eq!(
            detect("doc", b"{\"a\": }\n{\"a\": 2}\n").format,
            Format::Json
        );
    }

    #[test]
    fn gzip_by_extension_and_by_content() {
        let compressed = gzip(b"id,name\n1,alice\n");
        let detected = detect("data.csv.gz", &compressed);
        assert_eq!(detected.format, Format::Csv);
        assert_eq!(detected.compression, Some(Compression::Gzip));
        assert_eq!(detected.basis, Basis::Extension);
        assert_eq!(detected.mismatch, None);

        let detected = detect("data.gz", &gzip(b"{\"a\": 1}\n{\"a\": 2}\n"));
        assert_eq!(detected.format, Format::Ndjson);
        assert_eq!(detected.compression, Some(Compression::Gzip));

        let detected = detect("data.tsv", &gzip(b"a\tb\n1\t2\n"));
        assert_eq!(detected.format, Format::Tsv);
        assert_eq!(detected.compression, Some(Compression::Gzip));
        assert!(detected
            .mismatch
            .unwrap()
            .contains("gzip-compressed despite its name"));

        let detected = detect("book.xlsx.gz", &gzip(&xlsx_bytes()));
        assert_eq!(detected.format, Format::Xlsx);
        assert_eq!(detected.compression, Some(Compression::Gzip));
    }

    #[test]
    fn gzip_head_cut_short_still_detects() {
        let mut rows = String::from("a\tb\n");
        for i in 0..20_000 {
            rows.push_str(&format!("{i}\tvalue {}\n", i * 7919 % 10007));
        }
        let compressed = gzip(rows.as_bytes());
        assert!(compressed.len() > 4096);
        let detected = detect("data.gz", &compressed[..4096]);
        assert_eq!(detected.format, Format::Tsv);
    }

    #[test]
    fn gz_name_without_gzip_content_is_an_error() {
        let error = detect_format(Path::new("data.csv.gz"), b"a,b\n").unwrap_err();
        assert!(error.to_string().contains("not gzip-compressed"), "{error}");
    }

    #[test]
    fn xlsx_whose_entries_are_past_the_head_is_read_from_disk() {
        let big = vec![b'x'; 100_000];
        let bytes = zip_bytes(&[
            ("[Content_Types].xml", &big[..]),
            ("xl/workbook.xml", b"<workbook/>"),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book");
        std::fs::write(&path, &bytes).unwrap();
        // The head holds only the first entry's header.
        let head = &bytes[..64];
        assert_eq!(zip_kind_from_head(head), ZipKind::Unknown);
        let detected = detect_format(&path, head).unwrap();
        assert_eq!(detected.format, Format::Xlsx);
        // Not on disk and named .xlsx: the name is trusted.
        assert_eq!(detect("other.xlsx", head).format, Format::Xlsx);
    }

    #[test]
    fn zip_that_is_not_a_spreadsheet() {
        let bytes = zip_bytes(&[("data.csv", b"a,b\n1,2\n")]);
        let error = detect_format(Path::new("data.zip"), &bytes).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("ZIP archive but not an XLSX or ODS"),
            "{message}"
        );
        assert!(message.contains("CSV, TSV, XLSX"), "{message}");

        let odt = zip_bytes(&[("mimetype", b"application/vnd.oasis.opendocument.text")]);
        assert!(detect_format(Path::new("doc.ods"), &odt).is_err());

        let xlsb = zip_bytes(&[("xl/workbook.bin", b"\0")]);
        let error = detect_format(Path::new("b.xlsb"), &xlsb).unwrap_err();
        assert!(error.to_string().contains("XLSB"));
    }

    #[test]
    fn binary_garbage_is_a_clear_error() {
        let garbage: Vec<u8> = (0..512u64)
            .map(|i| (i * 2_654_435_761 % 251) as u8)
            .collect();
        let error = detect_format(Path::new("data.csv"), &garbage).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("data.csv looks like binary data"),
            "{message}"
        );
        assert!(
            message.contains("CSV, TSV, XLSX, XLS, ODS, JSON or NDJSON"),
            "{message}"
        );

        // A stray NUL in a cell is damaged text, read as a table (as
        // frictionless-py reads it), wherever in the file it sits.
        let detected = detect_format(Path::new("t.csv"), b"a,b\n1\x002\n").unwrap();
        assert_eq!(detected.format, Format::Csv);

        let error = detect_format(Path::new("t.csv"), b"PAR1\x15\x04").unwrap_err();
        assert!(error.to_string().contains("Parquet"), "{error}");
    }

    #[test]
    fn html_saved_as_a_table_is_an_error() {
        let error =
            detect_format(Path::new("export.xls"), b"\n<!DOCTYPE html><html><table>").unwrap_err();
        assert!(error.to_string().contains("an HTML page"), "{error}");
    }

    #[test]
    fn empty_file_follows_its_name() {
        assert_eq!(detect("empty.tsv", b"").format, Format::Tsv);
        assert_eq!(detect("empty", b"").format, Format::Csv);
        assert_eq!(detect("empty.csv.gz", b"").compression, None);
    }

    #[test]
    fn cp1252_text_is_text() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("name;price\n“A”;5 €\nB;7 €\n");
        let detected = detect("prices", &bytes);
        assert_eq!(detected.format, Format::Csv);
    }
}
