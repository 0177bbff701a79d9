//! `model/search` and `provider/search`: ranked, typo-tolerant search over the merged catalog
//! (the index is `app::search_index`).

use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::app::connections::auth_view;
use crate::app::errors::catalog_error;
use crate::app::state::ServerState;
use crate::catalog::ModelDescriptor;
use crate::catalog::query::provider_aliases;
use crate::rpc::context::RequestContext;
use crate::rpc::error::RpcError;
use crate::rpc::method::Method;
use crate::search::{MatchedField, ProviderSearchParams, SearchFilters, SearchParams};

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

impl Method<ServerState> for ModelSearch {
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

impl Method<ServerState> for ProviderSearch {
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
