//! `integer` and `number` cells, read the way frictionless-py reads them:
//! Python's `int()` and `decimal.Decimal()` after its `bareNumber`,
//! `groupChar` and `decimalChar` processing.
//!
//! Python accepts more than the usual ASCII forms: surrounding Unicode
//! whitespace, `_` between digits (`1_000`), any Unicode decimal digit
//! (`٣`), and for numbers `1.`, `.5`, `1e5`, `NaN`, `sNaN`, `Inf`,
//! `Infinity` in any case. The fast paths below handle plain ASCII cells
//! without allocating; anything else takes the general path.

use std::borrow::Cow;

/// Zero of each run of ten Unicode decimal digits (category Nd), Unicode 14
/// (Python 3.11). Every Nd character is `zero + n` for one of these.
const ND_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The value of a Unicode decimal digit (what Python's `\d` and `int()` take).
pub(crate) fn nd_digit(c: char) -> Option<u32> {
    if c.is_ascii() {
        return c.to_digit(10);
    }
    let cp = c as u32;
    let i = ND_ZEROS.partition_point(|&z| z <= cp);
    let zero = ND_ZEROS[i.checked_sub(1)?];
    (cp - zero < 10).then_some(cp - zero)
}

/// Python's `str.isspace()`: Rust's whitespace plus the four ASCII
/// separators U+001C..U+001F.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()`.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Python's `int(s)` for a `str` in base 10; `None` where it raises, or
/// where the value does not fit an `i128`.
pub(crate) fn py_int(s: &str) -> Option<i128> {
    let s = py_strip(s);
    let (negative, digits) = split_sign(s);
    let mut value: i128 = 0;
    let mut any = false;
    let mut after_underscore = false;
    for c in digits.chars() {
        if c == '_' {
            // `_` only between two digits.
            if !any || after_underscore {
                return None;
            }
            after_underscore = true;
            continue;
        }
        let d = nd_digit(c)?;
        value = value.checked_mul(10)?.checked_add(i128::from(d))?;
        any = true;
        after_underscore = false;
    }
    if !any || after_underscore {
        return None;
    }
    Some(if negative { -value } else { value })
}

/// Python's `int(b)` for a short ASCII `bytes` (as dateutil calls it on
/// slices of an ISO string): ASCII whitespace around, a sign, digits with
/// single `_` between them.
pub(crate) fn py_int_ascii(b: &[u8]) -> Option<i64> {
    // The common case, plain digits, first.
    if !b.is_empty() && b.len() <= 18 && b.iter().all(u8::is_ascii_digit) {
        return Some(b.iter().fold(0, |v, d| v * 10 + i64::from(d - b'0')));
    }
    let s = std::str::from_utf8(b).ok()?;
    let s = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r'));
    if !s.is_ascii() {
        return None;
    }
    i64::try_from(py_int(s)?).ok()
}

fn split_sign(s: &str) -> (bool, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// How to read an `integer` or `number` cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NumberOptions {
    pub bare_number: bool,
    pub group_char: String,
    pub decimal_char: String,
}

impl Default for NumberOptions {
    fn default() -> Self {
        NumberOptions {
            bare_number: true,
            group_char: String::new(),
            decimal_char: ".".into(),
        }
    }
}

impl NumberOptions {
    fn is_default(&self) -> bool {
        self.bare_number && self.group_char.is_empty() && self.decimal_char == "."
    }
}

/// frictionless' `bareNumber: false` clean-up: drop everything before the
/// first `-` or digit, and everything after the last digit (`$`, `%`, `€`).
pub(crate) fn strip_non_numeric(s: &str) -> &str {
    let Some(start) = s.find(|c: char| c == '-' || nd_digit(c).is_some()) else {
        return "";
    };
    let s = &s[start..];
    match s.char_indices().rev().find(|(_, c)| nd_digit(*c).is_some()) {
        Some((i, c)) => &s[..i + c.len_utf8()],
        None => "",
    }
}

/// Reads an `integer` cell.
///
/// frictionless-py ignores `groupChar` for integers (so `1,000` is a type
/// error there); Table Schema v2 defines it, so we honour it.
#[inline]
pub(crate) fn cast_integer(cell: &str, opts: &NumberOptions) -> Option<i128> {
    if opts.is_default() {
        // Up to 18 digits the value comes back in a register (an
        // `Option<i128>` comes back through memory).
        if let Some(v) = short_ascii_integer(cell.as_bytes()) {
            return Some(i128::from(v));
        }
        return cast_integer_default(cell);
    }
    cast_integer_with(cell, opts)
}

/// [`cast_integer`] in the default format, past the short ASCII cells.
fn cast_integer_default(cell: &str) -> Option<i128> {
    if let Some(v) = ascii_integer(cell.as_bytes()) {
        return Some(v);
    }
    py_int(cell)
}

/// `[+-]?[0-9]{1,18}`: [`ascii_integer`] for the cells that fit an `i64`.
#[inline]
fn short_ascii_integer(b: &[u8]) -> Option<i64> {
    let (negative, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(d - b'0');
    }
    Some(if negative { -v } else { v })
}

/// [`cast_integer`] with `bareNumber`, `groupChar` or `decimalChar` set.
fn cast_integer_with(cell: &str, opts: &NumberOptions) -> Option<i128> {
    let mut s = py_strip(cell);
    if !opts.bare_number {
        s = strip_non_numeric(s);
    }
    if opts.group_char.is_empty() {
        py_int(s)
    } else {
        py_int(&s.replace(opts.group_char.as_str(), ""))
    }
}

/// `[+-]?[0-9]{1,38}`, the shape nearly every integer cell has.
fn ascii_integer(b: &[u8]) -> Option<i128> {
    let (negative, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 38 {
        return None;
    }
    if digits.len() <= 18 {
        let mut v: i64 = 0;
        for &d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(d - b'0');
        }
        let v = i128::from(v);
        return Some(if negative { -v } else { v });
    }
    let mut v: i128 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i128::from(d - b'0');
    }
    Some(if negative { -v } else { v })
}

/// Reads a `number` cell.
pub(crate) fn cast_number(cell: &str, opts: &NumberOptions) -> Option<f64> {
    if opts.is_default() {
        return py_decimal(cell);
    }
    let mut s = py_strip(cell);
    if !opts.bare_number {
        s = strip_non_numeric(s);
    }
    let mut s: Cow<'_, str> = Cow::Borrowed(s);
    if !opts.group_char.is_empty() && s.contains(opts.group_char.as_str()) {
        s = Cow::Owned(s.replace(opts.group_char.as_str(), ""));
    }
    if opts.decimal_char != "." {
        // frictionless: with a custom decimal character, a `.` is an error.
        if s.contains('.') {
            return None;
        }
        s = Cow::Owned(s.replace(opts.decimal_char.as_str(), "."));
    }
    py_decimal(&s)
}

/// Python's `Decimal(s)`, as an `f64` (`None` where it raises).
pub(crate) fn py_decimal(s: &str) -> Option<f64> {
    if let Some(v) = ascii_decimal(s) {
        return Some(v);
    }
    // General path: Unicode whitespace around, `_` anywhere (Decimal drops
    // them all), Unicode digits.
    let s = py_strip(s);
    let mut normal = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '_' {
            continue;
        }
        if c.is_ascii() {
            normal.push(c);
        } else {
            normal.push(char::from_digit(nd_digit(c)?, 10)?);
        }
    }
    ascii_decimal(&normal)
}

/// The grammar of Python's `Decimal` on plain ASCII with no whitespace or
/// `_`: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, or
/// `Inf`, `Infinity`, `NaN[digits]`, `sNaN[digits]` in any case.
fn ascii_decimal(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let (negative, rest) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    let first = *rest.first()?;
    if first.is_ascii_alphabetic() {
        let special = if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity")
        {
            f64::INFINITY
        } else if is_nan_text(rest) {
            f64::NAN
        } else {
            return None;
        };
        return Some(if negative { -special } else { special });
    }
    // The digits are read as an integer on the way (wrapping: it is used
    // only when there are at most 19 of them).
    let mut mantissa: u64 = 0;
    let mut i = 0;
    while let Some(d) = rest.get(i).filter(|d| d.is_ascii_digit()) {
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
        i += 1;
    }
    let int_digits = i;
    let mut frac_digits = 0;
    if rest.get(i) == Some(&b'.') {
        i += 1;
        while let Some(d) = rest.get(i).filter(|d| d.is_ascii_digit()) {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
            i += 1;
        }
        frac_digits = i - int_digits - 1;
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if i == rest.len() {
        if let Some(v) = exact_decimal(mantissa, int_digits + frac_digits, frac_digits) {
            return Some(if negative { -v } else { v });
        }
    }
    if matches!(rest.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(rest.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_digits = count_digits(&rest[i..]);
        if exp_digits == 0 {
            return None;
        }
        i += exp_digits;
    }
    if i != rest.len() {
        return None;
    }
    // The grammar is checked; Rust's parser reads exactly this grammar.
    s.parse::<f64>().ok()
}

/// The decimal `mantissa / 10^frac_digits` (`digits` digits in all, no
/// exponent) when it is exactly what Rust's correctly rounded parser gives,
/// by Clinger's fast path: an integer of at most 2^53 and a divisor 10^k
/// with k <= 22 are both exact `f64`s, so one division rounds once,
/// correctly. `None`: not that case.
#[inline]
fn exact_decimal(mantissa: u64, digits: usize, frac_digits: usize) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    if digits > 19 || mantissa > 1 << 53 {
        return None;
    }
    Some(mantissa as f64 / *POW10.get(frac_digits)?)
}

fn is_nan_text(b: &[u8]) -> bool {
    let digits = if b.len() >= 3 && b[..3].eq_ignore_ascii_case(b"nan") {
        &b[3..]
    } else if b.len() >= 4 && b[..4].eq_ignore_ascii_case(b"snan") {
        &b[4..]
    } else {
        return false;
    };
    digits.iter().all(u8::is_ascii_digit)
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(bare: bool, group: &str, decimal: &str) -> NumberOptions {
        NumberOptions {
            bare_number: bare,
            group_char: group.into(),
            decimal_char: decimal.into(),
        }
    }

    // Every case below was run through frictionless-py 5.21
    // `Field.read_cell` (type integer) and gave the value shown (`None` =
    // type error).
    #[test]
    fn integers_as_frictionless_reads_them() {
        let d = NumberOptions::default();
        for (cell, want) in [
            ("1", Some(1)),
            (" 1", Some(1)),
            ("+1", Some(1)),
            ("-1", Some(-1)),
            ("1_000", Some(1000)),
            ("1__0", None),
            ("_1", None),
            ("1_", None),
            ("1.", None),
            ("1.0", None),
            ("1e5", None),
            ("0x10", None),
            ("٣", Some(3)),
            ("９", Some(9)),
            ("00", Some(0)),
            ("000835", Some(835)),
            ("-0", Some(0)),
            (" -5 ", Some(-5)),
            ("\t7\n", Some(7)),
            ("\u{1c}5\u{1f}", Some(5)),
            ("\u{a0}5", Some(5)),
            ("1 000", None),
            ("", None),
            ("-", None),
            ("3.14", None),
            (
                "99999999999999999999999999999999999999",
                Some(99999999999999999999999999999999999999),
            ),
        ] {
            assert_eq!(cast_integer(cell, &d), want, "{cell:?}");
        }
    }

    #[test]
    fn integers_with_bare_number_false() {
        let o = opts(false, "", ".");
        for (cell, want) in [
            ("$1", Some(1)),
            ("1%", Some(1)),
            ("-$1", None),
            ("$-1", Some(-1)),
            ("a1b2c", None),
            ("1.5", None),
            ("-", None),
            ("abc", None),
            ("1.", Some(1)),
            ("--1", None),
            ("- 1", None),
            ("€ -12", Some(-12)),
            ("-12 €", Some(-12)),
            ("x+1", Some(1)),
            ("1e5", None),
        ] {
            assert_eq!(cast_integer(cell, &o), want, "{cell:?}");
        }
    }

    #[test]
    fn integers_with_group_char_follow_table_schema_v2() {
        // Deviation: frictionless ignores groupChar for integers.
        assert_eq!(cast_integer("1,000", &opts(true, ",", ".")), Some(1000));
        assert_eq!(cast_integer("1,000", &NumberOptions::default()), None);
    }

    // Verified with frictionless-py 5.21 (type number).
    #[test]
    fn numbers_as_frictionless_reads_them() {
        let d = NumberOptions::default();
        for (cell, want) in [
            ("1", Some(1.0)),
            ("1e5", Some(1e5)),
            ("1E5", Some(1e5)),
            (" 1", Some(1.0)),
            ("+1", Some(1.0)),
            ("1.", Some(1.0)),
            (".5", Some(0.5)),
            ("-.5", Some(-0.5)),
            ("INF", Some(f64::INFINITY)),
            ("inf", Some(f64::INFINITY)),
            ("-INF", Some(f64::NEG_INFINITY)),
            ("Infinity", Some(f64::INFINITY)),
            ("-infinity", Some(f64::NEG_INFINITY)),
            ("+inf", Some(f64::INFINITY)),
            ("infinit", None),
            ("1_000", Some(1000.0)),
            ("1_000.5", Some(1000.5)),
            ("1__0", Some(10.0)),
            ("_1", Some(1.0)),
            ("1._5", Some(1.5)),
            ("In_f", Some(f64::INFINITY)),
            ("1e", None),
            ("e5", None),
            ("0x1", None),
            ("1.5e-3", Some(0.0015)),
            ("1,5", None),
            ("٣.٥", Some(3.5)),
            ("1e+5", Some(1e5)),
            ("1.e5", Some(1e5)),
            (".", None),
            ("+.5e1", Some(5.0)),
            ("1 0", None),
            ("\u{2000}1", Some(1.0)),
            ("+-1", None),
            ("1e-", None),
            ("-0", Some(0.0)),
            ("NaN12a", None),
            ("", None),
            ("string", None),
            ("10,000a.00", None),
            ("10+000.00", None),
        ] {
            assert_eq!(cast_number(cell, &d), want, "{cell:?}");
        }
        for cell in ["NaN", "nan", "-nan", "sNaN", "NaN123", "nan_1"] {
            assert!(cast_number(cell, &d).is_some_and(f64::is_nan), "{cell:?}");
        }
    }

    // Verified with frictionless-py 5.21, including its own test table.
    #[test]
    fn numbers_with_options() {
        for (cell, o, want) in [
            ("$1", opts(false, "", "."), Some(1.0)),
            ("12.5%", opts(false, "", "."), Some(12.5)),
            ("a1b", opts(false, "", "."), Some(1.0)),
            ("-$1", opts(false, "", "."), None),
            ("1.5.", opts(false, "", "."), Some(1.5)),
            ("1e5x", opts(false, "", "."), Some(1e5)),
            ("x.5", opts(false, "", "."), Some(5.0)),
            ("nan", opts(false, "", "."), None),
            ("1,000", opts(false, "", "."), None),
            ("1000‰", opts(false, "", "."), Some(1000.0)),
            ("€ -12.3", opts(false, "", "."), Some(-12.3)),
            ("1,000", opts(true, ",", "."), Some(1000.0)),
            ("1,,0", opts(true, ",", "."), Some(10.0)),
            (",1", opts(true, ",", "."), Some(1.0)),
            ("1,000.5", opts(true, ",", "."), Some(1000.5)),
            ("10,000,000.50", opts(true, ",", "."), Some(10000000.5)),
            ("1,5", opts(true, "", ","), Some(1.5)),
            ("1.5", opts(true, "", ","), None),
            ("1,000,5", opts(true, "", ","), None),
            ("1,5e3", opts(true, "", ","), Some(1500.0)),
            ("1.000,5", opts(true, ".", ","), Some(1000.5)),
            ("8.699,8", opts(true, ".", ","), Some(8699.8)),
            ("1.5", opts(true, ".", ","), Some(15.0)),
            ("1 000", opts(true, " ", "."), Some(1000.0)),
            (" 1 000 ", opts(true, " ", "."), Some(1000.0)),
            ("10#000#000@50", opts(true, "#", "@"), Some(10000000.5)),
            ("10 000,00", opts(true, " ", ","), Some(10000.0)),
            ("  10 000,00 £", opts(false, " ", ","), Some(10000.0)),
            ("  10,000.00 €", opts(false, ",", "."), Some(10000.0)),
            ("1.234", opts(true, "", ","), None),
            ("1.234.", opts(false, "", ","), None),
            ("1234.", opts(false, "", ","), Some(1234.0)),
        ] {
            assert_eq!(cast_number(cell, &o), want, "{cell:?} {o:?}");
        }
        assert!(cast_number("nan", &opts(true, "", ",")).is_some_and(f64::is_nan));
    }

    #[test]
    fn helpers() {
        assert_eq!(nd_digit('7'), Some(7));
        assert_eq!(nd_digit('٧'), Some(7));
        assert_eq!(nd_digit('𝟿'), Some(9));
        assert_eq!(nd_digit('a'), None);
        assert_eq!(nd_digit('½'), None);
        assert_eq!(py_int_ascii(b" 1"), Some(1));
        assert_eq!(py_int_ascii(b"+5"), Some(5));
        assert_eq!(py_int_ascii(b"-5"), Some(-5));
        assert_eq!(py_int_ascii(b"1 "), Some(1));
        assert_eq!(py_int_ascii(b"  "), None);
        assert_eq!(py_int_ascii(b"1_"), None);
        assert_eq!(py_int_ascii(b"1:"), None);
        assert_eq!(strip_non_numeric("-abc"), "");
        assert_eq!(strip_non_numeric("a-1b"), "-1");
    }

    /// The fast path gives Rust's correctly rounded result, bit for bit.
    #[test]
    fn exact_decimals_match_the_full_parser() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut cases: Vec<String> = vec![
            "0".into(),
            "-0".into(),
            "-0.0".into(),
            "9007199254740992".into(),
            "9007199254740993".into(),
            "0.1".into(),
            "0.3".into(),
            "1234567890123456789".into(),
            "0.0000000000000000000001".into(),
            "1.7976931348623157".into(),
            "00012.5000".into(),
        ];
        for _ in 0..200_000 {
            let int_len = (next() % 12) as usize;
            let frac_len = (next() % 12) as usize;
            let digits = |n: usize, r: &mut dyn FnMut() -> u64| -> String {
                (0..n)
                    .map(|_| char::from(b'0' + (r() % 10) as u8))
                    .collect()
            };
            let int = digits(int_len, &mut next);
            let frac = digits(frac_len, &mut next);
            let sign = ["", "-", "+"][(next() % 3) as usize];
            let cell = if frac_len > 0 && next() % 2 == 0 {
                format!("{sign}{int}.{frac}")
            } else {
                format!("{sign}{int}{frac}")
            };
            cases.push(cell);
        }
        for cell in cases {
            let want = cell.parse::<f64>().ok();
            let got = ascii_decimal(&cell);
            if cell
                .trim_start_matches(['-', '+'])
                .bytes()
                .any(|b| b.is_ascii_digit())
            {
                assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{cell}");
            }
        }
    }
}
