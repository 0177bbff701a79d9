//! `CatalogService`: holds the served catalog (cache or embedded at start, swapped atomically after
//! a successful refresh), reports its status, refreshes it when asked or when the TTL says so, and
//! tells the caller what changed.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cache::{CacheMetadata, CatalogCache};
use super::error::CatalogError;
use super::fetch::{FetchOutcome, build_client, fetch_catalog};
use super::merge::MergedCatalog;
use super::parse::Catalog;
use super::part_loader::ResolvedProviders;
use super::settings::CatalogSettings;
use super::snapshot::embedded_catalog_resolved;
use crate::config::SidecarConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CatalogSource {
    /// The snapshot compiled into the binary.
    Embedded,
    /// The data-dir cache written by an earlier fetch.
    Cache,
    /// Fetched by this process.
    Remote,
}

/// `catalog/status` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CatalogStatus {
    pub source: CatalogSource,
    /// RFC 3339; absent for the embedded snapshot.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub fetched_at: Option<DateTime<Utc>>,
    pub provider_count: usize,
    pub model_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    pub url: String,
    pub fetch_enabled: bool,
    pub ttl_minutes: u64,
    /// Whether a background refresh is due now.
    pub stale: bool,
    /// The last refresh failure, if the last attempt failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// `catalog/changed` notification params: what a refresh changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CatalogDiff {
    pub providers_added: usize,
    pub providers_removed: usize,
    pub models_added: usize,
    pub models_removed: usize,
    /// Models present before and after whose data changed.
    pub models_changed: usize,
    pub provider_count: usize,
    pub model_count: usize,
}

impl CatalogDiff {
    pub fn between(old: &Catalog, new: &Catalog) -> Self {
        let old_providers: BTreeSet<&String> = old.providers.keys().collect();
        let new_providers: BTreeSet<&String> = new.providers.keys().collect();
        let models = |c: &Catalog| -> BTreeSet<(String, String)> {
            c.providers
                .iter()
                .flat_map(|(p, provider)| {
                    provider.models.keys().map(move |m| (p.clone(), m.clone()))
                })
                .collect()
        };
        let (old_models, new_models) = (models(old), models(new));
        let models_changed = old_models
            .intersection(&new_models)
            .filter(|(p, m)| old.model(p, m) != new.model(p, m))
            .count();
        Self {
            providers_added: new_providers.difference(&old_providers).count(),
            providers_removed: old_providers.difference(&new_providers).count(),
            models_added: new_models.difference(&old_models).count(),
            models_removed: old_models.difference(&new_models).count(),
            models_changed,
            provider_count: new.provider_count(),
            model_count: new.model_count(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.providers_added
            + self.providers_removed
            + self.models_added
            + self.models_removed
            + self.models_changed
            == 0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum RefreshOutcome {
    /// A new catalog is served.
    Updated,
    /// The server answered 304, or sent the same data.
    Unchanged,
    /// Not due yet (a non-forced refresh within the TTL).
    Skipped,
}

/// `catalog/refresh` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshResult {
    pub outcome: RefreshOutcome,
    /// Present when the served catalog changed; the RPC layer sends it as `catalog/changed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<CatalogDiff>,
    pub status: CatalogStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshParams {
    /// Fetch even when the cache is younger than the TTL (default true for an explicit refresh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
}

/// A refresh step, for `$/progress` (`percentage` is set while downloading with a known size).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshProgress {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentage: Option<u32>,
}

pub type ProgressHook<'a> = &'a (dyn Fn(RefreshProgress) + Send + Sync);

#[derive(Debug)]
struct Served {
    catalog: Arc<Catalog>,
    /// The catalog's providers as its loading threads resolved them, until the first merge takes
    /// them (a merge otherwise resolves them itself).
    resolved: Mutex<Option<ResolvedProviders>>,
    source: CatalogSource,
    metadata: Option<CacheMetadata>,
    /// Age reference when there is no metadata (cache file mtime).
    modified: Option<DateTime<Utc>>,
}

struct MergedMemo {
    catalog: Arc<Catalog>,
    config: Arc<SidecarConfig>,
    merged: Arc<MergedCatalog>,
}

const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5 * 60);
const MIN_REFRESH_PAUSE: Duration = Duration::from_secs(60);
const MERGED_MEMO_SIZE: usize = 4;

pub struct CatalogService {
    settings: CatalogSettings,
    cache: CatalogCache,
    served: RwLock<Option<Arc<Served>>>,
    initial_load: tokio::sync::OnceCell<()>,
    refresh_lock: tokio::sync::Mutex<()>,
    client: OnceLock<reqwest::Client>,
    last_error: Mutex<Option<String>>,
    /// Most recently used first; a few configs (global plus session overlays) stay built.
    merged_memo: Mutex<Vec<MergedMemo>>,
}

impl CatalogService {
    /// Does no I/O: the cache or snapshot loads on first use (or in [`Self::prewarm`]).
    pub fn new(data_dir: &Path, settings: CatalogSettings) -> Self {
        Self {
            settings,
            cache: CatalogCache::new(data_dir),
            served: RwLock::new(None),
            initial_load: tokio::sync::OnceCell::new(),
            refresh_lock: tokio::sync::Mutex::new(()),
            client: OnceLock::new(),
            last_error: Mutex::new(None),
            merged_memo: Mutex::new(Vec::new()),
        }
    }

    pub fn settings(&self) -> &CatalogSettings {
        &self.settings
    }

    /// Starts loading the served catalog in the background so the first query finds it ready.
    pub fn prewarm(self: &Arc<Self>) {
        let this = Arc::clone(self);
        tokio::spawn(async move { drop(this.served().await) });
    }

    async fn served(&self) -> Arc<Served> {
        self.initial_load
            .get_or_init(|| async {
                let cache = self.cache.clone();
                let loaded = tokio::task::spawn_blocking(move || load_initial(&cache))
                    .await
                    .unwrap_or_else(|error| {
                        tracing::error!(%error, "catalog load task failed; serving the embedded snapshot");
                        embedded_served()
                    });
                let mut slot = self.served.write().unwrap_or_else(|e| e.into_inner());
                if slot.is_none() {
                    *slot = Some(Arc::new(loaded));
                }
            })
            .await;
        self.served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .expect("initialized by the initial load above")
    }

    /// The served catalog.
    pub async fn catalog(&self) -> Arc<Catalog> {
        Arc::clone(&self.served().await.catalog)
    }

    /// The served catalog merged with `config`; the last few configs are memoized per served
    /// catalog, so repeated queries (global config, session overlays) do not rebuild it. A config
    /// is found by pointer before it is compared field by field: every chat asks for the runtime's
    /// own.
    pub async fn merged(&self, config: &Arc<SidecarConfig>) -> Arc<MergedCatalog> {
        let served = self.served().await;
        let catalog = Arc::clone(&served.catalog);
        let mut memo = self.merged_memo.lock().unwrap_or_else(|e| e.into_inner());
        memo.retain(|m| Arc::ptr_eq(&m.catalog, &catalog));
        let found = memo
            .iter()
            .position(|m| Arc::ptr_eq(&m.config, config))
            .or_else(|| memo.iter().position(|m| m.config == *config));
        if let Some(position) = found {
            let entry = memo.remove(position);
            let merged = Arc::clone(&entry.merged);
            memo.insert(0, entry);
            return merged;
        }
        let started = std::time::Instant::now();
        let resolved = served
            .resolved
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let merged = Arc::new(MergedCatalog::build_resolved(&catalog, resolved, config));
        tracing::debug!(
            elapsed_us = started.elapsed().as_micros() as u64,
            "catalog merged with config"
        );
        memo.insert(
            0,
            MergedMemo {
                catalog,
                config: Arc::clone(config),
                merged: Arc::clone(&merged),
            },
        );
        memo.truncate(MERGED_MEMO_SIZE);
        merged
    }

    /// The status without waiting for the initial load (`None` while it is still loading), for
    /// answers that must not block, such as `initialize`.
    pub fn try_status(&self) -> Option<CatalogStatus> {
        let served = self
            .served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()?;
        Some(self.status_of(&served))
    }

    pub async fn status(&self) -> CatalogStatus {
        let served = self.served().await;
        self.status_of(&served)
    }

    fn status_of(&self, served: &Served) -> CatalogStatus {
        CatalogStatus {
            source: served.source,
            fetched_at: served
                .metadata
                .as_ref()
                .map(|m| m.fetched_at)
                .or(served.modified),
            provider_count: served.catalog.provider_count(),
            model_count: served.catalog.model_count(),
            etag: served.metadata.as_ref().and_then(|m| m.etag.clone()),
            url: self.settings.url.clone(),
            fetch_enabled: self.settings.fetch_enabled,
            ttl_minutes: self.settings.ttl.as_secs() / 60,
            stale: self.is_due(served),
            last_error: self
                .last_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        }
    }

    fn is_due(&self, served: &Served) -> bool {
        if !self.settings.fetch_enabled {
            return false;
        }
        let fetched = match &served.metadata {
            Some(meta) if meta.source_url == self.settings.url => Some(meta.fetched_at),
            Some(_) => None,
            None => served.modified,
        };
        let Some(fetched) = fetched.filter(|_| served.source != CatalogSource::Embedded) else {
            return true;
        };
        let age = Utc::now().signed_duration_since(fetched);
        age.to_std().is_ok_and(|age| age >= self.settings.ttl)
    }

    /// Whether a background refresh is due (fetching enabled and the served data older than the TTL).
    pub async fn refresh_due(&self) -> bool {
        let served = self.served().await;
        self.is_due(&served)
    }

    /// Fetches the catalog (conditionally) and swaps it in when it is valid and different. Any
    /// failure leaves the served catalog untouched and is reported in `status.lastError`.
    pub async fn refresh(
        &self,
        force: bool,
        progress: ProgressHook<'_>,
    ) -> Result<RefreshResult, CatalogError> {
        if !self.settings.fetch_enabled {
            return Err(CatalogError::FetchDisabled);
        }
        let _in_flight = self.refresh_lock.lock().await;
        let current = self.served().await;
        if !force && !self.is_due(&current) {
            return Ok(RefreshResult {
                outcome: RefreshOutcome::Skipped,
                diff: None,
                status: self.status_of(&current),
            });
        }
        progress(RefreshProgress {
            message: format!("Checking {}", self.settings.url),
            percentage: None,
        });
        let result = self.fetch_and_swap(&current, progress).await;
        *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) =
            result.as_ref().err().map(ToString::to_string);
        if let Err(error) = &result {
            tracing::warn!(%error, "catalog refresh failed; keeping the served catalog");
        }
        progress(RefreshProgress {
            message: "Catalog refresh finished".to_owned(),
            percentage: Some(100),
        });
        result
    }

    async fn fetch_and_swap(
        &self,
        current: &Served,
        progress: ProgressHook<'_>,
    ) -> Result<RefreshResult, CatalogError> {
        let client = match self.client.get() {
            Some(client) => client,
            None => {
                let built = build_client(&self.settings)?;
                self.client.get_or_init(|| built)
            }
        };
        let validators = current.metadata.as_ref().filter(|m| {
            m.source_url == self.settings.url && current.source != CatalogSource::Embedded
        });
        let on_bytes = |received: u64, total: Option<u64>| {
            let percentage = total
                .filter(|t| *t > 0)
                .map(|t| (received.min(t) * 90 / t) as u32);
            progress(RefreshProgress {
                message: format!("Downloading catalog ({} KiB)", received / 1024),
                percentage,
            });
        };
        let outcome = fetch_catalog(client, &self.settings.url, validators, &on_bytes).await?;
        let now = Utc::now();
        match outcome {
            FetchOutcome::NotModified => {
                let Some(validators) = validators else {
                    return Err(CatalogError::FetchStatus { status: 304 });
                };
                let metadata = CacheMetadata {
                    fetched_at: now,
                    ..validators.clone()
                };
                self.store_metadata_quietly(&metadata).await;
                let served = Arc::new(Served {
                    catalog: Arc::clone(&current.catalog),
                    resolved: Mutex::new(None),
                    source: current.source,
                    metadata: Some(metadata),
                    modified: current.modified,
                });
                self.swap(Arc::clone(&served));
                Ok(RefreshResult {
                    outcome: RefreshOutcome::Unchanged,
                    diff: None,
                    status: self.status_of(&served),
                })
            }
            FetchOutcome::Fresh(fresh) => {
                progress(RefreshProgress {
                    message: "Storing catalog".to_owned(),
                    percentage: Some(95),
                });
                let metadata = CacheMetadata {
                    etag: fresh.etag,
                    last_modified: fresh.last_modified,
                    fetched_at: now,
                    source_url: self.settings.url.clone(),
                };
                let cache = self.cache.clone();
                let body = fresh.body;
                let fresh_catalog = Arc::new(fresh.catalog);
                let meta_for_store = metadata.clone();
                let stored = tokio::task::spawn_blocking(move || {
                    cache.store(body.as_bytes(), &meta_for_store)
                })
                .await;
                if let Err(error) = stored.map_err(std::io::Error::other).and_then(|r| r) {
                    tracing::warn!(%error, "could not write the catalog cache; serving the fetched catalog from memory");
                }
                let diff = CatalogDiff::between(&current.catalog, &fresh_catalog);
                let changed = !diff.is_empty();
                let catalog = if changed {
                    fresh_catalog
                } else {
                    Arc::clone(&current.catalog)
                };
                let served = Arc::new(Served {
                    catalog,
                    resolved: Mutex::new(None),
                    source: CatalogSource::Remote,
                    metadata: Some(metadata),
                    modified: Some(now),
                });
                self.swap(Arc::clone(&served));
                Ok(RefreshResult {
                    outcome: if changed {
                        RefreshOutcome::Updated
                    } else {
                        RefreshOutcome::Unchanged
                    },
                    diff: changed.then_some(diff),
                    status: self.status_of(&served),
                })
            }
        }
    }

    fn swap(&self, served: Arc<Served>) {
        *self.served.write().unwrap_or_else(|e| e.into_inner()) = Some(served);
    }

    async fn store_metadata_quietly(&self, metadata: &CacheMetadata) {
        let cache = self.cache.clone();
        let metadata = metadata.clone();
        let stored = tokio::task::spawn_blocking(move || cache.store_metadata(&metadata)).await;
        if let Err(error) = stored.map_err(std::io::Error::other).and_then(|r| r) {
            tracing::warn!(%error, "could not update the catalog cache metadata");
        }
    }

    /// Refreshes now if due, then every TTL while the returned task runs (abort it at shutdown).
    /// `on_change` receives each diff (for `catalog/changed`).
    pub fn spawn_refresh_loop<F>(
        self: &Arc<Self>,
        on_change: F,
    ) -> Option<tokio::task::JoinHandle<()>>
    where
        F: Fn(CatalogDiff) + Send + Sync + 'static,
    {
        if !self.settings.fetch_enabled {
            return None;
        }
        let this = Arc::clone(self);
        Some(tokio::spawn(async move {
            let quiet = |_: RefreshProgress| {};
            loop {
                let mut failed = false;
                if this.refresh_due().await {
                    match this.refresh(false, &quiet).await {
                        Ok(RefreshResult {
                            diff: Some(diff), ..
                        }) => on_change(diff),
                        Ok(_) => {}
                        Err(_) => failed = true,
                    }
                }
                // After a failure, try again sooner than a full TTL (but not in a hot loop).
                let pause = if failed {
                    this.settings.ttl.min(RETRY_AFTER_FAILURE)
                } else {
                    this.settings.ttl
                };
                tokio::time::sleep(pause.max(MIN_REFRESH_PAUSE)).await;
            }
        }))
    }
}

fn embedded_served() -> Served {
    let (catalog, resolved) = embedded_catalog_resolved();
    Served {
        catalog,
        resolved: Mutex::new(resolved),
        source: CatalogSource::Embedded,
        metadata: None,
        modified: None,
    }
}

/// Cache if valid, else the embedded snapshot.
fn load_initial(cache: &CatalogCache) -> Served {
    let started = std::time::Instant::now();
    match cache.load() {
        Some(cached) => {
            let loaded_us = started.elapsed().as_micros() as u64;
            // The loading threads resolved them; a body parsed whole is resolved here, while its
            // models are still in this core's cache.
            let resolved = cached
                .resolved
                .unwrap_or_else(|| super::merge::resolve_providers(&cached.catalog.providers))
                .into_iter()
                .collect();
            let catalog = Arc::new(cached.catalog);
            tracing::debug!(
                loaded_us,
                resolved_us = started.elapsed().as_micros() as u64 - loaded_us,
                "catalog cache loaded and resolved"
            );
            Served {
                catalog,
                resolved: Mutex::new(Some(resolved)),
                source: CatalogSource::Cache,
                metadata: cached.metadata,
                modified: cached.modified,
            }
        }
        None => embedded_served(),
    }
}
