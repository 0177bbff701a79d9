//! Google service-account auth for Vertex: an RS256-signed JWT assertion exchanged at the token
//! endpoint for an OAuth access token (scope cloud-platform), cached until shortly before expiry.
//!
//! RS256 uses `ring`, already linked as rustls' crypto provider.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde::Deserialize;
use serde_json::json;

use super::clock::Clock;
use super::error::ProviderError;
use super::secret::Secret;

pub const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
pub const CLOUD_PLATFORM_SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";
const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ASSERTION_TTL_SECS: i64 = 3600;
/// Tokens are renewed this long before they expire.
const REFRESH_MARGIN_MS: i64 = 60_000;

/// The fields of a service-account key file (`GOOGLE_APPLICATION_CREDENTIALS`) that matter here.
#[derive(Clone, Deserialize)]
pub struct ServiceAccountKey {
    pub client_email: String,
    private_key: Secret,
    #[serde(default)]
    pub private_key_id: Option<String>,
    #[serde(default)]
    pub token_uri: Option<String>,
}

impl std::fmt::Debug for ServiceAccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccountKey")
            .field("client_email", &self.client_email)
            .field("private_key", &self.private_key)
            .finish_non_exhaustive()
    }
}

/// The key file named by `GOOGLE_APPLICATION_CREDENTIALS` in the session's env snapshot.
pub fn credentials_path(env: &HashMap<String, String>) -> Option<std::path::PathBuf> {
    env.get("GOOGLE_APPLICATION_CREDENTIALS")
        .filter(|path| !path.trim().is_empty())
        .map(Into::into)
}

impl ServiceAccountKey {
    pub fn from_json(text: &str) -> Result<Self, ProviderError> {
        serde_json::from_str(text).map_err(|err| {
            ProviderError::TokenExchange(format!("invalid service-account key: {err}"))
        })
    }

    pub fn token_uri(&self) -> &str {
        self.token_uri.as_deref().unwrap_or(DEFAULT_TOKEN_URI)
    }

    fn key_pair(&self) -> Result<RsaKeyPair, ProviderError> {
        let der = pem_to_der(self.private_key.expose())?;
        RsaKeyPair::from_pkcs8(&der)
            .map_err(|_| ProviderError::TokenExchange("private_key is not a PKCS#8 RSA key".into()))
    }

    /// The signed JWT assertion for the token endpoint, issued at `now_secs`.
    pub fn assertion(&self, now_secs: i64) -> Result<String, ProviderError> {
        let mut header = json!({"alg": "RS256", "typ": "JWT"});
        if let Some(kid) = &self.private_key_id {
            header["kid"] = json!(kid);
        }
        let claims = json!({
            "iss": self.client_email,
            "scope": CLOUD_PLATFORM_SCOPE,
            "aud": self.token_uri(),
            "iat": now_secs,
            "exp": now_secs + ASSERTION_TTL_SECS,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let key_pair = self.key_pair()?;
        let mut signature = vec![0; key_pair.public().modulus_len()];
        key_pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| ProviderError::Signing("RS256 signing failed".into()))?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }
}

fn pem_to_der(pem: &str) -> Result<Vec<u8>, ProviderError> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("-----"))
        .collect();
    STANDARD
        .decode(body)
        .map_err(|_| ProviderError::TokenExchange("private_key is not valid PEM".into()))
}

#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: Secret,
    pub expires_at_ms: i64,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// Exchanges a fresh assertion for an access token.
pub async fn exchange(
    http: &reqwest::Client,
    key: &ServiceAccountKey,
    clock: &dyn Clock,
) -> Result<AccessToken, ProviderError> {
    let now_ms = clock.now_ms();
    let assertion = key.assertion(now_ms / 1000)?;
    let body = format!(
        "grant_type={}&assertion={}",
        utf8_percent_encode(JWT_BEARER_GRANT, NON_ALPHANUMERIC),
        utf8_percent_encode(&assertion, NON_ALPHANUMERIC)
    );
    let response = http
        .post(key.token_uri())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(|err| ProviderError::TokenExchange(format!("request failed: {err}")))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|err| ProviderError::TokenExchange(format!("reading response: {err}")))?;
    if !status.is_success() {
        let reason = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
            .unwrap_or_default();
        return Err(ProviderError::TokenExchange(format!(
            "HTTP {status} {reason}"
        )));
    }
    let parsed: TokenResponse = serde_json::from_str(&text)
        .map_err(|_| ProviderError::TokenExchange("unexpected token response".into()))?;
    Ok(AccessToken {
        token: parsed.access_token,
        expires_at_ms: now_ms + parsed.expires_in.unwrap_or(3600) * 1000,
    })
}

/// Access tokens per service account; one exchange at a time, reused until near expiry.
#[derive(Default)]
pub struct GoogleTokenCache {
    tokens: tokio::sync::Mutex<HashMap<String, AccessToken>>,
}

impl std::fmt::Debug for GoogleTokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleTokenCache").finish_non_exhaustive()
    }
}

impl GoogleTokenCache {
    pub async fn access_token(
        &self,
        http: &reqwest::Client,
        key: &ServiceAccountKey,
        clock: &dyn Clock,
    ) -> Result<Secret, ProviderError> {
        // Held across the exchange on purpose: concurrent callers wait for one refresh.
        let mut tokens = self.tokens.lock().await;
        if let Some(cached) = tokens
            .get(&key.client_email)
            .filter(|t| clock.now_ms() + REFRESH_MARGIN_MS < t.expires_at_ms)
        {
            return Ok(cached.token.clone());
        }
        let fresh = exchange(http, key, clock).await?;
        let token = fresh.token.clone();
        tokens.insert(key.client_email.clone(), fresh);
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::clock::ManualClock;
    use ring::signature::{KeyPair, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const KEY_FILE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/provider/test-service-account.json"
    ));

    fn decode(part: &str) -> serde_json::Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("b64")).expect("json")
    }

    fn verify(key: &ServiceAccountKey, jwt: &str) {
        let (signing_input, signature) = jwt.rsplit_once('.').expect("three parts");
        let public = key.key_pair().expect("key").public_key().as_ref().to_vec();
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public)
            .verify(
                signing_input.as_bytes(),
                &URL_SAFE_NO_PAD.decode(signature).expect("sig"),
            )
            .expect("RS256 signature verifies");
    }

    #[test]
    fn assertion_is_a_verifiable_rs256_jwt() {
        let key = ServiceAccountKey::from_json(KEY_FILE).expect("key file");
        assert!(!format!("{key:?}").contains("PRIVATE KEY"));
        let jwt = key.assertion(1_700_000_000).expect("signs");
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(
            decode(parts[0]),
            json!({"alg": "RS256", "typ": "JWT", "kid": "test-key-id-1"})
        );
        assert_eq!(
            decode(parts[1]),
            json!({
                "iss": "sidecar-test@test-project.iam.gserviceaccount.com",
                "scope": CLOUD_PLATFORM_SCOPE,
                "aud": DEFAULT_TOKEN_URI,
                "iat": 1_700_000_000,
                "exp": 1_700_003_600,
            })
        );
        verify(&key, &jwt);
    }

    /// A token endpoint on 127.0.0.1 that checks the grant and counts exchanges.
    async fn token_server(hits: Arc<AtomicUsize>, key: ServiceAccountKey) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = socket.read(&mut chunk).await.expect("read");
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf);
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let len = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().to_string())
                            })
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        if body.len() >= len || n == 0 {
                            break;
                        }
                    }
                }
                let text = String::from_utf8_lossy(&buf).to_string();
                let body = text
                    .split_once("\r\n\r\n")
                    .map(|(_, b)| b)
                    .unwrap_or_default();
                let assertion = body
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("assertion="))
                    .expect("assertion");
                let assertion = percent_encoding::percent_decode_str(assertion)
                    .decode_utf8()
                    .expect("utf8")
                    .to_string();
                assert!(body.contains(
                    "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant%2Dtype%3Ajwt%2Dbearer"
                ));
                verify(&key, &assertion);
                let n = hits.fetch_add(1, Ordering::SeqCst);
                let reply = format!(
                    r#"{{"access_token":"ya29.token-{n}","expires_in":3600,"token_type":"Bearer"}}"#
                );
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
                socket.write_all(response.as_bytes()).await.expect("write");
            }
        });
        format!("http://{addr}/token")
    }

    #[tokio::test]
    async fn exchange_once_and_reuse_until_near_expiry() {
        let mut key = ServiceAccountKey::from_json(KEY_FILE).expect("key");
        let hits = Arc::new(AtomicUsize::new(0));
        key.token_uri = Some(token_server(hits.clone(), key.clone()).await);
        let http = reqwest::Client::new();
        let clock = Arc::new(ManualClock::at(1_700_000_000_000));
        let cache = Arc::new(GoogleTokenCache::default());

        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (cache, http, key, clock) =
                    (cache.clone(), http.clone(), key.clone(), clock.clone());
                tokio::spawn(async move { cache.access_token(&http, &key, clock.as_ref()).await })
            })
            .collect();
        for task in tasks {
            let token = task.await.expect("join").expect("token");
            assert_eq!(token.expose(), "ya29.token-0");
        }
        assert_eq!(hits.load(Ordering::SeqCst), 1);

        clock.advance_ms(3_600_000 - 30_000);
        let renewed = cache
            .access_token(&http, &key, clock.as_ref())
            .await
            .expect("token");
        assert_eq!(renewed.expose(), "ya29.token-1");
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }
}
