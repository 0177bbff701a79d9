//! PKCE (RFC 7636, S256) verifier/challenge and the OAuth `state`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::auth::secret::Secret;

const UNRESERVED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

pub struct Pkce {
    pub verifier: Secret,
    pub challenge: String,
}

/// Random bytes from the OS.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    bytes
}

impl Pkce {
    /// A 43-character verifier of unreserved characters and its S256 challenge.
    pub fn generate() -> Self {
        let verifier: String = random_bytes::<43>()
            .iter()
            .map(|b| char::from(UNRESERVED[usize::from(*b) % UNRESERVED.len()]))
            .collect();
        let challenge = challenge_for(&verifier);
        Self {
            verifier: Secret::new(verifier),
            challenge,
        }
    }
}

pub fn challenge_for(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// An unguessable `state` (32 random bytes, base64url).
pub fn new_state() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// An id for a pending authorization.
pub fn new_authorization_id() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<16>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_example_challenge() {
        // Appendix B of RFC 7636.
        assert_eq!(
            challenge_for("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_unreserved_and_distinct() {
        let a = Pkce::generate();
        let b = Pkce::generate();
        assert_eq!(a.verifier.expose().len(), 43);
        assert!(a.verifier.expose().bytes().all(|c| UNRESERVED.contains(&c)));
        assert_ne!(a.verifier.expose(), b.verifier.expose());
        assert_eq!(a.challenge, challenge_for(a.verifier.expose()));
        assert_ne!(new_state(), new_state());
    }
}
