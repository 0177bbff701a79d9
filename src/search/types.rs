//! The search layer's own input and wire types. The RPC layer converts the merged catalog into
//! [`SearchDoc`] / [`ProviderDoc`]; `SearchParams` and `SearchHit` are the `model/search` shapes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model_spec::ModelStatus;

/// One model of the merged catalog, as the search index sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchDoc {
    pub provider_id: String,
    pub provider_name: String,
    pub model_id: String,
    pub model_name: String,
    #[serde(default)]
    pub family: Option<String>,
    /// `YYYY-MM-DD` (or `YYYY-MM`); anything unparsable counts as unknown.
    #[serde(default)]
    pub release_date: Option<String>,
    /// As the catalog states it (`active` when it states none).
    #[serde(default)]
    pub status: ModelStatus,
    #[serde(default)]
    pub tool_call: bool,
    #[serde(default)]
    pub reasoning: bool,
    /// Accepts images or attachments.
    #[serde(default)]
    pub vision: bool,
    #[serde(default)]
    pub context_window: u64,
    #[serde(default)]
    pub connected: bool,
}

/// One provider of the merged catalog, for `provider/search`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderDoc {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub model_count: usize,
    #[serde(default)]
    pub connected: bool,
    /// Extra aliases (from config); the app's built-in aliases are always added.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Restrictions applied before ranking.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchFilters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vision: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_context: Option<u64>,
    #[serde(default)]
    pub connected_only: bool,
}

/// Params of `model/search`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchParams {
    #[serde(default)]
    pub query: String,
    /// Defaults to [`DEFAULT_LIMIT`]; capped at [`MAX_LIMIT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<SearchFilters>,
}

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 500;

impl SearchParams {
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            ..Self::default()
        }
    }

    pub(crate) fn effective_limit(&self) -> usize {
        self.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT)
    }
}

/// Which part of a document a query matched; serialized as the `matchedFields` strings.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum MatchedField {
    ModelId,
    ModelName,
    Family,
    ProviderId,
    ProviderName,
    ProviderAlias,
}

/// One ranked model. The RPC layer looks the model descriptor up by `(providerId, modelId)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub provider_id: String,
    pub model_id: String,
    /// Final ranking score (text relevance times connection, popularity, recency and status
    /// factors); 0 for the default ordering of an empty query. Higher is better.
    pub score: f32,
    /// The query matched the model's id or name exactly (ignoring case and separators).
    pub exact: bool,
    pub matched_fields: Vec<MatchedField>,
}

/// Params of `provider/search`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSearchParams {
    #[serde(default)]
    pub query: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

/// One ranked provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderHit {
    pub provider_id: String,
    pub score: f32,
    pub matched_fields: Vec<MatchedField>,
}
