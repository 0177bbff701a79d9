//! SAP AI Core, Foundation Models API (OpenAI chat format):
//! `{AI_API_URL}/v2/inference/deployments/{deploymentId}/chat/completions`, `AI-Resource-Group`,
//! Bearer token from the service key's OAuth client-credentials grant.
//!
//! OpenCode's package (`@jerome-benoit/sap-ai-provider-v2`) talks to the Orchestration API
//! (`.../v2/completion`, SAP's envelope format), which is not implemented. Resolution is
//! synchronous: the session layer exchanges the service key with [`SapTokenCache`] and passes
//! the token as `Credential::OAuth`/`BearerToken`.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use super::Profile;
use super::{generic, runtime_at};
use crate::provider::clock::Clock;
use crate::provider::common::{join_url, merged_headers, validate_url};
use crate::provider::error::ProviderError;
use crate::provider::input::{Credential, LoaderInput};
use crate::provider::runtime::{AuthScheme, ResolvedRuntime, RuntimeProtocol};
use crate::provider::secret::Secret;

pub struct SapProfile;
pub static PROFILE: SapProfile = SapProfile;

impl Profile for SapProfile {
    fn family(&self) -> &'static str {
        "sap-ai-core"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "sap-ai-core"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@jerome-benoit/sap-ai-provider-v2"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve(input)
    }

    fn catalog_note(&self) -> Option<&'static str> {
        Some("SAP AI Core needs its orchestration client, which is not supported")
    }
}

pub const SERVICE_KEY_ENV: &str = "AICORE_SERVICE_KEY";
pub const DEPLOYMENT_ENV: &str = "AICORE_DEPLOYMENT_ID";
pub const RESOURCE_GROUP_ENV: &str = "AICORE_RESOURCE_GROUP";
pub const RESOURCE_GROUP_HEADER: &str = "AI-Resource-Group";
pub const DEFAULT_RESOURCE_GROUP: &str = "default";
const REFRESH_MARGIN_MS: i64 = 60_000;

#[derive(Clone, Deserialize)]
pub struct ServiceUrls {
    #[serde(rename = "AI_API_URL")]
    pub ai_api_url: String,
}

/// The fields of an SAP AI Core service key that matter here.
#[derive(Clone, Deserialize)]
pub struct ServiceKey {
    pub clientid: String,
    clientsecret: Secret,
    /// The XSUAA authentication server.
    pub url: String,
    pub serviceurls: ServiceUrls,
}

impl std::fmt::Debug for ServiceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceKey")
            .field("url", &self.url)
            .field("clientsecret", &self.clientsecret)
            .finish_non_exhaustive()
    }
}

impl ServiceKey {
    pub fn from_json(text: &str) -> Result<Self, ProviderError> {
        serde_json::from_str(text).map_err(|err| ProviderError::InvalidOption {
            provider: "sap-ai-core".into(),
            option: SERVICE_KEY_ENV,
            reason: format!("not a service key: {err}"),
        })
    }

    /// From the credential (an API key holding the JSON) or `AICORE_SERVICE_KEY`.
    pub fn from_input(input: &LoaderInput<'_>) -> Option<Result<Self, ProviderError>> {
        let text = match input.credential {
            Some(Credential::ApiKey(key)) => Some(key.expose().to_string()),
            _ => input.env_var(SERVICE_KEY_ENV).map(str::to_string),
        }?;
        Some(Self::from_json(&text))
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// OAuth client-credentials tokens per client id, one exchange at a time.
#[derive(Default)]
pub struct SapTokenCache {
    tokens: tokio::sync::Mutex<HashMap<String, (Secret, i64)>>,
}

impl std::fmt::Debug for SapTokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SapTokenCache").finish_non_exhaustive()
    }
}

impl SapTokenCache {
    pub async fn access_token(
        &self,
        http: &reqwest::Client,
        key: &ServiceKey,
        clock: &dyn Clock,
    ) -> Result<Secret, ProviderError> {
        let mut tokens = self.tokens.lock().await;
        if let Some((token, _)) = tokens
            .get(&key.clientid)
            .filter(|(_, expires)| clock.now_ms() + REFRESH_MARGIN_MS < *expires)
        {
            return Ok(token.clone());
        }
        let now = clock.now_ms();
        let basic = STANDARD.encode(format!("{}:{}", key.clientid, key.clientsecret.expose()));
        let response = http
            .post(join_url(&key.url, "oauth/token"))
            .header("authorization", format!("Basic {basic}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .map_err(|err| ProviderError::TokenExchange(format!("request failed: {err}")))?;
        let status = response.status();
        if !status.is_success() {
            return Err(ProviderError::TokenExchange(format!("HTTP {status}")));
        }
        let parsed: TokenResponse = response
            .json()
            .await
            .map_err(|_| ProviderError::TokenExchange("unexpected token response".into()))?;
        let expires = now + parsed.expires_in.unwrap_or(3600) * 1000;
        tokens.insert(key.clientid.clone(), (parsed.access_token.clone(), expires));
        Ok(parsed.access_token)
    }
}

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    if input.option_str("baseURL").is_some() {
        return generic::resolve(input);
    }
    let missing = |setting: &'static str, hint: &str| ProviderError::ConfigMissing {
        provider: input.provider_id.to_string(),
        setting,
        hint: hint.to_string(),
    };
    let api_url = match input.option_str("apiUrl") {
        Some(url) => url.to_string(),
        None => {
            ServiceKey::from_input(input)
                .ok_or_else(|| missing("serviceKey", "set AICORE_SERVICE_KEY"))??
                .serviceurls
                .ai_api_url
        }
    };
    validate_url(&api_url)?;
    let deployment = input
        .option_str("deploymentId")
        .or_else(|| input.env_var(DEPLOYMENT_ENV))
        .ok_or_else(|| {
            missing(
                "deploymentId",
                "set options.deploymentId or AICORE_DEPLOYMENT_ID",
            )
        })?;
    let group = input
        .option_str("resourceGroup")
        .or_else(|| input.env_var(RESOURCE_GROUP_ENV))
        .unwrap_or(DEFAULT_RESOURCE_GROUP);
    let token = match input.credential {
        Some(Credential::OAuth { access, .. }) | Some(Credential::BearerToken(access)) => {
            access.clone()
        }
        _ => {
            return Err(ProviderError::AuthMissing {
                provider: input.provider_id.to_string(),
                hint: "exchange the service key with provider::profiles::sap::SapTokenCache first"
                    .into(),
            });
        }
    };
    let base = join_url(&api_url, &format!("v2/inference/deployments/{deployment}"));
    let headers = merged_headers(input, &[(RESOURCE_GROUP_HEADER, group.to_string())]);
    Ok(runtime_at(
        input,
        RuntimeProtocol::OpenaiChat,
        base,
        headers,
        AuthScheme::Bearer(token),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::clock::ManualClock;
    use crate::provider::profiles::test_support::Fixture;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const KEY: &str = r#"{"clientid":"sb-client","clientsecret":"s3cr3t","url":"https://sub.authentication.eu10.hana.ondemand.com","serviceurls":{"AI_API_URL":"https://api.ai.prod.eu-central-1.aws.ml.hana.ondemand.com"}}"#;

    #[test]
    fn golden_foundation_models_runtime() {
        let fx = Fixture::new("sap-ai-core", "gpt-4.1")
            .env(SERVICE_KEY_ENV, KEY)
            .env(DEPLOYMENT_ENV, "d123")
            .credential(Credential::BearerToken("xsuaa-token".into()));
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://api.ai.prod.eu-central-1.aws.ml.hana.ondemand.com/v2/inference/deployments/d123/chat/completions"
        );
        assert_eq!(rt.headers[RESOURCE_GROUP_HEADER], "default");
        assert!(matches!(&rt.auth, AuthScheme::Bearer(t) if t.expose() == "xsuaa-token"));
    }

    #[test]
    fn missing_pieces_are_reported() {
        let fx = Fixture::new("sap-ai-core", "gpt-4.1");
        assert_eq!(
            resolve(&fx.input()).expect_err("key").kind(),
            "provider_config_missing"
        );
        let fx = Fixture::new("sap-ai-core", "gpt-4.1").env(SERVICE_KEY_ENV, KEY);
        assert_eq!(
            resolve(&fx.input()).expect_err("deployment").kind(),
            "provider_config_missing"
        );
        let fx = Fixture::new("sap-ai-core", "gpt-4.1")
            .env(SERVICE_KEY_ENV, KEY)
            .env(DEPLOYMENT_ENV, "d");
        assert_eq!(
            resolve(&fx.input()).expect_err("token").kind(),
            "auth_missing"
        );
        let fx = Fixture::new("sap-ai-core", "m")
            .env(SERVICE_KEY_ENV, "not json")
            .env(DEPLOYMENT_ENV, "d");
        let err = resolve(&fx.input()).expect_err("bad key");
        assert_eq!(err.kind(), "invalid_params");
        assert!(!format!("{:?}", ServiceKey::from_json(KEY).expect("key")).contains("s3cr3t"));
    }

    #[tokio::test]
    async fn client_credentials_exchange_is_cached() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !String::from_utf8_lossy(&buf).ends_with("client_credentials") {
                    let n = socket.read(&mut chunk).await.expect("read");
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let request = String::from_utf8_lossy(&buf).to_string();
                assert!(request.starts_with("POST /oauth/token "));
                // base64("sb-client:s3cr3t")
                assert!(request.lines().any(|line| {
                    line.to_ascii_lowercase().starts_with("authorization:")
                        && line.ends_with("Basic c2ItY2xpZW50OnMzY3IzdA==")
                }));
                assert!(request.ends_with("grant_type=client_credentials"));
                counter.fetch_add(1, Ordering::SeqCst);
                let body = r#"{"access_token":"tok-1","expires_in":43199,"token_type":"bearer"}"#;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                socket.write_all(reply.as_bytes()).await.expect("write");
            }
        });
        let mut key = ServiceKey::from_json(KEY).expect("key");
        key.url = format!("http://{addr}");
        let http = reqwest::Client::new();
        let clock = ManualClock::at(0);
        let cache = SapTokenCache::default();
        for _ in 0..3 {
            let token = cache
                .access_token(&http, &key, &clock)
                .await
                .expect("token");
            assert_eq!(token.expose(), "tok-1");
        }
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }
}
