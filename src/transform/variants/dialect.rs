//! Which flavour of a wire format a provider speaks for reasoning settings: the format fixes the
//! body's shape, the provider and model decide the fields (OpenRouter's `reasoning` object on chat
//! completions, Z.AI's `thinking`, Claude vs Nova inside Bedrock's `additionalModelRequestFields`).

use super::family::{BedrockVendor, bedrock_vendor, claude_is_adaptive, is_claude};
use crate::catalog::ResolvedModel;
use crate::provider::{ReasoningApi, RuntimeProtocol, ServedModel, VariantPresets, profile_of};

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
    /// The dialect of `model` called through `protocol` on `provider_id`: the provider's profile
    /// says how its API spells reasoning, the model id adds Claude's adaptive thinking and the
    /// vendor behind a Bedrock model.
    pub fn of(protocol: RuntimeProtocol, provider_id: &str, model: &ResolvedModel) -> Self {
        let api = reasoning_api(protocol, provider_id, model);
        let api_id = model.api_id.as_str();
        match api {
            ReasoningApi::OpenaiChat => Dialect::OpenaiChat,
            ReasoningApi::CopilotChat => Dialect::CopilotChat,
            ReasoningApi::OpenRouter => Dialect::OpenRouter,
            ReasoningApi::Zai => Dialect::Zai,
            ReasoningApi::Alibaba => Dialect::Alibaba,
            ReasoningApi::OpenaiResponses { summary } => Dialect::OpenaiResponses { summary },
            ReasoningApi::Anthropic => Dialect::Anthropic {
                adaptive: claude_is_adaptive(api_id),
            },
            ReasoningApi::Gemini => Dialect::Gemini,
            ReasoningApi::Bedrock => {
                let vendor = bedrock_vendor(api_id);
                Dialect::Bedrock {
                    vendor,
                    adaptive: vendor == BedrockVendor::Anthropic && claude_is_adaptive(api_id),
                }
            }
            ReasoningApi::Cohere => Dialect::Cohere,
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

/// The model as its provider profile sees it.
pub fn served_model<'a>(provider_id: &'a str, model: &'a ResolvedModel) -> ServedModel<'a> {
    ServedModel {
        provider_id,
        npm: &model.npm,
        api_id: &model.api_id,
    }
}

fn reasoning_api(
    protocol: RuntimeProtocol,
    provider_id: &str,
    model: &ResolvedModel,
) -> ReasoningApi {
    profile_of(provider_id, Some(&model.npm))
        .reasoning_api(protocol, &served_model(provider_id, model))
}

/// Which heuristic preset table the provider's profile gives `model` on `protocol`.
pub fn presets(
    protocol: RuntimeProtocol,
    provider_id: &str,
    model: &ResolvedModel,
) -> VariantPresets {
    let profile = profile_of(provider_id, Some(&model.npm));
    let model = served_model(provider_id, model);
    profile.variant_presets(profile.reasoning_api(protocol, &model), &model)
}
