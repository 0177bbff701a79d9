//! File backend: `<data_dir>/auth.json` (0600) holding every credential inline.

use std::path::Path;

use chrono::Utc;

use super::document::{AccountRecord, AuthDocument, ReadMemo, update_provider};
use super::locked_json::LockedJsonFile;
use super::{CredentialBackend, PutOptions, StoreKind, StoredCredential};
use crate::auth::credential::Credential;
use crate::auth::error::{AuthError, AuthResult};

pub const AUTH_FILE_NAME: &str = "auth.json";

pub struct FileBackend {
    file: LockedJsonFile,
    read: ReadMemo,
}

impl FileBackend {
    pub fn open(data_dir: &Path) -> AuthResult<Self> {
        Ok(Self {
            file: LockedJsonFile::open(data_dir, AUTH_FILE_NAME)?,
            read: ReadMemo::default(),
        })
    }

    /// The stored credential of `account` (or the active one) in `doc`, `provider`'s part of the
    /// file.
    fn credential_in(
        &self,
        doc: &AuthDocument,
        provider: &str,
        account: Option<&str>,
    ) -> AuthResult<Option<StoredCredential>> {
        let Some((name, record)) = doc.account(provider, account) else {
            return Ok(None);
        };
        let credential = record
            .credential
            .clone()
            .ok_or_else(|| AuthError::Corrupt {
                path: self.file.path().to_owned(),
                message: format!("account `{name}` of `{provider}` has no credential"),
            })?;
        Ok(Some(StoredCredential {
            account: name.to_owned(),
            credential,
            label: record.label.clone(),
            updated_at: record.updated_at,
            needs_reauth: record.needs_reauth,
        }))
    }

    pub fn path(&self) -> &Path {
        self.file.path()
    }
}

impl CredentialBackend for FileBackend {
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }

    fn index(&self) -> AuthResult<AuthDocument> {
        let mut doc: AuthDocument = self.file.read()?;
        for record in doc.providers.values_mut() {
            for account in record.accounts.values_mut() {
                account.credential = None;
            }
        }
        Ok(doc)
    }

    fn get(&self, provider: &str, account: Option<&str>) -> AuthResult<Option<StoredCredential>> {
        let doc = self.read.read_provider(&self.file, provider)?;
        self.credential_in(&doc, provider, account)
    }

    fn get_known(
        &self,
        provider: &str,
        account: Option<&str>,
    ) -> Option<AuthResult<Option<StoredCredential>>> {
        let doc = self.read.provider_if_unchanged(&self.file, provider)?;
        Some(doc.and_then(|doc| self.credential_in(&doc, provider, account)))
    }

    fn put(
        &self,
        provider: &str,
        account: &str,
        credential: &Credential,
        options: PutOptions,
    ) -> AuthResult<()> {
        let entry = AccountRecord {
            kind: credential.kind(),
            label: options.label,
            updated_at: Utc::now(),
            needs_reauth: false,
            credential: Some(credential.clone()),
        };
        update_provider(&self.file, provider, |doc| {
            doc.upsert(provider, account, entry, options.activate);
            Ok(())
        })
    }

    fn remove(&self, provider: &str, account: Option<&str>) -> AuthResult<Vec<String>> {
        update_provider(
            &self.file,
            provider,
            |doc| Ok(doc.remove(provider, account)),
        )
    }

    fn set_active(&self, provider: &str, account: &str) -> AuthResult<()> {
        set_active_in(&self.file, provider, account)
    }

    fn mark_needs_reauth(&self, provider: &str, account: &str) -> AuthResult<()> {
        mark_needs_reauth_in(&self.file, provider, account)
    }
}

pub(super) fn set_active_in(
    file: &LockedJsonFile,
    provider: &str,
    account: &str,
) -> AuthResult<()> {
    update_provider(file, provider, |doc| {
        let record = doc
            .providers
            .get_mut(provider)
            .filter(|r| r.accounts.contains_key(account))
            .ok_or_else(|| AuthError::AccountNotFound {
                provider: provider.to_owned(),
                account: account.to_owned(),
            })?;
        record.active = account.to_owned();
        Ok(())
    })
}

pub(super) fn mark_needs_reauth_in(
    file: &LockedJsonFile,
    provider: &str,
    account: &str,
) -> AuthResult<()> {
    update_provider(file, provider, |doc| {
        if let Some(entry) = doc
            .providers
            .get_mut(provider)
            .and_then(|r| r.accounts.get_mut(account))
        {
            entry.needs_reauth = true;
            entry.updated_at = Utc::now();
        }
        Ok(())
    })
}
