//! Typed cell values, as [`crate::cast::FieldCaster`] produces them, and the
//! keys that `unique`, primary-key and foreign-key checks compare.

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde_json::Value as Json;

/// A cell cast to its field's type. Strings borrow from the cell, so casting
/// the common types allocates nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// A missing value (the cell is one of the field's `missingValues`).
    Null,
    /// `string` (any format) and `any`: the cell itself.
    String(&'a str),
    Integer(i128),
    Number(f64),
    Boolean(bool),
    Date(NaiveDate),
    /// A time and its UTC offset in seconds, when the cell gave one.
    Time(NaiveTime, Option<i32>),
    /// A datetime and its UTC offset in seconds, when the cell gave one. The
    /// datetime is the local (wall clock) one, as written in the cell.
    Datetime(NaiveDateTime, Option<i32>),
    Year(i32),
    YearMonth(i32, u32),
    /// `months` counts years as 12 months (fractions allowed, as ISO 8601
    /// allows `P1.5Y`); `micros` is the exact part (weeks, days, hours,
    /// minutes, seconds), in microseconds.
    Duration {
        months: f64,
        micros: i128,
    },
    GeoPoint {
        lon: f64,
        lat: f64,
    },
    /// `object`, `array` and `geojson`.
    Json(Json),
    /// Table Schema v2 `list`: one value per item, of the item type.
    List(Vec<Value<'a>>),
}

/// An owned, hashable stand-in for a [`Value`]: equal values have equal keys.
///
/// Follows Python's equality, as frictionless compares values: `1` (integer),
/// `1.0` (number) and the year `1` are equal; a naive datetime never equals
/// an aware one; aware datetimes (and times) are equal when they are the same
/// instant.
///
/// One difference: all NaN numbers share a key, where Python finds no NaN
/// equal to another (so frictionless never reports two NaN cells as
/// duplicates); see [`Value::is_nan`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ValueKey {
    Null,
    Bool(bool),
    Int(i128),
    /// A non-integral or non-finite number, by its bits (`NaN` normalized).
    Float(u64),
    Str(Box<str>),
    Date(NaiveDate),
    /// Microseconds since midnight; for an aware time, minus its offset.
    Time {
        micros: i64,
        aware: bool,
    },
    /// Microseconds since 0001-01-01; for an aware datetime, in UTC.
    Datetime {
        micros: i64,
        aware: bool,
    },
    YearMonth(i32, u32),
    Duration {
        months: u64,
        micros: i128,
    },
    GeoPoint(u64, u64),
    /// Canonical JSON text: sorted keys, integral numbers written as integers.
    Json(Box<str>),
    List(Vec<ValueKey>),
}

impl Value<'_> {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A NaN number, which Python's equality never matches.
    pub fn is_nan(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_nan())
    }

    /// The hashable key of this value.
    pub fn key(&self) -> ValueKey {
        match self {
            Value::Null => ValueKey::Null,
            Value::String(s) => ValueKey::Str((*s).into()),
            Value::Integer(i) => ValueKey::Int(*i),
            Value::Number(f) => number_key(*f),
            Value::Boolean(b) => ValueKey::Bool(*b),
            Value::Date(d) => ValueKey::Date(*d),
            Value::Time(t, offset) => ValueKey::Time {
                micros: time_micros(t) - offset_micros(*offset),
                aware: offset.is_some(),
            },
            Value::Datetime(dt, offset) => ValueKey::Datetime {
                micros: datetime_micros(dt) - offset_micros(*offset),
                aware: offset.is_some(),
            },
            Value::Year(y) => ValueKey::Int(i128::from(*y)),
            Value::YearMonth(y, m) => ValueKey::YearMonth(*y, *m),
            Value::Duration { months, micros } => ValueKey::Duration {
                months: float_bits(*months),
                micros: *micros,
            },
            Value::GeoPoint { lon, lat } => ValueKey::GeoPoint(float_bits(*lon), float_bits(*lat)),
            Value::Json(j) => {
                let mut out = String::new();
                canonical_json(j, &mut out);
                ValueKey::Json(out.into())
            }
            Value::List(items) => ValueKey::List(items.iter().map(Value::key).collect()),
        }
    }

    /// The value as JSON: numbers and booleans as JSON numbers and booleans,
    /// temporal values as ISO 8601 text, geopoints as `[lon, lat]`.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Null => Json::Null,
            Value::String(s) => Json::String((*s).to_string()),
            Value::Integer(i) => integer_json(*i),
            Value::Number(f) => float_json(*f),
            Value::Boolean(b) => Json::Bool(*b),
            Value::Year(y) => Json::from(*y),
            Value::GeoPoint { lon, lat } => Json::Array(vec![float_json(*lon), float_json(*lat)]),
            Value::Json(j) => j.clone(),
            Value::List(items) => Json::Array(items.iter().map(Value::to_json).collect()),
            Value::Date(_)
            | Value::Time(..)
            | Value::Datetime(..)
            | Value::YearMonth(..)
            | Value::Duration { .. } => Json::String(self.iso_text()),
        }
    }

    /// ISO 8601 text of a temporal value (empty for the others).
    fn iso_text(&self) -> String {
        match self {
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::Time(t, offset) => format!("{}{}", time_text(t), offset_text(*offset)),
            Value::Datetime(dt, offset) => format!(
                "{}T{}{}",
                dt.date().format("%Y-%m-%d"),
                time_text(&dt.time()),
                offset_text(*offset)
            ),
            Value::YearMonth(y, m) => format!("{y:04}-{m:02}"),
            Value::Duration { months, micros } => duration_text(*months, *micros),
            _ => String::new(),
        }
    }
}

/// Renders the value the way frictionless-py prints it (Python's `str()`),
/// as it appears in notes such as a foreign-key error's.
impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("None"),
            Value::String(s) => f.write_str(s),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Number(n) => f.write_str(&python_float_repr(*n)),
            Value::Boolean(true) => f.write_str("True"),
            Value::Boolean(false) => f.write_str("False"),
            Value::Year(y) => write!(f, "{y}"),
            Value::Datetime(dt, offset) => write!(
                f,
                "{} {}{}",
                dt.date().format("%Y-%m-%d"),
                time_text(&dt.time()),
                python_offset_text(*offset)
            ),
            Value::Time(t, offset) => write!(f, "{}{}", time_text(t), python_offset_text(*offset)),
            Value::GeoPoint { lon, lat } => {
                write!(
                    f,
                    "[{}, {}]",
                    python_float_repr(*lon),
                    python_float_repr(*lat)
                )
            }
            Value::Json(j) => f.write_str(&crate::cast::python_repr(j)),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match item {
                        Value::String(s) => f.write_str(&crate::cast::python_str_repr(s))?,
                        other => write!(f, "{other}")?,
                    }
                }
                f.write_str("]")
            }
            Value::Date(_) | Value::YearMonth(..) | Value::Duration { .. } => {
                f.write_str(&self.iso_text())
            }
        }
    }
}

/// Python's `repr()` of a float: the shortest text that reads back the same,
/// in exponent notation below 1e-4 and from 1e16 on.
pub(crate) fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // `{:e}` gives the shortest round-trip digits, e.g. `1.5e-7`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        let n = digits.len() as i32;
        if exp >= n - 1 {
            // Integral: pad with zeros and add `.0`.
            let zeros = "0".repeat((exp - (n - 1)) as usize);
            format!("{sign}{digits}{zeros}.0")
        } else if exp >= 0 {
            let split = (exp + 1) as usize;
            format!("{sign}{}.{}", &digits[..split], &digits[split..])
        } else {
            let zeros = "0".repeat((-exp - 1) as usize);
            format!("{sign}0.{zeros}{digits}")
        }
    } else {
        let mantissa = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{exp_sign}{:02}", exp.abs())
    }
}

fn float_bits(f: f64) -> u64 {
    if f.is_nan() {
        f64::NAN.to_bits()
    } else if f == 0.0 {
        0.0f64.to_bits()
    } else {
        f.to_bits()
    }
}

fn number_key(f: f64) -> ValueKey {
    // Integral numbers compare equal to integers, as `Decimal(1) == 1` does.
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1.0e38 {
        ValueKey::Int(f as i128)
    } else {
        ValueKey::Float(float_bits(f))
    }
}

fn integer_json(i: i128) -> Json {
    if let Ok(v) = i64::try_from(i) {
        Json::from(v)
    } else if let Ok(v) = u64::try_from(i) {
        Json::from(v)
    } else {
        float_json(i as f64)
    }
}

fn float_json(f: f64) -> Json {
    match serde_json::Number::from_f64(f) {
        Some(n) => Json::Number(n),
        // JSON has no NaN or infinity; spell them as Python would read them.
        None if f.is_nan() => Json::String("NaN".into()),
        None if f > 0.0 => Json::String("Infinity".into()),
        None => Json::String("-Infinity".into()),
    }
}

fn time_micros(t: &NaiveTime) -> i64 {
    i64::from(t.num_seconds_from_midnight()) * 1_000_000 + i64::from(t.nanosecond() / 1000)
}

fn datetime_micros(dt: &NaiveDateTime) -> i64 {
    i64::from(dt.date().num_days_from_ce()) * 86_400_000_000 + time_micros(&dt.time())
}

fn offset_micros(offset: Option<i32>) -> i64 {
    i64::from(offset.unwrap_or(0)) * 1_000_000
}

fn time_text(t: &NaiveTime) -> String {
    let micros = t.nanosecond() / 1000;
    if micros == 0 {
        format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
    } else {
        format!(
            "{:02}:{:02}:{:02}.{micros:06}",
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

fn offset_text(offset: Option<i32>) -> String {
    match offset {
        None => String::new(),
        Some(0) => "Z".into(),
        Some(o) => python_offset_text(Some(o)),
    }
}

fn python_offset_text(offset: Option<i32>) -> String {
    let Some(o) = offset else {
        return String::new();
    };
    let sign = if o < 0 { '-' } else { '+' };
    let a = o.unsigned_abs();
    let (h, m, s) = (a / 3600, a % 3600 / 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}:{m:02}:{s:02}")
    }
}

fn duration_text(months: f64, micros: i128) -> String {
    let mut out = String::new();
    if months < 0.0 || (months == 0.0 && micros < 0) {
        out.push('-');
    }
    out.push('P');
    let months = months.abs();
    let micros = micros.abs();
    let years = (months / 12.0).trunc();
    let rest = months - years * 12.0;
    if years != 0.0 {
        out.push_str(&format!("{years}Y"));
    }
    if rest != 0.0 {
        out.push_str(&format!("{rest}M"));
    }
    let days = micros / 86_400_000_000;
    let mut rem = micros % 86_400_000_000;
    if days != 0 {
        out.push_str(&format!("{days}D"));
    }
    if rem != 0 {
        out.push('T');
        let hours = rem / 3_600_000_000;
        rem %= 3_600_000_000;
        let minutes = rem / 60_000_000;
        rem %= 60_000_000;
        if hours != 0 {
            out.push_str(&format!("{hours}H"));
        }
        if minutes != 0 {
            out.push_str(&format!("{minutes}M"));
        }
        if rem != 0 {
            let (s, us) = (rem / 1_000_000, rem % 1_000_000);
            if us == 0 {
                out.push_str(&format!("{s}S"));
            } else {
                let frac = format!("{us:06}");
                out.push_str(&format!("{s}.{}S", frac.trim_end_matches('0')));
            }
        }
    }
    if out.ends_with('P') {
        out.push_str("0D");
    }
    out
}

fn canonical_json(j: &Json, out: &mut String) {
    match j {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (_, Some(u), _) => out.push_str(&u.to_string()),
            (_, _, Some(f)) => match number_key(f) {
                ValueKey::Int(i) => out.push_str(&i.to_string()),
                _ => out.push_str(&python_float_repr(f)),
            },
            _ => out.push_str(&n.to_string()),
        },
        Json::String(s) => out.push_str(&Json::String(s.clone()).to_string()),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        Json::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Json::String(k.clone()).to_string());
                out.push(':');
                canonical_json(v, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn integral_numbers_equal_integers_and_years() {
        assert_eq!(Value::Number(1.0).key(), Value::Integer(1).key());
        assert_eq!(Value::Number(-0.0).key(), Value::Integer(0).key());
        assert_eq!(Value::Year(2020).key(), Value::Integer(2020).key());
        assert_ne!(Value::Number(1.5).key(), Value::Integer(1).key());
        assert_eq!(
            Value::Number(f64::NAN).key(),
            Value::Number(-f64::NAN).key()
        );
    }

    #[test]
    fn strings_differ_from_numbers() {
        assert_ne!(Value::String("1").key(), Value::Integer(1).key());
        assert_eq!(Value::String("a").key(), Value::String("a").key());
    }

    #[test]
    fn aware_datetimes_compare_as_instants() {
        let t = |h| date(2020, 1, 2).and_hms_opt(h, 0, 0).unwrap();
        assert_eq!(
            Value::Datetime(t(10), Some(3600)).key(),
            Value::Datetime(t(9), Some(0)).key()
        );
        assert_ne!(
            Value::Datetime(t(9), None).key(),
            Value::Datetime(t(9), Some(0)).key()
        );
        let time = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        assert_eq!(
            Value::Time(time(10), Some(3600)).key(),
            Value::Time(time(9), Some(0)).key()
        );
    }

    #[test]
    fn json_keys_ignore_key_order_and_number_spelling() {
        let a = Value::Json(json!({"a": 1, "b": [1.0, 2.5]}));
        let b = Value::Json(json!({"b": [1, 2.5], "a": 1.0}));
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), Value::Json(json!({"a": 2})).key());
    }

    #[test]
    fn durations_compare_by_months_and_time() {
        let a = Value::Duration {
            months: 12.0,
            micros: 0,
        };
        let b = Value::Duration {
            months: 12.0,
            micros: 0,
        };
        assert_eq!(a.key(), b.key());
        assert_ne!(
            a.key(),
            Value::Duration {
                months: 0.0,
                micros: 0
            }
            .key()
        );
    }

    #[test]
    fn to_json_renders_iso_text() {
        assert_eq!(Value::Date(date(2020, 1, 2)).to_json(), json!("2020-01-02"));
        let dt = date(2020, 1, 2).and_hms_micro_opt(3, 4, 5, 6).unwrap();
        assert_eq!(
            Value::Datetime(dt, Some(0)).to_json(),
            json!("2020-01-02T03:04:05.000006Z")
        );
        assert_eq!(
            Value::Datetime(dt, Some(-5400)).to_json(),
            json!("2020-01-02T03:04:05.000006-01:30")
        );
        let t = NaiveTime::from_hms_opt(6, 0, 0).unwrap();
        assert_eq!(Value::Time(t, None).to_json(), json!("06:00:00"));
        assert_eq!(Value::YearMonth(2020, 3).to_json(), json!("2020-03"));
        assert_eq!(Value::Year(2020).to_json(), json!(2020));
        assert_eq!(Value::Integer(5).to_json(), json!(5));
        assert_eq!(Value::Number(1.5).to_json(), json!(1.5));
        assert_eq!(Value::Number(f64::NAN).to_json(), json!("NaN"));
        assert_eq!(
            Value::GeoPoint { lon: 1.0, lat: 2.0 }.to_json(),
            json!([1.0, 2.0])
        );
        assert_eq!(
            Value::List(vec![Value::String("a"), Value::Integer(1)]).to_json(),
            json!(["a", 1])
        );
        assert_eq!(Value::Null.to_json(), json!(null));
        let d = Value::Duration {
            months: 14.0,
            micros: 3 * 86_400_000_000 + 1_500_000,
        };
        assert_eq!(d.to_json(), json!("P1Y2M3DT1.5S"));
        assert_eq!(
            Value::Duration {
                months: 0.0,
                micros: 0
            }
            .to_json(),
            json!("P0D")
        );
        assert_eq!(
            Value::Duration {
                months: 0.0,
                micros: -86_400_000_000
            }
            .to_json(),
            json!("-P1D")
        );
    }

    #[test]
    fn display_is_python_str() {
        assert_eq!(Value::Boolean(true).to_string(), "True");
        assert_eq!(Value::Null.to_string(), "None");
        assert_eq!(Value::Number(1.0).to_string(), "1.0");
        let dt = date(2020, 1, 2).and_hms_opt(3, 4, 5).unwrap();
        assert_eq!(Value::Datetime(dt, None).to_string(), "2020-01-02 03:04:05");
        assert_eq!(
            Value::Datetime(dt, Some(0)).to_string(),
            "2020-01-02 03:04:05+00:00"
        );
        assert_eq!(
            Value::List(vec![Value::String("a"), Value::Integer(1)]).to_string(),
            "['a', 1]"
        );
    }

    #[test]
    fn python_float_repr_matches_python() {
        // Verified against Python 3.11 `repr(float)`.
        for (f, s) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1.5e-7, "1.5e-07"),
            (1e16, "1e+16"),
            (1.2345e16, "1.2345e+16"),
            (1e15, "1000000000000000.0"),
            (123.456, "123.456"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5, "-2.5"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(python_float_repr(f), s, "{f}");
        }
    }
}
