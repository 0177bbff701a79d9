//! OpenCode's `ProviderTransform.options` / `smallOptions` / `providerOptions` test cases
//! (`packages/opencode/test/provider/transform.test.ts`) against the profiles' options, and the
//! body fields they become.

use serde_json::{Value, json};

use super::options::{Layers, body_fields, option_keys};
use crate::protocol::types::ProviderOptions;
use crate::transform::test_support::Call;

/// The profile's `options()` in the AI SDK's spelling, as OpenCode's tests read them.
fn sdk(call: &Call) -> Value {
    let cx = call.cx();
    Value::Object(cx.profile().options(&cx.call_ref()))
}

fn body(call: &Call, layers: Layers<'_>) -> Value {
    Value::Object(body_fields(&call.cx(), layers))
}

#[test]
fn set_cache_key_and_the_openai_defaults() {
    let mut claude = Call::custom("anthropic", "@ai-sdk/anthropic", "claude-3-5-sonnet", false);
    assert!(sdk(&claude).get("promptCacheKey").is_none());
    claude.settings.set_cache_key = true;
    assert_eq!(sdk(&claude)["promptCacheKey"], "ses_test");
    // The Messages API has no such field: it is not sent.
    assert!(
        body(&claude, Layers::default())
            .get("prompt_cache_key")
            .is_none()
    );

    let gpt4 = Call::custom("openai", "@ai-sdk/openai", "gpt-4", false);
    assert_eq!(
        sdk(&gpt4),
        json!({"store": false, "promptCacheKey": "ses_test"})
    );
    assert_eq!(
        body(&gpt4, Layers::default()),
        json!({"store": false, "prompt_cache_key": "ses_test"})
    );

    let azure = Call::custom("azure", "@ai-sdk/azure", "gpt-4", false);
    assert_eq!(
        sdk(&azure),
        json!({"store": false, "promptCacheKey": "ses_test"})
    );
}

#[test]
fn zai_and_zhipu_think_without_clearing() {
    for provider in ["zai-coding-plan", "zai", "zhipuai-coding-plan", "zhipuai"] {
        let glm = Call::custom(provider, "@ai-sdk/openai-compatible", "glm-4.6", true);
        assert_eq!(
            sdk(&glm)["thinking"],
            json!({"type": "enabled", "clear_thinking": false}),
            "{provider}"
        );
        assert_eq!(
            body(&glm, Layers::default())["thinking"],
            json!({"type": "enabled", "clear_thinking": false}),
            "{provider}"
        );
    }
}

#[test]
fn google_thinking_config_only_for_reasoning_models() {
    let plain = Call::custom("google", "@ai-sdk/google", "gemini-2.0-flash", false);
    assert!(sdk(&plain).get("thinkingConfig").is_none());
    let thinking = Call::custom("google", "@ai-sdk/google", "gemini-2.0-flash", true);
    assert_eq!(
        sdk(&thinking)["thinkingConfig"],
        json!({"includeThoughts": true})
    );
    assert_eq!(
        body(&thinking, Layers::default()),
        json!({"generationConfig": {"thinkingConfig": {"includeThoughts": true}}})
    );
    let vertex = Call::custom(
        "google-vertex",
        "@ai-sdk/google-vertex",
        "gemini-2.0-flash",
        false,
    );
    assert!(sdk(&vertex).get("thinkingConfig").is_none());
    let gemini3 = Call::custom("google", "@ai-sdk/google", "gemini-3-pro-preview", true);
    assert_eq!(
        sdk(&gemini3)["thinkingConfig"],
        json!({"includeThoughts": true, "thinkingLevel": "high"})
    );
}

#[test]
fn gpt5_verbosity_effort_and_encrypted_reasoning() {
    let gpt = |id: &str| sdk(&Call::custom("openai", "@ai-sdk/openai", id, true));
    let gpt52 = gpt("gpt-5.2");
    assert_eq!(gpt52["textVerbosity"], "low");
    assert_eq!(gpt52["include"], json!(["reasoning.encrypted_content"]));
    assert_eq!(gpt52["reasoningEffort"], "medium");
    assert_eq!(gpt52["reasoningSummary"], "auto");
    assert_eq!(gpt("gpt-5.1")["textVerbosity"], "low");
    for no_verbosity in [
        "gpt-5.2-chat-latest",
        "gpt-5.1-chat-latest",
        "gpt-5.2-chat",
        "gpt-5-chat",
        "gpt-5.2-codex",
    ] {
        assert!(
            gpt(no_verbosity).get("textVerbosity").is_none(),
            "{no_verbosity}"
        );
    }
    // The Responses API spelling of the same options.
    let wire = body(
        &Call::custom("openai", "@ai-sdk/openai", "gpt-5.2", true),
        Layers::default(),
    );
    assert_eq!(
        wire,
        json!({
            "store": false,
            "prompt_cache_key": "ses_test",
            "reasoning": {"effort": "medium", "summary": "auto"},
            "include": ["reasoning.encrypted_content"],
            "text": {"verbosity": "low"},
        })
    );

    let mantle = Call::custom(
        "amazon-bedrock",
        "@ai-sdk/amazon-bedrock/mantle",
        "openai.gpt-5.5",
        true,
    );
    let mantle = {
        let cx = mantle.cx();
        Value::Object(cx.profile().options(&cx.call_ref()))
    };
    assert_eq!(mantle["store"], false);
    assert_eq!(mantle["reasoningEffort"], "medium");
    assert_eq!(mantle["reasoningSummary"], "auto");
    assert_eq!(mantle["include"], json!(["reasoning.encrypted_content"]));
    assert_eq!(mantle["textVerbosity"], "low");
}

#[test]
fn azure_gpt5_chat_and_gpt55_take_no_effort() {
    let azure = |id: &str| sdk(&Call::custom("azure", "@ai-sdk/azure", id, true));
    assert!(azure("gpt-5-chat").get("reasoningEffort").is_none());
    let gpt55 = azure("gpt-5.5");
    assert!(gpt55.get("reasoningEffort").is_none());
    assert_eq!(gpt55["reasoningSummary"], "auto");
    // Azure's own provider gets no verbosity.
    assert!(azure("gpt-5.2").get("textVerbosity").is_none());
}

#[test]
fn gateway_caching_goes_in_the_gateway_envelope() {
    let vercel = Call::custom(
        "vercel",
        "@ai-sdk/gateway",
        "anthropic/claude-sonnet-4",
        true,
    );
    assert_eq!(sdk(&vercel), json!({"gateway": {"caching": "auto"}}));
    assert_eq!(
        body(&vercel, Layers::default()),
        json!({
            "providerOptions": {"gateway": {"caching": "auto"}},
            "stream_options": {"include_usage": true},
        })
    );
}

/// OpenCode's `providerOptions` for the gateway: routing options stay under `gateway`, the model's
/// go under the upstream's slug (`amazon` → `bedrock`), or under `gateway` without a slug.
#[test]
fn gateway_options_go_under_the_upstream_slug() {
    let envelope = |api_id: &str, options: Value| {
        let call = Call::custom("vercel", "@ai-sdk/gateway", api_id, true);
        let cx = call.cx();
        let Value::Object(options) = options else {
            unreachable!()
        };
        Value::Object(
            cx.profile()
                .envelope(&cx.call_ref(), &options)
                .expect("the gateway wraps its options"),
        )
    };
    assert_eq!(
        envelope(
            "anthropic/claude-sonnet-4",
            json!({"thinking": {"type": "enabled", "budgetTokens": 12000}})
        ),
        json!({"providerOptions": {"anthropic": {"thinking": {"type": "enabled", "budgetTokens": 12000}}}})
    );
    assert_eq!(
        envelope(
            "anthropic/claude-sonnet-4",
            json!({"gateway": {"order": ["vertex", "anthropic"]}, "thinking": {"type": "enabled"}})
        ),
        json!({"providerOptions": {
            "gateway": {"order": ["vertex", "anthropic"]},
            "anthropic": {"thinking": {"type": "enabled"}},
        }})
    );
    assert_eq!(
        envelope("claude-sonnet-4", json!({"reasoningEffort": "high"})),
        json!({"providerOptions": {"gateway": {"reasoningEffort": "high"}}})
    );
    assert_eq!(
        envelope(
            "amazon/nova-2-lite",
            json!({"reasoningConfig": {"type": "enabled"}})
        ),
        json!({"providerOptions": {"bedrock": {"reasoningConfig": {"type": "enabled"}}}})
    );
    assert_eq!(
        envelope(
            "groq/llama-3.3-70b-versatile",
            json!({"reasoningFormat": "parsed"})
        ),
        json!({"providerOptions": {"groq": {"reasoningFormat": "parsed"}}})
    );
}

#[test]
fn openrouter_llmgateway_usage_and_cache_key() {
    let openrouter = Call::custom(
        "openrouter",
        "@openrouter/ai-sdk-provider",
        "google/gemini-3-pro-preview",
        true,
    );
    assert_eq!(
        body(&openrouter, Layers::default()),
        json!({
            "usage": {"include": true},
            "reasoning": {"effort": "high"},
            "prompt_cache_key": "ses_test",
            "stream_options": {"include_usage": true},
        })
    );
    let llmgateway = Call::custom(
        "llmgateway",
        "@ai-sdk/openai-compatible",
        "deepseek-v3",
        false,
    );
    assert_eq!(sdk(&llmgateway), json!({"usage": {"include": true}}));
}

#[test]
fn thinking_rules_of_kimi_alibaba_and_baseten() {
    let kimi = Call::custom("kimi-for-coding", "@ai-sdk/anthropic", "kimi-k2.5", true);
    assert_eq!(
        body(&kimi, Layers::default()),
        json!({"thinking": {"type": "enabled", "budget_tokens": 16000}})
    );
    let qwen = Call::custom("alibaba-cn", "@ai-sdk/openai-compatible", "qwen3-max", true);
    assert_eq!(sdk(&qwen), json!({"enable_thinking": true}));
    let kimi_thinking = Call::custom(
        "alibaba-cn",
        "@ai-sdk/openai-compatible",
        "kimi-k2-thinking",
        true,
    );
    assert_eq!(sdk(&kimi_thinking), json!({}));
    let baseten = Call::custom("baseten", "@ai-sdk/openai-compatible", "glm-4.6", true);
    assert_eq!(
        body(&baseten, Layers::default())["chat_template_args"],
        json!({"enable_thinking": true})
    );
}

#[test]
fn layers_merge_in_opencodes_order() {
    let mut gpt = Call::custom("openai", "@ai-sdk/openai", "gpt-5.2", true);
    // Model options from config, in the AI SDK's spelling.
    gpt.model.options = serde_json::from_value(json!({
        "reasoningEffort": "low",
        "maxConcurrency": 2,
        "timeout": 1000,
    }))
    .expect("options");
    let variant = serde_json::from_value(json!({"reasoning": {"effort": "high"}})).expect("map");
    let call: ProviderOptions = serde_json::from_value(json!({
        "openai": {"textVerbosity": "high", "reasoning_effort_ignored": 1},
        "anthropic": {"thinking": {"type": "enabled"}},
    }))
    .expect("options");
    let merged = body(
        &gpt,
        Layers {
            variant: Some(&variant),
            small: false,
            call: Some(&call),
        },
    );
    assert_eq!(
        merged["reasoning"],
        json!({"effort": "high", "summary": "auto"})
    );
    assert_eq!(merged["text"], json!({"verbosity": "high"}));
    assert_eq!(merged["reasoning_effort_ignored"], 1);
    assert!(
        merged.get("thinking").is_none(),
        "another provider's options"
    );
    assert!(merged.get("maxConcurrency").is_none() && merged.get("timeout").is_none());
}

#[test]
fn provider_options_keys_follow_the_sdk_and_the_provider_id() {
    let keys = |call: Call| option_keys(&call.cx());
    assert_eq!(
        keys(Call::custom(
            "my-bedrock",
            "@ai-sdk/amazon-bedrock",
            "anthropic.claude-sonnet-4",
            true
        )),
        ["bedrock", "my-bedrock"]
    );
    assert_eq!(
        keys(Call::custom(
            "github-copilot",
            "@ai-sdk/openai-compatible",
            "gpt-4.1",
            false
        )),
        ["openai", "copilot", "github-copilot"]
    );
    assert_eq!(
        keys(Call::custom(
            "wafer.ai",
            "@ai-sdk/openai-compatible",
            "m",
            false
        )),
        ["openai", "openaiCompatible", "wafer.ai", "wafer"]
    );
    assert_eq!(
        keys(Call::custom("azure", "@ai-sdk/azure", "gpt-5", true)),
        ["openai", "azure"]
    );
    let deepseek = Call::custom(
        "deepseek",
        "@ai-sdk/openai-compatible",
        "deepseek-chat",
        true,
    );
    let call: ProviderOptions = serde_json::from_value(json!({
        "openaiCompatible": {"reasoningEffort": "high"},
        "deepseek": {"user": "u1"},
    }))
    .expect("options");
    let merged = body(
        &deepseek,
        Layers {
            call: Some(&call),
            ..Default::default()
        },
    );
    assert_eq!(merged["reasoning_effort"], "high");
    assert_eq!(merged["user"], "u1");
}

#[test]
fn small_calls_take_small_options() {
    let gpt = Call::custom("openai", "@ai-sdk/openai", "gpt-5-chat-latest", true);
    assert_eq!(
        body(
            &gpt,
            Layers {
                small: true,
                ..Default::default()
            }
        ),
        json!({"store": false})
    );
    let openrouter = Call::custom(
        "openrouter",
        "@openrouter/ai-sdk-provider",
        "google/gemini-2.0-flash",
        true,
    );
    assert_eq!(
        body(
            &openrouter,
            Layers {
                small: true,
                ..Default::default()
            }
        ),
        json!({"reasoning": {"enabled": false}, "stream_options": {"include_usage": true}})
    );
}
