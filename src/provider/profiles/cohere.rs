//! Cohere v2 chat (`@ai-sdk/cohere`): its own wire format, Bearer key.

use super::{Profile, bearer_or_none, runtime_at};
use crate::provider::common::{base_url, merged_headers};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::{ResolvedRuntime, RuntimeProtocol};

pub const DEFAULT_BASE_URL: &str = "https://api.cohere.com/v2";

pub struct CohereProfile;
pub static PROFILE: CohereProfile = CohereProfile;

impl Profile for CohereProfile {
    fn family(&self) -> &'static str {
        "cohere"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/cohere"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        let base = base_url(input, Some(DEFAULT_BASE_URL), &[])?;
        let headers = merged_headers(input, &[]);
        Ok(runtime_at(
            input,
            RuntimeProtocol::Cohere,
            base,
            headers,
            bearer_or_none(input),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;

    #[test]
    fn default_endpoint() {
        let fx = Fixture::new("cohere", "command-a")
            .npm("@ai-sdk/cohere")
            .key("k");
        let rt = PROFILE.resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, RuntimeProtocol::Cohere);
        assert_eq!(rt.chat_url, "https://api.cohere.com/v2/chat");
    }
}
