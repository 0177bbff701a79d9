//! A string that must never leak: redacted in Debug/Display, wiped from memory on drop.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

/// The text printed wherever a secret would otherwise appear.
pub const REDACTED: &str = "[redacted]";

/// A secret value (API key, token). Serializes as its plain value, so it belongs only in
/// stored records and request params, never in result types.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The plain value, for building a request header or a keyring entry.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let secret = Secret::new("sk-very-secret");
        assert_eq!(format!("{secret:?}"), REDACTED);
        assert_eq!(secret.to_string(), REDACTED);
        assert_eq!(format!("{:?}", Some(&secret)), format!("Some({REDACTED})"));
        assert_eq!(secret.expose(), "sk-very-secret");
    }

    #[test]
    fn serde_round_trips_the_plain_value() {
        let secret = Secret::new("abc");
        let json = serde_json::to_string(&secret).expect("serializes");
        assert_eq!(json, "\"abc\"");
        let back: Secret = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back.expose(), "abc");
    }

    #[test]
    fn zeroize_wipes_the_buffer() {
        let mut secret = Secret::new("wipe-me");
        secret.0.zeroize();
        assert!(secret.is_empty());
    }
}
