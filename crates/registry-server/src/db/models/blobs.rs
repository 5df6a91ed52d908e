//! The record of verified blobs: a blob row exists only once its bytes are
//! in the store with the recorded size and hash.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::schema::{blobs, revision_files};
use crate::db::{is_unique_violation, now_ms, Conn};
use crate::error::ApiError;

/// Sizes of the blobs among `hashes` that are recorded.
pub fn sizes(conn: &mut Conn, hashes: &[String]) -> Result<HashMap<String, i64>, ApiError> {
    let mut found = HashMap::with_capacity(hashes.len());
    // Chunks keep each query under SQLite's limit on bound parameters.
    for chunk in hashes.chunks(500) {
        let rows: Vec<(String, i64)> = blobs::table
            .filter(blobs::sha256.eq_any(chunk))
            .select((blobs::sha256, blobs::size))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

/// Records a verified blob; recording it twice is fine.
pub fn record(conn: &mut Conn, sha256: &str, size: i64) -> Result<(), ApiError> {
    let inserted = diesel::insert_into(blobs::table)
        .values((
            blobs::sha256.eq(sha256),
            blobs::size.eq(size),
            blobs::created_at.eq(now_ms()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Of `hashes`, those no revision refers to any more, and forgets them.
/// The caller deletes their bytes after the transaction commits.
pub fn forget_unreferenced(conn: &mut Conn, hashes: &[String]) -> Result<Vec<String>, ApiError> {
    let mut orphans = Vec::new();
    for sha in hashes {
        let refs: i64 = revision_files::table
            .filter(revision_files::sha256.eq(sha))
            .count()
            .get_result(conn)?;
        if refs == 0 {
            diesel::delete(blobs::table.find(sha)).execute(conn)?;
            orphans.push(sha.clone());
        }
    }
    Ok(orphans)
}
