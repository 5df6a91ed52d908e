//! Where the client keeps its settings and credentials, and how the
//! registry URL and the token are chosen.
//!
//! `~/.dpm` (or `$DPM_HOME`) holds:
//! - `config`: TOML, `registry` (URL) and `publisher` (default publisher);
//! - `credentials`: TOML, `username` and `token`, written with mode 0600;
//! - `cache/`: blobs and revision manifests (`data get`).
//!
//! The registry is `--registry`, else `DATA_REGISTRY`, else `config`, else
//! the local default. The token is `DATA_TOKEN`, else `credentials`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

pub const DEFAULT_REGISTRY: &str = "http://127.0.0.1:8080";

/// The `~/.dpm` folder.
#[derive(Debug, Clone)]
pub struct DpmHome {
    pub root: PathBuf,
}

impl DpmHome {
    pub fn locate() -> Result<DpmHome> {
        if let Some(dir) = std::env::var_os("DPM_HOME").filter(|v| !v.is_empty()) {
            return Ok(DpmHome {
                root: PathBuf::from(dir),
            });
        }
        let home = dirs::home_dir().context(
            "cannot find your home folder: set DPM_HOME to where `data` may keep its settings",
        )?;
        Ok(DpmHome {
            root: home.join(".dpm"),
        })
    }

    pub fn config_path(&self) -> PathBuf {
        self.root.join("config")
    }

    pub fn credentials_path(&self) -> PathBuf {
        self.root.join("credentials")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.root.join("cache")
    }
}

/// `~/.dpm/config`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
}

/// The keys `data config` knows.
pub const CONFIG_KEYS: &[&str] = &["registry", "publisher"];

impl Config {
    pub fn load(home: &DpmHome) -> Result<Config> {
        let path = home.config_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text)
                .with_context(|| format!("failed to read {} (fix or delete it)", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(e).with_context(|| format!("failed to read {}", path.display())),
        }
    }

    pub fn save(&self, home: &DpmHome) -> Result<()> {
        let text = toml::to_string(self).context("failed to write the config as TOML")?;
        write_private(&home.config_path(), text.as_bytes(), false)
    }

    pub fn get(&self, key: &str) -> Result<Option<&str>> {
        Ok(match key {
            "registry" => self.registry.as_deref(),
            "publisher" => self.publisher.as_deref(),
            _ => bail!(
                "unknown setting {key:?}: the settings are {}",
                CONFIG_KEYS.join(", ")
            ),
        })
    }

    pub fn set(&mut self, key: &str, value: Option<String>) -> Result<()> {
        match key {
            "registry" => {
                if let Some(url) = &value {
                    check_registry_url(url)?;
                }
                self.registry = value.map(|v| v.trim_end_matches('/').to_string());
            }
            "publisher" => {
                if let Some(name) = &value {
                    registry_api::names::check_publisher_name(name).map_err(anyhow::Error::msg)?;
                }
                self.publisher = value;
            }
            _ => bail!(
                "unknown setting {key:?}: the settings are {}",
                CONFIG_KEYS.join(", ")
            ),
        }
        Ok(())
    }
}

pub fn check_registry_url(url: &str) -> Result<()> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        bail!("the registry must be an http:// or https:// URL, not {url:?}");
    }
    Ok(())
}

/// `~/.dpm/credentials`. Never printed, never logged.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Credentials {
    pub username: Option<String>,
    pub token: Option<String>,
    /// The registry the token belongs to.
    pub registry: Option<String>,
    /// The token's id there, to revoke it at `data logout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<i64>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("token", &self.token.as_ref().map(|_| "****"))
            .field("registry", &self.registry)
            .field("token_id", &self.token_id)
            .finish()
    }
}

impl Credentials {
    pub fn load(home: &DpmHome) -> Result<Credentials> {
        let path = home.credentials_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).with_context(|| {
                format!(
                    "failed to read {} (log in again to rewrite it)",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Credentials::default()),
            Err(e) => Err(e).with_context(|| format!("failed to read {}", path.display())),
        }
    }

    pub fn save(&self, home: &DpmHome) -> Result<()> {
        let text = toml::to_string(self).context("failed to write the credentials as TOML")?;
        write_private(&home.credentials_path(), text.as_bytes(), true)
    }

    /// Removes the file; true when there was one.
    pub fn remove(home: &DpmHome) -> Result<bool> {
        match std::fs::remove_file(home.credentials_path()) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e).context("failed to remove the credentials file"),
        }
    }
}

/// Writes through a temporary file and a rename, so a crash never leaves a
/// half-written file; `secret` files are created with mode 0600 before a
/// byte is written.
fn write_private(path: &Path, bytes: &[u8], secret: bool) -> Result<()> {
    let dir = path.parent().context("a settings file has a folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    let mut file = options
        .open(&tmp)
        .with_context(|| format!("failed to write {}", tmp.display()))?;
    #[cfg(unix)]
    if secret {
        // An older file with wider rights keeps them through `open`.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("failed to restrict {}", tmp.display()))?;
    }
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("failed to write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("failed to replace {}", path.display()))?;
    Ok(())
}

/// What a command that talks to the registry needs.
#[derive(Debug, Clone)]
pub struct Remote {
    pub registry: String,
    pub token: Option<String>,
    /// The default publisher: `config.publisher`, else the user's own.
    pub publisher: Option<String>,
}

impl Remote {
    /// From the flag, the environment and the files in `home`.
    pub fn resolve(home: &DpmHome, registry_flag: Option<&str>) -> Result<Remote> {
        let config = Config::load(home)?;
        let credentials = Credentials::load(home)?;
        let registry = registry_flag
            .map(str::to_string)
            .or_else(|| {
                std::env::var("DATA_REGISTRY")
                    .ok()
                    .filter(|v| !v.is_empty())
            })
            .or(config.registry.clone())
            .unwrap_or_else(|| DEFAULT_REGISTRY.to_string())
            .trim_end_matches('/')
            .to_string();
        check_registry_url(&registry)?;
        let env_token = std::env::var("DATA_TOKEN").ok().filter(|v| !v.is_empty());
        // A stored token is sent only to the registry it was made for.
        let stored_token = credentials.token.clone().filter(|_| {
            credentials
                .registry
                .as_deref()
                .is_none_or(|r| r == registry)
        });
        let token = env_token.or(stored_token);
        let publisher = config
            .publisher
            .clone()
            .or_else(|| credentials.username.clone());
        Ok(Remote {
            registry,
            token,
            publisher,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_private_and_never_debug_printed() {
        let dir = tempfile::tempdir().unwrap();
        let home = DpmHome {
            root: dir.path().join("dpm"),
        };
        let credentials = Credentials {
            username: Some("alice".into()),
            token: Some("dpm_secret".into()),
            registry: Some(DEFAULT_REGISTRY.into()),
            token_id: Some(3),
        };
        credentials.save(&home).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(home.credentials_path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(Credentials::load(&home).unwrap(), credentials);
        assert!(!format!("{credentials:?}").contains("secret"));
        assert!(Credentials::remove(&home).unwrap());
        assert!(!Credentials::remove(&home).unwrap());
    }

    #[test]
    fn config_keys_are_checked() {
        let mut config = Config::default();
        config
            .set("registry", Some("https://data.example.org/".into()))
            .unwrap();
        assert_eq!(
            config.get("registry").unwrap(),
            Some("https://data.example.org")
        );
        assert!(config
            .set("registry", Some("data.example.org".into()))
            .is_err());
        assert!(config.set("publisher", Some("Bad Name".into())).is_err());
        assert!(config.set("colour", Some("red".into())).is_err());
    }
}
