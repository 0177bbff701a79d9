//! Errors of the session layer; each maps to an RPC `data.kind` through `kind()`.

use thiserror::Error;

use crate::protocol::{ChatResult, ProviderFailure};

#[derive(Debug, Error, Clone, PartialEq)]
pub enum SessionError {
    #[error("no open session with id {0:?}")]
    NotFound(String),
    #[error("invalid session params: {field}: {reason}")]
    Invalid { field: String, reason: String },
}

impl SessionError {
    pub fn kind(&self) -> &'static str {
        match self {
            SessionError::NotFound(_) => "session_not_found",
            SessionError::Invalid { .. } => "invalid_params",
        }
    }
}

/// Why a (session, provider, model) could not be turned into a call.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ResolveError {
    #[error("no provider {0:?} in the config")]
    ProviderNotFound(String),
    #[error("no model {model_id:?} for provider {provider_id:?}")]
    ModelNotFound {
        provider_id: String,
        model_id: String,
    },
    /// `hint` names what would provide one (empty when nothing more specific is known).
    #[error("no credential for provider {provider_id:?}{}", hint_suffix(.hint))]
    AuthMissing { provider_id: String, hint: String },
    #[error("invalid config at {field}: {reason}")]
    Config { field: String, reason: String },
    /// `hint` says how to renew it (empty: sign in again).
    #[error("the sign-in for provider {provider_id:?} has expired or was revoked: {}", if .hint.is_empty() { "sign in again" } else { .hint.as_str() })]
    AuthExpired { provider_id: String, hint: String },
    #[error("the credential of provider {provider_id:?} cannot be used: {reason}")]
    AuthFailed { provider_id: String, reason: String },
    #[error("model {model_id:?} of provider {provider_id:?} has no variant {variant:?}")]
    UnknownVariant {
        provider_id: String,
        model_id: String,
        variant: String,
        available: Vec<String>,
    },
    /// A fail-closed plugin's auth loader failed.
    #[error(transparent)]
    Hook(#[from] crate::plugin::HookFailed),
}

fn hint_suffix(hint: &str) -> String {
    if hint.is_empty() {
        String::new()
    } else {
        format!(": {hint}")
    }
}

impl ResolveError {
    pub fn kind(&self) -> &'static str {
        match self {
            ResolveError::ProviderNotFound(_) => "provider_not_found",
            ResolveError::ModelNotFound { .. } => "model_not_found",
            ResolveError::AuthMissing { .. } => "auth_missing",
            ResolveError::Config { .. } => "config",
            ResolveError::AuthExpired { .. } => "auth_expired",
            ResolveError::AuthFailed { .. } => "auth_failed",
            ResolveError::UnknownVariant { .. } => "invalid_params",
            ResolveError::Hook(_) => "hook_failed",
        }
    }
}

/// How a chat call failed. `partial` is what was known when it stopped (usage and content so far).
#[derive(Debug, Error)]
pub enum ChatError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error("request cancelled")]
    Cancelled { partial: Box<ChatResult> },
    #[error("{failure}")]
    Provider {
        failure: ProviderFailure,
        partial: Box<ChatResult>,
    },
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A parameter the provider would refuse, named.
    #[error("invalid {field}: {reason}")]
    InvalidParam { field: String, reason: String },
    #[error("http client error: {0}")]
    Client(String),
    /// A hook of a fail-closed plugin failed; nothing was sent.
    #[error(transparent)]
    Hook(#[from] crate::plugin::HookFailed),
}

impl ChatError {
    pub fn kind(&self) -> &'static str {
        use crate::protocol::FailureKind;
        match self {
            ChatError::Session(err) => err.kind(),
            ChatError::Resolve(err) => err.kind(),
            ChatError::Cancelled { .. } => "request_cancelled",
            ChatError::Provider { failure, .. } => match failure.kind {
                FailureKind::RateLimited => "rate_limited",
                FailureKind::ContextOverflow => "context_overflow",
                FailureKind::Auth => "auth_failed",
                FailureKind::BadRequest | FailureKind::ProviderServer => "provider_http",
                FailureKind::StreamInterrupted => "stream_interrupted",
            },
            ChatError::InvalidRequest(_) | ChatError::InvalidParam { .. } => "invalid_params",
            ChatError::Client(_) => "internal",
            ChatError::Hook(_) => "hook_failed",
        }
    }
}
