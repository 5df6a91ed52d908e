//! Table Schema: fields, missing values, primary and foreign keys.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value as Json};

use crate::field::Field;

/// The missing values a schema has when it declares none.
pub fn default_missing_values() -> Vec<String> {
    vec![String::new()]
}

/// One field name or a list of them: `"primaryKey": "id"` and
/// `"primaryKey": ["a", "b"]` are both valid.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldNames {
    pub names: Vec<String>,
    /// Whether the descriptor wrote a single string (kept for the round trip).
    pub single: bool,
}

impl FieldNames {
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl Serialize for FieldNames {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.single && self.names.len() == 1 {
            s.serialize_str(&self.names[0])
        } else {
            self.names.serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for FieldNames {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::One(s) => FieldNames {
                names: vec![s],
                single: true,
            },
            OneOrMany::Many(names) => FieldNames {
                names,
                single: false,
            },
        })
    }
}

/// The referenced side of a foreign key. An empty (or absent) `resource`
/// means the resource that declares the key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ForeignKeyReference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    pub fields: FieldNames,
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub fields: FieldNames,
    pub reference: ForeignKeyReference,
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

/// A Table Schema.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_values: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<FieldNames>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

impl Schema {
    pub fn new(fields: Vec<Field>) -> Schema {
        Schema {
            fields,
            ..Schema::default()
        }
    }

    /// The missing values in force: the declared ones or `[""]`.
    pub fn missing_values(&self) -> Vec<String> {
        self.missing_values
            .clone()
            .unwrap_or_else(default_missing_values)
    }

    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }

    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub fn primary_key(&self) -> &[String] {
        self.primary_key
            .as_ref()
            .map(|k| k.names.as_slice())
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_key_string_or_list_round_trips() {
        for src in [
            r#"{"fields":[{"name":"id","type":"integer"}],"primaryKey":"id"}"#,
            r#"{"fields":[{"name":"id","type":"integer"}],"primaryKey":["id"]}"#,
        ] {
            let s: Schema = serde_json::from_str(src).unwrap();
            assert_eq!(s.primary_key(), ["id".to_string()]);
            assert_eq!(serde_json::to_string(&s).unwrap(), src);
        }
    }

    #[test]
    fn missing_values_default_to_empty_string() {
        let s: Schema = serde_json::from_str(r#"{"fields":[]}"#).unwrap();
        assert_eq!(s.missing_values(), vec![String::new()]);
    }
}
