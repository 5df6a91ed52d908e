//! The database: one connection type over Postgres and SQLite, a pool, and
//! the migrations, applied at start.
//!
//! Handlers never touch a connection on an async worker: [`Db::run`] moves
//! the work to actix's blocking thread pool.

pub mod models;
pub mod schema;

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};

use crate::error::ApiError;

const PG_MIGRATIONS: EmbeddedMigrations =
    diesel_migrations::embed_migrations!("migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations =
    diesel_migrations::embed_migrations!("migrations/sqlite");

/// Arbitrary, fixed key of the Postgres advisory lock that serialises
/// migrations when several processes start at once on one database.
const MIGRATION_LOCK_KEY: i64 = 0x0064_6174_6172_6567; // "datareg"

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// `postgres://…` or `postgresql://…` is Postgres; `sqlite://PATH`,
    /// `sqlite:PATH` or a bare path is a SQLite file.
    pub fn parse(url: &str) -> DatabaseUrl {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            DatabaseUrl::Postgres(url.to_string())
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            DatabaseUrl::Sqlite(PathBuf::from(path))
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Postgres(_) => "postgres",
            DatabaseUrl::Sqlite(_) => "sqlite",
        }
    }

    /// The URL with any password hidden, for logs.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Postgres(url) => match url::Url::parse(url) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("****"));
                    }
                    parsed.to_string()
                }
                Err(_) => "postgres://(unparsable url)".to_string(),
            },
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        }
    }
}

/// An r2d2 manager that opens exactly the backend the URL names (the derived
/// `establish` would fall back to SQLite and create a file named like a
/// Postgres URL when Postgres is down).
pub struct Manager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => diesel::PgConnection::establish(url)
                .map(AnyConnection::Postgresql)
                .map_err(diesel::r2d2::Error::ConnectionError),
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the writer; the busy timeout
                // makes concurrent writers wait their turn instead of failing.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type Conn = AnyConnection;

/// The pool and what it points at.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    url: DatabaseUrl,
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("failed to create the folder {path} for the SQLite database")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("failed to connect to the database {url}")]
    Connect {
        url: String,
        #[source]
        source: r2d2::Error,
    },
    #[error("failed to apply the database migrations: {0}")]
    Migrate(String),
    #[error("failed to lock the database for migrations")]
    Lock(#[source] std::io::Error),
}

impl Db {
    /// Opens a pool of `size` connections (SQLite: the file and its folder
    /// are created when missing).
    pub fn open(url: DatabaseUrl, size: u32) -> Result<Db, DbSetupError> {
        if let DatabaseUrl::Sqlite(path) = &url {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|source| DbSetupError::CreateDir {
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
        }
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .connection_timeout(Duration::from_secs(30))
            .build(Manager { url: url.clone() })
            .map_err(|source| DbSetupError::Connect {
                url: url.redacted(),
                source,
            })?;
        Ok(Db { pool, url })
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Applies every pending migration. Safe when several processes start
    /// at once on one fresh database: Postgres serialises them with an
    /// advisory lock, SQLite with a lock file beside the database.
    pub fn migrate(&self) -> Result<usize, DbSetupError> {
        let mut conn = self.pool.get().map_err(|source| DbSetupError::Connect {
            url: self.url.redacted(),
            source,
        })?;
        match &mut *conn {
            AnyConnection::Postgresql(pg) => {
                pg.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                    .map_err(|e| DbSetupError::Migrate(e.to_string()))?;
                let result = pg
                    .run_pending_migrations(PG_MIGRATIONS)
                    .map(|applied| applied.len())
                    .map_err(|e| DbSetupError::Migrate(e.to_string()));
                let unlock =
                    pg.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"));
                let applied = result?;
                unlock.map_err(|e| DbSetupError::Migrate(e.to_string()))?;
                Ok(applied)
            }
            AnyConnection::Sqlite(sqlite) => {
                let DatabaseUrl::Sqlite(path) = &self.url else {
                    unreachable!("a SQLite connection comes from a SQLite URL");
                };
                let lock_path = path.with_extension("migrate-lock");
                let lock = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&lock_path)
                    .map_err(DbSetupError::Lock)?;
                lock.lock().map_err(DbSetupError::Lock)?;
                let result = sqlite
                    .run_pending_migrations(SQLITE_MIGRATIONS)
                    .map(|applied| applied.len())
                    .map_err(|e| DbSetupError::Migrate(e.to_string()));
                drop(lock);
                result
            }
        }
    }

    /// A connection for work outside a request (the admin commands).
    pub fn get(&self) -> Result<r2d2::PooledConnection<Manager>, ApiError> {
        self.pool
            .get()
            .map_err(|e| ApiError::internal(format!("no database connection: {e}")))
    }

    /// Runs `f` with a connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Conn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool
                .get()
                .map_err(|e| ApiError::internal(format!("no database connection: {e}")))?;
            f(&mut conn)
        })
        .await
        .map_err(|e| ApiError::internal(format!("database task failed: {e}")))?
    }
}

/// True when the error is a unique-constraint violation (on either backend).
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Milliseconds since the Unix epoch: how the tables store times.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A stored time as RFC 3339, for the API.
pub fn format_ms(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}
