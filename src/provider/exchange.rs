//! The asynchronous step before resolution, for providers whose stored credential must be
//! exchanged for a short-lived token: Google Vertex (service-account key → access token),
//! SAP AI Core (service key → client-credentials token) and GitLab (token → AI Gateway token
//! plus routing headers). Everything else passes through untouched.
//!
//! The session layer calls [`TokenBroker::resolve_runtime`] instead of [`super::resolve`].

use std::collections::BTreeMap;
use std::sync::Arc;

use super::aws_credentials::{AwsCredentialChain, ChainRequest};
use super::clock::{Clock, SystemClock};
use super::error::ProviderError;
use super::google_auth::{self, GoogleCredentials, GoogleTokenCache};
use super::input::{AwsCredentials, Credential, LoaderInput};
use super::profiles::resolve;
use super::profiles::{gitlab, sap};
use super::runtime::ResolvedRuntime;

/// Token caches shared by all sessions (keyed by credential, so sessions never see each
/// other's tokens unless they hold the same credential).
pub struct TokenBroker {
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    google: GoogleTokenCache,
    aws: AwsCredentialChain,
    sap: sap::SapTokenCache,
    gitlab: gitlab::DirectAccessCache,
}

impl std::fmt::Debug for TokenBroker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenBroker").finish_non_exhaustive()
    }
}

/// What the exchange produced: a replacement credential and extra headers for the session.
#[derive(Debug, Default)]
pub struct Exchanged {
    pub credential: Option<Credential>,
    pub headers: BTreeMap<String, String>,
}

impl TokenBroker {
    pub fn new(http: reqwest::Client) -> Self {
        Self::with_clock(http, Arc::new(SystemClock))
    }

    pub fn with_clock(http: reqwest::Client, clock: Arc<dyn Clock>) -> Self {
        Self {
            aws: AwsCredentialChain::new(http.clone()),
            http,
            clock,
            google: GoogleTokenCache::default(),
            sap: sap::SapTokenCache::default(),
            gitlab: gitlab::DirectAccessCache::default(),
        }
    }

    /// Exchanges the credential when the provider needs it; `None` when nothing is to do.
    pub async fn exchange(
        &self,
        input: &LoaderInput<'_>,
    ) -> Result<Option<Exchanged>, ProviderError> {
        let already_exchanged = matches!(input.credential, Some(Credential::BearerToken(_)));
        if already_exchanged {
            return Ok(None);
        }
        // GitLab and SAP with their own `baseURL` are plain endpoints; Vertex behind a proxy
        // (`baseURL`) still takes Google access tokens.
        let own_endpoint = input.option_str("baseURL").is_some();
        match (input.provider_id, input.npm) {
            ("gitlab", _) | (_, Some("gitlab-ai-provider")) if !own_endpoint => {
                self.gitlab(input).await
            }
            ("sap-ai-core", _) | (_, Some("@jerome-benoit/sap-ai-provider-v2"))
                if !own_endpoint =>
            {
                self.sap(input).await
            }
            ("google-vertex" | "google-vertex-anthropic", _)
            | (_, Some("@ai-sdk/google-vertex" | "@ai-sdk/google-vertex/anthropic")) => {
                self.vertex(input).await
            }
            _ => Ok(None),
        }
    }

    /// The AWS SDK's default credential chain over the session's env (cached per env view).
    pub async fn aws_credentials(
        &self,
        request: &ChainRequest<'_>,
    ) -> Result<Option<AwsCredentials>, ProviderError> {
        self.aws.credentials(request, self.clock.as_ref()).await
    }

    /// [`Self::exchange`], then [`super::resolve`] with the exchanged credential and headers.
    pub async fn resolve_runtime(
        &self,
        input: &LoaderInput<'_>,
    ) -> Result<ResolvedRuntime, ProviderError> {
        let Some(exchanged) = self.exchange(input).await? else {
            return resolve(input);
        };
        let mut session_headers = exchanged.headers;
        // The session's own headers still win over exchange-provided ones.
        for (name, value) in input.session_headers {
            super::common::set_header(&mut session_headers, name, value.clone());
        }
        let credential = exchanged.credential.or_else(|| input.credential.cloned());
        let exchanged_input = LoaderInput {
            session_headers: &session_headers,
            credential: credential.as_ref(),
            ..input.clone()
        };
        resolve(&exchanged_input)
    }

    async fn gitlab(&self, input: &LoaderInput<'_>) -> Result<Option<Exchanged>, ProviderError> {
        let Some(token) = gitlab::gitlab_token(input) else {
            return Ok(None);
        };
        let access = self
            .gitlab
            .direct_access(
                &self.http,
                &gitlab::instance_url(input),
                &token,
                self.clock.as_ref(),
            )
            .await?;
        Ok(Some(Exchanged {
            credential: Some(Credential::BearerToken(access.token)),
            headers: access.headers,
        }))
    }

    async fn sap(&self, input: &LoaderInput<'_>) -> Result<Option<Exchanged>, ProviderError> {
        if matches!(input.credential, Some(Credential::OAuth { .. })) {
            return Ok(None);
        }
        let Some(key) = sap::ServiceKey::from_input(input) else {
            return Ok(None);
        };
        let token = self
            .sap
            .access_token(&self.http, &key?, self.clock.as_ref())
            .await?;
        Ok(Some(Exchanged {
            credential: Some(Credential::BearerToken(token)),
            headers: BTreeMap::new(),
        }))
    }

    /// A Google access token from the stored key JSON, else Application Default Credentials
    /// found in the session's env view (see [`google_auth`]).
    async fn vertex(&self, input: &LoaderInput<'_>) -> Result<Option<Exchanged>, ProviderError> {
        if matches!(input.credential, Some(Credential::OAuth { .. })) {
            return Ok(None);
        }
        let found = match input.credential {
            Some(Credential::ApiKey(json)) if json.expose().trim_start().starts_with('{') => {
                let text = json.expose().to_string();
                let credentials = GoogleCredentials::from_json(&text, "the stored credentials")?;
                Some((credentials, Some(text)))
            }
            _ => google_auth::discover(input.env).await?,
        };
        let Some((credentials, text)) = found else {
            return Ok(None);
        };
        let token = self
            .google
            .access_token(
                &self.http,
                &credentials,
                text.as_deref(),
                self.clock.as_ref(),
            )
            .await?;
        Ok(Some(Exchanged {
            credential: Some(Credential::BearerToken(token)),
            headers: BTreeMap::new(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::clock::ManualClock;
    use crate::provider::profiles::test_support::Fixture;
    use crate::provider::runtime::{AuthScheme, RuntimeProtocol};
    use std::sync::Mutex;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A 127.0.0.1 server that records each request's head and answers with `body`.
    async fn json_server(body: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                loop {
                    let n = socket.read(&mut chunk).await.expect("read");
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    let complete = text.split_once("\r\n\r\n").is_some_and(|(head, rest)| {
                        let len = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .and_then(|v| v.trim().parse::<usize>().ok())
                            })
                            .unwrap_or(0);
                        rest.len() >= len
                    });
                    if n == 0 || complete {
                        break;
                    }
                }
                log.lock()
                    .expect("log")
                    .push(String::from_utf8_lossy(&buf).to_string());
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                socket.write_all(reply.as_bytes()).await.expect("write");
            }
        });
        (format!("http://{addr}"), seen)
    }

    fn broker() -> TokenBroker {
        TokenBroker::with_clock(
            reqwest::Client::new(),
            Arc::new(ManualClock::at(1_700_000_000_000)),
        )
    }

    #[tokio::test]
    async fn gitlab_token_is_exchanged_for_gateway_access() {
        let (instance, seen) = json_server(
            r#"{"token":"gw-123","headers":{"x-gitlab-realm":"saas","x-gitlab-instance-id":"i-1","x-api-key":"drop"},"expires_at":1}"#,
        )
        .await;
        let broker = broker();
        let fx = Fixture::new("gitlab", "duo-chat-opus-4-5")
            .key("glpat-secret")
            .env("GITLAB_INSTANCE_URL", &instance);
        for _ in 0..2 {
            let rt = broker.resolve_runtime(&fx.input()).await.expect("resolves");
            assert_eq!(rt.protocol, RuntimeProtocol::Anthropic);
            assert_eq!(rt.wire_model_id, "claude-opus-4-5-20251101");
            assert_eq!(rt.headers["x-gitlab-realm"], "saas");
            assert_eq!(rt.headers["x-gitlab-instance-id"], "i-1");
            assert!(!rt.headers.contains_key("x-api-key"));
            assert!(matches!(&rt.auth, AuthScheme::Bearer(t) if t.expose() == "gw-123"));
        }
        let seen = seen.lock().expect("log");
        assert_eq!(
            seen.len(),
            1,
            "second resolution reuses the cached gateway token"
        );
        let request = &seen[0];
        assert!(request.starts_with("POST /api/v4/ai/third_party_agents/direct_access "));
        assert!(
            request
                .lines()
                .any(|l| l.eq_ignore_ascii_case("authorization: Bearer glpat-secret"))
        );
        assert!(request.ends_with(r#"{"feature_flags":{"DuoAgentPlatformNext":true}}"#));
    }

    #[tokio::test]
    async fn vertex_service_account_file_becomes_an_access_token() {
        let (token_server, seen) =
            json_server(r#"{"access_token":"ya29.from-sa","expires_in":3600}"#).await;
        let fixture = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/provider/test-service-account.json"
        ));
        let mut key: serde_json::Value = serde_json::from_str(fixture).expect("json");
        key["token_uri"] = serde_json::json!(format!("{token_server}/token"));
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sa.json");
        std::fs::write(&path, key.to_string()).expect("write");

        let fx = Fixture::new("google-vertex", "gemini-2.5-pro")
            .env("GOOGLE_CLOUD_PROJECT", "proj")
            .env(
                "GOOGLE_APPLICATION_CREDENTIALS",
                &path.display().to_string(),
            );
        let rt = broker()
            .resolve_runtime(&fx.input())
            .await
            .expect("resolves");
        assert!(matches!(&rt.auth, AuthScheme::Bearer(t) if t.expose() == "ya29.from-sa"));
        assert!(seen.lock().expect("log")[0].starts_with("POST /token "));
    }

    #[tokio::test]
    async fn other_providers_pass_through() {
        let fx = Fixture::new("anthropic", "claude").key("sk");
        let broker = broker();
        assert!(broker.exchange(&fx.input()).await.expect("ok").is_none());
        let rt = broker.resolve_runtime(&fx.input()).await.expect("ok");
        assert_eq!(rt.chat_url, "https://api.anthropic.com/v1/messages");
        let fx = Fixture::new("google-vertex", "g")
            .env("GOOGLE_CLOUD_PROJECT", "p")
            .env("NO_GCE_CHECK", "true");
        assert_eq!(
            broker
                .resolve_runtime(&fx.input())
                .await
                .expect_err("no credential")
                .kind(),
            "auth_missing"
        );
    }
}
