//! Vercel AI Gateway (`vercel`, `@ai-sdk/gateway`): OpenAI chat at the gateway, lower-case
//! attribution headers for the `vercel` provider itself.

use super::{ModelRef, Profile, ReasoningApi, VariantPresets, attribution, generic};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::ResolvedRuntime;

pub const DEFAULT_BASE_URL: &str = "https://ai-gateway.vercel.sh/v1";

pub struct VercelProfile;
pub static PROFILE: VercelProfile = VercelProfile;

impl Profile for VercelProfile {
    fn family(&self) -> &'static str {
        "vercel"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "vercel"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/gateway"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        if self.claims_provider(input.provider_id) {
            attribution::resolve(input)
        } else {
            generic::resolve_with(input, Some(DEFAULT_BASE_URL), &[])
        }
    }

    fn variant_presets(&self, _api: ReasoningApi, _model: &ModelRef<'_>) -> VariantPresets {
        VariantPresets::None
    }
}
