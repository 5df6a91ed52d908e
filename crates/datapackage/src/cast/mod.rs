//! Casting text cells to typed values, and checking field constraints.
//!
//! A [`FieldCaster`] is built once per field (formats parsed, regexes
//! compiled, constraint bounds read) and then called on every cell. The
//! behaviour follows Table Schema v1 (v2's `list` type, `groupChar` on
//! integers and per-field `missingValues` are tolerated) as frictionless-py
//! 5.21 implements it, down to the quirks of the Python functions it calls
//! (`int()`, `Decimal()`, `strptime`, dateutil, isodate, validators); each
//! submodule says which, and the tests record the cases checked against
//! frictionless (a differential run of several hundred thousand generated
//! cells also agreed on validity, temporal values and constraint notes).
//!
//! The common types with their default formats are read by hand-written
//! parsers that allocate nothing on success.
//!
//! Deliberate deviations from frictionless-py:
//! - `pattern` must match the whole cell (`\A(?:p)\z`); frictionless
//!   compiles `^p$`, so a top-level alternation `a|b` there only anchors
//!   its ends, and a trailing newline is tolerated. The `regex` crate has
//!   no look-around or backreferences: such patterns fail at setup.
//! - `groupChar` applies to integers (Table Schema v2); frictionless ignores
//!   it there.
//! - Ordering a naive against an aware time or datetime (a bound) reads the
//!   naive one as UTC; frictionless crashes.
//! - Numbers are `f64` (frictionless: `Decimal`), integers `i128`: digits
//!   beyond f64 precision are lost and integers beyond 38 digits are type
//!   errors.
//! - JSON cells are read with serde_json, which refuses `NaN`/`Infinity`
//!   literals that Python's `json` accepts.
//! - An `array` cell with `arrayItem` whose items fail their type reports
//!   the type error only (frictionless may add item constraint errors).
//! - `any` formats take missing date parts from today in UTC, and do not
//!   treat the machine's own zone name as local time.

mod constraints;
mod duration;
mod fuzzy;
mod geo;
mod iso;
mod kind;
mod number;
mod strptime;
mod text;
mod timelex;

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::Value as Json;

use crate::error::DescriptorError;
use crate::field::{Field, FieldType};
use crate::value::Value;

pub use constraints::{python_repr, python_str_repr, supported_constraints};

use constraints::CompiledConstraints;
use kind::{list_item_type, Kind};

/// A cell that is not a value of its field's type.
///
/// The note is frictionless' `type is "integer/default"` (for `list`,
/// `expected item type is "integer"`; for an `array` item, `array item type
/// is "integer/default"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CastError {
    note: Arc<str>,
}

impl CastError {
    pub fn note(&self) -> String {
        self.note.to_string()
    }
}

impl fmt::Display for CastError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.note)
    }
}

impl std::error::Error for CastError {}

/// A value that breaks one of its field's constraints.
///
/// The note is frictionless' `constraint "minimum" is "5"`, quoting the
/// descriptor's value as Python prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintError {
    /// The constraint's name as the descriptor spells it (`minLength`).
    pub constraint: &'static str,
    note: Arc<str>,
}

impl ConstraintError {
    pub fn note(&self) -> String {
        self.note.to_string()
    }
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.note)
    }
}

impl std::error::Error for ConstraintError {}

/// The cells a field reads as missing.
#[derive(Debug, Clone)]
enum Missing {
    /// The default, `[""]`.
    Empty,
    /// `[]`: nothing is missing.
    Nothing,
    One(Box<str>),
    Many(Vec<Box<str>>),
}

impl Missing {
    fn new(values: &[String]) -> Missing {
        match values {
            [] => Missing::Nothing,
            [one] if one.is_empty() => Missing::Empty,
            [one] => Missing::One(one.as_str().into()),
            many => Missing::Many(many.iter().map(|s| s.as_str().into()).collect()),
        }
    }

    #[inline]
    fn contains(&self, cell: &str) -> bool {
        // The default first, as a plain test rather than a jump table.
        if let Missing::Empty = self {
            return cell.is_empty();
        }
        match self {
            Missing::Empty => cell.is_empty(),
            Missing::Nothing => false,
            Missing::One(v) => **v == *cell,
            Missing::Many(vs) => vs.iter().any(|v| **v == *cell),
        }
    }
}

/// Today's date (UTC), for the `any` formats: dateutil fills the parts a
/// cell leaves out from today.
fn today() -> NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    // 719163 days separate 0001-01-01 (day 1 of the common era) and 1970.
    i32::try_from(days)
        .ok()
        .and_then(|d| NaiveDate::from_num_days_from_ce_opt(719_163 + d))
        .unwrap_or_default()
}

/// Casts the cells of one field and checks its constraints.
#[derive(Debug, Clone)]
pub struct FieldCaster {
    field: Field,
    missing: Missing,
    kind: Kind,
    type_note: Arc<str>,
    constraints: CompiledConstraints,
    /// `arrayItem`: how each item of an `array` cell is read and checked.
    array_item: Option<Box<FieldCaster>>,
}

impl FieldCaster {
    /// Prepares the casting of `field`'s cells. `schema_missing_values` are
    /// the schema's `missingValues` (`[""]` when it declares none); the
    /// field's own (Table Schema v2) replace them.
    ///
    /// Fails on an unknown type, an unusable `list` delimiter or item type,
    /// an invalid `pattern`, a bound that is not a value of the field's type,
    /// or a `minLength`/`maxLength` that is not a number. The error's path is
    /// relative to the field (`constraints.minimum`).
    pub fn new(
        field: &Field,
        schema_missing_values: &[String],
    ) -> Result<FieldCaster, DescriptorError> {
        Self::build(field, schema_missing_values, today(), "")
    }

    fn build(
        field: &Field,
        schema_missing_values: &[String],
        today: NaiveDate,
        note_prefix: &str,
    ) -> Result<FieldCaster, DescriptorError> {
        // Table Schema v1 wrote patterns as `fmt:%d/%m/%Y`.
        let format = field.format_or_default().replace("fmt:", "");
        let kind = Kind::new(field, &format, today)?;
        let type_note = match &field.field_type {
            FieldType::List => {
                let item = list_item_type(field)?;
                format!("{note_prefix}expected item type is \"{item}\"")
            }
            t => format!("{note_prefix}type is \"{t}/{format}\""),
        };
        let missing = Missing::new(
            field
                .missing_values
                .as_deref()
                .unwrap_or(schema_missing_values),
        );
        let constraints =
            CompiledConstraints::new(&field.field_type, &field.constraints, &kind, note_prefix)?;
        let array_item = match (&field.field_type, field.extra.get("arrayItem")) {
            (FieldType::Array, Some(item)) => Some(Box::new(Self::array_item(field, item, today)?)),
            _ => None,
        };
        Ok(FieldCaster {
            field: field.clone(),
            missing,
            kind,
            type_note: type_note.into(),
            constraints,
            array_item,
        })
    }

    fn array_item(
        field: &Field,
        item: &Json,
        today: NaiveDate,
    ) -> Result<FieldCaster, DescriptorError> {
        let Json::Object(map) = item else {
            return Err(DescriptorError::new(
                "arrayItem",
                "arrayItem is not an object",
            ));
        };
        let mut map = map.clone();
        map.remove("arrayItem");
        map.entry("name")
            .or_insert_with(|| Json::String(field.name.clone()));
        map.entry("type")
            .or_insert_with(|| Json::String("any".into()));
        let item_field: Field = serde_json::from_value(Json::Object(map))
            .map_err(|e| DescriptorError::new("arrayItem", format!("invalid arrayItem: {e}")))?;
        Self::build(&item_field, &[String::new()], today, "array item ")
            .map_err(|e| DescriptorError::new(format!("arrayItem.{}", e.path), e.message))
    }

    pub fn field(&self) -> &Field {
        &self.field
    }

    /// Whether the cell is one of the field's missing values.
    #[inline]
    pub fn is_missing(&self, cell: &str) -> bool {
        self.missing.contains(cell)
    }

    /// Casts a cell: `Value::Null` for a missing value, the typed value, or
    /// a type error.
    #[inline]
    pub fn cast<'a>(&self, cell: &'a str) -> Result<Value<'a>, CastError> {
        if self.missing.contains(cell) {
            return Ok(Value::Null);
        }
        match self.kind.cast(cell) {
            Some(value) => {
                if let Some(item) = &self.array_item {
                    item.check_array_items(&value, &self.constraints)?;
                }
                Ok(value)
            }
            None => Err(self.type_error()),
        }
    }

    /// Whether the cell casts: exactly `self.cast(cell).is_ok()`, without
    /// building the value for the common types.
    #[inline]
    pub fn fits(&self, cell: &str) -> bool {
        if self.missing.contains(cell) {
            return true;
        }
        if self.array_item.is_some() {
            return self.cast(cell).is_ok();
        }
        self.kind.fits(cell)
    }

    /// Casts a cell and checks its constraints in one go: a type error, or
    /// whether the cell is missing (`Value::Null`), with `on_error` called
    /// for each failed constraint. The same as [`FieldCaster::cast`] then
    /// [`FieldCaster::check_all_constraints`], but the common types keep
    /// their value in registers instead of handing a [`Value`] through
    /// memory.
    #[inline]
    pub fn cast_and_check(
        &self,
        cell: &str,
        on_error: impl FnMut(ConstraintError),
    ) -> Result<bool, CastError> {
        if self.missing.contains(cell) {
            if !self.constraints.is_empty() {
                self.check_all_constraints(cell, &Value::Null, on_error);
            }
            return Ok(true);
        }
        let value = match &self.kind {
            Kind::String(kind::StringFormat::Default) | Kind::Any => Value::String(cell),
            Kind::Integer(opts) => match number::cast_integer(cell, opts) {
                Some(v) => Value::Integer(v),
                None => return Err(self.type_error()),
            },
            Kind::Number(opts) => match number::cast_number(cell, opts) {
                Some(v) => Value::Number(v),
                None => return Err(self.type_error()),
            },
            Kind::Boolean(b) => match b.read(cell) {
                Some(v) => Value::Boolean(v),
                None => return Err(self.type_error()),
            },
            Kind::Date(kind::TemporalFormat::Default) => match iso::parse_default_date(cell) {
                Some(v) => Value::Date(v),
                None => return Err(self.type_error()),
            },
            Kind::Datetime(kind::TemporalFormat::Default) => {
                match iso::parse_default_datetime(cell) {
                    Some((v, offset)) => Value::Datetime(v, offset),
                    None => return Err(self.type_error()),
                }
            }
            _ => {
                let value = self.cast(cell)?;
                if self.has_constraints() {
                    self.check_all_constraints(cell, &value, on_error);
                }
                return Ok(value.is_null());
            }
        };
        // These types have no `arrayItem`: the field's own constraints are
        // all there is to check.
        if !self.constraints.is_empty() {
            let mut on_error = on_error;
            self.constraints.check(&value, &mut on_error);
        }
        Ok(false)
    }

    fn type_error(&self) -> CastError {
        CastError {
            note: self.type_note.clone(),
        }
    }

    /// frictionless reads the items of an `array` only when the cell passes
    /// the field's own constraints (a failing one is reported instead).
    fn check_array_items(
        &self,
        value: &Value<'_>,
        outer: &CompiledConstraints,
    ) -> Result<(), CastError> {
        let Value::Json(Json::Array(items)) = value else {
            return Ok(());
        };
        if !outer.passes(value) {
            return Ok(());
        }
        for item in items {
            self.read_item(item)?;
        }
        Ok(())
    }

    /// One array item: missing values (compared with Python's `str()` of
    /// the item), then the item type.
    fn read_item<'v>(&self, item: &'v Json) -> Result<Value<'v>, CastError> {
        if item.is_null() || self.missing.contains(&constraints_python_str(item)) {
            return Ok(Value::Null);
        }
        self.kind.cast_json(item).ok_or_else(|| self.type_error())
    }

    /// Checks the constraints frictionless checks for the field's type and
    /// returns the first that fails. `cell` is the raw text, `value` what
    /// [`FieldCaster::cast`] returned for it. `unique` is left to the
    /// validator.
    pub fn check_constraints(&self, cell: &str, value: &Value<'_>) -> Result<(), ConstraintError> {
        let mut first = None;
        self.check_all_constraints(cell, value, |e| {
            if first.is_none() {
                first = Some(e);
            }
        });
        first.map_or(Ok(()), Err)
    }

    /// Reports every failed constraint, in frictionless' order (one
    /// `constraint-error` each). For an `array` with `arrayItem`, the items'
    /// constraints are checked once the field's own pass, one error per
    /// constraint name.
    pub fn check_all_constraints(
        &self,
        _cell: &str,
        value: &Value<'_>,
        mut on_error: impl FnMut(ConstraintError),
    ) {
        if self.constraints.is_empty() && self.array_item.is_none() {
            return;
        }
        let mut failed = false;
        self.constraints.check(value, &mut |e| {
            failed = true;
            on_error(e);
        });
        if failed {
            return;
        }
        let (Some(item), Value::Json(Json::Array(items))) = (&self.array_item, value) else {
            return;
        };
        let mut seen: Vec<&'static str> = Vec::new();
        for raw in items {
            let Ok(v) = item.read_item(raw) else { continue };
            item.constraints.check(&v, &mut |e| {
                if !seen.contains(&e.constraint) {
                    seen.push(e.constraint);
                    on_error(e);
                }
            });
        }
    }

    /// Whether the field has constraints to check (other than `unique`).
    pub fn has_constraints(&self) -> bool {
        !self.constraints.is_empty() || self.array_item.is_some()
    }
}

fn constraints_python_str(v: &Json) -> String {
    constraints::python_str(v)
}

#[cfg(test)]
mod tests;
