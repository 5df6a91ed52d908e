//! The corpus: small, deliberately messy tables and packages, one case per
//! defect or reading difficulty. Nothing here says what the result should
//! be: frictionless-py, run on the same files, says that. The comments only
//! say what each case is for.

use md5::Md5;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::case::{Case, Opt, Theme};
use crate::reading::{dialects, encodings, shapes};

/// Every case, in a stable order.
pub fn all() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(header());
    cases.extend(rows());
    cases.extend(constraints());
    cases.extend(keys());
    cases.extend(integrity());
    cases.extend(encodings());
    cases.extend(dialects());
    cases.extend(shapes());
    cases
}

pub fn schema(fields: Value) -> Value {
    json!({ "fields": fields })
}

/// A header line then `n` lines made by `row(i)` for i in 1..=n.
pub fn lines(header: &str, n: usize, row: impl Fn(usize) -> String) -> String {
    let mut text = format!("{header}\n");
    for i in 1..=n {
        text.push_str(&row(i));
        text.push('\n');
    }
    text
}

fn header() -> Vec<Case> {
    use Theme::Header as T;
    vec![
        // No schema: the blank label is renamed field2 by inference.
        Case::new("blank_label", T)
            .file("data.csv", "id,,score\n1,a,2\n2,b,3\n")
            .validate("data.csv"),
        Case::new("duplicate_label", T)
            .file("data.csv", "id,name,id,name\n1,a,1,a\n2,b,2,b\n")
            .validate("data.csv"),
        // Blank, duplicate and incorrect labels against a schema, and rows
        // still checked by position.
        Case::new("labels_against_schema", T)
            .file("data.csv", "a,,a,X\n1,2,3,4\n5,6,x,8\n")
            .json(
                "schema.json",
                schema(json!([
                    {"name": "a", "type": "integer"}, {"name": "b", "type": "integer"},
                    {"name": "c", "type": "integer"}, {"name": "d", "type": "integer"}
                ])),
            )
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        // The schema has a field the header lacks (package form).
        Case::new("missing_label", T)
            .file("people.csv", "id,name\n1,ann\n2\n3,cy\n")
            .json(
                "datapackage.json",
                json!({"name": "people", "resources": [{
                    "name": "people", "path": "people.csv",
                    "schema": schema(json!([
                        {"name": "id", "type": "integer"}, {"name": "name", "type": "string"},
                        {"name": "age", "type": "integer"}
                    ]))
                }]}),
            )
            .validate("datapackage.json"),
        // The header has labels the schema lacks; short rows then miss them.
        Case::new("extra_labels", T)
            .file(
                "data.csv",
                "id,name,age,extra,more\n1,a,3,x,y\n2,b,4,z\n3,c,5\n",
            )
            .json(
                "schema.json",
                schema(json!([
                    {"name": "id", "type": "integer"}, {"name": "name", "type": "string"},
                    {"name": "age", "type": "integer"}
                ])),
            )
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        // Columns in another order than the schema: paired by position.
        Case::new("swapped_header", T)
            .file("data.csv", "name,id\nann,1\nbob,2\n")
            .json(
                "schema.json",
                schema(
                    json!([{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]),
                ),
            )
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
    ]
}

fn rows() -> Vec<Case> {
    use Theme::Rows as T;
    let id_name =
        schema(json!([{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]));
    vec![
        // An empty line, a line of delimiters, and two empty lines at the end.
        Case::new("blank_rows_with_schema", T)
            .file("data.csv", "id,name\n1,a\n\n2,b\n,\n3,c\n\n\n")
            .json("schema.json", id_name.clone())
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        // The same without a schema, plus a whitespace-only line (not blank).
        Case::new("blank_rows_inferred", T)
            .file(
                "data.csv",
                lines("id,name,age", 14, |i| match i {
                    5 => String::new(),
                    9 => ",,".into(),
                    14 => "  ".into(),
                    _ => format!("{i},name{i},{}", 20 + i),
                }),
            )
            .validate("data.csv"),
        // Short and long rows against a schema.
        Case::new("ragged_rows_with_schema", T)
            .file(
                "data.csv",
                "id,name,age\n1,a,3\n2,b\n3,c,5,extra,more\n4\n5,e,6\n",
            )
            .json(
                "schema.json",
                schema(json!([
                    {"name": "id", "type": "integer"}, {"name": "name", "type": "string"},
                    {"name": "age", "type": "integer"}
                ])),
            )
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        // Short and long rows with an inferred schema (short rows take part
        // in inference).
        Case::new("ragged_rows_inferred", T)
            .file(
                "data.csv",
                lines("id,name,score", 15, |i| match i {
                    5 => "5,e".into(),
                    9 => "9,i,18,x".into(),
                    12 => "12".into(),
                    _ => format!("{i},n{i},{}", i * 2),
                }),
            )
            .validate("data.csv"),
        // One bad value per type, and some accepted spellings.
        Case::new("type_errors_with_schema", T)
            .file(
                "data.csv",
                "int,num,flag,day,moment,yr,dmy,t\n\
                 1,1.5,true,2020-01-02,2020-01-02T10:00:00Z,2020,02/01/2020,10:00:00\n\
                 x,1.5.1,yes,2020-13-01,2020-01-02,20,2020-01-02,25:00:00\n\
                 1.0,abc,TRUE,2020-02-30,not a time,1999,31/12/2020,10:00:00\n\
                 -3,-0.5,false,2020-02-29,2020-01-02 10:00:00,0999,1/2/2020,00:00:00\n\
                 7,2,0,2021-06-30,2021-06-30T23:59:59.5,2021,30/02/2020,23:59:59\n",
            )
            .json(
                "schema.json",
                schema(json!([
                    {"name": "int", "type": "integer"}, {"name": "num", "type": "number"},
                    {"name": "flag", "type": "boolean"}, {"name": "day", "type": "date"},
                    {"name": "moment", "type": "datetime"}, {"name": "yr", "type": "year"},
                    {"name": "dmy", "type": "date", "format": "%d/%m/%Y"},
                    {"name": "t", "type": "time"}
                ])),
            )
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        // Signs, leading zeros, exponents and special values.
        Case::new("number_spellings", T)
            .file(
                "data.csv",
                "i,n\n+1,.5\n01,5.\n-0,1e3\n1e3,NaN\n0x1,INF\n2,\"1,000\"\n3,-1.5E-2\n",
            )
            .json(
                "schema.json",
                schema(json!([{"name": "i", "type": "integer"}, {"name": "n", "type": "number"}])),
            )
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        // Inferred integer, the bad value past the 100-row inference sample.
        Case::new("type_error_after_sample", T)
            .file(
                "data.csv",
                lines("id,count", 150, |i| {
                    if i == 120 {
                        format!("{i},oops")
                    } else {
                        format!("{i},{}", i * 3)
                    }
                }),
            )
            .validate("data.csv"),
        // Inferred types with one bad value each inside the sample. Late in
        // the sample, or frictionless settles on `string` before it (its
        // every candidate must reach 90% of the sample, and `string` gets
        // there first if a bad value comes early).
        Case::new("type_errors_inferred", T)
            .file(
                "data.csv",
                lines("id,amount,day", 30, |i| {
                    let id = if i == 28 {
                        "x".to_string()
                    } else {
                        i.to_string()
                    };
                    let amount = if i == 29 {
                        "n/a".to_string()
                    } else {
                        format!("{}.5", i)
                    };
                    let day = if i == 30 {
                        "soon".to_string()
                    } else {
                        format!("2024-01-{i:02}")
                    };
                    format!("{id},{amount},{day}")
                }),
            )
            .validate("data.csv"),
    ]
}

fn constraints() -> Vec<Case> {
    use Theme::Constraints as T;
    vec![
        // Empty required cells, a short row lacking a required cell, and a
        // blank row (which replaces the required errors).
        Case::new("required", T)
            .file("data.csv", "id,name,note\n1,a,x\n,b,y\n3,,z\n4\n,,\n5,e\n")
            .json(
                "schema.json",
                schema(json!([
                    {"name": "id", "type": "integer", "constraints": {"required": true}},
                    {"name": "name", "type": "string", "constraints": {"required": true}},
                    {"name": "note", "type": "string"}
                ])),
            )
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        Case::new("minimum_maximum", T)
            .file(
                "data.csv",
                "n,x,d\n10,0.5,2020-01-01\n9,1.51,2021-01-01\n101,0.49,2019-12-31\n100,1.5,2020-12-31\n,,2020-06-01\n",
            )
            .json(
                "schema.json",
                schema(json!([
                    {"name": "n", "type": "integer", "constraints": {"minimum": 10, "maximum": 100}},
                    {"name": "x", "type": "number", "constraints": {"minimum": 0.5, "maximum": 1.5}},
                    {"name": "d", "type": "date", "constraints": {"minimum": "2020-01-01", "maximum": "2020-12-31"}}
                ])),
            )
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        // minLength, maxLength, pattern (anchored) and enum on strings,
        // integers and numbers; one cell breaking two constraints.
        Case::new("length_pattern_enum", T)
            .file(
                "data.csv",
                "code,color,size,ratio\nab1,red,1,0.5\na,blue,4,0.25\nabcde,Red,2,0.50\nAB,green,x,1.5\nab12,,,\nA,red,3,1.5\n",
            )
            .json(
                "schema.json",
                schema(json!([
                    {"name": "code", "type": "string",
                     "constraints": {"minLength": 2, "maxLength": 4, "pattern": "[a-z]+[0-9]?"}},
                    {"name": "color", "type": "string", "constraints": {"enum": ["red", "green"]}},
                    {"name": "size", "type": "integer", "constraints": {"enum": [1, 2, 3]}},
                    {"name": "ratio", "type": "number", "constraints": {"enum": [0.5, 1.5]}}
                ])),
            )
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        // unique compares parsed values (1 and 01), skips nulls and cells
        // with a type error.
        Case::new("unique", T)
            .file("data.csv", "id,email\n1,a@x\n01,b@x\n1,a@x\n,c@x\nx,c@x\n2,\n3,\n")
            .json(
                "schema.json",
                schema(json!([
                    {"name": "id", "type": "integer", "constraints": {"unique": true}},
                    {"name": "email", "type": "string", "constraints": {"unique": true}}
                ])),
            )
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
    ]
}

fn keys() -> Vec<Case> {
    use Theme::Keys as T;
    vec![
        // A duplicate, an all-null key, a blank row, and 01 == 1.
        Case::new("primary_key", T)
            .file("items.csv", "id,name\n1,a\n2,b\n1,c\n,d\n,\n01,e\n")
            .json(
                "datapackage.json",
                json!({"name": "items", "resources": [{
                    "name": "items", "path": "items.csv",
                    "schema": {
                        "fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}],
                        "primaryKey": ["id"]
                    }
                }]}),
            )
            .validate("datapackage.json"),
        // A composite key: a duplicate, partly-null keys compared as they
        // are, an all-null key on a non-blank row.
        Case::new("primary_key_composite", T)
            .file(
                "stats.csv",
                "country,year,value\nfr,2020,1\nfr,2021,2\nde,2020,3\nfr,2020,4\nfr,,5\nfr,,6\n,,7\n",
            )
            .json(
                "datapackage.json",
                json!({"name": "stats", "resources": [{
                    "name": "stats", "path": "stats.csv",
                    "schema": {
                        "fields": [
                            {"name": "country", "type": "string"}, {"name": "year", "type": "integer"},
                            {"name": "value", "type": "integer"}
                        ],
                        "primaryKey": ["country", "year"]
                    }
                }]}),
            )
            .validate("datapackage.json"),
        // A foreign key to another resource: a missing value, a null (not
        // checked), 02 found as 2, a type error (not checked).
        Case::new("foreign_key", T)
            .file("people.csv", "id,name\n1,ann\n2,bob\n3,cy\n")
            .file("orders.csv", "oid,pid\n1,1\n2,9\n3,\n4,02\n5,x\n")
            .json(
                "datapackage.json",
                json!({"name": "shop", "resources": [
                    {"name": "people", "path": "people.csv", "schema": {
                        "fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}],
                        "primaryKey": ["id"]
                    }},
                    {"name": "orders", "path": "orders.csv", "schema": {
                        "fields": [{"name": "oid", "type": "integer"}, {"name": "pid", "type": "integer"}],
                        "foreignKeys": [{"fields": ["pid"], "reference": {"resource": "people", "fields": ["id"]}}]
                    }}
                ]}),
            )
            .validate("datapackage.json"),
        // A foreign key to the resource itself ("resource": "").
        Case::new("foreign_key_self_reference", T)
            .file("staff.csv", "id,name,manager\n1,boss,\n2,ann,1\n3,bob,7\n4,cy,3\n5,dee,5\n")
            .json(
                "datapackage.json",
                json!({"name": "org", "resources": [{
                    "name": "staff", "path": "staff.csv",
                    "schema": {
                        "fields": [
                            {"name": "id", "type": "integer"}, {"name": "name", "type": "string"},
                            {"name": "manager", "type": "integer"}
                        ],
                        "primaryKey": ["id"],
                        "foreignKeys": [{"fields": ["manager"], "reference": {"resource": "", "fields": ["id"]}}]
                    }
                }]}),
            )
            .validate("datapackage.json"),
        // A package with constraints, a primary key on each table, a simple
        // and a composite foreign key, and errors in every table.
        Case::new("package_constraints_and_keys", T)
            .file("countries.csv", "code,name\nFR,France\nDE,Germany\nfr,Frankreich\nIT,Germany\nES,\n")
            .file(
                "cities.csv",
                "id,name,country,population\n1,Paris,FR,2100000\n2,Berlin,DE,3600000\n3,Rome,IT,-5\n\
                 4,Lyon,FR,500000\n4,Madrid,ES,3200000\n5,,XX,10\n6,Nice,,340000\n",
            )
            .file(
                "visits.csv",
                "city,country,day\nParis,FR,2024-01-02\nBerlin,FR,2024-01-03\nRome,IT,2024-02-30\nLyon,FR,2024-03-01\n",
            )
            .json(
                "datapackage.json",
                json!({"name": "geo", "resources": [
                    {"name": "countries", "path": "countries.csv", "schema": {
                        "fields": [
                            {"name": "code", "type": "string",
                             "constraints": {"required": true, "pattern": "[A-Z]{2}"}},
                            {"name": "name", "type": "string",
                             "constraints": {"required": true, "unique": true}}
                        ],
                        "primaryKey": ["code"]
                    }},
                    {"name": "cities", "path": "cities.csv", "schema": {
                        "fields": [
                            {"name": "id", "type": "integer"},
                            {"name": "name", "type": "string", "constraints": {"required": true}},
                            {"name": "country", "type": "string"},
                            {"name": "population", "type": "integer", "constraints": {"minimum": 0}}
                        ],
                        "primaryKey": ["id"],
                        "foreignKeys": [
                            {"fields": ["country"], "reference": {"resource": "countries", "fields": ["code"]}}
                        ]
                    }},
                    {"name": "visits", "path": "visits.csv", "schema": {
                        "fields": [
                            {"name": "city", "type": "string"}, {"name": "country", "type": "string"},
                            {"name": "day", "type": "date"}
                        ],
                        "foreignKeys": [
                            {"fields": ["city", "country"],
                             "reference": {"resource": "cities", "fields": ["name", "country"]}}
                        ]
                    }}
                ]}),
            )
            .validate("datapackage.json"),
    ]
}

fn md5_hex(bytes: &[u8]) -> String {
    format!("{:x}", Md5::digest(bytes))
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn integrity() -> Vec<Case> {
    use Theme::Integrity as T;
    let data = "id,v\n1,a\n2,b\n3,c\n";
    let ints = schema(json!([{"name": "id", "type": "integer"}, {"name": "v", "type": "string"}]));
    vec![
        // Wrong md5 and wrong sha256, one resource each.
        Case::new("hash_mismatch", T)
            .file("a.csv", data)
            .file("b.csv", data)
            .json(
                "datapackage.json",
                json!({"name": "h", "resources": [
                    {"name": "a", "path": "a.csv", "hash": format!("md5:{}", "0".repeat(32)), "schema": ints},
                    {"name": "b", "path": "b.csv", "hash": format!("sha256:{}", "0".repeat(64)), "schema": ints}
                ]}),
            )
            .validate("datapackage.json"),
        // A bare hash (md5) and the byte count both wrong.
        Case::new("bare_hash_and_bytes_mismatch", T)
            .file("a.csv", data)
            .json(
                "datapackage.json",
                json!({"name": "h", "resources": [
                    {"name": "a", "path": "a.csv", "hash": "f".repeat(32), "bytes": 99, "schema": ints}
                ]}),
            )
            .validate("datapackage.json"),
        // Right hashes and sizes; an algorithm frictionless ignores (with a
        // warning, still valid).
        Case::new("hash_and_bytes_match", T)
            .file("a.csv", data)
            .file("b.csv", data)
            .file("c.csv", data)
            .json(
                "datapackage.json",
                json!({"name": "h", "resources": [
                    {"name": "a", "path": "a.csv", "hash": format!("sha256:{}", sha256_hex(data.as_bytes())),
                     "bytes": data.len(), "schema": ints},
                    {"name": "b", "path": "b.csv", "hash": md5_hex(data.as_bytes()), "schema": ints},
                    {"name": "c", "path": "c.csv", "hash": format!("sha1:{}", "0".repeat(40)), "schema": ints}
                ]}),
            )
            .validate("datapackage.json"),
        // Reaching the error limit skips the size and hash checks.
        Case::new("error_limit_skips_integrity", T)
            .file("a.csv", lines("id,v", 10, |i| format!("x{i},{i}")))
            .json(
                "datapackage.json",
                json!({"name": "h", "resources": [
                    {"name": "a", "path": "a.csv", "bytes": 1, "hash": format!("md5:{}", "0".repeat(32)), "schema": ints}
                ]}),
            )
            .validate("datapackage.json")
            .opt(Opt::LimitErrors(3)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_names_are_unique_and_every_case_validates_something() {
        let cases = all();
        let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), cases.len());
        for case in &cases {
            assert!(!case.paths.is_empty(), "{}", case.name);
            for path in &case.paths {
                assert!(
                    case.files.iter().any(|(p, _)| p == path),
                    "{}: {path}",
                    case.name
                );
            }
        }
    }

    #[test]
    fn lines_writes_a_header_and_numbered_rows() {
        assert_eq!(lines("a", 2, |i| i.to_string()), "a\n1\n2\n");
    }

    #[test]
    fn hashes_are_lowercase_hex() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
