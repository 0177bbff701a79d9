//! Golden variant bodies for real catalog models, per wire format.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::*;
use crate::catalog::MergedCatalog;
use crate::catalog::descriptor_view::variant_names;
use crate::catalog::snapshot::embedded_catalog;
use crate::config::SidecarConfig;
use crate::provider::RuntimeProtocol;

fn catalog() -> MergedCatalog {
    MergedCatalog::build(&embedded_catalog(), &Default::default())
}

fn configured(config: Value) -> MergedCatalog {
    let config = SidecarConfig::from_value(config, &HashMap::new(), None).expect("valid config");
    MergedCatalog::build(&embedded_catalog(), &config)
}

fn model(catalog: &MergedCatalog, provider: &str, id: &str) -> ResolvedModel {
    catalog.providers[provider].models[id].clone()
}

/// The same model as if models.dev had no `reasoning_options` for it.
fn without_options(mut model: ResolvedModel) -> ResolvedModel {
    let mut info = (*model.info).clone();
    info.reasoning_options = None;
    model.info = Arc::new(info);
    model
}

fn body(provider: &str, model: &ResolvedModel, variant: &str) -> Value {
    Value::Object(variant_body(model.protocol, provider, model, variant).expect("known variant"))
}

fn names(provider: &str, model: &ResolvedModel) -> Vec<String> {
    available_variants(model.protocol, provider, model)
}

#[test]
fn anthropic_budget_and_effort_models() {
    let catalog = catalog();
    let sonnet = model(&catalog, "anthropic", "claude-sonnet-4-5");
    assert_eq!(names("anthropic", &sonnet), ["high", "max"]);
    assert_eq!(
        body("anthropic", &sonnet, "high"),
        json!({"thinking": {"type": "enabled", "budget_tokens": 16000}})
    );
    assert_eq!(
        body("anthropic", &sonnet, "max"),
        json!({"thinking": {"type": "enabled", "budget_tokens": 31999}})
    );

    // Opus 4.5 predates adaptive thinking: effort alone; `max` comes from its budget option.
    let opus = model(&catalog, "anthropic", "claude-opus-4-5");
    assert_eq!(names("anthropic", &opus), ["low", "medium", "high", "max"]);
    assert_eq!(
        body("anthropic", &opus, "high"),
        json!({"output_config": {"effort": "high"}})
    );
    assert_eq!(
        body("anthropic", &opus, "max"),
        json!({"thinking": {"type": "enabled", "budget_tokens": 31999}})
    );

    let sonnet5 = model(&catalog, "anthropic", "claude-sonnet-5");
    assert_eq!(
        names("anthropic", &sonnet5),
        ["none", "low", "medium", "high", "xhigh", "max"]
    );
    assert_eq!(
        body("anthropic", &sonnet5, "none"),
        json!({"thinking": {"type": "disabled"}})
    );
    assert_eq!(
        body("anthropic", &sonnet5, "xhigh"),
        json!({
            "thinking": {"type": "adaptive", "display": "summarized"},
            "output_config": {"effort": "xhigh"},
        })
    );
}

#[test]
fn openai_responses_efforts() {
    let catalog = catalog();
    let gpt = model(&catalog, "openai", "gpt-5.2");
    assert_eq!(
        names("openai", &gpt),
        ["none", "low", "medium", "high", "xhigh"]
    );
    assert_eq!(
        body("openai", &gpt, "xhigh"),
        json!({
            "reasoning": {"effort": "xhigh", "summary": "auto"},
            "include": ["reasoning.encrypted_content"],
        })
    );
    let grok = model(&catalog, "xai", "grok-4.3");
    assert_eq!(
        body("xai", &grok, "low"),
        json!({"reasoning": {"effort": "low"}})
    );
}

#[test]
fn gemini_budgets_and_levels() {
    let catalog = catalog();
    let pro = model(&catalog, "google", "gemini-2.5-pro");
    assert_eq!(names("google", &pro), ["high", "max"]);
    assert_eq!(
        body("google", &pro, "high"),
        json!({"generationConfig": {"thinkingConfig": {"includeThoughts": true, "thinkingBudget": 16000}}})
    );
    assert_eq!(
        body("google", &pro, "max"),
        json!({"generationConfig": {"thinkingConfig": {"includeThoughts": true, "thinkingBudget": 31999}}})
    );
    let flash = model(&catalog, "google", "gemini-2.5-flash");
    assert_eq!(names("google", &flash), ["none", "thinking", "high", "max"]);
    assert_eq!(
        body("google", &flash, "none"),
        json!({"generationConfig": {"thinkingConfig": {"thinkingBudget": 0}}})
    );
    assert_eq!(
        body("google", &flash, "high"),
        json!({"generationConfig": {"thinkingConfig": {"includeThoughts": true, "thinkingBudget": 12288}}})
    );
    let three = model(&catalog, "google", "gemini-3-pro-preview");
    assert_eq!(names("google", &three), ["low", "high"]);
    assert_eq!(
        body("google", &three, "low"),
        json!({"generationConfig": {"thinkingConfig": {"includeThoughts": true, "thinkingLevel": "low"}}})
    );
}

#[test]
fn zai_thinking_switch() {
    let catalog = catalog();
    let glm = model(&catalog, "zai-coding-plan", "glm-4.7");
    assert_eq!(names("zai-coding-plan", &glm), ["none", "thinking"]);
    assert_eq!(
        body("zai-coding-plan", &glm, "none"),
        json!({"thinking": {"type": "disabled"}})
    );
    assert_eq!(
        body("zai-coding-plan", &glm, "thinking"),
        json!({"thinking": {"type": "enabled"}})
    );
    let glm52 = model(&catalog, "zai", "glm-5.2");
    assert_eq!(
        body("zai", &glm52, "max"),
        json!({"thinking": {"type": "enabled"}, "reasoning_effort": "max"})
    );
}

#[test]
fn openrouter_reasoning_object() {
    let catalog = catalog();
    let claude = model(&catalog, "openrouter", "anthropic/claude-sonnet-4.5");
    assert_eq!(
        names("openrouter", &claude),
        ["none", "thinking", "high", "max"]
    );
    assert_eq!(
        body("openrouter", &claude, "none"),
        json!({"reasoning": {"enabled": false}})
    );
    assert_eq!(
        body("openrouter", &claude, "thinking"),
        json!({"reasoning": {"enabled": true}})
    );
    assert_eq!(
        body("openrouter", &claude, "high"),
        json!({"reasoning": {"max_tokens": 16000}})
    );
    let gpt = model(&catalog, "openrouter", "openai/gpt-5.1");
    assert_eq!(
        body("openrouter", &gpt, "none"),
        json!({"reasoning": {"effort": "none"}})
    );
}

#[test]
fn bedrock_additional_model_request_fields() {
    let catalog = catalog();
    let sonnet = model(
        &catalog,
        "amazon-bedrock",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
    );
    assert_eq!(
        body("amazon-bedrock", &sonnet, "high"),
        json!({"additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 16000}}})
    );
    let opus = model(&catalog, "amazon-bedrock", "anthropic.claude-opus-4-7");
    assert_eq!(
        body("amazon-bedrock", &opus, "max"),
        json!({"additionalModelRequestFields": {
            "thinking": {"type": "adaptive", "display": "summarized"},
            "output_config": {"effort": "max"},
        }})
    );
    let nova = model(&catalog, "amazon-bedrock", "amazon.nova-2-lite-v1:0");
    assert_eq!(
        names("amazon-bedrock", &nova),
        ["none", "low", "medium", "high"]
    );
    assert_eq!(
        body("amazon-bedrock", &nova, "none"),
        json!({"additionalModelRequestFields": {"reasoningConfig": {"type": "disabled"}}})
    );
    assert_eq!(
        body("amazon-bedrock", &nova, "medium"),
        json!({"additionalModelRequestFields": {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "medium"}}})
    );
}

#[test]
fn chat_completions_and_cohere() {
    let catalog = catalog();
    let groq = model(&catalog, "groq", "openai/gpt-oss-120b");
    assert_eq!(
        body("groq", &groq, "high"),
        json!({"reasoning_effort": "high"})
    );
    let cohere = model(&catalog, "cohere", "command-a-reasoning-08-2025");
    assert_eq!(
        body("cohere", &cohere, "none"),
        json!({"thinking": {"type": "disabled"}})
    );
    assert_eq!(
        body("cohere", &cohere, "max"),
        json!({"thinking": {"type": "enabled", "token_budget": 31999}})
    );
    // A budget has no chat-completions spelling: the variant is listed but changes nothing.
    let haiku = model(&catalog, "302ai", "claude-haiku-4-5");
    assert_eq!(body("302ai", &haiku, "high"), json!({}));
}

#[test]
fn heuristic_presets_without_reasoning_options() {
    let catalog = catalog();
    let sonnet = without_options(model(&catalog, "anthropic", "claude-sonnet-4-5"));
    assert_eq!(names("anthropic", &sonnet), ["high", "max"]);
    assert_eq!(
        body("anthropic", &sonnet, "high"),
        json!({"thinking": {"type": "enabled", "budget_tokens": 16000}})
    );
    let opus = without_options(model(&catalog, "anthropic", "claude-opus-4-1"));
    // 32000 output tokens: high = min(16000, 32000/2 - 1), max = min(31999, 32000 - 1).
    assert_eq!(
        body("anthropic", &opus, "high"),
        json!({"thinking": {"type": "enabled", "budget_tokens": 15999}})
    );

    let gpt5 = without_options(model(&catalog, "openai", "gpt-5"));
    assert_eq!(names("openai", &gpt5), ["minimal", "low", "medium", "high"]);
    let gpt51 = without_options(model(&catalog, "openai", "gpt-5.1-codex-max"));
    assert_eq!(names("openai", &gpt51), ["low", "medium", "high", "xhigh"]);
    let azure = without_options(model(&catalog, "azure", "gpt-5.1"));
    assert_eq!(names("azure", &azure), ["low", "medium", "high"]);

    let flash = without_options(model(&catalog, "google", "gemini-2.5-flash"));
    assert_eq!(
        body("google", &flash, "max"),
        json!({"generationConfig": {"thinkingConfig": {"includeThoughts": true, "thinkingBudget": 24576}}})
    );
    let glm = without_options(model(&catalog, "zai", "glm-4.7"));
    assert!(names("zai", &glm).is_empty());
}

#[test]
fn config_variants_merge_over_derived_ones() {
    let catalog = configured(
        json!({"provider": {"anthropic": {"models": {"claude-sonnet-4-5": {
            "variants": {
                "high": {"thinking": {"budgetTokens": 8000}},
                "fast": {"effort": "low", "customFlag": true},
                "max": {"disabled": true},
            }
        }}}}}),
    );
    let sonnet = model(&catalog, "anthropic", "claude-sonnet-4-5");
    assert_eq!(names("anthropic", &sonnet), ["high", "fast"]);
    assert_eq!(names("anthropic", &sonnet), variant_names(&sonnet));
    assert_eq!(
        body("anthropic", &sonnet, "high"),
        json!({"thinking": {"type": "enabled", "budget_tokens": 8000}})
    );
    assert_eq!(
        body("anthropic", &sonnet, "fast"),
        json!({"output_config": {"effort": "low"}, "customFlag": true})
    );
    assert_eq!(
        variant_body(RuntimeProtocol::Anthropic, "anthropic", &sonnet, "max"),
        Err(VariantError::Unknown {
            variant: "max".into(),
            available: vec!["high".into(), "fast".into()],
        })
    );
}

#[test]
fn config_variants_per_format() {
    let catalog = configured(json!({"provider": {
        "openai": {"models": {"gpt-5.2": {"variants": {
            "deep": {"reasoningEffort": "xhigh", "reasoningSummary": "detailed", "textVerbosity": "low"}
        }}}},
        "google": {"models": {"gemini-2.5-pro": {"variants": {
            "quick": {"thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": false}}
        }}}},
        "zai": {"models": {"glm-4.7": {"variants": {
            "none": {"thinking": {"clearThinking": true}}
        }}}},
        "amazon-bedrock": {"models": {"amazon.nova-2-lite-v1:0": {"variants": {
            "deep": {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "high"}}
        }}}},
    }}));
    let gpt = model(&catalog, "openai", "gpt-5.2");
    assert_eq!(
        body("openai", &gpt, "deep"),
        json!({"reasoning": {"effort": "xhigh", "summary": "detailed"}, "text": {"verbosity": "low"}})
    );
    let gemini = model(&catalog, "google", "gemini-2.5-pro");
    assert_eq!(
        body("google", &gemini, "quick"),
        json!({"generationConfig": {"thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": false}}})
    );
    let glm = model(&catalog, "zai", "glm-4.7");
    assert_eq!(
        body("zai", &glm, "none"),
        json!({"thinking": {"type": "disabled", "clear_thinking": true}})
    );
    let nova = model(&catalog, "amazon-bedrock", "amazon.nova-2-lite-v1:0");
    assert_eq!(
        body("amazon-bedrock", &nova, "deep"),
        json!({"additionalModelRequestFields": {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "high"}}})
    );
}

#[test]
fn unknown_variant_lists_the_available_ones() {
    let catalog = catalog();
    let gpt = model(&catalog, "openai", "gpt-5.1");
    let error = variant_body(RuntimeProtocol::OpenaiResponses, "openai", &gpt, "turbo")
        .expect_err("no such variant");
    assert_eq!(
        error,
        VariantError::Unknown {
            variant: "turbo".into(),
            available: vec!["none".into(), "low".into(), "medium".into(), "high".into()],
        }
    );
    assert_eq!(
        error.to_string(),
        "unknown variant `turbo` (available: none, low, medium, high)"
    );
    let plain = model(&catalog, "openai", "gpt-4o");
    let error = variant_body(RuntimeProtocol::OpenaiResponses, "openai", &plain, "high")
        .expect_err("gpt-4o has no variants");
    assert_eq!(
        error.to_string(),
        "unknown variant `high` (the model has no variants)"
    );
}

/// Where models.dev lists reasoning options, the names served to clients and the names accepted
/// here are the same, for every model of the catalog; and every accepted name renders.
#[test]
fn names_agree_with_the_catalog_for_every_model() {
    let catalog = catalog();
    let mut checked = 0;
    for (provider_id, provider) in &catalog.providers {
        for model in provider.models.values() {
            if model.info.reasoning_options.is_none() {
                continue;
            }
            let names = available_variants(model.protocol, provider_id, model);
            assert_eq!(names, variant_names(model), "{provider_id}/{}", model.id);
            for name in &names {
                assert!(variant_body(model.protocol, provider_id, model, name).is_ok());
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} models checked");
}

#[test]
fn thinking_budget_is_read_back_for_the_output_limit() {
    let catalog = catalog();
    let sonnet = model(&catalog, "anthropic", "claude-sonnet-4-5");
    let high =
        variant_body(RuntimeProtocol::Anthropic, "anthropic", &sonnet, "high").expect("known");
    assert_eq!(thinking_budget(&high), Some(16_000));
    let bedrock = model(
        &catalog,
        "amazon-bedrock",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
    );
    let max =
        variant_body(RuntimeProtocol::Bedrock, "amazon-bedrock", &bedrock, "max").expect("known");
    assert_eq!(thinking_budget(&max), Some(31_999));
    let gpt = model(&catalog, "openai", "gpt-5.2");
    let low = variant_body(RuntimeProtocol::OpenaiResponses, "openai", &gpt, "low").expect("known");
    assert_eq!(thinking_budget(&low), None);
}
