//! The stored shape shared by both backends: providers → named accounts, one active.
//! The file backend keeps each credential inline; the keyring backend keeps this same
//! document without credentials (a non-secret index) and the secrets in keyring entries.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::credential::{Credential, CredentialKind};

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
