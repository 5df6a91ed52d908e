//! The default formats of `date`, `time` and `datetime`, read as
//! frictionless-py reads them.
//!
//! - date: Python's `strptime(cell, "%Y-%m-%d")`, which also takes one-digit
//!   months and days (`2020-1-2`) and a space-padded day (`2020-01- 2`).
//! - time: dateutil's `isoparse("2000-01-01T" + cell)` behind frictionless'
//!   guard (`cell[5] == ":"`, at least 8 characters).
//! - datetime: dateutil's `isoparse(cell)` behind the guard `cell[16] ==
//!   ":"`, at least 19 characters. Any single character separates date and
//!   time; `24:00:00` is midnight of the next day; offsets are `Z`, `±HH`,
//!   `±HHMM`, `±HH:MM`; fractions of a second have any number of digits
//!   (kept to microseconds), after `.` or `,`.
//!
//! dateutil reads each two-character field with Python's `int()`, which
//! tolerates a space or a sign (`10:20: 3`); we do the same (see
//! [`py_int_ascii`]). All of this is hand-written and allocation-free.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use std::sync::OnceLock;

use super::number::py_int_ascii;
use super::strptime::Strptime;

/// A date, the time of day and the UTC offset in seconds, as read.
pub(crate) type DateTimeParts = (NaiveDateTime, Option<i32>);

/// `strptime(cell, "%Y-%m-%d")`.
pub(crate) fn parse_default_date(cell: &str) -> Option<NaiveDate> {
    let b = cell.as_bytes();
    // The usual `YYYY-MM-DD`.
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        if let (Some(y), Some(m), Some(d)) =
            (digits4(&b[0..4]), digits2(&b[5..7]), digits2(&b[8..10]))
        {
            return make_date(i64::from(y), i64::from(m), i64::from(d));
        }
    }
    if !cell.is_ascii() {
        // `%Y` is `\d\d\d\d`, which takes any Unicode digit.
        return parse_default_date_unicode(cell);
    }
    let year = digits4(b.get(0..4)?)?;
    if b.get(4) != Some(&b'-') {
        return None;
    }
    let (month, used) = strptime_month(&b[5..])?;
    let rest = &b[5 + used..];
    if rest.first() != Some(&b'-') {
        return None;
    }
    let (day, used) = strptime_day(&rest[1..])?;
    if 1 + used != rest.len() {
        return None;
    }
    make_date(i64::from(year), i64::from(month), i64::from(day))
}

/// Non-ASCII cells: Python's `\d` takes any Unicode digit (`%Y` is
/// `\d\d\d\d`, and `%d` has a `[1-2]\d` branch), so run the real pattern.
fn parse_default_date_unicode(cell: &str) -> Option<NaiveDate> {
    static PATTERN: OnceLock<Strptime> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| Strptime::new("%Y-%m-%d"));
    pattern.parse(cell).map(|p| p.date)
}

/// `%m`: `1[0-2]|0[1-9]|[1-9]`, first alternative that matches.
fn strptime_month(b: &[u8]) -> Option<(u32, usize)> {
    match b {
        [b'1', c @ b'0'..=b'2', ..] => Some((10 + u32::from(c - b'0'), 2)),
        [b'0', c @ b'1'..=b'9', ..] => Some((u32::from(c - b'0'), 2)),
        [c @ b'1'..=b'9', ..] => Some((u32::from(c - b'0'), 1)),
        _ => None,
    }
}

/// `%d`: `3[01]|[12]\d|0[1-9]|[1-9]| [1-9]`, first alternative that matches.
fn strptime_day(b: &[u8]) -> Option<(u32, usize)> {
    match b {
        [b'3', c @ b'0'..=b'1', ..] => Some((30 + u32::from(c - b'0'), 2)),
        [t @ b'1'..=b'2', c @ b'0'..=b'9', ..] => {
            Some((u32::from(t - b'0') * 10 + u32::from(c - b'0'), 2))
        }
        [b'0', c @ b'1'..=b'9', ..] => Some((u32::from(c - b'0'), 2)),
        [c @ b'1'..=b'9', ..] => Some((u32::from(c - b'0'), 1)),
        [b' ', c @ b'1'..=b'9', ..] => Some((u32::from(c - b'0'), 2)),
        _ => None,
    }
}

fn digits2(b: &[u8]) -> Option<u32> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some(u32::from(a - b'0') * 10 + u32::from(c - b'0')),
        _ => None,
    }
}

fn digits4(b: &[u8]) -> Option<u32> {
    Some(digits2(b.get(0..2)?)? * 100 + digits2(b.get(2..4)?)?)
}

/// A Python `date`: years 1 to 9999 only.
pub(crate) fn make_date(y: i64, m: i64, d: i64) -> Option<NaiveDate> {
    if !(1..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(
        i32::try_from(y).ok()?,
        u32::try_from(m).ok()?,
        u32::try_from(d).ok()?,
    )
}

/// A Python `time`.
pub(crate) fn make_time(h: i64, m: i64, s: i64, micro: i64) -> Option<NaiveTime> {
    NaiveTime::from_hms_micro_opt(
        u32::try_from(h).ok()?,
        u32::try_from(m).ok()?,
        u32::try_from(s).ok()?,
        u32::try_from(micro).ok().filter(|us| *us < 1_000_000)?,
    )
}

/// The default `time` format.
pub(crate) fn parse_default_time(cell: &str) -> Option<(NaiveTime, Option<i32>)> {
    let b = cell.as_bytes();
    // frictionless' guard; isoparse only takes ASCII, so bytes are chars.
    if !cell.is_ascii() || b.len() < 8 || b[5] != b':' {
        return None;
    }
    if let Some(parts) = canonical_time(b) {
        return Some(parts);
    }
    let t = parse_isotime(b)?;
    // `24:00:00` rolls over to the next day; only the time is kept.
    let hour = if t.hour == 24 { 0 } else { t.hour };
    Some((make_time(hour, t.minute, t.second, t.micro)?, t.offset))
}

/// The default `datetime` format.
pub(crate) fn parse_default_datetime(cell: &str) -> Option<DateTimeParts> {
    let b = cell.as_bytes();
    if !cell.is_ascii() || b.len() < 19 || b[16] != b':' {
        return None;
    }
    if let Some(parts) = canonical_datetime(b) {
        return Some(parts);
    }
    isoparse(b)
}

/// The shape nearly every datetime cell has,
/// `YYYY-MM-DD?HH:MM:SS[.ffffff][Z|±HH:MM]`, read directly. `None` sends
/// the cell to the general parser, which gives the same result for these
/// shapes (and decides the rest).
fn canonical_datetime(b: &[u8]) -> Option<DateTimeParts> {
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let date = make_date(
        i64::from(digits4(&b[0..4])?),
        i64::from(digits2(&b[5..7])?),
        i64::from(digits2(&b[8..10])?),
    )?;
    let (time, offset) = canonical_time(&b[11..])?;
    Some((date.and_time(time), offset))
}

/// `HH:MM:SS[.ffffff][Z|±HH:MM]`, as [`canonical_datetime`].
fn canonical_time(b: &[u8]) -> Option<(NaiveTime, Option<i32>)> {
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, s) = (digits2(&b[0..2])?, digits2(&b[3..5])?, digits2(&b[6..8])?);
    let mut rest = &b[8..];
    let mut micro = 0;
    if let [b'.' | b',', tail @ ..] = rest {
        let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        for (i, d) in tail[..n.min(6)].iter().enumerate() {
            micro += u32::from(d - b'0') * 10u32.pow(5 - i as u32);
        }
        rest = &tail[n..];
    }
    let offset = match rest {
        [] => None,
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = digits2(&[*h1, *h2])?;
            let om = digits2(&[*m1, *m2])?;
            if oh > 23 || om > 59 {
                return None;
            }
            let o = (oh * 3600 + om * 60) as i32;
            Some(if *sign == b'-' { -o } else { o })
        }
        _ => return None,
    };
    // Hour 24 and out-of-range fields go to the general parser.
    Some((NaiveTime::from_hms_micro_opt(h, m, s, micro)?, offset))
}

/// dateutil's `isoparse`, with any separator character.
pub(crate) fn isoparse(b: &[u8]) -> Option<DateTimeParts> {
    let (ymd, pos) = parse_isodate(b)?;
    let date = make_date(ymd[0], ymd[1], ymd[2])?;
    let t = if b.len() > pos {
        parse_isotime(&b[pos + 1..])?
    } else {
        IsoTime::default()
    };
    if t.hour == 24 {
        let time = make_time(0, t.minute, t.second, t.micro)?;
        let next = date
            .checked_add_signed(Duration::days(1))
            .filter(|d| d.year() <= 9999)?;
        return Some((next.and_time(time), t.offset));
    }
    let time = make_time(t.hour, t.minute, t.second, t.micro)?;
    Some((date.and_time(time), t.offset))
}

/// Python's slicing: `b[start:end]`, clamped to the bounds.
fn slice(b: &[u8], start: usize, end: usize) -> &[u8] {
    let end = end.min(b.len());
    let start = start.min(end);
    &b[start..end]
}

fn parse_isodate(b: &[u8]) -> Option<([i64; 3], usize)> {
    parse_isodate_common(b).or_else(|| parse_isodate_uncommon(b))
}

/// `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYYMMDD`. Fails only where dateutil
/// raises before building the date (so that the uncommon forms get a try).
fn parse_isodate_common(b: &[u8]) -> Option<([i64; 3], usize)> {
    let len = b.len();
    if len < 4 {
        return None;
    }
    let mut ymd = [py_int_ascii(&b[0..4])?, 1, 1];
    let mut pos = 4;
    if pos >= len {
        return Some((ymd, pos));
    }
    let has_sep = b[pos] == b'-';
    if has_sep {
        pos += 1;
    }
    if len - pos < 2 {
        return None;
    }
    ymd[1] = py_int_ascii(&b[pos..pos + 2])?;
    pos += 2;
    if pos >= len {
        return has_sep.then_some((ymd, pos));
    }
    if has_sep {
        if b[pos] != b'-' {
            return None;
        }
        pos += 1;
    }
    if len - pos < 2 {
        return None;
    }
    ymd[2] = py_int_ascii(&b[pos..pos + 2])?;
    Some((ymd, pos + 2))
}

/// ISO week dates (`YYYY-Www[-D]`, `YYYYWww[D]`) and ordinal dates
/// (`YYYY-DDD`, `YYYYDDD`).
fn parse_isodate_uncommon(b: &[u8]) -> Option<([i64; 3], usize)> {
    if b.len() < 4 {
        return None;
    }
    let year = py_int_ascii(&b[0..4])?;
    let has_sep = b.get(4) == Some(&b'-');
    let mut pos = 4 + usize::from(has_sep);
    let date = if b.get(pos) == Some(&b'W') {
        pos += 1;
        let week = py_int_ascii(slice(b, pos, pos + 2))?;
        pos += 2;
        let mut day = 1;
        if b.len() > pos {
            if (b[pos] == b'-') != has_sep {
                return None;
            }
            pos += usize::from(has_sep);
            day = py_int_ascii(slice(b, pos, pos + 1))?;
            pos += 1;
        }
        if !(1..=53).contains(&week) || !(1..=7).contains(&day) {
            return None;
        }
        let jan4 = make_date(year, 1, 4)?;
        let week1 = jan4 - Duration::days(i64::from(jan4.weekday().num_days_from_monday()));
        week1.checked_add_signed(Duration::days((week - 1) * 7 + (day - 1)))?
    } else {
        if b.len().saturating_sub(pos) < 3 {
            return None;
        }
        let ordinal = py_int_ascii(&b[pos..pos + 3])?;
        pos += 3;
        let jan1 = make_date(year, 1, 1)?;
        let days_in_year = if jan1.leap_year() { 366 } else { 365 };
        if !(1..=days_in_year).contains(&ordinal) {
            return None;
        }
        jan1 + Duration::days(ordinal - 1)
    };
    if !(1..=9999).contains(&date.year()) {
        return None;
    }
    Some((
        [
            i64::from(date.year()),
            i64::from(date.month()),
            i64::from(date.day()),
        ],
        pos,
    ))
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct IsoTime {
    hour: i64,
    minute: i64,
    second: i64,
    micro: i64,
    offset: Option<i32>,
}

/// `hh[:mm[:ss[.ffff]]]` or `hh[mm[ss[.ffff]]]`, then an optional offset.
fn parse_isotime(b: &[u8]) -> Option<IsoTime> {
    let len = b.len();
    if len < 2 {
        return None;
    }
    let mut parts = [0i64; 4];
    let mut offset = None;
    let mut pos = 0;
    let mut has_sep = false;
    let mut comp = 0;
    // Up to six steps: hour, minute, second, fraction, then room for the
    // offset after either.
    while pos < len && comp < 6 {
        if matches!(b[pos], b'-' | b'+' | b'Z' | b'z') {
            offset = Some(parse_tzstr(&b[pos..])?);
            pos = len;
            break;
        }
        if comp == 1 && b[pos] == b':' {
            has_sep = true;
            pos += 1;
        } else if comp == 2 && has_sep {
            if b[pos] != b':' {
                return None;
            }
            pos += 1;
        }
        if comp < 3 {
            parts[comp] = py_int_ascii(slice(b, pos, pos + 2))?;
            pos += 2;
        } else if comp == 3 {
            // `[.,][0-9]+`, kept to six digits.
            if matches!(b[pos], b'.' | b',') {
                let digits = b[pos + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                if digits > 0 {
                    let mut micro = 0i64;
                    for (i, d) in b[pos + 1..pos + 1 + digits].iter().take(6).enumerate() {
                        micro += i64::from(d - b'0') * 10i64.pow(5 - i as u32);
                    }
                    parts[3] = micro;
                    pos += 1 + digits;
                }
            }
        }
        comp += 1;
    }
    if pos < len {
        return None;
    }
    if parts[0] == 24 && parts[1..].iter().any(|p| *p != 0) {
        return None;
    }
    Some(IsoTime {
        hour: parts[0],
        minute: parts[1],
        second: parts[2],
        micro: parts[3],
        offset,
    })
}

/// `Z`, `±HH`, `±HHMM`, `±HH:MM` (dateutil takes the minutes with `int()`,
/// so a few odd spellings such as `+01:0` pass too).
fn parse_tzstr(b: &[u8]) -> Option<i32> {
    if b == b"Z" || b == b"z" {
        return Some(0);
    }
    if !matches!(b.len(), 3 | 5 | 6) {
        return None;
    }
    let sign = match b[0] {
        b'-' => -1,
        b'+' => 1,
        _ => return None,
    };
    let hours = py_int_ascii(&b[1..3])?;
    let minutes = if b.len() == 3 {
        0
    } else if b[3] == b':' {
        py_int_ascii(&b[4..])?
    } else {
        py_int_ascii(&b[3..])?
    };
    if hours == 0 && minutes == 0 {
        return Some(0);
    }
    if minutes > 59 || hours > 23 {
        return None;
    }
    i32::try_from(sign * (hours * 60 + minutes) * 60).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(h: u32, m: u32, s: u32, us: u32) -> NaiveTime {
        NaiveTime::from_hms_micro_opt(h, m, s, us).unwrap()
    }

    // Verified with frictionless-py 5.21 (type date, format default).
    #[test]
    fn default_dates() {
        for (cell, want) in [
            ("2020-01-02", Some(d(2020, 1, 2))),
            ("2020-1-2", Some(d(2020, 1, 2))),
            ("2020-01- 2", Some(d(2020, 1, 2))),
            ("2020-1-02", Some(d(2020, 1, 2))),
            ("2020-01-1", Some(d(2020, 1, 1))),
            ("0001-01-01", Some(d(1, 1, 1))),
            ("٢٠٢٠-01-02", Some(d(2020, 1, 2))),
            ("2020-1-2٣", Some(d(2020, 1, 23))),
            ("2020-01-٣1", None),
            ("2020-01-2 ", None),
            (" 2020-01-02", None),
            ("2020-02-30", None),
            ("0000-01-01", None),
            ("20200102", None),
            ("2020-001-02", None),
            ("2020-01-02T00:00:00", None),
            ("12020-01-01", None),
            ("2020-13-01", None),
            ("2020-00-01", None),
            ("2020-01-00", None),
            ("2020-01-32", None),
            ("2020-1-3x", None),
            ("10th Jan 1969", None),
            ("invalid", None),
            ("", None),
        ] {
            assert_eq!(parse_default_date(cell), want, "{cell:?}");
        }
    }

    // Verified with frictionless-py 5.21 (type time, format default).
    #[test]
    fn default_times() {
        for (cell, want) in [
            ("10:20:30", Some((t(10, 20, 30, 0), None))),
            ("06:00:00", Some((t(6, 0, 0, 0), None))),
            ("10:20:30.1", Some((t(10, 20, 30, 100000), None))),
            ("10:20:30.123456789", Some((t(10, 20, 30, 123456), None))),
            ("10:20:30,5", Some((t(10, 20, 30, 500000), None))),
            ("10:20:30Z", Some((t(10, 20, 30, 0), Some(0)))),
            ("10:20:30z", Some((t(10, 20, 30, 0), Some(0)))),
            ("10:20:30+01:00", Some((t(10, 20, 30, 0), Some(3600)))),
            ("10:20:30+0100", Some((t(10, 20, 30, 0), Some(3600)))),
            ("10:20:30+01", Some((t(10, 20, 30, 0), Some(3600)))),
            ("10:20:30-00:00", Some((t(10, 20, 30, 0), Some(0)))),
            ("24:00:00", Some((t(0, 0, 0, 0), None))),
            ("10:20:30.123Z", Some((t(10, 20, 30, 123000), Some(0)))),
            ("10:20:30+14:00", Some((t(10, 20, 30, 0), Some(50400)))),
            ("10:20:30+23:59", Some((t(10, 20, 30, 0), Some(86340)))),
            ("23:59:59.9999999", Some((t(23, 59, 59, 999999), None))),
            ("10:20:30+01:0", Some((t(10, 20, 30, 0), Some(3600)))),
            (
                "10:20:30.1234567+01:00",
                Some((t(10, 20, 30, 123456), Some(3600))),
            ),
            ("10:20:3 ", Some((t(10, 20, 3, 0), None))),
            ("10:20: 3", Some((t(10, 20, 3, 0), None))),
            ("10:20:+3", Some((t(10, 20, 3, 0), None))),
            (" 1:20:30", Some((t(1, 20, 30, 0), None))),
            ("10: 2:30", Some((t(10, 2, 30, 0), None))),
            ("10:20:30+01000", Some((t(10, 20, 30, 0), Some(3600)))),
            ("10:20:30+01 1", Some((t(10, 20, 30, 0), Some(3660)))),
            ("10:20:30-01:-5", Some((t(10, 20, 30, 0), Some(-3300)))),
            ("10:20:30.5 ", None),
            ("10:20:30+0", None),
            ("10:20:30 +01:00", None),
            ("102030+0100", None),
            ("24:00:01", None),
            ("10:20", None),
            ("09:00", None),
            ("10:20:3", None),
            ("1:20:30", None),
            ("10:20:60", None),
            ("10:20:30 ", None),
            ("10:20:30.", None),
            ("10:2030", None),
            ("10:20:30+01:00:00", None),
            ("10:20:30+24:00", None),
            ("10:20:30 Z", None),
            ("10:20:30UTC", None),
            ("06:00:00+1:00", None),
            ("10:20:30.+01:00", None),
            ("10:20:30+01:", None),
            ("3 am", None),
            ("3.00", None),
            ("", None),
        ] {
            assert_eq!(parse_default_time(cell), want, "{cell:?}");
        }
    }

    // Verified with frictionless-py 5.21 (type datetime, format default).
    #[test]
    fn default_datetimes() {
        let dt = |y, mo, day, h, mi, s, us| d(y, mo, day).and_time(t(h, mi, s, us));
        for (cell, want) in [
            (
                "2020-01-02T10:20:30",
                Some((dt(2020, 1, 2, 10, 20, 30, 0), None)),
            ),
            (
                "2020-01-02 10:20:30",
                Some((dt(2020, 1, 2, 10, 20, 30, 0), None)),
            ),
            (
                "2020-01-02x10:20:30",
                Some((dt(2020, 1, 2, 10, 20, 30, 0), None)),
            ),
            (
                "2020-01-02T24:00:00",
                Some((dt(2020, 1, 3, 0, 0, 0, 0), None)),
            ),
            (
                "2020-12-31T24:00:00Z",
                Some((dt(2021, 1, 1, 0, 0, 0, 0), Some(0))),
            ),
            (
                "2020-01-02T10:20:30.123+05:30",
                Some((dt(2020, 1, 2, 10, 20, 30, 123000), Some(19800))),
            ),
            (
                "2020-W01-1T10:20:30",
                Some((dt(2019, 12, 30, 10, 20, 30, 0), None)),
            ),
            (
                " 202-01-02T10:20:30",
                Some((dt(202, 1, 2, 10, 20, 30, 0), None)),
            ),
            (
                "+020-01-02T10:20:30",
                Some((dt(20, 1, 2, 10, 20, 30, 0), None)),
            ),
            (
                "2020-01-02T10:20:30+05",
                Some((dt(2020, 1, 2, 10, 20, 30, 0), Some(18000))),
            ),
            (
                "2020-01-02T10:20:30-0000",
                Some((dt(2020, 1, 2, 10, 20, 30, 0), Some(0))),
            ),
            (
                "2020-01-02T10:20:30,123",
                Some((dt(2020, 1, 2, 10, 20, 30, 123000), None)),
            ),
            (
                "2020-01-02T10:20:30.1234567",
                Some((dt(2020, 1, 2, 10, 20, 30, 123456), None)),
            ),
            ("2014-01-01T06:00:00+1:00", None),
            ("2020-01-0210:20:30", None),
            ("2020-01-02T10:20", None),
            ("2020-001T10:20:30", None),
            ("20200102T10:20:30", None),
            ("2020-1-02T10:20:30", None),
            ("2020-01-02T10:20:30 ", None),
            ("0000-01-01T00:00:00", None),
            ("2020-02-30T10:00:00", None),
            ("2020-01-02T1:20:30", None),
            ("2020-01-02T10:20:30.", None),
            ("2020-01-02T10:20:30Z ", None),
            ("9999-12-31T24:00:00", None),
            ("Mon 1st Jan 2014 9 am", None),
            ("", None),
        ] {
            assert_eq!(parse_default_datetime(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn isoparse_short_and_ordinal_forms() {
        let dt = |y, m, day| d(y, m, day).and_time(t(0, 0, 0, 0));
        assert_eq!(isoparse(b"2020"), Some((dt(2020, 1, 1), None)));
        assert_eq!(isoparse(b"2020-03"), Some((dt(2020, 3, 1), None)));
        assert_eq!(isoparse(b"20200305"), Some((dt(2020, 3, 5), None)));
        assert_eq!(isoparse(b"2020-060"), Some((dt(2020, 2, 29), None)));
        assert_eq!(isoparse(b"2021-366"), None);
        assert_eq!(isoparse(b"2020W011"), Some((dt(2019, 12, 30), None)));
    }
}
