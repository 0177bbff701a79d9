//! Anthropic Messages API: `x-api-key`, `anthropic-version`, and OpenCode's beta headers.

use serde_json::{Map, Value, json};

use super::options::{self, Gpt5Defaults};
use super::{CallRef, Profile, runtime_at};
use crate::provider::common::{base_url, merged_headers};
use crate::provider::error::ProviderError;
use crate::provider::input::{Credential, LoaderInput};
use crate::provider::runtime::{AuthScheme, ResolvedRuntime, RuntimeProtocol};

pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com/v1";
pub const API_VERSION: &str = "2023-06-01";
/// OpenCode's `anthropic` loader sends these betas on every request.
pub const BETA_FEATURES: &str =
    "interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14";

pub struct AnthropicProfile;
pub static PROFILE: AnthropicProfile = AnthropicProfile;

impl Profile for AnthropicProfile {
    fn family(&self) -> &'static str {
        "anthropic"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "anthropic"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/anthropic"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        if self.claims_provider(input.provider_id) {
            resolve(input)
        } else {
            resolve_messages(input, &[])
        }
    }

    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        messages_options(call)
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["anthropic"]
    }
}

/// Options of any Messages-API family: Kimi K2.x thinks by default, with half the output budget.
pub fn messages_options(call: &CallRef<'_>) -> Map<String, Value> {
    let mut out = options::common(call, Gpt5Defaults::default());
    if options::is_kimi_k2x(call.model.api_id) {
        out.insert(
            "thinking".into(),
            json!({"type": "enabled", "budgetTokens": options::half_output_budget(call.output_limit)}),
        );
    }
    out
}

/// The `anthropic` provider itself (with betas).
pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    resolve_messages(input, &[("anthropic-beta", BETA_FEATURES.to_string())])
}

/// Any provider speaking the Anthropic Messages API (npm `@ai-sdk/anthropic`).
pub fn resolve_messages(
    input: &LoaderInput<'_>,
    extra_headers: &[(&str, String)],
) -> Result<ResolvedRuntime, ProviderError> {
    let base = base_url(input, Some(DEFAULT_BASE_URL), &[])?;
    let mut defaults = vec![("anthropic-version", API_VERSION.to_string())];
    defaults.extend(extra_headers.iter().cloned());
    let headers = merged_headers(input, &defaults);
    Ok(runtime_at(
        input,
        RuntimeProtocol::Anthropic,
        base,
        headers,
        auth(input)?,
    ))
}

fn auth(input: &LoaderInput<'_>) -> Result<AuthScheme, ProviderError> {
    match input.credential {
        Some(Credential::OAuth { access, .. }) | Some(Credential::BearerToken(access)) => {
            Ok(AuthScheme::Bearer(access.clone()))
        }
        _ => input
            .api_key()
            .map(|key| AuthScheme::Header {
                name: "x-api-key".into(),
                prefix: "",
                value: key,
            })
            .ok_or_else(|| ProviderError::AuthMissing {
                provider: input.provider_id.to_string(),
                hint: "set an API key (ANTHROPIC_API_KEY or auth/set)".into(),
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;

    #[test]
    fn golden_anthropic_runtime() {
        let fx = Fixture::new("anthropic", "claude-sonnet-4-5").key("sk-ant");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, RuntimeProtocol::Anthropic);
        assert_eq!(rt.chat_url, "https://api.anthropic.com/v1/messages");
        assert_eq!(rt.headers["anthropic-version"], "2023-06-01");
        assert_eq!(rt.headers["anthropic-beta"], BETA_FEATURES);
        assert!(matches!(&rt.auth, AuthScheme::Header { name, value, .. }
            if name == "x-api-key" && value.expose() == "sk-ant"));
    }

    #[test]
    fn missing_key_is_auth_missing() {
        let fx = Fixture::new("anthropic", "claude-sonnet-4-5");
        assert_eq!(
            resolve(&fx.input()).expect_err("no key").kind(),
            "auth_missing"
        );
    }

    #[test]
    fn other_anthropic_npm_providers_get_no_betas() {
        let fx = Fixture::new("minimax", "MiniMax-M2")
            .api("https://api.minimax.io/anthropic/v1")
            .key("k");
        let rt = resolve_messages(&fx.input(), &[]).expect("ok");
        assert_eq!(rt.chat_url, "https://api.minimax.io/anthropic/v1/messages");
        assert!(!rt.headers.contains_key("anthropic-beta"));
    }
}
