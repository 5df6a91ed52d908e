//! The Frictionless Data Package and Table Schema model.
//!
//! Pure: no I/O beyond reading and writing descriptor text. The `validate`
//! crate reads tables; this crate says what a descriptor means and how a cell
//! becomes a typed value.

pub mod cast;
pub mod dialect;
pub mod error;
pub mod field;
pub mod io;
pub mod package;
pub mod resource;
pub mod schema;
pub mod validate;
pub mod value;

pub use cast::{CastError, ConstraintError, FieldCaster};
pub use dialect::Dialect;
pub use error::{DescriptorError, Error};
pub use field::{Constraints, Field, FieldType};
pub use package::{Contributor, License, Package, Source};
pub use resource::{is_url, Inline, Resource, ResourcePath};
pub use schema::{FieldNames, ForeignKey, ForeignKeyReference, Schema};
pub use value::{Value, ValueKey};
