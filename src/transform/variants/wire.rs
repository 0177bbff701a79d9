//! A [`Setting`] written as the request-body fields of one [`Dialect`].

use serde_json::{Map, Value, json};

use super::dialect::Dialect;
use super::family::BedrockVendor;
use super::setting::Setting;

pub const ENCRYPTED_REASONING: &str = "reasoning.encrypted_content";

/// The body fields for `setting`; empty when the dialect has no way to say it (the variant then
/// leaves the request as it is).
pub fn render(setting: &Setting, dialect: Dialect) -> Map<String, Value> {
    let setting = &normalized(setting, dialect);
    let value = match dialect {
        Dialect::OpenaiChat => openai_chat(setting),
        Dialect::CopilotChat => copilot_chat(setting),
        Dialect::OpenRouter => openrouter(setting),
        Dialect::Zai => zai(setting),
        Dialect::Alibaba => alibaba(setting),
        Dialect::OpenaiResponses { summary } => responses(setting, summary),
        Dialect::Anthropic { adaptive } => anthropic(setting, adaptive),
        Dialect::Gemini => gemini(setting),
        Dialect::Bedrock { vendor, adaptive } => bedrock(setting, vendor, adaptive),
        Dialect::Cohere => cohere(setting),
    };
    match value {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// An effort called `none` is OpenAI's way to turn reasoning off; elsewhere it means [`Setting::Off`].
fn normalized(setting: &Setting, dialect: Dialect) -> Setting {
    let speaks_none = matches!(
        dialect,
        Dialect::OpenaiChat
            | Dialect::CopilotChat
            | Dialect::OpenRouter
            | Dialect::Alibaba
            | Dialect::OpenaiResponses { .. }
            | Dialect::Bedrock {
                vendor: BedrockVendor::Openai,
                ..
            }
    );
    match setting {
        Setting::Effort(effort) if effort == "none" && !speaks_none => Setting::Off,
        other => other.clone(),
    }
}

fn openai_chat(setting: &Setting) -> Option<Value> {
    match setting {
        Setting::Effort(effort) => Some(json!({"reasoning_effort": effort})),
        _ => None,
    }
}

fn copilot_chat(setting: &Setting) -> Option<Value> {
    match setting {
        Setting::Effort(effort) => Some(json!({"reasoning_effort": effort})),
        Setting::Budget(tokens) => Some(json!({"thinking_budget": tokens})),
        _ => None,
    }
}

fn openrouter(setting: &Setting) -> Option<Value> {
    Some(match setting {
        Setting::Effort(effort) => json!({"reasoning": {"effort": effort}}),
        Setting::Budget(tokens) => json!({"reasoning": {"max_tokens": tokens}}),
        Setting::Off => json!({"reasoning": {"enabled": false}}),
        Setting::On { .. } => json!({"reasoning": {"enabled": true}}),
    })
}

fn zai(setting: &Setting) -> Option<Value> {
    Some(match setting {
        Setting::Off => json!({"thinking": {"type": "disabled"}}),
        Setting::Effort(effort) if effort == "none" => json!({"thinking": {"type": "disabled"}}),
        Setting::Effort(effort) => {
            json!({"thinking": {"type": "enabled"}, "reasoning_effort": effort})
        }
        Setting::On { .. } | Setting::Budget(_) => json!({"thinking": {"type": "enabled"}}),
    })
}

fn alibaba(setting: &Setting) -> Option<Value> {
    Some(match setting {
        Setting::Effort(effort) => json!({"reasoning_effort": effort}),
        Setting::Budget(tokens) => json!({"enable_thinking": true, "thinking_budget": tokens}),
        Setting::Off => json!({"enable_thinking": false}),
        Setting::On { .. } => json!({"enable_thinking": true}),
    })
}

fn responses(setting: &Setting, summary: bool) -> Option<Value> {
    let Setting::Effort(effort) = setting else {
        return None;
    };
    Some(if summary {
        json!({
            "reasoning": {"effort": effort, "summary": "auto"},
            "include": [ENCRYPTED_REASONING],
        })
    } else {
        json!({"reasoning": {"effort": effort}})
    })
}

/// Claude's own fields, shared by the Messages API and Bedrock's pass-through.
fn claude(setting: &Setting, adaptive: bool) -> Value {
    let adaptive_thinking = json!({"type": "adaptive", "display": "summarized"});
    match setting {
        Setting::Effort(effort) if adaptive => {
            json!({"thinking": adaptive_thinking, "output_config": {"effort": effort}})
        }
        Setting::Effort(effort) => json!({"output_config": {"effort": effort}}),
        Setting::Budget(tokens) => {
            json!({"thinking": {"type": "enabled", "budget_tokens": tokens}})
        }
        Setting::Off => json!({"thinking": {"type": "disabled"}}),
        Setting::On { .. } if adaptive => json!({"thinking": adaptive_thinking}),
        Setting::On {
            budget: Some(tokens),
        } => json!({"thinking": {"type": "enabled", "budget_tokens": tokens}}),
        Setting::On { budget: None } => json!({"thinking": {"type": "enabled"}}),
    }
}

fn anthropic(setting: &Setting, adaptive: bool) -> Option<Value> {
    Some(claude(setting, adaptive))
}

fn gemini(setting: &Setting) -> Option<Value> {
    let config = match setting {
        Setting::Effort(level) => json!({"includeThoughts": true, "thinkingLevel": level}),
        Setting::Budget(tokens) => json!({"includeThoughts": true, "thinkingBudget": tokens}),
        Setting::Off => json!({"thinkingBudget": 0}),
        Setting::On { .. } => json!({"includeThoughts": true, "thinkingBudget": -1}),
    };
    Some(json!({"generationConfig": {"thinkingConfig": config}}))
}

fn bedrock(setting: &Setting, vendor: BedrockVendor, adaptive: bool) -> Option<Value> {
    let fields = match vendor {
        BedrockVendor::Anthropic => claude(setting, adaptive),
        BedrockVendor::Openai => match setting {
            Setting::Effort(effort) => json!({"reasoning_effort": effort}),
            _ => return None,
        },
        BedrockVendor::Amazon | BedrockVendor::Other => match setting {
            Setting::Effort(effort) if effort == "none" => {
                json!({"reasoningConfig": {"type": "disabled"}})
            }
            Setting::Effort(effort) => {
                json!({"reasoningConfig": {"type": "enabled", "maxReasoningEffort": effort}})
            }
            Setting::Budget(tokens) => {
                json!({"reasoningConfig": {"type": "enabled", "budgetTokens": tokens}})
            }
            Setting::Off => json!({"reasoningConfig": {"type": "disabled"}}),
            Setting::On { .. } => json!({"reasoningConfig": {"type": "enabled"}}),
        },
    };
    Some(json!({"additionalModelRequestFields": fields}))
}

fn cohere(setting: &Setting) -> Option<Value> {
    Some(match setting {
        Setting::Budget(tokens) => json!({"thinking": {"type": "enabled", "token_budget": tokens}}),
        Setting::Off => json!({"thinking": {"type": "disabled"}}),
        Setting::Effort(effort) if effort == "none" => json!({"thinking": {"type": "disabled"}}),
        Setting::Effort(_) | Setting::On { .. } => json!({"thinking": {"type": "enabled"}}),
    })
}
