//! Sign-in flows: OpenAI ChatGPT (PKCE browser and device code), GitHub Copilot (device code),
//! and the shared pieces (endpoints, polling, HTTP helpers, PKCE, the local callback server).

pub mod callback_server;
pub mod copilot;
pub mod openai;
pub mod pkce;

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{AuthError, AuthResult};

/// `User-Agent` of every auth request.
pub const USER_AGENT: &str = concat!("provider-sidecar/", env!("CARGO_PKG_VERSION"));

/// Every endpoint of every flow; tests point them at mock servers on 127.0.0.1.
#[derive(Clone, Debug)]
pub struct AuthEndpoints {
    /// OpenAI's OAuth issuer (`/oauth/authorize`, `/oauth/token`, `/api/accounts/deviceauth/*`).
    pub openai_issuer: String,
    /// Port of the local callback server; OpenAI's client only accepts 1455. 0 picks a free one.
    pub openai_callback_port: u16,
    /// When set, replaces `https://<github domain>` (device code and access token) and
    /// `https://api.<github domain>` (Copilot token) for every GitHub domain.
    pub github_base_override: Option<String>,
}

impl Default for AuthEndpoints {
    fn default() -> Self {
        Self {
            openai_issuer: openai::ISSUER.to_owned(),
            openai_callback_port: openai::CALLBACK_PORT,
            github_base_override: None,
        }
    }
}

/// Timing of device-code polling and of waiting flows.
#[derive(Clone, Debug)]
pub struct PollTiming {
    /// Length of one "second" of a server-given interval (tests shrink it).
    pub interval_unit: Duration,
    /// Added to every wait so clock skew never makes a poll early (OpenCode: 3 s).
    pub safety_margin: Duration,
    /// Seconds added to the interval on `slow_down` when the server names none (RFC 8628).
    pub slow_down_step_secs: u64,
    /// How long a browser (PKCE) sign-in may take (OpenCode: 5 minutes).
    pub browser_timeout: Duration,
    /// Upper bound for a device flow whose server gives no `expires_in`.
    pub device_timeout: Duration,
}

impl Default for PollTiming {
    fn default() -> Self {
        Self {
            interval_unit: Duration::from_secs(1),
            safety_margin: Duration::from_secs(3),
            slow_down_step_secs: 5,
            browser_timeout: Duration::from_secs(5 * 60),
            device_timeout: Duration::from_secs(15 * 60),
        }
    }
}

impl PollTiming {
    pub(crate) fn wait(&self, interval_secs: u64) -> Duration {
        self.interval_unit * u32::try_from(interval_secs).unwrap_or(u32::MAX) + self.safety_margin
    }
}

/// What a device flow reports while it waits, for `$/progress`.
#[derive(Clone, Debug, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthProgress {
    pub provider_id: String,
    pub authorization_id: String,
    pub message: String,
    pub attempt: u32,
}

/// Receives progress while a flow waits.
pub type ProgressSink = std::sync::Arc<dyn Fn(AuthProgress) + Send + Sync>;

/// Reads a JSON body; on a non-success status returns `AuthError::Http` naming only the
/// OAuth `error` / `error_description` fields of the body, never the rest of it.
pub(crate) async fn read_json<T: DeserializeOwned>(
    endpoint: &str,
    response: reqwest::Response,
) -> AuthResult<T> {
    let status = response.status();
    if !status.is_success() {
        return Err(http_error(endpoint, response).await);
    }
    response.json::<T>().await.map_err(|err| AuthError::Http {
        endpoint: endpoint.to_owned(),
        status: status.as_u16(),
        message: format!("unexpected response body: {}", err.without_url()),
    })
}

pub(crate) async fn http_error(endpoint: &str, response: reqwest::Response) -> AuthError {
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    let field = |name: &str| body.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    // OAuth error codes are short identifiers; anything else is not echoed.
    let code = field("error").filter(|c| {
        c.len() <= 64
            && c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.'))
    });
    let message = match (code, field("error_description")) {
        (Some(code), Some(text)) => format!("{code}: {}", truncate(&text, 200)),
        (Some(code), None) => code,
        _ => "request failed".to_owned(),
    };
    AuthError::Http {
        endpoint: endpoint.to_owned(),
        status,
        message,
    }
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((idx, _)) => &text[..idx],
        None => text,
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
}
