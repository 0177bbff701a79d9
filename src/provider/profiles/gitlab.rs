//! GitLab Duo Agentic Chat through the GitLab AI Gateway proxies: a GitLab token (PAT or OAuth)
//! is exchanged at `{instance}/api/v4/ai/third_party_agents/direct_access` for a short-lived
//! gateway token plus routing headers; `duo-chat-*` models then go to the Anthropic or OpenAI
//! proxy with the upstream model id.
//!
//! Resolution is synchronous: `Credential::BearerToken` is the *exchanged* gateway token (the
//! [`crate::provider::exchange::TokenBroker`] does the exchange and adds the routing headers to
//! the session headers). `duo-workflow-*` models (Duo Agent Platform over WebSocket) are not
//! supported.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::Profile;
use super::{anthropic, generic, runtime_at};
use crate::provider::clock::Clock;
use crate::provider::common::{join_url, merged_headers, validate_url};
use crate::provider::error::ProviderError;
use crate::provider::input::{Credential, LoaderInput};
use crate::provider::runtime::{AuthScheme, ResolvedRuntime, RuntimeProtocol};
use crate::provider::secret::Secret;

pub struct GitlabProfile;
pub static PROFILE: GitlabProfile = GitlabProfile;

impl Profile for GitlabProfile {
    fn family(&self) -> &'static str {
        "gitlab"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "gitlab"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["gitlab-ai-provider"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve(input)
    }

    fn catalog_note(&self) -> Option<&'static str> {
        Some("GitLab Duo needs GitLab's own agent protocol, which is not supported")
    }
}

pub const DEFAULT_INSTANCE: &str = "https://gitlab.com";
pub const DEFAULT_AI_GATEWAY: &str = "https://cloud.gitlab.com";
pub const TOKEN_ENV: &str = "GITLAB_TOKEN";
/// OpenCode's gateway beta for Anthropic models.
pub const ANTHROPIC_BETA: &str = "context-1m-2025-08-07";
/// Gateway tokens are reused this long.
const DIRECT_ACCESS_TTL_MS: i64 = 25 * 60 * 1000;

/// `duo-chat-*` catalog ids → (wire protocol, upstream model id), as gitlab-ai-provider maps them.
const MODELS: &[(&str, RuntimeProtocol, &str)] = &[
    (
        "duo-chat-opus-4-8",
        RuntimeProtocol::Anthropic,
        "claude-opus-4-8",
    ),
    (
        "duo-chat-opus-4-7",
        RuntimeProtocol::Anthropic,
        "claude-opus-4-7",
    ),
    (
        "duo-chat-opus-4-6",
        RuntimeProtocol::Anthropic,
        "claude-opus-4-6",
    ),
    (
        "duo-chat-opus-4-5",
        RuntimeProtocol::Anthropic,
        "claude-opus-4-5-20251101",
    ),
    (
        "duo-chat-sonnet-4-6",
        RuntimeProtocol::Anthropic,
        "claude-sonnet-4-6",
    ),
    (
        "duo-chat-sonnet-4-5",
        RuntimeProtocol::Anthropic,
        "claude-sonnet-4-5-20250929",
    ),
    (
        "duo-chat-haiku-4-5",
        RuntimeProtocol::Anthropic,
        "claude-haiku-4-5-20251001",
    ),
    (
        "duo-chat-gpt-5-1",
        RuntimeProtocol::OpenaiChat,
        "gpt-5.1-2025-11-13",
    ),
    (
        "duo-chat-gpt-5-2",
        RuntimeProtocol::OpenaiChat,
        "gpt-5.2-2025-12-11",
    ),
    (
        "duo-chat-gpt-5-4",
        RuntimeProtocol::OpenaiChat,
        "gpt-5.4-2026-03-05",
    ),
    (
        "duo-chat-gpt-5-5",
        RuntimeProtocol::OpenaiChat,
        "gpt-5.5-2026-04-23",
    ),
    (
        "duo-chat-gpt-5-mini",
        RuntimeProtocol::OpenaiChat,
        "gpt-5-mini-2025-08-07",
    ),
    (
        "duo-chat-gpt-5-4-mini",
        RuntimeProtocol::OpenaiChat,
        "gpt-5.4-mini",
    ),
    (
        "duo-chat-gpt-5-4-nano",
        RuntimeProtocol::OpenaiChat,
        "gpt-5.4-nano",
    ),
    (
        "duo-chat-gpt-5-codex",
        RuntimeProtocol::OpenaiResponses,
        "gpt-5-codex",
    ),
    (
        "duo-chat-gpt-5-2-codex",
        RuntimeProtocol::OpenaiResponses,
        "gpt-5.2-codex",
    ),
    (
        "duo-chat-gpt-5-3-codex",
        RuntimeProtocol::OpenaiResponses,
        "gpt-5.3-codex",
    ),
];

pub fn model_route(model_id: &str) -> Option<(RuntimeProtocol, &'static str)> {
    MODELS
        .iter()
        .find(|(id, _, _)| *id == model_id)
        .map(|(_, protocol, upstream)| (*protocol, *upstream))
}

/// `GITLAB_INSTANCE_URL`, default gitlab.com.
pub fn instance_url(input: &LoaderInput<'_>) -> String {
    input
        .option_str("instanceUrl")
        .or_else(|| input.env_var("GITLAB_INSTANCE_URL"))
        .unwrap_or(DEFAULT_INSTANCE)
        .trim_end_matches('/')
        .to_string()
}

/// The GitLab token to exchange: OAuth access, API key, else `GITLAB_TOKEN`.
pub fn gitlab_token(input: &LoaderInput<'_>) -> Option<Secret> {
    match input.credential {
        Some(Credential::OAuth { access, .. }) | Some(Credential::ApiKey(access)) => {
            Some(access.clone())
        }
        _ => input.env_var(TOKEN_ENV).map(Secret::from),
    }
}

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    if input.option_str("baseURL").is_some() {
        return generic::resolve(input);
    }
    let model = input.model_id.trim();
    let Some((protocol, upstream)) = model_route(model) else {
        return Err(ProviderError::Unsupported {
            provider: input.provider_id.to_string(),
            reason: format!(
                "model `{model}` has no AI Gateway route (duo-workflow models need the Duo Agent Platform WebSocket protocol)"
            ),
        });
    };
    let Some(Credential::BearerToken(gateway_token)) = input.credential else {
        return Err(ProviderError::AuthMissing {
            provider: input.provider_id.to_string(),
            hint: "exchange the GitLab token for an AI Gateway token first (provider::exchange::TokenBroker)".into(),
        });
    };
    let gateway = input
        .option_str("aiGatewayUrl")
        .unwrap_or(DEFAULT_AI_GATEWAY);
    validate_url(gateway)?;
    let mut defaults = vec![("User-Agent", input.client.user_agent.clone())];
    let base = match protocol {
        RuntimeProtocol::Anthropic => {
            defaults.push(("anthropic-version", anthropic::API_VERSION.to_string()));
            defaults.push(("anthropic-beta", ANTHROPIC_BETA.to_string()));
            join_url(gateway, "ai/v1/proxy/anthropic/v1")
        }
        _ => join_url(gateway, "ai/v1/proxy/openai/v1"),
    };
    if let Some(serde_json::Value::Object(extra)) = input.options.get("aiGatewayHeaders") {
        for (name, value) in extra {
            if let Some(value) = value.as_str() {
                defaults.push((name.as_str(), value.to_string()));
            }
        }
    }
    let headers = merged_headers(input, &defaults);
    let mut runtime = runtime_at(
        input,
        protocol,
        base,
        headers,
        AuthScheme::Bearer(gateway_token.clone()),
    );
    runtime.wire_model_id = upstream.to_string();
    Ok(runtime)
}

/// The result of a direct-access exchange.
#[derive(Clone)]
pub struct DirectAccess {
    pub token: Secret,
    /// Routing headers to send with every gateway request (`x-gitlab-*`).
    pub headers: BTreeMap<String, String>,
}

impl std::fmt::Debug for DirectAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectAccess")
            .field("token", &self.token)
            .field("header_names", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[derive(Deserialize)]
struct DirectAccessResponse {
    token: Secret,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

/// Gateway tokens per (instance, GitLab token), one exchange at a time.
#[derive(Default)]
pub struct DirectAccessCache {
    entries: tokio::sync::Mutex<HashMap<[u8; 32], (DirectAccess, i64)>>,
}

impl std::fmt::Debug for DirectAccessCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectAccessCache").finish_non_exhaustive()
    }
}

impl DirectAccessCache {
    pub async fn direct_access(
        &self,
        http: &reqwest::Client,
        instance: &str,
        token: &Secret,
        clock: &dyn Clock,
    ) -> Result<DirectAccess, ProviderError> {
        let digest: [u8; 32] = Sha256::digest(format!("{instance}\n{}", token.expose())).into();
        let mut entries = self.entries.lock().await;
        let now = clock.now_ms();
        if let Some((access, _)) = entries
            .get(&digest)
            .filter(|(_, fetched)| now >= *fetched && now - fetched < DIRECT_ACCESS_TTL_MS)
        {
            return Ok(access.clone());
        }
        let response = http
            .post(join_url(
                instance,
                "api/v4/ai/third_party_agents/direct_access",
            ))
            .header("authorization", format!("Bearer {}", token.expose()))
            .header("content-type", "application/json")
            .body(json!({"feature_flags": {"DuoAgentPlatformNext": true}}).to_string())
            .send()
            .await
            .map_err(|err| ProviderError::TokenExchange(format!("request failed: {err}")))?;
        let status = response.status();
        if !status.is_success() {
            return Err(ProviderError::TokenExchange(format!(
                "GitLab direct access: HTTP {status}"
            )));
        }
        let parsed: DirectAccessResponse = response.json().await.map_err(|_| {
            ProviderError::TokenExchange("GitLab direct access returned invalid JSON".into())
        })?;
        let headers = parsed
            .headers
            .into_iter()
            .filter(|(name, _)| {
                !name.eq_ignore_ascii_case("authorization")
                    && !name.eq_ignore_ascii_case("x-api-key")
            })
            .collect();
        let access = DirectAccess {
            token: parsed.token,
            headers,
        };
        entries.insert(digest, (access.clone(), now));
        Ok(access)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;

    #[test]
    fn golden_gateway_runtimes() {
        let fx = Fixture::new("gitlab", "duo-chat-sonnet-4-5")
            .credential(Credential::BearerToken("gw-token".into()))
            .session_header("x-gitlab-realm", "saas");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, RuntimeProtocol::Anthropic);
        assert_eq!(
            rt.chat_url,
            "https://cloud.gitlab.com/ai/v1/proxy/anthropic/v1/messages"
        );
        assert_eq!(rt.wire_model_id, "claude-sonnet-4-5-20250929");
        assert_eq!(rt.headers["anthropic-beta"], ANTHROPIC_BETA);
        assert_eq!(rt.headers["x-gitlab-realm"], "saas");
        assert!(matches!(&rt.auth, AuthScheme::Bearer(t) if t.expose() == "gw-token"));

        let fx = Fixture::new("gitlab", "duo-chat-gpt-5-codex")
            .credential(Credential::BearerToken("gw".into()));
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://cloud.gitlab.com/ai/v1/proxy/openai/v1/responses"
        );
        let fx = Fixture::new("gitlab", "duo-chat-gpt-5-1")
            .credential(Credential::BearerToken("gw".into()));
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://cloud.gitlab.com/ai/v1/proxy/openai/v1/chat/completions"
        );
        assert_eq!(rt.wire_model_id, "gpt-5.1-2025-11-13");
    }

    #[test]
    fn unexchanged_token_and_workflow_models() {
        let fx = Fixture::new("gitlab", "duo-chat-haiku-4-5").key("glpat-x");
        assert_eq!(
            resolve(&fx.input()).expect_err("needs exchange").kind(),
            "auth_missing"
        );
        assert_eq!(
            gitlab_token(&fx.input())
                .map(|t| t.expose().to_string())
                .as_deref(),
            Some("glpat-x")
        );
        let fx = Fixture::new("gitlab", "duo-workflow-default")
            .credential(Credential::BearerToken("gw".into()));
        assert_eq!(
            resolve(&fx.input()).expect_err("workflow").kind(),
            "provider_unsupported"
        );
        let fx = Fixture::new("gitlab", "m").env("GITLAB_INSTANCE_URL", "https://git.example/");
        assert_eq!(instance_url(&fx.input()), "https://git.example");
    }

    /// Every GitLab model of the real catalog has a gateway route.
    #[test]
    fn catalog_models_are_routed() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/models-dev/api.json");
        let text = std::fs::read_to_string(path).expect("models.dev fixture");
        let catalog: serde_json::Value = serde_json::from_str(&text).expect("json");
        let models = catalog["gitlab"]["models"]
            .as_object()
            .expect("gitlab models");
        assert!(!models.is_empty());
        for id in models.keys() {
            assert!(model_route(id).is_some(), "{id}");
        }
    }
}
