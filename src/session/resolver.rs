//! The runtime resolution seam: (session, provider, model) → everything a wire call needs.
//!
//! [`ConfigResolver`] is the config-driven implementation (OpenCode's `provider` map: `npm`, `api`,
//! `env`, `options.{baseURL, apiKey, headers, maxConcurrency}`, `models.<id>.{id, headers,
//! options.maxConcurrency}`), the real path for custom
//! OpenAI-compatible providers. The per-provider loaders and the credential store plug in behind
//! [`RuntimeResolver`] too.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::error::ResolveError;
use super::store::SessionSnapshot;
use crate::protocol::WireFormat;
use crate::protocol::call::Endpoint;

/// A call ready for `protocol::call::prepare` / `execute_stream`.
#[derive(Debug, Clone)]
pub struct ResolvedCall {
    pub format: WireFormat,
    /// Base URL and headers, auth included (values are redacted from `Debug`).
    pub endpoint: Endpoint,
    /// The model id sent on the wire.
    pub model_id: String,
    /// Concurrent requests allowed for this provider/model (0: unlimited).
    pub max_concurrency: usize,
}

#[async_trait::async_trait]
pub trait RuntimeResolver: Send + Sync {
    async fn resolve(
        &self,
        session: &SessionSnapshot,
        provider_id: &str,
        model_id: &str,
    ) -> Result<ResolvedCall, ResolveError>;
}

/// The wire format an AI SDK package speaks.
pub fn format_for_npm(npm: Option<&str>) -> WireFormat {
    match npm {
        Some("@ai-sdk/anthropic") => WireFormat::Anthropic,
        Some("@ai-sdk/openai") => WireFormat::OpenaiResponses,
        Some("@ai-sdk/google") => WireFormat::Gemini,
        Some("@ai-sdk/cohere") => WireFormat::Cohere,
        Some("@ai-sdk/amazon-bedrock") => WireFormat::Bedrock,
        _ => WireFormat::OpenaiChat,
    }
}

/// `my-provider` → `MY_PROVIDER_API_KEY`.
pub fn default_env_name(provider_id: &str) -> String {
    let mut name: String = provider_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    name.push_str("_API_KEY");
    name
}

/// Resolves from the session's merged config alone.
#[derive(Debug, Default, Clone)]
pub struct ConfigResolver;

impl ConfigResolver {
    pub fn resolve_now(
        &self,
        session: &SessionSnapshot,
        provider_id: &str,
        model_id: &str,
    ) -> Result<ResolvedCall, ResolveError> {
        let config = session.merged_config();
        let provider = config
            .get("provider")
            .and_then(|providers| providers.get(provider_id))
            .filter(|p| p.is_object())
            .ok_or_else(|| ResolveError::ProviderNotFound(provider_id.to_string()))?;
        let options = provider.get("options").cloned().unwrap_or(Value::Null);
        let format = format_for_npm(provider.get("npm").and_then(Value::as_str));
        let base_url = options
            .get("baseURL")
            .and_then(Value::as_str)
            .or_else(|| provider.get("api").and_then(Value::as_str))
            .filter(|url| !url.is_empty())
            .ok_or_else(|| ResolveError::Config {
                field: format!("provider.{provider_id}.options.baseURL"),
                reason: "no base URL for this provider (set options.baseURL or api)".into(),
            })?
            .trim_end_matches('/')
            .to_string();
        let model = provider
            .get("models")
            .and_then(|models| models.get(model_id));
        let wire_model = model
            .and_then(|m| m.get("id"))
            .and_then(Value::as_str)
            .unwrap_or(model_id)
            .to_string();

        let mut headers = HeaderMap::new();
        let header_field = format!("provider.{provider_id}.options.headers");
        add_headers(&mut headers, options.get("headers"), &header_field)?;
        if let Some(model) = model {
            add_headers(
                &mut headers,
                model.get("headers"),
                &format!("provider.{provider_id}.models.{model_id}.headers"),
            )?;
        }
        for (name, value) in session.headers() {
            insert_header(&mut headers, name, value, "headers")?;
        }
        if let Some((token, oauth)) = credential(session, provider_id, provider, &options) {
            apply_auth(&mut headers, format, &token, oauth)?;
        }
        let max_concurrency = model
            .and_then(|m| m.get("options"))
            .and_then(|o| o.get("maxConcurrency"))
            .or_else(|| options.get("maxConcurrency"))
            .and_then(Value::as_u64)
            .unwrap_or(0) as usize;
        Ok(ResolvedCall {
            format,
            endpoint: Endpoint { base_url, headers },
            model_id: wire_model,
            max_concurrency,
        })
    }
}

#[async_trait::async_trait]
impl RuntimeResolver for ConfigResolver {
    async fn resolve(
        &self,
        session: &SessionSnapshot,
        provider_id: &str,
        model_id: &str,
    ) -> Result<ResolvedCall, ResolveError> {
        self.resolve_now(session, provider_id, model_id)
    }
}

/// Session credential → env (the provider's `env` names, else `<ID>_API_KEY`) → config `apiKey`.
/// The bool is true for an OAuth access token.
fn credential(
    session: &SessionSnapshot,
    provider_id: &str,
    provider: &Value,
    options: &Value,
) -> Option<(zeroize::Zeroizing<String>, bool)> {
    if let Some(credential) = session.credential(provider_id) {
        return Some((
            zeroize::Zeroizing::new(credential.token().expose().to_string()),
            credential.is_oauth(),
        ));
    }
    let names: Vec<String> = match provider.get("env").and_then(Value::as_array) {
        Some(names) => names
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        None => vec![default_env_name(provider_id)],
    };
    if let Some(value) = names
        .iter()
        .find_map(|name| session.env(name).filter(|v| !v.is_empty()))
    {
        return Some((zeroize::Zeroizing::new(value.to_string()), false));
    }
    options
        .get("apiKey")
        .and_then(Value::as_str)
        .filter(|key| !key.is_empty())
        .map(|key| (zeroize::Zeroizing::new(key.to_string()), false))
}

fn apply_auth(
    headers: &mut HeaderMap,
    format: WireFormat,
    token: &str,
    oauth: bool,
) -> Result<(), ResolveError> {
    let (name, value) = match format {
        WireFormat::Anthropic if !oauth => ("x-api-key", token.to_string()),
        WireFormat::Gemini if !oauth => ("x-goog-api-key", token.to_string()),
        _ => ("authorization", format!("Bearer {token}")),
    };
    let value = zeroize::Zeroizing::new(value);
    let mut value = HeaderValue::from_str(&value).map_err(|_| ResolveError::Config {
        field: "credentials".into(),
        reason: "the credential is not a valid header value".into(),
    })?;
    value.set_sensitive(true);
    headers.insert(HeaderName::from_static(name), value);
    Ok(())
}

fn add_headers(
    headers: &mut HeaderMap,
    source: Option<&Value>,
    field: &str,
) -> Result<(), ResolveError> {
    let Some(source) = source.and_then(Value::as_object) else {
        return Ok(());
    };
    for (name, value) in source {
        let Some(value) = value.as_str() else {
            return Err(ResolveError::Config {
                field: format!("{field}.{name}"),
                reason: "a header value must be a string".into(),
            });
        };
        insert_header(headers, name, value, field)?;
    }
    Ok(())
}

pub(crate) fn insert_header(
    headers: &mut HeaderMap,
    name: &str,
    value: &str,
    field: &str,
) -> Result<(), ResolveError> {
    let invalid = |reason: &str| ResolveError::Config {
        field: format!("{field}.{name}"),
        reason: reason.into(),
    };
    let name =
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("invalid header name"))?;
    let mut value = HeaderValue::from_str(value).map_err(|_| invalid("invalid header value"))?;
    value.set_sensitive(true);
    headers.insert(name, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::session::store::{SessionOpenParams, SessionStore};

    fn snapshot(session: Value, global: Value, env: &[(&str, &str)]) -> SessionSnapshot {
        let store = SessionStore::new();
        let mut session = session;
        session["sessionId"] = json!("s");
        let params: SessionOpenParams = serde_json::from_value(session).expect("params");
        store.open(params).expect("opens");
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        store
            .snapshot("s", Arc::new(env), Some(Arc::new(global)))
            .expect("open")
    }

    fn header(call: &ResolvedCall, name: &str) -> Option<String> {
        call.endpoint
            .headers
            .get(name)
            .map(|v| v.to_str().expect("ascii").to_string())
    }

    fn global() -> Value {
        json!({"provider": {
            "local": {"npm": "@ai-sdk/openai-compatible", "options": {"baseURL": "http://127.0.0.1:1/v1/", "apiKey": "config-key", "headers": {"x-app": "desk"}, "maxConcurrency": 4},
                      "models": {"alias": {"id": "real-model-id", "options": {"maxConcurrency": 1}}}},
            "claude": {"npm": "@ai-sdk/anthropic", "api": "http://a.example/v1", "env": ["MY_CLAUDE_KEY"]},
            "gem": {"npm": "@ai-sdk/google", "options": {"baseURL": "http://g.example"}}
        }})
    }

    #[test]
    fn credential_order_is_session_env_config() {
        let resolver = ConfigResolver;
        let call = resolver
            .resolve_now(&snapshot(json!({}), global(), &[]), "local", "alias")
            .expect("resolves");
        assert_eq!(call.format, WireFormat::OpenaiChat);
        assert_eq!(call.endpoint.base_url, "http://127.0.0.1:1/v1");
        assert_eq!(call.model_id, "real-model-id");
        assert_eq!(call.max_concurrency, 1, "the model's own limit wins");
        assert_eq!(
            header(&call, "authorization").as_deref(),
            Some("Bearer config-key")
        );
        assert_eq!(header(&call, "x-app").as_deref(), Some("desk"));

        let call = resolver
            .resolve_now(
                &snapshot(json!({}), global(), &[("LOCAL_API_KEY", "env-key")]),
                "local",
                "m",
            )
            .expect("resolves");
        assert_eq!(
            header(&call, "authorization").as_deref(),
            Some("Bearer env-key")
        );
        assert_eq!(call.model_id, "m");
        assert_eq!(call.max_concurrency, 4, "the provider's limit");

        let call = resolver
            .resolve_now(
                &snapshot(
                    json!({"env": {"LOCAL_API_KEY": "overlay-key"}}),
                    global(),
                    &[("LOCAL_API_KEY", "env-key")],
                ),
                "local",
                "m",
            )
            .expect("resolves");
        assert_eq!(
            header(&call, "authorization").as_deref(),
            Some("Bearer overlay-key")
        );

        let call = resolver
            .resolve_now(
                &snapshot(
                    json!({"credentials": {"local": {"apiKey": "session-key"}}, "headers": {"x-app": "session"}}),
                    global(),
                    &[("LOCAL_API_KEY", "env-key")],
                ),
                "local",
                "m",
            )
            .expect("resolves");
        assert_eq!(
            header(&call, "authorization").as_deref(),
            Some("Bearer session-key")
        );
        assert_eq!(header(&call, "x-app").as_deref(), Some("session"));
        assert!(!format!("{call:?}").contains("session-key"));
    }

    #[test]
    fn auth_header_follows_the_wire_format() {
        let resolver = ConfigResolver;
        let call = resolver
            .resolve_now(
                &snapshot(
                    json!({}),
                    global(),
                    &[("MY_CLAUDE_KEY", "ant"), ("CLAUDE_API_KEY", "no")],
                ),
                "claude",
                "c",
            )
            .expect("resolves");
        assert_eq!(call.format, WireFormat::Anthropic);
        assert_eq!(header(&call, "x-api-key").as_deref(), Some("ant"));
        assert_eq!(call.endpoint.base_url, "http://a.example/v1");
        let call = resolver
            .resolve_now(
                &snapshot(
                    json!({"credentials": {"claude": {"type": "oauth", "access": "acc"}}}),
                    global(),
                    &[],
                ),
                "claude",
                "c",
            )
            .expect("resolves");
        assert_eq!(
            header(&call, "authorization").as_deref(),
            Some("Bearer acc")
        );
        assert!(header(&call, "x-api-key").is_none());
        let call = resolver
            .resolve_now(
                &snapshot(json!({}), global(), &[("GEM_API_KEY", "g")]),
                "gem",
                "gemini",
            )
            .expect("resolves");
        assert_eq!(call.format, WireFormat::Gemini);
        assert_eq!(header(&call, "x-goog-api-key").as_deref(), Some("g"));
    }

    #[test]
    fn errors_name_what_is_missing() {
        let resolver = ConfigResolver;
        let err = resolver
            .resolve_now(&snapshot(json!({}), global(), &[]), "nope", "m")
            .expect_err("unknown provider");
        assert_eq!(err.kind(), "provider_not_found");
        let err = resolver
            .resolve_now(
                &snapshot(
                    json!({"config": {"provider": {"bare": {"npm": "x"}}}}),
                    json!(null),
                    &[],
                ),
                "bare",
                "m",
            )
            .expect_err("no base URL");
        assert_eq!(err.kind(), "config");
        assert_eq!(
            format_for_npm(Some("@ai-sdk/openai")),
            WireFormat::OpenaiResponses
        );
        assert_eq!(format_for_npm(Some("@ai-sdk/cohere")), WireFormat::Cohere);
        assert_eq!(
            format_for_npm(Some("@ai-sdk/amazon-bedrock")),
            WireFormat::Bedrock
        );
        assert_eq!(format_for_npm(None), WireFormat::OpenaiChat);
        assert_eq!(default_env_name("my-provider.x"), "MY_PROVIDER_X_API_KEY");
    }
}
