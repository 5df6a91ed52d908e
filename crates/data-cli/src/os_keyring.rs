//! The token in the OS keyring (`data login --store keyring`): one entry
//! per registry, user and `DPM_HOME`, in the platform's own store.

use std::path::Path;

use anyhow::{bail, Context, Result};

/// The keyring entry of service `data` and `user`: the platform's own
/// store (Keychain, Credential Manager) through `keyring`'s default.
#[cfg(not(target_os = "linux"))]
pub fn open_keyring_entry(user: &str) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, user)
}

/// On Linux: `keyring`'s kernel (keyutils) credential in the session
/// keyring, under the description `keyring` itself would use, but without
/// its link to the persistent keyring. Asking for that link makes the
/// kernel give a process that has no session keyring of its own (ssh
/// without pam_keyinit, containers, CI) a new one that dies with the
/// process, so a token stored by `data login` was never found again. The
/// session keyring (or, lacking one, the user-session keyring) is shared
/// by every process of the session.
#[cfg(target_os = "linux")]
pub fn open_keyring_entry(user: &str) -> keyring::Result<keyring::Entry> {
    use keyring::keyutils::{decode_error, KeyutilsCredential};
    use linux_keyutils::{KeyRing, KeyRingIdentifier};
    let session =
        KeyRing::from_special_id(KeyRingIdentifier::Session, false).map_err(decode_error)?;
    Ok(keyring::Entry::new_with_credential(Box::new(
        KeyutilsCredential {
            session,
            persistent: None,
            description: format!("keyring-rs:{user}@{KEYRING_SERVICE}"),
        },
    )))
}

/// The keyring service of every `data` token.
pub const KEYRING_SERVICE: &str = "data";

/// The keyring entry's user for `username` on `registry` with the
/// (canonical) DPM_HOME `root`.
pub fn keyring_user(registry: &str, username: &str, root: &Path) -> String {
    format!("{username} on {registry} for {}", root.display())
}

/// Puts `token` in the keyring, or says to use `--store file`: a token is
/// never silently written to disk instead.
pub fn store_in_keyring(entry: &keyring::Entry, token: &str) -> Result<()> {
    use keyring::credential::CredentialPersistence;
    const HINT: &str =
        "log in with `--store file` to keep the token in the credentials file (mode 0600) instead";
    // Builds without a native store get keyring's in-memory mock, which
    // would forget the token when `data` exits.
    let persistence = keyring::default::default_credential_builder().persistence();
    if matches!(
        persistence,
        CredentialPersistence::EntryOnly | CredentialPersistence::ProcessOnly
    ) {
        bail!("this build of `data` has no OS keyring for this system: {HINT}");
    }
    entry
        .set_password(token)
        .map_err(anyhow::Error::new)
        .with_context(|| format!("failed to store the token in the OS keyring: {HINT}"))
}

/// Deletes an entry; one already gone is fine.
pub fn delete_from_keyring(entry: &keyring::Entry) -> Result<()> {
    match entry.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(anyhow::Error::new(e)),
    }
}
