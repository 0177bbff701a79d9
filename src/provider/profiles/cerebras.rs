//! Cerebras: OpenAI chat plus the integration header.

use super::Profile;
use super::generic;
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::ResolvedRuntime;

pub struct CerebrasProfile;
pub static PROFILE: CerebrasProfile = CerebrasProfile;

impl Profile for CerebrasProfile {
    fn family(&self) -> &'static str {
        "cerebras"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "cerebras"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/cerebras"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve(input)
    }
}

pub const DEFAULT_BASE_URL: &str = "https://api.cerebras.ai/v1";
pub const INTEGRATION_HEADER: &str = "X-Cerebras-3rd-Party-Integration";

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    generic::resolve_with(
        input,
        Some(DEFAULT_BASE_URL),
        &[(INTEGRATION_HEADER, input.client.title.clone())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;

    #[test]
    fn golden_cerebras_runtime() {
        let fx = Fixture::new("cerebras", "qwen-3-coder-480b").key("csk");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.chat_url, "https://api.cerebras.ai/v1/chat/completions");
        assert_eq!(rt.headers[INTEGRATION_HEADER], "test-app");
    }
}
