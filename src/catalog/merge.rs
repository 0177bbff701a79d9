//! The merged provider/model view: catalog ← config (← session overrides, merged into the config
//! first with [`SidecarConfig::overlaid_with`]), following OpenCode's merge rules.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::parse::Catalog;
use super::protocol_family::{OPENAI_COMPATIBLE_NPM, RuntimeProtocol, runtime_protocol};
use super::rendered::RenderCache;
use super::types::{
    ApiShape, CatalogModel, CatalogProvider, Cost, Interleaved, Limit, Modalities, Modality,
    ModelStatus,
};
use crate::config::{Headers, ModelConfig, ProviderConfig, ProviderOptions, SidecarConfig};

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
        let mut providers = resolved.unwrap_or_else(|| resolve_catalog_providers(catalog));
        for (id, provider_config) in &config.provider {
            let base = catalog.providers.get(id);
            let entry = providers.remove(id);
            providers.insert(
                id.clone(),
                apply_provider_config(id, entry, base, provider_config),
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

/// Below this many models one thread resolves them all.
const PARALLEL_MIN_MODELS: usize = 512;

/// Every catalog provider resolved, on two threads where the machine has them: at startup this
/// is most of a merge, and the first `model/list` waits for it.
fn resolve_catalog_providers(catalog: &Catalog) -> BTreeMap<String, ResolvedProvider> {
    type Entry<'a> = (&'a String, &'a CatalogProvider);
    let entries: Vec<Entry<'_>> = catalog.providers.iter().collect();
    let models = catalog.model_count();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 || models < PARALLEL_MIN_MODELS {
        return resolve_providers(entries).into_iter().collect();
    }
    // Split where half the models are behind: providers range from one model to hundreds.
    let mut behind = 0;
    let split = entries
        .iter()
        .position(|(_, provider)| {
            behind += provider.models.len();
            behind * 2 >= models
        })
        .map_or(entries.len(), |at| at + 1);
    let (first, second) = entries.split_at(split);
    let (first, second) = std::thread::scope(|scope| {
        let helper = scope.spawn(|| resolve_providers(second.iter().copied()));
        let first = resolve_providers(first.iter().copied());
        let second = helper
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    });
    first.into_iter().chain(second).collect()
}

/// Catalog providers resolved as they stand, before any config: what a merge starts from.
pub fn resolve_providers<'a>(
    entries: impl IntoIterator<Item = (&'a String, &'a CatalogProvider)>,
) -> Vec<(String, ResolvedProvider)> {
    entries
        .into_iter()
        .map(|(id, provider)| (id.clone(), from_catalog_provider(id, provider)))
        .collect()
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

fn from_catalog_provider(id: &str, provider: &CatalogProvider) -> ResolvedProvider {
    let npm: Arc<str> = Arc::from(provider.npm.as_deref().unwrap_or(OPENAI_COMPATIBLE_NPM));
    let api_url: Option<Arc<str>> = provider.api.as_deref().map(Arc::from);
    // Collected, not inserted one by one: a map built from a sorted run packs its nodes full
    // (inserting in order leaves them about half empty). On a repeated id the last one wins, as
    // with inserts.
    let mut models = Vec::with_capacity(provider.models.len());
    for (model_id, model) in &provider.models {
        let resolved = from_catalog_model(id, &npm, api_url.as_ref(), model_id, model);
        models.extend(expand_modes(&resolved));
        models.push((model_id.clone(), resolved));
    }
    let models: BTreeMap<String, ResolvedModel> = models.into_iter().collect();
    ResolvedProvider {
        id: id.to_owned(),
        name: provider.name.clone(),
        env: provider.env.clone(),
        npm,
        api_url,
        doc: provider.doc.clone(),
        origin: ProviderOrigin::Catalog,
        options: ProviderOptions::default(),
        discover_models: true,
        models,
    }
}

fn from_catalog_model(
    provider_id: &str,
    provider_npm: &Arc<str>,
    provider_api: Option<&Arc<str>>,
    key: &str,
    model: &Arc<CatalogModel>,
) -> ResolvedModel {
    let overrides = model.provider.as_ref();
    let npm = overrides
        .and_then(|p| p.npm.as_deref())
        .or_else(|| cloudflare_gateway_npm(provider_id, key))
        .map_or_else(|| Arc::clone(provider_npm), Arc::from);
    let api_url = overrides
        .and_then(|p| p.api.as_deref())
        .map(Arc::from)
        .or_else(|| provider_api.cloned());
    let shape = overrides.and_then(|p| p.shape);
    let api_id = if model.id.is_empty() {
        key.to_owned()
    } else {
        model.id.clone()
    };
    ResolvedModel {
        id: key.to_owned(),
        protocol: runtime_protocol(provider_id, &npm, &api_id, shape),
        api_id,
        npm,
        api_url,
        shape,
        origin: ModelOrigin::Catalog,
        info: Arc::clone(model),
        options: Map::new(),
        headers: Headers::default(),
        variants: BTreeMap::new(),
        disabled_variants: BTreeSet::new(),
    }
}

/// Cloudflare AI Gateway routes `openai/*` and `anthropic/*` through the native SDKs.
fn cloudflare_gateway_npm(provider_id: &str, model_id: &str) -> Option<&'static str> {
    if provider_id != "cloudflare-ai-gateway" {
        return None;
    }
    if model_id.starts_with("openai/") {
        Some("@ai-sdk/openai")
    } else if model_id.starts_with("anthropic/") {
        Some("@ai-sdk/anthropic")
    } else {
        None
    }
}

fn expand_modes(base: &ResolvedModel) -> Vec<(String, ResolvedModel)> {
    let Some(experimental) = &base.info.experimental else {
        return Vec::new();
    };
    experimental
        .modes
        .iter()
        .map(|(mode, spec)| {
            let id = format!("{}-{mode}", base.id);
            let mut model = base.clone();
            model.id.clone_from(&id);
            model.origin = ModelOrigin::Mode;
            let info = Arc::make_mut(&mut model.info);
            info.name = format!("{} {}", base.info.name, capitalize(mode));
            info.experimental = None;
            if let Some(cost) = &spec.cost {
                info.cost = Some(merge_cost(base.info.cost.as_ref(), cost));
            }
            if let Some(provider) = &spec.provider {
                for (key, value) in &provider.body {
                    if &*model.npm == "@ai-sdk/openai"
                        && key == "reasoning"
                        && let Some(mode) = value.get("mode")
                    {
                        model
                            .options
                            .insert("reasoningMode".to_owned(), mode.clone());
                        continue;
                    }
                    model.options.insert(snake_to_camel(key), value.clone());
                }
                model
                    .headers
                    .0
                    .extend(provider.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            (id, model)
        })
        .collect()
}

fn merge_cost(base: Option<&Cost>, mode: &Cost) -> Cost {
    let Some(base) = base else {
        return mode.clone();
    };
    Cost {
        input: mode.input,
        output: mode.output,
        cache_read: mode.cache_read.or(base.cache_read),
        cache_write: mode.cache_write.or(base.cache_write),
        reasoning: mode.reasoning.or(base.reasoning),
        input_audio: mode.input_audio.or(base.input_audio),
        output_audio: mode.output_audio.or(base.output_audio),
        context_over_200k: mode
            .context_over_200k
            .clone()
            .or_else(|| base.context_over_200k.clone()),
        tiers: if mode.tiers.is_empty() {
            base.tiers.clone()
        } else {
            mode.tiers.clone()
        },
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn snake_to_camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn apply_provider_config(
    id: &str,
    existing: Option<ResolvedProvider>,
    catalog: Option<&CatalogProvider>,
    config: &ProviderConfig,
) -> ResolvedProvider {
    let mut provider = existing.unwrap_or_else(|| ResolvedProvider {
        id: id.to_owned(),
        name: id.to_owned(),
        env: Vec::new(),
        npm: Arc::from(OPENAI_COMPATIBLE_NPM),
        api_url: None,
        doc: None,
        origin: ProviderOrigin::Custom,
        options: ProviderOptions::default(),
        discover_models: true,
        models: BTreeMap::new(),
    });
    if provider.origin == ProviderOrigin::Catalog {
        provider.origin = ProviderOrigin::Config;
    }
    if let Some(name) = &config.name {
        provider.name.clone_from(name);
    }
    if let Some(env) = &config.env {
        provider.env.clone_from(env);
    }
    if let Some(npm) = &config.npm {
        provider.npm = Arc::from(npm.as_str());
    }
    provider.options = merge_options(&provider.options, &config.options);
    if let Some(url) = provider
        .options
        .base_url
        .clone()
        .or_else(|| config.api.clone())
    {
        provider.api_url = Some(Arc::from(url));
    }
    if let Some(discover) = config.discover_models {
        provider.discover_models = discover;
    }
    let catalog_npm = catalog.and_then(|c| c.npm.as_deref());
    let catalog_api = catalog.and_then(|c| c.api.as_deref());
    for (key, model_config) in &config.models {
        let existing = provider.models.get(key);
        let merged = merge_model(
            id,
            key,
            existing,
            config,
            catalog_npm,
            catalog_api,
            model_config,
        );
        provider.models.insert(key.clone(), merged);
    }
    provider
}

fn merge_options(base: &ProviderOptions, overlay: &ProviderOptions) -> ProviderOptions {
    let mut merged = base.clone();
    if overlay.api_key.is_some() {
        merged.api_key.clone_from(&overlay.api_key);
    }
    if overlay.base_url.is_some() {
        merged.base_url.clone_from(&overlay.base_url);
    }
    merged.headers.0.extend(
        overlay
            .headers
            .0
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    merged.timeout = overlay.timeout.or(base.timeout);
    merged.header_timeout = overlay.header_timeout.or(base.header_timeout);
    merged.chunk_timeout = overlay.chunk_timeout.or(base.chunk_timeout);
    merged.set_cache_key = overlay.set_cache_key.or(base.set_cache_key);
    if overlay.enterprise_url.is_some() {
        merged.enterprise_url.clone_from(&overlay.enterprise_url);
    }
    for (key, value) in &overlay.extra {
        merge_deep(
            merged.extra.entry(key.clone()).or_insert(Value::Null),
            value,
        );
    }
    merged
}

/// OpenCode's `mergeDeep`: objects merge key by key, anything else is replaced.
pub fn merge_deep(target: &mut Value, overlay: &Value) {
    match (target, overlay) {
        (Value::Object(target), Value::Object(overlay)) => {
            for (key, value) in overlay {
                merge_deep(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (target, overlay) => *target = overlay.clone(),
    }
}

fn merge_model(
    provider_id: &str,
    key: &str,
    existing: Option<&ResolvedModel>,
    provider_config: &ProviderConfig,
    catalog_npm: Option<&str>,
    catalog_api: Option<&str>,
    config: &ModelConfig,
) -> ResolvedModel {
    let model_provider = config.provider.as_ref();
    let api_id = config
        .id
        .clone()
        .or_else(|| existing.map(|m| m.api_id.clone()))
        .unwrap_or_else(|| key.to_owned());
    let npm: Arc<str> = match model_provider
        .and_then(|p| p.npm.as_deref())
        .or(provider_config.npm.as_deref())
    {
        Some(npm) => Arc::from(npm),
        None => existing.map_or_else(
            || {
                Arc::from(
                    cloudflare_gateway_npm(provider_id, key)
                        .or(catalog_npm)
                        .unwrap_or(OPENAI_COMPATIBLE_NPM),
                )
            },
            |m| Arc::clone(&m.npm),
        ),
    };
    let api_url: Option<Arc<str>> = match model_provider
        .and_then(|p| p.api.as_deref())
        .or(provider_config.api.as_deref())
    {
        Some(url) => Some(Arc::from(url)),
        None => existing
            .and_then(|m| m.api_url.clone())
            .or_else(|| catalog_api.map(Arc::from)),
    };
    let shape = model_provider
        .and_then(|p| p.shape)
        .or_else(|| existing.and_then(|m| m.shape));

    let base = existing
        .map(|m| CatalogModel::clone(&m.info))
        .unwrap_or_default();
    let mut info = CatalogModel {
        id: api_id.clone(),
        name: config.name.clone().unwrap_or_else(|| {
            if base.name.is_empty() {
                key.to_owned()
            } else {
                base.name.clone()
            }
        }),
        family: config.family.clone().or(base.family),
        attachment: config.attachment.or(base.attachment),
        reasoning: config.reasoning.or(base.reasoning),
        tool_call: config.tool_call.or(base.tool_call).or(Some(true)),
        structured_output: config.structured_output.or(base.structured_output),
        temperature: config.temperature.or(base.temperature),
        interleaved: config.interleaved.clone().or(base.interleaved),
        knowledge: config.knowledge.clone().or(base.knowledge),
        release_date: config.release_date.clone().or(base.release_date),
        last_updated: config.last_updated.clone().or(base.last_updated),
        modalities: config.modalities.clone().or(base.modalities),
        open_weights: config.open_weights.or(base.open_weights),
        cost: config.cost.clone().or(base.cost),
        limit: config.limit.clone().or(base.limit),
        status: config.status.or(base.status),
        experimental: base.experimental,
        provider: base.provider,
        reasoning_options: config.reasoning_options.clone().or(base.reasoning_options),
    };
    if existing.is_none()
        && info.interleaved.is_none()
        && &*npm == OPENAI_COMPATIBLE_NPM
        && api_id.contains("deepseek")
    {
        info.interleaved = Some(Interleaved::Field {
            field: "reasoning_content".to_owned(),
        });
    }
    if config
        .experimental
        .as_ref()
        .is_some_and(|v| v == &Value::Bool(true))
        && info.status.is_none()
    {
        info.status = Some(ModelStatus::Alpha);
    }

    let mut options = existing.map(|m| m.options.clone()).unwrap_or_default();
    for (k, v) in &config.options {
        merge_deep(options.entry(k.clone()).or_insert(Value::Null), v);
    }
    let mut headers = existing.map(|m| m.headers.clone()).unwrap_or_default();
    headers
        .0
        .extend(config.headers.0.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut variants = match existing {
        Some(m) if m.npm == npm => m.variants.clone(),
        _ => BTreeMap::new(),
    };
    for (name, overlay) in &config.variants {
        let entry = variants.entry(name.clone()).or_default();
        for (k, v) in overlay {
            merge_deep(entry.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
    let mut disabled_variants = existing
        .map(|m| m.disabled_variants.clone())
        .unwrap_or_default();
    variants.retain(|name, v| {
        let disabled = v.get("disabled") == Some(&Value::Bool(true));
        if disabled {
            disabled_variants.insert(name.clone());
        }
        !disabled
    });
    for variant in variants.values_mut() {
        variant.remove("disabled");
    }

    ResolvedModel {
        id: key.to_owned(),
        protocol: runtime_protocol(provider_id, &npm, &api_id, shape),
        api_id,
        npm,
        api_url,
        shape,
        origin: existing.map_or(ModelOrigin::Config, |m| m.origin),
        info: Arc::new(info),
        options,
        headers,
        variants,
        disabled_variants,
    }
}

impl SidecarConfig {
    /// This config with `overlay` deep-merged on top (session overrides over the global config).
    pub fn overlaid_with(&self, overlay: &SidecarConfig) -> SidecarConfig {
        let (Ok(mut base), Ok(top)) = (serde_json::to_value(self), serde_json::to_value(overlay))
        else {
            return self.clone();
        };
        merge_deep(&mut base, &top);
        serde_json::from_value(base).unwrap_or_else(|error| {
            tracing::warn!(%error, "session config overlay did not merge; using the global config");
            self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashMap;

    fn fixture() -> std::sync::Arc<Catalog> {
        crate::catalog::snapshot::embedded_catalog()
    }

    fn config(value: Value) -> SidecarConfig {
        SidecarConfig::from_value(value, &HashMap::new(), None).expect("valid config")
    }

    #[test]
    fn catalog_only_view_keeps_every_provider_and_expands_modes() {
        let catalog = fixture();
        let merged = MergedCatalog::build(&catalog, &SidecarConfig::default());
        assert_eq!(merged.providers.len(), 147);
        let fast = &merged.providers["aihubmix"].models["gpt-5.4-fast"];
        assert_eq!(fast.origin, ModelOrigin::Mode);
        assert_eq!(
            fast.info.name,
            format!(
                "{} Fast",
                catalog.providers["aihubmix"].models["gpt-5.4"].name
            )
        );
        assert_eq!(fast.options["serviceTier"], "priority");
        assert_eq!(fast.api_id, "gpt-5.4");
        assert_eq!(fast.info.cost.as_ref().map(|c| c.input), Some(5.0));
        // gpt-5-chat-latest is dropped for openai, as OpenCode does.
        assert!(
            catalog.providers["openai"]
                .models
                .contains_key("gpt-5-chat-latest")
        );
        assert!(
            !merged.providers["openai"]
                .models
                .contains_key("gpt-5-chat-latest")
        );
        let mantle = &merged.providers["amazon-bedrock"].models["openai.gpt-5.4"];
        assert_eq!(&*mantle.npm, "@ai-sdk/amazon-bedrock/mantle");
        assert_eq!(mantle.protocol, RuntimeProtocol::OpenaiResponses);
        assert_eq!(
            merged.providers["anthropic"].models["claude-sonnet-4-5"].protocol,
            RuntimeProtocol::Anthropic
        );
        let cf = &merged.providers["cloudflare-ai-gateway"];
        let openai_via_cf = cf
            .models
            .keys()
            .find(|k| k.starts_with("openai/"))
            .expect("an openai/* model");
        assert_eq!(&*cf.models[openai_via_cf].npm, "@ai-sdk/openai");
    }

    #[test]
    fn config_overrides_a_catalog_model_and_adds_one() {
        let catalog = fixture();
        let merged = MergedCatalog::build(
            &catalog,
            &config(json!({"provider": {"anthropic": {
                "options": {"baseURL": "https://proxy.example/v1", "headers": {"X-A": "1"}},
                "models": {
                    "claude-sonnet-4-5": {"name": "Sonnet (team)", "limit": {"context": 100000, "output": 8000},
                                           "options": {"thinking": {"type": "enabled"}}},
                    "claude-private": {"name": "Private", "reasoning": true}
                }
            }}})),
        );
        let anthropic = &merged.providers["anthropic"];
        assert_eq!(anthropic.origin, ProviderOrigin::Config);
        assert_eq!(
            anthropic.api_url.as_deref(),
            Some("https://proxy.example/v1")
        );
        let sonnet = &anthropic.models["claude-sonnet-4-5"];
        assert_eq!(sonnet.info.name, "Sonnet (team)");
        assert_eq!(sonnet.limit().context, 100_000);
        assert_eq!(
            sonnet.info.family.as_deref(),
            Some("claude-sonnet"),
            "unset fields keep the catalog value"
        );
        assert_eq!(sonnet.info.cost.as_ref().map(|c| c.input), Some(3.0));
        assert_eq!(sonnet.options["thinking"]["type"], "enabled");
        assert_eq!(sonnet.origin, ModelOrigin::Catalog);
        let private = &anthropic.models["claude-private"];
        assert_eq!(private.origin, ModelOrigin::Config);
        assert_eq!(&*private.npm, "@ai-sdk/anthropic");
        assert_eq!(private.protocol, RuntimeProtocol::Anthropic);
        assert_eq!(private.info.reasoning, Some(true));
        assert_eq!(private.info.tool_call, Some(true));
        assert_eq!(private.limit(), Limit::default());
        let plain = MergedCatalog::build(&catalog, &SidecarConfig::default());
        assert_eq!(
            anthropic.models.len(),
            plain.providers["anthropic"].models.len() + 1
        );
    }

    #[test]
    fn whitelist_blacklist_and_provider_filters() {
        let catalog = fixture();
        let merged = MergedCatalog::build(
            &catalog,
            &config(json!({
                "disabled_providers": ["openrouter"],
                "provider": {
                    "anthropic": {"whitelist": ["claude-sonnet-4-5", "claude-opus-4-1"]},
                    "openai": {"blacklist": ["gpt-4o"]}
                }
            })),
        );
        assert!(!merged.providers.contains_key("openrouter"));
        let anthropic: Vec<_> = merged.providers["anthropic"]
            .models
            .keys()
            .cloned()
            .collect();
        assert_eq!(anthropic, vec!["claude-opus-4-1", "claude-sonnet-4-5"]);
        assert!(!merged.providers["openai"].models.contains_key("gpt-4o"));
        assert!(merged.providers["openai"].models.contains_key("gpt-4.1"));

        let only = MergedCatalog::build(
            &catalog,
            &config(json!({"enabled_providers": ["openai", "zai"]})),
        );
        assert_eq!(
            only.providers.keys().collect::<Vec<_>>(),
            vec!["openai", "zai"]
        );
    }

    #[test]
    fn custom_openai_compatible_provider() {
        let catalog = fixture();
        let merged = MergedCatalog::build(
            &catalog,
            &config(json!({"provider": {"my-llm": {
                "name": "My LLM",
                "npm": "@ai-sdk/openai-compatible",
                "options": {"baseURL": "http://127.0.0.1:8080/v1"},
                "models": {
                    "deepseek-r1-local": {"name": "DeepSeek R1 local", "reasoning": true},
                    "served": {"id": "org/served-model:latest", "limit": {"context": 8192, "output": 1024},
                               "variants": {"hi": {"reasoningEffort": "high"}, "off": {"disabled": true}}}
                }
            }}})),
        );
        let custom = &merged.providers["my-llm"];
        assert_eq!(custom.origin, ProviderOrigin::Custom);
        assert_eq!(custom.name, "My LLM");
        assert_eq!(custom.api_url.as_deref(), Some("http://127.0.0.1:8080/v1"));
        let deepseek = &custom.models["deepseek-r1-local"];
        assert_eq!(deepseek.protocol, RuntimeProtocol::OpenaiChat);
        assert_eq!(
            deepseek.info.interleaved,
            Some(Interleaved::Field {
                field: "reasoning_content".into()
            })
        );
        let served = &custom.models["served"];
        assert_eq!(served.api_id, "org/served-model:latest");
        assert_eq!(served.info.name, "served");
        assert_eq!(served.variants.keys().collect::<Vec<_>>(), vec!["hi"]);
        assert!(served.disabled_variants.contains("off"));
        assert_eq!(
            merged
                .model("my-llm", "served")
                .map(|(_, m)| m.limit().context),
            Some(8192)
        );
    }

    #[test]
    fn session_overlay_wins_over_global_config() {
        let global = config(
            json!({"model": "openai/gpt-5", "provider": {"openai": {"options": {"baseURL": "https://a", "headers": {"X-A": "1"}}}}}),
        );
        let session = config(
            json!({"provider": {"openai": {"options": {"headers": {"X-B": "2"}}}}, "small_model": "openai/gpt-5-nano"}),
        );
        let merged = global.overlaid_with(&session);
        assert_eq!(merged.model.as_deref(), Some("openai/gpt-5"));
        assert_eq!(merged.small_model.as_deref(), Some("openai/gpt-5-nano"));
        let options = &merged.provider["openai"].options;
        assert_eq!(options.base_url.as_deref(), Some("https://a"));
        assert_eq!(options.headers.0.len(), 2);
    }
}
