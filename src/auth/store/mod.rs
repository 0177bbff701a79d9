//! Credential storage: one trait, two backends (OS keyring, `auth.json` file), and the
//! choice between them (`auto` probes the keyring once and falls back to the file).

mod document;
mod file;
mod keyring;
mod locked_json;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::credential::Credential;
use super::error::{AuthError, AuthResult};

pub use document::{AccountRecord, AuthDocument, ProviderRecord};
pub use file::{AUTH_FILE_NAME, FileBackend};
pub use keyring::{
    INDEX_FILE_NAME, KEYRING_SERVICE, KeyringBackend, OsKeyring, SecretVault, VaultError,
    keyring_user, probe_vault,
};
pub use locked_json::{LockedJsonFile, ensure_private_dir};

/// Where a credential is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    Keyring,
    File,
}

/// Which backend to use; `auto` takes the keyring when it answers, else the file.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum StoreMode {
    #[default]
    Auto,
    Keyring,
    File,
}

/// A credential read back from a store, with its bookkeeping.
#[derive(Clone, Debug)]
pub struct StoredCredential {
    pub account: String,
    pub credential: Credential,
    pub label: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub needs_reauth: bool,
}

/// Options of a write.
#[derive(Clone, Debug, Default)]
pub struct PutOptions {
    pub label: Option<String>,
    /// Make this account the provider's active one (a provider's first account always is).
    pub activate: bool,
}

/// The operations both backends offer. Calls block (file locks, D-Bus): async callers run
/// them on a blocking thread.
pub trait CredentialBackend: Send + Sync {
    fn kind(&self) -> StoreKind;
    /// The non-secret view: providers, accounts, kinds, labels, times (credentials stripped).
    fn index(&self) -> AuthResult<AuthDocument>;
    /// The provider's `account`, or its active one when `account` is None.
    fn get(&self, provider: &str, account: Option<&str>) -> AuthResult<Option<StoredCredential>>;
    /// What `get` would answer, when the backend can tell from memory without waiting on
    /// anything (at most a metadata read of a local file); `None` when only `get` can tell. Called
    /// in place on an async thread, so that a chat's credential lookup needs no blocking thread.
    fn get_known(
        &self,
        _provider: &str,
        _account: Option<&str>,
    ) -> Option<AuthResult<Option<StoredCredential>>> {
        None
    }
    /// Stops answering `provider`'s credentials from memory: the provider rejected one (401 or
    /// 403), and the next `get` reads the store itself, where a key fixed outside this process may
    /// wait. The default keeps nothing that could go stale.
    fn forget_known(&self, _provider: &str) {}
    fn put(
        &self,
        provider: &str,
        account: &str,
        credential: &Credential,
        options: PutOptions,
    ) -> AuthResult<()>;
    /// Removes one account, or every account of the provider; returns the names removed.
    fn remove(&self, provider: &str, account: Option<&str>) -> AuthResult<Vec<String>>;
    fn set_active(&self, provider: &str, account: &str) -> AuthResult<()>;
    fn mark_needs_reauth(&self, provider: &str, account: &str) -> AuthResult<()>;
}

/// How to open the store.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    pub mode: StoreMode,
    pub data_dir: PathBuf,
    pub keyring_service: String,
    pub probe_timeout: Duration,
}

impl StoreConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            mode: StoreMode::Auto,
            data_dir: data_dir.into(),
            keyring_service: KEYRING_SERVICE.to_owned(),
            probe_timeout: Duration::from_secs(2),
        }
    }
}

/// The chosen backend and, when `auto` fell back to the file, why.
#[derive(Clone)]
pub struct OpenedStore {
    pub backend: Arc<dyn CredentialBackend>,
    pub fallback_reason: Option<String>,
}

/// Opens the store with the OS keyring as the vault.
pub fn open_store(config: &StoreConfig) -> AuthResult<OpenedStore> {
    if config.mode == StoreMode::File {
        return open_file(config, None);
    }
    open_store_with_vault(config, Arc::new(OsKeyring::new(&config.keyring_service)))
}

/// Opens the store with a given vault (tests use one that cannot be reached).
pub fn open_store_with_vault(
    config: &StoreConfig,
    vault: Arc<dyn SecretVault>,
) -> AuthResult<OpenedStore> {
    match config.mode {
        StoreMode::File => open_file(config, None),
        StoreMode::Keyring => match probe_vault(vault.clone(), config.probe_timeout) {
            Ok(()) => open_keyring(config, vault),
            Err(reason) => Err(AuthError::StoreUnavailable(format!(
                "the OS keyring cannot be reached: {reason}"
            ))),
        },
        StoreMode::Auto => match probe_vault(vault.clone(), config.probe_timeout) {
            Ok(()) => open_keyring(config, vault),
            Err(reason) => {
                tracing::info!(%reason, "OS keyring unreachable; using the auth.json file store");
                open_file(config, Some(reason))
            }
        },
    }
}

fn open_file(config: &StoreConfig, fallback_reason: Option<String>) -> AuthResult<OpenedStore> {
    Ok(OpenedStore {
        backend: Arc::new(FileBackend::open(&config.data_dir)?),
        fallback_reason,
    })
}

fn open_keyring(config: &StoreConfig, vault: Arc<dyn SecretVault>) -> AuthResult<OpenedStore> {
    Ok(OpenedStore {
        backend: Arc::new(KeyringBackend::open(&config.data_dir, vault)?),
        fallback_reason: None,
    })
}

#[cfg(test)]
mod keyring_memory_tests;
#[cfg(test)]
pub(crate) mod tests;
