//! OpenAI ChatGPT sign-in (the Codex OAuth client): browser PKCE with a local callback, the
//! headless device-code variant, and token refresh. Facts from OpenCode's codex plugin.

use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::pkce::Pkce;
use super::{PollTiming, USER_AGENT, http_error, now_ms, read_json};
use crate::auth::credential::{Credential, OAuthTokens};
use crate::auth::error::{AuthError, AuthResult};
use crate::auth::secret::Secret;

pub const PROVIDER_ID: &str = "openai";
pub const ISSUER: &str = "https://auth.openai.com";
pub const CLIENT_ID: &str = "app_EMoamEEZ73f0CkXaXp7hrann";
pub const CALLBACK_PORT: u16 = 1455;
pub const CALLBACK_PATH: &str = "/auth/callback";
pub const SCOPE: &str = "openid profile email offline_access";
pub const ORIGINATOR: &str = "opencode";
/// Lifetime assumed when the token response names none.
const DEFAULT_EXPIRES_IN_SECS: u64 = 3600;

#[derive(Deserialize)]
pub struct TokenResponse {
    #[serde(default)]
    pub id_token: Option<Secret>,
    pub access_token: Secret,
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    #[serde(default)]
    pub expires_in: Option<u64>,
}

/// The URL the user opens for the browser sign-in.
pub fn authorize_url(issuer: &str, redirect_uri: &str, pkce: &Pkce, state: &str) -> String {
    let mut url = reqwest::Url::parse(&format!("{issuer}/oauth/authorize"))
        .unwrap_or_else(|_| reqwest::Url::parse(ISSUER).expect("the default issuer is a URL"));
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", CLIENT_ID)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", SCOPE)
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("id_token_add_organizations", "true")
        .append_pair("codex_cli_simplified_flow", "true")
        .append_pair("state", state)
        .append_pair("originator", ORIGINATOR);
    url.into()
}

/// Exchanges an authorization code (browser or device flow) for tokens.
pub async fn exchange_code(
    http: &reqwest::Client,
    issuer: &str,
    code: &Secret,
    redirect_uri: &str,
    verifier: &Secret,
) -> AuthResult<TokenResponse> {
    let endpoint = format!("{issuer}/oauth/token");
    let response = http
        .post(&endpoint)
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri),
            ("client_id", CLIENT_ID),
            ("code_verifier", verifier.expose()),
        ])
        .send()
        .await
        .map_err(|err| AuthError::network(&endpoint, err))?;
    read_json(&endpoint, response).await
}

/// Trades a refresh token for new tokens.
pub async fn refresh(
    http: &reqwest::Client,
    issuer: &str,
    refresh_token: &Secret,
) -> AuthResult<TokenResponse> {
    let endpoint = format!("{issuer}/oauth/token");
    let response = http
        .post(&endpoint)
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("client_id", CLIENT_ID),
        ])
        .send()
        .await
        .map_err(|err| AuthError::network(&endpoint, err))?;
    read_json(&endpoint, response).await
}

/// Builds the stored credential (and an account label, the email when the id token has one).
/// A response without a refresh token keeps `previous_refresh`.
pub fn into_credential(
    tokens: TokenResponse,
    previous_refresh: Option<&Secret>,
    previous_account_id: Option<&str>,
) -> AuthResult<(Credential, Option<String>)> {
    let claims = tokens
        .id_token
        .as_ref()
        .and_then(|t| jwt_claims(t.expose()))
        .or_else(|| jwt_claims(tokens.access_token.expose()));
    let account_id = claims
        .as_ref()
        .and_then(account_id_from_claims)
        .or_else(|| previous_account_id.map(str::to_owned));
    let label = claims
        .as_ref()
        .and_then(|c| c.get("email"))
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let refresh = match (tokens.refresh_token.clone(), previous_refresh) {
        (Some(fresh), _) => fresh,
        (None, Some(previous)) => previous.clone(),
        (None, None) => {
            return Err(AuthError::CallbackFailed(
                "the token response has no refresh token".into(),
            ));
        }
    };
    let expires_in = tokens.expires_in.unwrap_or(DEFAULT_EXPIRES_IN_SECS);
    let credential = Credential::Oauth(OAuthTokens {
        refresh,
        access: tokens.access_token.clone(),
        expires: now_ms().saturating_add(expires_in.saturating_mul(1000)),
        account_id,
        enterprise_url: None,
    });
    Ok((credential, label))
}

/// The payload of a JWT, without verifying it (only used to read the account id and email).
pub fn jwt_claims(token: &str) -> Option<serde_json::Value> {
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn account_id_from_claims(claims: &serde_json::Value) -> Option<String> {
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_owned);
    text(claims.get("chatgpt_account_id"))
        .or_else(|| {
            text(
                claims
                    .get("https://api.openai.com/auth")
                    .and_then(|a| a.get("chatgpt_account_id")),
            )
        })
        .or_else(|| {
            text(
                claims
                    .get("organizations")
                    .and_then(|o| o.get(0))
                    .and_then(|o| o.get("id")),
            )
        })
}

/// A started headless sign-in.
pub struct DeviceStart {
    pub device_auth_id: String,
    pub user_code: String,
    pub interval_secs: u64,
}

#[derive(Deserialize)]
struct UserCodeResponse {
    device_auth_id: String,
    user_code: String,
    #[serde(default)]
    interval: Option<serde_json::Value>,
}

pub fn device_page(issuer: &str) -> String {
    format!("{issuer}/codex/device")
}

pub async fn start_device(http: &reqwest::Client, issuer: &str) -> AuthResult<DeviceStart> {
    let endpoint = format!("{issuer}/api/accounts/deviceauth/usercode");
    let response = http
        .post(&endpoint)
        .header(reqwest::header::USER_AGENT, USER_AGENT)
        .json(&serde_json::json!({ "client_id": CLIENT_ID }))
        .send()
        .await
        .map_err(|err| AuthError::network(&endpoint, err))?;
    let data: UserCodeResponse = read_json(&endpoint, response).await?;
    // The server sends the interval as a string; accept a number too.
    let interval_secs = match &data.interval {
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        _ => None,
    }
    .unwrap_or(5)
    .max(1);
    Ok(DeviceStart {
        device_auth_id: data.device_auth_id,
        user_code: data.user_code,
        interval_secs,
    })
}

#[derive(Deserialize)]
struct DeviceGrant {
    authorization_code: Secret,
    code_verifier: Secret,
}

/// Polls until the user approves (403/404 mean "not yet"), then exchanges the code.
pub async fn poll_device(
    http: &reqwest::Client,
    issuer: &str,
    start: &DeviceStart,
    timing: &PollTiming,
    on_wait: &(dyn Fn(u32) + Send + Sync),
) -> AuthResult<TokenResponse> {
    let endpoint = format!("{issuer}/api/accounts/deviceauth/token");
    let deadline = Instant::now() + timing.device_timeout;
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let response = http
            .post(&endpoint)
            .header(reqwest::header::USER_AGENT, USER_AGENT)
            .json(&serde_json::json!({
                "device_auth_id": start.device_auth_id,
                "user_code": start.user_code,
            }))
            .send()
            .await
            .map_err(|err| AuthError::network(&endpoint, err))?;
        let status = response.status().as_u16();
        if response.status().is_success() {
            let grant: DeviceGrant = read_json(&endpoint, response).await?;
            let redirect_uri = format!("{issuer}/deviceauth/callback");
            return exchange_code(
                http,
                issuer,
                &grant.authorization_code,
                &redirect_uri,
                &grant.code_verifier,
            )
            .await;
        }
        if status != 403 && status != 404 {
            return Err(http_error(&endpoint, response).await);
        }
        let wait = timing.wait(start.interval_secs);
        if Instant::now() + wait > deadline {
            return Err(AuthError::FlowExpired);
        }
        on_wait(attempt);
        tokio::time::sleep(wait).await;
    }
}
