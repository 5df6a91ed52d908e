//! What a conformance case is: the files it writes, the paths it validates
//! and the options it passes, spelled for each of the two tools. Also the
//! small writers the corpus needs for non-UTF-8 text and workbooks.

use std::io::Write;
use std::path::Path;

use serde_json::Value;

/// The group a case belongs to; each group is one `#[test]`, so the groups
/// run in parallel and a failure report stays readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Header,
    Rows,
    Constraints,
    Keys,
    Integrity,
    Encodings,
    Dialects,
    Shapes,
}

/// An option both tools understand, though not always under the same name.
#[derive(Debug, Clone)]
pub enum Opt {
    Schema(&'static str),
    Encoding(&'static str),
    /// frictionless has no `--delimiter`: it takes `--dialect '{"delimiter": ";"}'`.
    Delimiter(char),
    Sheet(&'static str),
    LimitErrors(usize),
}

impl Opt {
    pub fn frictionless_args(&self) -> Vec<String> {
        match self {
            Opt::Schema(path) => vec!["--schema".into(), (*path).into()],
            Opt::Encoding(name) => vec!["--encoding".into(), (*name).into()],
            Opt::Delimiter(c) => vec![
                "--dialect".into(),
                serde_json::json!({ "delimiter": c.to_string() }).to_string(),
            ],
            Opt::Sheet(name) => vec!["--sheet".into(), (*name).into()],
            Opt::LimitErrors(n) => vec!["--limit-errors".into(), n.to_string()],
        }
    }

    pub fn data_args(&self) -> Vec<String> {
        match self {
            Opt::Schema(path) => vec!["--schema".into(), (*path).into()],
            Opt::Encoding(name) => vec!["--encoding".into(), (*name).into()],
            Opt::Delimiter('\t') => vec!["--delimiter".into(), "tab".into()],
            Opt::Delimiter(c) => vec!["--delimiter".into(), c.to_string()],
            Opt::Sheet(name) => vec!["--sheet".into(), (*name).into()],
            Opt::LimitErrors(n) => vec!["--limit-errors".into(), n.to_string()],
        }
    }
}

/// One corpus entry: a directory of files and one `validate` command.
#[derive(Debug, Clone)]
pub struct Case {
    /// Unique, snake_case: it names the case directory and the failure.
    pub name: &'static str,
    pub theme: Theme,
    /// Relative path and raw bytes of every file the case writes.
    pub files: Vec<(&'static str, Vec<u8>)>,
    /// The PATH arguments, relative to the case directory.
    pub paths: Vec<&'static str>,
    pub options: Vec<Opt>,
}

impl Case {
    pub fn new(name: &'static str, theme: Theme) -> Case {
        Case {
            name,
            theme,
            files: Vec::new(),
            paths: Vec::new(),
            options: Vec::new(),
        }
    }

    /// A file written byte for byte (CSV text, CRLF, BOMs... as given).
    pub fn file(mut self, path: &'static str, bytes: impl Into<Vec<u8>>) -> Case {
        self.files.push((path, bytes.into()));
        self
    }

    /// A JSON descriptor (package or schema), pretty-printed.
    pub fn json(self, path: &'static str, value: Value) -> Case {
        let text = serde_json::to_vec_pretty(&value).unwrap();
        self.file(path, text)
    }

    /// Adds a PATH argument.
    pub fn validate(mut self, path: &'static str) -> Case {
        self.paths.push(path);
        self
    }

    pub fn opt(mut self, opt: Opt) -> Case {
        self.options.push(opt);
        self
    }

    pub fn frictionless_args(&self) -> Vec<String> {
        let mut args: Vec<String> = vec!["validate".into(), "--json".into()];
        args.extend(self.paths.iter().map(|p| p.to_string()));
        args.extend(self.options.iter().flat_map(Opt::frictionless_args));
        args
    }

    pub fn data_args(&self) -> Vec<String> {
        let mut args: Vec<String> = vec!["validate".into(), "--json".into()];
        args.extend(self.paths.iter().map(|p| p.to_string()));
        args.extend(self.options.iter().flat_map(Opt::data_args));
        args
    }

    /// Writes the case's files under `dir`.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        for (path, bytes) in &self.files {
            let target = dir.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(target, bytes)?;
        }
        Ok(())
    }

    /// The files, printable: text shown escaped, binary summarised, so a
    /// failure message can be reproduced from the message alone.
    pub fn describe_files(&self) -> String {
        let mut out = String::new();
        for (path, bytes) in &self.files {
            match std::str::from_utf8(bytes) {
                Ok(text) if !text.contains('\0') => {
                    out.push_str(&format!("  {path} ({} bytes): {text:?}\n", bytes.len()));
                }
                _ => {
                    let shown: Vec<String> =
                        bytes.iter().take(120).map(|b| format!("{b:02x}")).collect();
                    let more = if bytes.len() > 120 { " ..." } else { "" };
                    out.push_str(&format!(
                        "  {path} ({} bytes, binary): {}{more}\n",
                        bytes.len(),
                        shown.join(" ")
                    ));
                }
            }
        }
        out
    }
}

/// `text` in windows-1252, as a legacy Excel export on Windows writes it.
pub fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable, "{text:?} has characters windows-1252 lacks");
    bytes.into_owned()
}

/// `text` in UTF-16 little-endian with its byte order mark (what Windows
/// "Unicode text" exports write). encoding_rs cannot encode UTF-16.
pub fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// The same in big-endian.
pub fn utf16be_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xfe, 0xff];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

/// A spreadsheet cell for [`xlsx`].
#[derive(Debug, Clone)]
pub enum XCell {
    Num(f64),
    Text(&'static str),
    Empty,
}

/// A minimal but complete .xlsx workbook with the given sheets (name, rows).
///
/// Written by hand with the workspace's `zip` rather than with an xlsx
/// writer crate, to add no dependency; both openpyxl (frictionless) and
/// calamine (ours) read this subset: inline strings, numbers, a dimension,
/// and rows left out for empty rows as Excel leaves them out.
pub fn xlsx(sheets: &[(&str, Vec<Vec<XCell>>)]) -> Vec<u8> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

    let mut content_types = format!(
        r#"{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
    );
    let mut workbook = format!(r#"{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>"#);
    let mut workbook_rels = format!(r#"{HEAD}<Relationships xmlns="{PKG_REL}">"#);
    let mut parts: Vec<(String, String)> = Vec::new();
    for (i, (name, rows)) in sheets.iter().enumerate() {
        let n = i + 1;
        content_types.push_str(&format!(
            r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        ));
        workbook.push_str(&format!(
            r#"<sheet name="{}" sheetId="{n}" r:id="rId{n}"/>"#,
            xml_escape(name)
        ));
        workbook_rels.push_str(&format!(
            r#"<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        ));
        parts.push((
            format!("xl/worksheets/sheet{n}.xml"),
            worksheet_xml(rows, MAIN, HEAD),
        ));
    }
    content_types.push_str("</Types>");
    workbook.push_str("</sheets></workbook>");
    workbook_rels.push_str("</Relationships>");
    let root_rels = format!(
        r#"{HEAD}<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut all = vec![
        ("[Content_Types].xml".to_string(), content_types),
        ("_rels/.rels".to_string(), root_rels),
        ("xl/workbook.xml".to_string(), workbook),
        ("xl/_rels/workbook.xml.rels".to_string(), workbook_rels),
    ];
    all.extend(parts);
    for (name, text) in all {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn worksheet_xml(rows: &[Vec<XCell>], main: &str, head: &str) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let height = rows.len().max(1);
    let mut xml = format!(
        r#"{head}<worksheet xmlns="{main}"><dimension ref="A1:{}{height}"/><sheetData>"#,
        column_name(width - 1)
    );
    for (r, row) in rows.iter().enumerate() {
        if row.iter().all(|c| matches!(c, XCell::Empty)) {
            continue;
        }
        let r = r + 1;
        xml.push_str(&format!(r#"<row r="{r}">"#));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{r}", column_name(c));
            match cell {
                XCell::Num(v) => xml.push_str(&format!(r#"<c r="{at}"><v>{v}</v></c>"#)),
                XCell::Text(t) => xml.push_str(&format!(
                    r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#,
                    xml_escape(t)
                )),
                XCell::Empty => {}
            }
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

/// `A`, `B`, ... `Z`, `AA` for a 0-based column index.
fn column_name(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap()
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_spelled_for_each_tool() {
        assert_eq!(
            Opt::Delimiter(';').frictionless_args(),
            ["--dialect", r#"{"delimiter":";"}"#]
        );
        assert_eq!(Opt::Delimiter(';').data_args(), ["--delimiter", ";"]);
        assert_eq!(Opt::Delimiter('\t').data_args(), ["--delimiter", "tab"]);
        assert_eq!(
            Opt::Sheet("Data").data_args(),
            Opt::Sheet("Data").frictionless_args()
        );
    }

    #[test]
    fn encoders_write_the_expected_bytes() {
        assert_eq!(windows_1252("é€"), [0xe9, 0x80]);
        assert_eq!(utf16le_with_bom("a"), [0xff, 0xfe, b'a', 0]);
        assert_eq!(utf16be_with_bom("a"), [0xfe, 0xff, 0, b'a']);
    }

    #[test]
    fn column_names_roll_over_like_excel() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
    }

    #[test]
    fn workbook_is_a_zip_with_one_part_per_sheet() {
        let bytes = xlsx(&[
            ("A", vec![vec![XCell::Text("x")]]),
            ("B", vec![vec![XCell::Num(1.0)]]),
        ]);
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let names: Vec<&str> = archive.file_names().collect();
        assert!(names.contains(&"xl/worksheets/sheet2.xml"), "{names:?}");
    }
}
