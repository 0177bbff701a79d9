//! `model/search` and `provider/search`: ranked, typo-tolerant search over the merged catalog.
//!
//! The index is built from the merged catalog (config and discovered models included) and the
//! providers' connection state. It is rebuilt off the async threads whenever either changes, and
//! swapped in whole: a search sees the old index or the new one, never half of one.

use std::sync::{Arc, Mutex};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::app::methods::catalog_state::{auth_view, catalog_error};
use crate::app::state::ServerState;
use crate::catalog::auth_view::resolve_connection;
use crate::catalog::query::provider_aliases;
use crate::catalog::types::Modality;
use crate::catalog::{AuthView, MergedCatalog, ModelDescriptor};
use crate::rpc::context::RequestContext;
use crate::rpc::error::{ErrorKind, RpcError};
use crate::rpc::method::Method;
use crate::search::{
    MatchedField, ProviderDoc, ProviderSearchParams, SearchDoc, SearchFilters, SearchParams,
    SearchService,
};

/// The index of one (merged catalog, connected providers) pair.
struct Built {
    merged: Arc<MergedCatalog>,
    connected: Vec<String>,
    service: Arc<SearchService>,
}

/// The current search index, rebuilt when the catalog or the connection state changes.
#[derive(Default)]
pub struct SearchState {
    current: Mutex<Option<Arc<Built>>>,
    /// Serialises rebuilds so that concurrent searches after a change build once.
    building: tokio::sync::Mutex<()>,
}

impl SearchState {
    async fn index(
        &self,
        merged: &Arc<MergedCatalog>,
        auth: &(dyn AuthView + Sync),
    ) -> Result<Arc<Built>, RpcError> {
        let connected = connected_providers(merged, auth);
        if let Some(built) = self.fresh(merged, &connected) {
            return Ok(built);
        }
        let _building = self.building.lock().await;
        if let Some(built) = self.fresh(merged, &connected) {
            return Ok(built);
        }
        let (models, providers) = documents(merged, &connected);
        let service = tokio::task::spawn_blocking(move || SearchService::new(models, providers))
            .await
            .map_err(|err| RpcError::internal(format!("search index build failed: {err}")))?
            .map_err(|err| {
                RpcError::new(ErrorKind::Internal, err.to_string())
                    .with_data(serde_json::json!({ "reason": err.kind() }))
            })?;
        let built = Arc::new(Built {
            merged: Arc::clone(merged),
            connected,
            service: Arc::new(service),
        });
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&built));
        Ok(built)
    }

    fn fresh(&self, merged: &Arc<MergedCatalog>, connected: &[String]) -> Option<Arc<Built>> {
        let current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        current
            .as_ref()
            .filter(|b| Arc::ptr_eq(&b.merged, merged) && b.connected == connected)
            .cloned()
    }
}

pub fn connected_providers(merged: &MergedCatalog, auth: &dyn AuthView) -> Vec<String> {
    merged
        .providers
        .values()
        .filter(|p| resolve_connection(p, auth).is_some())
        .map(|p| p.id.clone())
        .collect()
}

/// The merged catalog as search documents (`connected` sorted, as [`connected_providers`] gives).
pub fn documents(
    merged: &MergedCatalog,
    connected: &[String],
) -> (Vec<SearchDoc>, Vec<ProviderDoc>) {
    let mut models = Vec::with_capacity(merged.providers.values().map(|p| p.models.len()).sum());
    let mut providers = Vec::with_capacity(merged.providers.len());
    for provider in merged.providers.values() {
        // `connected` follows the providers' (sorted) map order.
        let is_connected = connected.binary_search(&provider.id).is_ok();
        for model in provider.models.values() {
            let info = &model.info;
            let vision = info.attachment.unwrap_or(false)
                || model
                    .modalities()
                    .input
                    .iter()
                    .any(|m| matches!(m, Modality::Image));
            models.push(SearchDoc {
                provider_id: provider.id.clone(),
                provider_name: provider.name.clone(),
                model_id: model.id.clone(),
                model_name: info.name.clone(),
                family: info.family.clone(),
                release_date: info.release_date.clone(),
                status: model.status(),
                tool_call: model.tool_call(),
                reasoning: info.reasoning.unwrap_or(false),
                vision,
                context_window: model.limit().context,
                connected: is_connected,
            });
        }
        providers.push(ProviderDoc {
            id: provider.id.clone(),
            name: provider.name.clone(),
            model_count: provider.models.len(),
            connected: is_connected,
            aliases: provider_aliases(&provider.id),
        });
    }
    (models, providers)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelSearchParams {
    /// What the user typed: typos, versions without separators ("gpt5", "sonnet45"), a
    /// provider name or alias ("openrouter qwen coder", "kimi"), a half-typed last word.
    #[serde(default)]
    pub query: String,
    /// At most this many results (default 20, at most 500).
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub filters: Option<SearchFilters>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelSearchResult {
    pub results: Vec<ModelSearchHit>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelSearchHit {
    pub model: ModelDescriptor,
    pub score: f32,
    /// True when the query names the model exactly (id or name, maybe provider-qualified).
    pub exact: bool,
    pub matched_fields: Vec<MatchedField>,
}

pub struct ModelSearch;

impl Method for ModelSearch {
    const NAME: &'static str = "model/search";
    const SUMMARY: &'static str = "Typo-tolerant ranked model search over the merged catalog, with filters; an empty query lists connected and popular models first.";
    type Params = ModelSearchParams;
    type Result = ModelSearchResult;

    async fn call(
        state: Arc<ServerState>,
        params: ModelSearchParams,
        _cx: RequestContext,
    ) -> Result<ModelSearchResult, RpcError> {
        let merged = state.catalog.runtime(&state)?.merged().await;
        let auth = auth_view(&state, &merged).await;
        let built = state.search.index(&merged, &auth).await?;
        let hits = built
            .service
            .search(&SearchParams {
                query: params.query,
                limit: params.limit,
                filters: params.filters,
            })
            .map_err(|err| RpcError::internal(err.to_string()))?;
        let mut results = Vec::with_capacity(hits.len());
        for hit in hits {
            let model = merged
                .model_get(&hit.provider_id, &hit.model_id, &auth)
                .map_err(catalog_error)?;
            results.push(ModelSearchHit {
                model,
                score: hit.score,
                exact: hit.exact,
                matched_fields: hit.matched_fields,
            });
        }
        Ok(ModelSearchResult { results })
    }
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSearchResult {
    pub results: Vec<ProviderSearchHit>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSearchHit {
    pub provider_id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub connected: bool,
    pub model_count: usize,
    pub score: f32,
    pub matched_fields: Vec<MatchedField>,
}

pub struct ProviderSearch;

impl Method for ProviderSearch {
    const NAME: &'static str = "provider/search";
    const SUMMARY: &'static str = "Ranked provider search by id, name and aliases (connected, then popular), for a provider picker.";
    type Params = ProviderSearchParams;
    type Result = ProviderSearchResult;

    async fn call(
        state: Arc<ServerState>,
        params: ProviderSearchParams,
        _cx: RequestContext,
    ) -> Result<ProviderSearchResult, RpcError> {
        let merged = state.catalog.runtime(&state)?.merged().await;
        let auth = auth_view(&state, &merged).await;
        let built = state.search.index(&merged, &auth).await?;
        let results = built
            .service
            .search_providers(&params)
            .into_iter()
            .filter_map(|hit| {
                let provider = merged.provider(&hit.provider_id)?;
                Some(ProviderSearchHit {
                    provider_id: hit.provider_id.clone(),
                    name: provider.name.clone(),
                    aliases: provider_aliases(&provider.id),
                    connected: built.connected.contains(&provider.id),
                    model_count: provider.models.len(),
                    score: hit.score,
                    matched_fields: hit.matched_fields,
                })
            })
            .collect();
        Ok(ProviderSearchResult { results })
    }
}
