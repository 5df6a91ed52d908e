//! CSV Dialect (v1), tolerating the v2 property names.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dialect {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_terminator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_char: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub double_quote: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escape_char: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_sequence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_initial_space: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<bool>,
    /// v2: the header row numbers (1-based); `[]` means no header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_rows: Option<Vec<usize>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_char: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_sensitive_header: Option<bool>,
    /// Spreadsheet sheet (v2 `sheetName`/`sheetNumber` tolerated via extra).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet_number: Option<usize>,
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

impl Dialect {
    pub fn is_empty(&self) -> bool {
        *self == Dialect::default()
    }

    /// The delimiter byte, `,` unless declared.
    pub fn delimiter_byte(&self) -> u8 {
        single_byte(self.delimiter.as_deref()).unwrap_or(b',')
    }

    /// The quote byte, `"` unless declared.
    pub fn quote_byte(&self) -> u8 {
        single_byte(self.quote_char.as_deref()).unwrap_or(b'"')
    }

    pub fn escape_byte(&self) -> Option<u8> {
        single_byte(self.escape_char.as_deref())
    }

    pub fn comment_byte(&self) -> Option<u8> {
        single_byte(self.comment_char.as_deref())
    }

    /// Whether the first row is a header (`header`, or v2 `headerRows`).
    pub fn has_header(&self) -> bool {
        if let Some(rows) = &self.header_rows {
            return !rows.is_empty();
        }
        self.header.unwrap_or(true)
    }
}

fn single_byte(s: Option<&str>) -> Option<u8> {
    let s = s?;
    (s.len() == 1).then(|| s.as_bytes()[0])
}
