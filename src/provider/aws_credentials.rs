//! Bedrock's AWS credentials from the AWS SDK's own default chain (`aws-config`): environment keys,
//! the shared config and credentials files (static keys, SSO, assume-role, web identity,
//! `credential_process`), web identity from the environment, container credentials
//! (`AWS_CONTAINER_CREDENTIALS_*`) and instance metadata (IMDSv2).
//!
//! The chain is built per session from its env snapshot (an injected `Env`): the process
//! environment is neither read nor written. Files are read where that env points (`HOME`,
//! `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`). Credentials are cached per env view (its
//! digest, never its values) until shortly before they expire.

mod http;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::BehaviorVersion;
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::region::Region;
use sha2::{Digest, Sha256};

use super::clock::Clock;
use super::error::ProviderError;
use super::input::AwsCredentials;
use super::secret::Secret;

/// Credentials are renewed this long before they expire.
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);
/// Credentials without an expiry (static keys, some `credential_process` tools) are looked up
/// again after this long, as the SDK's own identity cache does.
const NO_EXPIRY_TTL: Duration = Duration::from_secs(15 * 60);

/// Which chain to run: the session's env view, the `profile` option and the Bedrock region.
#[derive(Clone)]
pub struct ChainRequest<'a> {
    pub provider_id: &'a str,
    /// The session's env snapshot plus overlay.
    pub env: &'a HashMap<String, String>,
    /// The `profile` provider option; `AWS_PROFILE` of the env applies otherwise.
    pub profile: Option<String>,
    /// The region of the chain's own calls (STS, SSO) where the profile names none.
    pub region: String,
}

impl std::fmt::Debug for ChainRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainRequest")
            .field("provider_id", &self.provider_id)
            .field("profile", &self.profile)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl ChainRequest<'_> {
    /// The profile the SDK reads, for messages.
    fn profile_name(&self) -> String {
        self.profile
            .clone()
            .or_else(|| {
                self.env
                    .get("AWS_PROFILE")
                    .filter(|p| !p.trim().is_empty())
                    .cloned()
            })
            .unwrap_or_else(|| "default".to_string())
    }

    /// What the chain's result depends on: every `AWS_*` variable, the home directory, the profile
    /// and the region. Hashed so the cache holds no secret.
    fn cache_key(&self) -> [u8; 32] {
        let mut relevant: Vec<(&String, &String)> = self
            .env
            .iter()
            .filter(|(name, _)| {
                name.starts_with("AWS_")
                    || matches!(
                        name.as_str(),
                        "HOME" | "USERPROFILE" | "HOMEDRIVE" | "HOMEPATH"
                    )
            })
            .collect();
        relevant.sort();
        let mut hasher = Sha256::new();
        for (name, value) in relevant {
            for part in [name.as_bytes(), b"=", value.as_bytes(), b"\0"] {
                hasher.update(part);
            }
        }
        hasher.update(self.profile.as_deref().unwrap_or("\0no-profile").as_bytes());
        hasher.update(b"\0");
        hasher.update(self.region.as_bytes());
        hasher.finalize().into()
    }
}

#[derive(Clone)]
struct Cached {
    credentials: AwsCredentials,
    /// Epoch milliseconds after which the chain runs again.
    refresh_at_ms: i64,
}

type Slot = Arc<tokio::sync::Mutex<Option<Cached>>>;

/// The AWS default credential chain with a per-env-view cache; shared by all sessions.
pub struct AwsCredentialChain {
    http: reqwest::Client,
    slots: Mutex<HashMap<[u8; 32], Slot>>,
}

impl std::fmt::Debug for AwsCredentialChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsCredentialChain").finish_non_exhaustive()
    }
}

impl AwsCredentialChain {
    pub fn new(http: reqwest::Client) -> Self {
        Self {
            http,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The chain's credentials, `Ok(None)` when nothing in the chain is configured. An expired SSO
    /// session is `AuthExpired`; a failing source (a `credential_process` that exits non-zero, an
    /// STS refusal) is `AuthFailed`, naming the profile and what to do.
    pub async fn credentials(
        &self,
        request: &ChainRequest<'_>,
        clock: &dyn Clock,
    ) -> Result<Option<AwsCredentials>, ProviderError> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(slots.entry(request.cache_key()).or_default())
        };
        // Held across the lookup on purpose: concurrent calls with the same env wait for one run.
        let mut cached = slot.lock().await;
        let now_ms = clock.now_ms();
        if let Some(entry) = cached.as_ref().filter(|c| now_ms < c.refresh_at_ms) {
            return Ok(Some(entry.credentials.clone()));
        }
        let Some(found) = self.load(request).await? else {
            *cached = None;
            return Ok(None);
        };
        let refresh_at_ms = match found.expiry() {
            Some(expiry) => epoch_ms(expiry) - REFRESH_MARGIN.as_millis() as i64,
            None => now_ms + NO_EXPIRY_TTL.as_millis() as i64,
        };
        let credentials = AwsCredentials {
            access_key_id: found.access_key_id().to_string(),
            secret_access_key: Secret::new(found.secret_access_key()),
            session_token: found.session_token().map(Secret::new),
        };
        *cached = Some(Cached {
            credentials: credentials.clone(),
            refresh_at_ms,
        });
        Ok(Some(credentials))
    }

    /// One run of the SDK's default chain over the session's env.
    async fn load(
        &self,
        request: &ChainRequest<'_>,
    ) -> Result<Option<aws_credential_types::Credentials>, ProviderError> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .env(Env::from(request.env.clone()))
            .fs(Fs::real())
            .http_client(http::sdk_http_client(self.http.clone()))
            .region(Region::new(request.region.clone()));
        if let Some(profile) = &request.profile {
            loader = loader.profile_name(profile);
        }
        let config = loader.load().await;
        let Some(provider) = config.credentials_provider() else {
            return Ok(None);
        };
        match provider.provide_credentials().await {
            Ok(credentials) => Ok(Some(credentials)),
            Err(CredentialsError::CredentialsNotLoaded(_)) => Ok(None),
            Err(error) => Err(chain_error(request, &error)),
        }
    }
}

fn epoch_ms(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_millis() as i64,
        Err(_) => 0,
    }
}

/// The messages of the error and its sources. Not `DisplayErrorContext`: that appends the `Debug`
/// form, which holds raw responses (an IMDS session token, a portal's reply).
fn display_chain(error: &CredentialsError) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}

/// Names what to fix. The SDK's own text is kept only where it cannot hold a secret: a
/// `credential_process` tool's stderr is dropped.
fn chain_error(request: &ChainRequest<'_>, error: &CredentialsError) -> ProviderError {
    let text = display_chain(error);
    let profile = request.profile_name();
    let provider = request.provider_id.to_string();
    tracing::debug!(
        provider = %provider,
        profile = %profile,
        "the AWS credential chain failed"
    );
    if text.contains("SSO token") || text.contains("sso/cache") {
        return ProviderError::AuthExpired {
            provider,
            hint: format!(
                "the AWS SSO session of profile `{profile}` has expired or was never started: run `aws sso login --profile {profile}`"
            ),
        };
    }
    if text.contains("external process") {
        let detail = if text.contains("could not parse response") {
            "printed no valid credentials JSON".to_string()
        } else if let Some(status) = text
            .split_once("exited with code ")
            .map(|(_, rest)| rest.split(['.', ')']).next().unwrap_or(rest).trim())
        {
            format!("failed ({status})")
        } else {
            "could not be run".to_string()
        };
        return ProviderError::AuthFailed {
            provider,
            reason: format!(
                "the credential_process of AWS profile `{profile}` {detail}; run it in a shell to see why"
            ),
        };
    }
    // Whatever else the chain says, without anything a credential tool may have printed.
    let said = text.split("Stderr:").next().unwrap_or_default().trim();
    ProviderError::AuthFailed {
        provider,
        reason: format!("the AWS credential chain (profile `{profile}`) failed: {said}"),
    }
}

#[cfg(test)]
mod tests;
