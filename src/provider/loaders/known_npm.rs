//! Default endpoints of the AI SDK packages models.dev names, for providers without an `api` URL.

use super::{bearer_or_none, generic, openai, runtime_at};
use crate::provider::common::{base_url, merged_headers};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::{ProtocolFamily, ResolvedRuntime};

/// OpenAI-chat-compatible packages and their default base URLs.
const OPENAI_CHAT_DEFAULTS: &[(&str, &str)] = &[
    ("@ai-sdk/mistral", "https://api.mistral.ai/v1"),
    ("@ai-sdk/groq", "https://api.groq.com/openai/v1"),
    ("@ai-sdk/deepinfra", "https://api.deepinfra.com/v1/openai"),
    ("@ai-sdk/togetherai", "https://api.together.xyz/v1"),
    ("@ai-sdk/perplexity", "https://api.perplexity.ai"),
    ("@ai-sdk/gateway", "https://ai-gateway.vercel.sh/v1"),
    (
        "@openrouter/ai-sdk-provider",
        "https://openrouter.ai/api/v1",
    ),
];

/// Resolves a runtime from the npm package alone, or `None` when the package is not known.
pub fn resolve(
    input: &LoaderInput<'_>,
    npm: &str,
) -> Option<Result<ResolvedRuntime, ProviderError>> {
    if let Some((_, default)) = OPENAI_CHAT_DEFAULTS.iter().find(|(name, _)| *name == npm) {
        return Some(generic::resolve_with(input, Some(default), &[]));
    }
    match npm {
        "@ai-sdk/xai" => Some(openai::resolve_responses(input, "https://api.x.ai/v1")),
        "@ai-sdk/cohere" => Some(cohere(input)),
        _ => None,
    }
}

fn cohere(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    let base = base_url(input, Some("https://api.cohere.com/v2"), &[])?;
    let headers = merged_headers(input, &[]);
    Ok(runtime_at(
        input,
        ProtocolFamily::Cohere,
        base,
        headers,
        bearer_or_none(input),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::loaders::test_support::Fixture;

    #[test]
    fn packages_without_api_url_get_their_default_endpoint() {
        let fx = Fixture::new("groq", "llama-3.3-70b").key("gsk");
        let rt = resolve(&fx.input(), "@ai-sdk/groq")
            .expect("known")
            .expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://api.groq.com/openai/v1/chat/completions"
        );

        let rt = resolve(&fx.input(), "@ai-sdk/cohere")
            .expect("known")
            .expect("ok");
        assert_eq!(rt.protocol, ProtocolFamily::Cohere);
        assert_eq!(rt.chat_url, "https://api.cohere.com/v2/chat");

        let rt = resolve(&fx.input(), "@ai-sdk/xai")
            .expect("known")
            .expect("ok");
        assert_eq!(rt.protocol, ProtocolFamily::OpenaiResponses);
        assert_eq!(rt.chat_url, "https://api.x.ai/v1/responses");

        assert!(resolve(&fx.input(), "some-unknown-sdk").is_none());
    }
}
