//! OpenAI-compatible hosts whose only quirks are in what they are sent: Baseten (thinking through
//! the chat template), Venice (its own cache key and thinking switch) and Moonshot (Kimi, whose
//! validator wants tool schemas without siblings of `$ref`).

use serde_json::{Map, Value, json};

use super::options::{self, Gpt5Defaults};
use super::{CallRef, MessageRules, Profile, generic};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::ResolvedRuntime;

pub struct BasetenProfile;
pub static BASETEN_PROFILE: BasetenProfile = BasetenProfile;

impl Profile for BasetenProfile {
    fn family(&self) -> &'static str {
        "baseten"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "baseten"
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        generic::PROFILE.resolve(input)
    }

    /// Baseten's reasoning models think only when the chat template is asked to.
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let mut out = options::common(call, Gpt5Defaults::default());
        out.insert(
            "chat_template_args".into(),
            json!({"enable_thinking": true}),
        );
        out
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["openaiCompatible"]
    }
}

pub struct VeniceProfile;
pub static VENICE_PROFILE: VeniceProfile = VeniceProfile;

impl Profile for VeniceProfile {
    fn family(&self) -> &'static str {
        "venice"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "venice"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["venice-ai-sdk-provider"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        generic::PROFILE.resolve(input)
    }

    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let mut out = options::common(call, Gpt5Defaults::default());
        out.insert("promptCacheKey".into(), json!(call.session_id));
        out
    }

    /// A small call to a model without presets does not think.
    fn small_options(&self, _call: &CallRef<'_>, has_variant: bool) -> Map<String, Value> {
        if has_variant {
            Map::new()
        } else {
            Map::from_iter([(
                "venice_parameters".to_string(),
                json!({"disable_thinking": true}),
            )])
        }
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["venice"]
    }
}

pub struct MoonshotProfile;
pub static MOONSHOT_PROFILE: MoonshotProfile = MoonshotProfile;

impl Profile for MoonshotProfile {
    fn family(&self) -> &'static str {
        "moonshotai"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        matches!(provider_id, "moonshotai" | "moonshotai-cn")
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        generic::PROFILE.resolve(input)
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["openaiCompatible"]
    }

    fn message_rules(&self, call: &CallRef<'_>) -> MessageRules {
        MessageRules {
            moonshot_schemas: true,
            ..super::default_message_rules(call)
        }
    }
}
