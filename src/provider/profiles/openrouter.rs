//! OpenRouter (`openrouter`, `@openrouter/ai-sdk-provider`): OpenAI chat with OpenRouter's own
//! `reasoning` object, attribution headers for the `openrouter` provider itself.

use super::{ModelRef, Profile, ReasoningApi, attribution, generic};
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

    fn reasoning_api(&self, protocol: RuntimeProtocol, _model: &ModelRef<'_>) -> ReasoningApi {
        match protocol {
            RuntimeProtocol::OpenaiChat => ReasoningApi::OpenRouter,
            other => ReasoningApi::of_protocol(other),
        }
    }
}
