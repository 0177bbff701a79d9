//! The metadata server of a Google Cloud machine (GCE, GKE, Cloud Run): the default service
//! account's token. `GCE_METADATA_HOST` (host[:port]) moves it, as Google's libraries allow.

use std::collections::HashMap;
use std::time::Duration;

use super::{AccessToken, read_token};
use crate::provider::clock::Clock;
use crate::provider::error::ProviderError;

const DEFAULT_HOST: &str = "metadata.google.internal";
const TOKEN_PATH: &str = "/computeMetadata/v1/instance/service-accounts/default/token";
/// Off Google Cloud the host does not resolve; don't let a chat wait long to learn that.
const TIMEOUT: Duration = Duration::from_secs(3);

pub fn base_url(env: &HashMap<String, String>) -> String {
    let host = env
        .get("GCE_METADATA_HOST")
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .unwrap_or(DEFAULT_HOST);
    format!("http://{host}")
}

pub async fn token(
    http: &reqwest::Client,
    base: &str,
    clock: &dyn Clock,
) -> Result<AccessToken, ProviderError> {
    let now_ms = clock.now_ms();
    let response = http
        .get(format!("{base}{TOKEN_PATH}"))
        .header("Metadata-Flavor", "Google")
        .timeout(TIMEOUT)
        .send()
        .await
        .map_err(|_| ProviderError::AuthMissing {
            provider: "google-vertex".into(),
            hint: format!(
                "no Application Default Credentials: set GOOGLE_APPLICATION_CREDENTIALS, run `gcloud auth application-default login`, or run on Google Cloud (the metadata server at {base} did not answer)"
            ),
        })?;
    read_token(response, now_ms)
        .await?
        .map_err(|refusal| refusal.into_error("the metadata server refused a token"))
}
