//! A config's provider entry laid over a resolved provider (or defining a new one): provider fields
//! and options, model overrides and new models, model options, headers and variants.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::from_catalog::cloudflare_gateway_npm;
use super::{ModelOrigin, ProviderOrigin, ResolvedModel, ResolvedProvider};
use crate::catalog::protocol_family::{OPENAI_COMPATIBLE_NPM, runtime_protocol};
use crate::catalog::types::{CatalogModel, CatalogProvider, Interleaved, ModelStatus};
use crate::config::{ModelConfig, ProviderConfig, ProviderOptions};
use crate::json_merge::merge_deep_map;

pub(super) fn apply_provider_config(
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
    provider.options = overlay_provider_options(&provider.options, &config.options);
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

/// Config's provider options over the ones below: typed keys replace when set, headers extend,
/// the free-form rest merges deep.
fn overlay_provider_options(base: &ProviderOptions, overlay: &ProviderOptions) -> ProviderOptions {
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
    merge_deep_map(&mut merged.extra, &overlay.extra);
    merged
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
    merge_deep_map(&mut options, &config.options);
    let mut headers = existing.map(|m| m.headers.clone()).unwrap_or_default();
    headers
        .0
        .extend(config.headers.0.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut variants = match existing {
        Some(m) if m.npm == npm => m.variants.clone(),
        _ => BTreeMap::new(),
    };
    for (name, overlay) in &config.variants {
        merge_deep_map(variants.entry(name.clone()).or_default(), overlay);
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
