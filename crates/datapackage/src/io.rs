//! Reading and writing descriptors as JSON or YAML, finding the descriptor of
//! a package directory, and resolving a resource's local path on disk without
//! ever leaving the package.
//!
//! Reading goes text → `serde_json::Value` → model, so YAML and JSON share one
//! path, and when the model refuses a value we can walk the value again and
//! say where (`resources[0].bytes: must be a non-negative integer`) instead of
//! serde's place-less "invalid type".

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::dialect::Dialect;
use crate::error::{DescriptorError, Error};
use crate::package::Package;
use crate::resource::{is_url, Resource};
use crate::schema::Schema;
use crate::validate::safe_relative_path;

/// The names a package descriptor may have, in the order they are looked for.
pub const DESCRIPTOR_NAMES: [&str; 3] = ["datapackage.json", "datapackage.yaml", "datapackage.yml"];

/// The text format of a descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DescriptorFormat {
    Json,
    Yaml,
}

impl DescriptorFormat {
    /// The format a file name's extension says (`.json`, `.yaml`, `.yml`).
    pub fn from_path(path: &Path) -> Option<DescriptorFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(DescriptorFormat::Json),
            "yaml" | "yml" => Some(DescriptorFormat::Yaml),
            _ => None,
        }
    }

    /// Guess the format from the text itself: a JSON descriptor is an object,
    /// so it starts with `{`; anything else is read as YAML (of which JSON is
    /// nearly a subset anyway).
    pub fn sniff(text: &str) -> DescriptorFormat {
        match strip_bom(text).trim_start().chars().next() {
            Some('{') | Some('[') => DescriptorFormat::Json,
            _ => DescriptorFormat::Yaml,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            DescriptorFormat::Json => "json",
            DescriptorFormat::Yaml => "yaml",
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::package::Package {}
    impl Sealed for crate::resource::Resource {}
    impl Sealed for crate::schema::Schema {}
    impl Sealed for crate::dialect::Dialect {}
}

/// A descriptor this module reads and writes: a package, a resource, a Table
/// Schema or a dialect. Sealed, because writing relies on these types always
/// serializing (string keys only, no failing `Serialize` impl).
pub trait Descriptor: Serialize + DeserializeOwned + sealed::Sealed {
    /// The places where `value` does not fit this descriptor's model, used to
    /// explain a failed deserialization.
    fn shape_errors(value: &Json) -> Vec<DescriptorError>;
}

impl Descriptor for Package {
    fn shape_errors(value: &Json) -> Vec<DescriptorError> {
        let mut out = Vec::new();
        shape::package(value, "", &mut out);
        out
    }
}

impl Descriptor for Resource {
    fn shape_errors(value: &Json) -> Vec<DescriptorError> {
        let mut out = Vec::new();
        shape::resource(value, "", &mut out);
        out
    }
}

impl Descriptor for Schema {
    fn shape_errors(value: &Json) -> Vec<DescriptorError> {
        let mut out = Vec::new();
        shape::schema(value, "", &mut out);
        out
    }
}

impl Descriptor for Dialect {
    fn shape_errors(value: &Json) -> Vec<DescriptorError> {
        let mut out = Vec::new();
        shape::dialect(value, "", &mut out);
        out
    }
}

/// The descriptor of a package directory: `datapackage.json`, else
/// `datapackage.yaml`, else `datapackage.yml`.
pub fn find_descriptor(dir: &Path) -> Option<PathBuf> {
    DESCRIPTOR_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

/// Read a descriptor file, as JSON or YAML by its extension, or by its content
/// when the extension says neither.
pub fn read_descriptor<D: Descriptor>(path: &Path) -> Result<D, Error> {
    let origin = path.display().to_string();
    let text = fs::read_to_string(path).map_err(|source| Error::Io {
        path: origin.clone(),
        source,
    })?;
    let format =
        DescriptorFormat::from_path(path).unwrap_or_else(|| DescriptorFormat::sniff(&text));
    parse(&text, format, &origin)
}

pub fn read_package(path: &Path) -> Result<Package, Error> {
    read_descriptor(path)
}

pub fn read_resource(path: &Path) -> Result<Resource, Error> {
    read_descriptor(path)
}

/// Read a Table Schema file (`--schema FILE`).
pub fn read_schema(path: &Path) -> Result<Schema, Error> {
    read_descriptor(path)
}

pub fn read_dialect(path: &Path) -> Result<Dialect, Error> {
    read_descriptor(path)
}

/// Parse descriptor text of a known format.
pub fn descriptor_from_str<D: Descriptor>(
    text: &str,
    format: DescriptorFormat,
) -> Result<D, Error> {
    parse(text, format, "<input>")
}

pub fn package_from_str(text: &str, format: DescriptorFormat) -> Result<Package, Error> {
    descriptor_from_str(text, format)
}

pub fn resource_from_str(text: &str, format: DescriptorFormat) -> Result<Resource, Error> {
    descriptor_from_str(text, format)
}

pub fn schema_from_str(text: &str, format: DescriptorFormat) -> Result<Schema, Error> {
    descriptor_from_str(text, format)
}

/// Turn an already parsed JSON value into a descriptor, with pointed errors
/// when it does not fit the model.
pub fn descriptor_from_value<D: Descriptor>(value: &Json) -> Result<D, Error> {
    D::deserialize(value).map_err(|err| {
        let mut errors = D::shape_errors(value);
        if errors.is_empty() {
            // The shape walk mirrors the model; should they ever disagree,
            // serde's own words are still better than nothing.
            errors.push(DescriptorError::new("", err.to_string()));
        }
        Error::Invalid(errors)
    })
}

fn parse<D: Descriptor>(text: &str, format: DescriptorFormat, origin: &str) -> Result<D, Error> {
    let text = strip_bom(text);
    let value: Json = match format {
        DescriptorFormat::Json => serde_json::from_str(text).map_err(|source| Error::Json {
            path: origin.to_string(),
            source,
        })?,
        DescriptorFormat::Yaml => serde_yaml::from_str(text).map_err(|source| Error::Yaml {
            path: origin.to_string(),
            source,
        })?,
    };
    descriptor_from_value(&value)
}

/// Editors on Windows like to start UTF-8 files with a byte order mark, which
/// serde_json refuses.
fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// A descriptor as pretty JSON: two-space indent, properties in model order
/// then unknown ones in their original order, and a trailing newline.
pub fn to_json_string<D: Descriptor>(descriptor: &D) -> String {
    // The sealed descriptor types have string keys only and derive or
    // hand-write infallible `Serialize` impls, so this cannot fail.
    let mut text = serde_json::to_string_pretty(descriptor)
        .expect("descriptor types always serialize to JSON");
    text.push('\n');
    text
}

/// A descriptor as YAML (block style, ending with a newline).
pub fn to_yaml_string<D: Descriptor>(descriptor: &D) -> String {
    // As for JSON: every value the model holds has a YAML form.
    let text =
        serde_yaml::to_string(descriptor).expect("descriptor types always serialize to YAML");
    if text.ends_with('\n') {
        text
    } else {
        text + "\n"
    }
}

/// A descriptor in the given format.
pub fn to_string<D: Descriptor>(descriptor: &D, format: DescriptorFormat) -> String {
    match format {
        DescriptorFormat::Json => to_json_string(descriptor),
        DescriptorFormat::Yaml => to_yaml_string(descriptor),
    }
}

/// Resolve a resource's local `path` against the package directory, and
/// refuse anything that would end up outside it, including through symbolic
/// links.
///
/// The answer is absolute and canonical. The file itself need not exist (so
/// the same check serves `data get` writing files): the longest existing
/// prefix is canonicalized, and the rest, which has no `..` and does not exist
/// yet, cannot be a link. A dangling link is refused, since writing through it
/// would create a file wherever it points.
///
/// The error has an empty `path`; the caller knows which resource it is and
/// may set it.
pub fn resolve_local_path(base_dir: &Path, path: &str) -> Result<PathBuf, DescriptorError> {
    if is_url(path) {
        return Err(DescriptorError::new(
            "",
            format!("{path:?} is a URL, not a file in the package"),
        ));
    }
    safe_relative_path(path).map_err(|msg| DescriptorError::new("", msg))?;
    let base = fs::canonicalize(base_dir).map_err(|e| {
        DescriptorError::new(
            "",
            format!(
                "cannot open the package directory {}: {e}",
                base_dir.display()
            ),
        )
    })?;
    let outside = || {
        DescriptorError::new(
            "",
            format!("{path:?} leads outside the package directory (through a symbolic link)"),
        )
    };

    let segments: Vec<&str> = path.split('/').filter(|s| *s != ".").collect();
    let mut resolved = base.clone();
    for (i, segment) in segments.iter().enumerate() {
        let candidate = resolved.join(segment);
        if fs::symlink_metadata(&candidate).is_err() {
            // Nothing here yet: the rest is plain names under a checked
            // directory, so it cannot escape.
            for rest in &segments[i..] {
                resolved.push(rest);
            }
            return Ok(resolved);
        }
        resolved = fs::canonicalize(&candidate).map_err(|_| {
            DescriptorError::new("", format!("{path:?} goes through a broken symbolic link"))
        })?;
        if !resolved.starts_with(&base) {
            return Err(outside());
        }
    }
    if resolved == base {
        return Err(DescriptorError::new(
            "",
            format!("{path:?} does not name a file"),
        ));
    }
    Ok(resolved)
}

/// A walk over a JSON value that mirrors the model's serde shape, reporting
/// each value the model cannot take, with its place.
mod shape {
    use super::{DescriptorError, Json, Map};

    type Out = Vec<DescriptorError>;
    type Check = fn(&Json, &str, &mut Out);

    fn kind(value: &Json) -> &'static str {
        match value {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    fn at(prefix: &str, key: &str) -> String {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    }

    fn wrong(value: &Json, path: &str, expected: &str, out: &mut Out) {
        out.push(DescriptorError::new(
            path,
            format!("must be {expected}, not {}", kind(value)),
        ));
    }

    fn object<'a>(
        value: &'a Json,
        path: &str,
        what: &str,
        out: &mut Out,
    ) -> Option<&'a Map<String, Json>> {
        match value {
            Json::Object(map) => Some(map),
            other => {
                wrong(other, path, what, out);
                None
            }
        }
    }

    /// An `Option<T>` property: absent or null is fine.
    fn optional(map: &Map<String, Json>, key: &str, prefix: &str, out: &mut Out, check: Check) {
        match map.get(key) {
            None | Some(Json::Null) => {}
            Some(value) => check(value, &at(prefix, key), out),
        }
    }

    /// A property with a serde default (absent is fine, null is not).
    fn defaulted(map: &Map<String, Json>, key: &str, prefix: &str, out: &mut Out, check: Check) {
        if let Some(value) = map.get(key) {
            check(value, &at(prefix, key), out);
        }
    }

    /// A property the model requires.
    fn required(map: &Map<String, Json>, key: &str, prefix: &str, out: &mut Out, check: Check) {
        match map.get(key) {
            None => out.push(DescriptorError::new(at(prefix, key), "is required")),
            Some(value) => check(value, &at(prefix, key), out),
        }
    }

    fn list(value: &Json, path: &str, out: &mut Out, item: Check) {
        match value {
            Json::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    item(v, &format!("{path}[{i}]"), out);
                }
            }
            other => wrong(other, path, "an array", out),
        }
    }

    fn string(value: &Json, path: &str, out: &mut Out) {
        if !value.is_string() {
            wrong(value, path, "a string", out);
        }
    }

    fn boolean(value: &Json, path: &str, out: &mut Out) {
        if !value.is_boolean() {
            wrong(value, path, "true or false", out);
        }
    }

    fn count(value: &Json, path: &str, out: &mut Out) {
        if !value.is_u64() {
            wrong(value, path, "a non-negative integer", out);
        }
    }

    fn strings(value: &Json, path: &str, out: &mut Out) {
        list(value, path, out, string);
    }

    fn counts(value: &Json, path: &str, out: &mut Out) {
        list(value, path, out, count);
    }

    fn any(_: &Json, _: &str, _: &mut Out) {}

    fn array(value: &Json, path: &str, out: &mut Out) {
        if !value.is_array() {
            wrong(value, path, "an array", out);
        }
    }

    /// `"a"` or `["a", "b"]`, as `path` and `primaryKey` may be.
    fn string_or_strings(value: &Json, path: &str, out: &mut Out) {
        match value {
            Json::String(_) => {}
            Json::Array(_) => strings(value, path, out),
            other => wrong(other, path, "a string or an array of strings", out),
        }
    }

    fn strings_of(map: &Map<String, Json>, keys: &[&str], prefix: &str, out: &mut Out) {
        for key in keys {
            optional(map, key, prefix, out, string);
        }
    }

    fn license(value: &Json, path: &str, out: &mut Out) {
        if let Some(m) = object(value, path, "an object", out) {
            strings_of(m, &["name", "path", "title"], path, out);
        }
    }

    fn source(value: &Json, path: &str, out: &mut Out) {
        if let Some(m) = object(value, path, "an object", out) {
            strings_of(m, &["title", "path", "email"], path, out);
        }
    }

    fn contributor(value: &Json, path: &str, out: &mut Out) {
        if let Some(m) = object(value, path, "an object", out) {
            strings_of(
                m,
                &["title", "path", "email", "role", "organization"],
                path,
                out,
            );
        }
    }

    pub fn package(value: &Json, path: &str, out: &mut Out) {
        let Some(m) = object(value, path, "an object (a Data Package descriptor)", out) else {
            return;
        };
        strings_of(
            m,
            &[
                "name",
                "id",
                "title",
                "description",
                "homepage",
                "version",
                "profile",
            ],
            path,
            out,
        );
        defaulted(m, "licenses", path, out, |v, p, o| list(v, p, o, license));
        defaulted(m, "sources", path, out, |v, p, o| list(v, p, o, source));
        defaulted(m, "contributors", path, out, |v, p, o| {
            list(v, p, o, contributor)
        });
        defaulted(m, "keywords", path, out, strings);
        defaulted(m, "resources", path, out, |v, p, o| list(v, p, o, resource));
    }

    pub fn resource(value: &Json, path: &str, out: &mut Out) {
        let Some(m) = object(value, path, "an object (a Data Resource)", out) else {
            return;
        };
        defaulted(m, "name", path, out, string);
        optional(m, "path", path, out, string_or_strings);
        strings_of(
            m,
            &[
                "profile",
                "title",
                "description",
                "format",
                "mediatype",
                "encoding",
                "hash",
            ],
            path,
            out,
        );
        optional(m, "bytes", path, out, count);
        optional(m, "dialect", path, out, |v, p, o| match v {
            Json::String(_) => {}
            Json::Object(_) => dialect(v, p, o),
            other => wrong(other, p, "an object or the path of a dialect file", o),
        });
        optional(m, "schema", path, out, |v, p, o| match v {
            Json::String(_) => {}
            Json::Object(_) => schema(v, p, o),
            other => wrong(other, p, "an object or the path of a schema file", o),
        });
        defaulted(m, "sources", path, out, |v, p, o| list(v, p, o, source));
        defaulted(m, "licenses", path, out, |v, p, o| list(v, p, o, license));
    }

    pub fn dialect(value: &Json, path: &str, out: &mut Out) {
        let Some(m) = object(value, path, "an object (a CSV dialect)", out) else {
            return;
        };
        strings_of(
            m,
            &[
                "delimiter",
                "lineTerminator",
                "quoteChar",
                "escapeChar",
                "nullSequence",
                "commentChar",
                "sheetName",
            ],
            path,
            out,
        );
        for key in [
            "doubleQuote",
            "skipInitialSpace",
            "header",
            "caseSensitiveHeader",
        ] {
            optional(m, key, path, out, boolean);
        }
        optional(m, "headerRows", path, out, counts);
        optional(m, "sheetNumber", path, out, count);
    }

    pub fn schema(value: &Json, path: &str, out: &mut Out) {
        let Some(m) = object(value, path, "an object (a Table Schema)", out) else {
            return;
        };
        defaulted(m, "fields", path, out, |v, p, o| list(v, p, o, field));
        optional(m, "missingValues", path, out, strings);
        optional(m, "primaryKey", path, out, string_or_strings);
        defaulted(m, "foreignKeys", path, out, |v, p, o| {
            list(v, p, o, foreign_key)
        });
    }

    fn foreign_key(value: &Json, path: &str, out: &mut Out) {
        let Some(m) = object(value, path, "an object", out) else {
            return;
        };
        required(m, "fields", path, out, string_or_strings);
        required(m, "reference", path, out, |v, p, o| {
            if let Some(r) = object(v, p, "an object", o) {
                optional(r, "resource", p, o, string);
                required(r, "fields", p, o, string_or_strings);
            }
        });
    }

    fn field(value: &Json, path: &str, out: &mut Out) {
        let Some(m) = object(value, path, "an object (a field)", out) else {
            return;
        };
        defaulted(m, "name", path, out, string);
        defaulted(m, "type", path, out, string);
        strings_of(
            m,
            &[
                "format",
                "title",
                "description",
                "decimalChar",
                "groupChar",
                "delimiter",
            ],
            path,
            out,
        );
        optional(m, "example", path, out, any);
        defaulted(m, "constraints", path, out, constraints);
        for key in ["missingValues", "trueValues", "falseValues"] {
            optional(m, key, path, out, strings);
        }
        optional(m, "bareNumber", path, out, boolean);
    }

    fn constraints(value: &Json, path: &str, out: &mut Out) {
        let Some(m) = object(value, path, "an object", out) else {
            return;
        };
        optional(m, "required", path, out, boolean);
        optional(m, "unique", path, out, boolean);
        optional(m, "pattern", path, out, string);
        optional(m, "enum", path, out, array);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(result: Result<Package, Error>) -> Vec<String> {
        match result {
            Err(Error::Invalid(errors)) => errors.iter().map(ToString::to_string).collect(),
            other => panic!("expected Error::Invalid, got {other:?}"),
        }
    }

    #[test]
    fn format_from_extension_and_content() {
        assert_eq!(
            DescriptorFormat::from_path(Path::new("a/datapackage.JSON")),
            Some(DescriptorFormat::Json)
        );
        assert_eq!(
            DescriptorFormat::from_path(Path::new("datapackage.yml")),
            Some(DescriptorFormat::Yaml)
        );
        assert_eq!(DescriptorFormat::from_path(Path::new("descriptor")), None);
        assert_eq!(
            DescriptorFormat::sniff("\u{feff}  {\"a\":1}"),
            DescriptorFormat::Json
        );
        assert_eq!(DescriptorFormat::sniff("name: x\n"), DescriptorFormat::Yaml);
    }

    #[test]
    fn json_and_yaml_read_the_same_package() {
        let json = r#"{"name":"p","resources":[{"name":"a","path":"a.csv","schema":{"fields":[{"name":"id","type":"integer"}]}}]}"#;
        let yaml = "name: p\nresources:\n- name: a\n  path: a.csv\n  schema:\n    fields:\n    - name: id\n      type: integer\n";
        let a = package_from_str(json, DescriptorFormat::Json).unwrap();
        let b = package_from_str(yaml, DescriptorFormat::Yaml).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.resources[0].schema().unwrap().fields[0].name, "id");
    }

    #[test]
    fn bom_is_ignored() {
        let p = package_from_str("\u{feff}{\"name\":\"p\"}", DescriptorFormat::Json).unwrap();
        assert_eq!(p.name.as_deref(), Some("p"));
    }

    #[test]
    fn json_output_is_pretty_with_trailing_newline() {
        let p = package_from_str(
            r#"{"name":"p","x-custom":{"a":[1,2]},"resources":[]}"#,
            DescriptorFormat::Json,
        )
        .unwrap();
        let text = to_json_string(&p);
        assert_eq!(
            text,
            "{\n  \"name\": \"p\",\n  \"resources\": [],\n  \"x-custom\": {\n    \"a\": [\n      1,\n      2\n    ]\n  }\n}\n"
        );
        let yaml = to_yaml_string(&p);
        assert!(yaml.ends_with('\n'));
        assert_eq!(package_from_str(&yaml, DescriptorFormat::Yaml).unwrap(), p);
    }

    #[test]
    fn syntax_errors_keep_their_format() {
        assert!(matches!(
            package_from_str("{\"name\": ", DescriptorFormat::Json),
            Err(Error::Json { .. })
        ));
        assert!(matches!(
            package_from_str("name: [unclosed", DescriptorFormat::Yaml),
            Err(Error::Yaml { .. })
        ));
    }

    #[test]
    fn model_mismatches_are_pointed() {
        let errors = invalid(package_from_str(
            r#"{"resources":[{"name":"a","path":"a.csv"},{"name":"b","bytes":"12","path":5,
                "schema":{"fields":[{"name":"x","constraints":{"required":"yes"}}],"missingValues":["", 0]}}]}"#,
            DescriptorFormat::Json,
        ));
        assert_eq!(
            errors,
            vec![
                "resources[1].path: must be a string or an array of strings, not a number",
                "resources[1].bytes: must be a non-negative integer, not a string",
                "resources[1].schema.fields[0].constraints.required: must be true or false, not a string",
                "resources[1].schema.missingValues[1]: must be a string, not a number",
            ]
        );
    }

    #[test]
    fn descriptor_must_be_an_object() {
        assert_eq!(
            invalid(package_from_str("[1]", DescriptorFormat::Json)),
            vec!["must be an object (a Data Package descriptor), not an array"]
        );
        let errors = invalid(package_from_str(
            r#"{"resources":[{"name":"a","data":[],"schema":{"fields":[],"foreignKeys":[{"fields":"a"}]}}]}"#,
            DescriptorFormat::Json,
        ));
        assert_eq!(
            errors,
            vec!["resources[0].schema.foreignKeys[0].reference: is required"]
        );
    }

    #[test]
    fn schema_file_reads_by_extension_or_content() {
        let dir = tempfile::tempdir().unwrap();
        let yaml = dir.path().join("schema.yaml");
        fs::write(
            &yaml,
            "fields:\n- name: a\n  type: date\n  format: '%d/%m/%Y'\n",
        )
        .unwrap();
        let schema = read_schema(&yaml).unwrap();
        assert_eq!(schema.fields[0].format.as_deref(), Some("%d/%m/%Y"));
        let sniffed = dir.path().join("schema.txt");
        fs::write(&sniffed, to_json_string(&schema)).unwrap();
        assert_eq!(read_schema(&sniffed).unwrap(), schema);
        assert!(matches!(
            read_schema(&dir.path().join("missing.json")),
            Err(Error::Io { .. })
        ));
    }

    #[test]
    fn find_descriptor_prefers_json() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(find_descriptor(dir.path()), None);
        fs::write(dir.path().join("datapackage.yml"), "resources: []\n").unwrap();
        assert_eq!(
            find_descriptor(dir.path()),
            Some(dir.path().join("datapackage.yml"))
        );
        fs::write(dir.path().join("datapackage.yaml"), "resources: []\n").unwrap();
        assert_eq!(
            find_descriptor(dir.path()),
            Some(dir.path().join("datapackage.yaml"))
        );
        fs::write(dir.path().join("datapackage.json"), "{}").unwrap();
        assert_eq!(
            find_descriptor(dir.path()),
            Some(dir.path().join("datapackage.json"))
        );
    }

    #[test]
    fn local_paths_resolve_inside_the_package() {
        let dir = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir(base.join("data")).unwrap();
        fs::write(base.join("data/a.csv"), "x\n").unwrap();
        assert_eq!(
            resolve_local_path(dir.path(), "data/a.csv").unwrap(),
            base.join("data/a.csv")
        );
        assert_eq!(
            resolve_local_path(dir.path(), "./data/a.csv").unwrap(),
            base.join("data/a.csv")
        );
        // Not there yet (as when `data get` is about to write it): still fine.
        assert_eq!(
            resolve_local_path(dir.path(), "data/new/b.csv").unwrap(),
            base.join("data/new/b.csv")
        );
        for bad in [
            "../x.csv",
            "/etc/passwd",
            "data/../../x",
            "https://example.com/a.csv",
            ".",
        ] {
            assert!(resolve_local_path(dir.path(), bad).is_err(), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_cannot_leave_the_package() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.csv"), "x\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(dir.path()).unwrap();
        symlink(outside.path(), base.join("link")).unwrap();
        symlink(outside.path().join("secret.csv"), base.join("file.csv")).unwrap();
        symlink(outside.path().join("nothing"), base.join("dangling")).unwrap();
        fs::write(base.join("real.csv"), "x\n").unwrap();
        symlink(base.join("real.csv"), base.join("inside.csv")).unwrap();

        let err = resolve_local_path(dir.path(), "link/secret.csv").unwrap_err();
        assert!(err.message.contains("outside the package"), "{err}");
        assert!(resolve_local_path(dir.path(), "file.csv").is_err());
        assert!(resolve_local_path(dir.path(), "link/new.csv").is_err());
        let err = resolve_local_path(dir.path(), "dangling").unwrap_err();
        assert!(err.message.contains("broken symbolic link"), "{err}");
        assert_eq!(
            resolve_local_path(dir.path(), "inside.csv").unwrap(),
            base.join("real.csv")
        );
    }
}
