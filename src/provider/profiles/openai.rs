//! OpenAI: the Responses API (OpenCode's `openai` loader uses `sdk.responses`). A ChatGPT sign-in
//! (an OAuth credential) is the built-in plugin `plugin::builtin::chatgpt`, as in OpenCode's Codex
//! plugin: its auth loader sends the calls to the Codex endpoint; what the endpoint demands of the
//! body (instructions, the allow-list, no cost) stays here, keyed on that endpoint.

use serde_json::{Map, Value, json};

use super::options::{self, Gpt5Defaults};
use super::{CallRef, InvalidParam, Profile, runtime_at};
use crate::provider::common::{base_url, merged_headers};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::{AuthScheme, ResolvedRuntime, RuntimeProtocol};

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// The ChatGPT (Codex) API of a ChatGPT sign-in.
pub const CODEX_BASE_URL: &str = "https://chatgpt.com/backend-api/codex";
/// Where ChatGPT-subscription (OAuth) requests go instead of the platform API.
pub const CODEX_RESPONSES_URL: &str = "https://chatgpt.com/backend-api/codex/responses";

pub struct OpenaiProfile;
pub static PROFILE: OpenaiProfile = OpenaiProfile;

impl Profile for OpenaiProfile {
    fn family(&self) -> &'static str {
        "openai"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "openai"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/openai"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        if self.claims_provider(input.provider_id) {
            resolve(input)
        } else {
            resolve_responses(input, DEFAULT_BASE_URL)
        }
    }

    /// `store: false` (the conversation is sent back whole, reasoning encrypted), the session as
    /// the prompt-cache key for OpenAI itself, and the GPT-5 defaults.
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let mut out = options::common(
            call,
            Gpt5Defaults {
                include_encrypted: true,
                verbosity: true,
            },
        );
        out.insert("store".into(), json!(false));
        if self.claims_provider(call.model.provider_id) {
            out.insert("promptCacheKey".into(), json!(call.session_id));
        }
        out
    }

    fn small_options(&self, _call: &CallRef<'_>, _has_variant: bool) -> Map<String, Value> {
        Map::from_iter([("store".to_string(), json!(false))])
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["openai"]
    }

    fn system_as_instructions(&self, call: &CallRef<'_>) -> bool {
        is_chatgpt(call.runtime)
    }

    fn billed_by_subscription(&self, runtime: &ResolvedRuntime) -> bool {
        is_chatgpt(runtime)
    }

    /// A ChatGPT sign-in serves the Codex models only (OpenCode's allow-list).
    fn validate(&self, call: &CallRef<'_>) -> Result<(), InvalidParam> {
        if is_chatgpt(call.runtime) && !chatgpt_serves(call.model.api_id) {
            return Err(InvalidParam::new(
                "modelId",
                format!(
                    "a ChatGPT sign-in serves {} and later GPT-5 models, not {}; use an API key for other models",
                    CHATGPT_MODELS.join(", "),
                    call.model.api_id
                ),
            ));
        }
        Ok(())
    }
}

/// The models a ChatGPT sign-in serves, besides every GPT-5 after 5.4.
pub const CHATGPT_MODELS: &[&str] = &[
    "gpt-5.2",
    "gpt-5.3-codex",
    "gpt-5.3-codex-spark",
    "gpt-5.4",
    "gpt-5.4-mini",
    "gpt-5.5",
];

/// Whether the ChatGPT endpoint serves `model_id` (the allow-list, or a GPT above 5.4).
pub fn chatgpt_serves(model_id: &str) -> bool {
    if CHATGPT_MODELS.contains(&model_id) {
        return true;
    }
    let Some(rest) = model_id.strip_prefix("gpt-") else {
        return false;
    };
    let version = rest.split('-').next().unwrap_or_default();
    let mut numbers = version.split('.').map(str::parse::<u32>);
    match (numbers.next(), numbers.next()) {
        (Some(Ok(major)), None) => major > 5,
        (Some(Ok(major)), Some(Ok(minor))) => (major, minor) > (5, 4),
        _ => false,
    }
}

/// OpenAI itself (whose OAuth credential is a ChatGPT sign-in), not a provider speaking its API.
pub fn is_openai(provider_id: &str) -> bool {
    PROFILE.claims_provider(provider_id)
}

/// The call goes to the ChatGPT (Codex) endpoint of a ChatGPT sign-in.
pub fn is_chatgpt(runtime: &ResolvedRuntime) -> bool {
    runtime.chat_url == CODEX_RESPONSES_URL
}

/// The platform API; an OAuth credential's Codex endpoint is the ChatGPT plugin's auth loader.
pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    resolve_responses(input, DEFAULT_BASE_URL)
}

/// Any provider whose chat goes through the Responses API with a Bearer key.
pub fn resolve_responses(
    input: &LoaderInput<'_>,
    default_base: &str,
) -> Result<ResolvedRuntime, ProviderError> {
    let base = base_url(input, Some(default_base), &[])?;
    let key = input.api_key().ok_or_else(|| ProviderError::AuthMissing {
        provider: input.provider_id.to_string(),
        hint: "set an API key".into(),
    })?;
    let headers = merged_headers(input, &[]);
    Ok(runtime_at(
        input,
        RuntimeProtocol::OpenaiResponses,
        base,
        headers,
        AuthScheme::Bearer(key),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;

    #[test]
    fn golden_openai_uses_responses() {
        let fx = Fixture::new("openai", "gpt-5").key("sk-oai");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, RuntimeProtocol::OpenaiResponses);
        assert_eq!(rt.chat_url, "https://api.openai.com/v1/responses");
        assert!(matches!(&rt.auth, AuthScheme::Bearer(k) if k.expose() == "sk-oai"));
        assert!(rt.headers.is_empty());
    }
}

#[cfg(test)]
mod chatgpt_tests {
    use super::chatgpt_serves;

    #[test]
    fn the_chatgpt_allow_list() {
        for served in [
            "gpt-5.2",
            "gpt-5.3-codex",
            "gpt-5.4-mini",
            "gpt-5.5",
            "gpt-5.6",
            "gpt-6",
        ] {
            assert!(chatgpt_serves(served), "{served}");
        }
        for refused in [
            "gpt-5",
            "gpt-5.1",
            "gpt-5.1-codex",
            "gpt-4o",
            "o3",
            "gpt-5.4-nano",
        ] {
            assert!(!chatgpt_serves(refused), "{refused}");
        }
    }
}
