//! CSV dialect sniffing: delimiter, quoting, line terminator and header.

/// Delimiters tried first, in order of preference when the evidence ties.
const STRONG_DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];
/// Delimiters chosen only when no strong one splits the rows: `:` also
/// separates the parts of times and `^`/`~` are rare, so they need rows that
/// agree almost perfectly.
const WEAK_DELIMITERS: [u8; 3] = [b':', b'^', b'~'];
/// Rows of the sample used for sniffing: enough to see the shape of a table.
const MAX_ROWS: usize = 500;

/// The line break used by a text table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineTerminator {
    CrLf,
    Lf,
    Cr,
}

impl LineTerminator {
    pub fn as_str(self) -> &'static str {
        match self {
            LineTerminator::CrLf => "\r\n",
            LineTerminator::Lf => "\n",
            LineTerminator::Cr => "\r",
        }
    }
}

/// The dialect of a delimited text file, as sniffed from its first rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SniffedDialect {
    pub delimiter: u8,
    /// Always `"`: a `'` guess is too easily fooled by apostrophes and
    /// embedded JSON (frictionless-py overrides it the same way).
    pub quote: u8,
    /// Whether `""` inside a quoted field stands for one quote.
    pub double_quote: bool,
    /// The escape character, when quotes are escaped as `\"` instead.
    pub escape: Option<u8>,
    /// The first line break seen outside quotes (`\r\n` when there is none,
    /// the Table Schema default).
    pub line_terminator: LineTerminator,
    /// Whether the first row holds labels. True unless the first row is
    /// plainly data: see [`sniff_dialect`].
    pub header: bool,
}

/// Sniffs the dialect of a delimited text from a sample of it (the decoded
/// head of the file; a last line cut off by the end of the sample is
/// ignored).
///
/// Delimiter: each candidate (`,` `\t` `;` `|`, then `:` `^` `~`) splits the
/// sample's rows, honouring quotes, so quoted delimiters and quoted line
/// breaks do not count. The winner gives most rows the same number of
/// fields, more than one; among near ties, the one whose fields hold fewest
/// stray candidate characters wins (so `1,5;2,7` splits on `;` into two
/// decimal-comma numbers rather than on `,` into `1`, `5;2`, `7`), then the
/// one with more fields, then the order above. A single-column file gives
/// `,`.
///
/// Header: true unless every non-empty cell of the first row is a number,
/// date or boolean of the same kind as the cells below it in its column, in
/// a sample with at least two rows after it. Labels are text, and guessing
/// "no header" wrongly would turn every label into a data error, so any
/// doubt gives true.
pub fn sniff_dialect(sample: &str) -> SniffedDialect {
    let bytes = sample.as_bytes();
    let delimiter = choose_delimiter(bytes);
    let mut parsed = parse(bytes, delimiter, None);
    let mut escape = None;
    // Quotes escaped with a backslash and never doubled: `\"` is an escape,
    // if reading it as one makes the rows agree at least as well.
    if parsed.backslash_quotes > 0 && parsed.doubled_quotes == 0 {
        let escaped = parse(bytes, delimiter, Some(b'\\'));
        if score(&escaped, delimiter).consistency >= score(&parsed, delimiter).consistency {
            parsed = escaped;
            escape = Some(b'\\');
        }
    }
    SniffedDialect {
        delimiter,
        quote: b'"',
        double_quote: escape.is_none(),
        escape,
        line_terminator: parsed.line_terminator.unwrap_or(LineTerminator::CrLf),
        header: detect_header(&parsed.rows),
    }
}

struct Field {
    text: String,
    quoted: bool,
}

#[derive(Default)]
struct Parsed {
    rows: Vec<Vec<Field>>,
    line_terminator: Option<LineTerminator>,
    doubled_quotes: usize,
    backslash_quotes: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    StartField,
    Unquoted,
    Quoted,
    AfterQuote,
}

/// Splits `bytes` into rows the way the csv crate reads them (a quote opens
/// a quoted field only at its start; text after a closing quote is kept),
/// up to `MAX_ROWS` rows, skipping blank lines.
fn parse(bytes: &[u8], delimiter: u8, escape: Option<u8>) -> Parsed {
    let quote = b'"';
    let mut parsed = Parsed::default();
    let mut row: Vec<Field> = Vec::new();
    let mut field: Vec<u8> = Vec::new();
    let mut quoted = false;
    let mut state = State::StartField;
    let mut i = 0;
    let end_field = |row: &mut Vec<Field>, field: &mut Vec<u8>, quoted: &mut bool| {
        row.push(Field {
            text: String::from_utf8_lossy(field).into_owned(),
            quoted: *quoted,
        });
        field.clear();
        *quoted = false;
    };
    while i < bytes.len() && parsed.rows.len() < MAX_ROWS {
        let byte = bytes[i];
        let next = bytes.get(i + 1).copied();
        let is_break = byte == b'\n' || byte == b'\r';
        match state {
            State::Quoted => {
                if escape == Some(byte) {
                    if let Some(next) = next {
                        field.push(next);
                        i += 1;
                    }
                } else if byte == quote {
                    state = State::AfterQuote;
                } else {
                    if byte == b'\\' && next == Some(quote) {
                        parsed.backslash_quotes += 1;
                    }
                    field.push(byte);
                }
            }
            State::AfterQuote if byte == quote => {
                parsed.doubled_quotes += 1;
                field.push(quote);
                state = State::Quoted;
            }
            State::StartField if byte == quote => {
                quoted = true;
                state = State::Quoted;
            }
            _ if byte == delimiter => {
                end_field(&mut row, &mut field, &mut quoted);
                state = State::StartField;
            }
            _ if is_break => {
                let terminator = if byte == b'\r' && next == Some(b'\n') {
                    i += 1;
                    LineTerminator::CrLf
                } else if byte == b'\r' {
                    LineTerminator::Cr
                } else {
                    LineTerminator::Lf
                };
                parsed.line_terminator.get_or_insert(terminator);
                end_field(&mut row, &mut field, &mut quoted);
                let blank = row.len() == 1 && row[0].text.is_empty() && !row[0].quoted;
                if !blank {
                    parsed.rows.push(std::mem::take(&mut row));
                }
                row.clear();
                state = State::StartField;
            }
            _ => {
                field.push(byte);
                state = State::Unquoted;
            }
        }
        i += 1;
    }
    let at_end = i >= bytes.len();
    let ended_with_break = bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r');
    if at_end && !ended_with_break && state != State::Quoted {
        // The sample's last line, without a line break: the whole of a short
        // file, or a line cut by the end of the sample. Keep it only when it
        // is the one row there is.
        end_field(&mut row, &mut field, &mut quoted);
        let blank = row.len() == 1 && row[0].text.is_empty() && !row[0].quoted;
        if parsed.rows.is_empty() && !blank {
            parsed.rows.push(row);
        }
    }
    parsed
}

struct Score {
    /// Share of rows having the most common number of fields.
    consistency: f64,
    /// The most common number of fields.
    width: usize,
    /// Share of unquoted fields holding another candidate delimiter.
    stray: f64,
}

fn score(parsed: &Parsed, delimiter: u8) -> Score {
    let rows = &parsed.rows;
    if rows.is_empty() {
        return Score {
            consistency: 0.0,
            width: 0,
            stray: 0.0,
        };
    }
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for row in rows {
        match counts.iter_mut().find(|(width, _)| *width == row.len()) {
            Some((_, count)) => *count += 1,
            None => counts.push((row.len(), 1)),
        }
    }
    let (width, frequency) = counts
        .iter()
        .copied()
        .max_by_key(|(width, count)| (*count, *width))
        .unwrap_or((0, 0));
    let mut fields = 0usize;
    let mut stray = 0usize;
    for field in rows.iter().flatten() {
        fields += 1;
        if !field.quoted && has_stray_delimiter(&field.text, delimiter) {
            stray += 1;
        }
    }
    Score {
        consistency: frequency as f64 / rows.len() as f64,
        width,
        stray: stray as f64 / fields.max(1) as f64,
    }
}

/// Whether an unquoted field holds another strong delimiter that is not part
/// of a number written with a decimal comma.
fn has_stray_delimiter(text: &str, delimiter: u8) -> bool {
    STRONG_DELIMITERS
        .iter()
        .filter(|candidate| **candidate != delimiter)
        .any(|candidate| {
            text.as_bytes().contains(candidate)
                && !(*candidate == b',' && is_decimal_comma_number(text))
        })
}

/// `1,5`, `-0,25`, `1.234,56`: numbers as written with a decimal comma.
fn is_decimal_comma_number(text: &str) -> bool {
    let text = text.trim();
    let text = text.strip_prefix(['-', '+']).unwrap_or(text);
    let Some((whole, fraction)) = text.split_once(',') else {
        return false;
    };
    let whole_ok = !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let fraction_ok = !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit());
    whole_ok && fraction_ok && whole.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

fn choose_delimiter(bytes: &[u8]) -> u8 {
    best_of(bytes, &STRONG_DELIMITERS, 0.5)
        .or_else(|| best_of(bytes, &WEAK_DELIMITERS, 0.9))
        .or_else(|| best_of(bytes, &STRONG_DELIMITERS, 0.0))
        .unwrap_or(b',')
}

/// The best of `candidates` that splits rows into more than one field with a
/// consistency of at least `floor`.
fn best_of(bytes: &[u8], candidates: &[u8], floor: f64) -> Option<u8> {
    let scored: Vec<(usize, u8, Score)> = candidates
        .iter()
        .enumerate()
        .map(|(rank, delimiter)| {
            (
                rank,
                *delimiter,
                score(&parse(bytes, *delimiter, None), *delimiter),
            )
        })
        .filter(|(_, _, score)| score.width > 1 && score.consistency >= floor)
        .collect();
    let best = scored
        .iter()
        .map(|(_, _, score)| score.consistency)
        .fold(0.0_f64, f64::max);
    // Near ties (a ragged row or two) are settled by how clean the fields
    // are rather than by the last percent of consistency.
    scored
        .into_iter()
        .filter(|(_, _, score)| score.consistency >= best - 0.05)
        .min_by(|(rank_a, _, a), (rank_b, _, b)| {
            a.stray
                .total_cmp(&b.stray)
                .then(b.consistency.total_cmp(&a.consistency))
                .then(b.width.cmp(&a.width))
                .then(rank_a.cmp(rank_b))
        })
        .map(|(_, delimiter, _)| delimiter)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Empty,
    Integer,
    Decimal,
    Date,
    Boolean,
    Text,
}

fn kind_of(text: &str) -> Kind {
    let text = text.trim();
    if text.is_empty() {
        return Kind::Empty;
    }
    if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") {
        return Kind::Boolean;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Kind::Integer;
    }
    if is_decimal(unsigned) || is_decimal_comma_number(text) {
        return Kind::Decimal;
    }
    if is_date(text) {
        return Kind::Date;
    }
    Kind::Text
}

fn is_decimal(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let dots = mantissa.bytes().filter(|b| *b == b'.').count();
    let mantissa_ok = digits > 0 && dots <= 1 && digits + dots == mantissa.len();
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok && (dots == 1 || exponent.is_some())
}

/// ISO dates and datetimes (`2024-01-31`, `2024-01-31T10:00:00Z`) and
/// day/month/year forms (`31/01/2024`, `1.2.24`).
fn is_date(text: &str) -> bool {
    let date = text.split(['T', ' ']).next().unwrap_or(text);
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    parts.len() == 3
        && parts.iter().all(|part| {
            !part.is_empty() && part.len() <= 4 && part.bytes().all(|b| b.is_ascii_digit())
        })
        && (parts[0].len() == 4 || parts[2].len() >= 2)
}

fn detect_header(rows: &[Vec<Field>]) -> bool {
    let Some((first, rest)) = rows.split_first() else {
        return true;
    };
    if rest.len() < 2 {
        return true;
    }
    let kinds: Vec<Kind> = first.iter().map(|field| kind_of(&field.text)).collect();
    let filled = kinds.iter().filter(|kind| **kind != Kind::Empty).count();
    if filled == 0 || filled * 2 < kinds.len() || kinds.contains(&Kind::Text) {
        return true;
    }
    // Each filled cell of the first row must be of the kind that dominates
    // its column below.
    for (column, kind) in kinds.iter().enumerate() {
        if *kind == Kind::Empty {
            continue;
        }
        let mut counts: Vec<(Kind, usize)> = Vec::new();
        for row in rest {
            let below = row
                .get(column)
                .map_or(Kind::Empty, |field| kind_of(&field.text));
            if below == Kind::Empty {
                continue;
            }
            match counts.iter_mut().find(|(k, _)| *k == below) {
                Some((_, count)) => *count += 1,
                None => counts.push((below, 1)),
            }
        }
        let dominant = counts
            .iter()
            .max_by_key(|(_, count)| *count)
            .map(|(k, _)| *k);
        if dominant != Some(*kind) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma() {
        let dialect = sniff_dialect("id,name,score\n1,alice,3.5\n2,bob,4\n");
        assert_eq!(dialect.delimiter, b',');
        assert_eq!(dialect.quote, b'"');
        assert!(dialect.double_quote);
        assert_eq!(dialect.escape, None);
        assert_eq!(dialect.line_terminator, LineTerminator::Lf);
        assert!(dialect.header);
    }

    #[test]
    fn each_delimiter_with_quoted_newlines_and_delimiters() {
        for delimiter in [',', ';', '\t', '|'] {
            let d = delimiter;
            let sample = format!(
                "id{d}note{d}city\r\n\
                 1{d}\"multi\r\nline{d} with {d} delimiters\"{d}Paris\r\n\
                 2{d}\"say \"\"hi\"\"{d}\nthen go\"{d}Lyon\r\n\
                 3{d}plain{d}Nice\r\n\
                 4{d}\"a,b;c|d\te\"{d}Metz\r\n"
            );
            let dialect = sniff_dialect(&sample);
            assert_eq!(dialect.delimiter, delimiter as u8, "{delimiter:?}");
            assert_eq!(dialect.line_terminator, LineTerminator::CrLf);
            assert!(dialect.double_quote);
            assert!(dialect.header);
        }
    }

    #[test]
    fn quoted_commas_do_not_make_a_comma_file() {
        let sample = "name;address\n\"Doe, John\";\"1, Main St, Springfield\"\n\"Roe, Jane\";\"2, High St, Bath\"\n";
        assert_eq!(sniff_dialect(sample).delimiter, b';');
    }

    #[test]
    fn semicolons_with_decimal_commas() {
        let with_header = "x;y;z\n1,5;2,7;3\n3,1;4,25;-0,5\n10,0;1.234,56;7\n";
        assert_eq!(sniff_dialect(with_header).delimiter, b';');
        // Without a header every row splits into three fields on `,` too.
        let without_header = "1,5;2,7\n3,1;4,2\n-5,0;6,25\n";
        assert_eq!(sniff_dialect(without_header).delimiter, b';');
    }

    #[test]
    fn tabs_with_commas_in_text() {
        let sample = "id\tcity\tnote\n1\tParis, France\tbig\n2\tBonn\tsmall, old\n3\tRome\tx\n";
        assert_eq!(sniff_dialect(sample).delimiter, b'\t');
    }

    #[test]
    fn single_column_gives_comma() {
        let dialect = sniff_dialect("name\nalice\nbob\ncarol\n");
        assert_eq!(dialect.delimiter, b',');
        assert!(dialect.header);
    }

    #[test]
    fn times_do_not_make_a_colon_file() {
        let sample = "start,end\n12:30,14:00\n08:15,09:45\n";
        assert_eq!(sniff_dialect(sample).delimiter, b',');
        let colon = "a:b:c\n1:2:3\n4:5:6\n";
        assert_eq!(sniff_dialect(colon).delimiter, b':');
    }

    #[test]
    fn ragged_rows_still_find_the_delimiter() {
        let sample = "a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n13,14,15\n";
        assert_eq!(sniff_dialect(sample).delimiter, b',');
    }

    #[test]
    fn truncated_last_line_is_ignored() {
        // The sample ends inside a quoted field of the last row.
        let sample = "a|b\n1|x\n2|y\n3|\"long, text";
        assert_eq!(sniff_dialect(sample).delimiter, b'|');
    }

    #[test]
    fn backslash_escaped_quotes() {
        let sample = "id,text\n1,\"say \\\"hi, there\\\" now\"\n2,\"plain\"\n3,\"a \\\"b\\\"\"\n";
        let dialect = sniff_dialect(sample);
        assert_eq!(dialect.delimiter, b',');
        assert_eq!(dialect.escape, Some(b'\\'));
        assert!(!dialect.double_quote);
    }

    #[test]
    fn line_terminators() {
        assert_eq!(
            sniff_dialect("a,b\r1,2\r").line_terminator,
            LineTerminator::Cr
        );
        assert_eq!(
            sniff_dialect("a,b\r\n1,2\r\n").line_terminator,
            LineTerminator::CrLf
        );
        assert_eq!(sniff_dialect("a,b").line_terminator, LineTerminator::CrLf);
        assert_eq!(LineTerminator::Lf.as_str(), "\n");
    }

    #[test]
    fn no_header_when_the_first_row_is_data_like_the_rest() {
        let sample = "1,2.5,2024-01-01\n2,3.5,2024-01-02\n3,4.25,2024-01-03\n";
        assert!(!sniff_dialect(sample).header);
        let semicolons = "1;2,5;true\n2;3,5;false\n3;4,25;true\n";
        assert!(!sniff_dialect(semicolons).header);
    }

    #[test]
    fn header_when_in_doubt() {
        // Text labels.
        assert!(sniff_dialect("id,value\n1,2\n3,4\n").header);
        // Years as labels over decimal numbers: kinds differ.
        assert!(sniff_dialect("2019,2020\n1.5,2.5\n3.5,4.5\n").header);
        // Too few rows to tell.
        assert!(sniff_dialect("1,2\n3,4\n").header);
        // One text label among numbers.
        assert!(sniff_dialect("1,2,x\n3,4,5\n6,7,8\n").header);
        // Empty input.
        assert!(sniff_dialect("").header);
    }

    #[test]
    fn cell_kinds() {
        assert_eq!(kind_of(" 42 "), Kind::Integer);
        assert_eq!(kind_of("-3.5e2"), Kind::Decimal);
        assert_eq!(kind_of("1,5"), Kind::Decimal);
        assert_eq!(kind_of("31/01/2024"), Kind::Date);
        assert_eq!(kind_of("2024-01-31T10:00:00Z"), Kind::Date);
        assert_eq!(kind_of("TRUE"), Kind::Boolean);
        assert_eq!(kind_of("1.2.3.4"), Kind::Text);
        assert_eq!(kind_of("e5"), Kind::Text);
        assert_eq!(kind_of("."), Kind::Text);
        assert_eq!(kind_of(""), Kind::Empty);
    }
}
