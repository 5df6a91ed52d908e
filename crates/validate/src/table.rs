//! Opening a table file: detect what it is, then build the chain of readers
//! (count and hash, gunzip, decode, parse) that turns it into rows.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use datapackage::Dialect;
use flate2::read::MultiGzDecoder;

use crate::decode::DecodingReader;
use crate::detect::{
    decode_sample, detect_encoding, detect_format, encoding_for_label, sniff_dialect, Compression,
    DetectedEncoding, Format,
};
use crate::error::Error;
use crate::source::csv::{CsvOptions, CsvSource};
use crate::source::excel::{open_sheet, SheetSelector};
use crate::source::json::{open_json, JsonKind};
use crate::source::raw::{Digests, RawReader, RawStats};
use crate::source::RowSource;

/// Bytes read ahead to detect format, encoding and dialect.
const HEAD_BYTES: usize = 256 * 1024;

/// What the caller knows or wants about a table; everything left `None` is
/// detected.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub format: Option<Format>,
    /// An encoding label (`utf-8`, `latin1`, `cp1252`, ...).
    pub encoding: Option<String>,
    /// Declared dialect properties (a resource's, or flags); unset ones are
    /// sniffed.
    pub dialect: Dialect,
    /// A sheet name or 1-based number, for workbooks.
    pub sheet: Option<String>,
    pub digests: Digests,
}

/// An opened table and what was found out about it.
pub struct OpenTable {
    pub source: Box<dyn RowSource>,
    /// Counts and digests of the file's bytes, filled while reading.
    pub raw: Option<Arc<RawStats>>,
    pub format: Format,
    pub compression: Option<Compression>,
    /// The encoding the text is read with (delimited text and JSON).
    pub encoding: Option<DetectedEncoding>,
    /// The dialect in force: declared properties, then sniffed ones.
    pub dialect: Dialect,
    /// The sheet read, for workbooks.
    pub sheet: Option<String>,
    /// Things the user should know (a file whose content contradicts its
    /// name, an encoding guessed with little evidence).
    pub notices: Vec<String>,
    /// Size of the file on disk.
    pub size: Option<u64>,
}

/// Opens the table at `path`.
pub fn open_path(path: &Path, options: &ReadOptions) -> Result<OpenTable, Error> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().ok().map(|m| m.len());
    let head = read_head(&mut file, HEAD_BYTES).map_err(|e| Error::io(path, e))?;
    if head.is_empty() {
        return Err(Error::source("the source is empty"));
    }
    let mut notices = Vec::new();
    let (format, compression) = match options.format {
        Some(format) => {
            let gz = head.starts_with(&[0x1f, 0x8b]);
            (format, gz.then_some(Compression::Gzip))
        }
        None => {
            // Text in a declared UTF-16 is told from binary once decoded.
            let declared = options.encoding.as_deref().and_then(encoding_for_label);
            let detected = match declared {
                Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => {
                    let (text, _) = e.decode_without_bom_handling(&head);
                    detect_format(path, text.as_bytes())?
                }
                _ => detect_format(path, &head)?,
            };
            notices.extend(detected.mismatch.clone());
            (detected.format, detected.compression)
        }
    };

    match format {
        Format::Xlsx | Format::Xls | Format::Ods => {
            let selector = options
                .sheet
                .as_deref()
                .map(SheetSelector::parse)
                .unwrap_or(SheetSelector::First);
            let sheet = open_sheet(path, &selector)?;
            let sheet_name = sheet.name().to_string();
            if options.sheet.is_none() {
                let names = crate::source::excel::sheet_names(path)?;
                if names.len() > 1 {
                    notices.push(format!(
                        "{} has {} sheets ({}); reading \"{sheet_name}\" (choose another with --sheet)",
                        path.display(),
                        names.len(),
                        names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
                    ));
                }
            }
            // The workbook is read whole by its parser; hash it on the side.
            let raw = if options.digests != Digests::default() {
                let mut reader = RawReader::new(
                    File::open(path).map_err(|e| Error::io(path, e))?,
                    options.digests,
                );
                let stats = reader.stats();
                io::copy(&mut reader, &mut io::sink()).map_err(|e| Error::io(path, e))?;
                Some(stats)
            } else {
                None
            };
            Ok(OpenTable {
                source: Box::new(sheet),
                raw,
                format,
                compression: None,
                encoding: None,
                dialect: options.dialect.clone(),
                sheet: Some(sheet_name),
                notices,
                size,
            })
        }
        Format::Csv | Format::Tsv | Format::Json | Format::Ndjson => {
            let raw_reader = RawReader::new(Cursor::new(head.clone()).chain(file), options.digests);
            let raw = raw_reader.stats();
            let (text_head, bytes): (Vec<u8>, Box<dyn Read + Send>) = match compression {
                Some(Compression::Gzip) => {
                    let mut probe = MultiGzDecoder::new(Cursor::new(head.clone()));
                    let text_head = read_head(&mut probe, HEAD_BYTES).unwrap_or_default();
                    (text_head, Box::new(MultiGzDecoder::new(raw_reader)))
                }
                None => (head, Box::new(raw_reader)),
            };
            let encoding = match &options.encoding {
                Some(label) => {
                    let encoding = encoding_for_label(label).ok_or_else(|| {
                        Error::encoding(format!(
                            "unknown encoding: {label} (try utf-8, windows-1252, latin1, utf-16)"
                        ))
                    })?;
                    let detected = detect_encoding(&text_head);
                    let unicode = |e: &'static encoding_rs::Encoding| {
                        e == encoding_rs::UTF_8
                            || e == encoding_rs::UTF_16LE
                            || e == encoding_rs::UTF_16BE
                    };
                    if detected.bom_len > 0 && unicode(encoding) && unicode(detected.encoding) {
                        // A declared `utf-16` (or `utf-8`) reads the byte order from
                        // the BOM, as Python's codecs do.
                        detected
                    } else {
                        DetectedEncoding {
                            encoding,
                            bom_len: 0,
                            confident: true,
                        }
                    }
                }
                None => detect_encoding(&text_head),
            };
            let text: Box<dyn Read + Send> =
                if encoding.encoding == encoding_rs::UTF_8 && encoding.bom_len == 0 {
                    bytes
                } else {
                    Box::new(DecodingReader::new(bytes, encoding.encoding))
                };
            let (source, dialect): (Box<dyn RowSource>, Dialect) = if format.is_delimited() {
                let (csv_options, dialect) =
                    csv_dialect(format, &options.dialect, &text_head, &encoding);
                (Box::new(CsvSource::new(text, &csv_options)), dialect)
            } else {
                let kind = if format == Format::Ndjson {
                    JsonKind::Lines
                } else {
                    JsonKind::Array
                };
                (Box::new(open_json(text, kind)?), options.dialect.clone())
            };
            Ok(OpenTable {
                source,
                raw: Some(raw),
                format,
                compression,
                encoding: Some(encoding),
                dialect,
                sheet: None,
                notices,
                size,
            })
        }
    }
}

/// The CSV reading options: what the dialect declares, the rest sniffed.
fn csv_dialect(
    format: Format,
    declared: &Dialect,
    head: &[u8],
    encoding: &DetectedEncoding,
) -> (CsvOptions, Dialect) {
    let sample = decode_sample(head, encoding);
    let sniffed = sniff_dialect(&sample);
    let mut dialect = declared.clone();
    if dialect.delimiter.is_none() {
        let delimiter = if format == Format::Tsv {
            b'\t'
        } else {
            sniffed.delimiter
        };
        if delimiter != b',' {
            dialect.delimiter = Some((delimiter as char).to_string());
        }
    }
    if dialect.quote_char.is_none() && sniffed.quote != b'"' {
        dialect.quote_char = Some((sniffed.quote as char).to_string());
    }
    if dialect.escape_char.is_none() {
        if let Some(escape) = sniffed.escape {
            dialect.escape_char = Some((escape as char).to_string());
        }
    }
    let options = CsvOptions {
        delimiter: dialect.delimiter_byte(),
        quote: dialect.quote_byte(),
        double_quote: dialect.double_quote.unwrap_or(true),
        escape: dialect.escape_byte(),
        comment: dialect.comment_byte(),
        skip_initial_space: dialect.skip_initial_space.unwrap_or(false),
    };
    (options, dialect)
}

fn read_head(reader: &mut dyn Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(limit.min(64 * 1024));
    reader.take(limit as u64).read_to_end(&mut head)?;
    Ok(head)
}
