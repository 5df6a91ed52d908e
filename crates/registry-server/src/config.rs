//! Settings: defaults, then a TOML file, then environment variables, then
//! command-line flags, each overriding the one before.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::db::DatabaseUrl;

/// Default upload limit for one blob: 10 GiB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024 * 1024;
/// Default limit for a JSON request body (a descriptor with its file list).
pub const DEFAULT_MAX_JSON_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: String,
    pub data_dir: PathBuf,
    /// `None`: SQLite at `<data_dir>/registry.db`.
    pub database_url: Option<String>,
    /// `None`: blobs in `<data_dir>/blobs`. `s3://bucket/prefix` otherwise.
    pub storage: Option<String>,
    /// The URL clients reach this server at; defaults to `http://<bind>`.
    pub public_url: Option<String>,
    pub max_upload_bytes: u64,
    pub max_json_bytes: usize,
    /// HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// Database pool size.
    pub db_pool_size: u32,
    /// Lifetime of presigned S3 URLs, in seconds.
    pub presign_seconds: u64,
    /// Log as JSON lines instead of text.
    pub log_json: bool,
    /// How long this process may answer anonymous reads from its cache
    /// before looking again at the database (0: never cache).
    pub read_cache_ms: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            bind: "127.0.0.1:8080".to_string(),
            data_dir: PathBuf::from("registry-data"),
            database_url: None,
            storage: None,
            public_url: None,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            max_json_bytes: DEFAULT_MAX_JSON_BYTES,
            workers: None,
            db_pool_size: 16,
            presign_seconds: 3600,
            log_json: false,
            read_cache_ms: 1000,
        }
    }
}

/// The TOML file: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    storage: Option<String>,
    public_url: Option<String>,
    max_upload_bytes: Option<u64>,
    max_json_bytes: Option<usize>,
    workers: Option<usize>,
    db_pool_size: Option<u32>,
    presign_seconds: Option<u64>,
    log_json: Option<bool>,
    read_cache_ms: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("failed to read the configuration file {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("failed to parse the configuration file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {name}={value:?} is not valid: {reason}")]
    Env {
        name: &'static str,
        value: String,
        reason: String,
    },
}

impl Config {
    /// Defaults, the TOML file (when given), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            let parsed: FileConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
            config.apply_file(parsed);
        }
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    fn apply_file(&mut self, file: FileConfig) {
        let FileConfig {
            bind,
            data_dir,
            database_url,
            storage,
            public_url,
            max_upload_bytes,
            max_json_bytes,
            workers,
            db_pool_size,
            presign_seconds,
            log_json,
            read_cache_ms,
        } = file;
        set(&mut self.bind, bind);
        set(&mut self.data_dir, data_dir);
        set_opt(&mut self.database_url, database_url);
        set_opt(&mut self.storage, storage);
        set_opt(&mut self.public_url, public_url);
        set(&mut self.max_upload_bytes, max_upload_bytes);
        set(&mut self.max_json_bytes, max_json_bytes);
        set_opt(&mut self.workers, workers);
        set(&mut self.db_pool_size, db_pool_size);
        set(&mut self.presign_seconds, presign_seconds);
        set(&mut self.log_json, log_json);
        set(&mut self.read_cache_ms, read_cache_ms);
    }

    /// Reads the variables through `var` (the tests pass their own).
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let non_empty = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        set(&mut self.bind, non_empty("DATA_REGISTRY_BIND"));
        set(
            &mut self.data_dir,
            non_empty("DATA_REGISTRY_DATA_DIR").map(PathBuf::from),
        );
        set_opt(&mut self.database_url, non_empty("DATABASE_URL"));
        set_opt(&mut self.storage, non_empty("DATA_REGISTRY_STORAGE"));
        set_opt(&mut self.public_url, non_empty("DATA_REGISTRY_PUBLIC_URL"));
        if let Some(value) = non_empty("DATA_REGISTRY_MAX_UPLOAD_BYTES") {
            self.max_upload_bytes = parse_size(&value).ok_or_else(|| ConfigError::Env {
                name: "DATA_REGISTRY_MAX_UPLOAD_BYTES",
                value: value.clone(),
                reason: "expected a byte count such as 1048576, 500MB or 10GiB".to_string(),
            })?;
        }
        if let Some(value) = non_empty("DATA_REGISTRY_READ_CACHE_MS") {
            self.read_cache_ms = value.trim().parse().map_err(|_| ConfigError::Env {
                name: "DATA_REGISTRY_READ_CACHE_MS",
                value: value.clone(),
                reason: "expected a number of milliseconds".to_string(),
            })?;
        }
        if let Some(value) = non_empty("DATA_REGISTRY_LOG_JSON") {
            self.log_json = matches!(value.as_str(), "1" | "true" | "yes");
        }
        Ok(())
    }

    pub fn database(&self) -> DatabaseUrl {
        match &self.database_url {
            Some(url) => DatabaseUrl::parse(url),
            None => DatabaseUrl::Sqlite(self.data_dir.join("registry.db")),
        }
    }

    /// The base URL links are built from, without a trailing slash.
    pub fn public_base(&self, bound: Option<std::net::SocketAddr>) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => match bound {
                Some(addr) => format!("http://{addr}"),
                None => format!("http://{}", self.bind),
            },
        }
    }
}

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *slot = value;
    }
}

fn set_opt<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

/// `1048576`, `500MB`, `500MiB`, `10GB`, `10GiB`, `64k`.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        "t" | "tb" => 1_000_000_000_000,
        "tib" => 1 << 40,
        _ => return None,
    };
    number.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1048576"), Some(1_048_576));
        assert_eq!(parse_size("500MB"), Some(500_000_000));
        assert_eq!(parse_size("10GiB"), Some(10 << 30));
        assert_eq!(parse_size("ten"), None);
        assert_eq!(parse_size("5 parsecs"), None);
    }

    #[test]
    fn environment_overrides_defaults() {
        let mut config = Config::default();
        config
            .apply_env(|name| match name {
                "DATABASE_URL" => Some("postgres://u:secret@db/x".to_string()),
                "DATA_REGISTRY_MAX_UPLOAD_BYTES" => Some("1MiB".to_string()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.max_upload_bytes, 1 << 20);
        let db = config.database();
        assert_eq!(db.backend_name(), "postgres");
        assert!(!db.redacted().contains("secret"), "{}", db.redacted());
    }

    #[test]
    fn bad_environment_is_an_error() {
        let mut config = Config::default();
        let err = config
            .apply_env(|name| (name == "DATA_REGISTRY_MAX_UPLOAD_BYTES").then(|| "lots".into()))
            .unwrap_err();
        assert!(err.to_string().contains("DATA_REGISTRY_MAX_UPLOAD_BYTES"));
    }

    #[test]
    fn default_is_sqlite_in_the_data_dir() {
        let config = Config::default();
        assert_eq!(
            config.database(),
            DatabaseUrl::Sqlite(PathBuf::from("registry-data/registry.db"))
        );
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.toml");
        std::fs::write(&path, "bind = \"0.0.0.0:80\"\nbnid = 1\n").unwrap();
        let err = Config::load(Some(&path)).unwrap_err();
        assert!(err.to_string().contains("bnid"), "{err}");
    }
}
