//! What a chat call asks for: `chat/stream` and `chat/generate` params.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::protocol::ChatRequest;

/// A provider and model a chat call tries: the call's own, then each of its `fallbacks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatTarget {
    pub provider_id: String,
    pub model_id: String,
}

/// `chat/stream` and `chat/generate` params.
// `Debug` is written by hand: it shows header names only (a call may carry its own `authorization`).
#[derive(Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatParams {
    pub session_id: String,
    pub provider_id: String,
    pub model_id: String,
    /// A reasoning preset of the model (`model/get` lists them, e.g. `low`, `high`, `max`); an unknown
    /// name is invalid params with `data.available`.
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(flatten)]
    pub request: ChatRequest,
    /// Headers for this call only, on top of the session's.
    #[serde(default)]
    pub headers: Option<BTreeMap<String, String>>,
    /// Tried in order when the call fails retryably before its first streamed byte.
    #[serde(default)]
    pub fallbacks: Vec<ChatTarget>,
    /// A small call (a title, a summary): the model's small-call options (OpenCode's
    /// `smallOptions()`: its first reasoning preset, `store: false` where that applies) instead of
    /// the full ones. A `variant` given with it still wins.
    #[serde(default)]
    pub small: bool,
}

impl std::fmt::Debug for ChatParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatParams")
            .field("session_id", &self.session_id)
            .field("provider_id", &self.provider_id)
            .field("model_id", &self.model_id)
            .field("variant", &self.variant)
            .field("messages", &self.request.messages.len())
            .field(
                "headers",
                &self.headers.as_ref().map(|h| h.keys().collect::<Vec<_>>()),
            )
            .field("fallbacks", &self.fallbacks)
            .field("small", &self.small)
            .finish_non_exhaustive()
    }
}

/// What a call asks for beyond its request: whose session it runs in, its reasoning preset, and
/// whether it is a small call.
#[derive(Debug, Clone, Copy)]
pub struct CallSpec<'a> {
    pub session_id: &'a str,
    pub variant: Option<&'a str>,
    pub small: bool,
}
