//! JSON-RPC errors: the standard codes, the LSP cancel code, and the application error kinds.
//!
//! Every error the sidecar sends carries `data.kind`, a stable string a host can match on.
//! Application errors use one code per kind, all listed in [`ErrorKind::ALL`], and published
//! in the OpenRPC document's `components.errors`.

use jsonrpsee::types::ErrorObjectOwned;
use serde_json::{Value, json};

pub const PARSE_ERROR: i32 = -32700;
pub const INVALID_REQUEST: i32 = -32600;
pub const METHOD_NOT_FOUND: i32 = -32601;
pub const INVALID_PARAMS: i32 = -32602;
pub const INTERNAL_ERROR: i32 = -32603;
/// LSP's `RequestCancelled`.
pub const REQUEST_CANCELLED: i32 = -32800;

/// Every error kind the sidecar reports, with its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    ParseError,
    MessageTooLarge,
    BadHeader,
    GarbageInput,
    InvalidRequest,
    ServerShuttingDown,
    MethodNotFound,
    InvalidParams,
    Internal,
    InternalPanic,
    RequestCancelled,
    ProviderNotFound,
    ModelNotFound,
    SessionNotFound,
    AuthMissing,
    AuthExpired,
    AuthFailed,
    ProviderHttp,
    RateLimited,
    ContextOverflow,
    StreamInterrupted,
    Storage,
    CatalogUnavailable,
    Config,
    HookFailed,
}

impl ErrorKind {
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::ParseError,
        ErrorKind::MessageTooLarge,
        ErrorKind::BadHeader,
        ErrorKind::GarbageInput,
        ErrorKind::InvalidRequest,
        ErrorKind::ServerShuttingDown,
        ErrorKind::MethodNotFound,
        ErrorKind::InvalidParams,
        ErrorKind::Internal,
        ErrorKind::InternalPanic,
        ErrorKind::RequestCancelled,
        ErrorKind::ProviderNotFound,
        ErrorKind::ModelNotFound,
        ErrorKind::SessionNotFound,
        ErrorKind::AuthMissing,
        ErrorKind::AuthExpired,
        ErrorKind::AuthFailed,
        ErrorKind::ProviderHttp,
        ErrorKind::RateLimited,
        ErrorKind::ContextOverflow,
        ErrorKind::StreamInterrupted,
        ErrorKind::Storage,
        ErrorKind::CatalogUnavailable,
        ErrorKind::Config,
        ErrorKind::HookFailed,
    ];

    pub fn code(self) -> i32 {
        match self {
            ErrorKind::ParseError | ErrorKind::BadHeader | ErrorKind::GarbageInput => PARSE_ERROR,
            ErrorKind::InvalidRequest
            | ErrorKind::MessageTooLarge
            | ErrorKind::ServerShuttingDown => INVALID_REQUEST,
            ErrorKind::MethodNotFound => METHOD_NOT_FOUND,
            ErrorKind::InvalidParams => INVALID_PARAMS,
            ErrorKind::Internal | ErrorKind::InternalPanic => INTERNAL_ERROR,
            ErrorKind::RequestCancelled => REQUEST_CANCELLED,
            ErrorKind::ProviderNotFound => -32001,
            ErrorKind::ModelNotFound => -32002,
            ErrorKind::SessionNotFound => -32003,
            ErrorKind::AuthMissing => -32010,
            ErrorKind::AuthExpired => -32011,
            ErrorKind::AuthFailed => -32012,
            ErrorKind::ProviderHttp => -32020,
            ErrorKind::RateLimited => -32021,
            ErrorKind::ContextOverflow => -32022,
            ErrorKind::StreamInterrupted => -32023,
            ErrorKind::Storage => -32030,
            ErrorKind::CatalogUnavailable => -32031,
            ErrorKind::Config => -32032,
            ErrorKind::HookFailed => -32040,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::ParseError => "parse_error",
            ErrorKind::MessageTooLarge => "message_too_large",
            ErrorKind::BadHeader => "bad_header",
            ErrorKind::GarbageInput => "garbage_input",
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::ServerShuttingDown => "server_shutting_down",
            ErrorKind::MethodNotFound => "method_not_found",
            ErrorKind::InvalidParams => "invalid_params",
            ErrorKind::Internal => "internal",
            ErrorKind::InternalPanic => "internal_panic",
            ErrorKind::RequestCancelled => "request_cancelled",
            ErrorKind::ProviderNotFound => "provider_not_found",
            ErrorKind::ModelNotFound => "model_not_found",
            ErrorKind::SessionNotFound => "session_not_found",
            ErrorKind::AuthMissing => "auth_missing",
            ErrorKind::AuthExpired => "auth_expired",
            ErrorKind::AuthFailed => "auth_failed",
            ErrorKind::ProviderHttp => "provider_http",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::ContextOverflow => "context_overflow",
            ErrorKind::StreamInterrupted => "stream_interrupted",
            ErrorKind::Storage => "storage",
            ErrorKind::CatalogUnavailable => "catalog_unavailable",
            ErrorKind::Config => "config",
            ErrorKind::HookFailed => "hook_failed",
        }
    }

    pub fn from_kind_str(kind: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.as_str() == kind)
    }

    pub fn description(self) -> &'static str {
        match self {
            ErrorKind::ParseError => "The message is not valid JSON.",
            ErrorKind::MessageTooLarge => {
                "The message exceeds the size limit; its bytes were skipped. data: size, limit."
            }
            ErrorKind::BadHeader => {
                "An LSP header block had no usable Content-Length; the reader resynchronised at the next header."
            }
            ErrorKind::GarbageInput => {
                "Bytes that are neither a header nor JSON were skipped. data: skipped."
            }
            ErrorKind::InvalidRequest => "The JSON is not a valid JSON-RPC 2.0 request.",
            ErrorKind::ServerShuttingDown => "`shutdown` was received; only `exit` is accepted.",
            ErrorKind::MethodNotFound => "No such method. data: method.",
            ErrorKind::InvalidParams => {
                "The params do not match the method's schema. data: field (a path), reason."
            }
            ErrorKind::Internal => "An internal error.",
            ErrorKind::InternalPanic => {
                "The handler failed unexpectedly; the server keeps serving other requests."
            }
            ErrorKind::RequestCancelled => {
                "The request was cancelled by `$/cancelRequest`, session close or shutdown. data may hold partial results."
            }
            ErrorKind::ProviderNotFound => "No such provider. data: providerId.",
            ErrorKind::ModelNotFound => "No such model. data: providerId, modelId.",
            ErrorKind::SessionNotFound => "No open session with this id. data: sessionId.",
            ErrorKind::AuthMissing => {
                "No credential for the provider. data: providerId, hint (what would provide one)."
            }
            ErrorKind::AuthExpired => {
                "A sign-in expired and could not be renewed (an OAuth refresh refused, an AWS SSO session over). data: providerId, hint (how to sign in again)."
            }
            ErrorKind::AuthFailed => {
                "An authorization flow failed or was denied. data: providerId."
            }
            ErrorKind::ProviderHttp => {
                "The provider answered with an error. data: status, providerMessage, retryable."
            }
            ErrorKind::RateLimited => {
                "The provider rate-limited the request. data: status, retryAfterMs, retryable."
            }
            ErrorKind::ContextOverflow => "The input exceeds the model's context window.",
            ErrorKind::StreamInterrupted => "The provider's stream ended early. data: partial.",
            ErrorKind::Storage => "Reading or writing the data dir failed.",
            ErrorKind::CatalogUnavailable => "The catalog could not be loaded or refreshed.",
            ErrorKind::Config => "The configuration is invalid. data: field, reason.",
            ErrorKind::HookFailed => {
                "A hook of a plugin that fails closed failed, timed out or answered garbage; nothing was sent. data: plugin, hook, reason."
            }
        }
    }
}

/// An error answered to one request.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct RpcError {
    pub kind: ErrorKind,
    pub message: String,
    /// Extra fields merged into `data` next to `kind`.
    pub data: Option<Value>,
}

impl RpcError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            data: None,
        }
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    pub fn invalid_params(field: impl Into<String>, reason: impl Into<String>) -> Self {
        let field = field.into();
        let reason = reason.into();
        let message = if field.is_empty() {
            format!("invalid params: {reason}")
        } else {
            format!("invalid params: {field}: {reason}")
        };
        Self::new(ErrorKind::InvalidParams, message)
            .with_data(json!({ "field": field, "reason": reason }))
    }

    pub fn cancelled() -> Self {
        Self::new(ErrorKind::RequestCancelled, "request cancelled")
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    pub fn code(&self) -> i32 {
        self.kind.code()
    }

    /// The `data` member: `{kind, ...extra}`.
    pub fn data_value(&self) -> Value {
        let mut data = serde_json::Map::new();
        data.insert("kind".into(), Value::String(self.kind.as_str().into()));
        match &self.data {
            Some(Value::Object(extra)) => {
                for (k, v) in extra {
                    data.insert(k.clone(), v.clone());
                }
            }
            Some(other) => {
                data.insert("detail".into(), other.clone());
            }
            None => {}
        }
        Value::Object(data)
    }

    pub fn to_error_object(&self) -> ErrorObjectOwned {
        ErrorObjectOwned::owned(self.code(), self.message.clone(), Some(self.data_value()))
    }

    /// A complete JSON-RPC error response.
    pub fn to_response(&self, id: &Value) -> Value {
        json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": {
                "code": self.code(),
                "message": self.message,
                "data": self.data_value(),
            }
        })
    }
}

impl From<RpcError> for ErrorObjectOwned {
    fn from(err: RpcError) -> Self {
        err.to_error_object()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_and_application_codes_are_unique() {
        let mut app_codes = std::collections::HashSet::new();
        for kind in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_kind_str(kind.as_str()), Some(*kind));
            if kind.code() > -32100 && kind.code() <= -32000 {
                assert!(
                    app_codes.insert(kind.code()),
                    "duplicate code {}",
                    kind.code()
                );
            }
        }
    }

    #[test]
    fn data_carries_kind_and_extra_fields() {
        let err = RpcError::invalid_params("messages[0].role", "unknown variant");
        let data = err.data_value();
        assert_eq!(data["kind"], "invalid_params");
        assert_eq!(data["field"], "messages[0].role");
        assert_eq!(err.code(), -32602);
    }
}
