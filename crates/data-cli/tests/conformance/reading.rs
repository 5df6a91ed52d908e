//! The corpus, continued: cases about reading the bytes (encodings,
//! delimiters and quoting, file shapes and workbooks) rather than about the
//! checks run on the values.

use serde_json::json;

use crate::case::{
    utf16be_with_bom, utf16le_with_bom, windows_1252, xlsx, Case, Opt, Theme, XCell,
};
use crate::corpus::{lines, schema};

pub fn encodings() -> Vec<Case> {
    use Theme::Encodings as T;
    let id_name_short = schema(json!([
        {"name": "id", "type": "integer"},
        {"name": "name", "type": "string", "constraints": {"maxLength": 4}}
    ]));
    // Characters windows-1252 and latin-1 disagree on (the euro sign, curly
    // quotes) and accents; maxLength counts characters, not bytes.
    let menu = "id,dish,price\n1,Crème brûlée,€5\n2,“Pain”,x\n3,Café,€12\nz,Thé,€3\n";
    let menu_schema = schema(json!([
        {"name": "id", "type": "integer"},
        {"name": "dish", "type": "string", "constraints": {"maxLength": 10}},
        {"name": "price", "type": "string", "constraints": {"pattern": "€[0-9]+"}}
    ]));
    vec![
        Case::new("utf8_multibyte_lengths", T)
            .file("data.csv", "id,name\n1,José\n2,Zoë\n3,Renée\n4,日本語です\nx,ok\n")
            .json("schema.json", id_name_short.clone())
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        // The BOM must not end up in the first label (else incorrect-label).
        Case::new("utf8_bom", T)
            .file("data.csv", "\u{feff}id,name\n1,José\nx,b\n")
            .json("schema.json", id_name_short.clone())
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        // Encodings declared by resources: windows-1252 and UTF-16 BE.
        Case::new("encodings_declared_in_package", T)
            .file("menu.csv", windows_1252(menu))
            .file("wide.csv", utf16be_with_bom(menu))
            .json(
                "datapackage.json",
                json!({"name": "menus", "resources": [
                    {"name": "menu", "path": "menu.csv", "encoding": "windows-1252", "schema": menu_schema},
                    {"name": "wide", "path": "wide.csv", "encoding": "utf-16", "schema": menu_schema}
                ]}),
            )
            .validate("datapackage.json"),
        Case::new("windows1252_on_command_line", T)
            .file("menu.csv", windows_1252(menu))
            .json("schema.json", menu_schema.clone())
            .validate("menu.csv")
            .opt(Opt::Schema("schema.json"))
            .opt(Opt::Encoding("windows-1252")),
        // UTF-16 LE with a BOM and no declaration: found by detection.
        Case::new("utf16_detected", T)
            .file("data.csv", utf16le_with_bom("id,name\n1,José\n2,Zoë\nx,Renée\n"))
            .json("schema.json", id_name_short)
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        // A windows-1252 file read as UTF-8 because the user said so.
        Case::new("wrong_encoding_declared", T)
            .file("menu.csv", windows_1252(menu))
            .validate("menu.csv")
            .opt(Opt::Encoding("utf-8")),
    ]
}

pub fn dialects() -> Vec<Case> {
    use Theme::Dialects as T;
    let three = schema(json!([
        {"name": "id", "type": "integer"}, {"name": "name", "type": "string"},
        {"name": "note", "type": "string"}
    ]));
    vec![
        // `;` found by sniffing; commas inside cells are data.
        Case::new("semicolon_sniffed", T)
            .file(
                "data.csv",
                lines("id;name;score", 25, |i| match i {
                    24 => "twenty-four;x;1,5".into(),
                    11 => "11;k".into(),
                    _ => format!("{i};n{i};{i},5"),
                }),
            )
            .validate("data.csv"),
        Case::new("tab_separated", T)
            .file(
                "data.tsv",
                lines("id\tname\tscore", 25, |i| match i {
                    24 => "24\tx, y\tnone".into(),
                    9 => "9\ti\t18\textra".into(),
                    _ => format!("{i}\tn {i}\t{}", i * 2),
                }),
            )
            .validate("data.tsv"),
        // `|` declared in the resource's dialect; commas inside cells.
        Case::new("pipe_declared_in_dialect", T)
            .file("data.csv", "id|name|note\n1|a|x,y\n2|b|\"quoted | pipe\"\nz|c|d\n3|d\n")
            .json(
                "datapackage.json",
                json!({"name": "piped", "resources": [{
                    "name": "data", "path": "data.csv", "dialect": {"delimiter": "|"}, "schema": three
                }]}),
            )
            .validate("datapackage.json"),
        // Ragged `;` rows that defeat sniffing: the delimiter is given.
        Case::new("semicolon_on_command_line", T)
            .file("data.csv", "id;name;note\n1;a;2\n2;b\n3;c;4;5\nx;d;1\n")
            .json("schema.json", three.clone())
            .validate("data.csv")
            .opt(Opt::Schema("schema.json"))
            .opt(Opt::Delimiter(';')),
        // Quoted newlines (one record, several lines), doubled quotes,
        // quoted delimiters: row numbers count records, not lines.
        Case::new("quoted_newlines", T)
            .file(
                "data.csv",
                "id,name,note\n1,\"line one\nline two\",a\n2,\"say \"\"hi\"\", then go\",b\nx,plain,c\n\
                 3,\"multi\n\nblank line inside\",d\ny,z,\"e\"\n",
            )
            .json("schema.json", three.clone())
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
        // CRLF line endings, a CRLF blank line, no newline at the end.
        Case::new("crlf_line_endings", T)
            .file("data.csv", "id,name,note\r\n1,a,x\r\n\r\nx,b,y\r\n2,c\r\n3,d,z")
            .json("schema.json", three)
            .validate("data.csv")
            .opt(Opt::Schema("schema.json")),
    ]
}

pub fn shapes() -> Vec<Case> {
    use Theme::Shapes as T;
    let sheet = |rows: usize| -> Vec<Vec<XCell>> {
        let mut out = vec![vec![
            XCell::Text("id"),
            XCell::Text("name"),
            XCell::Text("score"),
        ]];
        for i in 1..=rows {
            let row = match i {
                12 => vec![XCell::Text("twelve"), XCell::Text("l"), XCell::Num(6.5)],
                15 => vec![XCell::Empty, XCell::Empty, XCell::Empty],
                18 => vec![XCell::Num(18.0), XCell::Text("r"), XCell::Text("n/a")],
                _ => vec![
                    XCell::Num(i as f64),
                    XCell::Text("name"),
                    XCell::Num(i as f64 / 2.0),
                ],
            };
            out.push(row);
        }
        out
    };
    vec![
        // A title line above the header: the header is found on line 2.
        Case::new("title_line_above_header", T)
            .file(
                "data.csv",
                format!(
                    "Sales report 2024\n{}",
                    lines("id,region,amount", 25, |i| if i == 24 {
                        "24,north,lots".into()
                    } else {
                        format!("{i},r{},{}", i % 3, i * 10)
                    })
                ),
            )
            .validate("data.csv"),
        Case::new("header_only", T)
            .file("data.csv", "id,name\n")
            .validate("data.csv"),
        Case::new("empty_file", T)
            .file("data.csv", "")
            .validate("data.csv"),
        // Two sheets: the second is asked for by name.
        Case::new("xlsx_second_sheet", T)
            .file(
                "book.xlsx",
                xlsx(&[
                    (
                        "Notes",
                        vec![
                            vec![XCell::Text("Read me")],
                            vec![XCell::Text("Data is on the next sheet")],
                        ],
                    ),
                    ("Data", sheet(20)),
                ]),
            )
            .validate("book.xlsx")
            .opt(Opt::Sheet("Data")),
        // Two files in one command: two tasks, in order.
        Case::new("several_files", T)
            .file("a.csv", "id,name\n1,a\n2,b\n")
            .file("b.csv", "id,name,x\n1,a\n2,b,c,d\n")
            .validate("a.csv")
            .validate("b.csv"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file<'a>(cases: &'a [Case], case: &str, path: &str) -> &'a [u8] {
        let case = cases.iter().find(|c| c.name == case).unwrap();
        &case.files.iter().find(|(p, _)| *p == path).unwrap().1
    }

    #[test]
    fn encoded_files_are_really_not_utf8() {
        let cases = encodings();
        let menu = file(&cases, "windows1252_on_command_line", "menu.csv");
        assert!(std::str::from_utf8(menu).is_err());
        // The euro sign is 0x80 in windows-1252 (a control character in latin-1).
        assert!(menu.contains(&0x80));
        let wide = file(&cases, "utf16_detected", "data.csv");
        assert_eq!(&wide[..2], [0xff, 0xfe]);
    }

    #[test]
    fn crlf_case_has_no_bare_newline() {
        let cases = dialects();
        let text = std::str::from_utf8(file(&cases, "crlf_line_endings", "data.csv")).unwrap();
        assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
        assert!(!text.ends_with('\n'));
    }
}
