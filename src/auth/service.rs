//! [`AuthService`]: the async façade the RPC handlers call.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::credential::{
    Credential, DEFAULT_ACCOUNT, normalize_provider_id, validate_account_name, validate_provider_id,
};
use super::env::EnvSnapshot;
use super::error::{AuthError, AuthResult};
use super::flows::{AuthEndpoints, PollTiming};
use super::methods::{AuthMethodDescriptor, AuthMethodType, auth_methods};
use super::store::{
    CredentialBackend, OpenedStore, PutOptions, StoreConfig, StoreKind, StoredCredential,
    open_store,
};
use super::types::{
    AccountSummary, AuthMethodsResult, AuthStatusResult, ConnectionStatus, CredentialSource,
    OkResult, ProviderAuthState, RemoveParams, SelectAccountParams, SetTokenParams,
};
use crate::auth::authorization::PendingAuthorizations;

/// Everything the auth domain is configured with.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    pub store: StoreConfig,
    pub endpoints: AuthEndpoints,
    pub timing: PollTiming,
    /// Refresh OAuth tokens this long before they expire.
    pub refresh_margin: Duration,
    pub http_timeout: Duration,
}

impl AuthConfig {
    pub fn new(data_dir: impl Into<std::path::PathBuf>) -> Self {
        Self {
            store: StoreConfig::new(data_dir),
            endpoints: AuthEndpoints::default(),
            timing: PollTiming::default(),
            refresh_margin: Duration::from_secs(60),
            http_timeout: Duration::from_secs(30),
        }
    }
}

/// The auth domain: credential store, sign-in flows, refresh on use. Cheap to clone.
#[derive(Clone)]
pub struct AuthService {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) store: Arc<dyn CredentialBackend>,
    pub(crate) fallback_reason: Option<String>,
    pub(crate) http: reqwest::Client,
    pub(crate) config: AuthConfig,
    pub(crate) pending: PendingAuthorizations,
    pub(crate) refresh_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl AuthService {
    /// Opens the configured store (in `auto` mode this probes the keyring once, blocking up
    /// to the probe timeout) and builds the HTTP client.
    pub fn open(config: AuthConfig) -> AuthResult<Self> {
        let opened = open_store(&config.store)?;
        let http = reqwest::Client::builder()
            .timeout(config.http_timeout)
            .build()
            .map_err(|err| AuthError::StoreUnavailable(format!("HTTP client: {err}")))?;
        Ok(Self::with_parts(config, opened, http))
    }

    /// [`AuthService::open`] from async code: the keyring probe runs on a blocking thread.
    pub async fn open_async(config: AuthConfig) -> AuthResult<Self> {
        tokio::task::spawn_blocking(move || Self::open(config))
            .await
            .map_err(|err| AuthError::StoreUnavailable(format!("store task failed: {err}")))?
    }

    /// Builds the service from an opened store and an HTTP client (tests use mocks).
    pub fn with_parts(config: AuthConfig, opened: OpenedStore, http: reqwest::Client) -> Self {
        Self {
            inner: Arc::new(Inner {
                store: opened.backend,
                fallback_reason: opened.fallback_reason,
                http,
                config,
                pending: PendingAuthorizations::default(),
                refresh_locks: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn store_kind(&self) -> StoreKind {
        self.inner.store.kind()
    }

    /// Runs a blocking store call off the async threads.
    pub(crate) async fn blocking<T, F>(&self, call: F) -> AuthResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&dyn CredentialBackend) -> AuthResult<T> + Send + 'static,
    {
        let store = self.inner.store.clone();
        tokio::task::spawn_blocking(move || call(store.as_ref()))
            .await
            .map_err(|err| AuthError::StoreUnavailable(format!("store task failed: {err}")))?
    }

    /// `auth/methods` for the given providers.
    pub fn methods<'a>(
        &self,
        provider_ids: impl IntoIterator<Item = &'a str>,
    ) -> AuthMethodsResult {
        AuthMethodsResult {
            methods: provider_ids
                .into_iter()
                .map(|id| (id.to_owned(), auth_methods(id)))
                .collect(),
        }
    }

    pub fn methods_for(&self, provider_id: &str) -> Vec<AuthMethodDescriptor> {
        auth_methods(provider_id)
    }

    /// `auth/set`: stores an API key, after checking it against `validation` when given.
    pub async fn set_api_key(
        &self,
        params: SetTokenParams,
        validation: Option<&super::api_key::ApiKeyValidation>,
    ) -> AuthResult<OkResult> {
        validate_provider_id(&params.provider_id)?;
        let provider = normalize_provider_id(&params.provider_id);
        let account = params.account.unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned());
        validate_account_name(&account)?;
        if params.token.expose().trim().is_empty() {
            return Err(AuthError::InvalidParams("token must not be empty".into()));
        }
        if let Some(validation) = validation {
            super::api_key::validate_api_key(
                &self.inner.http,
                &provider,
                &params.token,
                validation,
            )
            .await?;
        }
        let credential = Credential::Api {
            key: params.token,
            metadata: params.metadata,
        };
        let options = PutOptions {
            label: params.label,
            activate: params.activate.unwrap_or(true),
        };
        self.blocking(move |store| store.put(&provider, &account, &credential, options))
            .await?;
        Ok(OkResult::OK)
    }

    /// Stores any credential (used by the flows, imports and session tooling).
    pub async fn put_credential(
        &self,
        provider_id: &str,
        account: &str,
        credential: Credential,
        options: PutOptions,
    ) -> AuthResult<()> {
        validate_provider_id(provider_id)?;
        validate_account_name(account)?;
        let provider = normalize_provider_id(provider_id);
        let account = account.to_owned();
        self.blocking(move |store| store.put(&provider, &account, &credential, options))
            .await
    }

    /// `auth/remove`.
    pub async fn remove(&self, params: RemoveParams) -> AuthResult<OkResult> {
        validate_provider_id(&params.provider_id)?;
        let provider = normalize_provider_id(&params.provider_id);
        if let Some(account) = &params.account {
            validate_account_name(account)?;
        }
        self.blocking(move |store| store.remove(&provider, params.account.as_deref()))
            .await?;
        Ok(OkResult::OK)
    }

    /// Makes another stored account the provider's active one.
    pub async fn select_account(&self, params: SelectAccountParams) -> AuthResult<OkResult> {
        validate_account_name(&params.account)?;
        let provider = normalize_provider_id(&params.provider_id);
        self.blocking(move |store| store.set_active(&provider, &params.account))
            .await?;
        Ok(OkResult::OK)
    }

    /// The stored credential of a provider's active account (or the named one), as is —
    /// use [`AuthService::resolve`] to refresh on use.
    pub async fn stored(
        &self,
        provider_id: &str,
        account: Option<&str>,
    ) -> AuthResult<Option<StoredCredential>> {
        let provider = normalize_provider_id(provider_id);
        let account = account.map(str::to_owned);
        self.blocking(move |store| store.get(&provider, account.as_deref()))
            .await
    }

    /// `auth/status`: for every provider named in `env_names` (id → models.dev `env` names)
    /// and every provider with a stored credential. Never reads or returns a secret value
    /// except to check that a stored OAuth record can be read.
    pub async fn status(
        &self,
        env: &EnvSnapshot,
        env_names: &BTreeMap<String, Vec<String>>,
    ) -> AuthResult<AuthStatusResult> {
        let store_kind = self.store_kind();
        let (index, unreadable) = self
            .blocking(|store| {
                let index = store.index()?;
                let mut unreadable = Vec::new();
                for (provider, record) in &index.providers {
                    let oauth = record
                        .accounts
                        .get(&record.active)
                        .is_some_and(|a| a.kind == super::credential::CredentialKind::Oauth);
                    if oauth && store.get(provider, None).is_err() {
                        unreadable.push(provider.clone());
                    }
                }
                Ok((index, unreadable))
            })
            .await?;
        let now = chrono::Utc::now().to_rfc3339();
        let mut auth = BTreeMap::new();
        let ids = env_names.keys().chain(index.providers.keys());
        for id in ids {
            if auth.contains_key(id) {
                continue;
            }
            let state = if let Some(record) = index.providers.get(id) {
                let accounts: Vec<AccountSummary> = record
                    .accounts
                    .iter()
                    .map(|(name, a)| AccountSummary {
                        name: name.clone(),
                        kind: a.kind,
                        label: a.label.clone(),
                        active: *name == record.active,
                        needs_reauth: a.needs_reauth,
                        updated_at: a.updated_at.to_rfc3339(),
                    })
                    .collect();
                let active = record.accounts.get(&record.active);
                let status = if unreadable.contains(id) {
                    ConnectionStatus::Error
                } else if active.is_some_and(|a| a.needs_reauth) {
                    ConnectionStatus::OauthRequired
                } else {
                    ConnectionStatus::Connected
                };
                ProviderAuthState {
                    provider_id: id.clone(),
                    status,
                    method: active.map_or(AuthMethodType::None, |a| method_of(a.kind)),
                    account_label: active
                        .map(|a| a.label.clone().unwrap_or_else(|| record.active.clone())),
                    updated_at: active.map_or_else(|| now.clone(), |a| a.updated_at.to_rfc3339()),
                    source: Some(store_kind.into()),
                    env_var: None,
                    active_account: Some(record.active.clone()),
                    accounts,
                }
            } else {
                let found = env_names
                    .get(id)
                    .and_then(|names| env.credential_for(names));
                ProviderAuthState {
                    provider_id: id.clone(),
                    status: if found.is_some() {
                        ConnectionStatus::Connected
                    } else {
                        ConnectionStatus::Disconnected
                    },
                    method: if found.is_some() {
                        AuthMethodType::Api
                    } else {
                        AuthMethodType::None
                    },
                    account_label: None,
                    updated_at: now.clone(),
                    source: found.as_ref().map(|_| CredentialSource::Env),
                    env_var: found.map(|f| f.var),
                    active_account: None,
                    accounts: Vec::new(),
                }
            };
            auth.insert(id.clone(), state);
        }
        Ok(AuthStatusResult {
            auth,
            store: store_kind,
            store_fallback_reason: self.inner.fallback_reason.clone(),
        })
    }
}

fn method_of(kind: super::credential::CredentialKind) -> AuthMethodType {
    match kind {
        super::credential::CredentialKind::Api => AuthMethodType::Api,
        super::credential::CredentialKind::Oauth => AuthMethodType::Oauth,
        super::credential::CredentialKind::Wellknown => AuthMethodType::Token,
    }
}
