//! The stored shape shared by both backends: providers → named accounts, one active.
//! The file backend keeps each credential inline; the keyring backend keeps this same
//! document without credentials (a non-secret index) and the secrets in keyring entries.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::locked_json::{FileStamp, LockedJsonFile};
use crate::auth::credential::{Credential, CredentialKind};
use crate::auth::error::{AuthError, AuthResult};

pub const DOCUMENT_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthDocument {
    #[serde(default)]
    pub version: u32,
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderRecord {
    pub active: String,
    #[serde(default)]
    pub accounts: BTreeMap<String, AccountRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRecord {
    pub kind: CredentialKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// Set when a refresh failed: the account must sign in again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_reauth: bool,
    /// Present in the file backend only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<Credential>,
}

impl AuthDocument {
    pub fn account(&self, provider: &str, account: Option<&str>) -> Option<(&str, &AccountRecord)> {
        let record = self.providers.get(provider)?;
        let name = account.unwrap_or(&record.active);
        record
            .accounts
            .get_key_value(name)
            .map(|(k, v)| (k.as_str(), v))
    }

    pub fn upsert(&mut self, provider: &str, account: &str, entry: AccountRecord, activate: bool) {
        self.version = DOCUMENT_VERSION;
        let record = self
            .providers
            .entry(provider.to_owned())
            .or_insert_with(|| ProviderRecord {
                active: account.to_owned(),
                accounts: BTreeMap::new(),
            });
        record.accounts.insert(account.to_owned(), entry);
        if activate || !record.accounts.contains_key(&record.active) {
            record.active = account.to_owned();
        }
    }

    /// Removes one account (or all of the provider's when `account` is None) and returns the
    /// names removed. A removed active account hands "active" to the first remaining one.
    pub fn remove(&mut self, provider: &str, account: Option<&str>) -> Vec<String> {
        let Some(record) = self.providers.get_mut(provider) else {
            return Vec::new();
        };
        let removed = match account {
            None => std::mem::take(&mut record.accounts).into_keys().collect(),
            Some(name) => record
                .accounts
                .remove(name)
                .map(|_| vec![name.to_owned()])
                .unwrap_or_default(),
        };
        if record.accounts.is_empty() {
            self.providers.remove(provider);
        } else if !record.accounts.contains_key(&record.active)
            && let Some(first) = record.accounts.keys().next()
        {
            record.active = first.clone();
        }
        removed
    }
}

/// The same document with every provider left as raw JSON: a read or a write touches one
/// provider, so the others are copied through without being decoded and encoded again.
#[derive(Debug, Default, Serialize, Deserialize)]
struct LazyAuthDocument {
    #[serde(default)]
    version: u32,
    #[serde(default)]
    providers: BTreeMap<String, Box<RawValue>>,
}

impl LazyAuthDocument {
    /// A document holding only `provider`, decoded.
    fn single(&self, provider: &str) -> Result<AuthDocument, serde_json::Error> {
        let mut doc = AuthDocument {
            version: self.version,
            providers: BTreeMap::new(),
        };
        if let Some(raw) = self.providers.get(provider) {
            doc.providers
                .insert(provider.to_owned(), serde_json::from_str(raw.get())?);
        }
        Ok(doc)
    }

    /// Puts `doc`'s version of `provider` back, removing it when `doc` no longer has it.
    fn replace(&mut self, provider: &str, doc: &AuthDocument) -> Result<(), serde_json::Error> {
        self.version = DOCUMENT_VERSION;
        match doc.providers.get(provider) {
            Some(record) => {
                self.providers.insert(
                    provider.to_owned(),
                    serde_json::value::to_raw_value(record)?,
                );
            }
            None => {
                self.providers.remove(provider);
            }
        }
        Ok(())
    }
}

fn corrupt(file: &LockedJsonFile, err: &serde_json::Error) -> AuthError {
    AuthError::Corrupt {
        path: file.path().to_owned(),
        // serde_json names a line/column and an expectation, never the content.
        message: err.to_string(),
    }
}

/// The version of a document file this process read last. Every chat looks up its provider's
/// stored credential; while the file is the version read last (one metadata read tells), the
/// lookup is answered from memory in place, sparing a hop to a blocking thread and back
/// (~0.1-0.2 ms before the request goes out). A change by any process, this one included,
/// replaces the file and so shows as another version.
#[derive(Default)]
pub(super) struct ReadMemo {
    last: Mutex<Option<(FileStamp, Arc<LazyAuthDocument>)>>,
}

impl ReadMemo {
    fn last(&self) -> std::sync::MutexGuard<'_, Option<(FileStamp, Arc<LazyAuthDocument>)>> {
        // Only ever replaced whole: a panic elsewhere leaves nothing half-changed.
        self.last.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `provider`'s part of the document when the file is still the version read last; `None`
    /// when it may have changed (or was never read).
    pub(super) fn provider_if_unchanged(
        &self,
        file: &LockedJsonFile,
        provider: &str,
    ) -> Option<AuthResult<AuthDocument>> {
        let stamp = file.stamp()?;
        let lazy = match self.last().as_ref() {
            Some((last, lazy)) if *last == stamp => Arc::clone(lazy),
            _ => return None,
        };
        Some(lazy.single(provider).map_err(|err| corrupt(file, &err)))
    }

    /// Reads the document restricted to `provider`, remembering the version read when its stamp
    /// is settled (a version written a moment ago is read again until it is). The stamp is taken
    /// first: a file replaced between the two is read in its newer version under the older
    /// stamp, which the next lookup finds changed.
    pub(super) fn read_provider(
        &self,
        file: &LockedJsonFile,
        provider: &str,
    ) -> AuthResult<AuthDocument> {
        let stamp = file.stamp().filter(FileStamp::is_settled);
        let lazy: Arc<LazyAuthDocument> = Arc::new(file.read()?);
        let doc = lazy.single(provider).map_err(|err| corrupt(file, &err));
        *self.last() = stamp.map(|stamp| (stamp, lazy));
        doc
    }
}

/// Changes `provider`'s record under the file lock; `change` sees a document holding only it.
pub(super) fn update_provider<R>(
    file: &LockedJsonFile,
    provider: &str,
    change: impl FnOnce(&mut AuthDocument) -> AuthResult<R>,
) -> AuthResult<R> {
    file.update(|lazy: &mut LazyAuthDocument| {
        let mut doc = lazy.single(provider).map_err(|err| corrupt(file, &err))?;
        let result = change(&mut doc)?;
        lazy.replace(provider, &doc)
            .map_err(|err| corrupt(file, &err))?;
        Ok(result)
    })
}
