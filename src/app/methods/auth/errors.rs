//! Auth domain errors as RPC errors: a coarse `data.kind`, the domain's own kind in
//! `data.authKind`. Messages come from `AuthError`'s Display, which never holds a secret.

use serde_json::{Value, json};

use crate::auth::AuthError;
use crate::rpc::error::{ErrorKind, RpcError};

pub fn rpc_error(err: &AuthError, provider_id: Option<&str>) -> RpcError {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_rpc_kinds_with_the_fine_kind_kept() {
        let err = rpc_error(
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

        let err = rpc_error(&AuthError::CodeMissing, None);
        assert_eq!(err.kind, ErrorKind::InvalidParams);
        assert_eq!(err.data_value()["field"], "code");

        let err = rpc_error(
            &AuthError::Expired {
                provider: "openai".into(),
            },
            None,
        );
        assert_eq!(err.data_value()["kind"], "auth_expired");
        let err = rpc_error(&AuthError::StoreUnavailable("locked".into()), None);
        assert_eq!(err.data_value()["kind"], "storage");
    }
}
