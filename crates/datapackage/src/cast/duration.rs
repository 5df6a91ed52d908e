//! `duration`, `year` and `yearmonth` cells.

use chrono::{Datelike, Duration, NaiveDate};

use super::iso::make_date;
use super::number::py_int;

/// Python's `timedelta` holds at most 999999999 days.
const MAX_MICROS: f64 = 999_999_999.0 * 86_400_000_000.0 + 86_399_999_999.0;

/// An ISO 8601 duration as isodate reads it: `[+-]P[nY][nM][nW][nD][T[nH][nM][nS]]`
/// (any component may have a `.` or `,` fraction), or the alternative
/// `PYYYY-MM-DDThh:mm:ss` / `PYYYYMMDDThhmmss` form. Returns `(months,
/// microseconds)`.
pub(crate) fn cast_duration(cell: &str) -> Option<(f64, i128)> {
    // isodate's pattern ends with `$`, which also matches before a final
    // newline.
    let s = cell.strip_suffix('\n').unwrap_or(cell);
    let b = s.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    if b.get(i) != Some(&b'P') {
        return None;
    }
    i += 1;
    // `P(?!\b)`: something must follow the `P`.
    if i >= b.len() {
        return None;
    }
    match designated(&b[i..]) {
        Some((months, micros)) => {
            let (months, micros) = if negative {
                (-months, -micros)
            } else {
                (months, micros)
            };
            Some((months, micros))
        }
        None if i == 1 => alternative(&b[1..]),
        None => None,
    }
}

/// `nYnMnWnD` then `T` and `nHnMnS`, each optional and in this order.
fn designated(b: &[u8]) -> Option<(f64, i128)> {
    // Microseconds in a week, day, hour, minute, second.
    const UNITS: [i128; 5] = [
        604_800_000_000,
        86_400_000_000,
        3_600_000_000,
        60_000_000,
        1_000_000,
    ];
    let mut i = 0;
    let mut months = 0.0;
    let mut whole: i128 = 0;
    let mut fraction = 0.0f64;
    let mut next = 0;
    let mut in_time = false;
    while i < b.len() {
        if b[i] == b'T' && !in_time {
            in_time = true;
            next = next.max(4);
            i += 1;
            continue;
        }
        let (int, frac, used) = number(&b[i..])?;
        i += used;
        let designator = *b.get(i)?;
        i += 1;
        let slot = match (in_time, designator) {
            (false, b'Y') => 0,
            (false, b'M') => 1,
            (false, b'W') => 2,
            (false, b'D') => 3,
            (true, b'H') => 4,
            (true, b'M') => 5,
            (true, b'S') => 6,
            _ => return None,
        };
        if slot < next {
            return None;
        }
        next = slot + 1;
        match slot {
            0 => months += (int as f64 + frac) * 12.0,
            1 => months += int as f64 + frac,
            _ => {
                let unit = UNITS[slot - 2];
                whole = whole.checked_add(int.checked_mul(unit)?)?;
                fraction += frac * unit as f64;
            }
        }
    }
    // Python's `timedelta` rounds the fractions to the microsecond.
    let micros = whole.checked_add(fraction.round_ties_even() as i128)?;
    if micros.abs() as f64 > MAX_MICROS {
        return None;
    }
    Some((months, micros))
}

/// `[0-9]+([,.][0-9]+)?`: the whole part, the fraction, the length.
fn number(b: &[u8]) -> Option<(i128, f64, usize)> {
    let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if int_len == 0 {
        return None;
    }
    let int: i128 = std::str::from_utf8(&b[..int_len]).ok()?.parse().ok()?;
    if matches!(b.get(int_len), Some(b'.' | b',')) {
        let frac_len = b[int_len + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if frac_len > 0 {
            let digits = std::str::from_utf8(&b[int_len + 1..int_len + 1 + frac_len]).ok()?;
            let frac: f64 = format!("0.{digits}").parse().ok()?;
            return Some((int, frac, int_len + 1 + frac_len));
        }
    }
    Some((int, 0.0, int_len))
}

/// isodate's fallback, `P` + an ISO datetime read as years, months, days,
/// hours, ...: `PYYYY-MM-DDThh:mm:ss`, `PYYYYMMDDThhmmss`, and the other
/// forms of isodate's `parse_date` and `parse_time` (week and ordinal
/// dates, reduced times with a decimal fraction, an offset that is read and
/// ignored).
fn alternative(b: &[u8]) -> Option<(f64, i128)> {
    let t = b.iter().position(|c| *c == b'T')?;
    let (date, time) = (&b[..t], &b[t + 1..]);
    if time.contains(&b'T') {
        return None;
    }
    let date = alternative_date(date)?;
    let (year, month, day) = (
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    );
    let time_micros = alternative_time(time)?;
    let micros = i128::from(day) * 86_400_000_000 + time_micros;
    Some(((year * 12 + month) as f64, micros))
}

fn all_digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// isodate's `parse_date` with four-digit years and no sign.
fn alternative_date(b: &[u8]) -> Option<NaiveDate> {
    let year = || all_digits(b.get(..4)?);
    let jan1 = |y: i64| make_date(y, 1, 1);
    let week_date = |y: i64, week: i64, day: i64| {
        let jan1 = jan1(y)?;
        let iso = jan1.iso_week();
        let weeks = week - i64::from(iso.week() == 1);
        let days = day - i64::from(jan1.weekday().number_from_monday());
        jan1.checked_add_signed(Duration::weeks(weeks) + Duration::days(days))
    };
    // Month and day `00` read as 1 (isodate's `int(x) or default`).
    let ymd = |y: i64, m: i64, d: i64| {
        make_date(y, if m == 0 { 1 } else { m }, if d == 0 { 1 } else { d })
    };
    // isodate's patterns, in its order; `#` is a digit.
    let shape: String = b
        .iter()
        .map(|&c| if c.is_ascii_digit() { '#' } else { c as char })
        .collect();
    let digits = |r: std::ops::Range<usize>| all_digits(&b[r]);
    match shape.as_str() {
        "####-##-##" => ymd(year()?, digits(5..7)?, digits(8..10)?),
        "########" => ymd(year()?, digits(4..6)?, digits(6..8)?),
        "####-W##-#" => week_date(year()?, digits(6..8)?, digits(9..10)?),
        "####W###" => week_date(year()?, digits(5..7)?, digits(7..8)?),
        // Ordinal dates are not checked against the year's length.
        "####-###" => jan1(year()?)?.checked_add_signed(Duration::days(digits(5..8)? - 1)),
        "#######" => jan1(year()?)?.checked_add_signed(Duration::days(digits(4..7)? - 1)),
        "####-W##" => week_date(year()?, digits(6..8)?, 1),
        "####W##" => week_date(year()?, digits(5..7)?, 1),
        "####-##" => ymd(year()?, digits(5..7)?, 1),
        "######" => ymd(year()?, digits(4..6)?, 1),
        "####" => jan1(year()?),
        "##" => jan1((digits(0..2)? - 1) * 100 + 1),
        _ => None,
    }
    .filter(|d| (1..=9999).contains(&d.year()))
}

/// isodate's `parse_time`: `hh:mm:ss`, `hhmmss`, `hh:mm`, `hhmm`, `hh`,
/// the last part with an optional `.`/`,` fraction, then an optional
/// offset; as microseconds since midnight.
fn alternative_time(b: &[u8]) -> Option<i128> {
    // Strip the offset: `Z`, `±hh`, `±hhmm`, `±hh:mm`.
    let body = if let Some(rest) = b.strip_suffix(b"Z") {
        rest
    } else {
        let sign = b.iter().rposition(|c| matches!(c, b'+' | b'-'));
        match sign {
            Some(i) => {
                let tz = &b[i + 1..];
                let ok = match tz.len() {
                    2 | 4 => tz.iter().all(u8::is_ascii_digit),
                    5 => {
                        tz[2] == b':'
                            && all_digits(&tz[..2]).is_some()
                            && all_digits(&tz[3..]).is_some()
                    }
                    _ => false,
                };
                if !ok {
                    return None;
                }
                &b[..i]
            }
            None => b,
        }
    };
    let (main, frac) = match body.iter().position(|c| matches!(c, b'.' | b',')) {
        Some(i) => {
            let f = &body[i + 1..];
            all_digits(f)?;
            let value: f64 = format!("0.{}", std::str::from_utf8(f).ok()?).parse().ok()?;
            (&body[..i], value)
        }
        None => (body, 0.0),
    };
    let two = |i: usize| all_digits(main.get(i..i + 2)?);
    let (h, m, s, unit) = match (main.len(), main.get(2), main.get(5)) {
        (8, Some(b':'), Some(b':')) => (two(0)?, two(3)?, two(6)?, 1_000_000.0),
        (6, _, _) => (two(0)?, two(2)?, two(4)?, 1_000_000.0),
        (5, Some(b':'), _) => (two(0)?, two(3)?, 0, 60_000_000.0),
        (4, _, _) => (two(0)?, two(2)?, 0, 60_000_000.0),
        (2, _, _) => (two(0)?, 0, 0, 3_600_000_000.0),
        _ => return None,
    };
    let extra = (frac * unit).floor() as i128;
    let micros = i128::from((h * 60 + m) * 60 + s) * 1_000_000 + extra;
    // The result must be a valid time of day.
    (h < 24 && m < 60 && s < 60 && micros < 86_400_000_000).then_some(micros)
}

/// `year`: exactly four characters that Python's `int()` reads, 0 to 9999.
pub(crate) fn cast_year(cell: &str) -> Option<i32> {
    if let [a, b, c, d] = cell.as_bytes() {
        if [a, b, c, d].iter().all(|x| x.is_ascii_digit()) {
            return Some(
                [a, b, c, d]
                    .iter()
                    .fold(0, |v, x| v * 10 + i32::from(**x - b'0')),
            );
        }
    }
    if cell.chars().count() != 4 {
        return None;
    }
    let y = py_int(cell)?;
    (0..=9999).contains(&y).then_some(y as i32)
}

/// `yearmonth`: `year-month`, each read with Python's `int()`, month 1-12.
pub(crate) fn cast_yearmonth(cell: &str) -> Option<(i32, u32)> {
    let (y, m) = cell.split_once('-')?;
    if m.contains('-') {
        return None;
    }
    let y = i32::try_from(py_int(y)?).ok()?;
    let m = py_int(m)?;
    (1..=12).contains(&m).then_some((y, m as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i128 = 86_400_000_000;
    const HOUR: i128 = 3_600_000_000;

    // Verified with frictionless-py 5.21 (isodate 0.7.2).
    #[test]
    fn durations() {
        for (cell, want) in [
            ("P1Y", Some((12.0, 0))),
            ("P1M", Some((1.0, 0))),
            ("PT1S", Some((0.0, 1_000_000))),
            (
                "P1Y10M3DT5H11M7S",
                Some((22.0, 3 * DAY + 5 * HOUR + 11 * 60_000_000 + 7_000_000)),
            ),
            ("PT", Some((0.0, 0))),
            ("P1YT", Some((12.0, 0))),
            ("P1.5Y", Some((18.0, 0))),
            ("P1,5M", Some((1.5, 0))),
            ("PT1.5S", Some((0.0, 1_500_000))),
            ("-P1D", Some((0.0, -DAY))),
            ("+P1D", Some((0.0, DAY))),
            ("P1W", Some((0.0, 7 * DAY))),
            ("P1Y\n", Some((12.0, 0))),
            ("PT0.0000001S", Some((0.0, 0))),
            ("PT36H", Some((0.0, 36 * HOUR))),
            ("P999999999D", Some((0.0, 999_999_999 * DAY))),
            (
                "P0001-02-03T04:05:06",
                Some((14.0, 3 * DAY + 4 * HOUR + 5 * 60_000_000 + 6_000_000)),
            ),
            (
                "P00010203T040506",
                Some((14.0, 3 * DAY + 4 * HOUR + 5 * 60_000_000 + 6_000_000)),
            ),
            (
                "P0001-02-03T04:05",
                Some((14.0, 3 * DAY + 4 * HOUR + 5 * 60_000_000)),
            ),
            ("P0001-02-03T04", Some((14.0, 3 * DAY + 4 * HOUR))),
            (
                "P0001-02-03T04:05-06",
                Some((14.0, 3 * DAY + 4 * HOUR + 5 * 60_000_000)),
            ),
            (
                "P0001-02T04:05:06",
                Some((14.0, DAY + 4 * HOUR + 5 * 60_000_000 + 6_000_000)),
            ),
            (
                "P2020-W01-1T04:05:06",
                Some((
                    2019.0 * 12.0 + 12.0,
                    30 * DAY + 4 * HOUR + 5 * 60_000_000 + 6_000_000,
                )),
            ),
            ("P0001-02-03T24:00:00", None),
            ("P0001-02-03", None),
            ("P0000-02-03T04:05:06", None),
            ("P0001-13-03T04:05:06", None),
            ("P0001-02-03t04:05:06", None),
            ("P0001-02-03T04:05:60", None),
            ("P1000000000D", None),
            ("P", None),
            ("p1y", None),
            ("P1D2H", None),
            ("P1M1Y", None),
            ("P-1Y", None),
            ("year", None),
            ("", None),
        ] {
            assert_eq!(cast_duration(cell), want, "{cell:?}");
        }
    }

    // Verified with frictionless-py 5.21.
    #[test]
    fn years() {
        for (cell, want) in [
            ("2000", Some(2000)),
            (" 200", Some(200)),
            ("+200", Some(200)),
            ("0000", Some(0)),
            ("1_00", Some(100)),
            ("٢٠٠٠", Some(2000)),
            ("-200", None),
            ("20000", None),
            ("200", None),
            (" 2000", None),
            ("3.14", None),
            ("", None),
        ] {
            assert_eq!(cast_year(cell), want, "{cell:?}");
        }
    }

    // Verified with frictionless-py 5.21.
    #[test]
    fn yearmonths() {
        for (cell, want) in [
            ("2000-01", Some((2000, 1))),
            ("2000-10", Some((2000, 10))),
            ("2000-1", Some((2000, 1))),
            (" 2000-01", Some((2000, 1))),
            ("2000- 1", Some((2000, 1))),
            ("+2000-1", Some((2000, 1))),
            ("0-1", Some((0, 1))),
            ("99999-12", Some((99999, 12))),
            ("2000-1_2", Some((2000, 12))),
            ("2000 - 01", Some((2000, 1))),
            ("2000-01-01", None),
            ("2000-13-20", None),
            ("2000-13", None),
            ("2000-0", None),
            ("2000", None),
            ("13", None),
            ("-2000-01", None),
            ("3.14", None),
        ] {
            assert_eq!(cast_yearmonth(cell), want, "{cell:?}");
        }
    }
}
