//! Google access tokens for Vertex from Application Default Credentials, found as Google's client
//! libraries find them but in the session's env view (never the process environment):
//! 1. the file `GOOGLE_APPLICATION_CREDENTIALS` names (or a key JSON given as the credential);
//! 2. gcloud's well-known file, `$CLOUDSDK_CONFIG/application_default_credentials.json`, else
//!    `~/.config/gcloud/…` (`%APPDATA%\gcloud\…` on Windows);
//! 3. the metadata server of a Google Cloud machine (`GCE_METADATA_HOST` moves it;
//!    `NO_GCE_CHECK=true` skips it).
//!
//! A file is a `service_account` key (RS256 JWT assertion), an `authorized_user` (gcloud's refresh
//! token) or an `external_account` (workload identity federation: a file- or URL-sourced subject
//! token exchanged at STS, optionally impersonating a service account). Tokens are cached per
//! credential (a digest of its JSON, or the metadata host) until a minute before they expire.
//!
//! Hand-written rather than `gcp_auth` / `google-cloud-auth`: both discover credentials from the
//! process environment (`GOOGLE_APPLICATION_CREDENTIALS`, `HOME`, `GCE_METADATA_HOST`) and build
//! their own HTTP clients, so a session's env could not drive them, nor the sidecar's proxy and CA
//! settings reach them, nor tests point them at local endpoints.

mod authorized_user;
mod external_account;
mod metadata_server;
mod service_account;

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::clock::Clock;
use super::error::ProviderError;
use super::secret::Secret;

pub use service_account::ServiceAccountKey;

pub const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
pub const CLOUD_PLATFORM_SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";
/// Tokens are renewed this long before they expire.
const REFRESH_MARGIN_MS: i64 = 60_000;

/// Credentials found for a session.
#[derive(Debug)]
pub enum GoogleCredentials {
    ServiceAccount(ServiceAccountKey),
    AuthorizedUser(authorized_user::AuthorizedUser),
    ExternalAccount(external_account::ExternalAccount),
    /// The metadata server at this base URL.
    MetadataServer(String),
}

impl GoogleCredentials {
    /// Parses a credentials JSON by its `type`; `origin` names where it came from in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<Self, ProviderError> {
        #[derive(Deserialize)]
        struct Kind {
            #[serde(rename = "type", default)]
            kind: Option<String>,
        }
        let invalid = |reason: String| ProviderError::TokenExchange(format!("{origin}: {reason}"));
        let kind: Kind = serde_json::from_str(text)
            .map_err(|error| invalid(format!("not a credentials JSON ({error})")))?;
        let parse_error = |error: serde_json::Error| invalid(error.to_string());
        match kind.kind.as_deref() {
            Some("service_account") | None => Ok(Self::ServiceAccount(
                serde_json::from_str(text).map_err(parse_error)?,
            )),
            Some("authorized_user") => Ok(Self::AuthorizedUser(
                serde_json::from_str(text).map_err(parse_error)?,
            )),
            Some("external_account") => Ok(Self::ExternalAccount(
                serde_json::from_str(text).map_err(parse_error)?,
            )),
            Some(other) => Err(invalid(format!(
                "credentials of type `{other}` are not supported (service_account, authorized_user and external_account are)"
            ))),
        }
    }

    /// What the cached token is keyed by: a digest, never a secret.
    fn cache_key(&self, text: Option<&str>) -> [u8; 32] {
        let mut hasher = Sha256::new();
        match (self, text) {
            (Self::MetadataServer(base), _) => {
                hasher.update(b"metadata\0");
                hasher.update(base.as_bytes());
            }
            (_, Some(text)) => hasher.update(text.as_bytes()),
            (Self::ServiceAccount(key), None) => hasher.update(key.client_email.as_bytes()),
            (_, None) => hasher.update(b"\0"),
        }
        hasher.finalize().into()
    }

    async fn fetch(
        &self,
        http: &reqwest::Client,
        clock: &dyn Clock,
    ) -> Result<AccessToken, ProviderError> {
        match self {
            Self::ServiceAccount(key) => service_account::token(http, key, clock).await,
            Self::AuthorizedUser(user) => user.token(http, clock).await,
            Self::ExternalAccount(account) => account.token(http, clock).await,
            Self::MetadataServer(base) => metadata_server::token(http, base, clock).await,
        }
    }
}

/// Application Default Credentials from the session's env view, with the JSON they came from;
/// `None` when nothing is configured (and the metadata server check is off).
pub async fn discover(
    env: &HashMap<String, String>,
) -> Result<Option<(GoogleCredentials, Option<String>)>, ProviderError> {
    let var = |name: &str| env.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    if let Some(path) = var("GOOGLE_APPLICATION_CREDENTIALS") {
        let text = tokio::fs::read_to_string(path).await.map_err(|error| {
            ProviderError::TokenExchange(format!(
                "cannot read GOOGLE_APPLICATION_CREDENTIALS ({path}): {}",
                error.kind()
            ))
        })?;
        let credentials = GoogleCredentials::from_json(&text, "GOOGLE_APPLICATION_CREDENTIALS")?;
        return Ok(Some((credentials, Some(text))));
    }
    if let Some(path) = well_known_file(env) {
        match tokio::fs::read_to_string(&path).await {
            Ok(text) => {
                let origin = format!("gcloud's credentials ({})", path.display());
                let credentials = GoogleCredentials::from_json(&text, &origin)?;
                return Ok(Some((credentials, Some(text))));
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(ProviderError::TokenExchange(format!(
                    "cannot read {}: {}",
                    path.display(),
                    error.kind()
                )));
            }
        }
    }
    if var("NO_GCE_CHECK").is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1") {
        return Ok(None);
    }
    Ok(Some((
        GoogleCredentials::MetadataServer(metadata_server::base_url(env)),
        None,
    )))
}

/// gcloud's `application_default_credentials.json`, where the env view puts its config dir.
pub fn well_known_file(env: &HashMap<String, String>) -> Option<PathBuf> {
    const FILE: &str = "application_default_credentials.json";
    let var = |name: &str| env.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    if let Some(dir) = var("CLOUDSDK_CONFIG") {
        return Some(PathBuf::from(dir).join(FILE));
    }
    if cfg!(windows) {
        return var("APPDATA").map(|dir| PathBuf::from(dir).join("gcloud").join(FILE));
    }
    var("HOME").map(|home| PathBuf::from(home).join(".config/gcloud").join(FILE))
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

/// What a token endpoint refused with: its HTTP status and OAuth `error` code (never its body).
#[derive(Debug)]
struct Refusal {
    status: reqwest::StatusCode,
    error: String,
}

impl Refusal {
    fn into_error(self, what: &str) -> ProviderError {
        ProviderError::TokenExchange(format!("{what}: HTTP {} {}", self.status, self.error))
    }
}

/// POSTs a form to a token endpoint; `Err(Ok(refusal))` when it answers with an error status.
async fn post_form(
    http: &reqwest::Client,
    url: &str,
    form: &[(&str, &str)],
    clock: &dyn Clock,
) -> Result<Result<AccessToken, Refusal>, ProviderError> {
    let body = form
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let now_ms = clock.now_ms();
    let response = http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(|error| ProviderError::TokenExchange(format!("request failed: {error}")))?;
    read_token(response, now_ms).await
}

async fn read_token(
    response: reqwest::Response,
    now_ms: i64,
) -> Result<Result<AccessToken, Refusal>, ProviderError> {
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|error| ProviderError::TokenExchange(format!("reading response: {error}")))?;
    if !status.is_success() {
        let error = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
            .unwrap_or_default();
        return Ok(Err(Refusal { status, error }));
    }
    let parsed: TokenResponse = serde_json::from_str(&text)
        .map_err(|_| ProviderError::TokenExchange("unexpected token response".into()))?;
    Ok(Ok(AccessToken {
        token: parsed.access_token,
        expires_at_ms: now_ms + parsed.expires_in.unwrap_or(3600) * 1000,
    }))
}

/// `application/x-www-form-urlencoded` values: everything but the unreserved characters encoded.
const FORM_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, FORM_VALUE).to_string()
}

/// Access tokens per credential; one fetch at a time, reused until near expiry.
#[derive(Default)]
pub struct GoogleTokenCache {
    tokens: tokio::sync::Mutex<HashMap<[u8; 32], AccessToken>>,
}

impl std::fmt::Debug for GoogleTokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleTokenCache").finish_non_exhaustive()
    }
}

impl GoogleTokenCache {
    /// The token of `credentials` (`text`: the JSON they were read from, for the cache key).
    pub async fn access_token(
        &self,
        http: &reqwest::Client,
        credentials: &GoogleCredentials,
        text: Option<&str>,
        clock: &dyn Clock,
    ) -> Result<Secret, ProviderError> {
        let key = credentials.cache_key(text);
        // Held across the fetch on purpose: concurrent callers wait for one refresh.
        let mut tokens = self.tokens.lock().await;
        if let Some(cached) = tokens
            .get(&key)
            .filter(|t| clock.now_ms() + REFRESH_MARGIN_MS < t.expires_at_ms)
        {
            return Ok(cached.token.clone());
        }
        let fresh = credentials.fetch(http, clock).await?;
        let token = fresh.token.clone();
        tokens.insert(key, fresh);
        Ok(token)
    }
}

#[cfg(test)]
mod tests;
