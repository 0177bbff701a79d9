//! Errors of the auth domain. Messages never carry a secret value.

use std::path::PathBuf;

/// Every failure of the auth API; `kind()` gives the RPC `data.kind`.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("invalid parameters: {0}")]
    InvalidParams(String),
    #[error("no credential stored for provider `{provider}`")]
    NotFound { provider: String },
    #[error("no account `{account}` stored for provider `{provider}`")]
    AccountNotFound { provider: String, account: String },
    #[error("the sign-in for `{provider}` has expired or was revoked; sign in again")]
    Expired { provider: String },
    #[error("the credential for `{provider}` was rejected (HTTP {status})")]
    InvalidCredential { provider: String, status: u16 },
    #[error(
        "the API key for `{provider}` was rejected by its models endpoint (HTTP {status}); it was not stored"
    )]
    KeyRejected { provider: String, status: u16 },
    #[error("provider `{provider}` has no auth method {index}")]
    UnknownMethod { provider: String, index: usize },
    #[error("no pending authorization `{id}`")]
    AuthorizationNotFound { id: String },
    #[error("this sign-in method needs the code shown after authorization")]
    CodeMissing,
    #[error("authorization was denied: {reason}")]
    Denied { reason: String },
    #[error("the authorization request expired before it was approved")]
    FlowExpired,
    #[error("authorization failed: {0}")]
    CallbackFailed(String),
    #[error("HTTP {status} from {endpoint}: {message}")]
    Http {
        endpoint: String,
        status: u16,
        message: String,
    },
    #[error("network error talking to {endpoint}: {message}")]
    Network { endpoint: String, message: String },
    #[error("credential store unavailable: {0}")]
    StoreUnavailable(String),
    #[error("credential store I/O error at {path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("credential file {path} cannot be read: {message}")]
    Corrupt { path: PathBuf, message: String },
    #[error("could not read OpenCode auth file {path}: {message}")]
    Import { path: PathBuf, message: String },
    /// The proxy or CA settings cannot be used; names the setting to fix.
    #[error("{0}")]
    NetworkSettings(crate::net::NetError),
}

impl AuthError {
    /// Stable machine-readable kind for the RPC error's `data.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidParams(_) => "invalid_params",
            Self::NotFound { .. } | Self::AccountNotFound { .. } => "auth_missing",
            Self::Expired { .. } => "auth_expired",
            Self::InvalidCredential { .. } | Self::KeyRejected { .. } => "auth_invalid",
            Self::UnknownMethod { .. } => "auth_method_not_found",
            Self::AuthorizationNotFound { .. } => "authorization_not_found",
            Self::CodeMissing => "oauth_code_missing",
            Self::Denied { .. } => "oauth_denied",
            Self::FlowExpired => "oauth_expired",
            Self::CallbackFailed(_) => "oauth_callback_failed",
            Self::Http { .. } => "provider_http",
            Self::Network { .. } => "network",
            Self::StoreUnavailable(_) | Self::Io { .. } | Self::Corrupt { .. } => "auth_store",
            Self::Import { .. } => "auth_import",
            Self::NetworkSettings(_) => "network_settings",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, err: &std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            message: err.to_string(),
        }
    }

    /// A network error; the URL is dropped from reqwest's text (endpoints are named by the caller).
    pub(crate) fn network(endpoint: &str, err: reqwest::Error) -> Self {
        Self::Network {
            endpoint: endpoint.to_owned(),
            message: err.without_url().to_string(),
        }
    }
}

pub type AuthResult<T> = Result<T, AuthError>;
