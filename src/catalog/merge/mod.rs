//! The merged provider/model view: catalog ← config (← session overrides, merged into the config
//! first with [`SidecarConfig::overlaid_with`]), following OpenCode's merge rules.
//!
//! [`from_catalog`] resolves the catalog's providers and models as they stand (experimental modes
//! expanded into models of their own); [`apply_config`] lays a config's provider entries over them;
//! this module holds the merged view and the provider and model filters.

mod apply_config;
mod from_catalog;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::parse::Catalog;
use super::protocol_family::RuntimeProtocol;
use super::rendered::RenderCache;
use super::types::{ApiShape, CatalogModel, Limit, Modalities, Modality, ModelStatus};
use crate::config::{Headers, ProviderConfig, ProviderOptions, SidecarConfig};

pub use from_catalog::resolve_providers;

/// Where a provider's definition comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProviderOrigin {
    /// models.dev only.
    Catalog,
    /// models.dev, with config overrides.
    Config,
    /// Defined by config alone (absent from models.dev).
    Custom,
}

/// Where a model's definition comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModelOrigin {
    Catalog,
    Config,
    /// An `experimental.modes` entry of a catalog model, exposed as `<id>-<mode>`.
    Mode,
    /// Found by `GET <baseURL>/models`.
    Discovered,
}

impl ModelOrigin {
    /// The serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Catalog => "catalog",
            Self::Config => "config",
            Self::Mode => "mode",
            Self::Discovered => "discovered",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedProvider {
    pub id: String,
    pub name: String,
    pub env: Vec<String>,
    /// Provider-level npm package (models may override it); shared with the provider's models.
    pub npm: Arc<str>,
    /// Base URL: `options.baseURL`, else config `api`, else the catalog's; may hold `${VAR}`.
    pub api_url: Option<Arc<str>>,
    pub doc: Option<String>,
    pub origin: ProviderOrigin,
    pub options: ProviderOptions,
    pub discover_models: bool,
    pub models: BTreeMap<String, ResolvedModel>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedModel {
    /// The key under the provider (what clients select).
    pub id: String,
    /// The id sent upstream.
    pub api_id: String,
    /// Usually the provider's (shared, not copied per model).
    pub npm: Arc<str>,
    pub api_url: Option<Arc<str>>,
    pub shape: Option<ApiShape>,
    pub protocol: RuntimeProtocol,
    pub origin: ModelOrigin,
    /// Catalog fields after config overrides; `info.id` is the api id.
    pub info: Arc<CatalogModel>,
    pub options: Map<String, Value>,
    pub headers: Headers,
    pub variants: BTreeMap<String, Map<String, Value>>,
    /// Variant names config turned off with `{"disabled": true}` (also hides derived ones).
    pub disabled_variants: BTreeSet<String>,
}

impl ResolvedModel {
    pub fn status(&self) -> ModelStatus {
        self.info.status.unwrap_or_default()
    }

    pub fn limit(&self) -> Limit {
        self.info.limit.clone().unwrap_or_default()
    }

    pub fn modalities(&self) -> Modalities {
        self.info.modalities.clone().unwrap_or_else(|| Modalities {
            input: vec![Modality::Text],
            output: vec![Modality::Text],
        })
    }

    pub fn tool_call(&self) -> bool {
        self.info.tool_call.unwrap_or(true)
    }
}

/// The catalog merged with config: what every provider/model query reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergedCatalog {
    pub providers: BTreeMap<String, ResolvedProvider>,
    /// Ids of the providers that appear in config (used by default-model selection).
    pub configured: Vec<String>,
    /// `model/list` JSON rendered from this catalog; only valid while `providers` is unchanged,
    /// which holds once the catalog is shared (clones start with an empty cache).
    pub rendered: RenderCache,
}

impl MergedCatalog {
    pub fn build(catalog: &Catalog, config: &SidecarConfig) -> Self {
        Self::build_resolved(catalog, None, config)
    }

    /// [`Self::build`] from `resolved`, the catalog's providers as the threads that loaded it
    /// resolved them (`None`: resolved here).
    pub fn build_resolved(
        catalog: &Catalog,
        resolved: Option<BTreeMap<String, ResolvedProvider>>,
        config: &SidecarConfig,
    ) -> Self {
        let mut providers =
            resolved.unwrap_or_else(|| from_catalog::resolve_catalog_providers(catalog));
        for (id, provider_config) in &config.provider {
            let base = catalog.providers.get(id);
            let entry = providers.remove(id);
            providers.insert(
                id.clone(),
                apply_config::apply_provider_config(id, entry, base, provider_config),
            );
        }
        providers.retain(|id, _| provider_enabled(config, id));
        for provider in providers.values_mut() {
            let provider_config = config.provider.get(&provider.id);
            provider.models.retain(|model_id, model| {
                accept_model(&provider.id, model_id, model, provider_config)
            });
        }
        Self {
            providers,
            configured: config.provider.keys().cloned().collect(),
            rendered: RenderCache::default(),
        }
    }

    pub fn provider(&self, id: &str) -> Option<&ResolvedProvider> {
        self.providers.get(id)
    }

    pub fn model(
        &self,
        provider_id: &str,
        model_id: &str,
    ) -> Option<(&ResolvedProvider, &ResolvedModel)> {
        let provider = self.providers.get(provider_id)?;
        Some((provider, provider.models.get(model_id)?))
    }

    pub fn model_count(&self) -> usize {
        self.providers.values().map(|p| p.models.len()).sum()
    }
}

fn provider_enabled(config: &SidecarConfig, id: &str) -> bool {
    let allowed = config
        .enabled_providers
        .as_ref()
        .is_none_or(|list| list.iter().any(|p| p == id));
    allowed && !config.disabled_providers.iter().any(|p| p == id)
}

/// OpenCode's per-model filter (minus status, which queries filter on demand): models known to be
/// unusable through the provider, and config's whitelist/blacklist.
fn accept_model(
    provider_id: &str,
    model_id: &str,
    model: &ResolvedModel,
    config: Option<&ProviderConfig>,
) -> bool {
    let unusable = (model_id == "gpt-5-chat-latest"
        && matches!(provider_id, "openai" | "github-copilot" | "openrouter"))
        || (provider_id == "openrouter" && model_id == "openai/gpt-5-chat");
    if unusable && model.origin != ModelOrigin::Config {
        return false;
    }
    let Some(config) = config else { return true };
    if config
        .blacklist
        .as_ref()
        .is_some_and(|list| list.iter().any(|m| m == model_id))
    {
        return false;
    }
    config
        .whitelist
        .as_ref()
        .is_none_or(|list| list.iter().any(|m| m == model_id))
}
