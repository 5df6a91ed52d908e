//! Where the client keeps its settings and credentials, and how the
//! registry URL and the token are chosen.
//!
//! `~/.dpm` (or `$DPM_HOME`) holds:
//! - `config`: TOML, `registry` (URL), `publisher` (default publisher) and
//!   `credential-store` (`file` or `keyring`);
//! - `credentials`: TOML, `username` and `token`, written with mode 0600; or,
//!   with `token_store = "keyring"`, the user name only and the token in the
//!   OS keyring (service `data`, one entry per registry, user and home);
//! - `cache/`: blobs and revision manifests (`data get`).
//!
//! The registry is `--registry`, else `DATA_REGISTRY`, else `config`, else
//! the local default. The token is `DATA_TOKEN`, else `credentials` (or the
//! keyring entry it points to).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::os_keyring::{delete_from_keyring, keyring_user, open_keyring_entry, store_in_keyring};

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
    /// Where `data login` keeps the token (default: the credentials file).
    #[serde(
        default,
        rename = "credential-store",
        skip_serializing_if = "Option::is_none"
    )]
    pub credential_store: Option<CredentialStore>,
}

/// The keys `data config` knows.
pub const CONFIG_KEYS: &[&str] = &["registry", "publisher", "credential-store"];

/// Where `data login` keeps the token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialStore {
    /// `~/.dpm/credentials`, mode 0600.
    #[default]
    File,
    /// The OS keyring: kernel keyutils on Linux, Keychain on macOS,
    /// Credential Manager on Windows.
    Keyring,
}

impl CredentialStore {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialStore::File => "file",
            CredentialStore::Keyring => "keyring",
        }
    }

    fn is_file(&self) -> bool {
        *self == CredentialStore::File
    }
}

impl FromStr for CredentialStore {
    type Err = anyhow::Error;

    fn from_str(value: &str) -> Result<CredentialStore> {
        match value {
            "file" => Ok(CredentialStore::File),
            "keyring" => Ok(CredentialStore::Keyring),
            _ => bail!(
                "credential-store must be \"file\" (the credentials file, mode 0600) or \"keyring\" (the OS keyring), not {value:?}"
            ),
        }
    }
}

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
            "credential-store" => self.credential_store.map(CredentialStore::as_str),
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
            "credential-store" => {
                self.credential_store = value.as_deref().map(str::parse).transpose()?;
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
    /// The token, when `token_store` is the file (with the keyring it is
    /// not written here).
    pub token: Option<String>,
    /// The registry the token belongs to.
    pub registry: Option<String>,
    /// The token's id there, to revoke it at `data logout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<i64>,
    /// Where the token is: this file, or the OS keyring.
    #[serde(default, skip_serializing_if = "CredentialStore::is_file")]
    pub token_store: CredentialStore,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("token", &self.token.as_ref().map(|_| "****"))
            .field("registry", &self.registry)
            .field("token_id", &self.token_id)
            .field("token_store", &self.token_store)
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

    /// Writes the credentials file. With `token_store` the keyring, the
    /// token goes to the OS keyring first and the file gets everything
    /// but the token; if the keyring refuses it, nothing is written. A
    /// keyring entry of the log-in this one replaces is deleted.
    pub fn save(&self, home: &DpmHome) -> Result<()> {
        self.save_with(home, Credentials::keyring_entry)
    }

    /// [`Credentials::save`] with the keyring entries `open` gives.
    fn save_with(
        &self,
        home: &DpmHome,
        open: impl Fn(&Credentials, &DpmHome) -> Result<keyring::Entry>,
    ) -> Result<()> {
        let previous = Credentials::load(home).ok();
        let mut file = self.clone();
        let mut stored_entry = None;
        if self.token_store == CredentialStore::Keyring {
            if let Some(token) = file.token.take() {
                std::fs::create_dir_all(&home.root)
                    .with_context(|| format!("failed to create {}", home.root.display()))?;
                let entry = open(self, home)?;
                store_in_keyring(&entry, &token)?;
                stored_entry = Some(entry);
            }
        }
        let text = toml::to_string(&file).context("failed to write the credentials as TOML")?;
        if let Err(e) = write_private(&home.credentials_path(), text.as_bytes(), true) {
            if let Some(entry) = stored_entry {
                // Not left behind with no file pointing to it.
                let _ = entry.delete_credential();
            }
            return Err(e);
        }
        // The entry of the log-in replaced, unless it is the one just written.
        if let Some(previous) = previous.filter(|p| p.token_store == CredentialStore::Keyring) {
            let same_entry = self.token_store == CredentialStore::Keyring
                && previous.keyring_user(home).ok() == self.keyring_user(home).ok();
            if !same_entry {
                if let Ok(entry) = open(&previous, home) {
                    let _ = entry.delete_credential();
                }
            }
        }
        Ok(())
    }

    /// The stored token: the file's, or the keyring entry's. An entry that
    /// cannot be read is an error that says how to log in again.
    pub fn stored_token(&self, home: &DpmHome) -> Result<Option<String>> {
        match self.token_store {
            CredentialStore::File => Ok(self.token.clone()),
            CredentialStore::Keyring => {
                let entry = self.keyring_entry(home)?;
                match entry.get_password() {
                    Ok(token) => Ok(Some(token)),
                    Err(keyring::Error::NoEntry) => bail!(
                        "your token is kept in the OS keyring, but the keyring has no entry for it (the Linux kernel keyring forgets it at reboot, and may at log-out): run `data login` again, or set DATA_TOKEN"
                    ),
                    Err(e) => Err(anyhow::Error::new(e).context(
                        "your token is kept in the OS keyring, but the keyring could not be read: run `data login` again (with `--store file` if the keyring does not work here), or set DATA_TOKEN",
                    )),
                }
            }
        }
    }

    /// Removes the file, and the keyring entry it points to; true when
    /// there was a file.
    pub fn remove(home: &DpmHome) -> Result<bool> {
        let mut keyring_error = None;
        match Credentials::load(home) {
            Ok(credentials) if credentials.token_store == CredentialStore::Keyring => {
                match credentials
                    .keyring_entry(home)
                    .and_then(|entry| delete_from_keyring(&entry))
                {
                    Ok(()) => {}
                    Err(e) => keyring_error = Some(e),
                }
            }
            _ => {}
        }
        let removed = match std::fs::remove_file(home.credentials_path()) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(e).context("failed to remove the credentials file"),
        };
        if let Some(e) = keyring_error {
            return Err(e.context(
                "the credentials file is removed, but the token could not be deleted from the OS keyring (service \"data\"): delete it with your keyring's own tool",
            ));
        }
        Ok(removed)
    }

    /// The keyring entry's user: registry, user name and the canonical
    /// DPM_HOME, so two homes never share a token.
    fn keyring_user(&self, home: &DpmHome) -> Result<String> {
        let (Some(registry), Some(username)) = (&self.registry, &self.username) else {
            bail!(
                "{} says the token is in the OS keyring but not whose it is: run `data login` again",
                home.credentials_path().display()
            );
        };
        let root = std::fs::canonicalize(&home.root)
            .with_context(|| format!("failed to find {}", home.root.display()))?;
        Ok(keyring_user(registry, username, &root))
    }

    fn keyring_entry(&self, home: &DpmHome) -> Result<keyring::Entry> {
        let user = self.keyring_user(home)?;
        open_keyring_entry(&user).context("failed to open the OS keyring")
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
    /// Why the stored token could not be had (an OS keyring that lost it):
    /// commands that need a token say this; the others go on without one.
    pub token_problem: Option<String>,
}

impl Remote {
    /// From the flag, the environment and the files in `home` (and the OS
    /// keyring, when the token is kept there).
    pub fn resolve(home: &DpmHome, registry_flag: Option<&str>) -> Result<Remote> {
        let credentials = Credentials::load(home)?;
        let mut remote = Remote::without_token(home, &credentials, registry_flag)?;
        let env_token = std::env::var("DATA_TOKEN").ok().filter(|v| !v.is_empty());
        remote.token = match env_token {
            Some(token) => Some(token),
            // A stored token is sent only to the registry it was made for.
            None if credentials
                .registry
                .as_deref()
                .is_none_or(|r| r == remote.registry) =>
            {
                match credentials.stored_token(home) {
                    Ok(token) => token,
                    Err(e) => {
                        remote.token_problem = Some(format!("{e:#}"));
                        None
                    }
                }
            }
            None => None,
        };
        Ok(remote)
    }

    /// The publisher to act for: `flag` (`--publisher`), else the default.
    pub fn publisher_or(&self, flag: Option<&str>) -> Result<String> {
        flag.map(str::to_string)
            .or(self.publisher.clone())
            .context("no publisher: pass --publisher, or log in with `data login`")
    }

    /// The token, or why there is none: for commands that act as someone.
    pub fn require_token(&self, what: &str) -> Result<&str> {
        match (&self.token, &self.token_problem) {
            (Some(token), _) => Ok(token),
            (None, Some(problem)) => bail!("{what} needs your token: {problem}"),
            (None, None) => {
                bail!("{what} needs an account: run `data login` (or set DATA_TOKEN)")
            }
        }
    }

    /// Says, for a command that works without a token, that the stored one
    /// could not be had and it goes on anonymously.
    pub fn note_token_problem(&self, printer: &crate::printer::Printer) {
        if let Some(problem) = &self.token_problem {
            printer.status(&format!(
                "warning: going on without your token (only public packages are seen): {problem}"
            ));
        }
    }

    /// The registry and the publisher, without looking for a token (so
    /// without the OS keyring): for `data login` and `data config`.
    pub fn resolve_without_token(home: &DpmHome, registry_flag: Option<&str>) -> Result<Remote> {
        Remote::without_token(home, &Credentials::load(home)?, registry_flag)
    }

    fn without_token(
        home: &DpmHome,
        credentials: &Credentials,
        registry_flag: Option<&str>,
    ) -> Result<Remote> {
        let config = Config::load(home)?;
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
        let publisher = config.publisher.or_else(|| credentials.username.clone());
        Ok(Remote {
            registry,
            token: None,
            publisher,
            token_problem: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::os_keyring::KEYRING_SERVICE;

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
            token_store: CredentialStore::File,
        };
        credentials.save(&home).unwrap();
        // The file store writes the file as before the keyring existed.
        let text = std::fs::read_to_string(home.credentials_path()).unwrap();
        assert!(
            text.contains("dpm_secret") && !text.contains("token_store"),
            "{text}"
        );
        assert_eq!(
            credentials.stored_token(&home).unwrap().as_deref(),
            Some("dpm_secret")
        );
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

    #[test]
    fn credential_store_setting_is_checked_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let home = DpmHome {
            root: dir.path().join("dpm"),
        };
        let mut config = Config::default();
        assert_eq!(config.get("credential-store").unwrap(), None);
        let error = config
            .set("credential-store", Some("vault".into()))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("\"file\"") && error.contains("\"keyring\"") && error.contains("vault"),
            "{error}"
        );
        assert_eq!(config.credential_store, None);
        config
            .set("credential-store", Some("keyring".into()))
            .unwrap();
        config.save(&home).unwrap();
        let text = std::fs::read_to_string(home.config_path()).unwrap();
        assert!(text.contains("credential-store = \"keyring\""), "{text}");
        let loaded = Config::load(&home).unwrap();
        assert_eq!(loaded.credential_store, Some(CredentialStore::Keyring));
        assert_eq!(loaded.get("credential-store").unwrap(), Some("keyring"));
        config.set("credential-store", None).unwrap();
        assert_eq!(config.get("credential-store").unwrap(), None);

        // A bad value written by hand is an error that names the file.
        std::fs::write(home.config_path(), "credential-store = \"vault\"\n").unwrap();
        let error = format!("{:#}", Config::load(&home).unwrap_err());
        assert!(
            error.contains("config") && error.contains("vault"),
            "{error}"
        );
    }

    fn keyring_credentials(token: Option<&str>) -> Credentials {
        Credentials {
            username: Some("alice".into()),
            token: token.map(str::to_string),
            registry: Some("http://127.0.0.1:9".into()),
            token_id: Some(7),
            token_store: CredentialStore::Keyring,
        }
    }

    #[test]
    fn a_keyring_that_refuses_the_token_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let home = DpmHome {
            root: dir.path().join("dpm"),
        };
        let failing = |_: &Credentials, _: &DpmHome| -> Result<keyring::Entry> {
            let entry = keyring::Entry::new_with_credential(
                keyring::mock::default_credential_builder()
                    .build(None, KEYRING_SERVICE, "alice")
                    .unwrap(),
            );
            let mock: &keyring::mock::MockCredential =
                entry.get_credential().downcast_ref().unwrap();
            mock.set_error(keyring::Error::NoStorageAccess("locked".into()));
            Ok(entry)
        };
        let error = keyring_credentials(Some("dpm_secret"))
            .save_with(&home, failing)
            .unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.contains("--store file") && message.contains("locked"),
            "{message}"
        );
        assert!(!home.credentials_path().exists());
    }

    /// Whether the OS keyring works here (set, get, delete of a scratch
    /// entry); the reason when it does not.
    fn keyring_works() -> std::result::Result<(), String> {
        let user = format!(
            "probe {} {:?}",
            std::process::id(),
            std::thread::current().id()
        );
        let entry = open_keyring_entry(&user).map_err(|e| e.to_string())?;
        entry.set_password("probe").map_err(|e| e.to_string())?;
        let read = entry.get_password().map_err(|e| e.to_string())?;
        entry.delete_credential().map_err(|e| e.to_string())?;
        if read == "probe" {
            Ok(())
        } else {
            Err("the keyring gave back another value".into())
        }
    }

    #[test]
    #[allow(clippy::print_stderr)]
    fn keyring_credentials_keep_the_token_out_of_the_file() {
        if let Err(why) = keyring_works() {
            eprintln!("skipped: the OS keyring does not work here: {why}");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let home = DpmHome {
            root: dir.path().join("dpm"),
        };
        let other = DpmHome {
            root: dir.path().join("other"),
        };
        std::fs::create_dir_all(&other.root).unwrap();
        let credentials = keyring_credentials(Some("dpm_unit_secret"));
        credentials.save(&home).unwrap();
        let text = std::fs::read_to_string(home.credentials_path()).unwrap();
        assert!(!text.contains("dpm_unit_secret"), "{text}");
        assert!(text.contains("token_store = \"keyring\""), "{text}");
        let loaded = Credentials::load(&home).unwrap();
        assert_eq!(loaded, keyring_credentials(None));
        assert_eq!(
            loaded.stored_token(&home).unwrap().as_deref(),
            Some("dpm_unit_secret")
        );
        // The same file in another home points to another entry.
        let error = format!("{:#}", loaded.stored_token(&other).unwrap_err());
        assert!(
            error.contains("OS keyring") && error.contains("data login"),
            "{error}"
        );

        // Logging in again with the file store deletes the entry.
        let mut to_file = credentials.clone();
        to_file.token_store = CredentialStore::File;
        to_file.save(&home).unwrap();
        assert!(matches!(
            loaded.keyring_entry(&home).unwrap().get_password(),
            Err(keyring::Error::NoEntry)
        ));

        // Removing keyring credentials deletes the entry too.
        credentials.save(&home).unwrap();
        assert!(Credentials::remove(&home).unwrap());
        assert!(matches!(
            loaded.keyring_entry(&home).unwrap().get_password(),
            Err(keyring::Error::NoEntry)
        ));
        let error = format!("{:#}", loaded.stored_token(&home).unwrap_err());
        assert!(error.contains("no entry"), "{error}");
    }
}
