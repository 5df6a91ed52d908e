//! Writes the benchmark input of `bench/run.sh`: a deterministic, seeded,
//! ten-column mixed-type CSV of a given size, and the Table Schema that
//! describes it.
//!
//! Usage: `gen_csv OUT.csv SCHEMA.json MEGABYTES [SEED]`
//!
//! MEGABYTES counts 1,000,000 bytes; the file stops at the first row that
//! reaches the size, so it is at most one row (~100 bytes) larger. The same
//! size and seed always give the same bytes, so figures from two runs or two
//! machines are about the same input.
//!
//! A hand-rolled SplitMix64 generator keeps this example free of any crate
//! the `validate` crate does not already depend on.

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};

/// The schema of the generated file. The constraints are the kinds a real
/// published schema carries (required, range, enum, pattern), so validating
/// with it checks every cell, not only its type. No `unique` or `primaryKey`:
/// those keep a set of every key, and the benchmark measures streaming.
const SCHEMA: &str = r#"{
  "fields": [
    {"name": "id", "type": "integer", "constraints": {"required": true, "minimum": 1}},
    {"name": "quantity", "type": "integer", "constraints": {"minimum": -1000000, "maximum": 1000000}},
    {"name": "price", "type": "number", "constraints": {"minimum": 0}},
    {"name": "active", "type": "boolean"},
    {"name": "day", "type": "date"},
    {"name": "created_at", "type": "datetime"},
    {"name": "category", "type": "string", "constraints": {"enum": ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]}},
    {"name": "note", "type": "string", "constraints": {"maxLength": 200}},
    {"name": "score", "type": "number"},
    {"name": "country", "type": "string", "constraints": {"pattern": "[A-Z]{2}"}}
  ]
}
"#;

const HEADER: &str = "id,quantity,price,active,day,created_at,category,note,score,country\n";

const CATEGORIES: [&str; 8] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
];

const COUNTRIES: [&str; 16] = [
    "GB", "FR", "DE", "US", "CA", "JP", "BR", "IN", "ZA", "NG", "AU", "NZ", "ES", "IT", "SE", "MX",
];

const WORDS: [&str; 16] = [
    "lorem", "ipsum", "dolor", "sit", "amet", "data", "table", "schema", "row", "cell", "north",
    "south", "value", "field", "quick", "brown",
];

/// SplitMix64: tiny, fast, and good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; the modulo bias is irrelevant for test data.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), after
/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Appends one data row (with its newline) to `out`.
fn write_row(out: &mut Vec<u8>, rng: &mut Rng, id: u64) -> std::io::Result<()> {
    let quantity = rng.below(2_000_001) as i64 - 1_000_000;
    let cents = rng.below(10_000_000);
    let active = if rng.below(2) == 0 { "true" } else { "false" };
    // 2000-01-01 is day 10,957; about 25 years of dates from there.
    let (y, m, d) = civil_from_days(10_957 + rng.below(9_000) as i64);
    let (cy, cm, cd) = civil_from_days(10_957 + rng.below(9_000) as i64);
    let secs = rng.below(86_400);
    let category = rng.pick(&CATEGORIES);
    write!(
        out,
        "{id},{quantity},{}.{:02},{active},{y:04}-{m:02}-{d:02},\
         {cy:04}-{cm:02}-{cd:02}T{:02}:{:02}:{:02}Z,{category},\"",
        cents / 100,
        cents % 100,
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
    )?;
    // Quoted text with commas, and now and then an escaped quote, so the
    // parser's quoted path is exercised on every row.
    let words = 2 + rng.below(3);
    for i in 0..words {
        if i > 0 {
            out.extend_from_slice(if rng.below(2) == 0 { b", " } else { b" " });
        }
        out.extend_from_slice(rng.pick(&WORDS).as_bytes());
    }
    if rng.below(16) == 0 {
        out.extend_from_slice(br#" ""ok"""#);
    }
    out.extend_from_slice(b"\",");
    // One score in fifty is blank: a missing value, valid in any field that
    // is not required.
    if rng.below(50) != 0 {
        write!(out, "0.{:06}", rng.below(1_000_000))?;
    }
    out.push(b',');
    out.extend_from_slice(rng.pick(&COUNTRIES).as_bytes());
    out.push(b'\n');
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 || args.len() > 5 {
        return Err("usage: gen_csv OUT.csv SCHEMA.json MEGABYTES [SEED]".into());
    }
    let megabytes: f64 = args[3]
        .parse()
        .map_err(|e| format!("MEGABYTES {:?}: {e}", args[3]))?;
    let seed: u64 = match args.get(4) {
        Some(s) => s.parse().map_err(|e| format!("SEED {s:?}: {e}"))?,
        None => 42,
    };
    let target = (megabytes * 1_000_000.0) as u64;

    std::fs::write(&args[2], SCHEMA)?;

    let mut file = BufWriter::with_capacity(1 << 20, File::create(&args[1])?);
    file.write_all(HEADER.as_bytes())?;
    let mut written = HEADER.len() as u64;
    let mut rng = Rng(seed);
    let mut row = Vec::with_capacity(256);
    let mut id = 1;
    while written < target {
        row.clear();
        write_row(&mut row, &mut rng, id)?;
        file.write_all(&row)?;
        written += row.len() as u64;
        id += 1;
    }
    file.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_known_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(10_957), (2000, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn rows_have_ten_cells_and_are_deterministic() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        let (mut ra, mut rb) = (Rng(7), Rng(7));
        for id in 1..=1000 {
            write_row(&mut a, &mut ra, id).unwrap();
            write_row(&mut b, &mut rb, id).unwrap();
        }
        assert_eq!(a, b);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(a.as_slice());
        let mut rows = 0;
        for record in reader.records() {
            let record = record.unwrap();
            assert_eq!(record.len(), 10);
            assert!(CATEGORIES.contains(&&record[6]));
            assert_eq!(record[9].len(), 2);
            rows += 1;
        }
        assert_eq!(rows, 1000);
    }

    #[test]
    fn schema_is_json_with_a_field_per_header_column() {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
        let names: Vec<&str> = schema["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.join(",") + "\n", HEADER);
    }
}
