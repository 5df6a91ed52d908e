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
            assert_eq!(schema, again, "schema JSON round trip changed the model");
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
    assert_eq!(
        *package, again,
        "package JSON round trip changed the model\n{json}"
    );

    let yaml = to_yaml_string(package);
    let again = package_from_str(&yaml, DescriptorFormat::Yaml)
        .unwrap_or_else(|e| panic!("package written as YAML does not read back: {e}\n{yaml}"));
    assert_eq!(
        *package, again,
        "package YAML round trip changed the model\n{yaml}"
    );
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
