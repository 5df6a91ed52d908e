//! A short-lived cache for the hottest read: an anonymous GET of a public
//! descriptor (what pandas, DuckDB and frictionless-py do on every load).
//!
//! - Revisions are immutable, so a revision, once read, is kept (up to a
//!   bound) with no expiry.
//! - Which package a name means, its visibility and its latest revision can
//!   change, so that is kept for `ttl` only (1 s by default), and this
//!   process forgets it at once whenever it changes a package. Another
//!   process's change shows here after at most `ttl`; `read_cache_ms = 0`
//!   turns the cache off.
//!
//! Only anonymous callers are served from it: a request with a token goes
//! to the database, so a revoked token is refused at once and members see
//! their private packages without delay.

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;

use crate::db::models::packages::{Found, RevisionRow};

const PACKAGES: u64 = 100_000;
const REVISIONS: u64 = 20_000;

pub struct ReadCache {
    /// (owner, name or uuid) → the package as an anonymous caller finds it.
    packages: Option<Cache<(String, String), Arc<Found>>>,
    /// (package id, revision number) → the revision.
    revisions: Option<Cache<(i64, i64), Arc<RevisionRow>>>,
}

impl ReadCache {
    pub fn new(ttl: Duration) -> ReadCache {
        if ttl.is_zero() {
            return ReadCache {
                packages: None,
                revisions: None,
            };
        }
        ReadCache {
            packages: Some(
                Cache::builder()
                    .max_capacity(PACKAGES)
                    .time_to_live(ttl)
                    .build(),
            ),
            revisions: Some(Cache::builder().max_capacity(REVISIONS).build()),
        }
    }

    pub fn package(&self, owner: &str, key: &str) -> Option<Arc<Found>> {
        self.packages
            .as_ref()?
            .get(&(owner.to_string(), key.to_string()))
    }

    pub fn put_package(&self, owner: &str, key: &str, found: &Found) {
        if let Some(cache) = &self.packages {
            cache.insert(
                (owner.to_string(), key.to_string()),
                Arc::new(found.clone()),
            );
        }
    }

    pub fn revision(&self, package_id: i64, number: i64) -> Option<Arc<RevisionRow>> {
        self.revisions.as_ref()?.get(&(package_id, number))
    }

    pub fn put_revision(&self, revision: &RevisionRow) {
        if let Some(cache) = &self.revisions {
            cache.insert(
                (revision.package_id, revision.number),
                Arc::new(revision.clone()),
            );
        }
    }

    /// Called after any change to any package: names, visibility, latest
    /// revision, deletion. Revisions themselves never change; a purged
    /// package's are unreachable once its name is forgotten.
    pub fn package_changed(&self) {
        if let Some(cache) = &self.packages {
            cache.invalidate_all();
        }
    }
}
