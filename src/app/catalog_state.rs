//! The catalog, config and preferences services the catalog methods use, kept in step with
//! `settings.data_dir` and `settings.config` (`--config FILE`, then `initialize`).
//!
//! Nothing here blocks: building a runtime does no catalog I/O; the catalog loads on a blocking
//! thread (prewarm) and the background refresh starts a moment later, so that an `initialize`
//! that moves the data dir does not fetch into the old one.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;

use super::config::{parse_config, with_opencode_import};
use super::state::{ProcessEnv, ServerState, Settings};
use crate::catalog::discover::{
    DEFAULT_DISCOVERY_TIMEOUT, DEFAULT_DISCOVERY_TTL, ModelDiscovery, discovery_base_url,
};
use crate::catalog::{CatalogDiff, CatalogService, CatalogSettings, MergedCatalog, snapshot};
use crate::config::{PreferencesStore, SidecarConfig};
use crate::net::{NetError, NetworkProfile, NetworkSettings};
use crate::rpc::error::RpcError;
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
    config_value: Option<Arc<Value>>,
    /// The [`CatalogState::imports`] count the config was layered with.
    imports: u64,
    /// Shared with every call resolved against this runtime.
    pub config: Arc<SidecarConfig>,
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
        // Memoized per served catalog, whether or not it had anything to augment: every chat
        // asks, and the catalog has a hundred providers to look through.
        let mut memo = self.augmented.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((memo_base, augmented)) = memo.as_ref()
            && Arc::ptr_eq(memo_base, &base)
        {
            return Arc::clone(augmented);
        }
        let discovers = base
            .providers
            .values()
            .any(|p| discovery_base_url(p).is_some());
        let augmented = if discovers {
            Arc::new(discovery.augment(&base, &self.config))
        } else {
            Arc::clone(&base)
        };
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
    /// The runtime the state was made on (the server's), where a rebuilt runtime's background
    /// tasks go whichever call rebuilt it: a chat runs on a chat I/O thread (`Method::runtime`),
    /// and the catalog's refresh and discovery have no business there.
    background: Option<tokio::runtime::Handle>,
}

impl CatalogState {
    pub fn new() -> Self {
        Self {
            background: tokio::runtime::Handle::try_current().ok(),
            ..Self::default()
        }
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
        let config = match parse_config(settings.config.as_deref(), &state.env)
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
        let _spawn_in_background = self.background.as_ref().map(|handle| handle.enter());
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
    let config = Arc::new(config);
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
        Arc::clone(&config),
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
    NetworkSettings::from_config(settings.config.as_deref())
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
    config: Arc<SidecarConfig>,
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

impl CatalogState {
    /// `config/import` stored a new import: the next runtime layers it under the config.
    pub fn imported_config_changed(&self) {
        self.imports
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}
