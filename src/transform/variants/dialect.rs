//! Which flavour of a wire format a provider speaks for reasoning settings: the format fixes the
//! body's shape, the provider and model decide the fields (OpenRouter's `reasoning` object on chat
//! completions, Z.AI's `thinking`, Claude vs Nova inside Bedrock's `additionalModelRequestFields`).

use super::family::{BedrockVendor, bedrock_vendor, claude_is_adaptive, is_claude};
use crate::catalog::ResolvedModel;
use crate::protocol::WireFormat;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Chat completions: `reasoning_effort`.
    OpenaiChat,
    /// GitHub Copilot's chat completions: `reasoning_effort`, and `thinking_budget` for Claude.
    CopilotChat,
    /// OpenRouter (and its AI SDK provider): `reasoning: {effort | max_tokens | enabled}`.
    OpenRouter,
    /// Z.AI: `thinking: {type}` (plus `reasoning_effort` on models with effort levels).
    Zai,
    /// Alibaba DashScope's compatible mode: `enable_thinking` and `thinking_budget`.
    Alibaba,
    /// Responses API; `summary` adds `reasoning.summary: "auto"` and the encrypted-reasoning include
    /// (OpenAI, Azure, Copilot; not xAI).
    OpenaiResponses {
        summary: bool,
    },
    /// Messages API; `adaptive` for Claude 4.6 and later.
    Anthropic {
        adaptive: bool,
    },
    Gemini,
    /// Converse; the fields go into `additionalModelRequestFields` and depend on the vendor.
    Bedrock {
        vendor: BedrockVendor,
        adaptive: bool,
    },
    Cohere,
}

impl Dialect {
    pub fn of(format: WireFormat, provider_id: &str, model: &ResolvedModel) -> Self {
        let api_id = model.api_id.as_str();
        match format {
            WireFormat::OpenaiChat => chat_dialect(provider_id, &model.npm),
            WireFormat::OpenaiResponses => Dialect::OpenaiResponses {
                summary: !(&*model.npm == "@ai-sdk/xai" || provider_id == "xai"),
            },
            WireFormat::Anthropic => Dialect::Anthropic {
                adaptive: claude_is_adaptive(api_id),
            },
            WireFormat::Gemini => Dialect::Gemini,
            WireFormat::Bedrock => {
                let vendor = bedrock_vendor(api_id);
                Dialect::Bedrock {
                    vendor,
                    adaptive: vendor == BedrockVendor::Anthropic && claude_is_adaptive(api_id),
                }
            }
            WireFormat::Cohere => Dialect::Cohere,
        }
    }

    /// Whether this dialect speaks Claude's thinking semantics (for heuristic presets).
    pub fn is_claude_like(self, api_id: &str) -> bool {
        match self {
            Dialect::Anthropic { .. } => true,
            Dialect::Bedrock { vendor, .. } => vendor == BedrockVendor::Anthropic,
            _ => is_claude(api_id),
        }
    }
}

fn chat_dialect(provider_id: &str, npm: &str) -> Dialect {
    if npm == "@openrouter/ai-sdk-provider" || provider_id == "openrouter" {
        Dialect::OpenRouter
    } else if matches!(
        provider_id,
        "zai" | "zai-coding-plan" | "zhipuai" | "zhipuai-coding-plan"
    ) {
        Dialect::Zai
    } else if provider_id == "github-copilot" {
        Dialect::CopilotChat
    } else if provider_id.starts_with("alibaba") || npm == "@ai-sdk/alibaba" {
        Dialect::Alibaba
    } else {
        Dialect::OpenaiChat
    }
}
