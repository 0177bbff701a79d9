//! Optional validation of an API key against the provider's models endpoint.
//!
//! Only a 401 or 403 rejects a key. A key that cannot be checked (no known endpoint, network
//! failure, any other status) is still stored, and the outcome says why it was not confirmed.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::auth::error::{AuthError, AuthResult};
use crate::auth::secret::Secret;

/// How to check a key: `GET url` with `header: prefix + key` (e.g. `Authorization: Bearer …`,
/// or `x-api-key: …` with an empty prefix) plus any fixed headers the provider needs.
#[derive(Clone, Debug)]
pub struct ApiKeyValidation {
    pub url: String,
    pub header: String,
    pub prefix: String,
    pub extra_headers: Vec<(String, String)>,
}

impl ApiKeyValidation {
    pub fn bearer(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            header: "Authorization".into(),
            prefix: "Bearer ".into(),
            extra_headers: Vec::new(),
        }
    }

    /// Anthropic's `x-api-key` with the `anthropic-version` header it requires.
    pub fn anthropic(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            header: "x-api-key".into(),
            prefix: String::new(),
            extra_headers: vec![("anthropic-version".into(), "2023-06-01".into())],
        }
    }
}

/// What `auth/set` was asked to do about validation.
#[derive(Clone, Debug, Default)]
pub enum KeyValidation {
    /// Not asked for.
    #[default]
    Skip,
    /// Asked for, but no models endpoint is known for the provider: store without checking.
    Unsupported,
    /// Check against this endpoint.
    Against(ApiKeyValidation),
}

/// How a requested validation ended (a rejected key is an error instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyValidationOutcome {
    /// The models endpoint accepted the key.
    Valid,
    /// No models endpoint is known for this provider; the key was stored unchecked.
    NotSupported,
    /// The endpoint could not be reached (or timed out); the key was stored unchecked.
    Unreachable,
    /// The endpoint answered with a status other than 2xx, 401 or 403; the key was stored.
    UnexpectedStatus,
}

/// The validation part of `auth/set`'s result. Never holds the key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeyValidationReport {
    pub outcome: KeyValidationOutcome,
    /// The endpoint checked (without its query string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The HTTP status, when the endpoint answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Why the key is stored without being confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

impl KeyValidationReport {
    pub fn not_supported(provider_id: &str) -> Self {
        Self {
            outcome: KeyValidationOutcome::NotSupported,
            endpoint: None,
            http_status: None,
            warning: Some(format!(
                "key validation is not supported for `{provider_id}` (no known models endpoint); \
                 the key was stored without being checked"
            )),
        }
    }
}

/// An endpoint as it may be shown: scheme, host, port and path only.
fn shown_endpoint(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            parsed.set_query(None);
            parsed.set_fragment(None);
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => "(invalid URL)".to_owned(),
    }
}

/// `GET` the models endpoint with the key, within `timeout`. 2xx accepts the key; 401/403
/// reject it (an error); a network failure or any other status gives a report with a warning.
pub async fn validate_api_key(
    http: &reqwest::Client,
    provider_id: &str,
    key: &Secret,
    validation: &ApiKeyValidation,
    timeout: Duration,
) -> AuthResult<KeyValidationReport> {
    let endpoint = shown_endpoint(&validation.url);
    let mut request = http
        .get(&validation.url)
        .timeout(timeout)
        .header(
            validation.header.as_str(),
            format!("{}{}", validation.prefix, key.expose()),
        )
        .header("accept", "application/json");
    for (name, value) in &validation.extra_headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) => {
            let reason = if err.is_timeout() {
                format!("no answer within {} ms", timeout.as_millis())
            } else {
                err.without_url().to_string()
            };
            tracing::debug!(provider = provider_id, %endpoint, %reason, "key validation: endpoint unreachable");
            return Ok(KeyValidationReport {
                outcome: KeyValidationOutcome::Unreachable,
                warning: Some(format!(
                    "could not reach {endpoint} to validate the key ({reason}); the key was \
                     stored without being checked"
                )),
                endpoint: Some(endpoint),
                http_status: None,
            });
        }
    };
    let status = response.status().as_u16();
    match status {
        200..=299 => Ok(KeyValidationReport {
            outcome: KeyValidationOutcome::Valid,
            endpoint: Some(endpoint),
            http_status: Some(status),
            warning: None,
        }),
        401 | 403 => Err(AuthError::KeyRejected {
            provider: provider_id.to_owned(),
            status,
        }),
        _ => Ok(KeyValidationReport {
            outcome: KeyValidationOutcome::UnexpectedStatus,
            warning: Some(format!(
                "{endpoint} answered HTTP {status}, so the key could not be confirmed; it was \
                 stored without being checked"
            )),
            endpoint: Some(endpoint),
            http_status: Some(status),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_endpoints_drop_query_and_credentials() {
        assert_eq!(
            shown_endpoint("https://user:pw@api.example.com/v1/models?key=abc#x"),
            "https://api.example.com/v1/models"
        );
        assert_eq!(shown_endpoint("not a url"), "(invalid URL)");
    }
}
