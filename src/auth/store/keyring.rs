//! Keyring backend: secrets in OS keyring entries (service "provider-sidecar", user
//! "<providerId>:<account>"), and a non-secret index `auth-index.json` in the data dir that
//! says which providers and accounts exist.

use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::document::{AccountRecord, AuthDocument, ReadMemo, update_provider};
use super::file::{mark_needs_reauth_in, set_active_in};
use super::locked_json::LockedJsonFile;
use super::{CredentialBackend, PutOptions, StoreKind, StoredCredential};
use crate::auth::credential::Credential;
use crate::auth::error::{AuthError, AuthResult};
use crate::auth::secret::Secret;

pub const KEYRING_SERVICE: &str = "provider-sidecar";
pub const INDEX_FILE_NAME: &str = "auth-index.json";
const PROBE_USER: &str = "__probe__";

/// A keyring failure, described without any secret.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct VaultError(pub String);

/// Where the keyring backend puts secrets: the OS keyring, or a stand-in in tests.
pub trait SecretVault: Send + Sync {
    fn set(&self, user: &str, secret: &Secret) -> Result<(), VaultError>;
    fn get(&self, user: &str) -> Result<Option<Secret>, VaultError>;
    /// Deleting an absent entry is not an error.
    fn delete(&self, user: &str) -> Result<(), VaultError>;
}

pub fn keyring_user(provider: &str, account: &str) -> String {
    format!("{provider}:{account}")
}

/// The OS keyring through the `keyring` crate (Secret Service over pure-Rust D-Bus on Linux,
/// Keychain on macOS, Credential Manager on Windows).
pub struct OsKeyring {
    service: String,
}

impl OsKeyring {
    pub fn new(service: &str) -> Self {
        Self {
            service: service.to_owned(),
        }
    }

    fn entry(&self, user: &str) -> Result<keyring::Entry, VaultError> {
        keyring::Entry::new(&self.service, user).map_err(describe)
    }
}

fn describe(err: keyring::Error) -> VaultError {
    match err {
        // The bytes could be a secret: never echo them.
        keyring::Error::BadEncoding(_) => VaultError("keyring entry is not valid UTF-8".into()),
        other => VaultError(other.to_string()),
    }
}

impl SecretVault for OsKeyring {
    fn set(&self, user: &str, secret: &Secret) -> Result<(), VaultError> {
        self.entry(user)?
            .set_password(secret.expose())
            .map_err(describe)
    }

    fn get(&self, user: &str) -> Result<Option<Secret>, VaultError> {
        match self.entry(user)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(describe(err)),
        }
    }

    fn delete(&self, user: &str) -> Result<(), VaultError> {
        match self.entry(user)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(describe(err)),
        }
    }
}

/// Asks the vault once for an entry that does not exist (or, failing that, writes and deletes
/// one), on its own thread, waiting at most
/// `timeout` (a D-Bus call can hang). Reachable means it answered, with or without a value.
pub fn probe_vault(vault: Arc<dyn SecretVault>, timeout: Duration) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("keyring-probe".into())
        .spawn(move || {
            // A fresh Secret Service has no default collection yet and fails lookups until
            // the first write creates it, so a failed read is retried as a write + delete.
            let answer = vault.get(PROBE_USER).map(|_| ()).or_else(|read_err| {
                vault
                    .set(PROBE_USER, &Secret::new("probe"))
                    .map_err(|_| read_err)
                    .and_then(|()| vault.delete(PROBE_USER))
            });
            let _ = tx.send(answer);
        });
    if let Err(err) = spawned {
        return Err(format!("cannot start the keyring probe: {err}"));
    }
    match rx.recv_timeout(timeout) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(err.0),
        Err(_) => Err(format!(
            "the keyring did not answer within {} ms",
            timeout.as_millis()
        )),
    }
}

pub struct KeyringBackend {
    index: LockedJsonFile,
    /// The index as read last, used while the file is unchanged.
    index_read: ReadMemo,
    vault: Arc<dyn SecretVault>,
    /// Credentials this process read from or wrote to the keyring, by keyring user. Every chat
    /// with a stored key reads its credential, and one Secret Service read costs ~6 ms (a new
    /// D-Bus connection and session key each time, measured with gnome-keyring), more than
    /// everything else before the request is sent.
    read: Mutex<HashMap<String, KnownCredential>>,
    /// How long a known credential is used before the keyring is read again (see [`KEEP_FOR`]).
    keep_for: Duration,
}

/// A secret changed in the keyring by hand (a keyring manager), which stamps no record in the
/// index, is seen within this time, or at the next call once the provider rejected the kept one
/// (`forget_known`).
const KEEP_FOR: Duration = Duration::from_secs(60);

/// A credential as the keyring held it when the index's record had `updated_at`. Every write of
/// an entry, from this process or another, also stamps its record in the index, so a record that
/// still has this time still names this credential.
struct KnownCredential {
    updated_at: DateTime<Utc>,
    known_at: Instant,
    credential: Credential,
}

impl KeyringBackend {
    pub fn open(data_dir: &Path, vault: Arc<dyn SecretVault>) -> AuthResult<Self> {
        Ok(Self {
            index: LockedJsonFile::open(data_dir, INDEX_FILE_NAME)?,
            index_read: ReadMemo::default(),
            vault,
            read: Mutex::new(HashMap::new()),
            keep_for: KEEP_FOR,
        })
    }

    /// The backend, using a known credential for `keep_for` at most (tests).
    #[cfg(test)]
    pub(super) fn keeping_for(mut self, keep_for: Duration) -> Self {
        self.keep_for = keep_for;
        self
    }

    fn known(&self) -> std::sync::MutexGuard<'_, HashMap<String, KnownCredential>> {
        // Nothing is left half-changed under this lock: a panic elsewhere does not spoil it.
        self.read.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps `credential` as the keyring holds it for the record stamped `updated_at`.
    fn keep(&self, user: String, updated_at: DateTime<Utc>, credential: &Credential) {
        let known = KnownCredential {
            updated_at,
            known_at: Instant::now(),
            credential: credential.clone(),
        };
        self.known().insert(user, known);
    }

    /// `get`'s answer for `account` (or the active one) by `doc`, `provider`'s part of the index:
    /// `Ok(Some(answer))`, or `Ok(None)` when the credential is not kept in memory and `from_vault`
    /// is false (only the keyring can tell).
    fn credential_in(
        &self,
        doc: &AuthDocument,
        provider: &str,
        account: Option<&str>,
        from_vault: bool,
    ) -> AuthResult<Option<Option<StoredCredential>>> {
        let Some((name, record)) = doc.account(provider, account) else {
            return Ok(Some(None));
        };
        let user = keyring_user(provider, name);
        let known = self
            .known()
            .get(&user)
            .filter(|known| {
                known.updated_at == record.updated_at && known.known_at.elapsed() < self.keep_for
            })
            .map(|known| known.credential.clone());
        let credential = match known {
            Some(credential) => credential,
            None if !from_vault => return Ok(None),
            None => {
                let credential = self.read_from_vault(&user)?;
                self.keep(user, record.updated_at, &credential);
                credential
            }
        };
        Ok(Some(Some(StoredCredential {
            account: name.to_owned(),
            credential,
            label: record.label.clone(),
            updated_at: record.updated_at,
            needs_reauth: record.needs_reauth,
        })))
    }

    fn read_from_vault(&self, user: &str) -> AuthResult<Credential> {
        let secret = self
            .vault
            .get(user)
            .map_err(Self::unavailable)?
            .ok_or_else(|| AuthError::Corrupt {
                path: self.index.path().to_owned(),
                message: format!("the keyring has no entry for `{user}`"),
            })?;
        serde_json::from_str(secret.expose()).map_err(|err| AuthError::Corrupt {
            path: self.index.path().to_owned(),
            message: format!(
                "the keyring entry for `{user}` is not a credential (line {}, column {})",
                err.line(),
                err.column()
            ),
        })
    }

    fn unavailable(err: VaultError) -> AuthError {
        AuthError::StoreUnavailable(format!("OS keyring: {err}"))
    }
}

impl CredentialBackend for KeyringBackend {
    fn kind(&self) -> StoreKind {
        StoreKind::Keyring
    }

    fn index(&self) -> AuthResult<AuthDocument> {
        self.index.read()
    }

    fn get(&self, provider: &str, account: Option<&str>) -> AuthResult<Option<StoredCredential>> {
        let doc = self.index_read.read_provider(&self.index, provider)?;
        self.credential_in(&doc, provider, account, true)
            .map(|found| found.flatten())
    }

    fn get_known(
        &self,
        provider: &str,
        account: Option<&str>,
    ) -> Option<AuthResult<Option<StoredCredential>>> {
        let doc = match self
            .index_read
            .provider_if_unchanged(&self.index, provider)?
        {
            Ok(doc) => doc,
            Err(err) => return Some(Err(err)),
        };
        self.credential_in(&doc, provider, account, false)
            .transpose()
    }

    fn forget_known(&self, provider: &str) {
        // Every account of the provider: the caller may not know which one was active. A provider
        // whose id extends this one's with `:` loses its kept credentials too, which costs it one
        // keyring read.
        let prefix = keyring_user(provider, "");
        self.known().retain(|user, _| !user.starts_with(&prefix));
    }

    fn put(
        &self,
        provider: &str,
        account: &str,
        credential: &Credential,
        options: PutOptions,
    ) -> AuthResult<()> {
        let json = serde_json::to_string(credential).map_err(|err| {
            AuthError::StoreUnavailable(format!("cannot serialize the credential: {err}"))
        })?;
        let user = keyring_user(provider, account);
        // Forgotten first: should the index not take the new record, the keyring holds a
        // credential the index's record does not stamp.
        self.known().remove(&user);
        self.vault
            .set(&user, &Secret::new(json))
            .map_err(Self::unavailable)?;
        let updated_at = Utc::now();
        let entry = AccountRecord {
            kind: credential.kind(),
            label: options.label,
            updated_at,
            needs_reauth: false,
            credential: None,
        };
        update_provider(&self.index, provider, |doc| {
            doc.upsert(provider, account, entry, options.activate);
            Ok(())
        })?;
        self.keep(user, updated_at, credential);
        Ok(())
    }

    fn remove(&self, provider: &str, account: Option<&str>) -> AuthResult<Vec<String>> {
        let removed = update_provider(&self.index, provider, |doc| {
            Ok(doc.remove(provider, account))
        })?;
        for name in &removed {
            let user = keyring_user(provider, name);
            self.known().remove(&user);
            self.vault.delete(&user).map_err(Self::unavailable)?;
        }
        Ok(removed)
    }

    fn set_active(&self, provider: &str, account: &str) -> AuthResult<()> {
        set_active_in(&self.index, provider, account)
    }

    fn mark_needs_reauth(&self, provider: &str, account: &str) -> AuthResult<()> {
        mark_needs_reauth_in(&self.index, provider, account)
    }
}
