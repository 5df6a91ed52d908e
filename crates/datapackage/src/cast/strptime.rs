//! Custom `date`/`time`/`datetime` formats: Python's `datetime.strptime`,
//! which frictionless-py calls with the field's format.
//!
//! Python turns the format into a regular expression (case-insensitive,
//! whitespace in the format matching any run of whitespace, each directive
//! a fixed alternation such as `%m` = `1[0-2]|0[1-9]|[1-9]`), matches it at
//! the start of the cell and fails if anything is left over. We build the
//! same expression for the `regex` crate, whose leftmost-first semantics
//! pick the same match as Python's backtracking engine, then combine the
//! captured fields as `_strptime` does (C locale: English names, `%c` =
//! `%a %b %d %H:%M:%S %Y`, `%x` = `%m/%d/%y`, `%X` = `%H:%M:%S`).
//!
//! A format Python rejects (an unknown directive, a stray `%`, a directive
//! used twice) makes every cell a type error, as it does in frictionless.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use regex::Regex;

use super::iso::{make_date, make_time};
use super::number::py_int;

/// A compiled strptime format.
#[derive(Debug, Clone)]
pub(crate) struct Strptime {
    /// `None` when Python would raise for every cell.
    regex: Option<Regex>,
    /// The directive of each named group, in the order of the expression.
    directives: Vec<char>,
}

/// What a strptime match yields: a date, a time, and the `%z` offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Parsed {
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub offset: Option<i32>,
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn directive_pattern(d: char) -> Option<String> {
    let fixed = match d {
        'd' => r"3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9]",
        'f' => r"[0-9]{1,6}",
        'H' => r"2[0-3]|[0-1]\d|\d",
        'I' => r"1[0-2]|0[1-9]|[1-9]",
        'G' | 'Y' => r"\d\d\d\d",
        'j' => r"36[0-6]|3[0-5]\d|[1-2]\d\d|0[1-9]\d|00[1-9]|[1-9]\d|0[1-9]|[1-9]",
        'm' => r"1[0-2]|0[1-9]|[1-9]",
        'M' => r"[0-5]\d|\d",
        'S' => r"6[0-1]|[0-5]\d|\d",
        'U' | 'W' => r"5[0-3]|[0-4]\d|\d",
        'w' => r"[0-6]",
        'u' => r"[1-7]",
        'V' => r"5[0-3]|0[1-9]|[1-4]\d|\d",
        'y' => r"\d\d",
        'z' => r"[+-]\d\d:?[0-5]\d(?::?[0-5]\d(?:\.\d{1,6})?)?|(?-i:Z)",
        'p' => "am|pm",
        'Z' => "utc|gmt",
        'A' => return Some(names_pattern(WEEKDAYS.iter().copied())),
        'a' => return Some(names_pattern(WEEKDAYS.iter().map(|w| &w[..3]))),
        'B' => return Some(names_pattern(MONTHS.iter().copied())),
        'b' => return Some(names_pattern(MONTHS.iter().map(|m| &m[..3]))),
        _ => return None,
    };
    Some(fixed.to_string())
}

/// Longest names first, as Python orders them, so a prefix never wins.
fn names_pattern<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut names: Vec<&str> = names.collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.join("|")
}

/// Appends the expression of `format` to `out`; `None` where Python raises.
fn translate(format: &str, out: &mut String, directives: &mut Vec<char>) -> Option<()> {
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '%' {
            let d = chars.next()?;
            match d {
                '%' => out.push('%'),
                'c' => translate("%a %b %d %H:%M:%S %Y", out, directives)?,
                'x' => translate("%m/%d/%y", out, directives)?,
                'X' => translate("%H:%M:%S", out, directives)?,
                _ => {
                    let pattern = directive_pattern(d)?;
                    out.push_str(&format!("(?P<{d}>{pattern})"));
                    directives.push(d);
                }
            }
        } else if c.is_whitespace() {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            out.push_str(r"\s+");
        } else {
            out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
        }
    }
    Some(())
}

impl Strptime {
    pub(crate) fn new(format: &str) -> Strptime {
        let mut pattern = String::from(r"(?i)\A(?:");
        let mut directives = Vec::new();
        let regex = translate(format, &mut pattern, &mut directives).and_then(|()| {
            pattern.push(')');
            // A directive used twice is a duplicate group name: an error in
            // Python as here.
            Regex::new(&pattern).ok()
        });
        Strptime { regex, directives }
    }

    pub(crate) fn parse(&self, cell: &str) -> Option<Parsed> {
        let regex = self.regex.as_ref()?;
        let caps = regex.captures(cell)?;
        if caps.get(0)?.end() != cell.len() {
            return None;
        }
        let mut f = Fields::default();
        let ampm = caps.name("p").map(|m| m.as_str().to_ascii_lowercase());
        for &d in &self.directives {
            let text = caps.name(&d.to_string())?.as_str();
            f.read(d, text, ampm.as_deref())?;
        }
        f.finish()
    }
}

/// The fields `_strptime` collects before it builds the date.
#[derive(Default)]
struct Fields {
    year: Option<i64>,
    iso_year: Option<i64>,
    month: Option<i64>,
    day: Option<i64>,
    hour: i64,
    minute: i64,
    second: i64,
    micro: i64,
    offset: Option<i32>,
    iso_week: Option<i64>,
    week_of_year: Option<(i64, bool)>,
    weekday: Option<i64>,
    julian: Option<i64>,
}

fn name_index(names: &[&str], text: &str, abbreviated: bool) -> Option<i64> {
    let text = text.to_lowercase();
    names
        .iter()
        .position(|n| {
            if abbreviated {
                n[..3] == text
            } else {
                *n == text
            }
        })
        .map(|i| i as i64)
}

impl Fields {
    fn read(&mut self, d: char, text: &str, ampm: Option<&str>) -> Option<()> {
        let int = || i64::try_from(py_int(text)?).ok();
        match d {
            'y' => {
                let y = int()?;
                // POSIX: 00-68 are 2000-2068, 69-99 are 1969-1999.
                self.year = Some(if y <= 68 { y + 2000 } else { y + 1900 });
            }
            'Y' => self.year = Some(int()?),
            'G' => self.iso_year = Some(int()?),
            'm' => self.month = Some(int()?),
            'B' => self.month = Some(name_index(&MONTHS, text, false)? + 1),
            'b' => self.month = Some(name_index(&MONTHS, text, true)? + 1),
            'd' => self.day = Some(int()?),
            'H' => self.hour = int()?,
            'I' => {
                let mut hour = int()?;
                match ampm {
                    Some("pm") => {
                        if hour != 12 {
                            hour += 12;
                        }
                    }
                    // No indicator reads as AM: 12 is midnight.
                    _ => {
                        if hour == 12 {
                            hour = 0;
                        }
                    }
                }
                self.hour = hour;
            }
            'M' => self.minute = int()?,
            'S' => self.second = int()?,
            'f' => {
                let padded = format!("{text:0<6}");
                self.micro = padded.parse().ok()?;
            }
            'A' => self.weekday = Some(name_index(&WEEKDAYS, text, false)?),
            'a' => self.weekday = Some(name_index(&WEEKDAYS, text, true)?),
            'w' => {
                let w = int()?;
                self.weekday = Some(if w == 0 { 6 } else { w - 1 });
            }
            'u' => self.weekday = Some(int()? - 1),
            'j' => self.julian = Some(int()?),
            'U' => self.week_of_year = Some((int()?, false)),
            'W' => self.week_of_year = Some((int()?, true)),
            'V' => self.iso_week = Some(int()?),
            'z' => self.offset = Some(parse_z(text)?),
            // `%Z` (utc, gmt) and `%p` set nothing by themselves.
            _ => {}
        }
        Some(())
    }

    fn finish(self) -> Option<Parsed> {
        let mut julian = self.julian;
        if self.year.is_none() && self.iso_year.is_some() {
            if self.iso_week.is_none() || self.weekday.is_none() || julian.is_some() {
                return None;
            }
        } else if self.week_of_year.is_none() && self.iso_week.is_some() {
            return None;
        }
        // Python uses 1904 for a lone 29 February, then puts 1900 back,
        // which has no such day: the result is an error either way.
        let mut y = self.year.unwrap_or(1900);
        let month = self.month.unwrap_or(1);
        let day = self.day.unwrap_or(1);
        if julian.is_none() {
            if let Some(weekday) = self.weekday {
                if let Some((week, starts_monday)) = self.week_of_year {
                    julian = Some(julian_from_week(y, week, weekday, starts_monday)?);
                } else if let (Some(iso_year), Some(iso_week)) = (self.iso_year, self.iso_week) {
                    let (iy, j) = julian_from_iso(iso_year, iso_week, weekday + 1)?;
                    y = iy;
                    julian = Some(j);
                }
                if let Some(j) = julian.filter(|j| *j <= 0) {
                    y -= 1;
                    let days = if make_date(y, 1, 1)?.leap_year() {
                        366
                    } else {
                        365
                    };
                    julian = Some(j + days);
                }
            }
        }
        let date = match julian {
            None => make_date(y, month, day)?,
            Some(j) => {
                let d = make_date(y, 1, 1)?.checked_add_signed(Duration::days(j - 1))?;
                make_date(
                    i64::from(d.year()),
                    i64::from(d.month()),
                    i64::from(d.day()),
                )?
            }
        };
        let time = make_time(self.hour, self.minute, self.second, self.micro)?;
        Some(Parsed {
            date,
            time,
            offset: self.offset,
        })
    }
}

fn julian_from_week(year: i64, week: i64, weekday: i64, starts_monday: bool) -> Option<i64> {
    let mut first = i64::from(make_date(year, 1, 1)?.weekday().num_days_from_monday());
    let mut weekday = weekday;
    if !starts_monday {
        first = (first + 1) % 7;
        weekday = (weekday + 1) % 7;
    }
    let week0 = (7 - first) % 7;
    Some(if week == 0 {
        1 + weekday - first
    } else {
        1 + week0 + 7 * (week - 1) + weekday
    })
}

fn julian_from_iso(iso_year: i64, iso_week: i64, iso_weekday: i64) -> Option<(i64, i64)> {
    let jan4 = make_date(iso_year, 1, 4)?;
    let correction = i64::from(jan4.weekday().number_from_monday()) + 3;
    let ordinal = iso_week * 7 + iso_weekday - correction;
    if ordinal < 1 {
        let this = make_date(iso_year, 1, 1)?;
        let prev = make_date(iso_year - 1, 1, 1)?;
        return Some((iso_year - 1, ordinal + (this - prev).num_days()));
    }
    Some((iso_year, ordinal))
}

/// `%z`: `Z`, `±HHMM[SS[.ffffff]]`, `±HH:MM[:SS[.ffffff]]`.
fn parse_z(text: &str) -> Option<i32> {
    if text == "Z" {
        return Some(0);
    }
    let mut z: Vec<char> = text.chars().collect();
    if z.get(3) == Some(&':') {
        z.remove(3);
        if z.len() > 5 {
            if z[5] != ':' {
                return None;
            }
            z.remove(5);
        }
    }
    let part =
        |a: usize, b: usize| -> String { z.iter().skip(a).take(b.saturating_sub(a)).collect() };
    let hours = py_int(&part(1, 3))?;
    let minutes = py_int(&part(3, 5))?;
    let seconds_text = part(5, 7);
    let seconds = if seconds_text.is_empty() {
        0
    } else {
        py_int(&seconds_text)?
    };
    let total = hours * 3600 + minutes * 60 + seconds;
    // Python's `timezone` takes offsets strictly within a day.
    if total >= 86_400 {
        return None;
    }
    let total = i32::try_from(total).ok()?;
    Some(if z[0] == '-' { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(format: &str, cell: &str) -> Option<(String, Option<i32>)> {
        let p = Strptime::new(format).parse(cell)?;
        Some((
            p.date
                .and_time(p.time)
                .format("%Y-%m-%d %H:%M:%S%.f")
                .to_string(),
            p.offset,
        ))
    }

    fn ok(format: &str, cell: &str, want: &str) {
        assert_eq!(
            parse(format, cell).map(|p| p.0),
            Some(want.to_string()),
            "{format:?} {cell:?}"
        );
    }

    fn bad(format: &str, cell: &str) {
        assert_eq!(parse(format, cell), None, "{format:?} {cell:?}");
    }

    // Each case was run through Python 3.11 `datetime.strptime`.
    #[test]
    fn matches_python_strptime() {
        ok("%d/%m/%Y", "1/2/2020", "2020-02-01 00:00:00");
        bad("%d/%m/%Y", "01/02/20");
        ok("%d/%m/%y", "21/11/06", "2006-11-21 00:00:00");
        ok("%Y%m%d", "2020112", "2020-11-02 00:00:00");
        ok("%Y%m%d", "202011", "2020-01-01 00:00:00");
        bad("%H:%M", "24:00");
        ok("%H:%M", "06:00", "1900-01-01 06:00:00");
        bad("%M:%H", "06:50");
        bad("%H:%M", "3:00 am");
        bad("%m-%d", "02-29");
        ok(
            "%Y-%m-%d %H:%M",
            "2020-01-02   10:00",
            "2020-01-02 10:00:00",
        );
        bad("%Y-%m-%d %H:%M", "2020-01-0210:00");
        ok("%b %d %Y", "JAN 02 2020", "2020-01-02 00:00:00");
        ok("%B %d %Y", "january 02 2020", "2020-01-02 00:00:00");
        ok("%Y-%m-%dt", "2020-01-02T", "2020-01-02 00:00:00");
        ok("%I %p", "12 AM", "1900-01-01 00:00:00");
        ok("%I %p", "1 pm", "1900-01-01 13:00:00");
        ok("%j %Y", "366 2020", "2020-12-31 00:00:00");
        ok("%j %Y", "366 2021", "2022-01-01 00:00:00");
        ok("%c", "Thu Jan  2 10:00:00 2020", "2020-01-02 10:00:00");
        ok("%x", "01/02/20", "2020-01-02 00:00:00");
        ok("%y", "69", "1969-01-01 00:00:00");
        ok("%y", "68", "2068-01-01 00:00:00");
        bad("%S", "61");
        bad("%f", "1234567");
        ok("%f", "5", "1900-01-01 00:00:00.500");
        ok("%Z", "UTC", "1900-01-01 00:00:00");
        bad("%Z", "EST");
        bad("%", "x");
        bad("%Q", "x");
        bad("%d", "٣");
        ok("%Y", "٢٠٢٠", "2020-01-01 00:00:00");
        ok("%G-%V-%u", "2020-01-1", "2019-12-30 00:00:00");
        ok("%U %w %Y", "01 0 2020", "2020-01-05 00:00:00");
        ok("%W %a %Y", "05 mon 2020", "2020-02-03 00:00:00");
        ok("%Y-%m-%d\n", "2020-01-02 ", "2020-01-02 00:00:00");
        bad("%y/%m/%d", "21/11/06 16:30");
        ok("%d/%m/%y %H:%M", "21/11/06 16:30", "2006-11-21 16:30:00");
        bad("%H:%M %d/%m/%y", "21/11/06 16:30");
        bad("%d/%m/%y", "");
        bad("%Y %Y", "2020 2020");
        bad("%V", "01");
        // A format without directives only matches itself (the date is then
        // 1900-01-01, as in Python).
        ok("invalid", "invalid", "1900-01-01 00:00:00");
        ok("invalid", "INVALID", "1900-01-01 00:00:00");
        bad("invalid", "21/11/06 16:30");
    }

    #[test]
    fn offsets() {
        assert_eq!(parse("%z", "Z").unwrap().1, Some(0));
        bad("%z", "z");
        assert_eq!(parse("%z", "+0130").unwrap().1, Some(5400));
        assert_eq!(parse("%z", "-01:30").unwrap().1, Some(-5400));
        assert_eq!(parse("%z", "+01:30:15.5").unwrap().1, Some(5415));
        bad("%z", "+01:3015");
        bad("%z", "+99:00");
        assert_eq!(
            parse("%Y-%m-%dT%H:%M:%S%z", "2020-01-02T10:00:00+01:00"),
            Some(("2020-01-02 10:00:00".into(), Some(3600)))
        );
    }
}
