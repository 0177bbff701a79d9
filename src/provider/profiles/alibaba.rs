//! Alibaba Cloud Model Studio (DashScope) in compatible mode (`alibaba`, `alibaba-cn`, the coding
//! and token plans, `@ai-sdk/alibaba`): OpenAI chat, thinking switched with `enable_thinking`.

use super::{ModelRef, Profile, ReasoningApi, VariantPresets, generic};
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

    fn reasoning_api(&self, protocol: RuntimeProtocol, _model: &ModelRef<'_>) -> ReasoningApi {
        match protocol {
            RuntimeProtocol::OpenaiChat => ReasoningApi::Alibaba,
            other => ReasoningApi::of_protocol(other),
        }
    }

    fn variant_presets(&self, _api: ReasoningApi, model: &ModelRef<'_>) -> VariantPresets {
        generic::presets_by_package(model.npm)
    }
}
