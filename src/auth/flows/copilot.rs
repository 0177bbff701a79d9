//! GitHub Copilot sign-in: GitHub's device flow on github.com or a GitHub Enterprise domain,
//! and the exchange of the GitHub token for the short-lived Copilot API token. Facts from
//! OpenCode's copilot plugin (client id, scope, polling) and opencode-copilot-auth (exchange).

use std::time::Instant;

use serde::Deserialize;

use super::{PollTiming, USER_AGENT, http_error, read_json};
use crate::auth::error::{AuthError, AuthResult};
use crate::auth::secret::Secret;

pub const PROVIDER_ID: &str = "github-copilot";
pub const CLIENT_ID: &str = "Ov23li8tweQw6odWQebz";
pub const SCOPE: &str = "read:user";
pub const DEFAULT_DOMAIN: &str = "github.com";
const DEVICE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Headers GitHub's Copilot token endpoint expects from an editor client.
const EDITOR_HEADERS: [(&str, &str); 4] = [
    ("User-Agent", "GitHubCopilotChat/0.26.7"),
    ("Editor-Version", "vscode/1.99.3"),
    ("Editor-Plugin-Version", "copilot-chat/0.26.7"),
    ("Copilot-Integration-Id", "vscode-chat"),
];

/// `https://company.ghe.com/` → `company.ghe.com`.
pub fn normalize_domain(url: &str) -> String {
    let trimmed = url.trim();
    let without_scheme = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .unwrap_or(trimmed);
    without_scheme.trim_end_matches('/').to_owned()
}

/// Endpoints for one GitHub domain.
#[derive(Clone, Debug)]
pub struct GithubUrls {
    pub device_code: String,
    pub access_token: String,
    pub copilot_token: String,
}

impl GithubUrls {
    pub fn for_domain(domain: &str, base_override: Option<&str>) -> Self {
        let (web, api) = match base_override {
            Some(base) => (base.to_owned(), base.to_owned()),
            None => (format!("https://{domain}"), format!("https://api.{domain}")),
        };
        Self {
            device_code: format!("{web}/login/device/code"),
            access_token: format!("{web}/login/oauth/access_token"),
            copilot_token: format!("{api}/copilot_internal/v2/token"),
        }
    }
}

/// Which GitHub the method's prompts chose: `deploymentType` = `github.com` | `enterprise`,
/// and `enterpriseUrl` for the latter. Returns the domain and whether it is Enterprise.
pub fn domain_from_inputs(
    inputs: &std::collections::BTreeMap<String, String>,
) -> AuthResult<(String, bool)> {
    match inputs.get("deploymentType").map(String::as_str) {
        None | Some("github.com") => Ok((DEFAULT_DOMAIN.to_owned(), false)),
        Some("enterprise") => {
            let raw = inputs
                .get("enterpriseUrl")
                .map(String::as_str)
                .unwrap_or("");
            let domain = normalize_domain(raw);
            let valid = !domain.is_empty()
                && reqwest::Url::parse(&format!("https://{domain}"))
                    .ok()
                    .and_then(|u| u.host_str().map(|h| !h.is_empty()))
                    .unwrap_or(false);
            if valid {
                Ok((domain, true))
            } else {
                Err(AuthError::InvalidParams(
                    "enterpriseUrl must be a GitHub Enterprise URL or domain".into(),
                ))
            }
        }
        Some(other) => Err(AuthError::InvalidParams(format!(
            "deploymentType must be `github.com` or `enterprise`, not `{other}`"
        ))),
    }
}

#[derive(Deserialize)]
pub struct DeviceCode {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    #[serde(default = "default_interval")]
    pub interval: u64,
    #[serde(default)]
    pub expires_in: Option<u64>,
}

fn default_interval() -> u64 {
    5
}

pub async fn start_device(http: &reqwest::Client, urls: &GithubUrls) -> AuthResult<DeviceCode> {
    let response = http
        .post(&urls.device_code)
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::USER_AGENT, USER_AGENT)
        .json(&serde_json::json!({ "client_id": CLIENT_ID, "scope": SCOPE }))
        .send()
        .await
        .map_err(|err| AuthError::network(&urls.device_code, err))?;
    read_json(&urls.device_code, response).await
}

#[derive(Deserialize)]
struct AccessTokenReply {
    #[serde(default)]
    access_token: Option<Secret>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    interval: Option<u64>,
}

/// Polls GitHub until the user approves; returns the GitHub OAuth token. Handles
/// `authorization_pending`, `slow_down` (the server's interval, else +5 s), `expired_token`
/// and `access_denied`; every wait adds the safety margin.
pub async fn poll_device(
    http: &reqwest::Client,
    urls: &GithubUrls,
    device: &DeviceCode,
    timing: &PollTiming,
    on_wait: &(dyn Fn(u32) + Send + Sync),
) -> AuthResult<Secret> {
    let lifetime = device
        .expires_in
        .map(|secs| timing.interval_unit * u32::try_from(secs).unwrap_or(u32::MAX))
        .unwrap_or(timing.device_timeout);
    let deadline = Instant::now() + lifetime;
    let mut interval = device.interval.max(1);
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let response = http
            .post(&urls.access_token)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::USER_AGENT, USER_AGENT)
            .json(&serde_json::json!({
                "client_id": CLIENT_ID,
                "device_code": device.device_code.expose(),
                "grant_type": DEVICE_GRANT_TYPE,
            }))
            .send()
            .await
            .map_err(|err| AuthError::network(&urls.access_token, err))?;
        if !response.status().is_success() {
            return Err(http_error(&urls.access_token, response).await);
        }
        let reply: AccessTokenReply = read_json(&urls.access_token, response).await?;
        if let Some(token) = reply.access_token.filter(|t| !t.is_empty()) {
            return Ok(token);
        }
        match reply.error.as_deref() {
            Some("authorization_pending") | None => {}
            Some("slow_down") => {
                interval = reply
                    .interval
                    .filter(|i| *i > 0)
                    .unwrap_or(interval + timing.slow_down_step_secs);
            }
            Some("expired_token") => return Err(AuthError::FlowExpired),
            Some("access_denied") => {
                return Err(AuthError::Denied {
                    reason: reply
                        .error_description
                        .unwrap_or_else(|| "the user denied access".into()),
                });
            }
            Some(other) => {
                return Err(AuthError::CallbackFailed(format!(
                    "GitHub answered `{other}`"
                )));
            }
        }
        let wait = timing.wait(interval);
        if Instant::now() + wait > deadline {
            return Err(AuthError::FlowExpired);
        }
        on_wait(attempt);
        tokio::time::sleep(wait).await;
    }
}

/// A short-lived Copilot API token.
#[derive(Debug)]
pub struct CopilotToken {
    pub token: Secret,
    /// Milliseconds since the Unix epoch.
    pub expires_at_ms: u64,
    /// `endpoints.api` of the response: the API base for this account, when given.
    pub api_base: Option<String>,
}

#[derive(Deserialize)]
struct CopilotTokenReply {
    token: Secret,
    expires_at: u64,
    #[serde(default)]
    endpoints: Option<CopilotEndpoints>,
}

#[derive(Deserialize)]
struct CopilotEndpoints {
    #[serde(default)]
    api: Option<String>,
}

/// Exchanges the GitHub token for a Copilot API token (`GET /copilot_internal/v2/token`).
pub async fn exchange_copilot_token(
    http: &reqwest::Client,
    urls: &GithubUrls,
    github_token: &Secret,
) -> AuthResult<CopilotToken> {
    let mut request = http
        .get(&urls.copilot_token)
        .header(reqwest::header::ACCEPT, "application/json")
        .bearer_auth(github_token.expose());
    for (name, value) in EDITOR_HEADERS {
        request = request.header(name, value);
    }
    let response = request
        .send()
        .await
        .map_err(|err| AuthError::network(&urls.copilot_token, err))?;
    let reply: CopilotTokenReply = read_json(&urls.copilot_token, response).await?;
    Ok(CopilotToken {
        token: reply.token,
        expires_at_ms: reply.expires_at.saturating_mul(1000),
        api_base: reply.endpoints.and_then(|e| e.api),
    })
}

/// `https://copilot-api.<domain>` for Enterprise, None for github.com (the catalog's URL).
pub fn enterprise_api_base(enterprise_url: Option<&str>) -> Option<String> {
    enterprise_url.map(|url| format!("https://copilot-api.{}", normalize_domain(url)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn domains_from_prompts() {
        let mut inputs = BTreeMap::new();
        assert_eq!(
            domain_from_inputs(&inputs).expect("default"),
            ("github.com".to_owned(), false)
        );
        inputs.insert("deploymentType".to_owned(), "enterprise".to_owned());
        assert!(domain_from_inputs(&inputs).is_err());
        inputs.insert(
            "enterpriseUrl".to_owned(),
            "https://company.ghe.com/".to_owned(),
        );
        assert_eq!(
            domain_from_inputs(&inputs).expect("enterprise"),
            ("company.ghe.com".to_owned(), true)
        );
        let urls = GithubUrls::for_domain("company.ghe.com", None);
        assert_eq!(
            urls.device_code,
            "https://company.ghe.com/login/device/code"
        );
        assert_eq!(
            urls.copilot_token,
            "https://api.company.ghe.com/copilot_internal/v2/token"
        );
        assert_eq!(
            enterprise_api_base(Some("company.ghe.com")).as_deref(),
            Some("https://copilot-api.company.ghe.com")
        );
    }
}
