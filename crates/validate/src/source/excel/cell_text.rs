//! The text of a typed spreadsheet cell.
//!
//! Integral floats lose their `.0` (spreadsheets store every number as a
//! float), other floats take the shortest form that reads back the same,
//! booleans are `true`/`false`, errors keep their text (`#DIV/0!`), dates
//! and times are ISO 8601 and durations ISO 8601 durations.

use std::fmt;
use std::fmt::Write as _;

use calamine::{CellErrorType, Data, DataRef, ExcelDateTime, ExcelDateTimeType};
use chrono::{Datelike, Days, NaiveDate};

/// A cell of either calamine representation.
pub(super) enum Cell<'a> {
    Empty,
    Text(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    DateTime(&'a ExcelDateTime),
    Error(&'a CellErrorType),
}

impl Cell<'_> {
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.is_empty(),
            _ => false,
        }
    }
}

pub(super) fn view_data(value: &Data) -> Cell<'_> {
    match value {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s),
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => Cell::DateTime(dt),
        Data::Error(e) => Cell::Error(e),
    }
}

pub(super) fn view_ref<'a>(value: &'a DataRef<'_>) -> Cell<'a> {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s),
        DataRef::Int(i) => Cell::Int(*i),
        DataRef::Float(f) => Cell::Float(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => Cell::DateTime(dt),
        DataRef::Error(e) => Cell::Error(e),
    }
}

/// Appends the text of a cell. `timed` says whether the cell's column holds
/// dates with a time of day: then every date in it is written as a datetime,
/// so a midnight does not turn one value of a datetime column into a date.
pub(super) fn write_cell(out: &mut String, cell: Cell<'_>, timed: bool) {
    // Writing to a String cannot fail.
    let _ = match cell {
        Cell::Empty => Ok(()),
        Cell::Text(text) => {
            out.push_str(text);
            Ok(())
        }
        Cell::Int(value) => write!(out, "{value}"),
        Cell::Float(value) => write_float(out, value),
        Cell::Bool(value) => {
            out.push_str(if value { "true" } else { "false" });
            Ok(())
        }
        Cell::DateTime(dt) => write_datetime(out, dt, timed),
        Cell::Error(error) => write!(out, "{error}"),
    };
}

pub(super) fn write_float(out: &mut String, value: f64) -> fmt::Result {
    if value.fract() == 0.0 && value.abs() < 1e16 {
        // Exact: an integer well inside i64.
        write!(out, "{}", value as i64)
    } else {
        // Debug is Rust's shortest round-trip form, with an exponent for
        // very large or small values (`1e20`) rather than 20 zeros.
        write!(out, "{value:?}")
    }
}

/// Does this date carry a time of day (a date-only column stays date-only)?
pub(super) fn has_time_of_day(dt: &ExcelDateTime) -> bool {
    dt.is_datetime() && matches!(split_serial(dt.as_f64()), Some((days, ms)) if days > 0 && ms > 0)
}

const MS_PER_DAY: i64 = 86_400_000;

/// Days and milliseconds of the day of a serial date, rounded to Excel's
/// millisecond precision; `None` outside Excel's years 1900 to 9999.
fn split_serial(value: f64) -> Option<(i64, i64)> {
    if !value.is_finite() || !(0.0..2_958_466.0).contains(&value) {
        return None;
    }
    // In range, so the product fits an i64.
    let total = (value * MS_PER_DAY as f64).round() as i64;
    Some((total.div_euclid(MS_PER_DAY), total.rem_euclid(MS_PER_DAY)))
}

fn write_datetime(out: &mut String, dt: &ExcelDateTime, timed: bool) -> fmt::Result {
    if dt.is_duration() {
        return write_duration(out, dt.as_f64());
    }
    let Some((days, ms)) = split_serial(dt.as_f64()) else {
        // Not a date Excel can show: keep the number.
        return write_float(out, dt.as_f64());
    };
    if days == 0 {
        // A serial below 1 is a time of day with no date (openpyxl reads
        // it as a `time`).
        return write_time(out, ms);
    }
    let Some(date) = serial_date(days, is_1904(dt)) else {
        return write_float(out, dt.as_f64());
    };
    write!(
        out,
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month(),
        date.day()
    )?;
    if timed || ms > 0 {
        out.push('T');
        write_time(out, ms)?;
    }
    Ok(())
}

/// calamine keeps the 1904 flag private, but compares it.
fn is_1904(dt: &ExcelDateTime) -> bool {
    *dt == ExcelDateTime::new(dt.as_f64(), ExcelDateTimeType::DateTime, true)
}

fn serial_date(days: i64, is_1904: bool) -> Option<NaiveDate> {
    let days = u64::try_from(days).ok()?;
    let base = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else if days < 60 {
        // Before Excel's phantom 1900-02-29, day 1 is 1900-01-01.
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    base.checked_add_days(Days::new(days))
}

fn write_time(out: &mut String, ms: i64) -> fmt::Result {
    let (hours, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (minutes, rest) = (rest / 60_000, rest % 60_000);
    let (seconds, millis) = (rest / 1000, rest % 1000);
    write!(out, "{hours:02}:{minutes:02}:{seconds:02}")?;
    write_millis(out, millis.unsigned_abs())
}

fn write_millis(out: &mut String, millis: u64) -> fmt::Result {
    if millis == 0 {
        return Ok(());
    }
    let digits = format!("{millis:03}");
    write!(out, ".{}", digits.trim_end_matches('0'))
}

/// ISO 8601 duration of a serial number of days, e.g. `PT36H30M`.
fn write_duration(out: &mut String, days: f64) -> fmt::Result {
    if !days.is_finite() || days.abs() > 1e9 {
        return write_float(out, days);
    }
    // Bounded above, so the product fits an i64.
    let total = (days * MS_PER_DAY as f64).round() as i64;
    if total < 0 {
        out.push('-');
    }
    let total = total.unsigned_abs();
    let (hours, rest) = (total / 3_600_000, total % 3_600_000);
    let (minutes, rest) = (rest / 60_000, rest % 60_000);
    let (seconds, millis) = (rest / 1000, rest % 1000);
    out.push_str("PT");
    if hours > 0 {
        write!(out, "{hours}H")?;
    }
    if minutes > 0 {
        write!(out, "{minutes}M")?;
    }
    if seconds > 0 || millis > 0 || (hours == 0 && minutes == 0) {
        write!(out, "{seconds}")?;
        write_millis(out, millis)?;
        out.push('S');
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(cell: Cell<'_>, timed: bool) -> String {
        let mut out = String::new();
        write_cell(&mut out, cell, timed);
        out
    }

    fn date(serial: f64, is_1904: bool) -> ExcelDateTime {
        ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, is_1904)
    }

    #[test]
    fn floats_lose_an_integral_fraction_only() {
        assert_eq!(text(Cell::Float(3.0), false), "3");
        assert_eq!(text(Cell::Float(-0.0), false), "0");
        assert_eq!(text(Cell::Float(-42.0), false), "-42");
        assert_eq!(text(Cell::Float(2.5), false), "2.5");
        assert_eq!(text(Cell::Float(0.1), false), "0.1");
        assert_eq!(text(Cell::Float(1e20), false), "1e20");
        assert_eq!(text(Cell::Float(2.5e-7), false), "2.5e-7");
        assert_eq!(text(Cell::Float(123_456_789_012.0), false), "123456789012");
        assert_eq!(text(Cell::Int(-7), false), "-7");
    }

    #[test]
    fn booleans_errors_and_text() {
        assert_eq!(text(Cell::Bool(true), false), "true");
        assert_eq!(text(Cell::Bool(false), false), "false");
        assert_eq!(text(Cell::Error(&CellErrorType::Div0), false), "#DIV/0!");
        assert_eq!(text(Cell::Error(&CellErrorType::NA), false), "#N/A");
        assert_eq!(text(Cell::Text("x y"), false), "x y");
        assert_eq!(text(Cell::Empty, false), "");
    }

    #[test]
    fn dates_in_the_1900_system() {
        // 43861 is 2020-01-31.
        assert_eq!(
            text(Cell::DateTime(&date(43861.0, false)), false),
            "2020-01-31"
        );
        assert_eq!(
            text(Cell::DateTime(&date(43861.0, false)), true),
            "2020-01-31T00:00:00"
        );
        assert_eq!(
            text(Cell::DateTime(&date(43861.5, false)), false),
            "2020-01-31T12:00:00"
        );
        // Excel counts a phantom 1900-02-29 (serial 60): around it.
        assert_eq!(text(Cell::DateTime(&date(1.0, false)), false), "1900-01-01");
        assert_eq!(
            text(Cell::DateTime(&date(59.0, false)), false),
            "1900-02-28"
        );
        assert_eq!(
            text(Cell::DateTime(&date(61.0, false)), false),
            "1900-03-01"
        );
    }

    #[test]
    fn dates_in_the_1904_system() {
        // Serial 0 of 1904 is 1904-01-01; 42399 is 2020-01-31.
        assert_eq!(
            text(Cell::DateTime(&date(42399.0, true)), false),
            "2020-01-31"
        );
    }

    #[test]
    fn times_and_rounding() {
        assert_eq!(
            text(Cell::DateTime(&date(10.0 / 24.0, false)), false),
            "10:00:00"
        );
        // 23:59:59.25
        let serial = (86_399.25) / 86_400.0;
        assert_eq!(
            text(Cell::DateTime(&date(serial, false)), false),
            "23:59:59.25"
        );
        // Just under a whole day rounds up to midnight of the next one.
        assert_eq!(
            text(Cell::DateTime(&date(43_861.999_999_999, false)), false),
            "2020-02-01"
        );
        assert!(!has_time_of_day(&date(43861.0, false)));
        assert!(has_time_of_day(&date(43861.25, false)));
        // A time alone says nothing about a column of dates.
        assert!(!has_time_of_day(&date(0.25, false)));
    }

    #[test]
    fn out_of_range_dates_stay_numbers() {
        assert_eq!(text(Cell::DateTime(&date(-1.0, false)), false), "-1");
        assert_eq!(text(Cell::DateTime(&date(3e6, false)), false), "3000000");
    }

    #[test]
    fn durations_are_iso() {
        let duration = |days: f64| ExcelDateTime::new(days, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(
            text(Cell::DateTime(&duration(1.5208333333333333)), false),
            "PT36H30M"
        );
        assert_eq!(text(Cell::DateTime(&duration(0.0)), false), "PT0S");
        assert_eq!(text(Cell::DateTime(&duration(-0.5)), false), "-PT12H");
        assert_eq!(
            text(Cell::DateTime(&duration(1.5 / 86_400.0)), false),
            "PT1.5S"
        );
    }
}
