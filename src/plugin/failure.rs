//! When a hook fails: why, and what the call does about it (goes on without the hook's change,
//! with a warning; or fails, for a plugin that asked to fail closed).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::protocol::types::CallWarning;

/// The hook points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum HookPoint {
    #[serde(rename = "chat.params")]
    ChatParams,
    #[serde(rename = "chat.headers")]
    ChatHeaders,
    #[serde(rename = "auth")]
    Auth,
    #[serde(rename = "config")]
    Config,
}

impl HookPoint {
    pub fn as_str(self) -> &'static str {
        match self {
            HookPoint::ChatParams => "chat.params",
            HookPoint::ChatHeaders => "chat.headers",
            HookPoint::Auth => "auth",
            HookPoint::Config => "config",
        }
    }
}

impl std::fmt::Display for HookPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a hook failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HookFailure {
    #[error("no answer within {timeout_ms} ms")]
    Timeout { timeout_ms: u64 },
    #[error("the host's input closed before it answered")]
    Closed,
    #[error("the host answered with error {code}: {message}")]
    Rejected { code: i64, message: String },
    #[error("the answer is not valid: {0}")]
    InvalidAnswer(String),
    #[error("{0}")]
    Failed(String),
}

impl HookFailure {
    /// A stable name for the reason (`data.reason` of a `hook_failed` error, a warning's `reason`).
    pub fn reason(&self) -> &'static str {
        match self {
            HookFailure::Timeout { .. } => "timeout",
            HookFailure::Closed => "closed",
            HookFailure::Rejected { .. } => "rejected",
            HookFailure::InvalidAnswer(_) => "invalid_answer",
            HookFailure::Failed(_) => "failed",
        }
    }
}

/// A failure of a fail-closed plugin's hook: the call fails with it (`data.kind: hook_failed`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("hook {hook} of plugin {plugin} failed: {failure}")]
pub struct HookFailed {
    pub plugin: String,
    pub hook: HookPoint,
    pub failure: HookFailure,
}

/// The warning a call carries when it went on without a failed hook's change.
pub fn warning(plugin: &str, hook: HookPoint, failure: &HookFailure) -> CallWarning {
    CallWarning::HookFailed {
        plugin: plugin.to_string(),
        hook: hook.as_str().to_string(),
        reason: failure.reason().to_string(),
        message: failure.to_string(),
    }
}
