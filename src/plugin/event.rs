//! `event`: what happened to a chat call, for hooks that observe (OpenCode's `event({event})`).
//! Events are never awaited: a hook cannot hold a call back or change it through them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::protocol::{FinishReason, Usage};

/// One event. The stream's own parts are `chat/delta` notifications already; events mark a
/// call's start and end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type")]
pub enum HookEvent {
    /// A chat call starts (before its hooks and its first attempt).
    #[serde(rename = "chat.started", rename_all = "camelCase")]
    ChatStarted {
        session_id: String,
        provider_id: String,
        model_id: String,
    },
    /// A chat call answered (the provider and model asked for; a fallback may have answered).
    #[serde(rename = "chat.finished", rename_all = "camelCase")]
    ChatFinished {
        session_id: String,
        provider_id: String,
        model_id: String,
        finish_reason: FinishReason,
        usage: Usage,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cost: Option<f64>,
    },
    /// A chat call failed (cancellation included); `kind` is the error's `data.kind`.
    #[serde(rename = "chat.failed", rename_all = "camelCase")]
    ChatFailed {
        session_id: String,
        provider_id: String,
        model_id: String,
        kind: String,
        message: String,
    },
}

/// The params of the `hook/event` notification.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HookEventParams {
    pub event: HookEvent,
}
