//! Rows and the queries on them, one file per table group. Handlers call
//! these; no SQL lives in a handler.

pub mod blobs;
pub mod packages;
pub mod publishers;
pub mod tokens;
pub mod users;
