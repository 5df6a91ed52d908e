//! Inferring a Table Schema from a table's cells.
//!
//! Two rules, for two jobs:
//!
//! - [`InferRule::Strict`] (what `data infer` uses): a column gets a type
//!   only if *every* non-missing value of the sample casts to it, so the
//!   schema always validates the data it was inferred from. By default the
//!   sample is the whole file. Among the types that fit, the most specific
//!   wins, in this order: yearmonth, geojson, object, array, datetime, time,
//!   date, integer, number, boolean, string; then two refinements that a
//!   person writing the schema by hand would make: integers with a leading
//!   zero (`01`, `007`: codes, not quantities) stay strings, and a column of
//!   four-digit integers whose label says it holds years (`year`, `date`,
//!   `yr`) is a `year`. A column with no value at all is a `string`.
//! - [`InferRule::Frictionless`] (what `data validate` uses on a table
//!   without a schema): frictionless-py's own scoring over its 100-row
//!   sample with 0.9 confidence, so both tools then report the same errors.

use csv::ByteRecord;
use datapackage::{Field, FieldCaster, FieldType, Schema};

/// How a schema is inferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InferRule {
    Strict,
    Frictionless,
}

#[derive(Debug, Clone)]
pub struct InferOptions {
    pub rule: InferRule,
    /// Data rows to look at (`None`: all of them).
    pub sample_rows: Option<usize>,
    pub missing_values: Vec<String>,
    /// The cells came typed (a workbook's numbers, dates and booleans; JSON
    /// numbers): under frictionless's rule such a cell is no `string`, so
    /// one text cell among numbers does not make the column text.
    pub typed_cells: bool,
}

impl Default for InferOptions {
    /// frictionless's rule and sample: the behaviour `data validate` needs.
    fn default() -> InferOptions {
        InferOptions::frictionless()
    }
}

impl InferOptions {
    /// frictionless-py's detector: 100 rows, header included.
    pub fn frictionless() -> InferOptions {
        InferOptions {
            rule: InferRule::Frictionless,
            sample_rows: Some(100),
            missing_values: vec![String::new()],
            typed_cells: false,
        }
    }

    /// Every value must fit; the whole file unless `sample_rows` says less.
    pub fn strict(sample_rows: Option<usize>) -> InferOptions {
        InferOptions {
            rule: InferRule::Strict,
            sample_rows,
            missing_values: vec![String::new()],
            typed_cells: false,
        }
    }
}

/// frictionless-py's candidate types, in its order.
const FRICTIONLESS_CANDIDATES: [FieldType; 14] = [
    FieldType::Yearmonth,
    FieldType::Geopoint,
    FieldType::Duration,
    FieldType::Geojson,
    FieldType::Object,
    FieldType::Array,
    FieldType::Datetime,
    FieldType::Time,
    FieldType::Date,
    FieldType::Integer,
    FieldType::Number,
    FieldType::Boolean,
    FieldType::Year,
    FieldType::String,
];

/// Our candidates, most specific first. `geopoint` (any `"1, 2"` would be
/// one), `duration` and `year` (any integer would be one) are left out.
const STRICT_CANDIDATES: [FieldType; 11] = [
    FieldType::Yearmonth,
    FieldType::Geojson,
    FieldType::Object,
    FieldType::Array,
    FieldType::Datetime,
    FieldType::Time,
    FieldType::Date,
    FieldType::Integer,
    FieldType::Number,
    FieldType::Boolean,
    FieldType::String,
];

/// Bits of three strict candidates in [`ColumnState::alive`] (their
/// positions in [`STRICT_CANDIDATES`]; a test checks them).
const INTEGER_BIT: u16 = 1 << 7;
const NUMBER_BIT: u16 = 1 << 8;
const BOOLEAN_BIT: u16 = 1 << 9;
const STRING_BIT: u16 = 1 << 10;

fn casters(types: &[FieldType], missing: &[String]) -> Vec<FieldCaster> {
    types
        .iter()
        .filter_map(|t| FieldCaster::new(&Field::new("shared", t.clone()), missing).ok())
        .collect()
}

/// Infers a schema for columns named `names` from `rows` (data rows only).
pub fn infer_schema<'r>(
    names: &[String],
    rows: impl Iterator<Item = &'r ByteRecord>,
    options: &InferOptions,
) -> Schema {
    let limit = options.sample_rows.unwrap_or(usize::MAX);
    let fields = match options.rule {
        InferRule::Frictionless => {
            // frictionless's sample counts the header row.
            let rows: Vec<&ByteRecord> = rows.take(limit.saturating_sub(1)).collect();
            infer_frictionless(names, &rows, &options.missing_values, options.typed_cells)
        }
        InferRule::Strict => {
            let mut state = StrictState::new(names.len(), &options.missing_values);
            for row in rows.take(limit) {
                state.observe(row);
            }
            state.fields(names)
        }
    };
    let mut schema = Schema::new(fields);
    if options.missing_values != [String::new()] {
        schema.missing_values = Some(options.missing_values.clone());
    }
    schema
}

fn infer_frictionless(
    names: &[String],
    rows: &[&ByteRecord],
    missing: &[String],
    typed_cells: bool,
) -> Vec<Field> {
    let candidates = casters(&FRICTIONLESS_CANDIDATES, missing);
    // What a typed source would have handed over as a number, a date or a
    // boolean rather than as text.
    let natives = casters(
        &[
            FieldType::Integer,
            FieldType::Number,
            FieldType::Boolean,
            FieldType::Datetime,
            FieldType::Date,
            FieldType::Time,
        ],
        missing,
    );
    let is_native = |cell: &str| typed_cells && natives.iter().any(|c| c.cast(cell).is_ok());
    let n = rows.len() as f64;
    let confidence = 0.9;
    let threshold = n * (confidence - 1.0);
    let mut fields: Vec<Option<Field>> = vec![None; names.len()];
    let mut max_score = vec![rows.len() as f64; names.len()];
    let mut scores = vec![vec![0f64; candidates.len()]; names.len()];
    for row in rows {
        for (index, name) in names.iter().enumerate() {
            if fields[index].is_some() {
                continue;
            }
            // A typed source's empty cell is a null (Python's None), not the
            // empty string: it counts for every candidate instead of
            // lowering the column's maximum score.
            let source = row
                .get(index)
                .filter(|cell| !(typed_cells && cell.is_empty()))
                .map(String::from_utf8_lossy);
            let is_missing = source
                .as_deref()
                .is_some_and(|s| missing.iter().any(|m| m == s));
            if is_missing {
                max_score[index] -= 1.0;
            }
            for (c, caster) in candidates.iter().enumerate() {
                if scores[index][c] < threshold {
                    continue;
                }
                if !is_missing {
                    let ok = match source.as_deref() {
                        None => true,
                        Some(cell) if caster.field().field_type == FieldType::String => {
                            !is_native(cell)
                        }
                        Some(cell) => caster.cast(cell).is_ok(),
                    };
                    scores[index][c] += if ok { 1.0 } else { -1.0 };
                }
                if max_score[index] > 0.0 && scores[index][c] >= max_score[index] * confidence {
                    fields[index] =
                        Some(Field::new(name.clone(), caster.field().field_type.clone()));
                    break;
                }
            }
        }
    }
    names
        .iter()
        .zip(fields)
        .map(|(name, f)| f.unwrap_or_else(|| Field::new(name.clone(), FieldType::Any)))
        .collect()
}

/// What strict inference has learned of one column so far.
#[derive(Debug, Clone)]
pub struct ColumnState {
    /// Bit `i`: every value so far casts to `STRICT_CANDIDATES[i]`.
    alive: u16,
    values: u64,
    leading_zero: bool,
    all_four_digits: bool,
    example: Option<String>,
}

impl ColumnState {
    fn new(candidates: usize) -> ColumnState {
        ColumnState {
            alive: (1u16 << candidates) - 1,
            values: 0,
            leading_zero: false,
            all_four_digits: true,
            example: None,
        }
    }

    fn merge(&mut self, other: &ColumnState) {
        self.alive &= other.alive;
        self.values += other.values;
        self.leading_zero |= other.leading_zero;
        self.all_four_digits &= other.all_four_digits;
        if self.example.is_none() {
            self.example.clone_from(&other.example);
        }
    }
}

/// Strict inference, mergeable so workers can each take a part of a file.
#[derive(Clone)]
pub struct StrictState {
    columns: Vec<ColumnState>,
    casters: std::sync::Arc<Vec<FieldCaster>>,
    missing: Vec<String>,
}

impl StrictState {
    pub fn new(width: usize, missing: &[String]) -> StrictState {
        let casters = casters(&STRICT_CANDIDATES, missing);
        StrictState {
            columns: vec![ColumnState::new(casters.len()); width],
            casters: std::sync::Arc::new(casters),
            missing: missing.to_vec(),
        }
    }

    /// An empty state sharing this one's casters.
    pub fn fresh(&self) -> StrictState {
        StrictState {
            columns: vec![ColumnState::new(self.casters.len()); self.columns.len()],
            casters: std::sync::Arc::clone(&self.casters),
            missing: self.missing.clone(),
        }
    }

    pub fn observe(&mut self, row: &ByteRecord) {
        // One UTF-8 check for the record; a bad one is checked cell by cell.
        let whole = simdutf8::basic::from_utf8(row.as_slice()).ok();
        for (index, column) in self.columns.iter_mut().enumerate() {
            let Some(bytes) = row.get(index) else {
                continue;
            };
            let text = match (whole, row.range(index)) {
                (Some(whole), Some(range)) => whole.get(range).ok_or(()),
                _ => std::str::from_utf8(bytes).map_err(|_| ()),
            };
            let Ok(cell) = text else {
                // Not text in this encoding: only a string can hold it.
                column.alive &= STRING_BIT;
                continue;
            };
            if self.missing.iter().any(|m| m == cell) {
                continue;
            }
            column.values += 1;
            if column.example.is_none() {
                column.example = Some(cell.to_string());
            }
            // Only the candidates still alive are tried. A default-format
            // string holds anything; and an integer is a number (`int()`
            // takes a subset of what `Decimal()` takes).
            let mut untried = column.alive & !STRING_BIT;
            while untried != 0 {
                let i = untried.trailing_zeros();
                untried &= untried - 1;
                let Some(caster) = self.casters.get(i as usize) else {
                    break;
                };
                if caster.fits(cell) {
                    if 1 << i == INTEGER_BIT {
                        untried &= !NUMBER_BIT;
                    }
                } else {
                    column.alive &= !(1 << i);
                }
            }
            let bytes = cell.as_bytes();
            // A sign says quantity, never code: `-01` is not a code.
            if bytes.len() > 1 && bytes[0] == b'0' && !column.leading_zero {
                let integer_part = bytes
                    .split(|b| matches!(b, b'.' | b'e' | b'E'))
                    .next()
                    .unwrap_or(b"");
                if integer_part.len() > 1 && integer_part.iter().all(u8::is_ascii_digit) {
                    column.leading_zero = true;
                }
            }
            if column.all_four_digits
                && !(bytes.len() == 4
                    && bytes.iter().all(u8::is_ascii_digit)
                    && matches!(bytes[0], b'1' | b'2'))
            {
                column.all_four_digits = false;
            }
        }
    }

    pub fn merge(&mut self, other: &StrictState) {
        if other.columns.len() > self.columns.len() {
            self.columns
                .resize(other.columns.len(), ColumnState::new(self.casters.len()));
        }
        for (a, b) in self.columns.iter_mut().zip(&other.columns) {
            a.merge(b);
        }
    }

    /// An example value per column (the first non-missing one).
    pub fn examples(&self) -> Vec<Option<String>> {
        self.columns.iter().map(|c| c.example.clone()).collect()
    }

    pub fn fields(&self, names: &[String]) -> Vec<Field> {
        names
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let Some(column) = self.columns.get(index) else {
                    return Field::new(name.clone(), FieldType::String);
                };
                Field::new(name.clone(), choose(column, name))
            })
            .collect()
    }
}

fn choose(column: &ColumnState, name: &str) -> FieldType {
    if column.values == 0 {
        return FieldType::String;
    }
    let alive = |i: usize| column.alive & (1 << i) != 0;
    let chosen = STRICT_CANDIDATES
        .iter()
        .enumerate()
        .find(|(i, _)| alive(*i))
        .map(|(_, t)| t.clone())
        .unwrap_or(FieldType::String);
    let boolean_fits = column.alive & BOOLEAN_BIT != 0;
    match chosen {
        FieldType::Integer | FieldType::Number if column.leading_zero => FieldType::String,
        FieldType::Integer if names_identifiers(name) => FieldType::String,
        // Only 0 and 1: a flag.
        FieldType::Integer if boolean_fits => FieldType::Boolean,
        FieldType::Integer if column.all_four_digits && names_years(name) => FieldType::Year,
        other => other,
    }
}

/// Words in a label that say a column holds identifiers (codes, keys),
/// whose digits are names, not quantities.
const IDENTIFIER_WORDS: [&str; 20] = [
    "code",
    "codes",
    "zip",
    "zipcode",
    "postcode",
    "postalcode",
    "phone",
    "fips",
    "gaul",
    "cik",
    "isbn",
    "issn",
    "ean",
    "upc",
    "gtin",
    "duns",
    "lei",
    "naics",
    "nuts",
    "geoid",
];

fn names_identifiers(name: &str) -> bool {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| {
            IDENTIFIER_WORDS.contains(&word)
                || word
                    .strip_prefix("iso")
                    .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
        })
}

fn names_years(name: &str) -> bool {
    let lower = name.to_lowercase();
    ["year", "date", "yr", "jahr", "année", "annee", "año"]
        .iter()
        .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(data: &[&[&str]]) -> Vec<ByteRecord> {
        data.iter().map(|r| ByteRecord::from(r.to_vec())).collect()
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    fn types(schema: &Schema) -> Vec<String> {
        schema
            .fields
            .iter()
            .map(|f| f.field_type.to_string())
            .collect()
    }

    #[test]
    fn strict_never_contradicts_the_sample() {
        let data = rows(&[
            &["1", "1.5", "2020-01-02", "true", "x"],
            &["2", "2", "2020-02-03", "false", "3"],
            &["x", "3", "", "", ""],
        ]);
        let s = infer_schema(
            &names(&["a", "b", "c", "d", "e"]),
            data.iter(),
            &InferOptions::strict(None),
        );
        assert_eq!(types(&s), ["string", "number", "date", "boolean", "string"]);
    }

    #[test]
    fn strict_codes_with_leading_zeros_stay_strings() {
        let data = rows(&[&["01", "10"], &["02", "20"], &["10", "30"]]);
        let s = infer_schema(
            &names(&["code", "n"]),
            data.iter(),
            &InferOptions::strict(None),
        );
        assert_eq!(types(&s), ["string", "integer"]);
    }

    #[test]
    fn strict_identifier_labels_keep_codes_as_strings() {
        let data = rows(&[&["840", "320193", "7"], &["4", "91142", "12"]]);
        let s = infer_schema(
            &names(&["ISO3166-1-numeric", "CIK", "Number of Days"]),
            data.iter(),
            &InferOptions::strict(None),
        );
        assert_eq!(types(&s), ["string", "string", "integer"]);
        let s = infer_schema(
            &names(&["Region Code"]),
            data.iter(),
            &InferOptions::strict(None),
        );
        assert_eq!(types(&s), ["string"]);
    }

    #[test]
    fn strict_zero_one_columns_are_flags_and_signed_zeros_are_numbers() {
        let data = rows(&[&["0", "-01"], &["1", "5"], &["0", "-02"]]);
        let s = infer_schema(
            &names(&["flag", "n"]),
            data.iter(),
            &InferOptions::strict(None),
        );
        assert_eq!(types(&s), ["boolean", "integer"]);
    }

    #[test]
    fn strict_years_need_a_year_label() {
        let data = rows(&[&["1833", "1833"], &["2024", "2024"]]);
        let s = infer_schema(
            &names(&["Year", "count"]),
            data.iter(),
            &InferOptions::strict(None),
        );
        assert_eq!(types(&s), ["year", "integer"]);
    }

    #[test]
    fn strict_yearmonth_and_datetime() {
        let data = rows(&[
            &["1979-01", "2020-01-01T10:00:00Z"],
            &["1979-02", "2020-01-02T11:00:00Z"],
        ]);
        let s = infer_schema(
            &names(&["Date", "ts"]),
            data.iter(),
            &InferOptions::strict(None),
        );
        assert_eq!(types(&s), ["yearmonth", "datetime"]);
    }

    #[test]
    fn strict_empty_column_is_string() {
        let data = rows(&[&["1", ""], &["2", ""]]);
        let s = infer_schema(
            &names(&["a", "b"]),
            data.iter(),
            &InferOptions::strict(None),
        );
        assert_eq!(types(&s), ["integer", "string"]);
    }

    #[test]
    fn candidate_bits_name_their_candidates() {
        let bit =
            |t: FieldType| 1u16 << STRICT_CANDIDATES.iter().position(|c| *c == t).unwrap_or(99);
        assert_eq!(bit(FieldType::Integer), INTEGER_BIT);
        assert_eq!(bit(FieldType::Number), NUMBER_BIT);
        assert_eq!(bit(FieldType::Boolean), BOOLEAN_BIT);
        assert_eq!(bit(FieldType::String), STRING_BIT);
        let casters = casters(&STRICT_CANDIDATES, &[String::new()]);
        assert_eq!(casters.len(), STRICT_CANDIDATES.len());
        // What the shortcuts in `observe` take for granted.
        for cell in [
            "1",
            "-1",
            "+0",
            " 7 ",
            "1_000",
            "٣",
            "007",
            "12345678901234567890123",
            "x",
        ] {
            assert!(casters[10].fits(cell));
            if casters[7].fits(cell) {
                assert!(casters[8].fits(cell), "{cell}");
            }
        }
    }

    #[test]
    fn strict_states_merge_like_one_pass() {
        let data = rows(&[&["1"], &["2"], &["2.5"]]);
        let mut whole = StrictState::new(1, &[String::new()]);
        data.iter().for_each(|r| whole.observe(r));
        let mut a = whole.fresh();
        let mut b = whole.fresh();
        a.observe(&data[0]);
        a.observe(&data[1]);
        b.observe(&data[2]);
        a.merge(&b);
        assert_eq!(a.fields(&names(&["n"])), whole.fields(&names(&["n"])));
        assert_eq!(a.fields(&names(&["n"]))[0].field_type, FieldType::Number);
    }

    #[test]
    fn frictionless_takes_the_majority_type() {
        // 9 integers then "x": integer (the "x" becomes a type error later).
        let mut data: Vec<&[&str]> = vec![&["1"]; 9];
        data.push(&["x"]);
        let s = infer_schema(
            &names(&["a"]),
            rows(&data).iter(),
            &InferOptions::frictionless(),
        );
        assert_eq!(types(&s), ["integer"]);
        // "x" first then 9 integers: string.
        let mut data: Vec<&[&str]> = vec![&["x"]];
        data.extend(vec![&["1"][..]; 9]);
        let s = infer_schema(
            &names(&["a"]),
            rows(&data).iter(),
            &InferOptions::frictionless(),
        );
        assert_eq!(types(&s), ["string"]);
    }

    #[test]
    fn frictionless_typed_cells_are_not_strings() {
        // A workbook column of numbers with one text cell early on.
        let mut data: Vec<&[&str]> = vec![&["1"], &["2"], &["twelve"]];
        data.extend(vec![&["3"][..]; 17]);
        let mut options = InferOptions::frictionless();
        assert_eq!(
            types(&infer_schema(&names(&["a"]), rows(&data).iter(), &options)),
            ["string"]
        );
        options.typed_cells = true;
        assert_eq!(
            types(&infer_schema(&names(&["a"]), rows(&data).iter(), &options)),
            ["integer"]
        );
    }

    #[test]
    fn frictionless_empty_column_is_any() {
        let data = rows(&[&["1", ""], &["2", ""]]);
        let s = infer_schema(
            &names(&["a", "b"]),
            data.iter(),
            &InferOptions::frictionless(),
        );
        assert_eq!(types(&s), ["integer", "any"]);
    }
}
