//! Descriptor validation: what a package, resource or Table Schema says must
//! make sense before any table is read.
//!
//! Every problem is reported, each with the place it is at
//! (`resources[1].schema.fields[3].type: unknown type "integr"`). The rules
//! follow the v1 Data Package / Table Schema profiles and frictionless-py's
//! own checks, tolerate the v2 additions (`$schema`, `exclusiveMinimum`,
//! `list`, `headerRows`, ...), and are stricter where a loose descriptor would
//! only fail later and less clearly (paths that leave the package, regular
//! expressions that do not compile, date patterns with unknown directives).
//!
//! Value types the model enforces (a `missingValues` entry that is not a
//! string, `bytes` that is not a count) are reported when the descriptor is
//! read, by `io`.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use crate::dialect::Dialect;
use crate::error::DescriptorError;
use crate::field::{Field, FieldType};
use crate::package::{Contributor, License, Package, Source};
use crate::resource::{is_url, Inline, Resource, ResourcePath};
use crate::schema::{FieldNames, Schema};

/// Which Data Package standard a descriptor follows, from its `$schema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standard {
    /// No `$schema`, or a v1 profile: v1 rules (names have a pattern).
    V1,
    /// A v2 profile, or a custom one whose version nobody knows: the laxer
    /// superset.
    V2OrCustom,
}

impl Standard {
    fn of(extra: &Map<String, Json>) -> Standard {
        match extra.get("$schema").and_then(Json::as_str) {
            None => Standard::V1,
            Some(url)
                if url.contains("/profiles/1.0/") || url.contains("specs.frictionlessdata.io") =>
            {
                Standard::V1
            }
            Some(_) => Standard::V2OrCustom,
        }
    }
}

/// Validate a whole package: its own properties, every resource, the
/// uniqueness of resource names and the targets of foreign keys.
pub fn validate_package(package: &Package) -> Vec<DescriptorError> {
    let mut out = Vec::new();
    let standard = Standard::of(&package.extra);

    if let Some(name) = &package.name {
        check_name_for(name, standard, "name", &mut out);
    }
    check_profile(
        package.profile.as_deref(),
        &[
            "data-package",
            "tabular-data-package",
            "fiscal-data-package",
        ],
        "profile",
        &mut out,
    );
    if let Some(created) = package.extra.get("created").and_then(Json::as_str) {
        if !is_datetime(created) {
            out.push(DescriptorError::new(
                "created",
                format!("{created:?} is not an ISO 8601 datetime (e.g. 2024-01-31T12:00:00Z)"),
            ));
        }
    }
    check_licenses(&package.licenses, "", &mut out);
    check_sources(&package.sources, "", &mut out);
    check_contributors(&package.contributors, &mut out);
    for key in ["missingValues", "fields"] {
        if package.extra.contains_key(key) {
            out.push(DescriptorError::new(
                key,
                format!(
                    "belongs in a resource's schema (resources[].schema.{key}), not in the package"
                ),
            ));
        }
    }

    if package.resources.is_empty() {
        out.push(DescriptorError::new(
            "resources",
            "a package needs at least one resource",
        ));
    }
    let mut first_index: HashMap<&str, usize> = HashMap::new();
    for (i, resource) in package.resources.iter().enumerate() {
        let prefix = format!("resources[{i}]");
        validate_resource_as(resource, &prefix, standard, &mut out);
        if resource.name.is_empty() {
            continue;
        }
        if let Some(first) = first_index.get(resource.name.as_str()) {
            out.push(DescriptorError::new(
                format!("{prefix}.name"),
                format!(
                    "duplicate resource name {:?} (also resources[{first}])",
                    resource.name
                ),
            ));
        } else {
            first_index.insert(&resource.name, i);
        }
        if package.profile.as_deref() == Some("tabular-data-package")
            && resource.profile.as_deref() != Some("tabular-data-resource")
        {
            out.push(DescriptorError::new(
                format!("{prefix}.profile"),
                "a \"tabular-data-package\" needs every resource to be a \"tabular-data-resource\"",
            ));
        }
    }
    for (i, resource) in package.resources.iter().enumerate() {
        check_foreign_key_targets(
            package,
            resource,
            &format!("resources[{i}].schema"),
            &mut out,
        );
    }
    out
}

/// Validate one resource. `path_prefix` is where it sits (`resources[1]`),
/// or empty for a standalone resource descriptor.
pub fn validate_resource(resource: &Resource, path_prefix: &str) -> Vec<DescriptorError> {
    let mut out = Vec::new();
    validate_resource_as(
        resource,
        path_prefix,
        Standard::of(&resource.extra),
        &mut out,
    );
    out
}

fn validate_resource_as(
    resource: &Resource,
    prefix: &str,
    standard: Standard,
    out: &mut Vec<DescriptorError>,
) {
    let name_at = at(prefix, "name");
    if resource.name.is_empty() {
        out.push(DescriptorError::new(name_at, "a resource needs a name"));
    } else {
        check_name_for(&resource.name, standard, &name_at, out);
    }

    match (&resource.path, &resource.data) {
        (None, None) => out.push(DescriptorError::new(
            prefix,
            "a resource needs \"path\" or \"data\"",
        )),
        (Some(_), Some(_)) => out.push(DescriptorError::new(
            prefix,
            "\"path\" and \"data\" are mutually exclusive",
        )),
        _ => {}
    }
    if let Some(path) = &resource.path {
        check_resource_path(path, &at(prefix, "path"), out);
    }
    if let Some(data) = &resource.data {
        if !(data.is_array() || data.is_object()) {
            out.push(DescriptorError::new(
                at(prefix, "data"),
                "inline data must be an array (of rows or of objects) or an object",
            ));
        }
    }

    check_profile(
        resource.profile.as_deref(),
        &["data-resource", "tabular-data-resource"],
        &at(prefix, "profile"),
        out,
    );
    if resource.profile.as_deref() == Some("tabular-data-resource") && resource.schema.is_none() {
        out.push(DescriptorError::new(
            at(prefix, "schema"),
            "a \"tabular-data-resource\" needs a schema",
        ));
    }
    if let Some(mediatype) = &resource.mediatype {
        if !is_mediatype(mediatype) {
            out.push(DescriptorError::new(
                at(prefix, "mediatype"),
                format!("{mediatype:?} is not a media type (like text/csv)"),
            ));
        }
    }
    if let Some(hash) = &resource.hash {
        if let Err(msg) = check_hash(hash) {
            out.push(DescriptorError::new(at(prefix, "hash"), msg));
        }
    }
    if let Some(encoding) = &resource.encoding {
        if encoding.trim().is_empty() {
            out.push(DescriptorError::new(at(prefix, "encoding"), "is empty"));
        }
    }
    check_licenses(&resource.licenses, prefix, out);
    check_sources(&resource.sources, prefix, out);

    match &resource.dialect {
        Some(Inline::Inline(dialect)) => check_dialect(dialect, &at(prefix, "dialect"), out),
        Some(Inline::Reference(path)) => check_reference(path, &at(prefix, "dialect"), out),
        None => {}
    }
    match &resource.schema {
        Some(Inline::Inline(schema)) => out.extend(validate_schema(schema, &at(prefix, "schema"))),
        Some(Inline::Reference(path)) => check_reference(path, &at(prefix, "schema"), out),
        None => {}
    }
    if resource.extra.contains_key("missingValues") {
        out.push(DescriptorError::new(
            at(prefix, "missingValues"),
            "belongs in the schema (schema.missingValues), not in the resource",
        ));
    }
}

/// Validate a Table Schema. `path_prefix` is where it sits
/// (`resources[1].schema`), or empty for a standalone schema (`--schema`).
///
/// Foreign keys to other resources are checked by `validate_package`, which
/// knows the other resources; a key to the schema's own resource (no
/// `reference.resource`) is checked here.
pub fn validate_schema(schema: &Schema, path_prefix: &str) -> Vec<DescriptorError> {
    let mut out = Vec::new();
    let fields_at = at(path_prefix, "fields");
    if schema.fields.is_empty() {
        out.push(DescriptorError::new(
            &fields_at,
            "a schema needs at least one field",
        ));
    }
    let mut first_index: HashMap<&str, usize> = HashMap::new();
    for (i, field) in schema.fields.iter().enumerate() {
        let prefix = format!("{fields_at}[{i}]");
        out.extend(validate_field(field, &prefix));
        if field.name.is_empty() {
            continue;
        }
        if let Some(first) = first_index.get(field.name.as_str()) {
            out.push(DescriptorError::new(
                format!("{prefix}.name"),
                format!(
                    "duplicate field name {:?} (also {fields_at}[{first}])",
                    field.name
                ),
            ));
        } else {
            first_index.insert(&field.name, i);
        }
    }

    if let Some(pk) = &schema.primary_key {
        let pk_at = at(path_prefix, "primaryKey");
        if pk.is_empty() {
            out.push(DescriptorError::new(&pk_at, "lists no field"));
        }
        check_key_fields(pk, schema, &pk_at, &mut out);
    }

    for (i, fk) in schema.foreign_keys.iter().enumerate() {
        let fk_at = format!("{}[{i}]", at(path_prefix, "foreignKeys"));
        let fields_at = at(&fk_at, "fields");
        let ref_fields_at = at(&fk_at, "reference.fields");
        if fk.fields.is_empty() {
            out.push(DescriptorError::new(&fields_at, "lists no field"));
        }
        check_key_fields(&fk.fields, schema, &fields_at, &mut out);
        if fk.reference.fields.is_empty() {
            out.push(DescriptorError::new(&ref_fields_at, "lists no field"));
        } else if fk.reference.fields.names.len() != fk.fields.names.len() {
            out.push(DescriptorError::new(
                &ref_fields_at,
                format!(
                    "has {} but {fields_at} has {}; a foreign key pairs them one to one",
                    fields_count(fk.reference.fields.names.len()),
                    fields_count(fk.fields.names.len()),
                ),
            ));
        }
        if fk.reference.resource.as_deref().unwrap_or("").is_empty() {
            // A key into the same table: its targets are this schema's fields.
            check_key_fields(&fk.reference.fields, schema, &ref_fields_at, &mut out);
        }
    }

    if let Some(keys) = schema.extra.get("uniqueKeys") {
        check_unique_keys(keys, schema, &at(path_prefix, "uniqueKeys"), &mut out);
    }
    if let Some(value) = schema.extra.get("fieldsMatch") {
        const MATCHES: [&str; 5] = ["exact", "equal", "subset", "superset", "partial"];
        if !value.as_str().is_some_and(|v| MATCHES.contains(&v)) {
            out.push(DescriptorError::new(
                at(path_prefix, "fieldsMatch"),
                format!("must be one of {}, not {value}", MATCHES.join(", ")),
            ));
        }
    }
    out
}

/// Validate one field on its own: name, type, format, constraints and the
/// per-type options. `path_prefix` is where it sits (`fields[3]`).
pub fn validate_field(field: &Field, path_prefix: &str) -> Vec<DescriptorError> {
    let mut out = Vec::new();
    if field.name.is_empty() {
        out.push(DescriptorError::new(
            at(path_prefix, "name"),
            "a field needs a name",
        ));
    }
    if let FieldType::Unknown(name) = &field.field_type {
        let mut message = format!("unknown type {name:?}");
        if let Some(near) = nearest_type(name) {
            message.push_str(&format!(" (did you mean {near:?}?)"));
        }
        out.push(DescriptorError::new(at(path_prefix, "type"), message));
        // Formats and constraints mean nothing without a type.
        return out;
    }
    if let Some(format) = &field.format {
        if let Err(msg) = check_format(&field.field_type, format) {
            out.push(DescriptorError::new(at(path_prefix, "format"), msg));
        }
    }
    check_constraints(field, &at(path_prefix, "constraints"), &mut out);
    check_type_options(field, path_prefix, &mut out);
    if field.extra.contains_key("required") {
        out.push(DescriptorError::new(
            at(path_prefix, "required"),
            "belongs in the constraints (constraints.required), not in the field",
        ));
    }
    out
}

/// Whether `name` is a valid package or resource name under the v1 rule:
/// lowercase ASCII letters, digits, `-`, `_` and `.`.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a name cannot be empty".to_string());
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')))
    {
        None => Ok(()),
        Some(bad) => {
            let hint = if bad.is_ascii_uppercase() {
                format!(" (try {:?})", name.to_ascii_lowercase())
            } else {
                String::new()
            };
            let bad = bad.to_string();
            Err(format!(
                "{name:?} is not a valid name: {bad:?} is not allowed; use lowercase letters, digits, \"-\", \"_\" and \".\"{hint}"
            ))
        }
    }
}

/// Whether a descriptor path is a URL the tool may fetch or a relative path
/// that stays inside the package, whatever the operating system: no absolute
/// paths (`/x`, `C:\x`, `\\server\x`), no `..`, no backslashes, no empty
/// segments, no control characters, no home or variable expansion, and no
/// percent-encoded dots or separators (a URL resolver would decode them).
pub fn safe_relative_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("the path is empty".to_string());
    }
    if path.chars().any(char::is_control) {
        return Err(format!("{path:?} contains a control character"));
    }
    if is_url(path) {
        let scheme = path
            .split("://")
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        return match scheme.as_str() {
            "http" | "https" | "ftp" | "ftps" => Ok(()),
            "file" => Err(format!(
                "{path:?} is a file: URL; use a path relative to the package"
            )),
            _ => Err(format!(
                "{path:?} has an unsupported URL scheme {scheme:?} (use http or https)"
            )),
        };
    }
    if path.starts_with('/') {
        return Err(format!(
            "{path:?} is an absolute path; use a path relative to the package"
        ));
    }
    if path.contains('\\') {
        return Err(format!(
            "{path:?} contains a backslash; use \"/\" to separate directories"
        ));
    }
    let bytes = path.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err(format!(
            "{path:?} is a Windows drive path; use a path relative to the package"
        ));
    }
    if path.contains(':') {
        // A drive, a stream (`a.csv:x` on NTFS) or a scheme we do not fetch.
        return Err(format!("{path:?} contains \":\", which a file path cannot"));
    }
    if path.starts_with('~') {
        return Err(format!(
            "{path:?} starts with \"~\"; use a path relative to the package"
        ));
    }
    let lower = path.to_ascii_lowercase();
    if ["%2e", "%2f", "%5c"].iter().any(|enc| lower.contains(enc)) {
        return Err(format!(
            "{path:?} contains a percent-encoded dot or separator"
        ));
    }
    if has_variable(path) {
        return Err(format!(
            "{path:?} looks like it uses an environment variable, which is never expanded"
        ));
    }
    let segments: Vec<&str> = path.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            return Err(if i + 1 == segments.len() {
                format!("{path:?} ends with \"/\"; it must name a file")
            } else {
                format!("{path:?} has an empty segment (\"//\")")
            });
        }
        if *segment == ".." {
            return Err(format!(
                "{path:?} goes up with \"..\"; a path cannot leave the package"
            ));
        }
        if segment.len() > 2 && segment.chars().all(|c| c == '.') {
            return Err(format!("{path:?} has a segment made only of dots"));
        }
    }
    if segments.iter().all(|s| *s == ".") {
        return Err(format!("{path:?} does not name a file"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Package and resource helpers

fn at(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn check_name_for(name: &str, standard: Standard, path: &str, out: &mut Vec<DescriptorError>) {
    let result = match standard {
        Standard::V1 => check_name(name),
        // v2 allows any name, as long as there is one.
        Standard::V2OrCustom if name.trim().is_empty() => Err("a name cannot be empty".to_string()),
        Standard::V2OrCustom => Ok(()),
    };
    if let Err(msg) = result {
        out.push(DescriptorError::new(path, msg));
    }
}

/// `profile` is a known name, a URL (which we cannot check offline), or a
/// JSON Schema file in the package.
fn check_profile(
    profile: Option<&str>,
    known: &[&str],
    path: &str,
    out: &mut Vec<DescriptorError>,
) {
    let Some(profile) = profile else { return };
    if known.contains(&profile) || (is_url(profile) && safe_relative_path(profile).is_ok()) {
        return;
    }
    if profile.ends_with(".json") {
        if let Err(msg) = safe_relative_path(profile) {
            out.push(DescriptorError::new(path, msg));
        }
        return;
    }
    out.push(DescriptorError::new(
        path,
        format!(
            "unknown profile {profile:?} (expected {} or the URL of a JSON Schema)",
            known.join(", ")
        ),
    ));
}

fn check_resource_path(path: &ResourcePath, at_path: &str, out: &mut Vec<DescriptorError>) {
    match path {
        ResourcePath::One(p) => {
            if let Err(msg) = safe_relative_path(p) {
                out.push(DescriptorError::new(at_path, msg));
            }
        }
        ResourcePath::Many(paths) => {
            if paths.is_empty() {
                out.push(DescriptorError::new(at_path, "lists no path"));
            }
            for (i, p) in paths.iter().enumerate() {
                if let Err(msg) = safe_relative_path(p) {
                    out.push(DescriptorError::new(format!("{at_path}[{i}]"), msg));
                }
            }
            let remote = paths.iter().filter(|p| is_url(p)).count();
            if remote != 0 && remote != paths.len() {
                out.push(DescriptorError::new(
                    at_path,
                    "mixes URLs and local paths; the parts of a resource must all be one or the other",
                ));
            }
        }
    }
}

/// A `schema` or `dialect` given by reference: a URL or a file in the package.
fn check_reference(path: &str, at_path: &str, out: &mut Vec<DescriptorError>) {
    if let Err(msg) = safe_relative_path(path) {
        out.push(DescriptorError::new(at_path, msg));
    }
}

fn check_licenses(licenses: &[License], prefix: &str, out: &mut Vec<DescriptorError>) {
    for (i, license) in licenses.iter().enumerate() {
        let empty = |s: &Option<String>| s.as_deref().unwrap_or("").is_empty();
        if empty(&license.name) && empty(&license.path) {
            out.push(DescriptorError::new(
                format!("{}[{i}]", at(prefix, "licenses")),
                "a license needs a \"name\" or a \"path\"",
            ));
        }
    }
}

fn check_sources(sources: &[Source], prefix: &str, out: &mut Vec<DescriptorError>) {
    for (i, source) in sources.iter().enumerate() {
        check_email(
            source.email.as_deref(),
            &format!("{}[{i}].email", at(prefix, "sources")),
            out,
        );
    }
}

fn check_contributors(contributors: &[Contributor], out: &mut Vec<DescriptorError>) {
    for (i, contributor) in contributors.iter().enumerate() {
        check_email(
            contributor.email.as_deref(),
            &format!("contributors[{i}].email"),
            out,
        );
    }
}

fn check_email(email: Option<&str>, path: &str, out: &mut Vec<DescriptorError>) {
    let Some(email) = email else { return };
    if !is_email(email) {
        out.push(DescriptorError::new(
            path,
            format!("{email:?} is not an email address"),
        ));
    }
}

/// A plain sanity check (one `@`, a dotted domain, no spaces), not RFC 5322.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

fn is_mediatype(s: &str) -> bool {
    s.split_once('/')
        .is_some_and(|(kind, sub)| !kind.trim().is_empty() && !sub.trim().is_empty())
}

/// `md5:…`, `sha1:…`, `sha256:…`, `sha512:…` or a bare MD5, in hex of the
/// right length.
fn check_hash(hash: &str) -> Result<(), String> {
    let (algorithm, digest) = hash.split_once(':').unwrap_or(("md5", hash));
    let want = match algorithm.to_ascii_lowercase().as_str() {
        "md5" => 32,
        "sha1" => 40,
        "sha256" => 64,
        "sha512" => 128,
        _ => {
            return Err(format!(
                "{hash:?} uses an unknown algorithm {algorithm:?} (expected md5, sha1, sha256 or sha512)"
            ))
        }
    };
    if digest.len() != want || !digest.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "{hash:?} is not a {algorithm} digest ({want} hexadecimal digits)"
        ));
    }
    Ok(())
}

fn is_datetime(s: &str) -> bool {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    DateTime::parse_from_rfc3339(s).is_ok()
        || NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
        || NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// `$HOME`, `${HOME}` or `%HOME%`: frictionless refuses such paths (it would
/// expand them), so a package carrying one would not open there.
fn has_variable(path: &str) -> bool {
    let bytes = path.as_bytes();
    let dollar = bytes
        .windows(2)
        .any(|w| w[0] == b'$' && (w[1] == b'{' || w[1] == b'_' || w[1].is_ascii_alphabetic()));
    let percent = path.starts_with('%') && path[1..].find('%').is_some_and(|end| end > 0);
    dollar || percent
}

/// Single-character options must be one ASCII character: the reader works on
/// bytes, and a wider one would silently fall back to the default.
fn check_dialect(dialect: &Dialect, prefix: &str, out: &mut Vec<DescriptorError>) {
    let singles = [
        ("delimiter", &dialect.delimiter),
        ("quoteChar", &dialect.quote_char),
        ("escapeChar", &dialect.escape_char),
        ("commentChar", &dialect.comment_char),
    ];
    for (key, value) in singles {
        let Some(value) = value else { continue };
        if value.len() != 1 || !value.is_ascii() {
            out.push(DescriptorError::new(
                at(prefix, key),
                format!("{value:?} must be a single ASCII character"),
            ));
        }
    }
    if let (Some(d), Some(q)) = (&dialect.delimiter, &dialect.quote_char) {
        if d == q {
            out.push(DescriptorError::new(
                at(prefix, "quoteChar"),
                format!("{q:?} is also the delimiter"),
            ));
        }
    }
    if let Some(rows) = &dialect.header_rows {
        for (i, row) in rows.iter().enumerate() {
            if *row == 0 {
                out.push(DescriptorError::new(
                    format!("{}[{i}]", at(prefix, "headerRows")),
                    "row numbers start at 1",
                ));
            }
        }
    }
    if let Some(terminator) = &dialect.line_terminator {
        if terminator.is_empty() {
            out.push(DescriptorError::new(
                at(prefix, "lineTerminator"),
                "is empty",
            ));
        }
    }
}

/// A foreign key to another resource: it must exist, and when its schema is
/// inline, the referenced fields must be in it.
fn check_foreign_key_targets(
    package: &Package,
    resource: &Resource,
    prefix: &str,
    out: &mut Vec<DescriptorError>,
) {
    let Some(schema) = resource.schema() else {
        return;
    };
    for (i, fk) in schema.foreign_keys.iter().enumerate() {
        let target = fk.reference.resource.as_deref().unwrap_or("");
        if target.is_empty() {
            continue;
        }
        let fk_at = format!("{prefix}.foreignKeys[{i}].reference");
        let Some(referenced) = package.resource(target) else {
            out.push(DescriptorError::new(
                at(&fk_at, "resource"),
                format!("no resource named {target:?} in the package"),
            ));
            continue;
        };
        if let Some(target_schema) = referenced.schema() {
            check_key_fields_in(
                &fk.reference.fields,
                target_schema,
                &at(&fk_at, "fields"),
                &format!("the schema of resource {target:?}"),
                out,
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Schema and field helpers

fn fields_count(n: usize) -> String {
    if n == 1 {
        "1 field".to_string()
    } else {
        format!("{n} fields")
    }
}

fn check_key_fields(
    names: &FieldNames,
    schema: &Schema,
    path: &str,
    out: &mut Vec<DescriptorError>,
) {
    check_key_fields_in(names, schema, path, "the schema", out);
}

fn check_key_fields_in(
    names: &FieldNames,
    schema: &Schema,
    path: &str,
    whose: &str,
    out: &mut Vec<DescriptorError>,
) {
    let mut seen: Vec<&str> = Vec::new();
    for (i, name) in names.names.iter().enumerate() {
        let item_at = if names.single {
            path.to_string()
        } else {
            format!("{path}[{i}]")
        };
        if schema.field_index(name).is_none() {
            out.push(DescriptorError::new(
                item_at,
                format!("field {name:?} is not in {whose}"),
            ));
        } else if seen.contains(&name.as_str()) {
            out.push(DescriptorError::new(
                item_at,
                format!("field {name:?} is listed twice"),
            ));
        }
        seen.push(name);
    }
}

fn check_unique_keys(keys: &Json, schema: &Schema, path: &str, out: &mut Vec<DescriptorError>) {
    let Some(keys) = keys.as_array() else {
        out.push(DescriptorError::new(
            path,
            "must be an array of field name lists",
        ));
        return;
    };
    for (i, key) in keys.iter().enumerate() {
        let key_at = format!("{path}[{i}]");
        let names: Option<Vec<String>> = key.as_array().and_then(|items| {
            items
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect()
        });
        match names {
            Some(names) if !names.is_empty() => {
                let names = FieldNames {
                    names,
                    single: false,
                };
                check_key_fields(&names, schema, &key_at, out);
            }
            _ => out.push(DescriptorError::new(
                key_at,
                "must be a non-empty array of field names",
            )),
        }
    }
}

/// The names of `FieldType::ALL`, as `'static` strings to suggest.
const TYPE_NAMES: [&str; 16] = [
    "string",
    "number",
    "integer",
    "boolean",
    "object",
    "array",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "any",
    "list",
];

/// The type a misspelt or foreign one most likely means: a common alias
/// (`int`, `float`, `bool`, ...), else a known type within a small edit
/// distance.
fn nearest_type(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let alias = match lower.as_str() {
        "int" | "long" | "bigint" | "smallint" => Some("integer"),
        "float" | "double" | "decimal" | "real" | "numeric" => Some("number"),
        "bool" => Some("boolean"),
        "str" | "text" | "varchar" => Some("string"),
        "timestamp" | "date-time" | "date_time" => Some("datetime"),
        "dict" | "json" => Some("object"),
        _ => None,
    };
    if alias.is_some() {
        return alias;
    }
    TYPE_NAMES
        .iter()
        .map(|candidate| (edit_distance(&lower, candidate), *candidate))
        // Close relative to the word: "integr" → "integer", but not "ab" → "any".
        .filter(|(d, candidate)| *d <= 2 && d * 3 <= candidate.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// `any` is tolerated for every type: older descriptors (and frictionless)
/// use it freely, and it only means "be lenient".
fn check_format(field_type: &FieldType, format: &str) -> Result<(), String> {
    let allowed: &[&str] = match field_type {
        FieldType::String => &["default", "email", "uri", "binary", "uuid", "wkt"],
        FieldType::Geopoint => &["default", "array", "object"],
        FieldType::Geojson => &["default", "topojson"],
        FieldType::Date | FieldType::Time | FieldType::Datetime => {
            if format == "default" || format == "any" {
                return Ok(());
            }
            // v1 still writes `fmt:%d/%m/%Y` sometimes.
            let pattern = format.strip_prefix("fmt:").unwrap_or(format);
            return check_date_pattern(pattern)
                .map_err(|why| format!("{format:?} is not a valid {field_type} pattern: {why}"));
        }
        _ => &["default"],
    };
    if format == "any" || allowed.contains(&format) {
        return Ok(());
    }
    Err(format!(
        "{format:?} is not a format of type {field_type} (expected {})",
        allowed.join(", ")
    ))
}

/// The directives Python's `strptime` (and so frictionless) understands.
const DATE_DIRECTIVES: &str = "aAbBcdfGHIjmMpSuUVwWxXyYzZ%";

fn check_date_pattern(pattern: &str) -> Result<(), String> {
    if pattern.is_empty() {
        return Err("it is empty".to_string());
    }
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        match chars.next() {
            None => return Err("it ends with a lone \"%\"".to_string()),
            Some(d) if DATE_DIRECTIVES.contains(d) => {}
            Some(d) => return Err(format!("unknown directive \"%{d}\"")),
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bound {
    /// JSON number or numeric string.
    Number,
    /// JSON integer or integer string.
    Integer,
    /// A string, to be read by the field's own format.
    Text,
}

/// What a type's constraints are, per the v1/v2 profiles and frictionless.
fn allowed_constraints(field_type: &FieldType) -> (&'static [&'static str], Option<Bound>) {
    const BASE: [&str; 3] = ["required", "unique", "enum"];
    const RANGE: [&str; 7] = [
        "required",
        "unique",
        "enum",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
    ];
    const LENGTH: [&str; 5] = ["required", "unique", "enum", "minLength", "maxLength"];
    const COLLECTION: [&str; 6] = [
        "required",
        "unique",
        "enum",
        "minLength",
        "maxLength",
        "jsonSchema",
    ];
    match field_type {
        FieldType::String => (
            &[
                "required",
                "unique",
                "enum",
                "minLength",
                "maxLength",
                "pattern",
            ],
            None,
        ),
        FieldType::Number => (&RANGE, Some(Bound::Number)),
        FieldType::Integer | FieldType::Year => (&RANGE, Some(Bound::Integer)),
        FieldType::Date
        | FieldType::Time
        | FieldType::Datetime
        | FieldType::Yearmonth
        | FieldType::Duration => (&RANGE, Some(Bound::Text)),
        FieldType::Object | FieldType::Array => (&COLLECTION, None),
        FieldType::Geojson => (&LENGTH, None),
        FieldType::List => (&["required", "unique", "minLength", "maxLength"], None),
        FieldType::Boolean | FieldType::Geopoint | FieldType::Any | FieldType::Unknown(_) => {
            (&BASE, None)
        }
    }
}

fn check_constraints(field: &Field, prefix: &str, out: &mut Vec<DescriptorError>) {
    let c = &field.constraints;
    let (allowed, bound) = allowed_constraints(&field.field_type);
    let ty = &field.field_type;
    let mut present: Vec<&str> = Vec::new();
    for (key, is_set) in [
        ("required", c.required.is_some()),
        ("unique", c.unique.is_some()),
        ("minLength", c.min_length.is_some()),
        ("maxLength", c.max_length.is_some()),
        ("minimum", c.minimum.is_some()),
        ("maximum", c.maximum.is_some()),
        ("exclusiveMinimum", c.exclusive_minimum.is_some()),
        ("exclusiveMaximum", c.exclusive_maximum.is_some()),
        ("pattern", c.pattern.is_some()),
        ("enum", c.enum_.is_some()),
    ] {
        if is_set {
            present.push(key);
        }
    }
    present.extend(c.extra.keys().map(String::as_str));
    for key in present {
        if !allowed.contains(&key) {
            out.push(DescriptorError::new(
                at(prefix, key),
                format!("constraint {key:?} does not apply to type {ty}"),
            ));
        }
    }

    // Values of the constraints that do apply.
    let mut lengths = [None, None];
    for (slot, (key, value)) in [("minLength", &c.min_length), ("maxLength", &c.max_length)]
        .into_iter()
        .enumerate()
    {
        let Some(value) = value else { continue };
        if !allowed.contains(&key) {
            continue;
        }
        match value.as_u64() {
            Some(n) => lengths[slot] = Some(n),
            None => out.push(DescriptorError::new(
                at(prefix, key),
                format!("must be a non-negative integer, not {value}"),
            )),
        }
    }
    if let [Some(min), Some(max)] = lengths {
        if min > max {
            out.push(DescriptorError::new(
                at(prefix, "minLength"),
                format!("{min} is greater than maxLength {max}"),
            ));
        }
    }

    if let Some(bound) = bound {
        let mut numbers: HashMap<&str, f64> = HashMap::new();
        for (key, value) in [
            ("minimum", &c.minimum),
            ("maximum", &c.maximum),
            ("exclusiveMinimum", &c.exclusive_minimum),
            ("exclusiveMaximum", &c.exclusive_maximum),
        ] {
            let Some(value) = value else { continue };
            match bound_value(value, bound) {
                Ok(Some(n)) => {
                    numbers.insert(key, n);
                }
                Ok(None) => {}
                Err(expected) => out.push(DescriptorError::new(
                    at(prefix, key),
                    format!("must be {expected} for type {ty}, not {value}"),
                )),
            }
        }
        for low in ["minimum", "exclusiveMinimum"] {
            for high in ["maximum", "exclusiveMaximum"] {
                if let (Some(l), Some(h)) = (numbers.get(low), numbers.get(high)) {
                    if l > h {
                        out.push(DescriptorError::new(
                            at(prefix, low),
                            format!("{l} is greater than {high} {h}"),
                        ));
                    }
                }
            }
        }
    }

    if let Some(pattern) = &c.pattern {
        if allowed.contains(&"pattern") {
            // Compiled as written: the anchors the reader adds around it
            // could hide an unbalanced parenthesis.
            if let Err(err) = regex::Regex::new(pattern) {
                out.push(DescriptorError::new(
                    at(prefix, "pattern"),
                    format!(
                        "{pattern:?} is not a valid regular expression: {}",
                        regex_reason(&err)
                    ),
                ));
            }
        }
    }

    if let Some(members) = &c.enum_ {
        if allowed.contains(&"enum") {
            check_enum(members, ty, bound, &at(prefix, "enum"), out);
        }
    }
}

/// A constraint bound, and its numeric value when it has one (for the
/// minimum ≤ maximum check).
fn bound_value(value: &Json, bound: Bound) -> Result<Option<f64>, &'static str> {
    match bound {
        Bound::Number => match value {
            Json::Number(n) => Ok(n.as_f64()),
            Json::String(s) => s.trim().parse::<f64>().map(Some).map_err(|_| "a number"),
            _ => Err("a number"),
        },
        Bound::Integer => match value {
            Json::Number(n) if n.is_i64() || n.is_u64() => Ok(n.as_f64()),
            Json::String(s) => s
                .trim()
                .parse::<i64>()
                .map(|n| Some(n as f64))
                .map_err(|_| "an integer"),
            _ => Err("an integer"),
        },
        Bound::Text => match value {
            Json::String(_) => Ok(None),
            _ => Err("a string"),
        },
    }
}

fn check_enum(
    members: &[Json],
    ty: &FieldType,
    bound: Option<Bound>,
    path: &str,
    out: &mut Vec<DescriptorError>,
) {
    if members.is_empty() {
        out.push(DescriptorError::new(path, "lists no value"));
    }
    for (i, member) in members.iter().enumerate() {
        let member_at = format!("{path}[{i}]");
        if members[..i].contains(member) {
            out.push(DescriptorError::new(
                member_at,
                format!("{member} is listed twice"),
            ));
            continue;
        }
        let fits = match (ty, bound) {
            (_, Some(b @ (Bound::Number | Bound::Integer))) => bound_value(member, b).is_ok(),
            (FieldType::Boolean, _) => member.is_boolean() || member.is_string(),
            (FieldType::String, _) => member.is_string(),
            (_, Some(Bound::Text)) => member.is_string(),
            _ => true,
        };
        if !fits {
            out.push(DescriptorError::new(
                member_at,
                format!("{member} is not a value of type {ty}"),
            ));
        }
    }
}

/// The regex crate explains a syntax error over several lines with a caret;
/// the last line says what is wrong.
fn regex_reason(err: &regex::Error) -> String {
    let text = err.to_string();
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().trim_start_matches("error: ").to_string())
        .unwrap_or(text)
}

/// Options that only some types read (`trueValues`, `decimalChar`, ...).
fn check_type_options(field: &Field, prefix: &str, out: &mut Vec<DescriptorError>) {
    if let (Some(trues), Some(falses)) = (&field.true_values, &field.false_values) {
        for value in trues.iter().filter(|v| falses.contains(v)) {
            out.push(DescriptorError::new(
                at(prefix, "falseValues"),
                format!("{value:?} is also a true value"),
            ));
        }
    }
    for (key, value) in [
        ("decimalChar", &field.decimal_char),
        ("groupChar", &field.group_char),
    ] {
        if value.as_deref() == Some("") {
            out.push(DescriptorError::new(at(prefix, key), "is empty"));
        }
    }
    if let (Some(d), Some(g)) = (&field.decimal_char, &field.group_char) {
        if !d.is_empty() && d == g {
            out.push(DescriptorError::new(
                at(prefix, "groupChar"),
                format!("{g:?} is also the decimalChar"),
            ));
        }
    }
    if field.field_type == FieldType::List {
        if field.delimiter.as_deref() == Some("") {
            out.push(DescriptorError::new(at(prefix, "delimiter"), "is empty"));
        }
        if let Some(item) = field.extra.get("itemType") {
            const ITEM_TYPES: [&str; 7] = [
                "string", "integer", "boolean", "number", "datetime", "date", "time",
            ];
            if !item.as_str().is_some_and(|t| ITEM_TYPES.contains(&t)) {
                out.push(DescriptorError::new(
                    at(prefix, "itemType"),
                    format!("must be one of {}, not {item}", ITEM_TYPES.join(", ")),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(json: &str) -> Schema {
        serde_json::from_str(json).unwrap()
    }

    fn package(json: &str) -> Package {
        serde_json::from_str(json).unwrap()
    }

    fn messages(errors: Vec<DescriptorError>) -> Vec<String> {
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn names_follow_the_v1_rule() {
        for good in ["a", "co2-ppm", "s-and-p-500", "x_y.z", "0"] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        for bad in ["", "My Data", "a/b", "a b", "é", "a\n"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_name("Data").unwrap_err().contains("try \"data\""));
    }

    #[test]
    fn safe_paths() {
        for good in [
            "data.csv",
            "data/a.csv",
            "./data/a.csv",
            ".hidden/a.csv",
            "a..b.csv",
            "100%.csv",
            "https://example.com/a.csv",
            "http://example.com/../a.csv",
        ] {
            assert_eq!(safe_relative_path(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../a.csv",
            "data/../../a.csv",
            "data/..",
            "C:\\x.csv",
            "C:/x.csv",
            "c:x.csv",
            "\\\\server\\share\\a.csv",
            "data\\..\\..\\a.csv",
            "data//a.csv",
            "data/",
            ".",
            "./.",
            "data/.../a.csv",
            "a\0.csv",
            "a\n.csv",
            "~/a.csv",
            "$HOME/a.csv",
            "data/${X}/a.csv",
            "%APPDATA%/a.csv",
            "%2e%2e/a.csv",
            "data%2F..%2Fa.csv",
            "file:///etc/passwd",
            "s3://bucket/a.csv",
            "a.csv:stream",
        ] {
            assert!(safe_relative_path(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(
            safe_relative_path("../a.csv").unwrap_err(),
            "\"../a.csv\" goes up with \"..\"; a path cannot leave the package"
        );
    }

    #[test]
    fn unknown_type_is_pointed_with_a_suggestion() {
        let s = schema(r#"{"fields":[{"name":"a","type":"integr"},{"name":"b","type":"zzz"}]}"#);
        assert_eq!(
            messages(validate_schema(&s, "resources[1].schema")),
            vec![
                "resources[1].schema.fields[0].type: unknown type \"integr\" (did you mean \"integer\"?)",
                "resources[1].schema.fields[1].type: unknown type \"zzz\"",
            ]
        );
    }

    #[test]
    fn field_names_must_be_present_and_unique() {
        let s = schema(r#"{"fields":[{"name":"a"},{"name":""},{"name":"a"}]}"#);
        assert_eq!(
            messages(validate_schema(&s, "")),
            vec![
                "fields[1].name: a field needs a name",
                "fields[2].name: duplicate field name \"a\" (also fields[0])",
            ]
        );
        assert_eq!(
            messages(validate_schema(&schema(r#"{"fields":[]}"#), "schema")),
            vec!["schema.fields: a schema needs at least one field"]
        );
    }

    #[test]
    fn formats_depend_on_the_type() {
        let s = schema(
            r#"{"fields":[
                {"name":"a","type":"string","format":"email"},
                {"name":"b","type":"string","format":"phone"},
                {"name":"c","type":"date","format":"%d/%m/%Y"},
                {"name":"d","type":"date","format":"%d/%Q"},
                {"name":"e","type":"datetime","format":"fmt:%Y-%m-%dT%H:%M"},
                {"name":"f","type":"year","format":"any"},
                {"name":"g","type":"integer","format":"%d"},
                {"name":"h","type":"geopoint","format":"array"},
                {"name":"i","type":"time","format":"%H:%M%"}
            ]}"#,
        );
        assert_eq!(
            messages(validate_schema(&s, "")),
            vec![
                "fields[1].format: \"phone\" is not a format of type string (expected default, email, uri, binary, uuid, wkt)",
                "fields[3].format: \"%d/%Q\" is not a valid date pattern: unknown directive \"%Q\"",
                "fields[6].format: \"%d\" is not a format of type integer (expected default)",
                "fields[8].format: \"%H:%M%\" is not a valid time pattern: it ends with a lone \"%\"",
            ]
        );
    }

    #[test]
    fn constraints_depend_on_the_type() {
        let s = schema(
            r#"{"fields":[
                {"name":"a","type":"boolean","constraints":{"minimum":1,"required":true}},
                {"name":"b","type":"integer","constraints":{"minLength":2,"minimum":"x","maximum":"10"}},
                {"name":"c","type":"string","constraints":{"pattern":"([a-z]","minLength":5,"maxLength":2}},
                {"name":"d","type":"number","constraints":{"minimum":10,"maximum":5,"enum":[1,"2.5","x",1]}},
                {"name":"e","type":"date","constraints":{"minimum":20200101,"maximum":"2020-12-31"}},
                {"name":"f","type":"string","constraints":{"x-custom":true,"enum":[]}}
            ]}"#,
        );
        assert_eq!(
            messages(validate_schema(&s, "")),
            vec![
                "fields[0].constraints.minimum: constraint \"minimum\" does not apply to type boolean",
                "fields[1].constraints.minLength: constraint \"minLength\" does not apply to type integer",
                "fields[1].constraints.minimum: must be an integer for type integer, not \"x\"",
                "fields[2].constraints.minLength: 5 is greater than maxLength 2",
                "fields[2].constraints.pattern: \"([a-z]\" is not a valid regular expression: unclosed group",
                "fields[3].constraints.minimum: 10 is greater than maximum 5",
                "fields[3].constraints.enum[2]: \"x\" is not a value of type number",
                "fields[3].constraints.enum[3]: 1 is listed twice",
                "fields[4].constraints.minimum: must be a string for type date, not 20200101",
                "fields[5].constraints.x-custom: constraint \"x-custom\" does not apply to type string",
                "fields[5].constraints.enum: lists no value",
            ]
        );
    }

    #[test]
    fn v2_constraints_and_types_are_tolerated() {
        let s = schema(
            r#"{"fields":[
                {"name":"a","type":"integer","constraints":{"exclusiveMinimum":0,"exclusiveMaximum":"100"}},
                {"name":"b","type":"list","delimiter":";","itemType":"integer","constraints":{"minLength":1}},
                {"name":"c","type":"object","constraints":{"jsonSchema":{"type":"object"}}},
                {"name":"d","type":"string","missingValues":["-"],"categories":["x","y"]}
            ],"fieldsMatch":"subset","uniqueKeys":[["a"]],"$schema":"https://datapackage.org/profiles/2.0/tableschema.json"}"#,
        );
        assert_eq!(messages(validate_schema(&s, "")), Vec::<String>::new());
    }

    #[test]
    fn keys_must_name_fields() {
        let s = schema(
            r#"{"fields":[{"name":"id"},{"name":"a"},{"name":"b"}],
                "primaryKey":["id","nope","id"],
                "foreignKeys":[
                  {"fields":"a","reference":{"resource":"","fields":"missing"}},
                  {"fields":["a","b"],"reference":{"resource":"other","fields":"x"}},
                  {"fields":["zz"],"reference":{"resource":"other","fields":["x"]}}
                ],
                "uniqueKeys":[["a","q"]]}"#,
        );
        assert_eq!(
            messages(validate_schema(&s, "schema")),
            vec![
                "schema.primaryKey[1]: field \"nope\" is not in the schema",
                "schema.primaryKey[2]: field \"id\" is listed twice",
                "schema.foreignKeys[0].reference.fields: field \"missing\" is not in the schema",
                "schema.foreignKeys[1].reference.fields: has 1 field but schema.foreignKeys[1].fields has 2 fields; a foreign key pairs them one to one",
                "schema.foreignKeys[2].fields[0]: field \"zz\" is not in the schema",
                "schema.uniqueKeys[0][1]: field \"q\" is not in the schema",
            ]
        );
    }

    #[test]
    fn resources_need_a_name_and_one_source_of_data() {
        let r: Resource = serde_json::from_str(r#"{"name":"","path":"a.csv","data":[]}"#).unwrap();
        assert_eq!(
            messages(validate_resource(&r, "resources[2]")),
            vec![
                "resources[2].name: a resource needs a name",
                "resources[2]: \"path\" and \"data\" are mutually exclusive",
            ]
        );
        let r: Resource = serde_json::from_str(r#"{"name":"Bad Name"}"#).unwrap();
        let errors = messages(validate_resource(&r, ""));
        assert_eq!(errors.len(), 2);
        assert!(errors[0].starts_with("name: \"Bad Name\" is not a valid name"));
        assert_eq!(errors[1], "a resource needs \"path\" or \"data\"");
    }

    #[test]
    fn resource_paths_and_references_are_checked() {
        let r: Resource = serde_json::from_str(
            r#"{"name":"a","path":["data/a.csv","../b.csv","https://x.org/c.csv"],
                "schema":"/etc/schema.json","dialect":"dialect.json","hash":"sha256:abc",
                "mediatype":"csv","data":null}"#,
        )
        .unwrap();
        assert_eq!(
            messages(validate_resource(&r, "resources[0]")),
            vec![
                "resources[0].path[1]: \"../b.csv\" goes up with \"..\"; a path cannot leave the package",
                "resources[0].path: mixes URLs and local paths; the parts of a resource must all be one or the other",
                "resources[0].mediatype: \"csv\" is not a media type (like text/csv)",
                "resources[0].hash: \"sha256:abc\" is not a sha256 digest (64 hexadecimal digits)",
                "resources[0].schema: \"/etc/schema.json\" is an absolute path; use a path relative to the package",
            ]
        );
    }

    #[test]
    fn dialect_characters_are_single_ascii() {
        let r: Resource = serde_json::from_str(
            r#"{"name":"a","path":"a.csv","dialect":{"delimiter":";;","quoteChar":"\"","escapeChar":"¦","headerRows":[0]}}"#,
        )
        .unwrap();
        assert_eq!(
            messages(validate_resource(&r, "")),
            vec![
                "dialect.delimiter: \";;\" must be a single ASCII character",
                "dialect.escapeChar: \"¦\" must be a single ASCII character",
                "dialect.headerRows[0]: row numbers start at 1",
            ]
        );
    }

    #[test]
    fn package_checks_names_keys_and_metadata() {
        let p = package(
            r#"{"name":"Bad","created":"yesterday","licenses":[{"title":"x"}],
                "contributors":[{"title":"a","email":"not-an-email"}],
                "resources":[
                  {"name":"a","path":"a.csv","schema":{"fields":[{"name":"id"}],
                     "foreignKeys":[{"fields":"id","reference":{"resource":"b","fields":"id"}},
                                    {"fields":"id","reference":{"resource":"c","fields":"nope"}}]}},
                  {"name":"a","path":"b.csv"},
                  {"name":"c","path":"c.csv","schema":{"fields":[{"name":"id"}]}}
                ]}"#,
        );
        let errors = messages(validate_package(&p));
        assert!(
            errors[0].starts_with("name: \"Bad\" is not a valid name"),
            "{errors:?}"
        );
        assert_eq!(
            errors[1..],
            [
                "created: \"yesterday\" is not an ISO 8601 datetime (e.g. 2024-01-31T12:00:00Z)",
                "licenses[0]: a license needs a \"name\" or a \"path\"",
                "contributors[0].email: \"not-an-email\" is not an email address",
                "resources[1].name: duplicate resource name \"a\" (also resources[0])",
                "resources[0].schema.foreignKeys[0].reference.resource: no resource named \"b\" in the package",
                "resources[0].schema.foreignKeys[1].reference.fields: field \"nope\" is not in the schema of resource \"c\"",
            ]
        );
    }

    #[test]
    fn v2_packages_allow_any_resource_name() {
        let p = package(
            r#"{"$schema":"https://datapackage.org/profiles/2.0/datapackage.json",
                "name":"My Package","resources":[{"name":"Table One","type":"table","data":[[1]]}]}"#,
        );
        assert_eq!(messages(validate_package(&p)), Vec::<String>::new());
        assert_eq!(
            messages(validate_package(&package(r#"{"resources":[]}"#))),
            vec!["resources: a package needs at least one resource"]
        );
    }

    #[test]
    fn tabular_profiles_need_schemas() {
        let p = package(
            r#"{"profile":"tabular-data-package","resources":[
                {"name":"a","path":"a.csv","profile":"tabular-data-resource"},
                {"name":"b","path":"b.csv"}]}"#,
        );
        assert_eq!(
            messages(validate_package(&p)),
            vec![
                "resources[0].schema: a \"tabular-data-resource\" needs a schema",
                "resources[1].profile: a \"tabular-data-package\" needs every resource to be a \"tabular-data-resource\"",
            ]
        );
        let p = package(r#"{"profile":"data-resource","resources":[{"name":"a","data":[]}]}"#);
        assert_eq!(
            messages(validate_package(&p)),
            vec!["profile: unknown profile \"data-resource\" (expected data-package, tabular-data-package, fiscal-data-package or the URL of a JSON Schema)"]
        );
    }

    #[test]
    fn boolean_options_and_misplaced_properties() {
        let s = schema(
            r#"{"fields":[{"name":"a","type":"boolean","trueValues":["y","1"],"falseValues":["n","1"],"required":true},
                          {"name":"b","type":"number","decimalChar":",","groupChar":","}]}"#,
        );
        assert_eq!(
            messages(validate_schema(&s, "")),
            vec![
                "fields[0].falseValues: \"1\" is also a true value",
                "fields[0].required: belongs in the constraints (constraints.required), not in the field",
                "fields[1].groupChar: \",\" is also the decimalChar",
            ]
        );
    }

    #[test]
    fn edit_distance_is_levenshtein() {
        assert_eq!(edit_distance("integr", "integer"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(nearest_type("Strin"), Some("string"));
        assert_eq!(nearest_type("ab"), None);
        assert_eq!(nearest_type("float"), Some("number"));
        let all: Vec<&str> = FieldType::ALL.iter().map(FieldType::as_str).collect();
        assert_eq!(all, TYPE_NAMES);
    }
}
