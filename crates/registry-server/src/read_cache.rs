//! A short-lived cache for the hottest read: an anonymous GET of a public
//! descriptor (what pandas, DuckDB and frictionless-py do on every load).
//!
//! - Revisions are immutable, so a revision, once read, is kept (up to a
//!   bound) with no expiry.
//! - Which package a name means, its visibility and its latest revision can
//!   change, so that is fresh for `ttl` only (1 s by default), and this
//!   process forgets it at once whenever it changes a package. Another
//!   process's change shows here after about `ttl`; `read_cache_ms = 0`
//!   turns the cache off.
//! - When an entry goes stale, one request looks the package up again
//!   while the others keep being served the stale entry until it is back
//!   (stale-while-revalidate): without that, every request in flight at the
//!   moment of expiry went to the database at once, and on a busy 2-core
//!   machine that storm put p99 near a second. An entry older than
//!   `STALE_LIMIT` ttls is never served.
//!
//! Only anonymous callers are served from it: a request with a token goes
//! to the database, so a revoked token is refused at once and members see
//! their private packages without delay.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::sync::Cache;

use crate::db::models::packages::{Found, RevisionRow};

const PACKAGES: u64 = 100_000;
const REVISIONS: u64 = 20_000;
/// Past this many ttls an entry is not served even while it is refreshed.
const STALE_LIMIT: u32 = 10;

struct Entry {
    found: Arc<Found>,
    fetched: Instant,
    /// Set by the one request that is looking the package up again.
    refreshing: AtomicBool,
}

/// What the cache says about a package.
pub enum Lookup {
    /// Serve this.
    Hit(Arc<Found>),
    /// Look it up in the database (and `put_package` or `forget` after).
    Miss,
}

pub struct ReadCache {
    ttl: Duration,
    /// (owner, name or uuid) → the package as an anonymous caller finds it.
    packages: Option<Cache<(String, String), Arc<Entry>>>,
    /// (package id, revision number) → the revision.
    revisions: Option<Cache<(i64, i64), Arc<RevisionRow>>>,
}

impl ReadCache {
    pub fn new(ttl: Duration) -> ReadCache {
        if ttl.is_zero() {
            return ReadCache {
                ttl,
                packages: None,
                revisions: None,
            };
        }
        ReadCache {
            ttl,
            packages: Some(Cache::builder().max_capacity(PACKAGES).build()),
            revisions: Some(Cache::builder().max_capacity(REVISIONS).build()),
        }
    }

    pub fn package(&self, owner: &str, key: &str) -> Lookup {
        let Some(cache) = &self.packages else {
            return Lookup::Miss;
        };
        let Some(entry) = cache.get(&(owner.to_string(), key.to_string())) else {
            return Lookup::Miss;
        };
        let age = entry.fetched.elapsed();
        if age < self.ttl {
            return Lookup::Hit(entry.found.clone());
        }
        if age > self.ttl * STALE_LIMIT || !entry.refreshing.swap(true, Ordering::AcqRel) {
            // Too old to serve, or this request is the one to refresh it.
            return Lookup::Miss;
        }
        Lookup::Hit(entry.found.clone())
    }

    pub fn put_package(&self, owner: &str, key: &str, found: &Found) {
        self.put_package_fetched(owner, key, found, Instant::now());
    }

    fn put_package_fetched(&self, owner: &str, key: &str, found: &Found, fetched: Instant) {
        if let Some(cache) = &self.packages {
            let entry = Entry {
                found: Arc::new(found.clone()),
                fetched,
                refreshing: AtomicBool::new(false),
            };
            cache.insert((owner.to_string(), key.to_string()), Arc::new(entry));
        }
    }

    /// After a lookup that found nothing an anonymous caller may see.
    pub fn forget(&self, owner: &str, key: &str) {
        if let Some(cache) = &self.packages {
            cache.invalidate(&(owner.to_string(), key.to_string()));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::models::packages::PackageRow;
    use crate::db::models::publishers::PublisherRow;

    fn found() -> Found {
        Found {
            package: PackageRow {
                id: 1,
                publisher_id: 1,
                name: "gdp".into(),
                uuid: "u".into(),
                visibility: "public".into(),
                title: None,
                description: None,
                readme: None,
                latest_revision: 1,
                downloads: 0,
                deleted_at: None,
                created_at: 0,
                updated_at: 0,
            },
            publisher: PublisherRow {
                id: 1,
                name: "alice".into(),
                kind: "user".into(),
                title: None,
                description: None,
                created_at: 0,
            },
            role: None,
            admin: false,
            via_uuid: false,
        }
    }

    fn hit(lookup: Lookup) -> bool {
        matches!(lookup, Lookup::Hit(_))
    }

    #[test]
    fn fresh_entries_are_served_and_changes_forget_them() {
        let cache = ReadCache::new(Duration::from_secs(60));
        assert!(!hit(cache.package("alice", "gdp")));
        cache.put_package("alice", "gdp", &found());
        assert!(hit(cache.package("alice", "gdp")));
        cache.package_changed();
        assert!(!hit(cache.package("alice", "gdp")));
        cache.put_package("alice", "gdp", &found());
        cache.forget("alice", "gdp");
        assert!(!hit(cache.package("alice", "gdp")));
    }

    #[test]
    fn one_request_refreshes_a_stale_entry_while_the_others_are_served() {
        let ttl = Duration::from_secs(1);
        let cache = ReadCache::new(ttl);
        let Some(stale) = Instant::now().checked_sub(ttl * 2) else {
            return; // a clock this close to its origin cannot say
        };
        cache.put_package_fetched("alice", "gdp", &found(), stale);
        assert!(
            !hit(cache.package("alice", "gdp")),
            "the first goes to the database"
        );
        assert!(
            hit(cache.package("alice", "gdp")),
            "the rest get the stale entry"
        );
        assert!(hit(cache.package("alice", "gdp")));
        // Once refreshed, it is fresh again.
        cache.put_package("alice", "gdp", &found());
        assert!(hit(cache.package("alice", "gdp")));
    }

    #[test]
    fn entries_far_past_their_time_are_never_served() {
        let ttl = Duration::from_secs(1);
        let cache = ReadCache::new(ttl);
        let Some(ancient) = Instant::now().checked_sub(ttl * (STALE_LIMIT + 1)) else {
            return;
        };
        cache.put_package_fetched("alice", "gdp", &found(), ancient);
        assert!(!hit(cache.package("alice", "gdp")));
        assert!(!hit(cache.package("alice", "gdp")));
    }

    #[test]
    fn a_zero_ttl_caches_nothing() {
        let cache = ReadCache::new(Duration::ZERO);
        cache.put_package("alice", "gdp", &found());
        assert!(!hit(cache.package("alice", "gdp")));
    }
}
