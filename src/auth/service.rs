//! [`AuthService`]: the async façade the RPC handlers call.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::api_key::{KeyValidation, KeyValidationReport, validate_api_key};
use super::credential::{
    Credential, DEFAULT_ACCOUNT, normalize_provider_id, validate_account_name, validate_provider_id,
};
use super::error::{AuthError, AuthResult};
use super::flows::{AuthEndpoints, PollTiming};
use super::methods::{AuthMethodDescriptor, auth_methods, auth_methods_in};
use super::store::{
    CredentialBackend, OpenedStore, PutOptions, StoreConfig, StoreKind, StoredCredential,
    open_store,
};
use super::types::{
    AuthMethodsResult, OkResult, RemoveParams, SelectAccountParams, SetKeyResult, SetTokenParams,
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
    /// How long `auth/set` with validation waits for the models endpoint.
    pub validation_timeout: Duration,
    /// The proxy and CA settings sign-in, refresh and key validation go through.
    pub network: crate::net::NetworkProfile,
}

impl AuthConfig {
    pub fn new(data_dir: impl Into<std::path::PathBuf>) -> Self {
        Self {
            store: StoreConfig::new(data_dir),
            endpoints: AuthEndpoints::default(),
            timing: PollTiming::default(),
            refresh_margin: Duration::from_secs(60),
            http_timeout: Duration::from_secs(30),
            validation_timeout: Duration::from_secs(10),
            network: crate::net::NetworkProfile::default(),
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
    pub(crate) http: LazyHttpClient,
    pub(crate) config: AuthConfig,
    pub(crate) pending: PendingAuthorizations,
    pub(crate) refresh_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Bounds the store calls in flight; see [`STORE_CALLS_AT_ONCE`].
    store_calls: Arc<tokio::sync::Semaphore>,
}

/// Store calls run on blocking threads, and Tokio starts one per call waiting. Fifty sessions
/// asking at once (the soak test) started ~50 threads, each with its own stack and often its own
/// malloc arena, which the process kept: measured, the bound took the threads at the peak from 68
/// to ~20 and a soak round from ~2.3 s to ~1.1 s. The backends serialize their writes anyway (the
/// file under its lock, the keyring over one D-Bus service), so a few at once lose nothing.
const STORE_CALLS_AT_ONCE: usize = 4;

/// The HTTP client for token endpoints, built on first use: building one loads the system's
/// root certificates (tens of milliseconds), which no start-up request needs. It follows the
/// network settings in force; settings that cannot be used (an unreadable CA file, an unknown
/// proxy scheme) fail every call that needs the network with an error naming the setting, never
/// silently going direct.
pub(crate) struct LazyHttpClient {
    client: std::sync::OnceLock<Result<reqwest::Client, crate::net::NetError>>,
    network: crate::net::NetworkProfile,
    timeout: std::time::Duration,
}

impl LazyHttpClient {
    fn new(network: crate::net::NetworkProfile, timeout: std::time::Duration) -> Self {
        Self {
            client: std::sync::OnceLock::new(),
            network,
            timeout,
        }
    }

    fn ready(client: reqwest::Client) -> Self {
        Self {
            client: std::sync::OnceLock::from(Ok(client)),
            network: crate::net::NetworkProfile::default(),
            timeout: std::time::Duration::ZERO,
        }
    }

    pub(crate) fn get(&self) -> AuthResult<&reqwest::Client> {
        let built = self.client.get_or_init(|| {
            let spec = crate::net::ClientSpec {
                timeout: Some(self.timeout),
                ..crate::net::ClientSpec::default()
            };
            crate::net::build_client(&self.network, &spec)
        });
        built
            .as_ref()
            .map_err(|err| AuthError::NetworkSettings(err.clone()))
    }
}

impl AuthService {
    /// Opens the configured store (in `auto` mode this probes the keyring once, blocking up
    /// to the probe timeout) and builds the HTTP client.
    pub fn open(config: AuthConfig) -> AuthResult<Self> {
        let opened = open_store(&config.store)?;
        let http = LazyHttpClient::new(config.network.clone(), config.http_timeout);
        Ok(Self::from_parts(config, opened, http))
    }

    /// [`AuthService::open`] from async code: the keyring probe runs on a blocking thread.
    pub async fn open_async(config: AuthConfig) -> AuthResult<Self> {
        tokio::task::spawn_blocking(move || Self::open(config))
            .await
            .map_err(|err| AuthError::StoreUnavailable(format!("store task failed: {err}")))?
    }

    /// Builds the service from an opened store and an HTTP client (tests use mocks).
    pub fn with_parts(config: AuthConfig, opened: OpenedStore, http: reqwest::Client) -> Self {
        Self::from_parts(config, opened, LazyHttpClient::ready(http))
    }

    fn from_parts(config: AuthConfig, opened: OpenedStore, http: LazyHttpClient) -> Self {
        Self {
            inner: Arc::new(Inner {
                store: opened.backend,
                fallback_reason: opened.fallback_reason,
                http,
                config,
                pending: PendingAuthorizations::default(),
                refresh_locks: Mutex::new(HashMap::new()),
                store_calls: Arc::new(tokio::sync::Semaphore::new(STORE_CALLS_AT_ONCE)),
            }),
        }
    }

    pub fn store_kind(&self) -> StoreKind {
        self.inner.store.kind()
    }

    /// Why `auto` mode fell back to the file, when it did.
    pub fn store_fallback_reason(&self) -> Option<&str> {
        self.inner.fallback_reason.as_deref()
    }

    /// The store settings the service was opened with.
    pub fn store_config(&self) -> &crate::auth::store::StoreConfig {
        &self.inner.config.store
    }

    /// Runs a blocking store call off the async threads.
    pub(crate) async fn blocking<T, F>(&self, call: F) -> AuthResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&dyn CredentialBackend) -> AuthResult<T> + Send + 'static,
    {
        let store = self.inner.store.clone();
        let permit = self
            .inner
            .store_calls
            .clone()
            .acquire_owned()
            .await
            .map_err(|err| AuthError::StoreUnavailable(format!("store calls closed: {err}")))?;
        // The permit moves into the call: a caller that stops waiting does not free its place
        // while the call still runs.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            call(store.as_ref())
        })
        .await
        .map_err(|err| AuthError::StoreUnavailable(format!("store task failed: {err}")))?
    }

    /// `auth/methods` for the given providers.
    /// `auth/methods`: a prompt for a value an API key needs beside it (Azure `resourceName`,
    /// Cloudflare `accountId` / `gatewayId`) is left out when `env` sets its variable.
    pub fn methods<'a>(
        &self,
        provider_ids: impl IntoIterator<Item = &'a str>,
        env: &HashMap<String, String>,
    ) -> AuthMethodsResult {
        AuthMethodsResult {
            methods: provider_ids
                .into_iter()
                .map(|id| (id.to_owned(), auth_methods_in(id, env)))
                .collect(),
        }
    }

    pub fn methods_for(&self, provider_id: &str) -> Vec<AuthMethodDescriptor> {
        auth_methods(provider_id)
    }

    /// `auth/set`: stores an API key, after checking it when `validation` asks for it. A key the
    /// endpoint rejects (401/403) is not stored; one that could not be checked is, with a warning.
    pub async fn set_api_key(
        &self,
        params: SetTokenParams,
        validation: KeyValidation,
    ) -> AuthResult<SetKeyResult> {
        validate_provider_id(&params.provider_id)?;
        let provider = normalize_provider_id(&params.provider_id);
        let account = params.account.unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned());
        validate_account_name(&account)?;
        if params.token.expose().trim().is_empty() {
            return Err(AuthError::InvalidParams("token must not be empty".into()));
        }
        let report = match validation {
            KeyValidation::Skip => None,
            KeyValidation::Unsupported => Some(KeyValidationReport::not_supported(&provider)),
            KeyValidation::Against(check) => Some(
                validate_api_key(
                    self.inner.http.get()?,
                    &provider,
                    &params.token,
                    &check,
                    self.inner.config.validation_timeout,
                )
                .await?,
            ),
        };
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
        Ok(SetKeyResult::stored(report))
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

    /// The provider rejected a stored credential it was sent (401 or 403): its next lookup reads the
    /// store rather than memory, so a key fixed by hand in a keyring manager is used at the next call.
    pub fn forget_known(&self, provider_id: &str) {
        self.inner
            .store
            .forget_known(&normalize_provider_id(provider_id));
    }

    /// The stored credential of a provider's active account (or the named one), as is —
    /// use [`AuthService::resolve`] to refresh on use.
    pub async fn stored(
        &self,
        provider_id: &str,
        account: Option<&str>,
    ) -> AuthResult<Option<StoredCredential>> {
        let provider = normalize_provider_id(provider_id);
        // Answered in place when the store knows it (the usual case for a chat): no hop to a
        // blocking thread and back.
        if let Some(known) = self.inner.store.get_known(&provider, account) {
            return known;
        }
        let account = account.map(str::to_owned);
        self.blocking(move |store| store.get(&provider, account.as_deref()))
            .await
    }
}

#[cfg(test)]
mod store_call_tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::STORE_CALLS_AT_ONCE;
    use crate::auth::test_support::service_for;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn store_calls_run_a_few_at_once_and_all_finish() {
        let dir = tempfile::tempdir().expect("tempdir");
        let service = service_for(dir.path(), "http://127.0.0.1:9");
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let calls = (0..24).map(|call| {
            let (service, running, most) = (service.clone(), running.clone(), most.clone());
            tokio::spawn(async move {
                service
                    .blocking(move |_store| {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(10));
                        running.fetch_sub(1, Ordering::SeqCst);
                        Ok(call)
                    })
                    .await
            })
        });
        let mut answered = Vec::new();
        for call in calls.collect::<Vec<_>>() {
            answered.push(call.await.expect("joined").expect("answered"));
        }
        assert_eq!(answered, (0..24).collect::<Vec<_>>());
        let most = most.load(Ordering::SeqCst);
        assert!(
            most > 1 && most <= STORE_CALLS_AT_ONCE,
            "{most} store calls ran at once"
        );
    }
}
