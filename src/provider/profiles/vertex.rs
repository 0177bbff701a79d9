//! Google Vertex AI (Gemini) and Vertex Anthropic: project, location, endpoint host per location,
//! Bearer access token.
//!
//! Resolution is synchronous, so the access token comes in as `Credential::OAuth` or
//! `Credential::BearerToken`; [`crate::provider::TokenBroker`] gets it from Application Default
//! Credentials ([`crate::provider::google_auth`]).

use serde_json::{Map, Value, json};

use super::options::{self, Gpt5Defaults};
use super::{CallRef, Profile, anthropic};
use super::{gemini, runtime_at};
use crate::provider::common::{join_url, merged_headers, validate_url};
use crate::provider::error::ProviderError;
use crate::provider::input::{Credential, LoaderInput};
use crate::provider::runtime::{AuthScheme, ResolvedRuntime, RuntimeProtocol};

/// Gemini on Vertex AI.
pub struct VertexProfile;
pub static PROFILE: VertexProfile = VertexProfile;

impl Profile for VertexProfile {
    fn family(&self) -> &'static str {
        "google-vertex"
    }

    /// Reasoning models show their thoughts (`includeThoughts`), Gemini 3 at `thinkingLevel: high`.
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let mut out = options::common(call, Gpt5Defaults::default());
        if let Some(config) = gemini::thinking_config(call) {
            out.insert("thinkingConfig".into(), config);
        }
        out
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["vertex", "google"]
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "google-vertex"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/google-vertex"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve(input)
    }
}

/// Claude on Vertex AI (Anthropic Messages under a Vertex URL).
pub struct VertexAnthropicProfile;
pub static ANTHROPIC_PROFILE: VertexAnthropicProfile = VertexAnthropicProfile;

impl Profile for VertexAnthropicProfile {
    fn family(&self) -> &'static str {
        "google-vertex-anthropic"
    }

    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        anthropic::messages_options(call)
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["anthropic"]
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "google-vertex-anthropic"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/google-vertex/anthropic"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve_anthropic(input)
    }
}

pub const ANTHROPIC_VERSION: &str = "vertex-2023-10-16";

/// `global` → the global host, `eu`/`us` → regional endpoints, else `{loc}-aiplatform`.
pub fn endpoint_host(location: &str) -> String {
    match location {
        "global" => "aiplatform.googleapis.com".into(),
        "eu" | "us" => format!("aiplatform.{location}.rep.googleapis.com"),
        other => format!("{other}-aiplatform.googleapis.com"),
    }
}

fn project(input: &LoaderInput<'_>, env_names: &[&str]) -> Result<String, ProviderError> {
    input
        .option_str("project")
        .or_else(|| input.first_env(env_names))
        .map(str::to_string)
        .ok_or_else(|| ProviderError::ConfigMissing {
            provider: input.provider_id.to_string(),
            setting: "project",
            hint: format!("set options.project or one of {}", env_names.join(", ")),
        })
}

fn location(input: &LoaderInput<'_>, env_names: &[&str], default: &str) -> String {
    input
        .option_str("location")
        .or_else(|| input.first_env(env_names))
        .unwrap_or(default)
        .to_string()
}

fn access_token(input: &LoaderInput<'_>) -> Result<AuthScheme, ProviderError> {
    match input.credential {
        Some(Credential::OAuth { access: token, .. }) | Some(Credential::BearerToken(token)) => {
            Ok(AuthScheme::Bearer(token.clone()))
        }
        _ => Err(ProviderError::AuthMissing {
            provider: input.provider_id.to_string(),
            hint: "Vertex needs Google credentials: set GOOGLE_APPLICATION_CREDENTIALS (a service-account, authorized-user or external-account JSON), run `gcloud auth application-default login`, or run on Google Cloud".into(),
        }),
    }
}

fn base_or(
    input: &LoaderInput<'_>,
    computed: impl FnOnce() -> Result<String, ProviderError>,
) -> Result<String, ProviderError> {
    match input.option_str("baseURL") {
        Some(url) => {
            validate_url(url)?;
            Ok(url.trim_end_matches('/').to_string())
        }
        None => computed(),
    }
}

/// `google-vertex` (Gemini models).
pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    if input.npm == Some("@ai-sdk/google-vertex/anthropic") {
        return resolve_anthropic(input);
    }
    let base = base_or(input, || {
        let project = project(
            input,
            &[
                "GOOGLE_VERTEX_PROJECT",
                "GOOGLE_CLOUD_PROJECT",
                "GCP_PROJECT",
                "GCLOUD_PROJECT",
            ],
        )?;
        let location = location(
            input,
            &[
                "GOOGLE_VERTEX_LOCATION",
                "GOOGLE_CLOUD_LOCATION",
                "VERTEX_LOCATION",
            ],
            "us-central1",
        );
        Ok(format!(
            "https://{}/v1/projects/{project}/locations/{location}/publishers/google",
            endpoint_host(&location)
        ))
    })?;
    let auth = access_token(input)?;
    let headers = merged_headers(input, &[]);
    let mut runtime = runtime_at(input, RuntimeProtocol::Gemini, base, headers, auth);
    runtime.chat_url = gemini::stream_url(&runtime.base_url, input.model_id);
    Ok(runtime)
}

/// `google-vertex-anthropic` (Claude on Vertex): Anthropic Messages body without `model`,
/// `anthropic_version` in the body, model in the URL.
pub fn resolve_anthropic(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    let base = base_or(input, || {
        let project = project(
            input,
            &[
                "GOOGLE_VERTEX_PROJECT",
                "GOOGLE_CLOUD_PROJECT",
                "GCP_PROJECT",
                "GCLOUD_PROJECT",
            ],
        )?;
        let location = location(
            input,
            &[
                "GOOGLE_VERTEX_LOCATION",
                "GOOGLE_CLOUD_LOCATION",
                "VERTEX_LOCATION",
            ],
            "global",
        );
        Ok(format!(
            "https://{}/v1/projects/{project}/locations/{location}/publishers/anthropic/models",
            endpoint_host(&location)
        ))
    })?;
    let auth = access_token(input)?;
    let headers = merged_headers(input, &[]);
    let mut runtime = runtime_at(input, RuntimeProtocol::Anthropic, base, headers, auth);
    runtime.chat_url = join_url(
        &runtime.base_url,
        &format!("{}:streamRawPredict", input.model_id.trim()),
    );
    runtime
        .default_options
        .insert("anthropic_version".into(), json!(ANTHROPIC_VERSION));
    runtime.model_in_body = false;
    Ok(runtime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;

    fn token() -> Credential {
        Credential::BearerToken("ya29.token".into())
    }

    #[test]
    fn golden_vertex_gemini() {
        let fx = Fixture::new("google-vertex", " gemini-2.5-pro ")
            .env("GOOGLE_CLOUD_PROJECT", "proj")
            .env("GOOGLE_VERTEX_LOCATION", "europe-west4")
            .credential(token());
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://europe-west4-aiplatform.googleapis.com/v1/projects/proj/locations/europe-west4/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse"
        );
        assert_eq!(rt.wire_model_id, "gemini-2.5-pro");
        assert!(matches!(&rt.auth, AuthScheme::Bearer(t) if t.expose() == "ya29.token"));

        let fx = Fixture::new("google-vertex", "gemini-2.5-flash")
            .option("project", json!("p2"))
            .option("location", json!("global"))
            .credential(token());
        let rt = resolve(&fx.input()).expect("ok");
        assert!(
            rt.chat_url
                .starts_with("https://aiplatform.googleapis.com/v1/projects/p2/locations/global/")
        );
    }

    #[test]
    fn golden_vertex_anthropic() {
        let fx = Fixture::new("google-vertex-anthropic", "claude-sonnet-4-5@20250929")
            .env("GCP_PROJECT", "proj")
            .env("GOOGLE_CLOUD_LOCATION", "us")
            .credential(token());
        let rt = resolve_anthropic(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://aiplatform.us.rep.googleapis.com/v1/projects/proj/locations/us/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict"
        );
        assert_eq!(rt.default_options["anthropic_version"], ANTHROPIC_VERSION);
        assert!(!rt.model_in_body);
    }

    #[test]
    fn missing_project_or_token() {
        let fx = Fixture::new("google-vertex", "m").credential(token());
        assert_eq!(
            resolve(&fx.input()).expect_err("no project").kind(),
            "provider_config_missing"
        );
        let fx = Fixture::new("google-vertex", "m").env("GOOGLE_CLOUD_PROJECT", "p");
        assert_eq!(
            resolve(&fx.input()).expect_err("no token").kind(),
            "auth_missing"
        );
    }
}
