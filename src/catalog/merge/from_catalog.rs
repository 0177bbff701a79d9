//! The catalog's providers and models resolved as they stand, before any config: the npm package,
//! URL and wire protocol of each model, and a catalog model's experimental modes expanded into
//! models of their own (`<id>-<mode>`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Map;

use super::{ModelOrigin, ProviderOrigin, ResolvedModel, ResolvedProvider};
use crate::catalog::parse::Catalog;
use crate::catalog::protocol_family::{OPENAI_COMPATIBLE_NPM, runtime_protocol};
use crate::catalog::types::{CatalogModel, CatalogProvider, Cost};
use crate::config::{Headers, ProviderOptions};

/// Below this many models one thread resolves them all.
const PARALLEL_MIN_MODELS: usize = 512;

/// Every catalog provider resolved, on two threads where the machine has them: at startup this
/// is most of a merge, and the first `model/list` waits for it.
pub(super) fn resolve_catalog_providers(catalog: &Catalog) -> BTreeMap<String, ResolvedProvider> {
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
pub(super) fn cloudflare_gateway_npm(provider_id: &str, model_id: &str) -> Option<&'static str> {
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
