//! Arbitrary bytes through every stage that sees a delimited file before
//! the validator: format, encoding and dialect detection, the decoding
//! reader, and the CSV row source.
//!
//! Input layout: byte 0 picks the CSV options, byte 1 the file name given to
//! format detection and how the decoder is driven; the rest is the file.
//!
//! Besides "never panics", it checks the decoder against encoding_rs's
//! one-shot decode (the documented contract: same text, BOM skipped, the
//! first malformed sequence ends the stream and is reported where it is),
//! and that the row source stops.

#![no_main]

use std::io::{self, Read};
use std::path::Path;

use csv::ByteRecord;
use encoding_rs::{Encoding, UTF_8};
use libfuzzer_sys::fuzz_target;
use validate::decode::{DecodingReader, MalformedInput};
use validate::detect::{decode_sample, detect_encoding, detect_format, sniff_dialect};
use validate::source::csv::{CsvOptions, CsvSource};
use validate::source::RowSource;

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
const QUOTES: [u8; 2] = [b'"', b'\''];
const NAMES: [&str; 8] = [
    "/nonexistent/fuzz.csv",
    "/nonexistent/fuzz.tsv",
    "/nonexistent/fuzz.json",
    "/nonexistent/fuzz.ndjson",
    "/nonexistent/fuzz.xlsx",
    "/nonexistent/fuzz.csv.gz",
    "/nonexistent/fuzz.txt",
    "/nonexistent/fuzz",
];

fuzz_target!(|data: &[u8]| {
    let [options_byte, mode_byte, body @ ..] = data else {
        return;
    };
    let options = CsvOptions {
        delimiter: DELIMITERS[usize::from(options_byte & 3)],
        quote: QUOTES[usize::from((options_byte >> 2) & 1)],
        double_quote: options_byte & 8 == 0,
        escape: (options_byte & 16 != 0).then_some(b'\\'),
        comment: (options_byte & 32 != 0).then_some(b'#'),
        skip_initial_space: options_byte & 64 != 0,
    };
    read_all_rows(CsvSource::new(body, &options), body.len());

    // Detection never fails on text; on binary it may refuse, never panic.
    let _ = detect_format(Path::new(NAMES[usize::from(mode_byte & 7)]), body);
    let detected = detect_encoding(body);
    assert!(detected.bom_len <= body.len(), "BOM longer than the input");
    let _ = detected.descriptor_name();
    let sample = decode_sample(body, &detected);
    let dialect = sniff_dialect(&sample);

    // The decoder must agree with encoding_rs whatever the chunking.
    let chunk = [1, 2, 3, 7, 64, 4096][usize::from((mode_byte >> 3) % 6)];
    let buf_len = [1, 5, 31, 32, 1024][usize::from((mode_byte >> 4) % 5)];
    let validate_utf8 = mode_byte & 128 != 0;
    check_decoder(body, detected.encoding, validate_utf8, chunk, buf_len);
    // A legacy encoding reads any bytes: exercise the transcoding path even
    // when detection says UTF-8.
    if detected.encoding == UTF_8 {
        check_decoder(body, encoding_rs::WINDOWS_1252, false, chunk, buf_len);
        check_decoder(body, encoding_rs::UTF_16LE, false, chunk, buf_len);
    }

    // Then the rows as the validator reads them: decoded, sniffed dialect.
    let reader = DecodingReader::new(Trickle { bytes: body, chunk }, detected.encoding)
        .validate_utf8(validate_utf8);
    let sniffed = CsvOptions {
        delimiter: dialect.delimiter,
        quote: dialect.quote,
        double_quote: dialect.double_quote,
        escape: dialect.escape,
        comment: None,
        skip_initial_space: false,
    };
    // UTF-16 doubles nothing but may widen legacy bytes to 3 UTF-8 bytes.
    read_all_rows(CsvSource::new(reader, &sniffed), body.len() * 3);
});

/// Reads every row; each row but trailing blank ones uses at least one byte
/// of text, so more rows than bytes would mean a loop that never ends.
fn read_all_rows<R: Read + Send>(mut source: CsvSource<R>, text_len: usize) {
    let mut record = ByteRecord::new();
    let mut rows = 0usize;
    while let Ok(true) = source.read_row(&mut record) {
        rows += 1;
        assert!(
            rows <= text_len + 1,
            "{rows} rows out of {text_len} bytes of text"
        );
    }
    assert!(source.text_position() <= text_len as u64);
}

/// A reader handing out at most `chunk` bytes at a time, so characters and
/// BOMs straddle reads.
struct Trickle<'a> {
    bytes: &'a [u8],
    chunk: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

fn check_decoder(
    body: &[u8],
    encoding: &'static Encoding,
    validate_utf8: bool,
    chunk: usize,
    buf_len: usize,
) {
    let mut reader =
        DecodingReader::new(Trickle { bytes: body, chunk }, encoding).validate_utf8(validate_utf8);
    let mut out = Vec::new();
    let mut buf = vec![0u8; buf_len];
    let result = loop {
        match reader.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => break Err(e),
        }
    };
    assert!(
        reader.position() <= body.len() as u64,
        "consumed past the end"
    );

    if encoding == UTF_8 && !validate_utf8 {
        // Passthrough: the bytes as they are, less a UTF-8 BOM.
        let expected = body.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(body);
        assert!(result.is_ok(), "passthrough failed: {result:?}");
        assert_eq!(out, expected, "passthrough changed the bytes");
        return;
    }

    let (reference, had_errors) = encoding.decode_with_bom_removal(body);
    match result {
        Ok(()) => {
            assert!(
                !had_errors,
                "malformed {} input decoded without error",
                encoding.name()
            );
            assert_eq!(
                out,
                reference.as_bytes(),
                "{} text differs from encoding_rs",
                encoding.name()
            );
        }
        Err(e) => {
            assert!(
                had_errors,
                "error on well-formed {} input: {e}",
                encoding.name()
            );
            assert_eq!(e.kind(), io::ErrorKind::InvalidData);
            let malformed: &MalformedInput =
                MalformedInput::from_io(&e).expect("decoding error without MalformedInput");
            // The text before the malformed sequence is delivered whole:
            // it is what a replacing decoder gives up to the U+FFFD that
            // stands for that sequence.
            let text = std::str::from_utf8(&out).expect("decoder output is not UTF-8");
            assert!(
                reference.starts_with(text) && reference[text.len()..].starts_with('\u{FFFD}'),
                "delivered text is not the decoded text up to the malformed sequence"
            );
            let start = usize::try_from(malformed.byte_offset).expect("offset fits usize");
            assert!(
                start < body.len(),
                "malformed offset {start} past the end ({})",
                body.len()
            );
            let end = start + malformed.bytes.len();
            assert!(!malformed.bytes.is_empty(), "no malformed bytes quoted");
            assert_eq!(
                body.get(start..end),
                Some(malformed.bytes.as_slice()),
                "quoted bytes are not the file's bytes at offset {start}"
            );
            // The offset is where that text ends in the file.
            let (before, before_errors) = encoding.decode_with_bom_removal(&body[..start]);
            assert!(
                !before_errors && before == text,
                "the file up to offset {start} does not decode to the delivered text"
            );
            // Every later read repeats the error.
            assert!(
                reader.read(&mut buf).is_err(),
                "read after an error succeeded"
            );
        }
    }
}
