//! Provider and model queries over the merged catalog: the domain behind `provider/list`,
//! `provider/catalog`, `provider/get`, `model/list` and `model/get`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::auth_view::{AuthView, resolve_auth_kind, resolve_connection};
use super::descriptor_view::ModelDescriptorView;
use super::descriptors::{ModelDescriptor, ProviderAuth, ProviderCatalogItem, ProviderDescriptor};
use super::error::CatalogError;
use super::merge::{MergedCatalog, ResolvedModel, ResolvedProvider};
use super::protocol_family::unsupported_npm_note;
use super::rendered::ModelListJson;
use super::types::{Modality, ModelStatus};

/// Shown first in `provider/catalog` after connected providers, in this order.
pub const POPULAR_PROVIDERS: &[&str] = &[
    "opencode",
    "zai",
    "zai-coding-plan",
    "openai",
    "anthropic",
    "google",
    "openrouter",
    "moonshot",
    "moonshotai",
];

/// The app's alias phrases per provider id (CONTRACT-desktop.md); "moonshot" is the app's id,
/// "moonshotai" models.dev's.
pub const PROVIDER_ALIASES: &[(&str, &[&str])] = &[
    ("zai", &["z.ai", "z ai", "zen", "opencode zen"]),
    (
        "zai-coding-plan",
        &["z.ai coding plan", "zai coding plan", "coding plan"],
    ),
    ("moonshot", &["kimi"]),
    ("moonshotai", &["kimi"]),
];

/// Extra names a provider is found by.
pub fn provider_aliases(id: &str) -> Vec<String> {
    PROVIDER_ALIASES
        .iter()
        .filter(|(provider, _)| *provider == id)
        .flat_map(|(_, aliases)| aliases.iter().map(|a| (*a).to_owned()))
        .collect()
}

pub fn popular_rank(id: &str) -> Option<usize> {
    POPULAR_PROVIDERS.iter().position(|p| *p == id)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderGetParams {
    pub provider_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderListResult {
    pub providers: Vec<ProviderDescriptor>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderCatalogResult {
    pub providers: Vec<ProviderCatalogItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Capability {
    Text,
    Vision,
    Tools,
    Reasoning,
    Plan,
    Attachment,
    StructuredOutput,
    Temperature,
    Audio,
    Pdf,
    Video,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelListParams {
    /// Only this provider's models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    /// Models must have every one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<Capability>,
    /// Allowed statuses; default `active` and `beta` (alpha and deprecated hidden, as OpenCode does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<ModelStatus>>,
    /// `true`: only connected providers' models; `false`: only unconnected ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelListResult {
    pub models: Vec<ModelDescriptor>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelGetParams {
    pub provider_id: String,
    pub model_id: String,
}

impl MergedCatalog {
    pub fn provider_list(&self, auth: &dyn AuthView) -> ProviderListResult {
        ProviderListResult {
            providers: self
                .providers
                .values()
                .map(|p| provider_descriptor(p, auth))
                .collect(),
        }
    }

    pub fn provider_get(
        &self,
        provider_id: &str,
        auth: &dyn AuthView,
    ) -> Result<ProviderDescriptor, CatalogError> {
        self.providers
            .get(provider_id)
            .map(|p| provider_descriptor(p, auth))
            .ok_or_else(|| CatalogError::ProviderNotFound {
                provider_id: provider_id.to_owned(),
            })
    }

    /// Connected first, then popular (in the contract's order), then by name.
    pub fn provider_catalog(&self, auth: &dyn AuthView) -> ProviderCatalogResult {
        let mut items: Vec<ProviderCatalogItem> = self
            .providers
            .values()
            .map(|p| catalog_item(p, auth))
            .collect();
        items.sort_by_cached_key(|item| {
            (
                !item.connected,
                popular_rank(&item.id).unwrap_or(usize::MAX),
                item.name.to_lowercase(),
                item.id.clone(),
            )
        });
        ProviderCatalogResult { providers: items }
    }

    pub fn model_list(
        &self,
        params: &ModelListParams,
        auth: &dyn AuthView,
    ) -> Result<ModelListResult, CatalogError> {
        let models = self
            .model_list_views(params, auth)?
            .iter()
            .map(ModelDescriptorView::to_descriptor)
            .collect();
        Ok(ModelListResult { models })
    }

    /// The models `model/list` answers with, borrowed from the catalog, in its order.
    pub fn model_list_views(
        &self,
        params: &ModelListParams,
        auth: &dyn AuthView,
    ) -> Result<Vec<ModelDescriptorView<'_>>, CatalogError> {
        let mut models = Vec::new();
        self.for_each_listed(params, auth, |_, provider, model, connected| {
            models.push(ModelDescriptorView::new(provider, model, connected));
        })?;
        Ok(models)
    }

    /// `model/list` as JSON, from the pieces rendered for this catalog and connection state.
    pub fn model_list_json(
        &self,
        params: &ModelListParams,
        auth: &dyn AuthView,
    ) -> Result<ModelListJson, CatalogError> {
        let mut selected = Vec::new();
        self.for_each_listed(params, auth, |index, _, _, _| selected.push(index))?;
        let connected = self
            .providers
            .values()
            .map(|provider| resolve_connection(provider, auth).is_some())
            .collect();
        let rendered = self.rendered.get_or_render(self, connected);
        Ok(ModelListJson::new(rendered, selected))
    }

    /// Calls `visit` with each model the params select, in catalog order, with its position among
    /// all the catalog's models.
    fn for_each_listed<'a>(
        &'a self,
        params: &ModelListParams,
        auth: &dyn AuthView,
        mut visit: impl FnMut(u32, &'a ResolvedProvider, &'a ResolvedModel, bool),
    ) -> Result<(), CatalogError> {
        if let Some(id) = &params.provider_id
            && !self.providers.contains_key(id)
        {
            return Err(CatalogError::ProviderNotFound {
                provider_id: id.clone(),
            });
        }
        let mut index: u32 = 0;
        for provider in self.providers.values() {
            let first = index;
            index += u32::try_from(provider.models.len()).expect("fewer than 4 billion models");
            if params
                .provider_id
                .as_ref()
                .is_some_and(|id| *id != provider.id)
            {
                continue;
            }
            let connected = resolve_connection(provider, auth).is_some();
            if params.connected.is_some_and(|wanted| wanted != connected) {
                continue;
            }
            for (offset, model) in (first..).zip(provider.models.values()) {
                if !status_allowed(model.status(), params.status.as_deref()) {
                    continue;
                }
                if !params.capabilities.is_empty() {
                    let view = ModelDescriptorView::new(provider, model, connected);
                    if !params
                        .capabilities
                        .iter()
                        .all(|c| has_capability(&view, *c))
                    {
                        continue;
                    }
                }
                visit(offset, provider, model, connected);
            }
        }
        Ok(())
    }

    pub fn model_get(
        &self,
        provider_id: &str,
        model_id: &str,
        auth: &dyn AuthView,
    ) -> Result<ModelDescriptor, CatalogError> {
        let provider =
            self.providers
                .get(provider_id)
                .ok_or_else(|| CatalogError::ProviderNotFound {
                    provider_id: provider_id.to_owned(),
                })?;
        // Accept the descriptor's full id (`<providerId>/<modelId>`) as the model id too.
        let model = provider.models.get(model_id).or_else(|| {
            model_id
                .strip_prefix(provider_id)
                .and_then(|rest| rest.strip_prefix('/'))
                .and_then(|rest| provider.models.get(rest))
        });
        match model {
            Some(model) => Ok(model_descriptor(
                provider,
                model,
                resolve_connection(provider, auth).is_some(),
            )),
            None => Err(CatalogError::ModelNotFound {
                provider_id: provider_id.to_owned(),
                model_id: model_id.to_owned(),
                suggestions: suggest(model_id, provider.models.keys().map(String::as_str)),
            }),
        }
    }
}

fn status_allowed(status: ModelStatus, allowed: Option<&[ModelStatus]>) -> bool {
    match allowed {
        Some(list) => list.contains(&status),
        None => matches!(status, ModelStatus::Active | ModelStatus::Beta),
    }
}

fn has_capability(view: &ModelDescriptorView<'_>, capability: Capability) -> bool {
    let caps = &view.capabilities;
    match capability {
        Capability::Text => caps.text,
        Capability::Vision => caps.vision,
        Capability::Tools => caps.tools,
        Capability::Reasoning => caps.reasoning,
        Capability::Plan => caps.plan,
        Capability::Attachment => view.attachment,
        Capability::StructuredOutput => view.structured_output,
        Capability::Temperature => view.temperature,
        Capability::Audio => view.reads(Modality::Audio),
        Capability::Pdf => view.reads(Modality::Pdf),
        Capability::Video => view.reads(Modality::Video),
    }
}

pub fn provider_descriptor(provider: &ResolvedProvider, auth: &dyn AuthView) -> ProviderDescriptor {
    let credential_source = resolve_connection(provider, auth);
    let note = unsupported_npm_note(&provider.npm);
    ProviderDescriptor {
        id: provider.id.clone(),
        name: provider.name.clone(),
        env: provider.env.clone(),
        api: provider.api_url.is_some(),
        models: !provider.models.is_empty(),
        auth: ProviderAuth {
            kind: resolve_auth_kind(provider, auth),
        },
        connected: credential_source.is_some(),
        credential_source,
        npm: provider.npm.to_string(),
        api_url: provider.api_url.as_deref().map(str::to_owned),
        doc: provider.doc.clone(),
        origin: provider.origin,
        model_count: provider.models.len(),
        supported: note.is_none(),
        note: note.map(str::to_owned),
    }
}

fn catalog_item(provider: &ResolvedProvider, auth: &dyn AuthView) -> ProviderCatalogItem {
    let credential_source = resolve_connection(provider, auth);
    let note = unsupported_npm_note(&provider.npm);
    ProviderCatalogItem {
        id: provider.id.clone(),
        name: provider.name.clone(),
        aliases: provider_aliases(&provider.id),
        auth_methods: auth.auth_methods(&provider.id),
        connected: credential_source.is_some(),
        model_count: provider.models.len(),
        popular: popular_rank(&provider.id).is_some(),
        supported: Some(note.is_none()),
        note: note.map(str::to_owned),
        env: provider.env.clone(),
        credential_source,
        npm: provider.npm.to_string(),
        api_url: provider.api_url.as_deref().map(str::to_owned),
        doc: provider.doc.clone(),
    }
}

pub fn model_descriptor(
    provider: &ResolvedProvider,
    model: &ResolvedModel,
    connected: bool,
) -> ModelDescriptor {
    ModelDescriptorView::new(provider, model, connected).to_descriptor()
}

/// Up to 3 ids close to `wanted` (substring matches first, then small edit distance).
pub fn suggest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .filter_map(|candidate| {
            let lower = candidate.to_lowercase();
            let distance = if lower.contains(&wanted_lower) || wanted_lower.contains(&lower) {
                0
            } else {
                edit_distance(&wanted_lower, &lower)
            };
            (distance <= wanted.len().max(4) / 3).then_some((distance, candidate))
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, id)| id.to_owned())
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}
