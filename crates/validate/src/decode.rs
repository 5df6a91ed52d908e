//! Streaming transcoding of a file into UTF-8, failing on malformed input.

use std::io::{self, Read};

use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_8};

/// Bytes read from the inner reader at a time when transcoding.
const INPUT_SIZE: usize = 32 * 1024;
/// Caller buffers at least this long are decoded into directly: they always
/// have room for a whole character (4 bytes of UTF-8 at most).
const MIN_DIRECT: usize = 32;
/// Size of the buffer decoded into for callers reading with tiny buffers.
const OUTPUT_SIZE: usize = 4 * 1024;
/// Consumed bytes remembered to quote a malformed sequence (encoding_rs
/// reports at most 3 malformed bytes and 3 bytes after them).
const RECENT: usize = 8;

/// The first malformed sequence met while decoding, carried as the inner
/// error of the `io::Error` (kind `InvalidData`) that [`DecodingReader`]
/// returns. Find it with [`MalformedInput::from_io`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedInput {
    /// Offset in the file (BOM included) of the first malformed byte.
    pub byte_offset: u64,
    /// The encoding the file was read with, by its WHATWG name.
    pub encoding: &'static str,
    /// The malformed bytes.
    pub bytes: Vec<u8>,
}

impl MalformedInput {
    /// The malformed-input error inside an `io::Error`, if that is what it is.
    pub fn from_io(error: &io::Error) -> Option<&MalformedInput> {
        error.get_ref()?.downcast_ref::<MalformedInput>()
    }
}

impl std::fmt::Display for MalformedInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let noun = if self.bytes.len() == 1 {
            "byte"
        } else {
            "sequence"
        };
        write!(f, "invalid {} {noun}", self.encoding)?;
        for byte in &self.bytes {
            write!(f, " 0x{byte:02X}")?;
        }
        let example = if self.encoding == UTF_8.name() {
            "windows-1252"
        } else {
            "utf-8"
        };
        write!(
            f,
            " at byte {}: the file is not valid {} there; if it is in another encoding, \
             name it with --encoding (for example --encoding {example})",
            self.byte_offset, self.encoding
        )
    }
}

impl std::error::Error for MalformedInput {}

enum Mode {
    /// UTF-8 read as it is, BOM skipped: `bom_checked` tells whether the
    /// first bytes have been looked at yet.
    Passthrough {
        bom_checked: bool,
    },
    Transcode(Decoder),
}

/// A reader giving the UTF-8 text of a file in any encoding encoding_rs
/// knows, in bounded memory.
///
/// The BOM of the encoding is skipped. Malformed input is never replaced:
/// the first malformed sequence ends the stream with an `io::Error` of kind
/// `InvalidData` holding a [`MalformedInput`] with its offset in the file;
/// the text before it is delivered first, and every read after it returns
/// the same error.
///
/// UTF-8 input is passed through untouched and not validated (apart from
/// the BOM skip), which is the fastest path: the CSV reader downstream
/// checks UTF-8 cell by cell and reports the row of a bad byte. Call
/// [`DecodingReader::validate_utf8`] to have UTF-8 checked here instead.
pub struct DecodingReader<R: Read> {
    inner: R,
    encoding: &'static Encoding,
    mode: Mode,
    input: Vec<u8>,
    in_pos: usize,
    in_len: usize,
    output: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    /// Bytes of the file consumed: decoded, skipped as BOM or passed through.
    consumed: u64,
    /// The last bytes the decoder consumed, to quote a malformed sequence
    /// that began in an earlier buffer.
    recent: Vec<u8>,
    eof: bool,
    finished: bool,
    error: Option<MalformedInput>,
}

impl<R: Read> DecodingReader<R> {
    /// Reads `inner`, a file in `encoding`.
    pub fn new(inner: R, encoding: &'static Encoding) -> DecodingReader<R> {
        let mode = if encoding == UTF_8 {
            Mode::Passthrough { bom_checked: false }
        } else {
            Mode::Transcode(encoding.new_decoder_with_bom_removal())
        };
        DecodingReader {
            inner,
            encoding,
            mode,
            input: Vec::new(),
            in_pos: 0,
            in_len: 0,
            output: Vec::new(),
            out_pos: 0,
            out_len: 0,
            consumed: 0,
            recent: Vec::with_capacity(2 * RECENT),
            eof: false,
            finished: false,
            error: None,
        }
    }

    /// Checks UTF-8 input too (when `validate` is true), reporting its first
    /// malformed byte like other encodings. Call it before the first read.
    pub fn validate_utf8(mut self, validate: bool) -> DecodingReader<R> {
        if self.encoding == UTF_8 && self.consumed == 0 && self.in_len == 0 {
            self.mode = if validate {
                Mode::Transcode(UTF_8.new_decoder_with_bom_removal())
            } else {
                Mode::Passthrough { bom_checked: false }
            };
        }
        self
    }

    pub fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// Bytes of the file consumed so far, for progress.
    pub fn position(&self) -> u64 {
        self.consumed
    }

    fn read_inner(&mut self, start: usize) -> io::Result<usize> {
        loop {
            match self.inner.read(&mut self.input[start..]) {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                result => return result,
            }
        }
    }

    fn read_passthrough(&mut self, buf: &mut [u8], bom_checked: bool) -> io::Result<usize> {
        if !bom_checked {
            // Gather the first three bytes (reads may come one byte at a
            // time) to see whether they are a BOM.
            self.input.resize(3, 0);
            while self.in_len < 3 {
                let read = self.read_inner(self.in_len)?;
                if read == 0 {
                    break;
                }
                self.in_len += read;
            }
            if self.input[..self.in_len] == [0xEF, 0xBB, 0xBF] {
                self.in_pos = 3;
                self.consumed = 3;
            }
            self.mode = Mode::Passthrough { bom_checked: true };
        }
        if self.in_pos < self.in_len {
            let n = (self.in_len - self.in_pos).min(buf.len());
            buf[..n].copy_from_slice(&self.input[self.in_pos..self.in_pos + n]);
            self.in_pos += n;
            self.consumed += n as u64;
            return Ok(n);
        }
        loop {
            match self.inner.read(buf) {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
                Ok(read) => {
                    self.consumed += read as u64;
                    return Ok(read);
                }
            }
        }
    }

    fn read_transcoded(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_pos < self.out_len {
                let n = (self.out_len - self.out_pos).min(buf.len());
                buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if let Some(error) = &self.error {
                return Err(io::Error::new(io::ErrorKind::InvalidData, error.clone()));
            }
            if self.finished {
                return Ok(0);
            }
            if self.in_pos == self.in_len && !self.eof {
                self.input.resize(INPUT_SIZE, 0);
                // Positions change only after a successful read, so a
                // caller may retry after an I/O error.
                let read = self.read_inner(0)?;
                self.in_pos = 0;
                self.in_len = read;
                self.eof = read == 0;
            }
            let Mode::Transcode(decoder) = &mut self.mode else {
                return Ok(0);
            };
            let last = self.eof && self.in_pos == self.in_len;
            let source = &self.input[self.in_pos..self.in_len];
            let direct = buf.len() >= MIN_DIRECT;
            let (result, read, written) = if direct {
                decoder.decode_to_utf8_without_replacement(source, buf, last)
            } else {
                self.output.resize(OUTPUT_SIZE, 0);
                decoder.decode_to_utf8_without_replacement(source, &mut self.output, last)
            };
            self.recent
                .extend_from_slice(&source[read.saturating_sub(RECENT)..read]);
            if self.recent.len() > RECENT {
                self.recent.drain(..self.recent.len() - RECENT);
            }
            self.in_pos += read;
            self.consumed += read as u64;
            match result {
                DecoderResult::InputEmpty => self.finished = last,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(bad_len, after) => {
                    let (bad_len, after) = (usize::from(bad_len), usize::from(after));
                    // The malformed bytes end `after` bytes before the end
                    // of what was consumed, possibly in an earlier buffer.
                    let end = self.recent.len().saturating_sub(after);
                    let start = end.saturating_sub(bad_len);
                    let end_offset = self.consumed.saturating_sub(after as u64);
                    self.error = Some(MalformedInput {
                        byte_offset: end_offset.saturating_sub(bad_len as u64),
                        encoding: self.encoding.name(),
                        bytes: self.recent[start..end].to_vec(),
                    });
                }
            }
            if direct {
                if written > 0 {
                    return Ok(written);
                }
            } else {
                self.out_pos = 0;
                self.out_len = written;
            }
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        match self.mode {
            Mode::Passthrough { bom_checked } => self.read_passthrough(buf, bom_checked),
            Mode::Transcode(_) => self.read_transcoded(buf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{SHIFT_JIS, UTF_16BE, UTF_16LE, WINDOWS_1252, WINDOWS_1253};

    /// A reader handing out at most `chunk` bytes per read, to split
    /// characters across buffer refills.
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

    /// Reads everything with a caller buffer of `buf_len` bytes.
    fn read_all<R: Read>(mut reader: R, buf_len: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; buf_len];
        loop {
            let n = reader.read(&mut buf)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    fn decode(
        bytes: &[u8],
        encoding: &'static Encoding,
        chunk: usize,
        buf_len: usize,
    ) -> io::Result<String> {
        let reader = DecodingReader::new(Trickle { bytes, chunk }, encoding);
        let out = read_all(reader, buf_len)?;
        Ok(String::from_utf8(out).unwrap())
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend_from_slice(&0xFEFFu16.to_le_bytes());
        }
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        if big_endian {
            for pair in bytes.chunks_exact_mut(2) {
                pair.swap(0, 1);
            }
        }
        bytes
    }

    const TEXT: &str = "id,name,price\n1,“Café” crème,5 €\n2,Zoë’s naïve façade,7,50 €\n";

    #[test]
    fn round_trips_in_every_split() {
        let (cp1252, _, _) = WINDOWS_1252.encode(TEXT);
        let (sjis, _, _) = SHIFT_JIS.encode("名前,値段\n東京,百円\n");
        for (chunk, buf_len) in [(1, 1), (1, 3), (2, 7), (5, 64), (4096, 1), (4096, 8192)] {
            assert_eq!(decode(&cp1252, WINDOWS_1252, chunk, buf_len).unwrap(), TEXT);
            assert_eq!(
                decode(&sjis, SHIFT_JIS, chunk, buf_len).unwrap(),
                "名前,値段\n東京,百円\n"
            );
            let le = utf16(TEXT, false, true);
            assert_eq!(
                decode(&le, UTF_16LE, chunk, buf_len).unwrap(),
                TEXT,
                "{chunk} {buf_len}"
            );
            let be = utf16(TEXT, true, false);
            assert_eq!(decode(&be, UTF_16BE, chunk, buf_len).unwrap(), TEXT);
        }
    }

    #[test]
    fn long_input_crosses_many_buffers() {
        let text = TEXT.repeat(5_000);
        let (bytes, _, _) = WINDOWS_1252.encode(&text);
        assert!(bytes.len() > 3 * INPUT_SIZE);
        let mut out = String::new();
        DecodingReader::new(&bytes[..], WINDOWS_1252)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
    }

    #[test]
    fn boms_are_skipped() {
        let mut utf8 = b"\xEF\xBB\xBF".to_vec();
        utf8.extend_from_slice(TEXT.as_bytes());
        for (chunk, buf_len) in [(1, 1), (2, 2), (1, 100), (100, 100)] {
            assert_eq!(decode(&utf8, UTF_8, chunk, buf_len).unwrap(), TEXT);
        }
        let be = utf16("a,b\n", true, true);
        assert_eq!(decode(&be, UTF_16BE, 1, 1).unwrap(), "a,b\n");
        // Strict UTF-8 skips it too.
        let reader = DecodingReader::new(&utf8[..], UTF_8).validate_utf8(true);
        assert_eq!(read_all(reader, 5).unwrap(), TEXT.as_bytes());
    }

    #[test]
    fn short_utf8_inputs() {
        assert_eq!(decode(b"", UTF_8, 1, 1).unwrap(), "");
        assert_eq!(decode(b"a", UTF_8, 1, 1).unwrap(), "a");
        // A partial BOM is not a BOM: passed through as it is.
        let reader = DecodingReader::new(
            Trickle {
                bytes: b"\xEF\xBB",
                chunk: 1,
            },
            UTF_8,
        );
        assert_eq!(read_all(reader, 8).unwrap(), b"\xEF\xBB");
    }

    #[test]
    fn position_counts_file_bytes() {
        let mut utf8 = b"\xEF\xBB\xBF".to_vec();
        utf8.extend_from_slice(b"a,b\n");
        let mut reader = DecodingReader::new(&utf8[..], UTF_8);
        let mut out = String::new();
        reader.read_to_string(&mut out).unwrap();
        assert_eq!(reader.position(), utf8.len() as u64);
        let (cp1252, _, _) = WINDOWS_1252.encode(TEXT);
        let mut reader = DecodingReader::new(&cp1252[..], WINDOWS_1252);
        reader.read_to_string(&mut out).unwrap();
        assert_eq!(reader.position(), cp1252.len() as u64);
        assert_eq!(reader.encoding(), WINDOWS_1252);
    }

    #[test]
    fn utf8_passthrough_does_not_validate() {
        let bytes = b"a,caf\xE9\n";
        let reader = DecodingReader::new(&bytes[..], UTF_8);
        assert_eq!(read_all(reader, 64).unwrap(), bytes);
    }

    #[test]
    fn malformed_byte_is_reported_with_its_offset() {
        // 0xAA is unassigned in windows-1253.
        let mut bytes = b"id,name\n".repeat(500);
        let offset = bytes.len();
        bytes.extend_from_slice(b"1,\xAA\n2,x\n");
        for (chunk, buf_len) in [(1, 1), (3, 2), (7, 100), (100_000, 100_000)] {
            let reader = DecodingReader::new(
                Trickle {
                    bytes: &bytes,
                    chunk,
                },
                WINDOWS_1253,
            );
            let mut reader = reader;
            let mut out = Vec::new();
            let mut buf = vec![0u8; buf_len];
            let error = loop {
                match reader.read(&mut buf) {
                    Ok(0) => panic!("no error"),
                    Ok(n) => out.extend_from_slice(&buf[..n]),
                    Err(error) => break error,
                }
            };
            // Everything before the bad byte was delivered first.
            assert_eq!(out, &bytes[..offset + 2]);
            assert_eq!(error.kind(), io::ErrorKind::InvalidData);
            let malformed = MalformedInput::from_io(&error).unwrap();
            assert_eq!(malformed.byte_offset, offset as u64 + 2);
            assert_eq!(malformed.encoding, "windows-1253");
            assert_eq!(malformed.bytes, [0xAA]);
            // The error sticks.
            let again = reader.read(&mut buf).unwrap_err();
            assert_eq!(MalformedInput::from_io(&again), Some(malformed));
        }
    }

    #[test]
    fn malformed_utf8_when_validating() {
        let bytes = b"\xEF\xBB\xBFid\nZo\xC3\xAB\ncaf\xE9!\n";
        for chunk in [1, 2, 64] {
            let reader = DecodingReader::new(Trickle { bytes, chunk }, UTF_8).validate_utf8(true);
            let error = read_all(reader, 64).unwrap_err();
            let malformed = MalformedInput::from_io(&error).unwrap();
            assert_eq!(malformed.byte_offset, 14, "chunk {chunk}");
            assert_eq!(malformed.bytes, [0xE9]);
            assert_eq!(
                malformed.to_string(),
                "invalid UTF-8 byte 0xE9 at byte 14: the file is not valid UTF-8 there; if it is \
                 in another encoding, name it with --encoding (for example --encoding windows-1252)"
            );
        }
    }

    #[test]
    fn truncated_sequence_at_the_end_is_malformed() {
        let mut bytes = SHIFT_JIS.encode("東京\n").0.into_owned();
        bytes.push(0x93); // a lead byte with no trail byte
        let error = decode(&bytes, SHIFT_JIS, 1, 1).unwrap_err();
        let malformed = MalformedInput::from_io(&error).unwrap();
        assert_eq!(malformed.byte_offset, 5);
        assert!(malformed
            .to_string()
            .starts_with("invalid Shift_JIS byte 0x93 at byte 5"));
        assert!(malformed.to_string().contains("--encoding utf-8"));
    }

    #[test]
    fn unpaired_surrogate_in_utf16() {
        let mut bytes = utf16("ab", false, true);
        bytes.extend_from_slice(&0xD800u16.to_le_bytes());
        bytes.extend_from_slice(&u16::from(b'c').to_le_bytes());
        let error = decode(&bytes, UTF_16LE, 1, 1).unwrap_err();
        let malformed = MalformedInput::from_io(&error).unwrap();
        assert_eq!(malformed.byte_offset, 6);
        assert!(
            malformed
                .to_string()
                .starts_with("invalid UTF-16LE sequence"),
            "{malformed}"
        );
    }

    #[test]
    fn other_io_errors_are_not_malformed_input() {
        let error = io::Error::other("disk on fire");
        assert!(MalformedInput::from_io(&error).is_none());
    }
}
