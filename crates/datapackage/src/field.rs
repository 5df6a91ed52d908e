//! Table Schema fields: name, type, format, constraints and the per-type
//! options (`trueValues`, `decimalChar`, ...).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value as Json};

/// A field type as the Table Schema spec names it.
///
/// A type the spec does not know is kept as `Unknown` (rather than failing to
/// deserialize) so descriptor validation can point at it by path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum FieldType {
    #[default]
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
    Date,
    Time,
    Datetime,
    Year,
    Yearmonth,
    Duration,
    Geopoint,
    Geojson,
    Any,
    /// Table Schema v2 `list` (tolerated: read as a string list).
    List,
    Unknown(String),
}

impl FieldType {
    /// Every type the spec defines, in the order of the spec.
    pub const ALL: [FieldType; 16] = [
        FieldType::String,
        FieldType::Number,
        FieldType::Integer,
        FieldType::Boolean,
        FieldType::Object,
        FieldType::Array,
        FieldType::Date,
        FieldType::Time,
        FieldType::Datetime,
        FieldType::Year,
        FieldType::Yearmonth,
        FieldType::Duration,
        FieldType::Geopoint,
        FieldType::Geojson,
        FieldType::Any,
        FieldType::List,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            FieldType::String => "string",
            FieldType::Number => "number",
            FieldType::Integer => "integer",
            FieldType::Boolean => "boolean",
            FieldType::Object => "object",
            FieldType::Array => "array",
            FieldType::Date => "date",
            FieldType::Time => "time",
            FieldType::Datetime => "datetime",
            FieldType::Year => "year",
            FieldType::Yearmonth => "yearmonth",
            FieldType::Duration => "duration",
            FieldType::Geopoint => "geopoint",
            FieldType::Geojson => "geojson",
            FieldType::Any => "any",
            FieldType::List => "list",
            FieldType::Unknown(s) => s,
        }
    }

    pub fn parse(s: &str) -> FieldType {
        FieldType::ALL
            .iter()
            .find(|t| t.as_str() == s)
            .cloned()
            .unwrap_or_else(|| FieldType::Unknown(s.to_string()))
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, FieldType::Unknown(_))
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FieldType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FieldType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(FieldType::parse(&s))
    }
}

/// Field constraints. Bounds and `enum` members are kept as raw JSON because
/// their meaning depends on the field type (a date's `minimum` is a string).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Constraints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive_minimum: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive_maximum: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_: Option<Vec<Json>>,
    /// Properties this model does not know, kept for the round trip.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// A Table Schema field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    #[serde(default)]
    pub name: String,
    #[serde(rename = "type", default)]
    pub field_type: FieldType,
    /// `default`, `any`, a strftime-style pattern (dates and times), or one of
    /// `email uri uuid binary` (strings) and `array object` (geopoints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Json>,
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Per-field missing values (Table Schema v2); overrides the schema's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_values: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub true_values: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub false_values: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal_char: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_char: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bare_number: Option<bool>,
    /// Table Schema v2 `list` delimiter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Properties this model does not know (`rdfType`, custom keys, ...).
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

impl Field {
    pub fn new(name: impl Into<String>, field_type: FieldType) -> Field {
        Field {
            name: name.into(),
            field_type,
            ..Field::default()
        }
    }

    /// The format, with an absent one read as `default`.
    pub fn format_or_default(&self) -> &str {
        self.format.as_deref().unwrap_or("default")
    }

    pub fn is_required(&self) -> bool {
        self.constraints.required.unwrap_or(false)
    }

    pub fn is_unique(&self) -> bool {
        self.constraints.unique.unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_type_is_kept_for_validation() {
        let f: Field = serde_json::from_str(r#"{"name":"a","type":"integr"}"#).unwrap();
        assert_eq!(f.field_type, FieldType::Unknown("integr".into()));
        assert_eq!(serde_json::to_value(&f).unwrap()["type"], "integr");
    }

    #[test]
    fn unknown_properties_round_trip() {
        let src = r#"{"name":"a","type":"integer","rdfType":"http://x","constraints":{"minimum":1,"x-custom":true}}"#;
        let f: Field = serde_json::from_str(src).unwrap();
        // Every property survives with its value; known ones come first.
        let original: serde_json::Value = serde_json::from_str(src).unwrap();
        assert_eq!(serde_json::to_value(&f).unwrap(), original);
    }

    #[test]
    fn absent_type_means_string() {
        let f: Field = serde_json::from_str(r#"{"name":"a"}"#).unwrap();
        assert_eq!(f.field_type, FieldType::String);
    }
}
