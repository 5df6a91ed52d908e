//! Tests of [`FieldCaster`]: one field descriptor, many cells. The cases
//! and notes marked "verified" were run through frictionless-py 5.21
//! (`Field.from_descriptor(d).create_cell_reader()(cell)`); the parsers'
//! own edge cases are tested in their modules.

use chrono::{NaiveDate, NaiveTime};
use serde_json::{json, Value as Json};

use super::*;

fn caster(descriptor: Json) -> FieldCaster {
    let field: Field = serde_json::from_value(descriptor).unwrap();
    FieldCaster::new(&field, &[String::new()]).unwrap()
}

fn setup_error(descriptor: Json) -> DescriptorError {
    let field: Field = serde_json::from_value(descriptor).unwrap();
    FieldCaster::new(&field, &[String::new()]).unwrap_err()
}

/// The type-error note, or `None` when the cell casts.
fn type_note(c: &FieldCaster, cell: &str) -> Option<String> {
    c.cast(cell).err().map(|e| e.note())
}

/// Every constraint note for a cell that casts.
fn constraint_notes(c: &FieldCaster, cell: &str) -> Vec<String> {
    let value = c.cast(cell).unwrap();
    let mut notes = Vec::new();
    c.check_all_constraints(cell, &value, |e| notes.push(e.note()));
    notes
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn unknown_type_fails_setup() {
    let e = setup_error(json!({"name": "a", "type": "integr"}));
    assert_eq!(e.path, "type");
}

#[test]
fn missing_values() {
    let c = caster(json!({"name": "a", "type": "integer"}));
    assert!(c.is_missing(""));
    assert!(!c.is_missing(" "));
    assert_eq!(c.cast(""), Ok(Value::Null));

    let field: Field = serde_json::from_value(json!({"name": "a", "type": "integer"})).unwrap();
    let schema_missing = ["-".to_string(), "NA".to_string()];
    let c = FieldCaster::new(&field, &schema_missing).unwrap();
    assert_eq!(c.cast("NA"), Ok(Value::Null));
    assert_eq!(c.cast("-"), Ok(Value::Null));
    // Verified: "" is not missing once missingValues leave it out.
    assert_eq!(
        type_note(&c, "").as_deref(),
        Some("type is \"integer/default\"")
    );

    // A field's own missingValues (v2) replace the schema's.
    let field: Field =
        serde_json::from_value(json!({"name": "a", "type": "integer", "missingValues": ["x"]}))
            .unwrap();
    let c = FieldCaster::new(&field, &schema_missing).unwrap();
    assert_eq!(c.cast("x"), Ok(Value::Null));
    assert!(c.cast("NA").is_err());

    let c = FieldCaster::new(&field, &[]).unwrap();
    assert!(c.is_missing("x"));
    let field: Field =
        serde_json::from_value(json!({"name": "a", "type": "string", "missingValues": []}))
            .unwrap();
    let c = FieldCaster::new(&field, &[String::new()]).unwrap();
    assert_eq!(c.cast(""), Ok(Value::String("")));
}

#[test]
fn strings_and_formats() {
    let c = caster(json!({"name": "a", "type": "string"}));
    assert_eq!(c.cast("string"), Ok(Value::String("string")));
    assert_eq!(c.cast(" x "), Ok(Value::String(" x ")));

    // Verified notes.
    let c = caster(json!({"name": "a", "type": "string", "format": "email"}));
    assert_eq!(
        c.cast("name@gmail.com"),
        Ok(Value::String("name@gmail.com"))
    );
    assert_eq!(
        type_note(&c, "string").as_deref(),
        Some("type is \"string/email\"")
    );
    let c = caster(json!({"name": "a", "type": "string", "format": "uri"}));
    assert!(c.cast("http://google.com").is_ok());
    assert_eq!(
        type_note(&c, "://no-scheme.test").as_deref(),
        Some("type is \"string/uri\"")
    );
    let c = caster(json!({"name": "a", "type": "string", "format": "uuid"}));
    assert!(c.cast("2bc1c94f-0deb-43e9-92a1-4775189ec9f8").is_ok());
    assert!(c.cast("2bc1c94f").is_err());
    let c = caster(json!({"name": "a", "type": "string", "format": "binary"}));
    assert!(c.cast("dGVzdA==").is_ok());
    assert_eq!(
        type_note(&c, "string").as_deref(),
        Some("type is \"string/binary\"")
    );
    let c = caster(json!({"name": "a", "type": "string", "format": "wkt"}));
    assert!(c.cast("POINT (30 10)").is_ok());
    assert!(c.cast("string").is_err());
    // frictionless reads an unknown string format as `default`.
    let c = caster(json!({"name": "a", "type": "string", "format": "bogus"}));
    assert!(c.cast("x").is_ok());
}

#[test]
fn integers() {
    let c = caster(json!({"name": "a", "type": "integer"}));
    assert_eq!(c.cast("1"), Ok(Value::Integer(1)));
    assert_eq!(c.cast(" -12 "), Ok(Value::Integer(-12)));
    assert_eq!(c.cast("1_000"), Ok(Value::Integer(1000)));
    assert_eq!(
        type_note(&c, "3.14").as_deref(),
        Some("type is \"integer/default\"")
    );
    assert_eq!(
        type_note(&c, "1,000").as_deref(),
        Some("type is \"integer/default\"")
    );
    let c = caster(json!({"name": "a", "type": "integer", "bareNumber": false}));
    assert_eq!(c.cast("€ -12"), Ok(Value::Integer(-12)));
    assert_eq!(c.cast("1%"), Ok(Value::Integer(1)));
    let c = caster(json!({"name": "a", "type": "integer", "groupChar": ","}));
    assert_eq!(c.cast("1,000,000"), Ok(Value::Integer(1_000_000)));
}

#[test]
fn numbers() {
    let c = caster(json!({"name": "a", "type": "number"}));
    assert_eq!(c.cast("10.50"), Ok(Value::Number(10.5)));
    assert_eq!(c.cast("1e5"), Ok(Value::Number(1e5)));
    assert_eq!(c.cast("-INF"), Ok(Value::Number(f64::NEG_INFINITY)));
    assert!(matches!(c.cast("NaN"), Ok(Value::Number(n)) if n.is_nan()));
    assert_eq!(
        type_note(&c, "1,5").as_deref(),
        Some("type is \"number/default\"")
    );
    let c = caster(json!({"name": "a", "type": "number", "decimalChar": ",", "groupChar": "."}));
    assert_eq!(c.cast("8.699,8"), Ok(Value::Number(8699.8)));
    let c = caster(json!({"name": "a", "type": "number", "bareNumber": false, "groupChar": ","}));
    assert_eq!(c.cast("  10,000.00 €"), Ok(Value::Number(10000.0)));
    assert_eq!(c.cast("$1"), Ok(Value::Number(1.0)));
}

#[test]
fn booleans() {
    let c = caster(json!({"name": "a", "type": "boolean"}));
    for (cell, v) in [
        ("true", true),
        ("True", true),
        ("TRUE", true),
        ("1", true),
        ("false", false),
        ("0", false),
    ] {
        assert_eq!(c.cast(cell), Ok(Value::Boolean(v)), "{cell}");
    }
    for cell in ["t", "YES", " true", "true ", "3.14"] {
        assert_eq!(
            type_note(&c, cell).as_deref(),
            Some("type is \"boolean/default\""),
            "{cell}"
        );
    }
    // Verified: custom values replace the defaults; a value in both lists is false.
    let c = caster(
        json!({"name": "a", "type": "boolean", "trueValues": ["y", "n"], "falseValues": ["n"]}),
    );
    assert_eq!(c.cast("y"), Ok(Value::Boolean(true)));
    assert_eq!(c.cast("n"), Ok(Value::Boolean(false)));
    assert!(c.cast("true").is_err());
    let c = caster(json!({"name": "a", "type": "boolean", "trueValues": ["yes"]}));
    assert_eq!(c.cast("yes"), Ok(Value::Boolean(true)));
    assert_eq!(c.cast("false"), Ok(Value::Boolean(false)));
    assert!(c.cast("true").is_err());
}

#[test]
fn objects_and_arrays() {
    let c = caster(json!({"name": "a", "type": "object"}));
    assert_eq!(
        c.cast("{\"key\": \"value\"}"),
        Ok(Value::Json(json!({"key": "value"})))
    );
    assert_eq!(c.cast(" {} "), Ok(Value::Json(json!({}))));
    for cell in ["[\"key\", \"value\"]", "string", "1", "3.14"] {
        assert_eq!(
            type_note(&c, cell).as_deref(),
            Some("type is \"object/default\""),
            "{cell}"
        );
    }
    let c = caster(json!({"name": "a", "type": "array"}));
    assert_eq!(
        c.cast("[\"val1\", \"val2\"]"),
        Ok(Value::Json(json!(["val1", "val2"])))
    );
    assert_eq!(c.cast("[]"), Ok(Value::Json(json!([]))));
    for cell in ["{\"key\": \"value\"}", "string", "1"] {
        assert_eq!(
            type_note(&c, cell).as_deref(),
            Some("type is \"array/default\""),
            "{cell}"
        );
    }
}

#[test]
fn array_items() {
    // Verified notes and outcomes.
    let c = caster(
        json!({"name": "a", "type": "array", "arrayItem": {"type": "integer", "constraints": {"minimum": 2}}}),
    );
    assert!(c.cast("[\"3\", 4]").is_ok());
    assert_eq!(
        type_note(&c, "[2, \"x\"]").as_deref(),
        Some("array item type is \"integer/default\"")
    );
    assert_eq!(
        constraint_notes(&c, "[1, 2]"),
        ["array item constraint \"minimum\" is \"2\""]
    );
    assert!(constraint_notes(&c, "[null]").is_empty());
    assert!(constraint_notes(&c, "[\"\"]").is_empty());

    let c = caster(json!({
        "name": "a", "type": "array", "constraints": {"maxLength": 2},
        "arrayItem": {"constraints": {"enum": ["a"], "required": true}}
    }));
    // The field's own constraint is reported, the items are not read.
    assert_eq!(
        constraint_notes(&c, "[\"a\", \"b\", \"c\"]"),
        ["constraint \"maxLength\" is \"2\""]
    );
    assert_eq!(
        constraint_notes(&c, "[\"a\", \"b\"]"),
        ["array item constraint \"enum\" is \"['a']\""]
    );
    assert_eq!(
        constraint_notes(&c, "[\"a\", null]"),
        ["array item constraint \"required\" is \"True\""]
    );
    assert!(constraint_notes(&c, "[]").is_empty());
}

#[test]
fn lists() {
    // Verified.
    let c = caster(json!({"name": "a", "type": "list"}));
    assert_eq!(
        c.cast("value1,value2"),
        Ok(Value::List(vec![
            Value::String("value1"),
            Value::String("value2")
        ]))
    );
    assert_eq!(
        c.cast("a,,b"),
        Ok(Value::List(vec![
            Value::String("a"),
            Value::String(""),
            Value::String("b")
        ]))
    );
    assert_eq!(
        c.cast("value1;value2"),
        Ok(Value::List(vec![Value::String("value1;value2")]))
    );
    let c = caster(json!({"name": "a", "type": "list", "delimiter": "||"}));
    assert_eq!(
        c.cast("a||b"),
        Ok(Value::List(vec![Value::String("a"), Value::String("b")]))
    );
    let c = caster(json!({"name": "a", "type": "list", "itemType": "integer"}));
    assert_eq!(
        c.cast("2  ,  3"),
        Ok(Value::List(vec![Value::Integer(2), Value::Integer(3)]))
    );
    assert_eq!(
        type_note(&c, "1,bad,3").as_deref(),
        Some("expected item type is \"integer\"")
    );
    assert_eq!(
        type_note(&c, "1,2,").as_deref(),
        Some("expected item type is \"integer\"")
    );
    // Items use the default format of their type.
    let c = caster(json!({"name": "a", "type": "list", "itemType": "date"}));
    assert!(c.cast("21/11/2006").is_err());
    assert_eq!(
        c.cast("2006-11-21"),
        Ok(Value::List(vec![Value::Date(date(2006, 11, 21))]))
    );
    let c = caster(json!({"name": "a", "type": "list", "itemType": "boolean"}));
    assert_eq!(
        c.cast("true,false"),
        Ok(Value::List(vec![
            Value::Boolean(true),
            Value::Boolean(false)
        ]))
    );
    assert_eq!(
        setup_error(json!({"name": "a", "type": "list", "itemType": "geopoint"})).path,
        "itemType"
    );
    assert_eq!(
        setup_error(json!({"name": "a", "type": "list", "delimiter": ""})).path,
        "delimiter"
    );

    let c = caster(
        json!({"name": "a", "type": "list", "itemType": "integer", "constraints": {"minLength": 2, "maxLength": 2, "required": true}}),
    );
    assert_eq!(
        constraint_notes(&c, "1"),
        ["constraint \"minLength\" is \"2\""]
    );
    assert!(constraint_notes(&c, "1,2").is_empty());
    assert_eq!(
        constraint_notes(&c, "1,2,3"),
        ["constraint \"maxLength\" is \"2\""]
    );
    assert_eq!(
        constraint_notes(&c, ""),
        ["constraint \"required\" is \"True\""]
    );
}

#[test]
fn dates() {
    let c = caster(json!({"name": "a", "type": "date"}));
    assert_eq!(c.cast("2019-01-01"), Ok(Value::Date(date(2019, 1, 1))));
    assert_eq!(
        type_note(&c, "10th Jan 1969").as_deref(),
        Some("type is \"date/default\"")
    );
    let c = caster(json!({"name": "a", "type": "date", "format": "any"}));
    assert_eq!(c.cast("10th Jan 1969"), Ok(Value::Date(date(1969, 1, 10))));
    assert_eq!(
        type_note(&c, "invalid").as_deref(),
        Some("type is \"date/any\"")
    );
    let c = caster(json!({"name": "a", "type": "date", "format": "%d/%m/%y"}));
    assert_eq!(c.cast("21/11/06"), Ok(Value::Date(date(2006, 11, 21))));
    assert!(c.cast("21/11/06 16:30").is_err());
    // `fmt:` (Table Schema v1) is dropped, also from the note (verified).
    let c = caster(json!({"name": "a", "type": "date", "format": "fmt:%d/%m/%Y"}));
    assert_eq!(c.cast("02/01/2020"), Ok(Value::Date(date(2020, 1, 2))));
    assert_eq!(
        type_note(&c, "x").as_deref(),
        Some("type is \"date/%d/%m/%Y\"")
    );
    let c = caster(json!({"name": "a", "type": "date", "format": "invalid"}));
    assert!(c.cast("21/11/06 16:30").is_err());
}

#[test]
fn times() {
    let t = |h, m, s| NaiveTime::from_hms_opt(h, m, s).unwrap();
    let c = caster(json!({"name": "a", "type": "time"}));
    assert_eq!(c.cast("06:00:00"), Ok(Value::Time(t(6, 0, 0), None)));
    assert_eq!(c.cast("06:00:00Z"), Ok(Value::Time(t(6, 0, 0), Some(0))));
    assert_eq!(
        c.cast("06:00:00+01:00"),
        Ok(Value::Time(t(6, 0, 0), Some(3600)))
    );
    for cell in ["06:00:00+1:00", "09:00", "3 am", "3.00", "invalid"] {
        assert_eq!(
            type_note(&c, cell).as_deref(),
            Some("type is \"time/default\""),
            "{cell}"
        );
    }
    let c = caster(json!({"name": "a", "type": "time", "format": "any"}));
    assert_eq!(c.cast("3:00 am"), Ok(Value::Time(t(3, 0, 0), None)));
    assert_eq!(c.cast("06:00:00Z"), Ok(Value::Time(t(6, 0, 0), Some(0))));
    assert!(c.cast("some night").is_err());
    let c = caster(json!({"name": "a", "type": "time", "format": "%H:%M"}));
    assert_eq!(c.cast("06:00"), Ok(Value::Time(t(6, 0, 0), None)));
    assert!(c.cast("3:00 am").is_err());
    let c = caster(json!({"name": "a", "type": "time", "format": "%M:%H"}));
    assert!(c.cast("06:50").is_err());
}

#[test]
fn datetimes() {
    let dt = |h| date(2014, 1, 1).and_hms_opt(h, 0, 0).unwrap();
    let c = caster(json!({"name": "a", "type": "datetime"}));
    assert_eq!(
        c.cast("2014-01-01T06:00:00"),
        Ok(Value::Datetime(dt(6), None))
    );
    assert_eq!(
        c.cast("2014-01-01T06:00:00Z"),
        Ok(Value::Datetime(dt(6), Some(0)))
    );
    assert_eq!(
        c.cast("2014-01-01T06:00:00+01:00"),
        Ok(Value::Datetime(dt(6), Some(3600)))
    );
    for cell in [
        "2014-01-01T06:00:00+1:00",
        "Mon 1st Jan 2014 9 am",
        "invalid",
    ] {
        assert_eq!(
            type_note(&c, cell).as_deref(),
            Some("type is \"datetime/default\""),
            "{cell}"
        );
    }
    let c = caster(json!({"name": "a", "type": "datetime", "format": "any"}));
    assert_eq!(
        c.cast("10th Jan 1969 9 am"),
        Ok(Value::Datetime(
            date(1969, 1, 10).and_hms_opt(9, 0, 0).unwrap(),
            None
        ))
    );
    let c = caster(json!({"name": "a", "type": "datetime", "format": "%d/%m/%y %H:%M"}));
    assert_eq!(
        c.cast("21/11/06 16:30"),
        Ok(Value::Datetime(
            date(2006, 11, 21).and_hms_opt(16, 30, 0).unwrap(),
            None
        ))
    );
    let c = caster(json!({"name": "a", "type": "datetime", "format": "%H:%M %d/%m/%y"}));
    assert!(c.cast("21/11/06 16:30").is_err());
}

#[test]
fn years_yearmonths_durations() {
    let c = caster(json!({"name": "a", "type": "year"}));
    assert_eq!(c.cast("2000"), Ok(Value::Year(2000)));
    assert_eq!(
        type_note(&c, "20000").as_deref(),
        Some("type is \"year/default\"")
    );
    let c = caster(json!({"name": "a", "type": "yearmonth"}));
    assert_eq!(c.cast("2000-10"), Ok(Value::YearMonth(2000, 10)));
    assert_eq!(
        type_note(&c, "2000-13").as_deref(),
        Some("type is \"yearmonth/default\"")
    );
    let c = caster(json!({"name": "a", "type": "duration"}));
    assert_eq!(
        c.cast("P1Y"),
        Ok(Value::Duration {
            months: 12.0,
            micros: 0
        })
    );
    assert_eq!(
        c.cast("PT1S"),
        Ok(Value::Duration {
            months: 0.0,
            micros: 1_000_000
        })
    );
    assert_eq!(
        type_note(&c, "P1M1Y").as_deref(),
        Some("type is \"duration/default\"")
    );
}

#[test]
fn geopoints_and_geojson() {
    let c = caster(json!({"name": "a", "type": "geopoint"}));
    assert_eq!(
        c.cast("180, -90"),
        Ok(Value::GeoPoint {
            lon: 180.0,
            lat: -90.0
        })
    );
    assert_eq!(
        type_note(&c, "181,90").as_deref(),
        Some("type is \"geopoint/default\"")
    );
    let c = caster(json!({"name": "a", "type": "geopoint", "format": "array"}));
    assert_eq!(
        c.cast("[180, -90]"),
        Ok(Value::GeoPoint {
            lon: 180.0,
            lat: -90.0
        })
    );
    let c = caster(json!({"name": "a", "type": "geopoint", "format": "object"}));
    assert_eq!(
        c.cast("{\"lon\": 180, \"lat\": 90}"),
        Ok(Value::GeoPoint {
            lon: 180.0,
            lat: 90.0
        })
    );
    assert_eq!(
        type_note(&c, "[180, -90]").as_deref(),
        Some("type is \"geopoint/object\"")
    );

    let c = caster(json!({"name": "a", "type": "geojson"}));
    let feature =
        "{\"geometry\": null, \"type\": \"Feature\", \"properties\": {\"\\u00c3\": \"\\u00c3\"}}";
    assert_eq!(
        c.cast(feature),
        Ok(Value::Json(
            json!({"geometry": null, "type": "Feature", "properties": {"Ã": "Ã"}})
        ))
    );
    for cell in [
        "{}",
        "string",
        "1",
        "3.14",
        "{\"coordinates\": [0, 0, 0], \"type\": \"Point\"}",
    ] {
        assert_eq!(
            type_note(&c, cell).as_deref(),
            Some("type is \"geojson/default\""),
            "{cell}"
        );
    }
    let c = caster(json!({"name": "a", "type": "geojson", "format": "topojson"}));
    assert!(c.cast("{\"type\": \"LineString\", \"arcs\": [42]}").is_ok());
    assert!(c.cast("string").is_err());
}

#[test]
fn any() {
    let c = caster(json!({"name": "a", "type": "any"}));
    assert_eq!(c.cast("anything"), Ok(Value::String("anything")));
    assert_eq!(c.cast(""), Ok(Value::Null));
}

// Notes and outcomes verified with frictionless-py 5.21.
#[test]
fn numeric_constraints() {
    let c = caster(json!({"name": "a", "type": "integer", "constraints": {
        "minimum": 5, "maximum": 10.0, "enum": [5, 6, "7", 8.0, true, "x"], "required": true
    }}));
    let en = "constraint \"enum\" is \"[5, 6, '7', 8.0, True, 'x']\"";
    assert_eq!(
        constraint_notes(&c, "4"),
        ["constraint \"minimum\" is \"5\"", en]
    );
    for cell in ["5", "7", "8"] {
        assert!(constraint_notes(&c, cell).is_empty(), "{cell}");
    }
    assert_eq!(constraint_notes(&c, "9"), [en]);
    assert_eq!(
        constraint_notes(&c, "11"),
        ["constraint \"maximum\" is \"10.0\"", en]
    );
    assert_eq!(
        constraint_notes(&c, ""),
        ["constraint \"required\" is \"True\""]
    );
    assert_eq!(
        c.check_constraints("4", &Value::Integer(4))
            .unwrap_err()
            .constraint,
        "minimum"
    );
    assert_eq!(c.check_constraints("5", &Value::Integer(5)), Ok(()));

    let c = caster(
        json!({"name": "a", "type": "number", "constraints": {"exclusiveMinimum": 1.5, "exclusiveMaximum": "3"}}),
    );
    assert_eq!(
        constraint_notes(&c, "1.5"),
        ["constraint \"exclusiveMinimum\" is \"1.5\""]
    );
    assert!(constraint_notes(&c, "2").is_empty());
    assert_eq!(
        constraint_notes(&c, "3"),
        ["constraint \"exclusiveMaximum\" is \"3\""]
    );
    assert_eq!(
        constraint_notes(&c, "nan"),
        [
            "constraint \"exclusiveMinimum\" is \"1.5\"",
            "constraint \"exclusiveMaximum\" is \"3\""
        ]
    );
    assert_eq!(
        constraint_notes(&c, "inf"),
        ["constraint \"exclusiveMaximum\" is \"3\""]
    );

    let c = caster(
        json!({"name": "a", "type": "number", "constraints": {"minimum": "1.5", "enum": ["1.5", 2, "x"]}}),
    );
    let en = "constraint \"enum\" is \"['1.5', 2, 'x']\"";
    assert_eq!(
        constraint_notes(&c, "1"),
        ["constraint \"minimum\" is \"1.5\"", en]
    );
    assert!(constraint_notes(&c, "1.5").is_empty());
    assert!(constraint_notes(&c, "2.0").is_empty());
    assert_eq!(constraint_notes(&c, "3"), [en]);

    let c = caster(
        json!({"name": "a", "type": "year", "constraints": {"minimum": 2000, "enum": [2000, "2001"]}}),
    );
    let en = "constraint \"enum\" is \"[2000, '2001']\"";
    assert_eq!(
        constraint_notes(&c, "1999"),
        ["constraint \"minimum\" is \"2000\"", en]
    );
    assert!(constraint_notes(&c, "2001").is_empty());
    assert_eq!(constraint_notes(&c, "2002"), [en]);

    let c = caster(
        json!({"name": "a", "type": "yearmonth", "constraints": {"minimum": "2000-01", "enum": [[2000, 1], "2000-02"]}}),
    );
    let en = "constraint \"enum\" is \"[[2000, 1], '2000-02']\"";
    assert_eq!(
        constraint_notes(&c, "1999-12"),
        ["constraint \"minimum\" is \"2000-01\"", en]
    );
    assert!(constraint_notes(&c, "2000-01").is_empty());
    assert!(constraint_notes(&c, "2000-02").is_empty());
    assert_eq!(constraint_notes(&c, "2000-03"), [en]);
}

#[test]
fn nan_is_in_no_enum() {
    // Verified: NaN is in no enum, not even one listing "nan".
    let c = caster(json!({"name": "a", "type": "number", "constraints": {"enum": ["nan", 1]}}));
    assert_eq!(
        constraint_notes(&c, "nan"),
        ["constraint \"enum\" is \"['nan', 1]\""]
    );
    assert!(constraint_notes(&c, "1.0").is_empty());
}

// Verified with frictionless-py 5.21.
#[test]
fn temporal_constraints() {
    let c = caster(
        json!({"name": "a", "type": "date", "constraints": {"enum": ["2020-01-01", "2020-1-2"], "minimum": "2020-01-01"}}),
    );
    assert!(constraint_notes(&c, "2020-01-02").is_empty());
    assert_eq!(
        constraint_notes(&c, "2020-01-03"),
        ["constraint \"enum\" is \"['2020-01-01', '2020-1-2']\""]
    );
    assert_eq!(constraint_notes(&c, "2019-12-31").len(), 2);

    let c = caster(json!({"name": "a", "type": "time", "constraints": {"minimum": "10:00:00"}}));
    assert_eq!(
        constraint_notes(&c, "09:59:59"),
        ["constraint \"minimum\" is \"10:00:00\""]
    );
    assert!(constraint_notes(&c, "10:00:00").is_empty());

    let c = caster(
        json!({"name": "a", "type": "datetime", "constraints": {"maximum": "2020-01-01T00:00:00Z"}}),
    );
    // Aware values compare as instants.
    assert!(constraint_notes(&c, "2020-01-01T01:00:00+02:00").is_empty());
    assert_eq!(
        constraint_notes(&c, "2020-01-01T01:00:00Z"),
        ["constraint \"maximum\" is \"2020-01-01T00:00:00Z\""]
    );
    // Deviation: frictionless crashes comparing naive with aware; we read
    // the naive value as UTC.
    assert!(constraint_notes(&c, "2019-12-31T23:00:00").is_empty());
    assert_eq!(constraint_notes(&c, "2020-01-01T00:00:01").len(), 1);
}

// Verified with frictionless-py 5.21.
#[test]
fn string_constraints() {
    let c = caster(json!({"name": "a", "type": "string", "constraints": {
        "minLength": 2, "maxLength": 3, "pattern": "a.*", "enum": ["ab", "b", 1]
    }}));
    let en = "constraint \"enum\" is \"['ab', 'b', 1]\"";
    assert_eq!(
        constraint_notes(&c, "a"),
        ["constraint \"minLength\" is \"2\"", en]
    );
    assert!(constraint_notes(&c, "ab").is_empty());
    assert_eq!(
        constraint_notes(&c, "abcd"),
        ["constraint \"maxLength\" is \"3\"", en]
    );
    assert_eq!(
        constraint_notes(&c, "b"),
        [
            "constraint \"minLength\" is \"2\"",
            "constraint \"pattern\" is \"a.*\""
        ]
    );
    assert_eq!(
        constraint_notes(&c, "bcd"),
        ["constraint \"pattern\" is \"a.*\"", en]
    );
    // Lengths count characters.
    let c = caster(json!({"name": "a", "type": "string", "constraints": {"maxLength": 2}}));
    assert!(constraint_notes(&c, "éé").is_empty());
    // Deviation: frictionless matches `^a|b$`, so "ab" and "ax" pass there;
    // we match the whole cell against the whole pattern, as the spec says.
    let c = caster(json!({"name": "a", "type": "string", "constraints": {"pattern": "a|b"}}));
    assert!(constraint_notes(&c, "a").is_empty());
    assert!(constraint_notes(&c, "b").is_empty());
    assert_eq!(
        constraint_notes(&c, "xb"),
        ["constraint \"pattern\" is \"a|b\""]
    );
    assert_eq!(constraint_notes(&c, "ab").len(), 1);
    // Enum members that are not valid for the format never match.
    let c = caster(
        json!({"name": "a", "type": "string", "format": "email", "constraints": {"enum": ["a@b.de", "notanemail"]}}),
    );
    assert!(constraint_notes(&c, "a@b.de").is_empty());
    // Missing values pass every constraint but `required`.
    assert!(constraint_notes(&c, "").is_empty());
}

// Verified with frictionless-py 5.21.
#[test]
fn other_enums() {
    let c = caster(
        json!({"name": "a", "type": "array", "constraints": {"minLength": 1, "maxLength": 2, "enum": [[1], "[2]"]}}),
    );
    let en = "constraint \"enum\" is \"[[1], '[2]']\"";
    assert_eq!(
        constraint_notes(&c, "[]"),
        ["constraint \"minLength\" is \"1\"", en]
    );
    assert!(constraint_notes(&c, "[1]").is_empty());
    assert!(constraint_notes(&c, "[2]").is_empty());
    assert_eq!(
        constraint_notes(&c, "[1,2,3]"),
        ["constraint \"maxLength\" is \"2\"", en]
    );

    let c = caster(
        json!({"name": "a", "type": "object", "constraints": {"minLength": 1, "enum": [{"a": 1}]}}),
    );
    assert_eq!(
        constraint_notes(&c, "{}"),
        [
            "constraint \"minLength\" is \"1\"",
            "constraint \"enum\" is \"[{'a': 1}]\""
        ]
    );
    assert!(constraint_notes(&c, "{\"a\":1}").is_empty());
    assert!(constraint_notes(&c, "{\"a\":1.0}").is_empty());
    assert_eq!(constraint_notes(&c, "{\"b\":2}").len(), 1);

    let c =
        caster(json!({"name": "a", "type": "boolean", "constraints": {"enum": [true, "false"]}}));
    assert!(constraint_notes(&c, "true").is_empty());
    assert!(constraint_notes(&c, "0").is_empty());

    let c = caster(
        json!({"name": "a", "type": "any", "constraints": {"enum": ["a", 1], "required": true}}),
    );
    assert!(constraint_notes(&c, "a").is_empty());
    assert_eq!(
        constraint_notes(&c, "1"),
        ["constraint \"enum\" is \"['a', 1]\""]
    );
    assert_eq!(
        constraint_notes(&c, ""),
        ["constraint \"required\" is \"True\""]
    );

    let c =
        caster(json!({"name": "a", "type": "geopoint", "constraints": {"enum": [[1, 2], "3,4"]}}));
    assert!(constraint_notes(&c, "1.0, 2.00").is_empty());
    assert!(constraint_notes(&c, "3,4").is_empty());
    assert_eq!(
        constraint_notes(&c, "5,6"),
        ["constraint \"enum\" is \"[[1, 2], '3,4']\""]
    );

    let c =
        caster(json!({"name": "a", "type": "duration", "constraints": {"enum": ["P1Y", "PT1H"]}}));
    assert!(constraint_notes(&c, "P12M").is_empty());
    assert!(constraint_notes(&c, "PT60M").is_empty());
    assert_eq!(
        constraint_notes(&c, "P1D"),
        ["constraint \"enum\" is \"['P1Y', 'PT1H']\""]
    );

    let c = caster(
        json!({"name": "a", "type": "geojson", "constraints": {"enum": [{"type": "Point", "coordinates": [1, 2]}]}}),
    );
    assert!(constraint_notes(&c, "{\"type\":\"Point\",\"coordinates\":[1,2]}").is_empty());
    assert_eq!(
        constraint_notes(&c, "{\"type\":\"Point\",\"coordinates\":[1,3]}").len(),
        1
    );

    let c = caster(json!({"name": "a", "type": "string", "constraints": {"enum": []}}));
    assert_eq!(constraint_notes(&c, "a"), ["constraint \"enum\" is \"[]\""]);
}

#[test]
fn unsupported_constraints_are_not_checked() {
    // frictionless only checks the constraints a type supports (descriptor
    // validation reports the others).
    let c = caster(
        json!({"name": "a", "type": "integer", "constraints": {"pattern": "x", "minLength": 5}}),
    );
    assert!(!c.has_constraints());
    assert!(constraint_notes(&c, "1").is_empty());
    let c = caster(json!({"name": "a", "type": "boolean", "constraints": {"minimum": true}}));
    assert!(constraint_notes(&c, "false").is_empty());
}

#[test]
fn bad_constraints_fail_setup() {
    let e = setup_error(json!({"name": "a", "type": "integer", "constraints": {"minimum": "abc"}}));
    assert_eq!(e.path, "constraints.minimum");
    let e = setup_error(json!({"name": "a", "type": "integer", "constraints": {"maximum": 5.5}}));
    assert_eq!(e.path, "constraints.maximum");
    let e =
        setup_error(json!({"name": "a", "type": "date", "constraints": {"minimum": "2020-13-01"}}));
    assert_eq!(e.path, "constraints.minimum");
    let e = setup_error(json!({"name": "a", "type": "string", "constraints": {"pattern": "("}}));
    assert_eq!(e.path, "constraints.pattern");
    let e = setup_error(json!({"name": "a", "type": "string", "constraints": {"minLength": "2"}}));
    assert_eq!(e.path, "constraints.minLength");
    let e = setup_error(json!({"name": "a", "type": "array", "arrayItem": {"type": "nope"}}));
    assert_eq!(e.path, "arrayItem.type");
}

#[test]
fn errors_display_their_notes() {
    let c = caster(json!({"name": "a", "type": "integer", "constraints": {"minimum": 5}}));
    let e = c.cast("x").unwrap_err();
    assert_eq!(e.to_string(), "type is \"integer/default\"");
    let e = c.check_constraints("1", &Value::Integer(1)).unwrap_err();
    assert_eq!(e.to_string(), "constraint \"minimum\" is \"5\"");
    assert_eq!(e.constraint, "minimum");
}

#[test]
fn keys_support_uniqueness_checks() {
    let c = caster(json!({"name": "a", "type": "number"}));
    assert_eq!(c.cast("1").unwrap().key(), c.cast("1.0").unwrap().key());
    assert_eq!(c.cast("1").unwrap().key(), Value::Integer(1).key());
    assert_ne!(c.cast("1").unwrap().key(), c.cast("1.5").unwrap().key());
}

/// `fits` and `cast_and_check` are shortcuts: they must answer exactly as
/// `cast` then `check_all_constraints` do, for every type and cell.
#[test]
fn shortcuts_agree_with_cast_and_check_all_constraints() {
    let descriptors = [
        json!({"name": "a", "type": "string"}),
        json!({"name": "a", "type": "string", "format": "email"}),
        json!({"name": "a", "type": "string", "constraints": {"required": true, "maxLength": 3, "pattern": "[a-z]+", "enum": ["ab", "abcd", "x"]}}),
        json!({"name": "a", "type": "integer", "constraints": {"minimum": 0, "maximum": 100, "enum": [1, 5, 200]}}),
        json!({"name": "a", "type": "integer", "groupChar": ",", "bareNumber": false}),
        json!({"name": "a", "type": "number", "constraints": {"exclusiveMinimum": 0, "required": true}}),
        json!({"name": "a", "type": "number", "decimalChar": ",", "groupChar": "."}),
        json!({"name": "a", "type": "boolean", "constraints": {"enum": [true]}}),
        json!({"name": "a", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}),
        json!({"name": "a", "type": "date", "constraints": {"minimum": "2000-01-01"}}),
        json!({"name": "a", "type": "date", "format": "%d/%m/%Y"}),
        json!({"name": "a", "type": "time", "constraints": {"maximum": "12:00:00"}}),
        json!({"name": "a", "type": "datetime", "constraints": {"maximum": "2020-01-01T00:00:00Z"}}),
        json!({"name": "a", "type": "datetime", "format": "any"}),
        json!({"name": "a", "type": "year", "constraints": {"minimum": 1900}}),
        json!({"name": "a", "type": "yearmonth"}),
        json!({"name": "a", "type": "duration"}),
        json!({"name": "a", "type": "geopoint"}),
        json!({"name": "a", "type": "object"}),
        json!({"name": "a", "type": "array", "arrayItem": {"type": "integer", "constraints": {"minimum": 0}}}),
        json!({"name": "a", "type": "list", "itemType": "integer"}),
        json!({"name": "a", "type": "any", "constraints": {"required": true}}),
        json!({"name": "a", "type": "integer", "missingValues": ["-", "NA"], "constraints": {"required": true}}),
    ];
    let cells = [
        "",
        "-",
        "NA",
        "0",
        "1",
        "5",
        "007",
        "-3",
        "+4",
        " 7 ",
        "1_000",
        "1__0",
        "٣",
        "1,000",
        "$1,000",
        "1.5",
        "1,5",
        "-0.0",
        ".5",
        "1.",
        "1e5",
        "1E-3",
        "NaN",
        "inf",
        "-Infinity",
        "123456789012345678901234567890123456789",
        "68922.91",
        "0.592861",
        "true",
        "False",
        "TRUE",
        "yes",
        "no",
        "x",
        "ab",
        "abcd",
        "ABC",
        "a@b.co",
        "2004-10-30",
        "1999-12-31",
        "30/10/2004",
        "2004-02-30",
        "12:30:00",
        "11:00:00Z",
        "2000-09-07T16:57:42Z",
        "2024-06-12T16:52:32",
        "2021-01-01T00:00:00+02:00",
        "2000-09-07 16:57:42",
        "1899",
        "2024",
        "2024-06",
        "P1Y2M",
        "PT1H",
        "90, 45",
        "{\"a\": 1}",
        "[1, 2]",
        "[-1]",
        "1,2,x",
        "1,2",
        "null",
        "€",
    ];
    for descriptor in descriptors {
        let c = caster(descriptor.clone());
        for cell in cells {
            let cast = c.cast(cell);
            assert_eq!(c.fits(cell), cast.is_ok(), "fits: {descriptor} {cell:?}");
            let mut want = Vec::new();
            let want = cast.map(|value| {
                if c.has_constraints() {
                    c.check_all_constraints(cell, &value, |e| want.push(e.note()));
                }
                (value.is_null(), want)
            });
            let mut got = Vec::new();
            let got = c
                .cast_and_check(cell, |e| got.push(e.note()))
                .map(|null| (null, got));
            assert_eq!(got, want, "cast_and_check: {descriptor} {cell:?}");
        }
    }
}
