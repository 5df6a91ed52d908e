//! Data Resource: where a table's bytes are and how to read them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value as Json};

use crate::dialect::Dialect;
use crate::package::{License, Source};
use crate::schema::Schema;

/// A resource `path`: one path or URL, or several that concatenate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourcePath {
    One(String),
    Many(Vec<String>),
}

impl ResourcePath {
    pub fn paths(&self) -> Vec<&str> {
        match self {
            ResourcePath::One(p) => vec![p.as_str()],
            ResourcePath::Many(ps) => ps.iter().map(String::as_str).collect(),
        }
    }
}

impl Serialize for ResourcePath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ResourcePath::One(p) => s.serialize_str(p),
            ResourcePath::Many(ps) => ps.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for ResourcePath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::One(p) => ResourcePath::One(p),
            OneOrMany::Many(ps) => ResourcePath::Many(ps),
        })
    }
}

/// Something a descriptor gives inline or by reference (a path or URL to a
/// JSON file), as `schema` and `dialect` may be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Inline<T> {
    Reference(String),
    Inline(T),
}

impl<T> Inline<T> {
    pub fn inline(&self) -> Option<&T> {
        match self {
            Inline::Inline(t) => Some(t),
            Inline::Reference(_) => None,
        }
    }
}

/// A Data Resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<ResourcePath>,
    /// Inline data (an array of rows or of objects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mediatype: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// `md5:...`, `sha256:...` or a bare MD5 hex digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialect: Option<Inline<Dialect>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Inline<Schema>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<License>,
    /// Properties this model does not know, kept for the round trip.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

impl Resource {
    /// The inline schema, if the resource has one.
    pub fn schema(&self) -> Option<&Schema> {
        self.schema.as_ref().and_then(Inline::inline)
    }

    /// The inline dialect, if the resource has one.
    pub fn dialect(&self) -> Option<&Dialect> {
        self.dialect.as_ref().and_then(Inline::inline)
    }

    /// The local or remote paths of the resource's bytes.
    pub fn paths(&self) -> Vec<&str> {
        self.path
            .as_ref()
            .map(ResourcePath::paths)
            .unwrap_or_default()
    }

    /// Whether the path (first path) is a URL rather than a file in the package.
    pub fn is_remote(&self) -> bool {
        self.paths().first().is_some_and(|p| is_url(p))
    }
}

/// Whether a descriptor path is a URL (`http://`, `https://`, ...).
pub fn is_url(path: &str) -> bool {
    let Some((scheme, _)) = path.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_inline_or_reference() {
        let r: Resource =
            serde_json::from_str(r#"{"name":"a","path":"a.csv","schema":"schema.json"}"#).unwrap();
        assert_eq!(r.schema, Some(Inline::Reference("schema.json".into())));
        let r: Resource =
            serde_json::from_str(r#"{"name":"a","path":["a.csv","b.csv"],"schema":{"fields":[]}}"#)
                .unwrap();
        assert!(r.schema().is_some());
        assert_eq!(r.paths(), vec!["a.csv", "b.csv"]);
    }

    #[test]
    fn urls_are_recognised() {
        assert!(is_url("https://example.com/a.csv"));
        assert!(!is_url("data/a.csv"));
        assert!(!is_url("://x"));
    }
}
