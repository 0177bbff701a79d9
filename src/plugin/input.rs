//! What a chat hook sees of the call: the session, the resolved model and the caller's request,
//! never a credential.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::protocol::{ChatRequest, WireFormat};
use crate::provider::ResolvedRuntime;

/// The model a call resolved to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HookModel {
    pub provider_id: String,
    /// The model's key under its provider (what the caller selected).
    pub model_id: String,
    /// The id sent upstream.
    pub api_model_id: String,
    /// The wire format the call speaks.
    pub wire_format: WireFormat,
    /// The AI SDK package the catalog names for the model (`@ai-sdk/anthropic`, ...).
    pub npm: String,
}

/// The input of `chat.params` and `chat.headers` (OpenCode's `{sessionID, model, provider,
/// message}`). Holds no secret: no API key, token or header value.
// It borrows the caller's request (a call's messages can be large), so it is only serialized.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatHookInput<'a> {
    pub session_id: String,
    pub model: HookModel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// A small call (a title, a summary).
    pub small: bool,
    /// The request as the caller sent it (before the sampling defaults and transforms).
    pub request: &'a ChatRequest,
    /// The names (never the values) of the headers the request carries so far: the loader's,
    /// the config's, the session's and the call's; auth headers are added after the hooks and
    /// are not listed.
    pub header_names: Vec<String>,
}

/// What an in-process hook is handed: the input hosts see, and the resolved runtime (trusted
/// Rust code may need the endpoint; it holds the credential inside `auth`, which hooks must not
/// read or copy). Host hooks are sent `input` alone.
#[derive(Clone, Copy)]
pub struct ChatContext<'a> {
    pub input: &'a ChatHookInput<'a>,
    pub runtime: &'a ResolvedRuntime,
}
