//! Which wire protocol a model is called with, derived from its AI SDK npm package (as models.dev
//! and OpenCode name them), the provider id and the model's API shape.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::ApiShape;

pub const OPENAI_COMPATIBLE_NPM: &str = "@ai-sdk/openai-compatible";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RuntimeProtocol {
    Anthropic,
    OpenaiResponses,
    OpenaiChat,
    Gemini,
    Bedrock,
    Cohere,
    Zai,
}

impl RuntimeProtocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anthropic => "anthropic",
            Self::OpenaiResponses => "openai-responses",
            Self::OpenaiChat => "openai-chat",
            Self::Gemini => "gemini",
            Self::Bedrock => "bedrock",
            Self::Cohere => "cohere",
            Self::Zai => "zai",
        }
    }
}

/// npm packages whose provider needs a client this sidecar does not have.
pub fn unsupported_npm_note(npm: &str) -> Option<&'static str> {
    match npm {
        "gitlab-ai-provider" => {
            Some("GitLab Duo needs GitLab's own agent protocol, which is not supported")
        }
        "@jerome-benoit/sap-ai-provider-v2" => {
            Some("SAP AI Core needs its orchestration client, which is not supported")
        }
        _ => None,
    }
}

/// The protocol for a model: `shape` (from models.dev) wins, then provider-specific rules, then
/// the npm package; anything unknown is treated as OpenAI-compatible chat completions.
pub fn runtime_protocol(
    provider_id: &str,
    npm: &str,
    model_api_id: &str,
    shape: Option<ApiShape>,
) -> RuntimeProtocol {
    match shape {
        Some(ApiShape::Responses) => return RuntimeProtocol::OpenaiResponses,
        Some(ApiShape::Completions) => return RuntimeProtocol::OpenaiChat,
        Some(ApiShape::Unknown) | None => {}
    }
    if matches!(provider_id, "zai" | "zai-coding-plan") {
        return RuntimeProtocol::Zai;
    }
    if provider_id == "github-copilot" && npm == OPENAI_COMPATIBLE_NPM {
        return if copilot_uses_responses(model_api_id) {
            RuntimeProtocol::OpenaiResponses
        } else {
            RuntimeProtocol::OpenaiChat
        };
    }
    match npm {
        "@ai-sdk/anthropic" | "@ai-sdk/google-vertex/anthropic" => RuntimeProtocol::Anthropic,
        "@ai-sdk/openai" | "@ai-sdk/azure" | "@ai-sdk/xai" => RuntimeProtocol::OpenaiResponses,
        "@ai-sdk/amazon-bedrock/mantle" if model_api_id.contains("gpt-oss-safeguard") => {
            RuntimeProtocol::OpenaiChat
        }
        "@ai-sdk/amazon-bedrock/mantle" => RuntimeProtocol::OpenaiResponses,
        "@ai-sdk/google" | "@ai-sdk/google-vertex" => RuntimeProtocol::Gemini,
        "@ai-sdk/amazon-bedrock" => RuntimeProtocol::Bedrock,
        "@ai-sdk/cohere" => RuntimeProtocol::Cohere,
        _ => RuntimeProtocol::OpenaiChat,
    }
}

/// Copilot serves GPT-5 and later (except the gpt-5-mini line) on the Responses API.
fn copilot_uses_responses(model_api_id: &str) -> bool {
    let Some(rest) = model_api_id.strip_prefix("gpt-") else {
        return false;
    };
    let major: String = rest.chars().take_while(char::is_ascii_digit).collect();
    major.parse::<u32>().is_ok_and(|m| m >= 5) && !model_api_id.starts_with("gpt-5-mini")
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
    }
}
