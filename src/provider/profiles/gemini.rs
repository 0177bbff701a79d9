//! Google Generative AI (Gemini API): `x-goog-api-key`, model in the URL, SSE via `alt=sse`.

use serde_json::{Map, Value, json};

use super::options::{self, Gpt5Defaults};
use super::runtime_at;
use super::{CallRef, MessageRules, Profile};
use crate::provider::common::{base_url, join_url, merged_headers};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::{AuthScheme, ResolvedRuntime, RuntimeProtocol};

pub struct GoogleProfile;
pub static PROFILE: GoogleProfile = GoogleProfile;

impl Profile for GoogleProfile {
    fn family(&self) -> &'static str {
        "google"
    }

    /// Reasoning models show their thoughts (`includeThoughts`), Gemini 3 at `thinkingLevel: high`.
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let mut out = options::common(call, Gpt5Defaults::default());
        if let Some(config) = thinking_config(call) {
            out.insert("thinkingConfig".into(), config);
        }
        out
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["google"]
    }

    fn message_rules(&self, call: &CallRef<'_>) -> MessageRules {
        MessageRules {
            gemini_schemas: true,
            ..super::default_message_rules(call)
        }
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "google"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/google"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve(input)
    }
}

pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com/v1beta";
/// The variable `@ai-sdk/google` reads (models.dev lists three, so the catalog sets no key).
pub const API_KEY_ENV: &str = "GOOGLE_GENERATIVE_AI_API_KEY";

/// OpenCode's default thinking config for Gemini reasoning models (Google and Vertex alike).
pub fn thinking_config(call: &CallRef<'_>) -> Option<Value> {
    if !call.reasoning {
        return None;
    }
    Some(if call.model.api_id.contains("gemini-3") {
        json!({"includeThoughts": true, "thinkingLevel": "high"})
    } else {
        json!({"includeThoughts": true})
    })
}

/// The streaming URL of a Gemini-protocol model under `base` (`.../models` is appended).
pub fn stream_url(base: &str, model_id: &str) -> String {
    join_url(
        base,
        &format!("models/{}:streamGenerateContent?alt=sse", model_id.trim()),
    )
}

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    let base = base_url(input, Some(DEFAULT_BASE_URL), &[])?;
    let key = input
        .api_key_or_env(&[API_KEY_ENV])
        .ok_or_else(|| ProviderError::AuthMissing {
            provider: input.provider_id.to_string(),
            hint: "set GOOGLE_GENERATIVE_AI_API_KEY or an API key".into(),
        })?;
    let headers = merged_headers(input, &[]);
    let auth = AuthScheme::Header {
        name: "x-goog-api-key".into(),
        prefix: "",
        value: key,
    };
    let mut runtime = runtime_at(input, RuntimeProtocol::Gemini, base, headers, auth);
    runtime.chat_url = stream_url(&runtime.base_url, input.model_id);
    Ok(runtime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;

    #[test]
    fn golden_gemini_runtime() {
        let fx = Fixture::new("google", "gemini-2.5-pro").key("AIza");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse"
        );
        assert!(matches!(&rt.auth, AuthScheme::Header { name, value, .. }
            if name == "x-goog-api-key" && value.expose() == "AIza"));

        let fx = Fixture::new("google", "gemini-2.5-flash").env(API_KEY_ENV, "env-key");
        let rt = resolve(&fx.input()).expect("ok");
        assert!(
            matches!(&rt.auth, AuthScheme::Header { value, .. } if value.expose() == "env-key")
        );
    }
}
