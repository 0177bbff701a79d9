//! Wire shapes of `provider/list`, `provider/catalog`, `provider/get`, `model/list`, `model/get`:
//! supersets of the desktop contract (CONTRACT-desktop.md); the contract's fields come first.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::auth_view::{AuthKind, CredentialSource};
use super::merge::{ModelOrigin, ProviderOrigin};
use super::protocol_family::RuntimeProtocol;
use super::types::{Cost, Interleaved, Limit, Modality, ModelStatus, ReasoningOption};
use crate::protocol::support::JsonAnswerMode;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderAuth {
    pub kind: AuthKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderDescriptor {
    pub id: String,
    pub name: String,
    /// Environment variables that can carry the provider's key.
    pub env: Vec<String>,
    /// Whether a base URL is known (from models.dev, config `api` or `options.baseURL`).
    pub api: bool,
    /// Whether the provider has at least one model.
    pub models: bool,
    pub auth: ProviderAuth,
    pub connected: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_source: Option<CredentialSource>,
    pub npm: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    pub origin: ProviderOrigin,
    pub model_count: usize,
    /// `false` when the provider needs a client this sidecar does not have.
    pub supported: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderCatalogItem {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    /// `AuthMethodDescriptor[]` from the auth layer.
    pub auth_methods: Vec<serde_json::Value>,
    pub connected: bool,
    pub model_count: usize,
    pub popular: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supported: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub env: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_source: Option<CredentialSource>,
    pub npm: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelModalities {
    pub input: Vec<Modality>,
    pub output: Vec<Modality>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelCapabilities {
    /// Reads and writes text.
    pub text: bool,
    /// Accepts images.
    pub vision: bool,
    /// Calls tools.
    pub tools: bool,
    /// Reasons (thinking tokens).
    pub reasoning: bool,
    /// Can drive an agent's plan (text out and tool calls).
    pub plan: bool,
}

/// The AI SDK call options the model's API takes (`docs/call-options.md`), so a host can grey out
/// what a call would be refused for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallOptionSupport {
    /// How `responseFormat: {type: "json", schema}` is honoured: `schema` (the API enforces it),
    /// `json-object` (the API's JSON mode, the schema not enforced) or `tool` (a forced `json`
    /// tool whose input is the answer).
    pub json_answer: JsonAnswerMode,
    pub seed: bool,
    pub presence_penalty: bool,
    pub frequency_penalty: bool,
    /// Ids of the provider-defined tools the model's API offers (none when the model calls no
    /// tools).
    pub provider_tools: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelDescriptor {
    /// `"<providerId>/<modelId>"`.
    pub id: String,
    pub name: String,
    pub provider_id: String,
    pub provider_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_api_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_npm_package: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_env_vars: Option<Vec<String>>,
    /// Tokens; 0 means unknown.
    pub context_window: u64,
    /// Tokens; 0 means unknown.
    pub max_output_tokens: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modalities: Option<ModelModalities>,
    pub capabilities: ModelCapabilities,
    /// The model's own id under its provider (the part after the first `/` of `id`).
    pub model_id: String,
    /// The id sent upstream.
    pub api_id: String,
    /// The wire protocol the model is called with.
    pub protocol: RuntimeProtocol,
    pub connected: bool,
    pub status: ModelStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub knowledge: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_weights: Option<bool>,
    /// USD per million tokens; absent when unpublished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
    pub limit: Limit,
    pub attachment: bool,
    pub temperature: bool,
    pub structured_output: bool,
    pub call_options: CallOptionSupport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interleaved: Option<Interleaved>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_options: Option<Vec<ReasoningOption>>,
    /// Names of the option presets (reasoning efforts and config variants).
    pub variants: Vec<String>,
    pub origin: ModelOrigin,
}
