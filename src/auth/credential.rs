//! Credential kinds, serialized exactly like OpenCode's `auth.json` entries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::AuthError;
use super::secret::Secret;

/// Name of the account used when the caller names none.
pub const DEFAULT_ACCOUNT: &str = "default";

/// One stored credential. The JSON form is OpenCode's: `{"type":"api","key":…}`,
/// `{"type":"oauth","refresh","access","expires",…}`, `{"type":"wellknown","key","token"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Credential {
    Api {
        key: Secret,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        metadata: BTreeMap<String, String>,
    },
    Oauth(OAuthTokens),
    /// Written by `opencode auth login <url>`: `key` is the env var name the token feeds.
    Wellknown {
        key: String,
        token: Secret,
    },
}

/// OAuth tokens; `expires` is milliseconds since the Unix epoch, 0 meaning "does not expire"
/// (OpenCode stores GitHub Copilot's long-lived GitHub token that way).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthTokens {
    pub refresh: Secret,
    pub access: Secret,
    pub expires: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_url: Option<String>,
}

impl OAuthTokens {
    /// True when the access token is missing, expired, or expires within `margin_ms`.
    pub fn needs_refresh(&self, now_ms: u64, margin_ms: u64) -> bool {
        if self.access.is_empty() {
            return true;
        }
        self.expires != 0 && self.expires <= now_ms.saturating_add(margin_ms)
    }
}

/// The kind of a credential, without its secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CredentialKind {
    Api,
    Oauth,
    Wellknown,
}

impl Credential {
    pub fn api_key(key: impl Into<Secret>) -> Self {
        Self::Api {
            key: key.into(),
            metadata: BTreeMap::new(),
        }
    }

    pub fn kind(&self) -> CredentialKind {
        match self {
            Self::Api { .. } => CredentialKind::Api,
            Self::Oauth(_) => CredentialKind::Oauth,
            Self::Wellknown { .. } => CredentialKind::Wellknown,
        }
    }

    /// Every secret string this credential holds (for leak checks in tests and log scrubbing).
    pub fn secrets(&self) -> Vec<&Secret> {
        match self {
            Self::Api { key, .. } => vec![key],
            Self::Oauth(t) => vec![&t.refresh, &t.access],
            Self::Wellknown { token, .. } => vec![token],
        }
    }
}

/// Checks a provider id: non-empty, no control characters (ids may be URLs, as in OpenCode).
pub fn validate_provider_id(provider_id: &str) -> Result<(), AuthError> {
    if provider_id.trim().is_empty() || provider_id.chars().any(char::is_control) {
        return Err(AuthError::InvalidParams(
            "providerId must be a non-empty string without control characters".into(),
        ));
    }
    Ok(())
}

/// Checks an account name: 1–64 characters of `A-Z a-z 0-9 . _ - @ +`.
pub fn validate_account_name(account: &str) -> Result<(), AuthError> {
    let ok = !account.is_empty()
        && account.len() <= 64
        && account
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+'));
    if ok {
        Ok(())
    } else {
        Err(AuthError::InvalidParams(
            "account names are 1-64 characters of letters, digits and . _ - @ +".into(),
        ))
    }
}

/// Provider ids are stored without a trailing `/`, as OpenCode does for URL keys.
pub fn normalize_provider_id(provider_id: &str) -> String {
    provider_id.trim_end_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opencode_shapes_round_trip() {
        let api: Credential =
            serde_json::from_str(r#"{"type":"api","key":"sk-1"}"#).expect("api entry");
        assert_eq!(api.kind(), CredentialKind::Api);
        assert_eq!(
            serde_json::to_value(&api).expect("ser"),
            serde_json::json!({"type":"api","key":"sk-1"})
        );

        let oauth_json = serde_json::json!({
            "type":"oauth","refresh":"r","access":"a","expires":1700000000000u64,
            "accountId":"acc","enterpriseUrl":"ghe.example.com"
        });
        let oauth: Credential = serde_json::from_value(oauth_json.clone()).expect("oauth entry");
        let Credential::Oauth(t) = &oauth else {
            panic!("expected oauth")
        };
        assert_eq!(t.account_id.as_deref(), Some("acc"));
        assert_eq!(serde_json::to_value(&oauth).expect("ser"), oauth_json);

        let wk: Credential =
            serde_json::from_str(r#"{"type":"wellknown","key":"MY_TOKEN","token":"t"}"#)
                .expect("wellknown entry");
        assert_eq!(wk.kind(), CredentialKind::Wellknown);
    }

    #[test]
    fn debug_never_shows_secrets() {
        let cred = Credential::Oauth(OAuthTokens {
            refresh: "refresh-secret".into(),
            access: "access-secret".into(),
            expires: 1,
            account_id: None,
            enterprise_url: None,
        });
        let debug = format!("{cred:?}");
        assert!(!debug.contains("refresh-secret") && !debug.contains("access-secret"));
    }

    #[test]
    fn refresh_margin() {
        let t = OAuthTokens {
            refresh: "r".into(),
            access: "a".into(),
            expires: 10_000,
            account_id: None,
            enterprise_url: None,
        };
        assert!(!t.needs_refresh(1_000, 5_000));
        assert!(t.needs_refresh(6_000, 5_000));
        assert!(t.needs_refresh(20_000, 0));
        let never = OAuthTokens { expires: 0, ..t };
        assert!(!never.needs_refresh(u64::MAX / 2, 5_000));
    }

    #[test]
    fn account_names_are_checked() {
        assert!(validate_account_name("work@example.com").is_ok());
        assert!(validate_account_name("").is_err());
        assert!(validate_account_name("a:b").is_err());
        assert!(validate_provider_id("https://example.com").is_ok());
        assert!(validate_provider_id(" ").is_err());
        assert_eq!(normalize_provider_id("https://x.dev/"), "https://x.dev");
    }
}
