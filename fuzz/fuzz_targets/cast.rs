//! Arbitrary fields and cells through the caster: a field type, a format,
//! constraints whose bound comes from the input, then one cell cast and
//! checked.
//!
//! Input layout: byte 0 the type (the spec's 16 and an unknown one), byte 1
//! the format (none, `default`, `any`, one from the input, or one of a list
//! of named and strptime formats), byte 2 which constraints and options the
//! field gets. The rest is split on NUL bytes: the last part is the cell,
//! the one before it the bound (read as JSON, else as a string), and a
//! third one before those the format when byte 1 asks for it.
//!
//! Checked: no panic, a missing cell casts to null, casting is
//! deterministic, and the first of all constraint errors is the one
//! `check_constraints` returns.

#![no_main]

use datapackage::{Field, FieldCaster, FieldType};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value as Json};

const FORMATS: [&str; 16] = [
    "email",
    "uri",
    "uuid",
    "binary",
    "array",
    "object",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M:%S%z",
    "%H:%M",
    "%I:%M %p",
    "%b %d %Y",
    "fmt:%d.%m.%Y",
    "%Y%j",
    "%a, %d %b %Y %H:%M:%S %Z",
    "%y",
    "%%%S.%f",
];

fuzz_target!(|data: &[u8]| {
    let [type_byte, format_byte, flags, rest @ ..] = data else {
        return;
    };
    let mut parts: Vec<&[u8]> = rest.splitn(3, |b| *b == 0).collect();
    let cell_bytes = parts.pop().unwrap_or_default();
    let bound_text = parts.pop().map(String::from_utf8_lossy).unwrap_or_default();
    let custom_format = parts.pop().map(String::from_utf8_lossy);
    let cell = String::from_utf8_lossy(cell_bytes);

    let field_type = FieldType::ALL
        .get(usize::from(*type_byte) % (FieldType::ALL.len() + 1))
        .cloned()
        .unwrap_or_else(|| FieldType::Unknown("fuzz".into()));
    let mut field = Field::new("f", field_type.clone());
    field.format = match format_byte {
        0 => None,
        1 => Some("default".into()),
        2 => Some("any".into()),
        3 => Some(custom_format.as_deref().unwrap_or("").to_owned()),
        b => Some(FORMATS[usize::from(b - 4) % FORMATS.len()].to_owned()),
    };

    let bound: Json =
        serde_json::from_str(&bound_text).unwrap_or_else(|_| Json::String(bound_text.to_string()));
    let c = &mut field.constraints;
    if flags & 1 != 0 {
        c.minimum = Some(bound.clone());
    }
    if flags & 2 != 0 {
        c.maximum = Some(bound.clone());
    }
    if flags & 4 != 0 {
        c.exclusive_minimum = Some(bound.clone());
        c.exclusive_maximum = Some(bound.clone());
    }
    if flags & 8 != 0 {
        c.enum_ = Some(vec![bound.clone(), Json::String(cell.to_string())]);
    }
    if flags & 16 != 0 {
        c.pattern = Some(bound_text.to_string());
    }
    if flags & 32 != 0 {
        c.min_length = Some(json!(1));
        c.max_length = Some(if flags & 1 != 0 {
            bound.clone()
        } else {
            json!(5)
        });
    }
    if flags & 64 != 0 {
        c.required = Some(true);
    }
    if flags & 128 != 0 {
        field.true_values = Some(vec!["y".into(), "Y".into()]);
        field.false_values = Some(vec!["n".into()]);
        field.decimal_char = Some(",".into());
        field.group_char = Some(" ".into());
        field.bare_number = Some(false);
        field.delimiter = Some(";".into());
        field.extra.insert("itemType".into(), json!("integer"));
        field.extra.insert(
            "arrayItem".into(),
            json!({"type": "integer", "constraints": {"minimum": 0, "enum": [1, 2, 3]}}),
        );
    }

    let Ok(caster) = FieldCaster::new(&field, &[String::new()]) else {
        return;
    };
    let _ = caster.has_constraints();
    assert!(
        matches!(caster.cast(""), Ok(v) if v.is_null()),
        "the missing value is not null"
    );

    let first = caster.cast(&cell);
    let second = caster.cast(&cell);
    // Compared as Debug text: a NaN value is not equal to itself.
    assert_eq!(
        format!("{first:?}"),
        format!("{second:?}"),
        "casting the same cell twice differs"
    );
    match first {
        Ok(value) => {
            let _ = value.key();
            let _ = value.to_json();
            let _ = value.to_string();
            let _ = value.is_nan();
            let mut all = Vec::new();
            caster.check_all_constraints(&cell, &value, |e| all.push(e.note()));
            let one = caster
                .check_constraints(&cell, &value)
                .err()
                .map(|e| e.note());
            assert_eq!(all.first().cloned(), one, "first constraint error differs");
        }
        Err(e) => {
            let _ = e.note();
        }
    }
});
