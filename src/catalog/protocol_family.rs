//! Which wire protocol a catalog model is called with: the model's own API shape (models.dev
//! `provider.shape`) where it names one, else its provider's profile decides
//! ([`crate::provider::profile_of`]).

use super::types::ApiShape;
pub use crate::provider::RuntimeProtocol;
pub use crate::provider::profiles::OPENAI_COMPATIBLE_NPM;
use crate::provider::{ServedModel, profile_of};

/// Why a provider's models cannot be called, for packages this sidecar has no client for.
pub fn unsupported_npm_note(npm: &str) -> Option<&'static str> {
    profile_of("", Some(npm)).catalog_note()
}

/// The protocol for a model: `shape` (from models.dev) wins, then the provider's profile.
pub fn runtime_protocol(
    provider_id: &str,
    npm: &str,
    model_api_id: &str,
    shape: Option<ApiShape>,
) -> RuntimeProtocol {
    match shape {
        Some(ApiShape::Responses) => RuntimeProtocol::OpenaiResponses,
        Some(ApiShape::Completions) => RuntimeProtocol::OpenaiChat,
        Some(ApiShape::Unknown) | None => {
            profile_of(provider_id, Some(npm)).protocol(&ServedModel {
                provider_id,
                npm,
                api_id: model_api_id,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RuntimeProtocol::*;

    #[test]
    fn npm_mapping() {
        let p = |npm| runtime_protocol("x", npm, "m", None);
        assert_eq!(p("@ai-sdk/anthropic"), Anthropic);
        assert_eq!(p("@ai-sdk/google-vertex/anthropic"), Anthropic);
        assert_eq!(p("@ai-sdk/openai"), OpenaiResponses);
        assert_eq!(p("@ai-sdk/azure"), OpenaiResponses);
        assert_eq!(p("@ai-sdk/xai"), OpenaiResponses);
        assert_eq!(p("@ai-sdk/google"), Gemini);
        assert_eq!(p("@ai-sdk/google-vertex"), Gemini);
        assert_eq!(p("@ai-sdk/amazon-bedrock"), Bedrock);
        assert_eq!(p("@ai-sdk/cohere"), Cohere);
        assert_eq!(p("@ai-sdk/openai-compatible"), OpenaiChat);
        assert_eq!(p("@openrouter/ai-sdk-provider"), OpenaiChat);
        assert_eq!(p("@ai-sdk/amazon-bedrock/mantle"), OpenaiResponses);
        assert_eq!(
            runtime_protocol(
                "amazon-bedrock",
                "@ai-sdk/amazon-bedrock/mantle",
                "openai.gpt-oss-safeguard-20b",
                None
            ),
            OpenaiChat
        );
    }

    #[test]
    fn provider_and_shape_rules() {
        assert_eq!(
            runtime_protocol("zai", OPENAI_COMPATIBLE_NPM, "glm-4.7", None),
            Zai
        );
        assert_eq!(
            runtime_protocol("zai-coding-plan", OPENAI_COMPATIBLE_NPM, "glm-4.7", None),
            Zai
        );
        assert_eq!(
            runtime_protocol("zhipuai", OPENAI_COMPATIBLE_NPM, "glm-4.7", None),
            OpenaiChat
        );
        assert_eq!(
            runtime_protocol(
                "azure",
                "@ai-sdk/azure",
                "gpt-4o",
                Some(ApiShape::Completions)
            ),
            OpenaiChat
        );
        assert_eq!(
            runtime_protocol(
                "sakana",
                OPENAI_COMPATIBLE_NPM,
                "x",
                Some(ApiShape::Responses)
            ),
            OpenaiResponses
        );
        assert_eq!(
            runtime_protocol("github-copilot", OPENAI_COMPATIBLE_NPM, "gpt-5.2", None),
            OpenaiResponses
        );
        assert_eq!(
            runtime_protocol("github-copilot", OPENAI_COMPATIBLE_NPM, "gpt-5-mini", None),
            OpenaiChat
        );
        assert_eq!(
            runtime_protocol("github-copilot", OPENAI_COMPATIBLE_NPM, "gpt-4.1", None),
            OpenaiChat
        );
        assert_eq!(
            runtime_protocol(
                "github-copilot",
                OPENAI_COMPATIBLE_NPM,
                "claude-sonnet-4",
                None
            ),
            OpenaiChat
        );
        // The gateway's unified endpoint speaks OpenAI chat whatever SDK the catalog names.
        assert_eq!(
            runtime_protocol(
                "cloudflare-ai-gateway",
                "@ai-sdk/anthropic",
                "anthropic/claude-sonnet-4-5",
                None
            ),
            OpenaiChat
        );
    }
}
