//! Descriptor reading, writing and validation against the real packages in
//! `tests/fixtures/datasets` and a catalogue of broken descriptors.

use std::fs;
use std::path::{Path, PathBuf};

use datapackage::io::{
    find_descriptor, package_from_str, read_package, resolve_local_path, schema_from_str,
    to_json_string, to_yaml_string, DescriptorFormat,
};
use datapackage::validate::{validate_package, validate_schema};
use datapackage::{Error, Package};
use serde_json::Value as Json;

const DATASETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/datasets");

/// Every fixture package directory with its descriptor.
fn fixtures() -> Vec<(PathBuf, PathBuf)> {
    let mut found: Vec<(PathBuf, PathBuf)> = fs::read_dir(DATASETS)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|dir| dir.is_dir())
        .filter_map(|dir| find_descriptor(&dir).map(|descriptor| (dir, descriptor)))
        .collect();
    found.sort();
    assert!(
        found.len() >= 5,
        "fixtures missing under {DATASETS}: {found:?}"
    );
    found
}

/// The descriptor file as plain JSON, whatever its format.
fn raw(descriptor: &Path) -> Json {
    let text = fs::read_to_string(descriptor).unwrap();
    match DescriptorFormat::from_path(descriptor).unwrap() {
        DescriptorFormat::Json => serde_json::from_str(&text).unwrap(),
        DescriptorFormat::Yaml => serde_yaml::from_str(&text).unwrap(),
    }
}

#[test]
fn fixtures_include_json_and_yaml_descriptors() {
    let names: Vec<String> = fixtures()
        .iter()
        .map(|(_, d)| d.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"datapackage.json".to_string()));
    assert!(names.contains(&"datapackage.yml".to_string()));
}

#[test]
fn fixtures_round_trip_through_json_and_yaml() {
    for (_, descriptor) in fixtures() {
        let package = read_package(&descriptor).unwrap();

        let json = to_json_string(&package);
        assert!(json.ends_with("}\n"), "{}", descriptor.display());
        let from_json = package_from_str(&json, DescriptorFormat::Json).unwrap();
        assert_eq!(
            from_json,
            package,
            "JSON round trip of {}",
            descriptor.display()
        );

        let yaml = to_yaml_string(&package);
        let from_yaml = package_from_str(&yaml, DescriptorFormat::Yaml).unwrap();
        assert_eq!(
            from_yaml,
            package,
            "YAML round trip of {}",
            descriptor.display()
        );

        // Writing is stable: a second pass gives the same text.
        assert_eq!(to_json_string(&from_json), json);
        assert_eq!(to_yaml_string(&from_yaml), yaml);
    }
}

#[test]
fn fixtures_keep_every_property_untouched() {
    for (_, descriptor) in fixtures() {
        let original = raw(&descriptor);
        let package = read_package(&descriptor).unwrap();
        let written: Json = serde_json::from_str(&to_json_string(&package)).unwrap();
        // Map equality ignores order: nothing added, lost or changed.
        assert_eq!(written, original, "{}", descriptor.display());
        for key in [
            "views",
            "related",
            "collection",
            "has_solutions",
            "repository",
        ] {
            assert_eq!(
                written.get(key),
                original.get(key),
                "{key} in {}",
                descriptor.display()
            );
        }
    }
}

#[test]
fn unknown_properties_land_in_extra() {
    let gold = read_package(&Path::new(DATASETS).join("gold-prices/datapackage.json")).unwrap();
    assert!(gold.views.is_some());
    assert!(gold.extra.contains_key("related"));
    assert!(gold.extra.contains_key("collection"));
    let codes = read_package(&Path::new(DATASETS).join("country-codes/datapackage.yml")).unwrap();
    assert!(codes.extra.contains_key("related"));
    // YAML 1.2 reads an unquoted date as a string, and it stays one.
    assert!(codes.extra["last_modified"].is_string());
}

#[test]
fn fixtures_are_valid_descriptors() {
    for (_, descriptor) in fixtures() {
        let package = read_package(&descriptor).unwrap();
        let errors = validate_package(&package);
        assert!(errors.is_empty(), "{}: {errors:?}", descriptor.display());
    }
}

#[test]
fn fixture_paths_resolve_inside_their_package() {
    for (dir, descriptor) in fixtures() {
        let package = read_package(&descriptor).unwrap();
        let base = fs::canonicalize(&dir).unwrap();
        for resource in &package.resources {
            for path in resource.paths() {
                let resolved = resolve_local_path(&dir, path).unwrap();
                assert!(resolved.starts_with(&base));
                assert!(resolved.is_file(), "{}", resolved.display());
            }
        }
    }
}

fn errors_of(json: &str) -> Vec<String> {
    let package: Package = match package_from_str(json, DescriptorFormat::Json) {
        Ok(package) => package,
        Err(Error::Invalid(errors)) => return errors.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("{other}"),
    };
    validate_package(&package)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// A small valid package to break one piece at a time.
fn with_resource(resource: &str) -> String {
    format!(
        r#"{{"name":"p","resources":[
            {{"name":"ok","path":"data/ok.csv","schema":{{"fields":[{{"name":"id","type":"integer"}}]}}}},
            {resource}]}}"#
    )
}

#[test]
fn bad_descriptors_point_at_the_problem() {
    let cases: Vec<(String, &str)> = vec![
        (
            with_resource(r#"{"name":"b","path":"b.csv","schema":{"fields":[{"name":"a"},{"name":"b"},{"name":"c"},{"name":"d","type":"integr"}]}}"#),
            "resources[1].schema.fields[3].type: unknown type \"integr\" (did you mean \"integer\"?)",
        ),
        (
            with_resource(r#"{"name":"b","path":"../secret.csv"}"#),
            "resources[1].path: \"../secret.csv\" goes up with \"..\"; a path cannot leave the package",
        ),
        (
            with_resource(r#"{"name":"b","path":"/etc/passwd"}"#),
            "resources[1].path: \"/etc/passwd\" is an absolute path; use a path relative to the package",
        ),
        (
            with_resource(r#"{"name":"b","path":"C:\\data\\b.csv"}"#),
            "resources[1].path: \"C:\\\\data\\\\b.csv\" contains a backslash; use \"/\" to separate directories",
        ),
        (
            with_resource(r#"{"name":"b","path":"\\\\server\\share\\b.csv"}"#),
            "resources[1].path: \"\\\\\\\\server\\\\share\\\\b.csv\" contains a backslash; use \"/\" to separate directories",
        ),
        (
            with_resource(r#"{"name":"b","path":"data//b.csv"}"#),
            "resources[1].path: \"data//b.csv\" has an empty segment (\"//\")",
        ),
        (
            with_resource(r#"{"name":"b","path":"b\u0000.csv"}"#),
            "resources[1].path: \"b\\0.csv\" contains a control character",
        ),
        (
            with_resource(r#"{"name":"b","path":"file:///etc/passwd"}"#),
            "resources[1].path: \"file:///etc/passwd\" is a file: URL; use a path relative to the package",
        ),
        (
            with_resource(r#"{"name":"ok","path":"b.csv"}"#),
            "resources[1].name: duplicate resource name \"ok\" (also resources[0])",
        ),
        (
            with_resource(r#"{"name":"B Table","path":"b.csv"}"#),
            "resources[1].name: \"B Table\" is not a valid name: \"B\" is not allowed; use lowercase letters, digits, \"-\", \"_\" and \".\" (try \"b table\")",
        ),
        (
            with_resource(r#"{"name":"b"}"#),
            "resources[1]: a resource needs \"path\" or \"data\"",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","data":[[1]]}"#),
            "resources[1]: \"path\" and \"data\" are mutually exclusive",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","schema":{"fields":[{"name":"x","type":"boolean","constraints":{"minimum":1}}]}}"#),
            "resources[1].schema.fields[0].constraints.minimum: constraint \"minimum\" does not apply to type boolean",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","schema":{"fields":[{"name":"x","type":"integer","constraints":{"minLength":1}}]}}"#),
            "resources[1].schema.fields[0].constraints.minLength: constraint \"minLength\" does not apply to type integer",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","schema":{"fields":[{"name":"x","constraints":{"pattern":"[a-"}}]}}"#),
            "resources[1].schema.fields[0].constraints.pattern: \"[a-\" is not a valid regular expression: unclosed character class",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","schema":{"fields":[{"name":"x","format":"phone"}]}}"#),
            "resources[1].schema.fields[0].format: \"phone\" is not a format of type string (expected default, email, uri, binary, uuid, wkt)",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","schema":{"fields":[{"name":"x"},{"name":"x"}]}}"#),
            "resources[1].schema.fields[1].name: duplicate field name \"x\" (also resources[1].schema.fields[0])",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","schema":{"fields":[{"name":"x"}],"primaryKey":"y"}}"#),
            "resources[1].schema.primaryKey: field \"y\" is not in the schema",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","schema":{"fields":[{"name":"x"}],"foreignKeys":[{"fields":"x","reference":{"resource":"nope","fields":"id"}}]}}"#),
            "resources[1].schema.foreignKeys[0].reference.resource: no resource named \"nope\" in the package",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","schema":{"fields":[{"name":"x"}],"foreignKeys":[{"fields":"x","reference":{"resource":"ok","fields":"code"}}]}}"#),
            "resources[1].schema.foreignKeys[0].reference.fields: field \"code\" is not in the schema of resource \"ok\"",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","schema":{"fields":[{"name":"x"},{"name":"y"}],"foreignKeys":[{"fields":["x","y"],"reference":{"resource":"ok","fields":["id"]}}]}}"#),
            "resources[1].schema.foreignKeys[0].reference.fields: has 1 field but resources[1].schema.foreignKeys[0].fields has 2 fields; a foreign key pairs them one to one",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","schema":{"fields":[{"name":"x"}],"missingValues":["",-99]}}"#),
            "resources[1].schema.missingValues[1]: must be a string, not a number",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","bytes":-1}"#),
            "resources[1].bytes: must be a non-negative integer, not a number",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","schema":{"fields":{"name":"x"}}}"#),
            "resources[1].schema.fields: must be an array, not an object",
        ),
        (
            with_resource(r#"{"name":"b","path":"b.csv","dialect":{"delimiter":"||"}}"#),
            "resources[1].dialect.delimiter: \"||\" must be a single ASCII character",
        ),
        (
            r#"{"name":"p","resources":[]}"#.to_string(),
            "resources: a package needs at least one resource",
        ),
        (
            r#"{"name":"p","resources":{}}"#.to_string(),
            "resources: must be an array, not an object",
        ),
    ];
    for (json, expected) in cases {
        let errors = errors_of(&json);
        assert_eq!(errors, vec![expected.to_string()], "for {json}");
    }
}

#[test]
fn standalone_schema_files_validate_without_a_prefix() {
    let schema = schema_from_str(
        "fields:\n- name: id\n  type: integer\n- name: when\n  type: date\n  format: '%d/%m/%Y'\nprimaryKey: [id]\n",
        DescriptorFormat::Yaml,
    )
    .unwrap();
    assert!(validate_schema(&schema, "").is_empty());
    let schema = schema_from_str(
        r#"{"fields":[{"name":"id","type":"int"}],"primaryKey":["id","x"]}"#,
        DescriptorFormat::Json,
    )
    .unwrap();
    let errors: Vec<String> = validate_schema(&schema, "")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        vec![
            "fields[0].type: unknown type \"int\" (did you mean \"integer\"?)",
            "primaryKey[1]: field \"x\" is not in the schema",
        ]
    );
}

#[test]
fn json_written_from_yaml_reads_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(DATASETS).join("country-codes/datapackage.yml");
    let package = read_package(&source).unwrap();
    let target = dir.path().join("datapackage.json");
    fs::write(&target, to_json_string(&package)).unwrap();
    assert_eq!(find_descriptor(dir.path()), Some(target.clone()));
    assert_eq!(read_package(&target).unwrap(), package);
}

/// Found by the `descriptor` fuzz target: serde_json's default float parser
/// read some numbers one unit in the last place off, so a bound or a custom
/// property changed on a read/write round trip.
#[test]
fn floats_survive_a_json_round_trip_exactly() {
    use datapackage::io::{package_from_str, to_json_string, DescriptorFormat};
    for text in [
        r#"{"m": 111111.11111111111, "resources": []}"#,
        r#"{"m": -1111111111111111111111111.1111111111111112, "resources": []}"#,
    ] {
        let first = package_from_str(text, DescriptorFormat::Json).unwrap();
        let again = package_from_str(&to_json_string(&first), DescriptorFormat::Json).unwrap();
        assert_eq!(first, again, "{text}");
        let expected: f64 = text[6..text.find(',').unwrap()].trim().parse().unwrap();
        assert_eq!(first.extra["m"].as_f64(), Some(expected), "{text}");
    }
}
