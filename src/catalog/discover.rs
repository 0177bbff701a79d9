//! Model discovery for OpenAI-compatible and local providers (Ollama, LM Studio, llama.cpp, vLLM,
//! custom base URLs): `GET <baseURL>/models` fills in the models config does not list. Results are
//! cached per (provider, base URL) with their own TTL, in memory and in the data dir.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::{Deserialize, Serialize};

use super::merge::{MergedCatalog, ModelOrigin, ResolvedModel, ResolvedProvider};
use super::protocol_family::{OPENAI_COMPATIBLE_NPM, runtime_protocol};
use super::types::{CatalogModel, Limit, Modalities, Modality};
use crate::config::SidecarConfig;
use crate::config::atomic_file::write_atomic;
use crate::net::{ClientSpec, NetworkProfile};

pub const DISCOVERY_FILE: &str = "discovered.json";
pub const DEFAULT_DISCOVERY_TTL: Duration = Duration::from_secs(24 * 60 * 60);
pub const DEFAULT_DISCOVERY_TIMEOUT: Duration = Duration::from_secs(10);
const CONCURRENCY: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoveryError {
    #[error("invalid base URL for model discovery")]
    InvalidUrl,
    #[error("model discovery was refused (HTTP {status})")]
    Unauthorized { status: u16 },
    #[error("model list has an unexpected format")]
    InvalidFormat,
    #[error("model discovery timed out")]
    Timeout,
    #[error("model discovery failed: {0}")]
    Failed(String),
}

impl DiscoveryError {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidUrl => "discovery_invalid_url",
            Self::Unauthorized { .. } => "discovery_unauthorized",
            Self::InvalidFormat => "discovery_invalid_format",
            Self::Timeout => "discovery_timeout",
            Self::Failed(_) => "discovery_failed",
        }
    }
}

/// `<baseURL>/models` when the URL already ends in a version segment (`/v1`, `/v4`), else
/// `<baseURL>/v1/models`.
pub fn models_url(base_url: &str) -> Result<String, DiscoveryError> {
    let trimmed = base_url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(trimmed).map_err(|_| DiscoveryError::InvalidUrl)?;
    if !matches!(parsed.scheme(), "http" | "https") || trimmed.contains("${") {
        return Err(DiscoveryError::InvalidUrl);
    }
    let last = trimmed.rsplit('/').next().unwrap_or_default();
    let versioned =
        last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit());
    Ok(if versioned {
        format!("{trimmed}/models")
    } else {
        format!("{trimmed}/v1/models")
    })
}

/// The base URL discovery uses for a provider, if it takes part: OpenAI-compatible, discovery not
/// turned off, and a base URL from config (or any URL for a provider defined by config alone).
pub fn discovery_base_url(provider: &ResolvedProvider) -> Option<&str> {
    if !provider.discover_models || &*provider.npm != OPENAI_COMPATIBLE_NPM {
        return None;
    }
    provider
        .options
        .base_url
        .as_deref()
        .or_else(|| {
            let custom = provider.origin == super::merge::ProviderOrigin::Custom;
            provider.api_url.as_deref().filter(|_| custom)
        })
        .filter(|url| !url.trim().is_empty())
}

#[derive(Deserialize)]
struct ModelList {
    #[serde(default)]
    data: Option<Vec<ListedModel>>,
    /// Ollama's native `/api/tags` shape, which some proxies pass through.
    #[serde(default)]
    models: Option<Vec<ListedModel>>,
}

#[derive(Deserialize)]
struct ListedModel {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    model: Option<String>,
}

/// One `GET /models`; returns the de-duplicated model ids in server order.
pub async fn fetch_model_ids(
    client: &reqwest::Client,
    base_url: &str,
    api_key: Option<&str>,
    timeout: Duration,
) -> Result<Vec<String>, DiscoveryError> {
    let url = models_url(base_url)?;
    let mut request = client.get(&url).timeout(timeout);
    if let Some(key) = api_key.filter(|k| !k.is_empty()) {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.map_err(classify)?;
    let status = response.status();
    if matches!(status.as_u16(), 401 | 403) {
        return Err(DiscoveryError::Unauthorized {
            status: status.as_u16(),
        });
    }
    if !status.is_success() {
        return Err(DiscoveryError::Failed(format!("HTTP {}", status.as_u16())));
    }
    let body = response.bytes().await.map_err(classify)?;
    let list: ModelList =
        serde_json::from_slice(&body).map_err(|_| DiscoveryError::InvalidFormat)?;
    let entries = list
        .data
        .or(list.models)
        .ok_or(DiscoveryError::InvalidFormat)?;
    let mut seen = BTreeSet::new();
    Ok(entries
        .into_iter()
        .filter_map(|m| m.id.or(m.model).or(m.name))
        .filter(|id| !id.is_empty() && seen.insert(id.clone()))
        .collect())
}

fn classify(error: reqwest::Error) -> DiscoveryError {
    if error.is_timeout() {
        DiscoveryError::Timeout
    } else {
        DiscoveryError::Failed(error.without_url().to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DiscoveryEntry {
    base_url: String,
    fetched_at: DateTime<Utc>,
    model_ids: Vec<String>,
}

/// Discovered model lists, cached per provider id and base URL.
pub struct ModelDiscovery {
    client: reqwest::Client,
    ttl: Duration,
    timeout: Duration,
    path: Option<PathBuf>,
    entries: Mutex<HashMap<String, DiscoveryEntry>>,
}

impl ModelDiscovery {
    /// `data_dir`: where `catalog/discovered.json` persists the lists (none: memory only).
    pub fn new(
        data_dir: Option<&Path>,
        ttl: Duration,
        timeout: Duration,
        network: &NetworkProfile,
    ) -> Result<Self, DiscoveryError> {
        let spec = ClientSpec {
            connect_timeout: Some(timeout),
            user_agent: Some(format!("provider-sidecar/{}", env!("CARGO_PKG_VERSION"))),
            ..ClientSpec::default()
        };
        let client = crate::net::build_client(network, &spec)
            .map_err(|e| DiscoveryError::Failed(e.to_string()))?;
        let path = data_dir.map(|d| d.join(super::cache::CACHE_DIR).join(DISCOVERY_FILE));
        let entries = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Ok(Self {
            client,
            ttl,
            timeout,
            path,
            entries: Mutex::new(entries),
        })
    }

    fn fresh_ids(&self, provider_id: &str, base_url: &str) -> Option<Vec<String>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries
            .get(provider_id)
            .filter(|e| e.base_url == base_url)?;
        let age = Utc::now()
            .signed_duration_since(entry.fetched_at)
            .to_std()
            .unwrap_or_default();
        (age < self.ttl).then(|| entry.model_ids.clone())
    }

    fn cached_ids(&self, provider_id: &str, base_url: &str) -> Option<Vec<String>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(provider_id)
            .filter(|e| e.base_url == base_url)
            .map(|e| e.model_ids.clone())
    }

    /// The provider's model ids: from the cache while fresh (unless `force`), else fetched.
    pub async fn discover(
        &self,
        provider: &ResolvedProvider,
        api_key: Option<&str>,
        force: bool,
    ) -> Result<Vec<String>, DiscoveryError> {
        let base_url = discovery_base_url(provider).ok_or(DiscoveryError::InvalidUrl)?;
        if !force && let Some(ids) = self.fresh_ids(&provider.id, base_url) {
            return Ok(ids);
        }
        let ids = fetch_model_ids(&self.client, base_url, api_key, self.timeout).await?;
        let entry = DiscoveryEntry {
            base_url: base_url.to_owned(),
            fetched_at: Utc::now(),
            model_ids: ids.clone(),
        };
        let snapshot = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.insert(provider.id.clone(), entry);
            serde_json::to_vec_pretty(&*entries).ok()
        };
        if let (Some(path), Some(bytes)) = (self.path.clone(), snapshot) {
            let written = tokio::task::spawn_blocking(move || write_atomic(&path, &bytes)).await;
            if let Err(error) = written.map_err(std::io::Error::other).and_then(|r| r) {
                tracing::debug!(%error, "could not persist discovered models");
            }
        }
        Ok(ids)
    }

    /// Discovers for every eligible provider (8 at a time); failures are only debug-logged, as
    /// OpenCode does. `api_key` supplies each provider's key (config `apiKey` is used otherwise).
    pub async fn refresh_all(
        &self,
        merged: &MergedCatalog,
        api_key: &(dyn Fn(&str) -> Option<String> + Sync),
        force: bool,
    ) {
        let eligible: Vec<&ResolvedProvider> = merged
            .providers
            .values()
            .filter(|p| discovery_base_url(p).is_some())
            .collect();
        futures::stream::iter(eligible)
            .for_each_concurrent(CONCURRENCY, |provider| async move {
                let key = api_key(&provider.id).or_else(|| provider.options.api_key.clone());
                if let Err(error) = self.discover(provider, key.as_deref(), force).await {
                    tracing::debug!(provider = %provider.id, kind = error.kind(), "model discovery failed");
                }
            })
            .await;
    }

    /// `merged` plus the cached discovered models (any age) that it does not already list; no I/O.
    /// `config` supplies whitelist/blacklist.
    pub fn augment(&self, merged: &MergedCatalog, config: &SidecarConfig) -> MergedCatalog {
        let mut out = merged.clone();
        for provider in out.providers.values_mut() {
            let Some(base_url) = discovery_base_url(provider).map(str::to_owned) else {
                continue;
            };
            let Some(ids) = self.cached_ids(&provider.id, &base_url) else {
                continue;
            };
            add_discovered(provider, &ids, config);
        }
        out
    }
}

/// Adds discovered ids as text-only, tool-calling models with unknown limits (OpenCode's defaults).
pub fn add_discovered(
    provider: &mut ResolvedProvider,
    ids: &[String],
    config: &SidecarConfig,
) -> usize {
    let lists = config.provider.get(&provider.id);
    let allowed = |id: &str| {
        lists.is_none_or(|c| {
            !c.blacklist
                .as_ref()
                .is_some_and(|b| b.iter().any(|x| x == id))
                && c.whitelist
                    .as_ref()
                    .is_none_or(|w| w.iter().any(|x| x == id))
        })
    };
    let mut added = 0;
    for id in ids {
        if provider.models.contains_key(id) || !allowed(id) {
            continue;
        }
        let info = CatalogModel {
            id: id.clone(),
            name: id.clone(),
            tool_call: Some(true),
            modalities: Some(Modalities {
                input: vec![Modality::Text],
                output: vec![Modality::Text],
            }),
            limit: Some(Limit::default()),
            ..CatalogModel::default()
        };
        let model = ResolvedModel {
            id: id.clone(),
            api_id: id.clone(),
            npm: provider.npm.clone(),
            api_url: provider.api_url.clone(),
            shape: None,
            protocol: runtime_protocol(&provider.id, &provider.npm, id, None),
            origin: ModelOrigin::Discovered,
            info: Arc::new(info),
            options: serde_json::Map::new(),
            headers: Default::default(),
            variants: BTreeMap::new(),
            disabled_variants: BTreeSet::new(),
        };
        provider.models.insert(id.clone(), model);
        added += 1;
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::parse::Catalog;
    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// Serves `body` with `status` to every request and records the request heads.
    async fn serve(status: u16, body: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let mut buffer = vec![0u8; 8192];
                    let n = socket.read(&mut buffer).await.unwrap_or(0);
                    log.lock()
                        .expect("lock")
                        .push(String::from_utf8_lossy(&buffer[..n]).to_string());
                    let response = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                });
            }
        });
        (base, seen)
    }

    fn merged_with(base_url: &str, extra: serde_json::Value) -> (MergedCatalog, SidecarConfig) {
        let mut provider = json!({"npm": "@ai-sdk/openai-compatible", "options": {"baseURL": base_url, "apiKey": "sk-local"},
                                  "models": {"listed": {"name": "Listed", "limit": {"context": 4096, "output": 512}}}});
        crate::json_merge::merge_deep(&mut provider, &extra);
        let config = SidecarConfig::from_value(
            json!({"provider": {"local": provider}}),
            &HashMap::new(),
            None,
        )
        .expect("config");
        let catalog =
            Catalog::from_json_str(r#"{"other": {"name": "Other", "models": {"x": {}}}}"#)
                .expect("catalog")
                .0;
        (MergedCatalog::build(&catalog, &config), config)
    }

    #[test]
    fn models_url_rules() {
        assert_eq!(
            models_url("http://localhost:11434/v1").as_deref(),
            Ok("http://localhost:11434/v1/models")
        );
        assert_eq!(
            models_url("http://localhost:8080/").as_deref(),
            Ok("http://localhost:8080/v1/models")
        );
        assert_eq!(
            models_url("https://api.z.ai/api/paas/v4").as_deref(),
            Ok("https://api.z.ai/api/paas/v4/models")
        );
        assert_eq!(
            models_url("https://x.example/openai").as_deref(),
            Ok("https://x.example/openai/v1/models")
        );
        assert_eq!(models_url("not a url"), Err(DiscoveryError::InvalidUrl));
        assert_eq!(
            models_url("https://${HOST}/v1"),
            Err(DiscoveryError::InvalidUrl)
        );
    }

    #[tokio::test]
    async fn discovers_dedupes_augments_and_caches() {
        let (base, seen) = serve(200, r#"{"object":"list","data":[{"id":"qwen3:8b"},{"id":"listed"},{"id":"qwen3:8b"},{"id":"hidden"}]}"#).await;
        let (merged, config) = merged_with(&format!("{base}/v1"), json!({"blacklist": ["hidden"]}));
        let dir = tempfile::tempdir().expect("tempdir");
        let discovery = ModelDiscovery::new(
            Some(dir.path()),
            DEFAULT_DISCOVERY_TTL,
            Duration::from_secs(2),
            &NetworkProfile::default(),
        )
        .expect("client");
        let no_key = |_: &str| None;
        discovery.refresh_all(&merged, &no_key, false).await;
        let request = seen.lock().expect("lock")[0].to_lowercase();
        assert!(request.starts_with("get /v1/models "), "{request}");
        assert!(request.contains("authorization: bearer sk-local"));

        let augmented = discovery.augment(&merged, &config);
        let local = &augmented.providers["local"];
        assert_eq!(
            local.models.keys().collect::<Vec<_>>(),
            vec!["listed", "qwen3:8b"]
        );
        let found = &local.models["qwen3:8b"];
        assert_eq!(found.origin, ModelOrigin::Discovered);
        assert_eq!(found.limit().context, 0);
        assert!(found.tool_call());
        assert_eq!(
            local.models["listed"].origin,
            ModelOrigin::Config,
            "config entries win"
        );
        assert!(!augmented.providers["other"].models.is_empty());

        // Fresh cache: no second request; a new instance reads the persisted list.
        discovery.refresh_all(&merged, &no_key, false).await;
        assert_eq!(seen.lock().expect("lock").len(), 1);
        let reopened = ModelDiscovery::new(
            Some(dir.path()),
            DEFAULT_DISCOVERY_TTL,
            Duration::from_secs(2),
            &NetworkProfile::default(),
        )
        .expect("client");
        assert!(
            reopened.augment(&merged, &config).providers["local"]
                .models
                .contains_key("qwen3:8b")
        );
    }

    #[tokio::test]
    async fn discovery_errors_are_classified() {
        let discovery = ModelDiscovery::new(
            None,
            DEFAULT_DISCOVERY_TTL,
            Duration::from_secs(2),
            &NetworkProfile::default(),
        )
        .expect("client");
        let (base, _) = serve(401, r#"{"error":"nope"}"#).await;
        let (merged, _) = merged_with(&base, json!({}));
        let error = discovery
            .discover(&merged.providers["local"], None, true)
            .await
            .expect_err("401");
        assert_eq!(error.kind(), "discovery_unauthorized");
        let (base, _) = serve(200, r#"<html>hi</html>"#).await;
        let (merged, _) = merged_with(&base, json!({}));
        let error = discovery
            .discover(&merged.providers["local"], None, true)
            .await
            .expect_err("garbage");
        assert_eq!(error.kind(), "discovery_invalid_format");
        let (merged, _) = merged_with("http://127.0.0.1:1/v1", json!({"discoverModels": false}));
        assert!(discovery_base_url(&merged.providers["local"]).is_none());
    }
}
