//! Serde types for the models.dev catalog (`https://models.dev/api.json`): a provider entry, a
//! model entry and its experimental modes. The fields that describe a model (cost, limits,
//! modalities, status, reasoning options, ...) are shared with the user config and live below both
//! in [`crate::model_spec`]; they are re-exported here.
//!
//! They read the catalog's snake_case keys and write camelCase, so the same types serve the models.dev
//! input and the sidecar's wire results. Every field is optional or defaulted: older catalogs lack
//! the newer fields, and unknown fields are ignored.

use std::collections::BTreeMap;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::model_spec::{
    ApiShape, Cost, CostTier, Interleaved, Limit, Modalities, Modality, ModelProviderOverride,
    ModelStatus, ReasoningOption, TierThreshold,
};

/// One provider entry of the catalog, keyed by its id (built by [`super::parse`], which reads it
/// leniently model by model). Models are shared with the merged view rather than copied.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CatalogProvider {
    pub id: String,
    pub name: String,
    /// Environment variables that carry the provider's API key, first match wins.
    pub env: Vec<String>,
    /// AI SDK npm package the provider is called through (decides the wire protocol).
    pub npm: Option<String>,
    /// Base URL; may hold `${VAR}` placeholders (e.g. `https://${DATABRICKS_HOST}/...`).
    pub api: Option<String>,
    pub doc: Option<String>,
    pub models: BTreeMap<String, Arc<CatalogModel>>,
}

/// One model entry of a provider.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct CatalogModel {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Free text (e.g. `claude-sonnet`, `gpt-mini`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structured_output: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interleaved: Option<Interleaved>,
    /// Knowledge cutoff, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modalities: Option<Modalities>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_weights: Option<bool>,
    /// Prices in USD per million tokens; absent for models without published prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<Limit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ModelStatus>,
    /// Boxed, as the next one: few models have it, and every model would carry its room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experimental: Option<Box<Experimental>>,
    /// Per-model override of the provider's npm package, base URL and API shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Box<ModelProviderOverride>>,
    /// `None` when the catalog says nothing; `Some(vec![])` means "no reasoning variants".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_options: Option<Vec<ReasoningOption>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Experimental {
    /// Extra modes of the model (e.g. `fast`), each exposed as model `<id>-<mode>`.
    #[serde(default)]
    pub modes: BTreeMap<String, ExperimentalMode>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ExperimentalMode {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<ModeProviderOptions>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ModeProviderOptions {
    /// Extra request-body fields (snake_case, as the provider expects them).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub body: serde_json::Map<String, serde_json::Value>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}
