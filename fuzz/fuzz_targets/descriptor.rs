//! Arbitrary text as a package, resource and schema descriptor, in JSON and
//! YAML: parse, validate, build a caster for every field, write back and
//! read again. Also the path safety check on the text and its lines.
//!
//! Checked: no panic; a package that was read is written back as JSON (and
//! YAML) that reads back to the same model; `safe_relative_path` never lets
//! through an absolute path, a `..` segment or a backslash.

#![no_main]

use datapackage::io::{
    package_from_str, resource_from_str, schema_from_str, to_json_string, to_yaml_string,
    DescriptorFormat,
};
use datapackage::validate::{check_name, safe_relative_path, validate_package, validate_schema};
use datapackage::{is_url, FieldCaster, Package, Schema};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde_json::Value as Json;
use std::fmt::Debug;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for format in [DescriptorFormat::Json, DescriptorFormat::Yaml] {
        if let Ok(package) = package_from_str(text, format) {
            let _ = validate_package(&package);
            for resource in &package.resources {
                if let Some(schema) = resource.schema.as_ref().and_then(|s| s.inline()) {
                    casters(schema);
                }
            }
            round_trip(&package);
        }
        if let Ok(resource) = resource_from_str(text, format) {
            let _ = to_json_string(&resource);
        }
        if let Ok(schema) = schema_from_str(text, format) {
            let _ = validate_schema(&schema, "schema");
            casters(&schema);
            let again = schema_from_str(&to_json_string(&schema), DescriptorFormat::Json)
                .expect("a schema written as JSON reads back");
            assert_same(&schema, &again, "schema JSON", "");
        }
    }
    let _ = DescriptorFormat::sniff(text);

    check_path(text);
    for line in text.lines() {
        check_path(line);
        let _ = check_name(line);
    }
});

fn casters(schema: &Schema) {
    let missing = schema.missing_values();
    for field in &schema.fields {
        if let Ok(caster) = FieldCaster::new(field, &missing) {
            // The example, when there is one, goes through the caster too.
            if let Some(serde_json::Value::String(example)) = &field.example {
                if let Ok(value) = caster.cast(example) {
                    caster.check_all_constraints(example, &value, |_| {});
                }
            }
        }
    }
}

fn round_trip(package: &Package) {
    let json = to_json_string(package);
    let again = package_from_str(&json, DescriptorFormat::Json)
        .unwrap_or_else(|e| panic!("package written as JSON does not read back: {e}\n{json}"));
    assert_same(package, &again, "JSON", &json);

    let yaml = to_yaml_string(package);
    let again = package_from_str(&yaml, DescriptorFormat::Yaml)
        .unwrap_or_else(|e| panic!("package written as YAML does not read back: {e}\n{yaml}"));
    assert_same(package, &again, "YAML", &yaml);
}

/// The two packages are equal, but for the last bits of floats: serde_json
/// without its `float_roundtrip` feature may read a float one ULP off the
/// shortest text it wrote (found by this target; reported, not fixed here).
fn assert_same<D>(before: &D, after: &D, format: &str, text: &str)
where
    D: PartialEq + Debug + Serialize,
{
    if before == after {
        return;
    }
    let before_json = serde_json::to_value(before).expect("a descriptor serializes");
    let after_json = serde_json::to_value(after).expect("a descriptor serializes");
    assert!(
        json_close(&before_json, &after_json),
        "{format} round trip changed the model\n{text}\nbefore: {before:?}\nafter: {after:?}"
    );
}

fn json_close(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_f64(), y.as_f64()) {
            _ if x == y => true,
            (Some(x), Some(y)) => (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs()),
            _ => false,
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_close(x, y))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && json_close(vx, vy))
        }
        _ => a == b,
    }
}

/// What `safe_relative_path` accepts stays inside the package.
fn check_path(path: &str) {
    if safe_relative_path(path).is_err() || is_url(path) {
        return;
    }
    assert!(!path.is_empty());
    assert!(!path.starts_with('/'), "absolute path accepted: {path:?}");
    assert!(!path.contains('\\'), "backslash accepted: {path:?}");
    assert!(
        !path.chars().any(char::is_control),
        "control character accepted: {path:?}"
    );
    assert!(
        !path.contains(':'),
        "drive, stream or scheme accepted: {path:?}"
    );
    assert!(!path.starts_with('~'), "home directory accepted: {path:?}");
    let lower = path.to_ascii_lowercase();
    assert!(
        !["%2e", "%2f", "%5c"].iter().any(|e| lower.contains(e)),
        "percent-encoded dot or separator accepted: {path:?}"
    );
    assert!(
        !path.split('/').any(|segment| segment.is_empty()
            || (segment.len() >= 2 && segment.chars().all(|c| c == '.'))),
        "parent, dots-only or empty segment accepted: {path:?}"
    );
}
