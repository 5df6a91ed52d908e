//! Character encoding detection and encoding labels.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// The encoding guessed for a file from the first bytes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetectedEncoding {
    pub encoding: &'static Encoding,
    /// Length of the byte order mark at the start of the file (0 if none):
    /// the reader skips it so it never ends up in the first header label.
    pub bom_len: usize,
    /// Whether the sample holds evidence for the guess: a BOM, non-ASCII
    /// bytes that are valid UTF-8, a clear UTF-16 pattern, or a chardetng
    /// guess that beat its rivals. A pure-ASCII sample is not evidence (any
    /// ASCII-compatible encoding reads it), so it gives UTF-8 unconfidently.
    pub confident: bool,
}

impl DetectedEncoding {
    /// The name to write in a resource descriptor's `encoding`.
    ///
    /// It is the lower-case WHATWG name, except for files with a BOM, which
    /// get the Python codec names frictionless-py writes (`utf-8-sig`,
    /// `utf-16`): with them frictionless-py skips the BOM too, instead of
    /// keeping U+FEFF in the first label.
    pub fn descriptor_name(&self) -> String {
        if self.bom_len > 0 {
            if self.encoding == UTF_8 {
                return "utf-8-sig".to_owned();
            }
            if self.encoding == UTF_16LE || self.encoding == UTF_16BE {
                return "utf-16".to_owned();
            }
        }
        self.encoding.name().to_ascii_lowercase()
    }
}

/// Guesses the encoding of a file from its head.
///
/// `head` is the first bytes of the file (the caller picks how many; 64 KiB
/// to 1 MiB is plenty). A detector only ever sees that head: a file that is
/// ASCII or UTF-8 for its first megabyte and holds one windows-1252 byte
/// after it is reported as UTF-8 here, and the validator then reports an
/// `encoding-error` at the row where decoding fails (see
/// [`crate::decode::DecodingReader`]).
///
/// Order of evidence: a byte order mark; UTF-16 without BOM, recognised by
/// the NUL bytes of ASCII characters falling on every other byte; valid
/// UTF-8 (a multi-byte sequence cut off by the end of the sample is allowed);
/// and otherwise chardetng's guess among the legacy encodings, which gives
/// windows-1252 for Western European text in cp1252 or latin-1.
pub fn detect_encoding(head: &[u8]) -> DetectedEncoding {
    if let Some((encoding, bom_len)) = Encoding::for_bom(head) {
        return DetectedEncoding {
            encoding,
            bom_len,
            confident: true,
        };
    }
    if let Some((encoding, confident)) = utf16_without_bom(head) {
        return DetectedEncoding {
            encoding,
            bom_len: 0,
            confident,
        };
    }
    if is_utf8_prefix(head) {
        return DetectedEncoding {
            encoding: UTF_8,
            bom_len: 0,
            confident: !head.is_ascii(),
        };
    }
    let mut detector = chardetng::EncodingDetector::new();
    // `last = false`: the head is usually a prefix of a longer file, and
    // chardetng must not treat a sequence cut by the sample end as an error.
    detector.feed(head, false);
    let (encoding, confident) = detector.guess_assess(None, false);
    DetectedEncoding {
        encoding,
        bom_len: 0,
        confident,
    }
}

/// Whether `bytes` is valid UTF-8, allowing a multi-byte sequence truncated
/// by the end of the sample.
fn is_utf8_prefix(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        // `error_len() == None` means "unexpected end of input": the last
        // character was cut off where the sample ends, not malformed.
        Err(error) => error.error_len().is_none(),
    }
}

/// Recognises BOM-less UTF-16 by where its NUL bytes fall: ASCII text
/// (digits, delimiters, newlines, Latin letters) has a NUL high byte in
/// every code unit, on odd offsets for little-endian and even ones for
/// big-endian, while single-byte text has no NULs at all.
fn utf16_without_bom(head: &[u8]) -> Option<(&'static Encoding, bool)> {
    let sample = &head[..head.len().min(64 * 1024) & !1];
    let units = sample.len() / 2;
    if units < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let (encoding, zeros, others) = if odd > even {
        (UTF_16LE, odd, even)
    } else {
        (UTF_16BE, even, odd)
    };
    // A quarter of the code units at least must be ASCII (tables hold
    // delimiters, digits and newlines even in Cyrillic or CJK text), and the
    // other side must be nearly free of NULs, which binary data would not
    // be. A stray NUL or two in single-byte text is not enough.
    if zeros < 3 || zeros * 4 < units || others * 20 > zeros {
        return None;
    }
    if !utf16_is_well_formed(encoding, sample) {
        return None;
    }
    let confident = zeros * 2 >= units && others == 0;
    Some((encoding, confident))
}

fn utf16_is_well_formed(encoding: &'static Encoding, sample: &[u8]) -> bool {
    let mut end = sample.len();
    // A surrogate pair may be cut by the end of the sample: drop a trailing
    // lead surrogate so it does not count as malformed.
    if end >= 2 {
        let last = if encoding == UTF_16LE {
            u16::from_le_bytes([sample[end - 2], sample[end - 1]])
        } else {
            u16::from_be_bytes([sample[end - 2], sample[end - 1]])
        };
        if (0xD800..0xDC00).contains(&last) {
            end -= 2;
        }
    }
    encoding
        .decode_without_bom_handling_and_without_replacement(&sample[..end])
        .is_some()
}

/// Decodes a file's head for sniffing: skips the BOM, drops a character cut
/// off by the end of the sample, and replaces malformed bytes (the decoder
/// reports them properly when the whole file is read).
pub fn decode_sample(head: &[u8], detected: &DetectedEncoding) -> String {
    let bytes = head.get(detected.bom_len..).unwrap_or_default();
    let mut decoder = detected.encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    // `last = false` keeps a trailing partial sequence pending instead of
    // turning it into U+FFFD.
    let _ = decoder.decode_to_string(bytes, &mut text, false);
    text
}

/// Finds an encoding by a label as people and tools write it.
///
/// It takes the WHATWG labels (`utf-8`, `utf8`, `latin1`, `iso-8859-1`,
/// `cp1252`, `windows-1252`, `utf-16`, `utf-16le`, `shift_jis`, ...) and the
/// Python codec names found in frictionless descriptors (`latin-1`,
/// `utf-8-sig`, `utf_16_le`, `iso8859_15`, `cp932`, `mac_roman`, ...), in
/// any case. Like browsers, latin-1 and ASCII labels give windows-1252,
/// which decodes every latin-1 text the same except for the C1 controls.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim();
    if let Some(encoding) = Encoding::for_label_no_replacement(label.as_bytes()) {
        return Some(encoding);
    }
    let normalized = label.to_ascii_lowercase().replace(['_', ' '], "-");
    if let Some(encoding) = Encoding::for_label_no_replacement(normalized.as_bytes()) {
        return Some(encoding);
    }
    let alias = match normalized.as_str() {
        "utf-8-sig" | "utf8-sig" | "u8" | "utf" | "cp65001" => "utf-8",
        "utf16" | "u16" => "utf-16",
        "utf-16-le" | "utf16le" | "utf16-le" => "utf-16le",
        "utf-16-be" | "utf16be" | "utf16-be" => "utf-16be",
        "latin-1" | "l1" | "iso8859" | "8859" | "cp819" | "iso-ir-100" => "windows-1252",
        "latin-2" | "l2" => "iso-8859-2",
        "latin-9" | "l9" => "iso-8859-15",
        "cp932" | "ms932" | "mskanji" | "ms-kanji" | "sjis" | "s-jis" => "shift_jis",
        "cp936" | "ms936" => "gbk",
        "cp949" | "ms949" | "uhc" => "euc-kr",
        "cp950" | "ms950" => "big5",
        "mac-roman" | "macroman" | "macintosh" | "mac" => "macintosh",
        "mac-cyrillic" | "maccyrillic" => "x-mac-cyrillic",
        "koi8r" => "koi8-r",
        "koi8u" => "koi8-u",
        "eucjp" => "euc-jp",
        "euckr" => "euc-kr",
        _ => "",
    };
    if !alias.is_empty() {
        return Encoding::for_label_no_replacement(alias.as_bytes());
    }
    // Python spells `iso-8859-15` as `iso8859-15` and `cp1251` as
    // `windows-1251` interchangeably; WHATWG knows only some of them.
    if let Some(rest) = normalized.strip_prefix("iso8859-") {
        return Encoding::for_label_no_replacement(format!("iso-8859-{rest}").as_bytes());
    }
    if let Some(rest) = normalized.strip_prefix("cp") {
        return Encoding::for_label_no_replacement(format!("windows-{rest}").as_bytes());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1252;

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend_from_slice(if big_endian {
                &[0xFE, 0xFF]
            } else {
                &[0xFF, 0xFE]
            });
        }
        for unit in text.encode_utf16() {
            if big_endian {
                bytes.extend_from_slice(&unit.to_be_bytes());
            } else {
                bytes.extend_from_slice(&unit.to_le_bytes());
            }
        }
        bytes
    }

    #[test]
    fn ascii_is_unconfident_utf8() {
        let detected = detect_encoding(b"id,name\n1,alice\n");
        assert_eq!(detected.encoding, UTF_8);
        assert_eq!(detected.bom_len, 0);
        assert!(!detected.confident);
        assert_eq!(detected.descriptor_name(), "utf-8");
    }

    #[test]
    fn non_ascii_utf8_is_confident() {
        let detected = detect_encoding("id,name\n1,Zoë\n2,München\n".as_bytes());
        assert_eq!(detected.encoding, UTF_8);
        assert!(detected.confident);
    }

    #[test]
    fn utf8_cut_in_the_middle_of_a_character_is_still_utf8() {
        let text = "id,name\n1,München\n2,café".as_bytes();
        // Cut inside the two-byte é at the very end.
        let head = &text[..text.len() - 1];
        let detected = detect_encoding(head);
        assert_eq!(detected.encoding, UTF_8);
        assert!(detected.confident);
    }

    #[test]
    fn utf8_bom() {
        let detected = detect_encoding(b"\xEF\xBB\xBFid,name\n1,x\n");
        assert_eq!(detected.encoding, UTF_8);
        assert_eq!(detected.bom_len, 3);
        assert!(detected.confident);
        assert_eq!(detected.descriptor_name(), "utf-8-sig");
    }

    #[test]
    fn utf16_with_bom() {
        let text = "id,name\n1,Zoë\n";
        let le = detect_encoding(&utf16(text, false, true));
        assert_eq!((le.encoding, le.bom_len), (UTF_16LE, 2));
        assert_eq!(le.descriptor_name(), "utf-16");
        let be = detect_encoding(&utf16(text, true, true));
        assert_eq!((be.encoding, be.bom_len), (UTF_16BE, 2));
    }

    #[test]
    fn utf16_without_bom_by_nul_pattern() {
        let text = "id,name,city\n1,Zoë,München\n2,Bob,Paris\n";
        let le = detect_encoding(&utf16(text, false, false));
        assert_eq!((le.encoding, le.bom_len), (UTF_16LE, 0));
        assert!(le.confident);
        assert_eq!(le.descriptor_name(), "utf-16le");
        let be = detect_encoding(&utf16(text, true, false));
        assert_eq!((be.encoding, be.bom_len), (UTF_16BE, 0));
        assert!(be.confident);
    }

    #[test]
    fn utf16_sample_cut_mid_unit_is_still_utf16() {
        let bytes = utf16("a,b\n1,2\n3,4\n", false, false);
        let detected = detect_encoding(&bytes[..bytes.len() - 1]);
        assert_eq!(detected.encoding, UTF_16LE);
    }

    #[test]
    fn cp1252_text_with_euro_and_curly_quotes() {
        let (bytes, _, _) =
            WINDOWS_1252.encode("id,price,note\n1,5 €,“special” offer\n2,7 €,it’s – cheap\n");
        let detected = detect_encoding(&bytes);
        assert_eq!(detected.encoding, WINDOWS_1252);
        assert_eq!(detected.bom_len, 0);
        assert_eq!(detected.descriptor_name(), "windows-1252");
    }

    #[test]
    fn latin1_text_with_accents_is_windows_1252() {
        // Latin-1 and windows-1252 agree on é, è, à, ç, ü.
        let bytes =
            b"id,nom,ville\n1,Ren\xe9,Orl\xe9ans\n2,Fran\xe7oise,B\xe9ziers\n3,J\xfcrgen,K\xf6ln\n";
        let detected = detect_encoding(bytes);
        assert_eq!(detected.encoding, WINDOWS_1252);
    }

    #[test]
    fn binary_nuls_everywhere_are_not_utf16() {
        let bytes = [0u8, 0, 1, 0, 0, 7, 0, 0, 9, 0, 0, 0, 3, 0, 0, 0];
        let detected = detect_encoding(&bytes);
        assert_ne!(detected.encoding, UTF_16LE);
        assert_ne!(detected.encoding, UTF_16BE);
    }

    #[test]
    fn sample_decoding_skips_bom_and_a_cut_character() {
        let mut head = b"\xEF\xBB\xBFa,b\n1,caf".to_vec();
        head.push(0xC3); // the first byte of é, cut off
        let detected = detect_encoding(&head);
        assert_eq!(decode_sample(&head, &detected), "a,b\n1,caf");

        let head = utf16("x\ty\n", false, true);
        let detected = detect_encoding(&head);
        assert_eq!(decode_sample(&head, &detected), "x\ty\n");
    }

    #[test]
    fn labels() {
        let cases = [
            ("utf-8", "UTF-8"),
            ("UTF8", "UTF-8"),
            ("utf_8", "UTF-8"),
            ("utf-8-sig", "UTF-8"),
            ("latin1", "windows-1252"),
            ("latin-1", "windows-1252"),
            ("Latin_1", "windows-1252"),
            ("iso-8859-1", "windows-1252"),
            ("ISO8859_1", "windows-1252"),
            ("cp1252", "windows-1252"),
            ("windows-1252", "windows-1252"),
            ("ascii", "windows-1252"),
            ("utf-16", "UTF-16LE"),
            ("utf-16le", "UTF-16LE"),
            ("utf_16_le", "UTF-16LE"),
            ("utf-16-be", "UTF-16BE"),
            ("iso8859-15", "ISO-8859-15"),
            ("cp1251", "windows-1251"),
            ("cp1250", "windows-1250"),
            ("cp932", "Shift_JIS"),
            ("mac_roman", "macintosh"),
            (" koi8-r ", "KOI8-R"),
        ];
        for (label, name) in cases {
            let encoding = encoding_for_label(label);
            assert_eq!(encoding.map(|e| e.name()), Some(name), "label {label:?}");
        }
        assert!(encoding_for_label("utf-32").is_none());
        assert!(encoding_for_label("klingon").is_none());
        assert!(encoding_for_label("").is_none());
        // `replacement` is a WHATWG encoding that decodes everything to
        // U+FFFD: never a useful answer for a user-given label.
        assert!(encoding_for_label("iso-2022-kr").is_none());
    }
}
