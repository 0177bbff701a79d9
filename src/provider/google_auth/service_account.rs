//! A service-account key: an RS256-signed JWT assertion exchanged at the token endpoint for an
//! access token (scope cloud-platform). RS256 uses `ring`, already linked as rustls' crypto provider.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde::Deserialize;
use serde_json::json;

use super::{AccessToken, CLOUD_PLATFORM_SCOPE, DEFAULT_TOKEN_URI, post_form};
use crate::provider::clock::Clock;
use crate::provider::error::ProviderError;
use crate::provider::secret::Secret;

const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ASSERTION_TTL_SECS: i64 = 3600;

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

/// Exchanges a fresh assertion for an access token.
pub async fn token(
    http: &reqwest::Client,
    key: &ServiceAccountKey,
    clock: &dyn Clock,
) -> Result<AccessToken, ProviderError> {
    let assertion = key.assertion(clock.now_ms() / 1000)?;
    let form = [
        ("grant_type", JWT_BEARER_GRANT),
        ("assertion", assertion.as_str()),
    ];
    post_form(http, key.token_uri(), &form, clock)
        .await?
        .map_err(|refusal| refusal.into_error("the service-account token exchange failed"))
}

#[cfg(test)]
mod tests {
    use super::super::{GoogleCredentials, GoogleTokenCache};
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
                assert!(
                    body.contains(
                        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
                    )
                );
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
        let credentials = Arc::new(GoogleCredentials::ServiceAccount(key));

        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (cache, http, credentials, clock) = (
                    cache.clone(),
                    http.clone(),
                    credentials.clone(),
                    clock.clone(),
                );
                tokio::spawn(async move {
                    cache
                        .access_token(&http, &credentials, None, clock.as_ref())
                        .await
                })
            })
            .collect();
        for task in tasks {
            let token = task.await.expect("join").expect("token");
            assert_eq!(token.expose(), "ya29.token-0");
        }
        assert_eq!(hits.load(Ordering::SeqCst), 1);

        clock.advance_ms(3_600_000 - 30_000);
        let renewed = cache
            .access_token(&http, &credentials, None, clock.as_ref())
            .await
            .expect("token");
        assert_eq!(renewed.expose(), "ya29.token-1");
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }
}
