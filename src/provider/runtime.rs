//! The resolved runtime of (session, provider, model): where and how a chat request goes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::input::AwsCredentials;
use super::secret::{REDACTED, Secret};
use crate::protocol::WireFormat;

/// Which wire protocol a model is called with, as its provider profile decides it (the catalog's
/// `protocol` of a model and the runtime's alike). `zai` is OpenAI chat with Z.AI's own loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RuntimeProtocol {
    Anthropic,
    OpenaiResponses,
    OpenaiChat,
    Gemini,
    Bedrock,
    Cohere,
    Zai,
}

impl RuntimeProtocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anthropic => "anthropic",
            Self::OpenaiResponses => "openai-responses",
            Self::OpenaiChat => "openai-chat",
            Self::Gemini => "gemini",
            Self::Bedrock => "bedrock",
            Self::Cohere => "cohere",
            Self::Zai => "zai",
        }
    }

    /// The wire format this protocol is spoken in (Z.AI speaks OpenAI chat).
    pub fn wire_format(self) -> WireFormat {
        match self {
            Self::OpenaiChat | Self::Zai => WireFormat::OpenaiChat,
            Self::OpenaiResponses => WireFormat::OpenaiResponses,
            Self::Anthropic => WireFormat::Anthropic,
            Self::Gemini => WireFormat::Gemini,
            Self::Bedrock => WireFormat::Bedrock,
            Self::Cohere => WireFormat::Cohere,
        }
    }
}

/// Request-time header rules that depend on the body (added by `authorize_request`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DynamicHeaders {
    /// GitHub Copilot: `x-initiator` from the last message, `Copilot-Vision-Request` for images.
    Copilot,
}

/// How the credential is put on a request.
#[derive(Debug, Clone)]
pub enum AuthScheme {
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// A header carrying the secret, with an optional value prefix (e.g. `Bearer `).
    Header {
        name: String,
        prefix: &'static str,
        value: Secret,
    },
    /// AWS Signature Version 4 over the final request.
    SigV4 {
        region: String,
        service: String,
        credentials: AwsCredentials,
    },
    /// Z.AI: `id.secret` keys become a short-lived HS256 JWT, other keys go as is.
    ZaiKey(Secret),
}

impl AuthScheme {
    pub fn preview(&self) -> AuthPreview {
        match self {
            Self::None => AuthPreview {
                scheme: "none".into(),
                header: None,
                value: None,
                region: None,
                service: None,
            },
            Self::Bearer(_) => AuthPreview {
                scheme: "bearer".into(),
                header: Some("Authorization".into()),
                value: Some(format!("Bearer {REDACTED}")),
                region: None,
                service: None,
            },
            Self::Header { name, prefix, .. } => AuthPreview {
                scheme: "header".into(),
                header: Some(name.clone()),
                value: Some(format!("{prefix}{REDACTED}")),
                region: None,
                service: None,
            },
            Self::SigV4 {
                region, service, ..
            } => AuthPreview {
                scheme: "sigv4".into(),
                header: Some("Authorization".into()),
                value: Some(format!("AWS4-HMAC-SHA256 {REDACTED}")),
                region: Some(region.clone()),
                service: Some(service.clone()),
            },
            Self::ZaiKey(_) => AuthPreview {
                scheme: "zai-jwt".into(),
                header: Some("Authorization".into()),
                value: Some(format!("Bearer {REDACTED}")),
                region: None,
                service: None,
            },
        }
    }
}

/// The outcome of a loader. Holds secrets (in `auth`); show it through [`ResolvedRuntime::redacted`].
/// Its `Debug` output is the redacted view.
#[derive(Clone)]
pub struct ResolvedRuntime {
    pub provider_id: String,
    pub protocol: RuntimeProtocol,
    pub base_url: String,
    /// Full URL of a streaming chat call.
    pub chat_url: String,
    /// Non-secret headers for every request (loader defaults ← config ← session).
    pub headers: BTreeMap<String, String>,
    pub auth: AuthScheme,
    /// Provider-specific body fields the wire client merges into the request body.
    pub default_options: Map<String, Value>,
    /// The model id as sent on the wire (or in the URL).
    pub wire_model_id: String,
    /// False when the model is named by the URL and the body must not carry `model`
    /// (Gemini, Bedrock, Vertex Anthropic).
    pub model_in_body: bool,
    pub dynamic_headers: Option<DynamicHeaders>,
}

/// A redacted, serializable view of a [`ResolvedRuntime`] for `transform/preview` and logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuntimePreview {
    pub provider_id: String,
    pub protocol: RuntimeProtocol,
    pub base_url: String,
    pub chat_url: String,
    pub headers: BTreeMap<String, String>,
    pub auth: AuthPreview,
    pub default_options: Map<String, Value>,
    pub wire_model_id: String,
    pub model_in_body: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_headers: Option<DynamicHeaders>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthPreview {
    /// `none`, `bearer`, `header`, `sigv4` or `zai-jwt`.
    pub scheme: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

impl std::fmt::Debug for ResolvedRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.redacted(), f)
    }
}

impl ResolvedRuntime {
    pub fn redacted(&self) -> RuntimePreview {
        RuntimePreview {
            provider_id: self.provider_id.clone(),
            protocol: self.protocol,
            base_url: self.base_url.clone(),
            chat_url: self.chat_url.clone(),
            headers: redact_headers(&self.headers),
            auth: self.auth.preview(),
            default_options: self.default_options.clone(),
            wire_model_id: self.wire_model_id.clone(),
            model_in_body: self.model_in_body,
            dynamic_headers: self.dynamic_headers,
        }
    }
}

/// Whether a header name usually carries a credential.
pub fn is_sensitive_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "x-amz-security-token"
    ) || lower.contains("key")
        || lower.contains("token")
        || lower.contains("secret")
        || lower.ends_with("-authorization")
}

/// Replaces the values of credential-bearing headers with "[redacted]".
pub fn redact_headers(headers: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if is_sensitive_header(name) {
                REDACTED.to_string()
            } else {
                value.clone()
            };
            (name.clone(), shown)
        })
        .collect()
}
