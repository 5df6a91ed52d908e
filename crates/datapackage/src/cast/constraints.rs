//! Field constraints, compiled once per field and checked per cell the way
//! frictionless-py checks them (`schema/field.py`): which constraints a
//! type supports, in which order they are reported, how bounds and `enum`
//! members are read (with the field's own type), and the note of each
//! error, `constraint "minimum" is "5"`, which quotes the descriptor's
//! value as Python prints it.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::Arc;

use regex::Regex;
use serde_json::Value as Json;

use crate::error::DescriptorError;
use crate::field::{Constraints, FieldType};
use crate::value::{python_float_repr, Value, ValueKey};

use super::ConstraintError;

/// The constraints frictionless-py checks for a type, in the order it
/// reports them. `unique` applies to every type but is checked across rows
/// by the validator, not here.
pub fn supported_constraints(t: &FieldType) -> &'static [&'static str] {
    const NUMERIC: &[&str] = &[
        "required",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "enum",
    ];
    match t {
        FieldType::String => &["required", "minLength", "maxLength", "pattern", "enum"],
        FieldType::Integer
        | FieldType::Number
        | FieldType::Date
        | FieldType::Time
        | FieldType::Datetime
        | FieldType::Year
        | FieldType::Yearmonth => NUMERIC,
        FieldType::Object | FieldType::Array => &["required", "minLength", "maxLength", "enum"],
        FieldType::List => &["required", "minLength", "maxLength"],
        FieldType::Boolean
        | FieldType::Duration
        | FieldType::Geopoint
        | FieldType::Geojson
        | FieldType::Any => &["required", "enum"],
        FieldType::Unknown(_) => &[],
    }
}

#[derive(Debug, Clone)]
enum Rule {
    Required,
    MinLength(f64),
    MaxLength(f64),
    Bound(Value<'static>, fn(Ordering) -> bool),
    Pattern(Regex),
    Enum(EnumSet),
}

#[derive(Debug, Clone)]
struct Check {
    name: &'static str,
    rule: Rule,
    note: Arc<str>,
}

/// `enum` members, read with the field's type. Members that do not read
/// are dropped, as in frictionless (where they become `None`).
#[derive(Debug, Clone, Default)]
struct EnumSet {
    strings: HashSet<Box<str>>,
    /// The same strings, scanned instead of hashed when there are few.
    few_strings: Vec<Box<str>>,
    keys: HashSet<ValueKey>,
}

impl EnumSet {
    const FEW: usize = 8;

    fn insert_str(&mut self, s: &str) {
        if self.strings.insert(s.into()) {
            self.few_strings.push(s.into());
        }
    }

    fn contains(&self, value: &Value<'_>) -> bool {
        match value {
            Value::String(s) if self.strings.len() <= Self::FEW => {
                self.few_strings.iter().any(|m| **m == **s)
            }
            Value::String(s) => self.strings.contains(*s),
            // NaN equals nothing, not even a NaN member.
            Value::Number(n) if n.is_nan() => false,
            other => self.keys.contains(&other.key()),
        }
    }
}

/// The compiled constraints of one field.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledConstraints {
    checks: Vec<Check>,
}

/// How the caster reads a JSON value (a bound or an `enum` member) as a
/// value of the field's type.
pub(crate) trait ReadJson {
    fn read_json<'v>(&self, v: &'v Json) -> Option<Value<'v>>;
}

impl CompiledConstraints {
    pub(crate) fn new(
        field_type: &FieldType,
        constraints: &Constraints,
        reader: &dyn ReadJson,
        note_prefix: &str,
    ) -> Result<CompiledConstraints, DescriptorError> {
        let mut checks = Vec::new();
        for &name in supported_constraints(field_type) {
            let (raw, rule) = match name {
                "required" => match constraints.required {
                    Some(true) => (Json::Bool(true), Rule::Required),
                    _ => continue,
                },
                "minLength" | "maxLength" => {
                    let raw = if name == "minLength" {
                        &constraints.min_length
                    } else {
                        &constraints.max_length
                    };
                    let Some(raw) = raw else { continue };
                    let n = length_bound(raw).ok_or_else(|| {
                        setup_error(name, format!("{} is not a number", python_str(raw)))
                    })?;
                    let rule = if name == "minLength" {
                        Rule::MinLength(n)
                    } else {
                        Rule::MaxLength(n)
                    };
                    (raw.clone(), rule)
                }
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                    let (raw, test): (&Option<Json>, fn(Ordering) -> bool) = match name {
                        "minimum" => (&constraints.minimum, Ordering::is_ge),
                        "maximum" => (&constraints.maximum, Ordering::is_le),
                        "exclusiveMinimum" => (&constraints.exclusive_minimum, Ordering::is_gt),
                        _ => (&constraints.exclusive_maximum, Ordering::is_lt),
                    };
                    let Some(raw) = raw else { continue };
                    let bound = reader.read_json(raw).map(into_static).ok_or_else(|| {
                        setup_error(
                            name,
                            format!("{} is not a valid {} value", python_str(raw), field_type),
                        )
                    })?;
                    (raw.clone(), Rule::Bound(bound, test))
                }
                "pattern" => {
                    let Some(pattern) = &constraints.pattern else {
                        continue;
                    };
                    // The spec (XML Schema regexes) and frictionless
                    // (`^pattern$`) both match the whole cell.
                    let re = Regex::new(&format!(r"\A(?:{pattern})\z")).map_err(|e| {
                        setup_error(name, format!("invalid regular expression: {e}"))
                    })?;
                    (Json::String(pattern.clone()), Rule::Pattern(re))
                }
                _ => {
                    let Some(members) = &constraints.enum_ else {
                        continue;
                    };
                    let mut set = EnumSet::default();
                    for member in members {
                        match reader.read_json(member) {
                            Some(Value::String(s)) => set.insert_str(s),
                            Some(v) => {
                                set.keys.insert(v.key());
                            }
                            None => {}
                        }
                    }
                    (Json::Array(members.clone()), Rule::Enum(set))
                }
            };
            let note = format!(
                "{note_prefix}constraint \"{name}\" is \"{}\"",
                python_str(&raw)
            );
            checks.push(Check {
                name,
                rule,
                note: note.into(),
            });
        }
        Ok(CompiledConstraints { checks })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }

    /// Calls `on_error` for each failed constraint, in frictionless' order.
    pub(crate) fn check(&self, value: &Value<'_>, on_error: &mut dyn FnMut(ConstraintError)) {
        for check in &self.checks {
            if !check.passes(value) {
                on_error(ConstraintError {
                    constraint: check.name,
                    note: check.note.clone(),
                });
            }
        }
    }

    /// Whether every constraint passes.
    pub(crate) fn passes(&self, value: &Value<'_>) -> bool {
        self.checks.iter().all(|c| c.passes(value))
    }
}

impl Check {
    fn passes(&self, value: &Value<'_>) -> bool {
        if value.is_null() {
            return !matches!(self.rule, Rule::Required);
        }
        match &self.rule {
            Rule::Required => true,
            // A string has no more characters than bytes: short ones pass
            // `maxLength` (and fail `minLength`) without counting.
            Rule::MinLength(n) => match value {
                Value::String(s) if (s.len() as f64) < *n => false,
                _ => length(value).is_none_or(|len| len as f64 >= *n),
            },
            Rule::MaxLength(n) => match value {
                Value::String(s) if s.len() as f64 <= *n => true,
                _ => length(value).is_none_or(|len| len as f64 <= *n),
            },
            Rule::Bound(bound, test) => compare(value, bound).is_some_and(test),
            Rule::Pattern(re) => match value {
                Value::String(s) => re.is_match(s),
                _ => true,
            },
            Rule::Enum(set) => set.contains(value),
        }
    }
}

fn setup_error(name: &str, message: String) -> DescriptorError {
    DescriptorError::new(format!("constraints.{name}"), message)
}

fn length_bound(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        // Python's `len(x) >= True` compares with 1.
        Json::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// `len()` of a value: characters of a string, items of an array or list,
/// keys of an object.
fn length(value: &Value<'_>) -> Option<usize> {
    match value {
        Value::String(s) => Some(s.chars().count()),
        Value::List(items) => Some(items.len()),
        Value::Json(Json::Array(a)) => Some(a.len()),
        Value::Json(Json::Object(o)) => Some(o.len()),
        Value::Json(Json::String(s)) => Some(s.chars().count()),
        _ => None,
    }
}

/// Orders a cell's value against a bound of the same type. `None` (the
/// constraint fails) for NaN. Deviation: Python cannot order a naive and
/// an aware time or datetime (frictionless crashes); we read the naive one
/// as UTC.
fn compare(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    fn offset_us(o: &Option<i32>) -> i64 {
        i64::from(o.unwrap_or(0)) * 1_000_000
    }
    match (a, b) {
        (Value::Integer(x), Value::Integer(y)) => Some(x.cmp(y)),
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
        (Value::Integer(x), Value::Number(y)) => (*x as f64).partial_cmp(y),
        (Value::Number(x), Value::Integer(y)) => x.partial_cmp(&(*y as f64)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Year(x), Value::Year(y)) => Some(x.cmp(y)),
        (Value::YearMonth(y1, m1), Value::YearMonth(y2, m2)) => Some((y1, m1).cmp(&(y2, m2))),
        (Value::Time(t1, o1), Value::Time(t2, o2)) => {
            let us = |t: &chrono::NaiveTime, o: &Option<i32>| {
                use chrono::Timelike;
                i64::from(t.num_seconds_from_midnight()) * 1_000_000
                    + i64::from(t.nanosecond() / 1000)
                    - offset_us(o)
            };
            Some(us(t1, o1).cmp(&us(t2, o2)))
        }
        (Value::Datetime(d1, o1), Value::Datetime(d2, o2)) => {
            let us = |d: &chrono::NaiveDateTime, o: &Option<i32>| {
                d.and_utc().timestamp_micros() - offset_us(o)
            };
            Some(us(d1, o1).cmp(&us(d2, o2)))
        }
        _ => None,
    }
}

/// A bound owns nothing borrowed: the bound types are all plain data.
fn into_static(v: Value<'_>) -> Value<'static> {
    match v {
        Value::Null => Value::Null,
        Value::Integer(i) => Value::Integer(i),
        Value::Number(f) => Value::Number(f),
        Value::Boolean(b) => Value::Boolean(b),
        Value::Date(d) => Value::Date(d),
        Value::Time(t, o) => Value::Time(t, o),
        Value::Datetime(d, o) => Value::Datetime(d, o),
        Value::Year(y) => Value::Year(y),
        Value::YearMonth(y, m) => Value::YearMonth(y, m),
        Value::Duration { months, micros } => Value::Duration { months, micros },
        Value::GeoPoint { lon, lat } => Value::GeoPoint { lon, lat },
        Value::Json(j) => Value::Json(j),
        Value::String(s) => Value::Json(Json::String(s.to_string())),
        Value::List(items) => Value::List(items.into_iter().map(into_static).collect()),
    }
}

/// Python's `str()` of a JSON value as `json.loads` gives it: a string is
/// itself, anything else its `repr()`.
pub(crate) fn python_str(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => python_repr(other),
    }
}

/// Python's `repr()` of a JSON value as `json.loads` gives it:
/// `[5, 'a', True, None, {'k': 1.0}]`.
pub fn python_repr(v: &Json) -> String {
    match v {
        Json::Null => "None".into(),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::Number(n) => {
            if n.is_f64() {
                n.as_f64().map_or_else(|| n.to_string(), python_float_repr)
            } else {
                n.to_string()
            }
        }
        Json::String(s) => python_str_repr(s),
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(python_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Json::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", python_str_repr(k), python_repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// Python's `repr()` of a string: single quotes unless the text has a
/// single quote and no double quote; backslash escapes for the rest.
pub fn python_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let cp = c as u32;
                if cp < 0x100 {
                    out.push_str(&format!("\\x{cp:02x}"));
                } else {
                    out.push_str(&format!("\\u{cp:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_repr_matches_python() {
        // Notes verified with frictionless-py 5.21.
        assert_eq!(
            python_repr(&json!([5, 6, "7", 8.0, true, "x"])),
            "[5, 6, '7', 8.0, True, 'x']"
        );
        assert_eq!(
            python_repr(&json!([[2000, 1], "2000-02"])),
            "[[2000, 1], '2000-02']"
        );
        assert_eq!(python_repr(&json!([{"a": 1}])), "[{'a': 1}]");
        assert_eq!(python_repr(&json!([])), "[]");
        assert_eq!(
            python_repr(&json!([null, "it's", "a\"b", "a\nb"])),
            "[None, \"it's\", 'a\"b', 'a\\nb']"
        );
        assert_eq!(python_str(&json!("a.*")), "a.*");
        assert_eq!(python_str(&json!(10.0)), "10.0");
        assert_eq!(python_str(&json!(1e16)), "1e+16");
        assert_eq!(python_str(&json!(true)), "True");
    }

    #[test]
    fn supported_constraints_follow_frictionless() {
        assert_eq!(
            supported_constraints(&FieldType::Boolean),
            ["required", "enum"]
        );
        assert!(supported_constraints(&FieldType::String).contains(&"pattern"));
        assert!(!supported_constraints(&FieldType::Integer).contains(&"pattern"));
        assert!(!supported_constraints(&FieldType::Duration).contains(&"minimum"));
        assert!(!supported_constraints(&FieldType::List).contains(&"enum"));
    }
}
