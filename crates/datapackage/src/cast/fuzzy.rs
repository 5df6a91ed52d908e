//! The `any` format of `date`, `time` and `datetime`: the cell is read the
//! way dateutil's `parser.parse` (which frictionless-py calls) reads free
//! text: `2 Jan 2020`, `Jan 2, 2020`, `02/01/2020` (month first unless the
//! first number cannot be a month), `20200102`, `10th Jan 1969 9 am`,
//! `Thu, 02 Jan 2020 10:20:30 GMT`, `2020-01-02T10:20:30+01:00`, ...
//!
//! Parts the cell leaves out come from `today` at midnight, as in dateutil
//! (so `Jan 2020` is a valid date). Two-digit years are placed within 50
//! years of today. Named zones other than UTC/GMT/Z are accepted and
//! ignored, as dateutil does without `tzinfos`.
//!
//! Deviation: dateutil treats the machine's own zone names (`time.tzname`)
//! as the local zone; we do not look at the machine's zone.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::iso::{make_date, make_time};
use super::number::{py_decimal, py_int};
use super::timelex::{is_num, split};

/// Reads free text as dateutil does, filling gaps from `today`.
pub(crate) fn parse_any(cell: &str, today: NaiveDate) -> Option<(NaiveDateTime, Option<i32>)> {
    let mut tokens = split(cell);
    let res = Parser::default().run(&mut tokens, today.year())?;
    res.build(today)
}

const JUMP: [&str; 18] = [
    " ", ".", ",", ";", "-", "/", "'", "at", "on", "and", "ad", "m", "t", "of", "st", "nd", "rd",
    "th",
];

fn jump(t: &str) -> bool {
    JUMP.iter().any(|j| t.eq_ignore_ascii_case(j))
}

fn weekday(t: &str) -> Option<u32> {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let t = t.to_lowercase();
    DAYS.iter()
        .position(|d| *d == t || d[..3] == t)
        .map(|i| i as u32)
}

fn month(t: &str) -> Option<i64> {
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
    let t = t.to_lowercase();
    if t == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == t || m[..3] == t)
        .map(|i| i as i64 + 1)
}

fn hms(t: &str) -> Option<u8> {
    match t.to_lowercase().as_str() {
        "h" | "hour" | "hours" => Some(0),
        "m" | "minute" | "minutes" => Some(1),
        "s" | "second" | "seconds" => Some(2),
        _ => None,
    }
}

fn ampm(t: &str) -> Option<u8> {
    match t.to_lowercase().as_str() {
        "am" | "a" => Some(0),
        "pm" | "p" => Some(1),
        _ => None,
    }
}

fn utc_zone(t: &str) -> bool {
    matches!(t.to_lowercase().as_str(), "utc" | "gmt" | "z")
}

fn is_digits(t: &str) -> bool {
    !t.is_empty() && t.chars().all(is_num)
}

/// A finite decimal token (dateutil's `_to_decimal`).
fn decimal(t: &str) -> Option<f64> {
    py_decimal(t).filter(|v| v.is_finite())
}

/// Python's `int()` of a token.
fn int(t: &str) -> Option<i64> {
    i64::try_from(py_int(t)?).ok()
}

/// `int()` of a decimal value: truncation toward zero.
fn trunc(v: f64) -> Option<i64> {
    let t = v.trunc();
    (t.abs() < 9.0e15).then_some(t as i64)
}

/// Seconds and microseconds from `S[.F]` text.
fn parse_ms(t: &str) -> Option<(i64, i64)> {
    match t.split_once('.') {
        None => Some((int(t)?, 0)),
        Some((i, f)) => {
            if f.contains('.') {
                return None;
            }
            let f: String = format!("{f:0<6}").chars().take(6).collect();
            Some((int(i)?, int(&f)?))
        }
    }
}

/// Minutes (and seconds from a fraction of them).
fn parse_min_sec(v: f64) -> Option<(i64, Option<i64>)> {
    let minute = trunc(v)?;
    let rem = v - v.trunc();
    let second = (rem != 0.0).then_some((60.0 * rem) as i64);
    Some((minute, second))
}

#[derive(Default, Debug)]
struct Ymd {
    values: Vec<i64>,
    century_specified: bool,
    year_at: Option<usize>,
    month_at: Option<usize>,
    day_at: Option<usize>,
}

#[derive(Clone, Copy, PartialEq)]
enum Label {
    Year,
    Month,
}

impl Ymd {
    /// Appends a number given as text; more than two digits make it a year.
    fn push_text(&mut self, t: &str, label: Option<Label>) -> Option<()> {
        let mut label = label;
        if is_digits(t) && t.chars().count() > 2 {
            self.century_specified = true;
            if label == Some(Label::Month) {
                return None;
            }
            label = Some(Label::Year);
        }
        self.push(int(t)?, label)
    }

    /// Appends a number; above 100 it is a year.
    fn push_value(&mut self, v: f64, label: Option<Label>) -> Option<()> {
        let mut label = label;
        if v > 100.0 {
            self.century_specified = true;
            if label == Some(Label::Month) {
                return None;
            }
            label = Some(Label::Year);
        }
        self.push(trunc(v)?, label)
    }

    fn push(&mut self, v: i64, label: Option<Label>) -> Option<()> {
        self.values.push(v);
        let at = self.values.len() - 1;
        // A second month or year is an error.
        let taken = match label {
            Some(Label::Month) => self.month_at.replace(at).is_some(),
            Some(Label::Year) => self.year_at.replace(at).is_some(),
            None => false,
        };
        (!taken).then_some(())
    }

    fn could_be_day(&self, v: f64) -> bool {
        if self.day_at.is_some() {
            return false;
        }
        let Some(m) = self.month_at else {
            return (1.0..=31.0).contains(&v);
        };
        let month = self.values[m];
        let year = self.year_at.map_or(2000, |y| self.values[y]);
        let last = days_in_month(year, month).unwrap_or(31);
        1.0 <= v && v <= last as f64
    }

    /// dateutil's `resolve_ymd` with `dayfirst` and `yearfirst` off.
    fn resolve(&self) -> Option<(Option<i64>, Option<i64>, Option<i64>)> {
        let v = &self.values;
        let known = [self.year_at, self.month_at, self.day_at];
        let n_known = known.iter().flatten().count();
        if (v.len() == n_known && n_known > 0) || (v.len() == 3 && n_known == 2) {
            let mut at = known;
            if v.len() == 3 && n_known == 2 {
                let missing = (0..3).find(|i| !known.contains(&Some(*i)))?;
                if let Some(slot) = at.iter_mut().find(|s| s.is_none()) {
                    *slot = Some(missing);
                }
            }
            let get = |i: Option<usize>| i.map(|i| v[i]);
            return Some((get(at[0]), get(at[1]), get(at[2])));
        }
        let (mut year, mut month, mut day) = (None, None, None);
        match v.len() {
            0 => {}
            n if n > 3 => return None,
            1 => {
                if let Some(m) = self.month_at {
                    month = Some(v[m]);
                } else if v[0] > 31 {
                    year = Some(v[0]);
                } else {
                    day = Some(v[0]);
                }
            }
            2 if self.month_at.is_some() => {
                let m = self.month_at.unwrap_or(0);
                month = Some(v[m]);
                let other = v[1 - m];
                if other > 31 {
                    year = Some(other);
                } else {
                    day = Some(other);
                }
            }
            2 => {
                if v[0] > 31 {
                    (year, month) = (Some(v[0]), Some(v[1]));
                } else if v[1] > 31 {
                    (month, year) = (Some(v[0]), Some(v[1]));
                } else {
                    (month, day) = (Some(v[0]), Some(v[1]));
                }
            }
            _ => {
                let (a, b, c) = (v[0], v[1], v[2]);
                let (y, m, d) = match self.month_at {
                    Some(0) => {
                        if b > 31 {
                            (b, a, c)
                        } else {
                            (c, a, b)
                        }
                    }
                    Some(1) => {
                        if a > 31 {
                            (a, b, c)
                        } else {
                            (c, b, a)
                        }
                    }
                    Some(_) => {
                        if b > 31 {
                            (b, c, a)
                        } else {
                            (a, c, b)
                        }
                    }
                    None => {
                        if a > 31 || self.year_at == Some(0) {
                            (a, b, c)
                        } else if a > 12 {
                            (c, b, a)
                        } else {
                            (c, a, b)
                        }
                    }
                };
                (year, month, day) = (Some(y), Some(m), Some(d));
            }
        }
        Some((year, month, day))
    }
}

fn days_in_month(year: i64, month: i64) -> Option<i64> {
    // Any year works for the length of a month; keep chrono in range.
    let y = i32::try_from(year.rem_euclid(400) + 2000).ok()?;
    let m = u32::try_from(month).ok()?;
    let first = NaiveDate::from_ymd_opt(y, m, 1)?;
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)?
    };
    Some((next - first).num_days())
}

#[derive(Default, Debug)]
struct Parser {
    ymd: Ymd,
    weekday: Option<u32>,
    hour: Option<i64>,
    minute: Option<i64>,
    second: Option<i64>,
    micro: Option<i64>,
    ampm: Option<u8>,
    tzname: Option<String>,
    tzoffset: Option<i64>,
}

/// What the tokens said, before the gaps are filled.
struct Parsed {
    year: Option<i64>,
    month: Option<i64>,
    day: Option<i64>,
    weekday: Option<u32>,
    hour: Option<i64>,
    minute: Option<i64>,
    second: Option<i64>,
    micro: Option<i64>,
    offset: Option<i64>,
}

/// `s[a:b]` in characters, as Python slices.
fn cut(s: &str, a: usize, b: usize) -> String {
    s.chars().skip(a).take(b.saturating_sub(a)).collect()
}

fn tok(tokens: &[String], i: usize) -> Option<&str> {
    tokens.get(i).map(String::as_str)
}

impl Parser {
    fn could_be_tzname(&self, t: &str, check_offset: bool) -> bool {
        self.hour.is_some()
            && self.tzname.is_none()
            && (!check_offset || self.tzoffset.is_none())
            && t.chars().count() <= 5
            && (t.chars().all(|c| c.is_ascii_uppercase()) || matches!(t, "UTC" | "GMT" | "Z" | "z"))
    }

    fn run(mut self, l: &mut [String], this_year: i32) -> Option<Parsed> {
        let len = l.len();
        let mut i = 0;
        while i < len {
            let t = l[i].clone();
            let lower = t.to_lowercase();
            if is_digits(&t) || decimal(&t).is_some() || t.chars().next().is_some_and(is_num) {
                i = self.numeric(l, i)?;
            } else if matches!(lower.as_str(), "nan" | "inf" | "infinity") {
                // Python's `float()` takes these; dateutil then fails on them.
                return None;
            } else if let Some(w) = weekday(&t) {
                self.weekday = Some(w);
            } else if let Some(m) = month(&t) {
                self.ymd.push(m, Some(Label::Month))?;
                if i + 1 < len {
                    let next = l[i + 1].as_str();
                    if next == "-" || next == "/" {
                        let sep = next.to_string();
                        self.ymd.push_text(tok(l, i + 2)?, None)?;
                        if i + 3 < len && l[i + 3] == sep {
                            self.ymd.push_text(tok(l, i + 4)?, None)?;
                            i += 2;
                        }
                        i += 2;
                    } else if i + 4 < len
                        && l[i + 1] == " "
                        && l[i + 3] == " "
                        && l[i + 2].eq_ignore_ascii_case("of")
                    {
                        // `Jan of 01`: the number is a year.
                        if is_digits(&l[i + 4]) {
                            let y = convert_year(int(&l[i + 4])?, false, this_year);
                            self.ymd.push_text(&y.to_string(), Some(Label::Year))?;
                        }
                        i += 4;
                    }
                }
            } else if let Some(a) = ampm(&t) {
                let hour = self.hour?;
                if !(0..=12).contains(&hour) {
                    return None;
                }
                self.hour = Some(adjust_ampm(hour, a));
                self.ampm = Some(a);
            } else if self.could_be_tzname(&t, true) {
                self.tzoffset = if matches!(t.as_str(), "z") {
                    Some(0)
                } else {
                    None
                };
                self.tzname = Some(t.clone());
                if i + 1 < len && (l[i + 1] == "+" || l[i + 1] == "-") {
                    // `GMT+3` means "my time +3 is GMT".
                    l[i + 1] = if l[i + 1] == "+" {
                        "-".into()
                    } else {
                        "+".into()
                    };
                    self.tzoffset = None;
                    if utc_zone(&t) {
                        self.tzname = None;
                    }
                }
            } else if self.hour.is_some() && (t == "+" || t == "-") {
                let sign = if t == "+" { 1 } else { -1 };
                let next = tok(l, i + 1)?.to_string();
                let n = next.chars().count();
                let (h, m) = if n == 4 {
                    (int(&cut(&next, 0, 2))?, int(&cut(&next, 2, n))?)
                } else if i + 2 < len && l[i + 2] == ":" {
                    let m = int(tok(l, i + 3)?)?;
                    i += 2;
                    (int(&next)?, m)
                } else if n <= 2 {
                    (int(&cut(&next, 0, 2))?, 0)
                } else {
                    return None;
                };
                self.tzoffset = Some(
                    h.checked_mul(3600)?
                        .checked_add(m.checked_mul(60)?)?
                        .checked_mul(sign)?,
                );
                if i + 5 < len
                    && jump(&l[i + 2])
                    && l[i + 3] == "("
                    && l[i + 5] == ")"
                    && l[i + 4].chars().count() >= 3
                    && self.could_be_tzname(&l[i + 4], false)
                {
                    self.tzname = Some(l[i + 4].clone());
                    i += 4;
                }
                i += 1;
            } else if !jump(&t) {
                return None;
            }
            i += 1;
        }
        let (year, month, day) = self.ymd.resolve()?;
        let year = match year {
            Some(y) if y < 0 => return None,
            Some(y) => Some(convert_year(y, self.ymd.century_specified, this_year)),
            None => None,
        };
        let mut offset = self.tzoffset;
        let name = self.tzname.as_deref();
        // `Z`, `UTC`, `GMT` (and a zero offset) are UTC.
        if (offset == Some(0) && name.is_none())
            || matches!(name, Some("Z" | "z"))
            || name.is_some_and(utc_zone)
        {
            offset = Some(0);
        }
        let found = [
            year,
            month,
            day,
            self.hour,
            self.minute,
            self.second,
            self.micro,
        ]
        .iter()
        .any(Option::is_some)
            || self.weekday.is_some()
            || self.ampm.is_some()
            || self.tzname.is_some()
            || self.tzoffset.is_some();
        if !found {
            // "String does not contain a date".
            return None;
        }
        Some(Parsed {
            year,
            month,
            day,
            weekday: self.weekday,
            hour: self.hour,
            minute: self.minute,
            second: self.second,
            micro: self.micro,
            offset,
        })
    }

    /// One numeric token; returns the index of the last token it used.
    fn numeric(&mut self, l: &[String], idx: usize) -> Option<usize> {
        let mut idx = idx;
        let s = l[idx].clone();
        let value = decimal(&s)?;
        let n = s.chars().count();
        let len = l.len();
        let next = tok(l, idx + 1);
        if self.ymd.values.len() == 3
            && (n == 2 || n == 4)
            && self.hour.is_none()
            && next.is_none_or(|t| t != ":" && hms(t).is_none())
        {
            // `19990101T23[59]`
            self.hour = Some(int(&cut(&s, 0, 2))?);
            if n == 4 {
                self.minute = Some(int(&cut(&s, 2, n))?);
            }
        } else if n == 6 || (n > 6 && s.chars().position(|c| c == '.') == Some(6)) {
            if self.ymd.values.is_empty() && !s.contains('.') {
                // `YYMMDD`
                self.ymd.push_text(&cut(&s, 0, 2), None)?;
                self.ymd.push_text(&cut(&s, 2, 4), None)?;
                self.ymd.push_text(&cut(&s, 4, n), None)?;
            } else {
                // `HHMMSS[.ss]`
                self.hour = Some(int(&cut(&s, 0, 2))?);
                self.minute = Some(int(&cut(&s, 2, 4))?);
                let (sec, us) = parse_ms(&cut(&s, 4, n))?;
                self.second = Some(sec);
                self.micro = Some(us);
            }
        } else if n == 8 || n == 12 || n == 14 {
            // `YYYYMMDD[HHMM[SS]]`
            self.ymd.push_text(&cut(&s, 0, 4), Some(Label::Year))?;
            self.ymd.push_text(&cut(&s, 4, 6), None)?;
            self.ymd.push_text(&cut(&s, 6, 8), None)?;
            if n > 8 {
                self.hour = Some(int(&cut(&s, 8, 10))?);
                self.minute = Some(int(&cut(&s, 10, 12))?);
                if n > 12 {
                    self.second = Some(int(&cut(&s, 12, n))?);
                }
            }
        } else if let Some(hms_idx) = find_hms_idx(idx, l) {
            // `HH h`, `MM m`, `SS[.ss] s`, or the unit of the previous one.
            let (new_idx, unit) = if hms_idx > idx {
                (hms_idx, hms(&l[hms_idx])?)
            } else {
                (idx, hms(&l[hms_idx])? + 1)
            };
            idx = new_idx;
            match unit {
                0 => {
                    self.hour = Some(trunc(value)?);
                    let rem = value - value.trunc();
                    if rem != 0.0 {
                        self.minute = Some((60.0 * rem) as i64);
                    }
                }
                1 => {
                    let (m, sec) = parse_min_sec(value)?;
                    self.minute = Some(m);
                    self.second = sec;
                }
                2 => {
                    let (sec, us) = parse_ms(&s)?;
                    self.second = Some(sec);
                    self.micro = Some(us);
                }
                _ => {}
            }
        } else if idx + 2 < len && l[idx + 1] == ":" {
            // `HH:MM[:SS[.ss]]`
            self.hour = Some(trunc(value)?);
            let (m, sec) = parse_min_sec(decimal(&l[idx + 2])?)?;
            self.minute = Some(m);
            self.second = sec;
            if idx + 4 < len && l[idx + 3] == ":" {
                let (sec, us) = parse_ms(&l[idx + 4])?;
                self.second = Some(sec);
                self.micro = Some(us);
                idx += 2;
            }
            idx += 2;
        } else if next.is_some_and(|t| t == "-" || t == "/" || t == ".") {
            // `01-01[-01]`, `01-Jan[-01]`
            let sep = l[idx + 1].clone();
            self.ymd.push_text(&s, None)?;
            if idx + 2 < len && !jump(&l[idx + 2]) {
                if is_digits(&l[idx + 2]) {
                    self.ymd.push_text(&l[idx + 2], None)?;
                } else {
                    self.ymd.push(month(&l[idx + 2])?, Some(Label::Month))?;
                }
                if idx + 3 < len && l[idx + 3] == sep {
                    let fourth = tok(l, idx + 4)?;
                    match month(fourth) {
                        Some(m) => self.ymd.push(m, Some(Label::Month))?,
                        None => self.ymd.push_text(fourth, None)?,
                    }
                    idx += 2;
                }
                idx += 1;
            }
            idx += 1;
        } else if next.is_none_or(jump) {
            if let Some(a) = tok(l, idx + 2).and_then(ampm) {
                // `12 am`
                self.hour = Some(adjust_ampm(trunc(value)?, a));
                idx += 1;
            } else {
                self.ymd.push_value(value, None)?;
            }
            idx += 1;
        } else if let Some(a) = next.and_then(ampm).filter(|_| (0.0..24.0).contains(&value)) {
            // `12am`
            self.hour = Some(adjust_ampm(trunc(value)?, a));
            idx += 1;
        } else if self.ymd.could_be_day(value) {
            self.ymd.push_value(value, None)?;
        } else {
            return None;
        }
        Some(idx)
    }
}

fn find_hms_idx(idx: usize, l: &[String]) -> Option<usize> {
    let len = l.len();
    if idx + 1 < len && hms(&l[idx + 1]).is_some() {
        Some(idx + 1)
    } else if idx + 2 < len && l[idx + 1] == " " && hms(&l[idx + 2]).is_some() {
        Some(idx + 2)
    } else if idx > 0 && hms(&l[idx - 1]).is_some() {
        Some(idx - 1)
    } else if idx > 1 && idx == len - 1 && l[idx - 1] == " " && hms(&l[idx - 2]).is_some() {
        Some(idx - 2)
    } else {
        None
    }
}

fn adjust_ampm(hour: i64, ampm: u8) -> i64 {
    if hour < 12 && ampm == 1 {
        hour + 12
    } else if hour == 12 && ampm == 0 {
        0
    } else {
        hour
    }
}

/// Two-digit years land within 50 years of the current one.
fn convert_year(year: i64, century_specified: bool, this_year: i32) -> i64 {
    let this_year = i64::from(this_year);
    if year < 100 && !century_specified {
        let mut y = year + this_year / 100 * 100;
        if y >= this_year + 50 {
            y -= 100;
        } else if y < this_year - 50 {
            y += 100;
        }
        y
    } else {
        year
    }
}

impl Parsed {
    fn build(self, today: NaiveDate) -> Option<(NaiveDateTime, Option<i32>)> {
        let year = self.year.unwrap_or(i64::from(today.year()));
        let month = self.month.unwrap_or(i64::from(today.month()));
        let mut day = self.day.unwrap_or(i64::from(today.day()));
        if self.day.is_none() {
            // Today's day may not exist in the month read: use its last day.
            if let Some(last) = days_in_month(year, month) {
                day = day.min(last);
            }
        }
        let mut date = make_date(year, month, day)?;
        let time = make_time(
            self.hour.unwrap_or(0),
            self.minute.unwrap_or(0),
            self.second.unwrap_or(0),
            self.micro.unwrap_or(0),
        )?;
        if let (Some(w), None) = (self.weekday, self.day) {
            // A weekday without a day moves to that weekday, on or after.
            let ahead = (7 + w as i64 - i64::from(date.weekday().num_days_from_monday())) % 7;
            date = date.checked_add_signed(Duration::days(ahead))?;
            make_date(i64::from(date.year()), 1, 1)?;
        }
        // dateutil does not bound offsets (`+99:00` is read).
        let offset = match self.offset {
            Some(o) => Some(i32::try_from(o).ok()?),
            None => None,
        };
        Some((date.and_time(time), offset))
    }
}

/// Only the time of day of a cell in the `any` format.
pub(crate) fn parse_any_time(cell: &str, today: NaiveDate) -> Option<(NaiveTime, Option<i32>)> {
    parse_any(cell, today).map(|(dt, o)| (dt.time(), o))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn date(cell: &str) -> Option<String> {
        parse_any(cell, today()).map(|(dt, _)| dt.date().to_string())
    }

    fn full(cell: &str) -> Option<String> {
        parse_any(cell, today()).map(|(dt, o)| format!("{dt} {o:?}"))
    }

    // Each case was run through frictionless-py 5.21 with format "any" on
    // 2026-11-23 (dateutil fills missing parts from today).
    #[test]
    fn dates_like_dateutil() {
        for (cell, want) in [
            ("2020-01-02", Some("2020-01-02")),
            ("2019-01-01", Some("2019-01-01")),
            ("02/01/2020", Some("2020-02-01")),
            ("13/01/2020", Some("2020-01-13")),
            ("2 Jan 2020", Some("2020-01-02")),
            ("Jan 2, 2020", Some("2020-01-02")),
            ("January 2 2020", Some("2020-01-02")),
            ("2-Jan-2020", Some("2020-01-02")),
            ("Thu, 02 Jan 2020", Some("2020-01-02")),
            ("Thu, 02 Jan 2020 10:20:30 GMT", Some("2020-01-02")),
            ("2020/01/02", Some("2020-01-02")),
            ("02.01.2020", Some("2020-02-01")),
            ("20200102", Some("2020-01-02")),
            ("2020", Some("2020-11-23")),
            ("Jan 2020", Some("2020-01-23")),
            ("Jan", Some("2026-01-23")),
            ("10:30", Some("2026-11-23")),
            ("10th Jan 1969", Some("1969-01-10")),
            ("1/2/20", Some("2020-01-02")),
            ("01-02-03", Some("2003-01-02")),
            ("2020-01-02 10:20:30+01:00", Some("2020-01-02")),
            ("2020-01-02T10:20:30Z", Some("2020-01-02")),
            ("10 am", Some("2026-11-23")),
            ("3pm", Some("2026-11-23")),
            ("1st of January 2020", Some("2020-01-01")),
            ("2020-01-02 10:20:30 PST", Some("2020-01-02")),
            ("2020-01-02 10:20:30 UTC", Some("2020-01-02")),
            ("12/31/99", Some("1999-12-31")),
            ("31/12/99", Some("1999-12-31")),
            ("1.5", Some("2026-11-01")),
            ("12", Some("2026-11-12")),
            ("1 2 3", Some("2003-01-02")),
            ("  2020-01-02  ", Some("2020-01-02")),
            ("2020-01-02T10:20:30.123456789", Some("2020-01-02")),
            ("99", Some("1999-11-23")),
            ("100", Some("0100-11-23")),
            ("Sept 5 2020", Some("2020-09-05")),
            ("5 sept 2020", Some("2020-09-05")),
            ("5 sep. 2020", Some("2020-09-05")),
            ("2020-01-02 at 10:00", Some("2020-01-02")),
            ("2020 01 02", Some("2020-01-02")),
            ("2020-01", Some("2020-01-23")),
            ("01/2020", Some("2020-01-23")),
            ("June 2020 10am", Some("2020-06-23")),
            ("hello", None),
            ("2020-13-01", None),
            ("2020-01-02 foo", None),
            ("noon", None),
            ("today", None),
            ("1999-02-29", None),
            ("10th Jan nineteen sixty nine", None),
            ("invalid", None),
            ("", None),
            (" ", None),
            ("nan", None),
        ] {
            assert_eq!(date(cell).as_deref(), want, "{cell:?}");
        }
    }

    #[test]
    fn times_and_zones() {
        assert_eq!(
            full("10th Jan 1969 9 am").as_deref(),
            Some("1969-01-10 09:00:00 None")
        );
        assert_eq!(
            full("2014-01-01T06:00:00Z").as_deref(),
            Some("2014-01-01 06:00:00 Some(0)")
        );
        assert_eq!(
            full("2020-01-02 10:20:30+01:00").as_deref(),
            Some("2020-01-02 10:20:30 Some(3600)")
        );
        assert_eq!(
            full("2020-01-02 10:20 GMT+3").as_deref(),
            Some("2020-01-02 10:20:00 Some(-10800)")
        );
        assert_eq!(full("3:00 am").as_deref(), Some("2026-11-23 03:00:00 None"));
        assert_eq!(full("12h04").as_deref(), Some("2026-11-23 12:04:00 None"));
        assert_eq!(full("Monday").as_deref(), Some("2026-11-23 00:00:00 None"));
        assert_eq!(full("Tuesday").as_deref(), Some("2026-11-24 00:00:00 None"));
        assert_eq!(full("some night"), None);
        // Offsets are not bounded by dateutil, but must not overflow here.
        assert_eq!(
            full("10:00 +99").as_deref(),
            Some("2026-11-23 10:00:00 Some(356400)")
        );
        assert_eq!(full("10:00 +99999999999999999:00"), None);
        // dateutil only checks the hour of a separate am/pm word.
        assert_eq!(full("13 pm").as_deref(), Some("2026-11-23 13:00:00 None"));
        assert_eq!(full("2 pm").as_deref(), Some("2026-11-23 14:00:00 None"));
    }
}
