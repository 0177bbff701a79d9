//! Z.AI key exchange: an `<id>.<secret>` key becomes a short-lived HS256 JWT, signed locally.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::provider::clock::Clock;
use crate::provider::error::ProviderError;
use crate::provider::secret::Secret;

/// Token lifetime claimed in `exp`.
pub const TOKEN_TTL_MS: i64 = 210_000;
/// How long a signed token is reused; shorter than its lifetime so it never expires in flight.
pub const CACHE_TTL_MS: i64 = 180_000;

/// The `{"alg":"HS256","sign_type":"SIGN"}` header, in this exact field order.
const HEADER_JSON: &str = r#"{"alg":"HS256","sign_type":"SIGN"}"#;

/// Splits an `<id>.<secret>` key; any other shape is sent as is.
pub fn split_key(key: &str) -> Option<(&str, &str)> {
    let (id, secret) = key.split_once('.')?;
    (!id.is_empty() && !secret.is_empty() && !secret.contains('.')).then_some((id, secret))
}

/// Signs a token for `id` with `secret` at `now_ms`.
pub fn sign_token(id: &str, secret: &str, now_ms: i64) -> Result<String, ProviderError> {
    let payload = json!({
        "api_key": id,
        "exp": now_ms + TOKEN_TTL_MS,
        "timestamp": now_ms,
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER_JSON),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| ProviderError::Signing("HMAC key rejected".into()))?;
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    Ok(format!("{signing_input}.{signature}"))
}

struct CachedToken {
    token: Secret,
    signed_at_ms: i64,
}

/// Signed tokens per key, reused for [`CACHE_TTL_MS`]. Keys are held only as SHA-256 digests.
#[derive(Default)]
pub struct ZaiTokenCache {
    entries: Mutex<HashMap<[u8; 32], CachedToken>>,
}

impl std::fmt::Debug for ZaiTokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZaiTokenCache").finish_non_exhaustive()
    }
}

impl ZaiTokenCache {
    /// The bearer value for `key`: a (cached) JWT for `id.secret` keys, else the key itself.
    pub fn bearer_for(&self, key: &Secret, clock: &dyn Clock) -> Result<Secret, ProviderError> {
        let Some((id, secret)) = split_key(key.expose()) else {
            return Ok(key.clone());
        };
        let digest: [u8; 32] = Sha256::digest(key.expose().as_bytes()).into();
        let now = clock.now_ms();
        let mut entries = self
            .entries
            .lock()
            .map_err(|_| ProviderError::Signing("token cache poisoned".into()))?;
        if let Some(cached) = entries
            .get(&digest)
            .filter(|c| now >= c.signed_at_ms && now - c.signed_at_ms < CACHE_TTL_MS)
        {
            return Ok(cached.token.clone());
        }
        let token = Secret::new(sign_token(id, secret, now)?);
        entries.retain(|_, cached| now - cached.signed_at_ms < CACHE_TTL_MS);
        entries.insert(
            digest,
            CachedToken {
                token: token.clone(),
                signed_at_ms: now,
            },
        );
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::clock::ManualClock;
    use serde_json::Value;

    fn decode_part(part: &str) -> Value {
        let bytes = URL_SAFE_NO_PAD.decode(part).expect("base64url");
        serde_json::from_slice(&bytes).expect("json")
    }

    #[test]
    fn jwt_shape_claims_and_signature() {
        let now = 1_764_000_000_000;
        let token = sign_token("my-id", "my-secret", now).expect("signs");
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);

        let header = decode_part(parts[0]);
        assert_eq!(header, json!({"alg": "HS256", "sign_type": "SIGN"}));
        let claims = decode_part(parts[1]);
        assert_eq!(claims["api_key"], "my-id");
        assert_eq!(claims["timestamp"], now);
        assert_eq!(claims["exp"], now + 210_000);

        // Verify independently: HMAC-SHA256 over "header.payload" with the secret.
        let mut mac = Hmac::<Sha256>::new_from_slice(b"my-secret").expect("key");
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        let signature = URL_SAFE_NO_PAD.decode(parts[2]).expect("sig");
        mac.verify_slice(&signature).expect("signature verifies");

        let mut wrong = Hmac::<Sha256>::new_from_slice(b"other-secret").expect("key");
        wrong.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        assert!(wrong.verify_slice(&signature).is_err());
    }

    #[test]
    fn plain_keys_pass_through() {
        let cache = ZaiTokenCache::default();
        let clock = ManualClock::at(0);
        for key in ["plainkey", "a.b.c", ".secret", "id."] {
            let out = cache.bearer_for(&Secret::new(key), &clock).expect("ok");
            assert_eq!(out.expose(), key);
        }
    }

    #[test]
    fn cached_for_three_minutes_per_key() {
        let cache = ZaiTokenCache::default();
        let clock = ManualClock::at(1_000_000);
        let key = Secret::new("id1.sec1");
        let first = cache.bearer_for(&key, &clock).expect("ok");
        clock.advance_ms(179_000);
        assert_eq!(cache.bearer_for(&key, &clock).expect("ok"), first);

        let other = cache
            .bearer_for(&Secret::new("id2.sec2"), &clock)
            .expect("ok");
        assert_ne!(other, first);

        clock.advance_ms(2_000);
        let renewed = cache.bearer_for(&key, &clock).expect("ok");
        assert_ne!(renewed, first);
        let claims = decode_part(renewed.expose().split('.').nth(1).expect("payload"));
        assert_eq!(claims["timestamp"], 1_181_000);
    }

    #[test]
    fn concurrent_callers_share_one_token_per_key() {
        let cache = std::sync::Arc::new(ZaiTokenCache::default());
        let clock = std::sync::Arc::new(ManualClock::at(5_000));
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let (cache, clock) = (cache.clone(), clock.clone());
                std::thread::spawn(move || {
                    let key = Secret::new(format!("id{}.secret", i % 2));
                    cache.bearer_for(&key, clock.as_ref()).expect("ok")
                })
            })
            .collect();
        let tokens: Vec<Secret> = handles
            .into_iter()
            .map(|handle| handle.join().expect("thread"))
            .collect();
        let distinct: std::collections::HashSet<&str> = tokens.iter().map(Secret::expose).collect();
        assert_eq!(distinct.len(), 2);
    }
}
