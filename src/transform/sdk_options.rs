//! Provider options are written as AI SDK provider options (`reasoningEffort`, `thinking:
//! {type, budgetTokens}`, `thinkingConfig`, `promptCacheKey`, `store`, …), as OpenCode's
//! `options()`, config `options` and variants and a call's `providerOptions` spell them; this turns
//! the keys it knows into the fields the provider's HTTP API takes. Unknown keys pass through
//! unchanged (they may already be wire fields); a known key that has no meaning for the dialect is
//! dropped rather than sent to an API that would reject it.

use serde_json::{Map, Value, json};

use super::variants::dialect::Dialect;
use super::variants::family::BedrockVendor;
use crate::json_merge::merge_deep_map;

/// The wire body for one set of provider options.
pub fn translate(options: &Map<String, Value>, dialect: Dialect) -> Map<String, Value> {
    let mut body = Map::new();
    for (key, value) in options {
        match translate_key(key, value, dialect) {
            Translated::Fields(fields) => {
                if let Value::Object(fields) = fields {
                    merge_deep_map(&mut body, &fields);
                }
            }
            Translated::Unknown => {
                merge_deep_map(&mut body, &Map::from_iter([(key.clone(), value.clone())]));
            }
            Translated::NotApplicable => {
                tracing::debug!(
                    key,
                    ?dialect,
                    "variant option has no meaning for this API; dropped"
                );
            }
        }
    }
    body
}

enum Translated {
    Fields(Value),
    Unknown,
    NotApplicable,
}

fn translate_key(key: &str, value: &Value, dialect: Dialect) -> Translated {
    use Translated::{Fields, NotApplicable, Unknown};
    let result = match key {
        "reasoningEffort" | "effort" => effort(value, dialect),
        "store" => match dialect {
            Dialect::OpenaiResponses { .. }
            | Dialect::OpenaiChat
            | Dialect::CopilotChat
            | Dialect::OpenRouter => Some(json!({"store": value})),
            _ => None,
        },
        "promptCacheKey" => match dialect {
            Dialect::OpenaiResponses { .. }
            | Dialect::OpenaiChat
            | Dialect::CopilotChat
            | Dialect::OpenRouter => Some(json!({"prompt_cache_key": value})),
            _ => None,
        },
        // The AI SDK turns this into a beta header; the loaders decide the headers.
        "toolStreaming" => None,
        "reasoningSummary" => match dialect {
            Dialect::OpenaiResponses { .. } => Some(json!({"reasoning": {"summary": value}})),
            _ => None,
        },
        "include" => match dialect {
            Dialect::OpenaiResponses { .. } => Some(json!({"include": value})),
            _ => None,
        },
        "textVerbosity" => match dialect {
            Dialect::OpenaiResponses { .. } => Some(json!({"text": {"verbosity": value}})),
            Dialect::OpenaiChat | Dialect::CopilotChat | Dialect::OpenRouter => {
                Some(json!({"verbosity": value}))
            }
            _ => None,
        },
        "thinking" => thinking(value, dialect),
        "thinkingConfig" => match dialect {
            Dialect::Gemini => Some(json!({"generationConfig": {"thinkingConfig": value}})),
            Dialect::OpenRouter => value
                .get("thinkingBudget")
                .map(|budget| json!({"reasoning": {"max_tokens": budget}})),
            _ => None,
        },
        "reasoningConfig" => reasoning_config(value, dialect),
        "enableThinking" => match dialect {
            Dialect::Alibaba | Dialect::OpenaiChat => Some(json!({"enable_thinking": value})),
            _ => None,
        },
        "thinkingBudget" => match dialect {
            Dialect::Alibaba | Dialect::OpenaiChat => Some(json!({"thinking_budget": value})),
            Dialect::CopilotChat => Some(json!({"thinking_budget": value})),
            Dialect::Gemini => {
                Some(json!({"generationConfig": {"thinkingConfig": {"thinkingBudget": value}}}))
            }
            _ => None,
        },
        _ => return Unknown,
    };
    result.map_or(NotApplicable, Fields)
}

fn effort(value: &Value, dialect: Dialect) -> Option<Value> {
    let off = value.as_str() == Some("none");
    Some(match dialect {
        Dialect::OpenaiChat | Dialect::CopilotChat | Dialect::Alibaba => {
            json!({"reasoning_effort": value})
        }
        Dialect::OpenRouter => json!({"reasoning": {"effort": value}}),
        Dialect::Zai if off => json!({"thinking": {"type": "disabled"}}),
        Dialect::Zai => json!({"reasoning_effort": value}),
        Dialect::OpenaiResponses { .. } => json!({"reasoning": {"effort": value}}),
        Dialect::Anthropic { .. } => json!({"output_config": {"effort": value}}),
        Dialect::Gemini => {
            json!({"generationConfig": {"thinkingConfig": {"thinkingLevel": value}}})
        }
        Dialect::Bedrock { vendor, .. } => json!({"additionalModelRequestFields": match vendor {
            BedrockVendor::Anthropic => json!({"output_config": {"effort": value}}),
            BedrockVendor::Openai => json!({"reasoning_effort": value}),
            BedrockVendor::Amazon | BedrockVendor::Other => {
                json!({"reasoningConfig": {"type": "enabled", "maxReasoningEffort": value}})
            }
        }}),
        Dialect::Cohere if off => json!({"thinking": {"type": "disabled"}}),
        Dialect::Cohere => json!({"thinking": {"type": "enabled"}}),
    })
}

/// The AI SDK's `thinking: {type, budgetTokens, …}` (Anthropic, Z.AI, Cohere spellings).
fn thinking(value: &Value, dialect: Dialect) -> Option<Value> {
    let Value::Object(fields) = value else {
        return None;
    };
    let kind = fields.get("type").and_then(Value::as_str);
    let budget = fields
        .get("budgetTokens")
        .or_else(|| fields.get("tokenBudget"));
    let snake = || Value::Object(snake_keys(fields));
    match dialect {
        Dialect::Anthropic { .. } | Dialect::Zai | Dialect::OpenaiChat => {
            Some(json!({"thinking": snake()}))
        }
        Dialect::Bedrock {
            vendor: BedrockVendor::Anthropic,
            ..
        } => Some(json!({"additionalModelRequestFields": {"thinking": snake()}})),
        Dialect::Cohere => {
            let mut thinking = Map::new();
            if let Some(kind) = kind {
                thinking.insert("type".into(), json!(kind));
            }
            if let Some(budget) = budget {
                thinking.insert("token_budget".into(), budget.clone());
            }
            Some(json!({"thinking": thinking}))
        }
        Dialect::OpenRouter => Some(match (kind, budget) {
            (Some("disabled"), _) => json!({"reasoning": {"enabled": false}}),
            (_, Some(budget)) => json!({"reasoning": {"max_tokens": budget}}),
            _ => json!({"reasoning": {"enabled": true}}),
        }),
        Dialect::CopilotChat => budget.map(|budget| json!({"thinking_budget": budget})),
        Dialect::Alibaba => Some(match (kind, budget) {
            (Some("disabled"), _) => json!({"enable_thinking": false}),
            (_, Some(budget)) => json!({"enable_thinking": true, "thinking_budget": budget}),
            _ => json!({"enable_thinking": true}),
        }),
        Dialect::Gemini => Some(match (kind, budget) {
            (Some("disabled"), _) => {
                json!({"generationConfig": {"thinkingConfig": {"thinkingBudget": 0}}})
            }
            (_, Some(budget)) => {
                json!({"generationConfig": {"thinkingConfig": {"includeThoughts": true, "thinkingBudget": budget}}})
            }
            _ => json!({"generationConfig": {"thinkingConfig": {"includeThoughts": true}}}),
        }),
        Dialect::Bedrock { .. } | Dialect::OpenaiResponses { .. } => None,
    }
}

/// The Bedrock AI SDK's `reasoningConfig: {type, budgetTokens, maxReasoningEffort, display}`.
fn reasoning_config(value: &Value, dialect: Dialect) -> Option<Value> {
    let Dialect::Bedrock { vendor, .. } = dialect else {
        return None;
    };
    let Value::Object(fields) = value else {
        return None;
    };
    let fields_out = match vendor {
        BedrockVendor::Anthropic => {
            let mut thinking = Map::new();
            for (key, wire) in [
                ("type", "type"),
                ("budgetTokens", "budget_tokens"),
                ("display", "display"),
            ] {
                if let Some(v) = fields.get(key) {
                    thinking.insert(wire.into(), v.clone());
                }
            }
            let mut out = Map::new();
            if !thinking.is_empty() {
                out.insert("thinking".into(), Value::Object(thinking));
            }
            if let Some(effort) = fields.get("maxReasoningEffort") {
                out.insert("output_config".into(), json!({"effort": effort}));
            }
            Value::Object(out)
        }
        BedrockVendor::Openai => match fields.get("maxReasoningEffort") {
            Some(effort) => json!({"reasoning_effort": effort}),
            None => return None,
        },
        BedrockVendor::Amazon | BedrockVendor::Other => json!({"reasoningConfig": value}),
    };
    Some(json!({"additionalModelRequestFields": fields_out}))
}

/// `budgetTokens` → `budget_tokens`, one level deep.
fn snake_keys(fields: &Map<String, Value>) -> Map<String, Value> {
    fields
        .iter()
        .map(|(key, value)| (camel_to_snake(key), value.clone()))
        .collect()
}

fn camel_to_snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::variants::wire::ENCRYPTED_REASONING;

    fn options(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("test options are objects"),
        }
    }

    #[test]
    fn responses_keys_become_the_reasoning_object() {
        let body = translate(
            &options(json!({
                "reasoningEffort": "high",
                "reasoningSummary": "detailed",
                "include": [ENCRYPTED_REASONING],
                "store": false,
            })),
            Dialect::OpenaiResponses { summary: true },
        );
        assert_eq!(
            Value::Object(body),
            json!({
                "reasoning": {"effort": "high", "summary": "detailed"},
                "include": [ENCRYPTED_REASONING],
                "store": false,
            })
        );
    }

    #[test]
    fn inapplicable_known_keys_are_dropped_unknown_ones_kept() {
        let body = translate(
            &options(json!({"reasoningSummary": "auto", "reasoningEffort": "low", "seed": 7})),
            Dialect::OpenaiChat,
        );
        assert_eq!(
            Value::Object(body),
            json!({"reasoning_effort": "low", "seed": 7})
        );
    }

    #[test]
    fn thinking_is_respelled_per_api() {
        let thinking = options(json!({"thinking": {"type": "enabled", "budgetTokens": 4000}}));
        assert_eq!(
            Value::Object(translate(&thinking, Dialect::Anthropic { adaptive: false })),
            json!({"thinking": {"type": "enabled", "budget_tokens": 4000}})
        );
        assert_eq!(
            Value::Object(translate(&thinking, Dialect::OpenRouter)),
            json!({"reasoning": {"max_tokens": 4000}})
        );
        assert_eq!(
            Value::Object(translate(&thinking, Dialect::Cohere)),
            json!({"thinking": {"type": "enabled", "token_budget": 4000}})
        );
        assert_eq!(
            Value::Object(translate(
                &thinking,
                Dialect::Bedrock {
                    vendor: BedrockVendor::Anthropic,
                    adaptive: false
                }
            )),
            json!({"additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 4000}}})
        );
    }
}
