//! How each field type reads a cell (and a JSON value: a constraint bound,
//! an `enum` member, an `array` item).

use chrono::NaiveDate;
use serde_json::Value as Json;

use crate::error::DescriptorError;
use crate::field::{Field, FieldType};
use crate::value::Value;

use super::constraints::ReadJson;
use super::geo::{self, GeoJsonFormat, GeoPointFormat};
use super::number::{self, NumberOptions};
use super::strptime::Strptime;
use super::{duration, fuzzy, iso, text};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum StringFormat {
    Default,
    Email,
    Uri,
    Uuid,
    Binary,
    Wkt,
}

/// `default`, `any`, or a strptime pattern.
#[derive(Debug, Clone)]
pub(crate) enum TemporalFormat {
    Default,
    /// Free text, with missing parts taken from this day.
    Any(NaiveDate),
    Pattern(Box<Strptime>),
}

impl TemporalFormat {
    fn new(format: &str, today: NaiveDate) -> TemporalFormat {
        match format {
            "default" => TemporalFormat::Default,
            "any" => TemporalFormat::Any(today),
            pattern => TemporalFormat::Pattern(Box::new(Strptime::new(pattern))),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Booleans {
    /// `true True TRUE 1` / `false False FALSE 0`
    Default,
    /// Later entries win, and false values are added after true values, as
    /// in frictionless' mapping.
    Custom(Vec<(Box<str>, bool)>),
}

impl Booleans {
    #[inline]
    pub(crate) fn read(&self, cell: &str) -> Option<bool> {
        match self {
            Booleans::Default => match cell {
                "true" | "True" | "TRUE" | "1" => Some(true),
                "false" | "False" | "FALSE" | "0" => Some(false),
                _ => None,
            },
            Booleans::Custom(map) => map
                .iter()
                .rev()
                .find(|(k, _)| **k == *cell)
                .map(|(_, v)| *v),
        }
    }
}

/// The per-type reading of a cell.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    String(StringFormat),
    Integer(NumberOptions),
    Number(NumberOptions),
    Boolean(Booleans),
    Object,
    Array,
    Date(TemporalFormat),
    Time(TemporalFormat),
    Datetime(TemporalFormat),
    Year,
    YearMonth,
    Duration,
    GeoPoint(GeoPointFormat),
    GeoJson(GeoJsonFormat),
    Any,
    List {
        delimiter: Box<str>,
        item: Box<Kind>,
    },
}

/// The item types a `list` may have (Table Schema v2).
const LIST_ITEM_TYPES: [FieldType; 7] = [
    FieldType::String,
    FieldType::Integer,
    FieldType::Boolean,
    FieldType::Number,
    FieldType::Datetime,
    FieldType::Date,
    FieldType::Time,
];

impl Kind {
    pub(crate) fn new(
        field: &Field,
        format: &str,
        today: NaiveDate,
    ) -> Result<Kind, DescriptorError> {
        let numbers = || NumberOptions {
            bare_number: field.bare_number.unwrap_or(true),
            group_char: field.group_char.clone().unwrap_or_default(),
            decimal_char: field.decimal_char.clone().unwrap_or_else(|| ".".into()),
        };
        Ok(match &field.field_type {
            FieldType::String => Kind::String(match format {
                "email" => StringFormat::Email,
                "uri" => StringFormat::Uri,
                "uuid" => StringFormat::Uuid,
                "binary" => StringFormat::Binary,
                "wkt" => StringFormat::Wkt,
                // frictionless reads any other format as `default`.
                _ => StringFormat::Default,
            }),
            FieldType::Integer => Kind::Integer(numbers()),
            FieldType::Number => Kind::Number(numbers()),
            FieldType::Boolean => {
                if field.true_values.is_none() && field.false_values.is_none() {
                    Kind::Boolean(Booleans::Default)
                } else {
                    let defaults = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
                    let trues = field
                        .true_values
                        .clone()
                        .unwrap_or_else(|| defaults(&["true", "True", "TRUE", "1"]));
                    let falses = field
                        .false_values
                        .clone()
                        .unwrap_or_else(|| defaults(&["false", "False", "FALSE", "0"]));
                    let map = trues
                        .into_iter()
                        .map(|v| (v.into_boxed_str(), true))
                        .chain(falses.into_iter().map(|v| (v.into_boxed_str(), false)))
                        .collect();
                    Kind::Boolean(Booleans::Custom(map))
                }
            }
            FieldType::Object => Kind::Object,
            FieldType::Array => Kind::Array,
            FieldType::Date => Kind::Date(TemporalFormat::new(format, today)),
            FieldType::Time => Kind::Time(TemporalFormat::new(format, today)),
            FieldType::Datetime => Kind::Datetime(TemporalFormat::new(format, today)),
            FieldType::Year => Kind::Year,
            FieldType::Yearmonth => Kind::YearMonth,
            FieldType::Duration => Kind::Duration,
            FieldType::Geopoint => Kind::GeoPoint(match format {
                "default" => GeoPointFormat::Default,
                "array" => GeoPointFormat::Array,
                "object" => GeoPointFormat::Object,
                _ => GeoPointFormat::Unknown,
            }),
            FieldType::Geojson => Kind::GeoJson(match format {
                "default" => GeoJsonFormat::Default,
                "topojson" => GeoJsonFormat::TopoJson,
                _ => GeoJsonFormat::Unchecked,
            }),
            FieldType::Any => Kind::Any,
            FieldType::List => {
                let delimiter = field.delimiter.clone().unwrap_or_else(|| ",".into());
                if delimiter.is_empty() {
                    return Err(DescriptorError::new(
                        "delimiter",
                        "the list delimiter is empty",
                    ));
                }
                let item_type = list_item_type(field)?;
                // Items are read in the default format of their type.
                let item_field = Field::new(field.name.clone(), item_type);
                Kind::List {
                    delimiter: delimiter.into_boxed_str(),
                    item: Box::new(Kind::new(&item_field, "default", today)?),
                }
            }
            FieldType::Unknown(t) => {
                return Err(DescriptorError::new(
                    "type",
                    format!("unknown field type \"{t}\""),
                ))
            }
        })
    }

    /// Reads a (non-missing) cell; `None` is a type error.
    #[inline]
    pub(crate) fn cast<'a>(&self, cell: &'a str) -> Option<Value<'a>> {
        Some(match self {
            Kind::String(format) => {
                let ok = match format {
                    StringFormat::Default => true,
                    StringFormat::Email => text::is_email(cell),
                    StringFormat::Uri => text::is_uri(cell),
                    StringFormat::Uuid => text::is_uuid(cell),
                    StringFormat::Binary => text::is_base64(cell),
                    StringFormat::Wkt => text::is_wkt(cell),
                };
                if !ok {
                    return None;
                }
                Value::String(cell)
            }
            Kind::Integer(opts) => Value::Integer(number::cast_integer(cell, opts)?),
            Kind::Number(opts) => Value::Number(number::cast_number(cell, opts)?),
            Kind::Boolean(b) => Value::Boolean(b.read(cell)?),
            Kind::Object => match serde_json::from_str::<Json>(cell).ok()? {
                v @ Json::Object(_) => Value::Json(v),
                _ => return None,
            },
            Kind::Array => match serde_json::from_str::<Json>(cell).ok()? {
                v @ Json::Array(_) => Value::Json(v),
                _ => return None,
            },
            Kind::Date(format) => Value::Date(match format {
                TemporalFormat::Default => iso::parse_default_date(cell)?,
                TemporalFormat::Any(today) => fuzzy::parse_any(cell, *today)?.0.date(),
                TemporalFormat::Pattern(p) => p.parse(cell)?.date,
            }),
            Kind::Time(format) => {
                let (t, offset) = match format {
                    TemporalFormat::Default => iso::parse_default_time(cell)?,
                    TemporalFormat::Any(today) => fuzzy::parse_any_time(cell, *today)?,
                    TemporalFormat::Pattern(p) => {
                        let parsed = p.parse(cell)?;
                        (parsed.time, parsed.offset)
                    }
                };
                Value::Time(t, offset)
            }
            Kind::Datetime(format) => {
                let (dt, offset) = match format {
                    TemporalFormat::Default => iso::parse_default_datetime(cell)?,
                    TemporalFormat::Any(today) => fuzzy::parse_any(cell, *today)?,
                    TemporalFormat::Pattern(p) => {
                        let parsed = p.parse(cell)?;
                        (parsed.date.and_time(parsed.time), parsed.offset)
                    }
                };
                Value::Datetime(dt, offset)
            }
            Kind::Year => Value::Year(duration::cast_year(cell)?),
            Kind::YearMonth => {
                let (y, m) = duration::cast_yearmonth(cell)?;
                Value::YearMonth(y, m)
            }
            Kind::Duration => {
                let (months, micros) = duration::cast_duration(cell)?;
                Value::Duration { months, micros }
            }
            Kind::GeoPoint(format) => {
                let (lon, lat) = geo::cast_geopoint(cell, *format)?;
                Value::GeoPoint { lon, lat }
            }
            Kind::GeoJson(format) => {
                let v: Json = serde_json::from_str(cell).ok()?;
                if !geo::is_geojson(&v, *format) {
                    return None;
                }
                Value::Json(v)
            }
            Kind::Any => Value::String(cell),
            Kind::List { delimiter, item } => {
                let items: Option<Vec<Value<'a>>> = cell
                    .split(&**delimiter)
                    .map(|part| item.cast(part))
                    .collect();
                Value::List(items?)
            }
        })
    }

    /// Whether a (non-missing) cell reads as a value of this kind: exactly
    /// `self.cast(cell).is_some()`, without building the value for the
    /// common kinds (inference asks this of every cell and candidate).
    #[inline]
    pub(crate) fn fits(&self, cell: &str) -> bool {
        match self {
            Kind::String(StringFormat::Default) | Kind::Any => true,
            Kind::Integer(opts) => number::cast_integer(cell, opts).is_some(),
            Kind::Number(opts) => number::cast_number(cell, opts).is_some(),
            Kind::Boolean(b) => b.read(cell).is_some(),
            Kind::Date(TemporalFormat::Default) => iso::parse_default_date(cell).is_some(),
            Kind::Time(TemporalFormat::Default) => iso::parse_default_time(cell).is_some(),
            Kind::Datetime(TemporalFormat::Default) => iso::parse_default_datetime(cell).is_some(),
            Kind::Year => duration::cast_year(cell).is_some(),
            Kind::YearMonth => duration::cast_yearmonth(cell).is_some(),
            other => other.cast(cell).is_some(),
        }
    }

    /// Reads a JSON value (a constraint bound, an `enum` member, an array
    /// item) as frictionless' value readers read non-text input.
    pub(crate) fn cast_json<'v>(&self, v: &'v Json) -> Option<Value<'v>> {
        if let Json::String(s) = v {
            // Text reads like a cell, except `any`, which keeps it.
            return self.cast(s);
        }
        Some(match (self, v) {
            (Kind::Integer(_), Json::Number(n)) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => Value::Integer(i128::from(i)),
                (_, Some(u), _) => Value::Integer(i128::from(u)),
                (_, _, Some(f)) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1.0e38 => {
                    Value::Integer(f as i128)
                }
                _ => return None,
            },
            (Kind::Number(_), Json::Number(n)) => Value::Number(n.as_f64()?),
            (Kind::Boolean(_), Json::Bool(b)) => Value::Boolean(*b),
            (Kind::Object, Json::Object(_)) | (Kind::Array, Json::Array(_)) => {
                Value::Json(v.clone())
            }
            // Python's `bool` is an `int`, which the year reader accepts.
            (Kind::Year, Json::Bool(b)) => Value::Year(i32::from(*b)),
            (Kind::Year, Json::Number(n)) => {
                let y = n.as_i64().filter(|y| (0..=9999).contains(y))?;
                Value::Year(y as i32)
            }
            (Kind::YearMonth, Json::Array(items)) if items.len() == 2 => {
                let y = i32::try_from(items[0].as_i64()?).ok()?;
                let m = u32::try_from(items[1].as_i64()?).ok()?;
                Value::YearMonth(y, m)
            }
            (Kind::GeoPoint(format), _) => {
                let (lon, lat) = geo::json_geopoint(v, *format)?;
                Value::GeoPoint { lon, lat }
            }
            (Kind::GeoJson(format), Json::Object(_)) => {
                if !geo::is_geojson(v, *format) {
                    return None;
                }
                Value::Json(v.clone())
            }
            (Kind::Any, _) => Value::Json(v.clone()),
            (Kind::List { item, .. }, Json::Array(items)) => {
                let items: Option<Vec<Value<'v>>> =
                    items.iter().map(|i| item.cast_json(i)).collect();
                Value::List(items?)
            }
            _ => return None,
        })
    }
}

impl ReadJson for Kind {
    fn read_json<'v>(&self, v: &'v Json) -> Option<Value<'v>> {
        self.cast_json(v)
    }
}

pub(crate) fn list_item_type(field: &Field) -> Result<FieldType, DescriptorError> {
    let Some(item) = field.extra.get("itemType") else {
        return Ok(FieldType::String);
    };
    let t = item.as_str().map(FieldType::parse);
    match t {
        Some(t) if LIST_ITEM_TYPES.contains(&t) => Ok(t),
        _ => Err(DescriptorError::new(
            "itemType",
            format!(
                "{} is not one of string, integer, boolean, number, datetime, date, time",
                item
            ),
        )),
    }
}
