//! OpenRouter (`openrouter`, `@openrouter/ai-sdk-provider`): OpenAI chat with OpenRouter's own
//! `reasoning` object, attribution headers for the `openrouter` provider itself.

use serde_json::{Map, Value, json};

use super::options::{self, Gpt5Defaults};
use super::{
    CacheMarks, CachePolicy, CallRef, MessageRules, Profile, ReasoningApi, ServedModel,
    attribution, generic,
};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::{ResolvedRuntime, RuntimeProtocol};

pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";

pub struct OpenRouterProfile;
pub static PROFILE: OpenRouterProfile = OpenRouterProfile;

impl Profile for OpenRouterProfile {
    fn family(&self) -> &'static str {
        "openrouter"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "openrouter"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@openrouter/ai-sdk-provider"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        if self.claims_provider(input.provider_id) {
            attribution::resolve(input)
        } else {
            generic::resolve_with(input, Some(DEFAULT_BASE_URL), &[])
        }
    }

    fn reasoning_api(&self, protocol: RuntimeProtocol, _model: &ServedModel<'_>) -> ReasoningApi {
        match protocol {
            RuntimeProtocol::OpenaiChat => ReasoningApi::OpenRouter,
            other => ReasoningApi::of_protocol(other),
        }
    }

    /// Usage in the stream, Gemini 3 at high effort, and the session as the prompt-cache key.
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let mut out = gateway_usage_options(call);
        if self.claims_provider(call.model.provider_id) {
            out.insert("prompt_cache_key".into(), json!(call.session_id));
        }
        out
    }

    fn small_options(&self, call: &CallRef<'_>, has_variant: bool) -> Map<String, Value> {
        no_thinking_for_small_google_calls(call, has_variant)
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["openrouter"]
    }

    fn cache_policy(&self, call: &CallRef<'_>) -> Option<CachePolicy> {
        let default = super::default_cache_policy(call)?;
        Some(CachePolicy {
            marks: match default.marks {
                CacheMarks::Compatible => CacheMarks::OpenRouter,
                other => other,
            },
            ..default
        })
    }

    fn message_rules(&self, call: &CallRef<'_>) -> MessageRules {
        MessageRules {
            interleaved_field: false,
            ..super::default_message_rules(call)
        }
    }
}

/// OpenRouter's and LLM Gateway's usage accounting in the stream, Gemini 3 at high effort.
pub fn gateway_usage_options(call: &CallRef<'_>) -> Map<String, Value> {
    let mut out = options::common(call, Gpt5Defaults::default());
    out.insert("usage".into(), json!({"include": true}));
    if call.model.api_id.contains("gemini-3") {
        out.insert("reasoning".into(), json!({"effort": "high"}));
    }
    out
}

/// A small call to a Google model without presets does not think.
pub fn no_thinking_for_small_google_calls(
    call: &CallRef<'_>,
    has_variant: bool,
) -> Map<String, Value> {
    let mut out = Map::new();
    if !has_variant && call.model.api_id.contains("google") {
        out.insert("reasoning".into(), json!({"enabled": false}));
    }
    out
}
