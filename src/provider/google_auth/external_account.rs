//! Workload identity federation (`external_account`): a subject token from a file or a URL (an
//! OIDC token from Kubernetes, GitHub Actions, Azure, …) exchanged at Google's STS for an access
//! token, then, when configured, for a service account's token through IAM Credentials.
//! AWS- and executable-sourced subject tokens are not supported.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use super::{AccessToken, CLOUD_PLATFORM_SCOPE, post_form};
use crate::provider::clock::Clock;
use crate::provider::error::ProviderError;
use crate::provider::secret::Secret;

const TOKEN_EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

#[derive(Debug, Deserialize)]
pub struct ExternalAccount {
    audience: String,
    subject_token_type: String,
    token_url: String,
    credential_source: CredentialSource,
    #[serde(default)]
    service_account_impersonation_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CredentialSource {
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    format: Option<Format>,
    /// Set for AWS-sourced credentials, which are not supported.
    #[serde(default)]
    environment_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Format {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    subject_token_field_name: Option<String>,
}

fn failed(reason: impl std::fmt::Display) -> ProviderError {
    ProviderError::TokenExchange(format!("external account: {reason}"))
}

impl ExternalAccount {
    pub async fn token(
        &self,
        http: &reqwest::Client,
        clock: &dyn Clock,
    ) -> Result<AccessToken, ProviderError> {
        let subject = self.subject_token(http).await?;
        let form = [
            ("grant_type", TOKEN_EXCHANGE_GRANT),
            ("audience", self.audience.as_str()),
            ("scope", CLOUD_PLATFORM_SCOPE),
            ("requested_token_type", ACCESS_TOKEN_TYPE),
            ("subject_token", subject.expose()),
            ("subject_token_type", self.subject_token_type.as_str()),
        ];
        let federated = post_form(http, &self.token_url, &form, clock)
            .await?
            .map_err(|refusal| refusal.into_error("the STS token exchange failed"))?;
        match &self.service_account_impersonation_url {
            Some(url) => impersonate(http, url, &federated.token, clock).await,
            None => Ok(federated),
        }
    }

    async fn subject_token(&self, http: &reqwest::Client) -> Result<Secret, ProviderError> {
        let source = &self.credential_source;
        let raw = if let Some(path) = &source.file {
            tokio::fs::read_to_string(path).await.map_err(|error| {
                failed(format!(
                    "cannot read the subject token file {path}: {}",
                    error.kind()
                ))
            })?
        } else if let Some(url) = &source.url {
            let mut request = http.get(url);
            for (name, value) in &source.headers {
                request = request.header(name, value);
            }
            let response = request
                .send()
                .await
                .map_err(|error| failed(format!("fetching the subject token: {error}")))?;
            if !response.status().is_success() {
                return Err(failed(format!(
                    "the subject token URL answered HTTP {}",
                    response.status()
                )));
            }
            response
                .text()
                .await
                .map_err(|error| failed(format!("reading the subject token: {error}")))?
        } else if source.environment_id.is_some() {
            return Err(failed("AWS-sourced subject tokens are not supported"));
        } else {
            return Err(failed(
                "credential_source needs `file` or `url` (executable sources are not supported)",
            ));
        };
        let token = match source.format.as_ref() {
            Some(Format {
                kind: Some(kind),
                subject_token_field_name,
            }) if kind == "json" => {
                let field = subject_token_field_name.as_deref().ok_or_else(|| {
                    failed("credential_source.format needs subject_token_field_name")
                })?;
                serde_json::from_str::<serde_json::Value>(&raw)
                    .ok()
                    .and_then(|v| v.get(field).and_then(|t| t.as_str()).map(str::to_string))
                    .ok_or_else(|| failed(format!("the subject token JSON has no `{field}`")))?
            }
            _ => raw.trim().to_string(),
        };
        if token.is_empty() {
            return Err(failed("the subject token is empty"));
        }
        Ok(Secret::new(token))
    }
}

/// IAM Credentials `generateAccessToken` for the impersonated service account.
async fn impersonate(
    http: &reqwest::Client,
    url: &str,
    federated: &Secret,
    clock: &dyn Clock,
) -> Result<AccessToken, ProviderError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Generated {
        access_token: Secret,
        expire_time: String,
    }
    let now_ms = clock.now_ms();
    let response = http
        .post(url)
        .bearer_auth(federated.expose())
        .json(&json!({"scope": [CLOUD_PLATFORM_SCOPE], "lifetime": "3600s"}))
        .send()
        .await
        .map_err(|error| failed(format!("impersonation request failed: {error}")))?;
    let status = response.status();
    if !status.is_success() {
        return Err(failed(format!(
            "service account impersonation answered HTTP {status}"
        )));
    }
    let generated: Generated = response
        .json()
        .await
        .map_err(|_| failed("unexpected impersonation response"))?;
    let expires_at_ms = chrono::DateTime::parse_from_rfc3339(&generated.expire_time)
        .map(|t| t.timestamp_millis())
        .unwrap_or(now_ms + 3_600_000);
    Ok(AccessToken {
        token: generated.access_token,
        expires_at_ms,
    })
}
