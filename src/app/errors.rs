//! The domain's errors as JSON-RPC errors: the code and `data.kind` a host matches on, the fields
//! that say what to fix. Messages come from the domain errors' Display, which never holds a
//! secret. (A chat's errors are mapped beside the chat methods, in `methods/chat.rs`.)

use serde_json::{Value, json};

use crate::auth::AuthError;
use crate::catalog::CatalogError;
use crate::config::opencode_import::ImportError;
use crate::config::{ConfigError, PreferencesError};
use crate::net::NetError;
use crate::rpc::error::{ErrorKind, RpcError};
use crate::session::SessionError;

/// An auth error: a coarse `data.kind`, the domain's own kind in `data.authKind`.
pub fn auth_error(err: &AuthError, provider_id: Option<&str>) -> RpcError {
    let kind = match err {
        AuthError::InvalidParams(_) | AuthError::CodeMissing | AuthError::UnknownMethod { .. } => {
            ErrorKind::InvalidParams
        }
        AuthError::NotFound { .. } | AuthError::AccountNotFound { .. } => ErrorKind::AuthMissing,
        AuthError::Expired { .. } => ErrorKind::AuthExpired,
        AuthError::InvalidCredential { .. }
        | AuthError::KeyRejected { .. }
        | AuthError::AuthorizationNotFound { .. }
        | AuthError::Denied { .. }
        | AuthError::FlowExpired
        | AuthError::CallbackFailed(_)
        | AuthError::Network { .. } => ErrorKind::AuthFailed,
        AuthError::Http { .. } => ErrorKind::ProviderHttp,
        AuthError::StoreUnavailable(_)
        | AuthError::Io { .. }
        | AuthError::Corrupt { .. }
        | AuthError::Import { .. } => ErrorKind::Storage,
        AuthError::NetworkSettings(_) => ErrorKind::Config,
    };
    let mut data = json!({ "authKind": err.kind() });
    if let Some(id) = provider_id {
        data["providerId"] = Value::String(id.to_owned());
    }
    if kind == ErrorKind::InvalidParams {
        data["field"] = Value::String(invalid_field(err).to_owned());
        data["reason"] = Value::String(err.to_string());
    }
    if let AuthError::NetworkSettings(net) = err {
        data["field"] = Value::String(net.field());
        data["reason"] = Value::String(err.to_string());
    }
    if let AuthError::Http { status, .. } = err {
        data["status"] = json!(status);
        data["retryable"] = json!(*status >= 500 || *status == 429);
    }
    RpcError::new(kind, err.to_string()).with_data(data)
}

fn invalid_field(err: &AuthError) -> &'static str {
    match err {
        AuthError::CodeMissing => "code",
        AuthError::UnknownMethod { .. } => "method",
        _ => "",
    }
}

/// -32602 with `data.kind = "config"`: the config is part of the params it came in.
pub fn config_error(field_prefix: &str, error: &ConfigError) -> RpcError {
    let field = match error {
        ConfigError::Invalid { path, .. } if !path.is_empty() && path != "." => {
            format!("{field_prefix}.{path}")
        }
        _ => field_prefix.to_owned(),
    };
    RpcError::new(ErrorKind::InvalidParams, format!("invalid config: {error}")).with_data(json!({
        "kind": ErrorKind::Config.as_str(),
        "field": field,
        "reason": error.to_string(),
        "configKind": error.kind(),
    }))
}

/// A catalog error: not found (with suggestions), storage, network settings, or unavailable.
pub fn catalog_error(error: CatalogError) -> RpcError {
    let message = error.to_string();
    match error {
        CatalogError::ProviderNotFound { provider_id } => {
            RpcError::new(ErrorKind::ProviderNotFound, message)
                .with_data(json!({ "providerId": provider_id }))
        }
        CatalogError::ModelNotFound {
            provider_id,
            model_id,
            suggestions,
        } => RpcError::new(ErrorKind::ModelNotFound, message).with_data(json!({
            "providerId": provider_id,
            "modelId": model_id,
            "suggestions": suggestions,
        })),
        CatalogError::Storage(_) => RpcError::new(ErrorKind::Storage, message),
        CatalogError::Network(err) => net_error(&err),
        other => RpcError::new(ErrorKind::CatalogUnavailable, message)
            .with_data(json!({ "reason": other.kind() })),
    }
}

/// Preferences that could not be read or stored.
pub fn preferences_error(error: PreferencesError) -> RpcError {
    RpcError::new(ErrorKind::Storage, error.to_string())
        .with_data(json!({ "reason": error.kind() }))
}

/// A network setting that cannot be used: `config` with the setting to fix in `data.field`.
pub fn net_error(err: &NetError) -> RpcError {
    RpcError::new(ErrorKind::Config, err.to_string())
        .with_data(json!({"field": err.field(), "reason": err.to_string()}))
}

/// A session that is not open, or session params that do not hold.
/// `hook_failed`: which plugin's hook failed (a plugin that fails closed), and why.
pub fn hook_failed(failed: crate::plugin::HookFailed) -> RpcError {
    RpcError::new(ErrorKind::HookFailed, failed.to_string()).with_data(json!({
        "plugin": failed.plugin,
        "hook": failed.hook.as_str(),
        "reason": failed.failure.reason(),
    }))
}

pub fn session_error(err: SessionError) -> RpcError {
    match &err {
        SessionError::NotFound(id) => RpcError::new(ErrorKind::SessionNotFound, err.to_string())
            .with_data(json!({ "sessionId": id })),
        SessionError::Invalid { field, reason } => RpcError::invalid_params(field, reason),
    }
}

/// An OpenCode config import that failed: storage, or a config it cannot read.
pub fn import_error(error: ImportError) -> RpcError {
    let kind = match error.kind() {
        "storage" => ErrorKind::Storage,
        _ => ErrorKind::Config,
    };
    RpcError::new(kind, error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_rpc_kinds_with_the_fine_kind_kept() {
        let err = auth_error(
            &AuthError::Denied {
                reason: "access_denied".into(),
            },
            Some("github-copilot"),
        );
        assert_eq!(err.kind, ErrorKind::AuthFailed);
        let data = err.data_value();
        assert_eq!(data["kind"], "auth_failed");
        assert_eq!(data["authKind"], "oauth_denied");
        assert_eq!(data["providerId"], "github-copilot");

        let err = auth_error(&AuthError::CodeMissing, None);
        assert_eq!(err.kind, ErrorKind::InvalidParams);
        assert_eq!(err.data_value()["field"], "code");

        let err = auth_error(
            &AuthError::Expired {
                provider: "openai".into(),
            },
            None,
        );
        assert_eq!(err.data_value()["kind"], "auth_expired");
        let err = auth_error(&AuthError::StoreUnavailable("locked".into()), None);
        assert_eq!(err.data_value()["kind"], "storage");
    }

    #[test]
    fn catalog_errors_map_to_their_kinds() {
        let error = catalog_error(CatalogError::ProviderNotFound {
            provider_id: "nope".into(),
        });
        assert_eq!(error.code(), ErrorKind::ProviderNotFound.code());
        assert_eq!(error.data_value()["providerId"], "nope");
        let error = catalog_error(CatalogError::FetchDisabled);
        assert_eq!(error.kind, ErrorKind::CatalogUnavailable);
        assert_eq!(error.data_value()["reason"], "catalog_fetch_disabled");
    }
}
