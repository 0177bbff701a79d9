//! xAI (`@ai-sdk/xai`): the Responses API with a Bearer key; reasoning efforts without OpenAI's
//! summary and encrypted-content include.

use super::{Profile, ReasoningApi, ServedModel, VariantPresets, openai};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::{ResolvedRuntime, RuntimeProtocol};

pub const DEFAULT_BASE_URL: &str = "https://api.x.ai/v1";

pub struct XaiProfile;
pub static PROFILE: XaiProfile = XaiProfile;

impl Profile for XaiProfile {
    fn family(&self) -> &'static str {
        "xai"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/xai"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        openai::resolve_responses(input, DEFAULT_BASE_URL)
    }

    fn reasoning_api(&self, protocol: RuntimeProtocol, _model: &ServedModel<'_>) -> ReasoningApi {
        match protocol {
            RuntimeProtocol::OpenaiResponses => ReasoningApi::OpenaiResponses { summary: false },
            other => ReasoningApi::of_protocol(other),
        }
    }

    fn variant_presets(&self, _api: ReasoningApi, _model: &ServedModel<'_>) -> VariantPresets {
        VariantPresets::Compatible
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;

    #[test]
    fn responses_at_x_ai() {
        let fx = Fixture::new("xai", "grok-4").npm("@ai-sdk/xai").key("k");
        let rt = PROFILE.resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, RuntimeProtocol::OpenaiResponses);
        assert_eq!(rt.chat_url, "https://api.x.ai/v1/responses");
    }
}
