//! The last step before a request leaves: final headers with the credential applied
//! (SigV4 signature, Z.AI JWT, body-dependent Copilot headers).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::clock::{Clock, SystemClock};
use super::common::{remove_header, set_header};
use super::error::ProviderError;
use super::profiles::zai::ZaiTokenCache;
use super::runtime::{AuthScheme, DynamicHeaders, ResolvedRuntime};
use super::sigv4::{self, SigningKeyParams};

/// A concrete outgoing request, as the wire client is about to send it.
#[derive(Debug, Clone, Copy)]
pub struct OutgoingRequest<'a> {
    pub method: &'a str,
    pub url: &'a str,
    /// Headers the wire client adds itself (content-type, accept, ...).
    pub headers: &'a BTreeMap<String, String>,
    pub body: &'a [u8],
}

/// Applies auth to requests. One per process (or per session); holds the Z.AI token cache.
pub struct RequestAuthorizer {
    clock: Arc<dyn Clock>,
    zai_tokens: ZaiTokenCache,
}

impl std::fmt::Debug for RequestAuthorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestAuthorizer").finish_non_exhaustive()
    }
}

impl Default for RequestAuthorizer {
    fn default() -> Self {
        Self::new(Arc::new(SystemClock))
    }
}

impl RequestAuthorizer {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            zai_tokens: ZaiTokenCache::default(),
        }
    }

    /// The complete header set to send. The result holds secrets: never log it
    /// (use [`super::runtime::redact_headers`]).
    pub fn authorize(
        &self,
        runtime: &ResolvedRuntime,
        request: &OutgoingRequest<'_>,
    ) -> Result<BTreeMap<String, String>, ProviderError> {
        let mut headers = BTreeMap::new();
        let body_json: Option<Value> = match runtime.dynamic_headers {
            Some(_) => serde_json::from_slice(request.body).ok(),
            None => None,
        };
        let copilot = match (runtime.dynamic_headers, &body_json) {
            (Some(DynamicHeaders::Copilot), Some(body)) => Some(copilot_traits(request.url, body)),
            (Some(DynamicHeaders::Copilot), None) => Some(CopilotTraits::default()),
            (None, _) => None,
        };
        if let Some(traits) = copilot {
            set_header(
                &mut headers,
                "x-initiator",
                if traits.agent { "agent" } else { "user" },
            );
        }
        for (name, value) in runtime.headers.iter().chain(request.headers) {
            set_header(&mut headers, name, value.clone());
        }
        if let Some(traits) = copilot {
            if traits.vision {
                set_header(&mut headers, "Copilot-Vision-Request", "true");
            }
            remove_header(&mut headers, "x-api-key");
        }

        match &runtime.auth {
            AuthScheme::None => {}
            AuthScheme::Bearer(token) => {
                set_header(
                    &mut headers,
                    "Authorization",
                    format!("Bearer {}", token.expose()),
                );
            }
            AuthScheme::Header {
                name,
                prefix,
                value,
            } => set_header(&mut headers, name, format!("{prefix}{}", value.expose())),
            AuthScheme::ZaiKey(key) => {
                let token = self.zai_tokens.bearer_for(key, self.clock.as_ref())?;
                set_header(
                    &mut headers,
                    "Authorization",
                    format!("Bearer {}", token.expose()),
                );
            }
            AuthScheme::SigV4 {
                region,
                service,
                credentials,
            } => {
                remove_header(&mut headers, "Authorization");
                let amz_date = sigv4::amz_date(self.clock.now_ms())?;
                let params = SigningKeyParams {
                    access_key_id: &credentials.access_key_id,
                    secret_access_key: credentials.secret_access_key.expose(),
                    session_token: credentials.session_token.as_ref().map(|t| t.expose()),
                    region,
                    service,
                    amz_date: &amz_date,
                };
                let signature =
                    sigv4::sign(request.method, request.url, &headers, request.body, &params)?;
                set_header(&mut headers, "x-amz-date", signature.amz_date);
                if let Some(token) = signature.security_token {
                    set_header(&mut headers, "x-amz-security-token", token);
                }
                set_header(&mut headers, "Authorization", signature.authorization);
            }
        }
        Ok(headers)
    }
}

impl RequestAuthorizer {
    /// The headers `authorize` would send, with credential-bearing values redacted
    /// (for `transform/preview`).
    pub fn preview(
        &self,
        runtime: &ResolvedRuntime,
        request: &OutgoingRequest<'_>,
    ) -> Result<BTreeMap<String, String>, ProviderError> {
        self.authorize(runtime, request)
            .map(|headers| super::runtime::redact_headers(&headers))
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct CopilotTraits {
    vision: bool,
    agent: bool,
}

fn parts(message: &Value) -> impl Iterator<Item = &Value> {
    message
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn part_type(part: &Value) -> Option<&str> {
    part.get("type").and_then(Value::as_str)
}

fn is_user(message: Option<&Value>) -> bool {
    message.and_then(|m| m.get("role")).and_then(Value::as_str) == Some("user")
}

/// OpenCode's Copilot rules: a turn is "agent"-initiated unless the last message is the user's;
/// vision when any image part is present. Three body shapes: chat, responses, messages.
fn copilot_traits(url: &str, body: &Value) -> CopilotTraits {
    if let (Some(messages), true) = (
        body.get("messages").and_then(Value::as_array),
        url.contains("completions"),
    ) {
        return CopilotTraits {
            vision: messages
                .iter()
                .any(|m| parts(m).any(|p| part_type(p) == Some("image_url"))),
            agent: !is_user(messages.last()),
        };
    }
    if let Some(items) = body.get("input").and_then(Value::as_array) {
        return CopilotTraits {
            vision: items
                .iter()
                .any(|m| parts(m).any(|p| part_type(p) == Some("input_image"))),
            agent: !is_user(items.last()),
        };
    }
    if let Some(messages) = body.get("messages").and_then(Value::as_array) {
        let last = messages.last();
        let has_non_tool_parts =
            last.is_some_and(|m| parts(m).any(|p| part_type(p) != Some("tool_result")));
        let nested_image = |p: &Value| {
            part_type(p) == Some("tool_result") && parts(p).any(|n| part_type(n) == Some("image"))
        };
        return CopilotTraits {
            vision: messages
                .iter()
                .any(|m| parts(m).any(|p| part_type(p) == Some("image") || nested_image(p))),
            agent: !(is_user(last) && has_non_tool_parts),
        };
    }
    CopilotTraits::default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::clock::ManualClock;
    use crate::provider::input::{AwsCredentials, Credential};
    use crate::provider::profiles::resolve;
    use crate::provider::profiles::test_support::Fixture;
    use serde_json::json;

    fn authorizer(now_ms: i64) -> RequestAuthorizer {
        RequestAuthorizer::new(Arc::new(ManualClock::at(now_ms)))
    }

    fn send(
        auth: &RequestAuthorizer,
        rt: &ResolvedRuntime,
        body: &Value,
    ) -> BTreeMap<String, String> {
        let body = body.to_string();
        let content_type =
            BTreeMap::from([("content-type".to_string(), "application/json".to_string())]);
        auth.authorize(
            rt,
            &OutgoingRequest {
                method: "POST",
                url: &rt.chat_url,
                headers: &content_type,
                body: body.as_bytes(),
            },
        )
        .expect("authorized")
    }

    /// No loader's preview, Debug output or error ever shows the secret it was given.
    #[test]
    fn redaction_never_shows_secrets() {
        const SECRET: &str = "sk-SECRET-value-123";
        let auth = authorizer(1_440_938_160_000);
        let cases = [
            Fixture::new("openai", "gpt-5").key(SECRET),
            Fixture::new("anthropic", "claude").key(SECRET),
            Fixture::new("google", "gemini-2.5-pro").key(SECRET),
            Fixture::new("zai", "glm-4.7").key(&format!("id.{SECRET}")),
            Fixture::new("zai", "glm-4.7").key(SECRET),
            Fixture::new("openrouter", "x").key(SECRET),
            Fixture::new("github-copilot", "gpt-5").key(SECRET),
            Fixture::new("azure", "gpt-5")
                .env("AZURE_RESOURCE_NAME", "r")
                .key(SECRET),
            Fixture::new("amazon-bedrock", "anthropic.claude")
                .env("AWS_BEARER_TOKEN_BEDROCK", SECRET),
            Fixture::new("amazon-bedrock", "anthropic.claude")
                .env("AWS_ACCESS_KEY_ID", "AKID")
                .env("AWS_SECRET_ACCESS_KEY", SECRET)
                .env("AWS_SESSION_TOKEN", SECRET),
            Fixture::new("cloudflare-ai-gateway", "openai/gpt-5")
                .env("CLOUDFLARE_ACCOUNT_ID", "a")
                .env("CLOUDFLARE_GATEWAY_ID", "g")
                .env("CLOUDFLARE_API_TOKEN", SECRET),
            Fixture::new("google-vertex", "gemini")
                .env("GOOGLE_CLOUD_PROJECT", "p")
                .credential(Credential::BearerToken(SECRET.into())),
            Fixture::new("deepseek", "m")
                .api("https://api.deepseek.com")
                .session_header("Authorization", &format!("Bearer {SECRET}")),
        ];
        for fx in &cases {
            let rt = fx.resolved().expect("resolves");
            let preview = serde_json::to_string(&rt.redacted()).expect("json");
            assert!(!preview.contains("SECRET"), "{}: {preview}", fx.provider_id);
            assert!(!format!("{rt:?}").contains("SECRET"), "{}", fx.provider_id);
            let body = b"{}";
            let request = OutgoingRequest {
                method: "POST",
                url: &rt.chat_url,
                headers: &BTreeMap::new(),
                body,
            };
            let shown = auth.preview(&rt, &request).expect("preview");
            assert!(
                !format!("{shown:?}").contains("SECRET"),
                "{}: {shown:?}",
                fx.provider_id
            );
            let sent = auth.authorize(&rt, &request).expect("authorize");
            assert_ne!(
                sent, shown,
                "{}: the real request carries the credential",
                fx.provider_id
            );
        }
        let missing = Fixture::new("anthropic", "claude").option("headers", json!({"x": SECRET}));
        let err = resolve(&missing.input()).expect_err("no key");
        assert!(!format!("{err} {err:?}").contains("SECRET"));
    }

    #[test]
    fn bearer_and_header_schemes() {
        let auth = authorizer(0);
        let fx = Fixture::new("openai", "gpt-5").key("sk-1");
        let rt = resolve(&fx.input()).expect("ok");
        let headers = send(&auth, &rt, &json!({}));
        assert_eq!(headers["Authorization"], "Bearer sk-1");
        assert_eq!(headers["content-type"], "application/json");

        let fx = Fixture::new("anthropic", "claude").key("sk-ant");
        let rt = resolve(&fx.input()).expect("ok");
        let headers = send(&auth, &rt, &json!({}));
        assert_eq!(headers["x-api-key"], "sk-ant");
        assert!(!headers.contains_key("Authorization"));
    }

    #[test]
    fn zai_request_carries_a_jwt() {
        let auth = authorizer(1_700_000_000_000);
        let fx = Fixture::new("zai", "glm-4.7").key("abc.def");
        let rt = resolve(&fx.input()).expect("ok");
        let headers = send(&auth, &rt, &json!({}));
        let token = headers["Authorization"]
            .strip_prefix("Bearer ")
            .expect("bearer");
        assert_eq!(token.split('.').count(), 3);
        assert_eq!(
            token,
            crate::provider::profiles::zai::jwt::sign_token("abc", "def", 1_700_000_000_000)
                .expect("sign")
        );
        assert_eq!(headers["x-source-channel"], "test-app");
    }

    #[test]
    fn copilot_initiator_and_vision() {
        let auth = authorizer(0);
        let fx = Fixture::new("github-copilot", "gpt-4.1").key("gho");
        let rt = fx.resolved().expect("ok");
        let user_turn = json!({"messages": [{"role": "user", "content": [
            {"type": "text", "text": "hi"}, {"type": "image_url", "image_url": {"url": "data:"}}]}]});
        let headers = send(&auth, &rt, &user_turn);
        assert_eq!(headers["x-initiator"], "user");
        assert_eq!(headers["Copilot-Vision-Request"], "true");
        assert_eq!(headers["Authorization"], "Bearer gho");

        let tool_turn = json!({"messages": [{"role": "user", "content": "hi"}, {"role": "tool", "content": "ok"}]});
        let headers = send(&auth, &rt, &tool_turn);
        assert_eq!(headers["x-initiator"], "agent");
        assert!(!headers.contains_key("Copilot-Vision-Request"));

        let fx = Fixture::new("github-copilot", "gpt-5").key("gho");
        let rt = fx.resolved().expect("ok");
        let responses = json!({"input": [{"role": "user", "content": [{"type": "input_image"}]}]});
        let headers = send(&auth, &rt, &responses);
        assert_eq!(headers["x-initiator"], "user");
        assert_eq!(headers["Copilot-Vision-Request"], "true");

        let fx = Fixture::new("github-copilot", "claude-sonnet-4.5")
            .npm("@ai-sdk/anthropic")
            .key("gho")
            .session_header("x-api-key", "leak");
        let rt = fx.resolved().expect("ok");
        let only_tool_results = json!({"messages": [{"role": "user", "content": [
            {"type": "tool_result", "content": [{"type": "image"}]}]}]});
        let headers = send(&auth, &rt, &only_tool_results);
        assert_eq!(headers["x-initiator"], "agent");
        assert_eq!(headers["Copilot-Vision-Request"], "true");
        assert!(!headers.contains_key("x-api-key"));
    }

    #[test]
    fn bedrock_request_is_sigv4_signed() {
        // 2015-08-30T12:36:00Z, the test suite's date.
        let auth = authorizer(1_440_938_160_000);
        let fx = Fixture::new(
            "amazon-bedrock",
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
        )
        .option("region", json!("eu-west-1"))
        .credential(Credential::Aws(AwsCredentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: Some("session".into()),
        }));
        let rt = resolve(&fx.input()).expect("ok");
        let headers = send(&auth, &rt, &json!({"messages": []}));
        assert_eq!(headers["x-amz-date"], "20150830T123600Z");
        assert_eq!(headers["x-amz-security-token"], "session");
        let authz = &headers["Authorization"];
        assert!(authz.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
        ));
        // Recomputing with the signer directly gives the same signature (deterministic).
        let params = SigningKeyParams {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token: Some("session"),
            region: "eu-west-1",
            service: "bedrock",
            amz_date: "20150830T123600Z",
        };
        let unsigned =
            BTreeMap::from([("content-type".to_string(), "application/json".to_string())]);
        let expected = sigv4::sign(
            "POST",
            &rt.chat_url,
            &unsigned,
            json!({"messages": []}).to_string().as_bytes(),
            &params,
        )
        .expect("signs");
        assert_eq!(authz, &expected.authorization);
    }

    /// One authorizer shared by many sessions: every request carries its own session's key.
    #[test]
    fn concurrent_sessions_never_get_each_others_tokens() {
        use base64::Engine;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use hmac::{Hmac, Mac};
        use sha2::Sha256;

        let auth = Arc::new(authorizer(1_700_000_000_000));
        let runtimes: Vec<(usize, ResolvedRuntime)> = (0..50)
            .map(|n| {
                let fx = Fixture::new("zai", "glm-4.7")
                    .key(&format!("id{n}.secret{n}"))
                    .session_header("x-session", &format!("s{n}"));
                (n, resolve(&fx.input()).expect("ok"))
            })
            .collect();
        let runtimes = Arc::new(runtimes);
        let workers: Vec<_> = (0..8)
            .map(|worker| {
                let (auth, runtimes) = (auth.clone(), runtimes.clone());
                std::thread::spawn(move || {
                    for i in 0..250 {
                        let (n, rt) = &runtimes[(i * 7 + worker * 13) % runtimes.len()];
                        let headers = send(&auth, rt, &json!({}));
                        assert_eq!(headers["x-session"], format!("s{n}"));
                        let token = headers["Authorization"]
                            .strip_prefix("Bearer ")
                            .expect("bearer");
                        let parts: Vec<&str> = token.split('.').collect();
                        let claims: Value =
                            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64"))
                                .expect("claims");
                        assert_eq!(claims["api_key"], format!("id{n}"));
                        let mut mac =
                            Hmac::<Sha256>::new_from_slice(format!("secret{n}").as_bytes())
                                .expect("key");
                        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
                        mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).expect("sig"))
                            .expect("signed with this session's secret");
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("worker");
        }
    }

    /// A SigV4-signed request sent through reqwest arrives with exactly the signed headers:
    /// the server recomputes the signature from what it received.
    #[tokio::test]
    async fn sigv4_survives_the_http_stack() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            let (head, body) = loop {
                let n = socket.read(&mut chunk).await.expect("read");
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let len: usize = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().expect("len"))
                        })
                        .unwrap_or(0);
                    if body.len() >= len {
                        break (head.to_string(), body.to_string());
                    }
                }
                assert!(n > 0, "connection closed early");
            };
            socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                .await
                .expect("write");
            (head, body)
        });

        let fx = Fixture::new("amazon-bedrock", "anthropic.claude-v2:1")
            .option("endpoint", json!(format!("http://{addr}")))
            .credential(Credential::Aws(AwsCredentials {
                access_key_id: "AKIDEXAMPLE".into(),
                secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
                session_token: Some("sess".into()),
            }));
        let rt = resolve(&fx.input()).expect("ok");
        let body = json!({"messages": [{"role": "user", "content": [{"text": "hi"}]}]}).to_string();
        let wire = BTreeMap::from([
            ("content-type".to_string(), "application/json".to_string()),
            (
                "accept".to_string(),
                "application/vnd.amazon.eventstream".to_string(),
            ),
        ]);
        let auth = authorizer(1_700_000_000_000);
        let headers = auth
            .authorize(
                &rt,
                &OutgoingRequest {
                    method: "POST",
                    url: &rt.chat_url,
                    headers: &wire,
                    body: body.as_bytes(),
                },
            )
            .expect("signed");
        let mut request = reqwest::Client::new().post(&rt.chat_url).body(body.clone());
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        request.send().await.expect("sent");
        let (head, received_body) = server.await.expect("server");
        assert_eq!(received_body, body);

        // Recompute from what arrived: the request line, and the headers it lists as signed.
        let mut lines = head.lines();
        let request_line = lines.next().expect("request line");
        let path = request_line.split(' ').nth(1).expect("path");
        let received: BTreeMap<String, String> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let authz = &received["authorization"];
        let signed = authz
            .split("SignedHeaders=")
            .nth(1)
            .expect("signed")
            .split(',')
            .next()
            .expect("list");
        let resent: BTreeMap<String, String> = signed
            .split(';')
            .filter(|h| !matches!(*h, "host" | "x-amz-date" | "x-amz-security-token"))
            .map(|h| (h.to_string(), received[h].clone()))
            .collect();
        let params = SigningKeyParams {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token: Some(&received["x-amz-security-token"]),
            region: "us-east-1",
            service: "bedrock",
            amz_date: &received["x-amz-date"],
        };
        let url = format!("http://{}{path}", received["host"]);
        let expected =
            sigv4::sign("POST", &url, &resent, received_body.as_bytes(), &params).expect("sign");
        assert_eq!(authz, &expected.authorization);
        assert!(signed.contains("content-type") && signed.contains("accept"));
    }
}
