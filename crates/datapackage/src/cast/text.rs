//! `string` formats: `email`, `uri`, `uuid`, `binary` and `wkt`, checked as
//! frictionless-py checks them (with the `validators`, `rfc3986`, `uuid`,
//! `base64` and vendored WKT-grammar code it relies on).

use std::cell::Cell;
use std::sync::OnceLock;

use regex::Regex;

use super::number::{is_py_space, nd_digit};

/// `email`: exactly one `@`; a local part of at most 64 characters matching
/// Django's pattern (`validators.email`); a domain of at most 253 characters
/// with at least two labels, each of letters, digits and inner hyphens, the
/// last ending in a letter. Non-ASCII domain labels are checked in their
/// punycode form, as Python's `idna` codec produces it.
///
/// Deviation: Python applies the full IDNA 2003 nameprep (NFKC) to
/// non-ASCII labels; we only lowercase them.
pub(crate) fn is_email(s: &str) -> bool {
    if s.is_empty() || s.matches('@').count() != 1 {
        return false;
    }
    let Some((user, domain)) = s.rsplit_once('@') else {
        return false;
    };
    if user.chars().count() > 64 || domain.chars().count() > 253 {
        return false;
    }
    static USER: OnceLock<Option<Regex>> = OnceLock::new();
    let user_re = USER.get_or_init(|| {
        // A single Latin-1 letter, a dot-atom or a quoted string; Python's
        // `$` also matches before a final newline, hence `\n?\z`.
        let latin = r"\x{0100}-\x{017F}\x{0180}-\x{024F}\x{00A0}-\x{00FF}";
        let atom = format!(r"[{latin}0-9a-z!#$%&'*+/=?^_`{{}}|~\-]+");
        Regex::new(&format!(
            r#"(?i)\A(?:[{latin}]|{atom}(?:\.{atom})*|"(?:[{latin}\x01-\x08\x0B\x0C\x0E-\x1F!#-\[\]-\x7F]|\\[\t.])*")\n?\z"#
        ))
        .ok()
    });
    let Some(user_re) = user_re else {
        return false;
    };
    user_re.is_match(user) && is_domain(domain)
}

fn is_domain(domain: &str) -> bool {
    if domain.is_empty() || domain.contains(is_py_space) || domain.contains("__") {
        return false;
    }
    let Some(encoded) = idna_encode(domain) else {
        return false;
    };
    if encoded.trim_end_matches('.').len() > 253 {
        return false;
    }
    static DOMAIN: OnceLock<Option<Regex>> = OnceLock::new();
    let re = DOMAIN.get_or_init(|| {
        Regex::new(
            r"(?i)\A(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9][a-z0-9-]{0,61}[a-z]\n?\z",
        )
        .ok()
    });
    re.as_ref().is_some_and(|re| re.is_match(&encoded))
}

/// Python's `str.encode("idna")`: ASCII labels as they are (non-empty, under
/// 64 characters), other labels as `xn--` + punycode.
fn idna_encode(domain: &str) -> Option<String> {
    if domain.is_ascii() {
        let labels: Vec<&str> = domain.split('.').collect();
        let (last, rest) = labels.split_last()?;
        if rest.iter().any(|l| l.is_empty() || l.len() >= 64) || last.len() >= 64 {
            return None;
        }
        return Some(domain.to_string());
    }
    let mut labels: Vec<&str> = domain
        .split(['.', '\u{3002}', '\u{ff0e}', '\u{ff61}'])
        .collect();
    let trailing_dot = labels.last() == Some(&"");
    if trailing_dot {
        labels.pop();
    }
    let mut out = Vec::with_capacity(labels.len());
    for label in labels {
        let encoded = if label.is_ascii() {
            label.to_string()
        } else {
            let lower = label.to_lowercase();
            if lower.chars().any(|c| c.is_control()) {
                return None;
            }
            if lower.is_ascii() {
                lower
            } else {
                if lower.starts_with("xn--") {
                    return None;
                }
                format!("xn--{}", punycode(&lower)?)
            }
        };
        if encoded.is_empty() || encoded.len() >= 64 {
            return None;
        }
        out.push(encoded);
    }
    let mut joined = out.join(".");
    if trailing_dot {
        joined.push('.');
    }
    Some(joined)
}

/// RFC 3492 punycode encoding of one label.
fn punycode(label: &str) -> Option<String> {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    fn adapt(delta: u32, points: u32, first: bool) -> u32 {
        let mut delta = if first { delta / 700 } else { delta / 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + 38)
    }
    fn digit(d: u32) -> char {
        char::from_u32(if d < 26 {
            u32::from(b'a') + d
        } else {
            u32::from(b'0') + d - 26
        })
        .unwrap_or('?')
    }
    let input: Vec<u32> = label.chars().map(|c| c as u32).collect();
    let mut output: String = label.chars().filter(char::is_ascii).collect();
    let basic = output.len() as u32;
    let mut handled = basic;
    if basic > 0 {
        output.push('-');
    }
    let (mut n, mut delta, mut bias) = (128u32, 0u32, 72u32);
    while (handled as usize) < input.len() {
        let m = *input.iter().filter(|&&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &input {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    output.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n += 1;
    }
    Some(output)
}

/// `uri`: `rfc3986` with only the scheme required, i.e. the cell starts
/// with `[A-Za-z][A-Za-z0-9+.-]*:`.
pub(crate) fn is_uri(s: &str) -> bool {
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    for &c in &b[1..] {
        if c == b':' {
            return true;
        }
        if !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-')) {
            return false;
        }
    }
    false
}

/// `uuid`: Python's `uuid.UUID(cell)`: `urn:` and `uuid:` removed, braces
/// stripped from the ends, dashes removed, then 32 characters that Python's
/// `int(_, 16)` reads.
pub(crate) fn is_uuid(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    let hex = s.replace("urn:", "").replace("uuid:", "");
    let hex = hex.trim_matches(['{', '}']).replace('-', "");
    hex.chars().count() == 32 && is_py_hex_int(&hex)
}

/// Python's `int(s, 16)` succeeds.
fn is_py_hex_int(s: &str) -> bool {
    let s = s.trim_matches(is_py_space);
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (s, prefixed) = match s.get(..2) {
        Some("0x" | "0X") => (&s[2..], true),
        _ => (s, false),
    };
    // After the prefix, one `_` may come first (`0x_1f`).
    let s = if prefixed {
        s.strip_prefix('_').unwrap_or(s)
    } else {
        s
    };
    let mut any = false;
    let mut after_underscore = false;
    for c in s.chars() {
        if c == '_' {
            if !any || after_underscore {
                return false;
            }
            after_underscore = true;
        } else if c.is_ascii_hexdigit() || nd_digit(c).is_some() {
            any = true;
            after_underscore = false;
        } else {
            return false;
        }
    }
    any && !after_underscore
}

/// `binary`: Python's `base64.b64decode(cell)` (non-strict): ASCII only;
/// characters outside the alphabet are skipped; padding ends the data; the
/// data characters must not end one past, or two or three past, a multiple
/// of four without enough `=`.
pub(crate) fn is_base64(s: &str) -> bool {
    if !s.is_ascii() {
        return false;
    }
    let mut quad = 0u8;
    let mut pads = 0u8;
    for c in s.bytes() {
        if c == b'=' {
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    return true;
                }
            }
            continue;
        }
        if !(c.is_ascii_alphanumeric() || c == b'+' || c == b'/') {
            continue;
        }
        pads = 0;
        quad = (quad + 1) % 4;
    }
    quad == 0
}

/// `wkt`: the well-known-text grammar frictionless vendors (a PEG without
/// an end-of-input check, so text after a complete geometry is ignored).
pub(crate) fn is_wkt(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    Wkt {
        s: &chars,
        depth: Cell::new(0),
    }
    .representation(0)
    .is_some()
}

struct Wkt<'a> {
    s: &'a [char],
    /// Nesting of geometry collections, bounded so that a hostile cell
    /// cannot exhaust the stack (Python gives up on deep nesting too).
    depth: Cell<usize>,
}

type P = Option<usize>;

impl Wkt<'_> {
    fn ws(&self, mut i: usize) -> usize {
        while i < self.s.len() && is_py_space(self.s[i]) {
            i += 1;
        }
        i
    }

    /// A keyword, which must not run into a letter or digit.
    fn kw(&self, i: usize, word: &str) -> P {
        let i = self.ws(i);
        let mut j = i;
        for w in word.chars() {
            if self.s.get(j) != Some(&w) {
                return None;
            }
            j += 1;
        }
        if self.s.get(j).is_some_and(|c| c.is_alphanumeric()) {
            return None;
        }
        Some(j)
    }

    fn sym(&self, i: usize, c: char) -> P {
        let i = self.ws(i);
        (self.s.get(i) == Some(&c)).then_some(i + 1)
    }

    /// `[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?`
    fn number(&self, i: usize) -> P {
        let mut j = self.ws(i);
        let digits = |mut k: usize| {
            let start = k;
            while self.s.get(k).is_some_and(char::is_ascii_digit) {
                k += 1;
            }
            (k, k - start)
        };
        if matches!(self.s.get(j), Some('+' | '-')) {
            j += 1;
        }
        let (k, n) = digits(j);
        if n > 0 {
            j = k;
            if self.s.get(j) == Some(&'.') {
                j = digits(j + 1).0;
            }
        } else if self.s.get(j) == Some(&'.') {
            let (k, n) = digits(j + 1);
            if n == 0 {
                return None;
            }
            j = k;
        } else {
            return None;
        }
        if matches!(self.s.get(j), Some('e' | 'E')) {
            let mut k = j + 1;
            if matches!(self.s.get(k), Some('+' | '-')) {
                k += 1;
            }
            let (k, n) = digits(k);
            if n > 0 {
                j = k;
            }
        }
        Some(j)
    }

    fn opt(&self, i: usize, r: P) -> usize {
        r.unwrap_or(i)
    }

    fn z_m(&self, i: usize) -> usize {
        let r = self
            .kw(i, "ZM")
            .or_else(|| self.kw(i, "Z"))
            .or_else(|| self.kw(i, "M"));
        self.opt(i, r)
    }

    /// `EMPTY | ( item { , item } )`
    fn list(&self, i: usize, item: &dyn Fn(usize) -> P) -> P {
        if let Some(j) = self.kw(i, "EMPTY") {
            return Some(j);
        }
        let mut j = item(self.sym(i, '(')?)?;
        while let Some(k) = self.sym(j, ',').and_then(item) {
            j = k;
        }
        self.sym(j, ')')
    }

    fn point(&self, i: usize) -> P {
        let mut j = self.number(self.number(i)?)?;
        j = self.opt(j, self.number(j));
        Some(self.opt(j, self.number(j)))
    }

    fn point_text(&self, i: usize) -> P {
        if let Some(j) = self.kw(i, "EMPTY") {
            return Some(j);
        }
        let j = self.point(self.sym(i, '(')?)?;
        self.sym(j, ')')
    }

    fn linestring_text(&self, i: usize) -> P {
        self.list(i, &|k| self.point(k))
    }

    fn tagged(&self, i: usize, tag: &str, body: &dyn Fn(usize) -> P) -> P {
        let j = self.kw(i, tag)?;
        body(self.z_m(j))
    }

    fn circularstring(&self, i: usize) -> P {
        self.tagged(i, "CIRCULARSTRING", &|k| self.linestring_text(k))
    }

    fn compoundcurve(&self, i: usize) -> P {
        self.tagged(i, "COMPOUNDCURVE", &|k| {
            self.list(k, &|m| {
                self.linestring_text(m).or_else(|| self.circularstring(m))
            })
        })
    }

    fn ring_text(&self, i: usize) -> P {
        self.linestring_text(i)
            .or_else(|| self.circularstring(i))
            .or_else(|| self.compoundcurve(i))
    }

    fn polygon_text(&self, i: usize) -> P {
        self.list(i, &|k| self.linestring_text(k))
    }

    fn triangle_text(&self, i: usize) -> P {
        if let Some(j) = self.kw(i, "EMPTY") {
            return Some(j);
        }
        let j = self.linestring_text(self.sym(i, '(')?)?;
        self.sym(j, ')')
    }

    fn curvepolygon_text(&self, i: usize) -> P {
        self.list(i, &|k| self.ring_text(k))
    }

    fn surface_text(&self, i: usize) -> P {
        self.kw(i, "CURVEPOLYGON")
            .and_then(|j| self.curvepolygon_text(j))
            .or_else(|| self.polygon_text(i))
    }

    fn representation(&self, i: usize) -> P {
        self.tagged(i, "POINT", &|k| self.point_text(k))
            .or_else(|| self.tagged(i, "LINESTRING", &|k| self.linestring_text(k)))
            .or_else(|| self.circularstring(i))
            .or_else(|| self.compoundcurve(i))
            .or_else(|| self.tagged(i, "CURVEPOLYGON", &|k| self.curvepolygon_text(k)))
            .or_else(|| self.tagged(i, "POLYGON", &|k| self.polygon_text(k)))
            .or_else(|| self.tagged(i, "TRIANGLE", &|k| self.triangle_text(k)))
            .or_else(|| self.tagged(i, "MULTIPOINT", &|k| self.list(k, &|m| self.point_text(m))))
            .or_else(|| self.tagged(i, "MULTICURVE", &|k| self.list(k, &|m| self.ring_text(m))))
            .or_else(|| {
                self.tagged(i, "MULTILINESTRING", &|k| {
                    self.list(k, &|m| self.linestring_text(m))
                })
            })
            .or_else(|| {
                self.tagged(i, "MULTISURFACE", &|k| {
                    self.list(k, &|m| self.surface_text(m))
                })
            })
            .or_else(|| {
                self.tagged(i, "MULTIPOLYGON", &|k| {
                    self.list(k, &|m| self.polygon_text(m))
                })
            })
            .or_else(|| {
                self.tagged(i, "POLYHEDRALSURFACE", &|k| {
                    self.list(k, &|m| self.polygon_text(m))
                })
            })
            .or_else(|| self.tagged(i, "TIN", &|k| self.list(k, &|m| self.triangle_text(m))))
            .or_else(|| {
                self.tagged(i, "GEOMETRYCOLLECTION", &|k| {
                    if self.depth.get() >= 100 {
                        return None;
                    }
                    self.depth.set(self.depth.get() + 1);
                    let r = self.list(k, &|m| self.representation(m));
                    self.depth.set(self.depth.get() - 1);
                    r
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Verified with frictionless-py 5.21 (validators 0.36).
    #[test]
    fn emails() {
        for (cell, want) in [
            ("name@gmail.com", true),
            ("a@b.co", true),
            ("a.b@c.de", true),
            ("A@B.DE", true),
            ("é@b.de", true),
            ("a@bücher.de", true),
            ("a@b.рф", true),
            ("a\n@b.de", true),
            ("a@b.dé", true),
            ("a@b.d-e", true),
            ("a@b.c1", false),
            ("a@localhost", false),
            (".a@b.de", false),
            ("a..b@c.de", false),
            ("a@b..de", false),
            ("éé.@b.de", false),
            ("\"a b\"@c.de", false),
            ("a@-b.de", false),
            ("a@b-.de", false),
            ("a@b.de.", false),
            ("a@b_c.de", false),
            ("a@b__c.de", false),
            ("a@b.de\n", false),
            ("a@1.2.3.4", false),
            ("a@[1.2.3.4]", false),
            ("a@b.d", false),
            ("http://google.com", false),
            ("string", false),
            ("", false),
        ] {
            assert_eq!(is_email(cell), want, "{cell:?}");
        }
        assert!(is_email(&format!("{}@b.de", "x".repeat(64))));
        assert!(!is_email(&format!("{}@b.de", "x".repeat(65))));
    }

    #[test]
    fn punycode_matches_python() {
        // Python: "bücher".encode("punycode") == b"bcher-kva"
        assert_eq!(punycode("bücher").as_deref(), Some("bcher-kva"));
        assert_eq!(punycode("рф").as_deref(), Some("p1ai"));
        assert_eq!(punycode("dé").as_deref(), Some("d-bga"));
    }

    // Verified with frictionless-py 5.21 (rfc3986 2.0).
    #[test]
    fn uris() {
        for (cell, want) in [
            ("http://google.com", true),
            ("a:b", true),
            ("http://", true),
            ("mailto:x", true),
            ("ab+.-:", true),
            ("http://exa mple.com/ a", true),
            ("x:\n", true),
            ("HTTP:x", true),
            ("1a:b", false),
            ("a b:c", false),
            ("é:x", false),
            ("://no-scheme.test", false),
            ("string", false),
            ("", false),
        ] {
            assert_eq!(is_uri(cell), want, "{cell:?}");
        }
    }

    // Verified with frictionless-py 5.21.
    #[test]
    fn uuids() {
        for (cell, want) in [
            ("2bc1c94f-0deb-43e9-92a1-4775189ec9f8", true),
            ("2bc1c94f0deb43e992a14775189ec9f8", true),
            ("{2bc1c94f-0deb-43e9-92a1-4775189ec9f8}", true),
            ("urn:uuid:2bc1c94f-0deb-43e9-92a1-4775189ec9f8", true),
            ("2BC1C94F-0DEB-43E9-92A1-4775189EC9F8", true),
            ("2bc1-c94f0deb43e992a14775189ec9f8", true),
            ("+bc1c94f0deb43e992a14775189ec9f8", true),
            (" bc1c94f0deb43e992a14775189ec9f8", true),
            ("00000000-0000-0000-0000-000000000000", true),
            ("0x00000000000000000000000000000f", true),
            ("2bc1c94f-0deb-43e9-92a1-4775189ec9f", false),
            ("2bc1c94f-0deb-43e9-92a1-4775189ec9fg", false),
            ("", false),
        ] {
            assert_eq!(is_uuid(cell), want, "{cell:?}");
        }
    }

    // Verified with frictionless-py 5.21 (Python 3.11 base64).
    #[test]
    fn base64() {
        for (cell, want) in [
            ("dGVzdA==", true),
            ("dGVz", true),
            ("dG Vz", true),
            ("dGVz\n", true),
            ("!!!!", true),
            ("dGV=dA==", true),
            ("====", true),
            ("dGVzdA==dGVz", true),
            ("abcd=", true),
            ("ab==cd", true),
            ("abc=", true),
            ("ab==", true),
            ("dGVzdA", false),
            ("dGVzdA=", false),
            ("dGVzd", false),
            ("a", false),
            ("ab", false),
            ("abc", false),
            ("ab=c", false),
            ("string", false),
            ("é", false),
        ] {
            assert_eq!(is_base64(cell), want, "{cell:?}");
        }
    }

    // Verified with frictionless-py 5.21 and tatsu 5.14 (frictionless[wkt]).
    #[test]
    fn wkt() {
        for (cell, want) in [
            ("POINT (30 10)", true),
            ("POINT (30 10) junk", true),
            ("POINT Z (1 2 3)", true),
            ("POINT (1-2)", true),
            ("POINT (1.2.3)", true),
            ("  POINT (1 2)  ", true),
            ("POINT EMPTY", true),
            ("POINT(1 2)\n", true),
            ("LINESTRING (1 2)", true),
            ("LINESTRING (30 10, 10 30, 40 40)", true),
            ("POLYGON ((30 10, 40 40, 20 40, 10 20, 30 10))", true),
            ("MULTIPOINT ((1 2), (3 4))", true),
            ("TRIANGLE((0 0, 1 0, 0.5 1, 0 0))", true),
            (
                "MULTIPOLYGON (((0 0, 0 1, 1 1, 1 0, 0 0)), ((1 1, 1 2, 2 2, 2 1, 1 1)))",
                true,
            ),
            (
                "CIRCULARSTRING (-116.4 45.2, -118.0 47.0, -120.0 49.0)",
                true,
            ),
            (
                "TIN (((0 0 0,0 0 1,0 1 0,0 0 0)),((0 0 0,0 1 0,1 1 0,0 0 0)))",
                true,
            ),
            (
                "GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (1 2, 3 4))",
                true,
            ),
            (
                "CURVEPOLYGON(COMPOUNDCURVE(CIRCULARSTRING (0 0,1 1,2 0),(2 0,0 0)))",
                true,
            ),
            ("POLYGON ((1 2, 3 4), EMPTY)", true),
            ("MULTISURFACE (CURVEPOLYGON EMPTY, ((1 2)))", true),
            ("POINT (1e5 .5)", true),
            ("POINT (+1 -1.)", true),
            ("POINT ZM (1 2 3 4)", true),
            ("POINT (1\t2)", true),
            ("MULTICURVE ((1 2), CIRCULARSTRING (1 2))", true),
            ("POINT (1 2) POINT (3 4)", true),
            ("TIN EMPTY", true),
            ("CIRCULARSTRING EMPTY", true),
            ("GEOMETRYCOLLECTION EMPTY", true),
            ("POINT (1 2) )", true),
            ("POINT (1 2 3)", true),
            ("point (30 10)", false),
            ("POINTZ (1 2 3)", false),
            ("POINT(1)", false),
            ("POINT (1 2 3 4 5)", false),
            ("LINESTRING ()", false),
            ("MULTIPOINT (1 2, 3 4)", false),
            ("POINTM (1 2 3)", false),
            ("POINTZM(1 2 3 4)", false),
            ("POINT (12)", false),
            ("POINT (1 2,)", false),
            ("POINT EMPTYX", false),
            ("POLYGON ((30 10, 40 40, 20 40, 10 20, 30 10)", false),
            ("string", false),
            ("", false),
        ] {
            assert_eq!(is_wkt(cell), want, "{cell:?}");
        }
        let deep = format!(
            "{}POINT (1 2){}",
            "GEOMETRYCOLLECTION (".repeat(50_000),
            ")".repeat(50_000)
        );
        assert!(!is_wkt(&deep));
    }
}
