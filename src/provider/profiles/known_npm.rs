//! OpenAI-chat-compatible AI SDK packages with a default endpoint of their own, for providers the
//! catalog lists without an `api` URL: Mistral, Groq, DeepInfra, Together AI, Perplexity.

use super::{CallRef, MessageRules, Profile, ReasoningApi, ServedModel, VariantPresets, generic};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::ResolvedRuntime;

/// The packages and their default base URLs.
const DEFAULT_URLS: &[(&str, &str)] = &[
    ("@ai-sdk/mistral", "https://api.mistral.ai/v1"),
    ("@ai-sdk/groq", "https://api.groq.com/openai/v1"),
    ("@ai-sdk/deepinfra", "https://api.deepinfra.com/v1/openai"),
    ("@ai-sdk/togetherai", "https://api.together.xyz/v1"),
    ("@ai-sdk/perplexity", "https://api.perplexity.ai"),
];

/// OpenAI chat at the package's default URL (config `baseURL` or the catalog `api` still win).
fn resolve_package(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    let default = input.npm.and_then(|npm| {
        DEFAULT_URLS
            .iter()
            .find(|(name, _)| *name == npm)
            .map(|(_, url)| *url)
    });
    generic::resolve_with(input, default, &[])
}

/// Mistral (`mistral`, `@ai-sdk/mistral`).
pub struct MistralProfile;
pub static MISTRAL_PROFILE: MistralProfile = MistralProfile;

impl Profile for MistralProfile {
    fn family(&self) -> &'static str {
        "mistral"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "mistral"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/mistral"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        match input.npm {
            Some("@ai-sdk/mistral") => resolve_package(input),
            _ => generic::PROFILE.resolve(input),
        }
    }

    fn message_rules(&self, call: &CallRef<'_>) -> MessageRules {
        MessageRules {
            mistral: true,
            ..super::default_message_rules(call)
        }
    }

    fn variant_presets(&self, _api: ReasoningApi, model: &ServedModel<'_>) -> VariantPresets {
        if model.npm == "@ai-sdk/mistral" {
            VariantPresets::Mistral
        } else {
            generic::presets_by_package(model.npm)
        }
    }
}

/// Groq (`@ai-sdk/groq`).
pub struct GroqProfile;
pub static GROQ_PROFILE: GroqProfile = GroqProfile;

impl Profile for GroqProfile {
    fn family(&self) -> &'static str {
        "groq"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/groq"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve_package(input)
    }

    fn variant_presets(&self, _api: ReasoningApi, _model: &ServedModel<'_>) -> VariantPresets {
        VariantPresets::Groq
    }
}

/// DeepInfra, Together AI and Perplexity: OpenAI chat at their default URLs.
pub struct PackagesProfile;
pub static PACKAGES_PROFILE: PackagesProfile = PackagesProfile;

impl Profile for PackagesProfile {
    fn family(&self) -> &'static str {
        "openai-compatible-package"
    }

    fn packages(&self) -> &'static [&'static str] {
        &[
            "@ai-sdk/deepinfra",
            "@ai-sdk/togetherai",
            "@ai-sdk/perplexity",
        ]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve_package(input)
    }

    fn variant_presets(&self, _api: ReasoningApi, model: &ServedModel<'_>) -> VariantPresets {
        generic::presets_by_package(model.npm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::profile_of;
    use crate::provider::profiles::test_support::Fixture;

    #[test]
    fn packages_without_api_url_get_their_default_endpoint() {
        let fx = Fixture::new("groq", "llama-3.3-70b")
            .npm("@ai-sdk/groq")
            .key("gsk");
        let rt = profile_of("groq", Some("@ai-sdk/groq"))
            .resolve(&fx.input())
            .expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://api.groq.com/openai/v1/chat/completions"
        );
        let fx = Fixture::new("mistral", "devstral-latest")
            .npm("@ai-sdk/mistral")
            .key("k");
        let rt = MISTRAL_PROFILE.resolve(&fx.input()).expect("ok");
        assert_eq!(rt.chat_url, "https://api.mistral.ai/v1/chat/completions");
    }
}
