//! The catalog, config and preferences services the catalog methods use, kept in step with
//! `settings.data_dir` and `settings.config` (`--config FILE`, then `initialize`).
//!
//! Nothing here blocks: building a runtime does no catalog I/O; the catalog loads on a blocking
//! thread (prewarm) and the background refresh starts a moment later, so that an `initialize`
//! that moves the data dir does not fetch into the old one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::app::state::{ProcessEnv, ServerState, Settings};
use crate::auth::AuthMethodType;
use crate::auth::AuthService;
use crate::auth::types::{ConnectionStatus, CredentialLocation};
use crate::catalog::discover::{
    DEFAULT_DISCOVERY_TIMEOUT, DEFAULT_DISCOVERY_TTL, ModelDiscovery, discovery_base_url,
};
use crate::catalog::{
    AuthView, CatalogDiff, CatalogError, CatalogService, CatalogSettings, CredentialSource,
    MergedCatalog, env_credential, snapshot,
};
use crate::config::{ConfigError, PreferencesError, PreferencesStore, SidecarConfig};
use crate::net::{NetError, NetworkProfile, NetworkSettings};
use crate::rpc::error::{ErrorKind, RpcError};
use crate::rpc::outbound::Outbound;

/// The notification sent when the served catalog changed.
pub const CATALOG_CHANGED: &str = "catalog/changed";

/// Pause before the first background refresh (an `initialize` usually arrives well within it).
const BACKGROUND_REFRESH_DELAY: Duration = Duration::from_millis(500);

/// `(base, base + discovered models)`, rebuilt when either changes.
type AugmentedMemo = Arc<Mutex<Option<(Arc<MergedCatalog>, Arc<MergedCatalog>)>>>;

/// Built in the background on first need: its HTTP client loads the system's root certificates,
/// which must not delay `initialize`.
type DiscoverySlot = Arc<OnceLock<Arc<ModelDiscovery>>>;

/// Aborts a task when dropped.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The catalog services for one (data dir, config) pair.
pub struct CatalogRuntime {
    pub data_dir: PathBuf,
    config_value: Option<Value>,
    /// The [`CatalogState::imports`] count the config was layered with.
    imports: u64,
    pub config: SidecarConfig,
    pub service: Arc<CatalogService>,
    pub preferences: Arc<PreferencesStore>,
    discovery: DiscoverySlot,
    augmented: AugmentedMemo,
    /// The service's refresh loop: shared by every runtime that shares the service.
    refresh_task: Arc<AbortOnDrop>,
    _discovery_task: AbortOnDrop,
}

impl CatalogRuntime {
    /// The served catalog merged with the config, plus discovered models.
    pub async fn merged(&self) -> Arc<MergedCatalog> {
        let base = self.service.merged(&self.config).await;
        let Some(discovery) = self.discovery.get() else {
            return base;
        };
        if !base
            .providers
            .values()
            .any(|p| discovery_base_url(p).is_some())
        {
            return base;
        }
        let mut memo = self.augmented.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((memo_base, augmented)) = memo.as_ref()
            && Arc::ptr_eq(memo_base, &base)
        {
            return Arc::clone(augmented);
        }
        let augmented = Arc::new(discovery.augment(&base, &self.config));
        *memo = Some((base, Arc::clone(&augmented)));
        augmented
    }
}

/// Holds the current [`CatalogRuntime`]; see the module docs.
#[derive(Default)]
pub struct CatalogState {
    current: Mutex<Option<Arc<CatalogRuntime>>>,
    /// Bumped by `config/import`: the runtime is rebuilt with the new import under the config.
    imports: std::sync::atomic::AtomicU64,
}

impl CatalogState {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the runtime for the current settings and starts loading the catalog (server start).
    /// An invalid startup config is logged and replaced by the empty config.
    pub fn start(&self, state: &ServerState) {
        // Without a cache the embedded snapshot is served: its decoding starts first thing. With
        // one, the service's initial load reads the cache, and the snapshot is decoded only if the
        // cache turns out unusable.
        let cache = crate::catalog::cache::CatalogCache::new(&state.settings().data_dir);
        if !cache.models_path().exists() {
            snapshot::prewarm_embedded();
        }
        if let Err(error) = self.runtime(state) {
            tracing::error!(%error, "invalid config; continuing without it");
        }
    }

    /// The runtime for the current settings, rebuilt when the data dir or config changed (the
    /// catalog service and stores are kept when their own inputs did not change).
    pub fn runtime(&self, state: &ServerState) -> Result<Arc<CatalogRuntime>, RpcError> {
        let settings = state.settings();
        let imports = self.imports.load(std::sync::atomic::Ordering::SeqCst);
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(runtime) = current.as_ref()
            && runtime.data_dir == settings.data_dir
            && runtime.config_value == settings.config
            && runtime.imports == imports
        {
            return Ok(Arc::clone(runtime));
        }
        let config = match parse_config(settings.config.as_ref(), &state.env)
            .map(|own| with_opencode_import(&settings.data_dir, &state.env, own))
        {
            Ok(config) => config,
            // Keep serving with the previous (or empty) config rather than failing every call.
            Err(error) if current.is_none() => {
                tracing::error!(%error, "invalid config; using none");
                SidecarConfig::default()
            }
            Err(error) => return Err(error),
        };
        let mut runtime = build_runtime(
            current.as_deref(),
            &settings,
            config,
            state.env.clone(),
            state.outbound.clone(),
        );
        runtime.imports = imports;
        let runtime = Arc::new(runtime);
        *current = Some(Arc::clone(&runtime));
        Ok(runtime)
    }
}

fn build_runtime(
    previous: Option<&CatalogRuntime>,
    settings: &Settings,
    config: SidecarConfig,
    env: Arc<ProcessEnv>,
    outbound: Outbound,
) -> CatalogRuntime {
    let data_dir = settings.data_dir.clone();
    let network = network_in_force(settings, &env);
    let catalog_settings = CatalogSettings {
        network: network.clone(),
        ..CatalogSettings::resolve(&config.catalog, &env)
    };
    let same_dir = previous.filter(|p| p.data_dir == data_dir);
    let (service, refresh_task) =
        match same_dir.filter(|p| *p.service.settings() == catalog_settings) {
            Some(previous) => (
                Arc::clone(&previous.service),
                Arc::clone(&previous.refresh_task),
            ),
            None => {
                let service = Arc::new(CatalogService::new(&data_dir, catalog_settings));
                service.prewarm();
                let task = spawn_background_refresh(Arc::clone(&service), outbound);
                (service, Arc::new(AbortOnDrop(task)))
            }
        };
    let preferences = match same_dir {
        Some(previous) => Arc::clone(&previous.preferences),
        None => Arc::new(PreferencesStore::new(&data_dir)),
    };
    let discovery = match same_dir {
        Some(previous) => Arc::clone(&previous.discovery),
        None => DiscoverySlot::default(),
    };
    let augmented = AugmentedMemo::default();
    let discovery_task = AbortOnDrop(spawn_discovery(
        Arc::clone(&service),
        Arc::clone(&discovery),
        network,
        data_dir.clone(),
        config.clone(),
        env,
        Arc::clone(&augmented),
    ));
    CatalogRuntime {
        data_dir,
        config_value: settings.config.clone(),
        imports: 0,
        config,
        service,
        preferences,
        discovery,
        augmented,
        refresh_task,
        _discovery_task: discovery_task,
    }
}

/// The network settings catalog refresh and model discovery use, or why they cannot be used.
fn network_in_force(settings: &Settings, env: &ProcessEnv) -> Result<NetworkProfile, NetError> {
    NetworkSettings::from_config(settings.config.as_ref())
        .map(|network| NetworkProfile::resolve(&network, |name| env.get(name).map(String::as_str)))
}

/// The refresh loop, started after [`BACKGROUND_REFRESH_DELAY`]; each change is sent to the client
/// as `catalog/changed`.
fn spawn_background_refresh(service: Arc<CatalogService>, outbound: Outbound) -> JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(BACKGROUND_REFRESH_DELAY).await;
        let notify = move |diff: CatalogDiff| {
            let outbound = outbound.clone();
            tokio::spawn(async move {
                outbound
                    .notify(outbound.client_framing(), CATALOG_CHANGED, &diff)
                    .await;
            });
        };
        let Some(inner) = service.spawn_refresh_loop(notify) else {
            return;
        };
        let _abort_with_me = AbortOnDrop(inner);
        std::future::pending::<()>().await;
    })
}

/// Discovers the models of OpenAI-compatible providers with a base URL, in the background.
fn spawn_discovery(
    service: Arc<CatalogService>,
    slot: DiscoverySlot,
    network: Result<NetworkProfile, NetError>,
    data_dir: PathBuf,
    config: SidecarConfig,
    env: Arc<ProcessEnv>,
    augmented: AugmentedMemo,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let merged = service.merged(&config).await;
        if !merged
            .providers
            .values()
            .any(|p| discovery_base_url(p).is_some())
        {
            return;
        }
        let discovery = match slot.get() {
            Some(discovery) => Arc::clone(discovery),
            None => {
                let network = match network {
                    Ok(network) => network,
                    Err(error) => {
                        tracing::warn!(%error, "model discovery unavailable");
                        return;
                    }
                };
                let built = tokio::task::spawn_blocking(move || {
                    ModelDiscovery::new(
                        Some(&data_dir),
                        DEFAULT_DISCOVERY_TTL,
                        DEFAULT_DISCOVERY_TIMEOUT,
                        &network,
                    )
                })
                .await;
                match built {
                    Ok(Ok(discovery)) => Arc::clone(slot.get_or_init(|| Arc::new(discovery))),
                    Ok(Err(error)) => {
                        tracing::warn!(kind = error.kind(), "model discovery unavailable");
                        return;
                    }
                    Err(error) => {
                        tracing::warn!(%error, "model discovery setup failed");
                        return;
                    }
                }
            }
        };
        let key_for = |id: &str| -> Option<String> {
            merged.provider(id).and_then(|p| {
                p.env
                    .iter()
                    .find_map(|name| env.get(name).filter(|v| !v.is_empty()).cloned())
            })
        };
        discovery.refresh_all(&merged, &key_for, false).await;
        *augmented.lock().unwrap_or_else(|e| e.into_inner()) = None;
    })
}

/// Which providers are connected, as the catalog methods see it: a stored credential (keyring,
/// file, OAuth) first, then a key in the environment snapshot; config `apiKey` and config-only
/// providers are counted by the catalog itself. Auth methods come from the auth layer.
pub struct ConnectionView {
    env: Arc<ProcessEnv>,
    merged: Arc<MergedCatalog>,
    stored: BTreeMap<String, CredentialSource>,
    auth: Option<AuthService>,
}

impl AuthView for ConnectionView {
    fn credential_source(&self, provider_id: &str) -> Option<CredentialSource> {
        self.stored.get(provider_id).copied().or_else(|| {
            self.merged
                .provider(provider_id)
                .and_then(|provider| env_credential(provider, &self.env))
        })
    }

    fn auth_methods(&self, provider_id: &str) -> Vec<Value> {
        self.auth
            .as_ref()
            .map(|auth| {
                auth.methods_for(provider_id)
                    .iter()
                    .filter_map(|method| serde_json::to_value(method).ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Builds the [`ConnectionView`] for this request. When the credential store cannot be opened,
/// providers are judged by the environment alone (and the failure is logged).
pub async fn auth_view(state: &ServerState, merged: &Arc<MergedCatalog>) -> ConnectionView {
    let mut stored = BTreeMap::new();
    let settings = state.settings();
    let auth = match state.auth.get(&settings, &state.env).await {
        Ok(handle) => {
            match handle.service.status(&handle.env, &BTreeMap::new()).await {
                Ok(status) => {
                    for (id, entry) in status.auth {
                        if entry.status != ConnectionStatus::Connected {
                            continue;
                        }
                        let source = match (entry.method, entry.source) {
                            (AuthMethodType::Oauth, _) => CredentialSource::Oauth,
                            (_, Some(CredentialLocation::Keyring)) => CredentialSource::Keyring,
                            (_, Some(CredentialLocation::File)) => CredentialSource::File,
                            (_, Some(CredentialLocation::Env)) => CredentialSource::Env,
                            (_, Some(CredentialLocation::Config)) => CredentialSource::Config,
                            (_, None) => continue,
                        };
                        stored.insert(id, source);
                    }
                }
                Err(error) => tracing::warn!(kind = error.kind(), "credential status unavailable"),
            }
            Some(handle.service)
        }
        Err(error) => {
            tracing::warn!(error = %error.message, "credential store unavailable");
            None
        }
    };
    ConnectionView {
        env: Arc::clone(&state.env),
        merged: Arc::clone(merged),
        stored,
        auth,
    }
}

/// The sidecar's own config over the OpenCode config imported into the data dir (`config/import`);
/// an import that no longer loads is logged and left out.
fn with_opencode_import(data_dir: &Path, env: &ProcessEnv, own: SidecarConfig) -> SidecarConfig {
    use crate::config::opencode_import::{layered, load_stored};
    match load_stored(data_dir, env) {
        Ok(imported) => layered(imported, own),
        Err(error) => {
            tracing::warn!(%error, "the imported OpenCode config does not load; leaving it out");
            own
        }
    }
}

impl CatalogState {
    /// `config/import` stored a new import: the next runtime layers it under the config.
    pub fn imported_config_changed(&self) {
        self.imports
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The config from its JSON value (`{env:..}` / `{file:..}` substituted), or `None` → empty.
pub fn parse_config(value: Option<&Value>, env: &ProcessEnv) -> Result<SidecarConfig, RpcError> {
    match value {
        None => Ok(SidecarConfig::default()),
        Some(value) => SidecarConfig::from_value(value.clone(), env, None)
            .map_err(|error| config_error("initializationOptions.config", &error)),
    }
}

/// Reads a `--config FILE` (JSON or JSONC, `{file:..}` relative to it) into the JSON value kept in
/// `settings.config`, with substitutions already applied.
pub fn load_config_file(path: &Path, env: &ProcessEnv) -> Result<Value, ConfigError> {
    let config = SidecarConfig::load_file(path, env)?;
    let mut value = serde_json::to_value(&config).map_err(|error| ConfigError::Invalid {
        path: String::new(),
        expected: error.to_string(),
    })?;
    // Sections other layers read (such as `auth`) pass through as written.
    let raw = std::fs::read_to_string(path).ok().and_then(|text| {
        serde_json::from_str::<Value>(&crate::config::jsonc::strip_jsonc(&text)).ok()
    });
    if let (Some(Value::Object(raw)), Value::Object(out)) = (raw, &mut value) {
        for (key, section) in raw {
            out.entry(key).or_insert(section);
        }
    }
    Ok(value)
}

/// -32602 with `data.kind = "config"`: the config is part of the params it came in.
pub fn config_error(field_prefix: &str, error: &ConfigError) -> RpcError {
    let field = match error {
        ConfigError::Invalid { path, .. } if !path.is_empty() && path != "." => {
            format!("{field_prefix}.{path}")
        }
        _ => field_prefix.to_owned(),
    };
    RpcError::new(ErrorKind::InvalidParams, format!("invalid config: {error}")).with_data(json!({
        "kind": ErrorKind::Config.as_str(),
        "field": field,
        "reason": error.to_string(),
        "configKind": error.kind(),
    }))
}

pub fn catalog_error(error: CatalogError) -> RpcError {
    let message = error.to_string();
    match error {
        CatalogError::ProviderNotFound { provider_id } => {
            RpcError::new(ErrorKind::ProviderNotFound, message)
                .with_data(json!({ "providerId": provider_id }))
        }
        CatalogError::ModelNotFound {
            provider_id,
            model_id,
            suggestions,
        } => RpcError::new(ErrorKind::ModelNotFound, message).with_data(json!({
            "providerId": provider_id,
            "modelId": model_id,
            "suggestions": suggestions,
        })),
        CatalogError::Storage(_) => RpcError::new(ErrorKind::Storage, message),
        CatalogError::Network(err) => super::network::net_error(&err),
        other => RpcError::new(ErrorKind::CatalogUnavailable, message)
            .with_data(json!({ "reason": other.kind() })),
    }
}

pub fn preferences_error(error: PreferencesError) -> RpcError {
    RpcError::new(ErrorKind::Storage, error.to_string())
        .with_data(json!({ "reason": error.kind() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_round_trips_through_its_json_value() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sidecar.jsonc");
        std::fs::write(dir.path().join("key.txt"), "sk-file\n").expect("key file");
        std::fs::write(
            &path,
            r#"{
              // JSONC is fine
              "model": "corp/big",
              "disabled_providers": ["openrouter"],
              "catalog": {"fetch": false},
              "provider": {"corp": {"npm": "@ai-sdk/openai-compatible",
                "options": {"baseURL": "http://127.0.0.1:9/v1", "apiKey": "{file:key.txt}", "region": "eu"},
                "models": {"big": {"name": "Big", "tool_call": true, "limit": {"context": 1000, "output": 100}}}}}
            }"#,
        )
        .expect("config");
        let env = ProcessEnv::new();
        let value = load_config_file(&path, &env).expect("loads");
        let direct = SidecarConfig::load_file(&path, &env).expect("loads");
        let reparsed = parse_config(Some(&value), &env).expect("reparses");
        assert_eq!(reparsed, direct);
        assert_eq!(
            reparsed.provider["corp"].options.api_key.as_deref(),
            Some("sk-file")
        );
    }

    #[test]
    fn invalid_config_is_invalid_params_of_kind_config_without_the_value() {
        let value = json!({"provider": {"a": {"options": {"setCacheKey": "sk-secret"}}}});
        let error = parse_config(Some(&value), &ProcessEnv::new()).expect_err("invalid");
        assert_eq!(error.code(), -32602);
        let data = error.data_value();
        assert_eq!(data["kind"], "config");
        assert_eq!(
            data["field"],
            "initializationOptions.config.provider.a.options.setCacheKey"
        );
        assert!(!data.to_string().contains("sk-secret"), "{data}");
    }

    #[test]
    fn catalog_errors_map_to_their_kinds() {
        let error = catalog_error(CatalogError::ProviderNotFound {
            provider_id: "nope".into(),
        });
        assert_eq!(error.code(), ErrorKind::ProviderNotFound.code());
        assert_eq!(error.data_value()["providerId"], "nope");
        let error = catalog_error(CatalogError::FetchDisabled);
        assert_eq!(error.kind, ErrorKind::CatalogUnavailable);
        assert_eq!(error.data_value()["reason"], "catalog_fetch_disabled");
    }
}
