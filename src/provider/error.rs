//! Errors of runtime resolution and request authorization. Messages never carry secrets.

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("no credential for provider `{provider}`: {hint}")]
    AuthMissing { provider: String, hint: String },

    /// A sign-in that ended (an AWS SSO session, a revoked refresh token): `hint` says how to renew.
    #[error("the sign-in for provider `{provider}` has expired: {hint}")]
    AuthExpired { provider: String, hint: String },

    /// A credential source that is configured but failed (a `credential_process` exiting non-zero,
    /// a refused token exchange); `reason` names it and never holds a secret.
    #[error("the credential of provider `{provider}` cannot be used: {reason}")]
    AuthFailed { provider: String, reason: String },

    #[error("provider `{provider}` needs `{setting}`: {hint}")]
    ConfigMissing {
        provider: String,
        setting: &'static str,
        hint: String,
    },

    #[error("provider `{provider}` is not supported: {reason}")]
    Unsupported { provider: String, reason: String },

    #[error("invalid option `{option}` for provider `{provider}`: {reason}")]
    InvalidOption {
        provider: String,
        option: &'static str,
        reason: String,
    },

    #[error("invalid URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },

    #[error("token exchange failed: {0}")]
    TokenExchange(String),

    #[error("cannot authorize the request: {0}")]
    Signing(String),
}

impl ProviderError {
    /// The `data.kind` of the JSON-RPC error this maps to.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::AuthMissing { .. } => "auth_missing",
            Self::AuthExpired { .. } => "auth_expired",
            Self::AuthFailed { .. } => "auth_failed",
            Self::ConfigMissing { .. } => "provider_config_missing",
            Self::Unsupported { .. } => "provider_unsupported",
            Self::InvalidOption { .. } | Self::InvalidUrl { .. } => "invalid_params",
            Self::Signing(_) => "auth_signing_failed",
            Self::TokenExchange(_) => "auth_exchange_failed",
        }
    }
}
