//! Alibaba Cloud Model Studio (DashScope) in compatible mode (`alibaba`, `alibaba-cn`, the coding
//! and token plans, `@ai-sdk/alibaba`): OpenAI chat, thinking switched with `enable_thinking`.

use serde_json::{Map, Value, json};

use super::options::{self, Gpt5Defaults};
use super::{
    CallRef, OPENAI_COMPATIBLE_NPM, Profile, ReasoningApi, ServedModel, VariantPresets, generic,
};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::{ResolvedRuntime, RuntimeProtocol};

pub struct AlibabaProfile;
pub static PROFILE: AlibabaProfile = AlibabaProfile;

impl Profile for AlibabaProfile {
    fn family(&self) -> &'static str {
        "alibaba"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id.starts_with("alibaba")
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/alibaba"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        generic::PROFILE.resolve(input)
    }

    fn reasoning_api(&self, protocol: RuntimeProtocol, _model: &ServedModel<'_>) -> ReasoningApi {
        match protocol {
            RuntimeProtocol::OpenaiChat => ReasoningApi::Alibaba,
            other => ReasoningApi::of_protocol(other),
        }
    }

    fn variant_presets(&self, _api: ReasoningApi, model: &ServedModel<'_>) -> VariantPresets {
        generic::presets_by_package(model.npm)
    }

    /// DashScope (China) returns reasoning only when asked (`kimi-k2-thinking` always does).
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let mut out = options::common(call, Gpt5Defaults::default());
        if call.model.provider_id == "alibaba-cn"
            && call.reasoning
            && call.model.npm == OPENAI_COMPATIBLE_NPM
            && !call
                .model
                .api_id
                .to_ascii_lowercase()
                .contains("kimi-k2-thinking")
        {
            out.insert("enable_thinking".into(), json!(true));
        }
        out
    }

    fn sdk_keys(&self, call: &CallRef<'_>) -> &'static [&'static str] {
        if call.model.npm == "@ai-sdk/alibaba" {
            &["alibaba"]
        } else {
            &["openaiCompatible"]
        }
    }
}
