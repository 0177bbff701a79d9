//! OpenCode's `ProviderTransform.message` test cases that apply here, plus the rules its tests
//! leave out (Claude and Mistral tool ids, unsupported modalities, the Messages-API turn order).

use serde_json::{Value, json};

use super::*;
use crate::transform::test_support::Call;

fn messages(value: Value) -> Vec<Message> {
    serde_json::from_value(value).expect("messages")
}

fn applied(call: &Call, input: Value) -> Value {
    serde_json::to_value(apply(&call.cx(), messages(input))).expect("serializes")
}

fn anthropic() -> Call {
    let mut call = Call::custom(
        "anthropic",
        "@ai-sdk/anthropic",
        "claude-3-5-sonnet-20241022",
        false,
    );
    let mut info = (*call.model.info).clone();
    info.modalities = Some(crate::catalog::types::Modalities {
        input: vec![Modality::Text, Modality::Image, Modality::Pdf],
        output: vec![Modality::Text],
    });
    call.model.info = std::sync::Arc::new(info);
    // Cache marks have tests of their own; these compare whole messages.
    call.settings.set_cache_control = Some(false);
    call
}

fn no_cache_marks(mut call: Call) -> Call {
    call.settings.set_cache_control = Some(false);
    call
}

#[test]
fn deepseek_reasoning_goes_to_reasoning_content() {
    let mut deepseek = Call::custom(
        "deepseek",
        "@ai-sdk/openai-compatible",
        "deepseek-chat",
        true,
    );
    let mut info = (*deepseek.model.info).clone();
    info.interleaved = Some(Interleaved::Field {
        field: "reasoning_content".into(),
    });
    deepseek.model.info = std::sync::Arc::new(info);
    let out = applied(
        &deepseek,
        json!([{"role": "assistant", "content": [
            {"type": "reasoning", "text": "Let me think about this..."},
            {"type": "tool-call", "toolCallId": "test", "toolName": "bash", "input": {"command": "echo hello"}}
        ]}]),
    );
    assert_eq!(
        out,
        json!([{"role": "assistant", "content": [
            {"type": "tool-call", "toolCallId": "test", "toolName": "bash", "input": {"command": "echo hello"}}
        ], "providerOptions": {"openaiCompatible": {"reasoning_content": "Let me think about this..."}}}])
    );
    // A turn without reasoning still sends the field, empty (DeepSeek wants it back).
    let out = applied(
        &deepseek,
        json!([{"role": "assistant", "content": "Answer"}]),
    );
    assert_eq!(
        out,
        json!([{"role": "assistant", "content": [{"type": "text", "text": "Answer"}],
            "providerOptions": {"openaiCompatible": {"reasoning_content": ""}}}])
    );
}

#[test]
fn other_providers_keep_their_reasoning() {
    let gpt = Call::custom("openai", "@ai-sdk/openai", "gpt-4", false);
    let input = json!([{"role": "assistant", "content": [
        {"type": "reasoning", "text": "Should not be processed"},
        {"type": "text", "text": "Answer"}
    ]}]);
    assert_eq!(applied(&gpt, input.clone()), input);
}

#[test]
fn empty_images_become_an_error_text() {
    let valid = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let out = applied(
        &anthropic(),
        json!([{"role": "user", "content": [
            {"type": "text", "text": "Compare these images"},
            {"type": "image", "image": format!("data:image/png;base64,{valid}")},
            {"type": "image", "image": "data:image/jpeg;base64,"}
        ]}]),
    );
    let parts = &out[0]["content"];
    assert_eq!(
        parts[0],
        json!({"type": "text", "text": "Compare these images"})
    );
    assert_eq!(
        parts[1],
        json!({"type": "image", "image": format!("data:image/png;base64,{valid}")})
    );
    assert_eq!(parts[2], json!({"type": "text", "text": EMPTY_IMAGE_TEXT}));
}

#[test]
fn attachments_the_model_cannot_read_become_text() {
    let out = applied(
        &anthropic(),
        json!([{"role": "user", "content": [
            {"type": "file", "data": "AAAA", "mediaType": "audio/wav", "filename": "memo.wav"},
            {"type": "file", "data": "AAAA", "mediaType": "video/mp4"},
            {"type": "file", "data": "AAAA", "mediaType": "application/pdf", "filename": "a.pdf"},
            {"type": "file", "data": "AAAA", "mediaType": "text/plain"}
        ]}]),
    );
    let parts = &out[0]["content"];
    assert_eq!(
        parts[0]["text"],
        "ERROR: Cannot read \"memo.wav\" (this model does not support audio input). Inform the user."
    );
    assert_eq!(
        parts[1]["text"],
        "ERROR: Cannot read video (this model does not support video input). Inform the user."
    );
    assert_eq!(parts[2]["type"], "file");
    assert_eq!(parts[3]["type"], "file");

    // A text-only model gets no images.
    let deepseek = Call::new("deepseek", "deepseek-chat");
    let out = applied(
        &deepseek,
        json!([{"role": "user", "content": [{"type": "image", "image": "https://x/y.png"}]}]),
    );
    assert_eq!(
        out[0]["content"][0]["text"],
        "ERROR: Cannot read image (this model does not support image input). Inform the user."
    );
}

#[test]
fn anthropic_drops_empty_content() {
    let claude = anthropic();
    assert_eq!(
        applied(
            &claude,
            json!([
                {"role": "user", "content": "Hello"},
                {"role": "assistant", "content": ""},
                {"role": "user", "content": "World"}
            ])
        ),
        json!([
            {"role": "user", "content": "Hello"},
            {"role": "user", "content": "World"}
        ])
    );
    assert_eq!(
        applied(
            &claude,
            json!([{"role": "assistant", "content": [
                {"type": "text", "text": ""}, {"type": "text", "text": "Hello"}, {"type": "text", "text": ""}
            ]}])
        ),
        json!([{"role": "assistant", "content": [{"type": "text", "text": "Hello"}]}])
    );
    assert_eq!(
        applied(
            &claude,
            json!([{"role": "assistant", "content": [
                {"type": "reasoning", "text": ""}, {"type": "text", "text": "Answer"}, {"type": "reasoning", "text": ""}
            ]}])
        ),
        json!([{"role": "assistant", "content": [{"type": "text", "text": "Answer"}]}])
    );
    assert_eq!(
        applied(
            &claude,
            json!([
                {"role": "user", "content": "Hello"},
                {"role": "assistant", "content": [{"type": "text", "text": ""}, {"type": "reasoning", "text": ""}]},
                {"role": "user", "content": "World"}
            ])
        ),
        json!([
            {"role": "user", "content": "Hello"},
            {"role": "user", "content": "World"}
        ])
    );
    assert_eq!(
        applied(
            &claude,
            json!([{"role": "assistant", "content": [
                {"type": "text", "text": ""},
                {"type": "tool-call", "toolCallId": "123", "toolName": "bash", "input": {"command": "ls"}}
            ]}])
        ),
        json!([{"role": "assistant", "content": [
            {"type": "tool-call", "toolCallId": "123", "toolName": "bash", "input": {"command": "ls"}}
        ]}])
    );
    let kept = json!([{"role": "assistant", "content": [
        {"type": "reasoning", "text": "Thinking..."}, {"type": "text", "text": "Result"}
    ]}]);
    assert_eq!(
        applied(
            &claude,
            json!([{"role": "assistant", "content": [
                {"type": "reasoning", "text": "Thinking..."}, {"type": "text", "text": ""}, {"type": "text", "text": "Result"}
            ]}])
        ),
        kept
    );
    // Blank reasoning with a signature is a real thinking block: it stays.
    let signed = json!([{"role": "assistant", "content": [
        {"type": "reasoning", "text": " ", "providerOptions": {"anthropic": {"signature": "sig"}}},
        {"type": "text", "text": "Done"}
    ]}]);
    assert_eq!(applied(&claude, signed.clone()), signed);
}

#[test]
fn bedrock_drops_empty_content_and_others_do_not() {
    let bedrock = no_cache_marks(Call::custom(
        "amazon-bedrock",
        "@ai-sdk/amazon-bedrock",
        "anthropic.claude-opus-4-6",
        false,
    ));
    assert_eq!(
        applied(
            &bedrock,
            json!([
                {"role": "user", "content": "Hello"},
                {"role": "assistant", "content": ""},
                {"role": "assistant", "content": [{"type": "text", "text": ""}, {"type": "text", "text": "Answer"}]}
            ])
        ),
        json!([
            {"role": "user", "content": "Hello"},
            {"role": "assistant", "content": [{"type": "text", "text": "Answer"}]}
        ])
    );
    let gpt = Call::custom("openai", "@ai-sdk/openai", "gpt-4", false);
    let input = json!([
        {"role": "assistant", "content": ""},
        {"role": "assistant", "content": [{"type": "text", "text": ""}]}
    ]);
    assert_eq!(applied(&gpt, input.clone()), input);
}

#[test]
fn messages_api_turns_end_with_their_tool_calls() {
    let claude = anthropic();
    let valid = json!([{"role": "assistant", "content": [
        {"type": "text", "text": "I checked your home directory and looked for PDF files."},
        {"type": "tool-call", "toolCallId": "toolu_1", "toolName": "read", "input": {"filePath": "/root"}},
        {"type": "tool-call", "toolCallId": "toolu_2", "toolName": "glob", "input": {"pattern": "**/*.pdf"}}
    ]}]);
    assert_eq!(applied(&claude, valid.clone()), valid);
    let out = applied(
        &claude,
        json!([{"role": "assistant", "content": [
            {"type": "tool-call", "toolCallId": "toolu_1", "toolName": "read", "input": {}},
            {"type": "text", "text": "after"}
        ]}]),
    );
    assert_eq!(
        out,
        json!([
            {"role": "assistant", "content": [{"type": "text", "text": "after"}]},
            {"role": "assistant", "content": [{"type": "tool-call", "toolCallId": "toolu_1", "toolName": "read", "input": {}}]}
        ])
    );
}

#[test]
fn claude_and_mistral_tool_ids() {
    assert_eq!(claude_tool_id("call:x/1.2"), "call_x_1_2");
    assert_eq!(mistral_tool_id("call:x/1"), "callx1000");
    assert_eq!(
        mistral_tool_id("call_5019f900a247472bacde0b82"),
        "call5019f"
    );
    let history = json!([
        {"role": "assistant", "content": [
            {"type": "tool-call", "toolCallId": "call:x/1", "toolName": "read", "input": {}}
        ]},
        {"role": "tool", "content": [
            {"type": "tool-result", "toolCallId": "call:x/1", "toolName": "read", "output": "ok"}
        ]},
        {"role": "user", "content": "next"}
    ]);
    let claude = Call::custom(
        "openrouter",
        "@openrouter/ai-sdk-provider",
        "anthropic/claude-sonnet-4.5",
        false,
    );
    let out = applied(&claude, history.clone());
    assert_eq!(out[0]["content"][0]["toolCallId"], "call_x_1");
    assert_eq!(out[1]["content"][0]["toolCallId"], "call_x_1");
    assert_eq!(out.as_array().map(Vec::len), Some(3));

    for mistral in [
        Call::custom("mistral", "@ai-sdk/mistral", "mistral-large-latest", false),
        Call::custom(
            "openrouter",
            "@openrouter/ai-sdk-provider",
            "mistralai/devstral-medium",
            false,
        ),
    ] {
        let out = applied(&mistral, history.clone());
        assert_eq!(out[0]["content"][0]["toolCallId"], "callx1000");
        assert_eq!(out[1]["content"][0]["toolCallId"], "callx1000");
        assert_eq!(
            out[2],
            json!({"role": "assistant", "content": [{"type": "text", "text": "Done."}]})
        );
        assert_eq!(out[3], json!({"role": "user", "content": "next"}));
    }
}

#[test]
fn deepseek_turns_all_carry_reasoning() {
    let deepseek = Call::custom(
        "deepinfra",
        "@ai-sdk/deepinfra",
        "deepseek-ai/DeepSeek-V3.2",
        true,
    );
    let out = applied(
        &deepseek,
        json!([
            {"role": "assistant", "content": "plain"},
            {"role": "assistant", "content": ""},
            {"role": "assistant", "content": [{"type": "reasoning", "text": "r"}, {"type": "text", "text": "t"}]}
        ]),
    );
    assert_eq!(
        out,
        json!([
            {"role": "assistant", "content": [{"type": "text", "text": "plain"}, {"type": "reasoning", "text": ""}]},
            {"role": "assistant", "content": [{"type": "reasoning", "text": ""}]},
            {"role": "assistant", "content": [{"type": "reasoning", "text": "r"}, {"type": "text", "text": "t"}]}
        ])
    );
}

/// OpenCode's key remap cases: options under the provider id move to the SDK key.
#[test]
fn provider_id_options_move_to_the_sdk_key() {
    let azure = Call::custom("azure", "@ai-sdk/azure", "gpt-4", false);
    let input = json!([{"role": "user", "content": "Hello", "providerOptions": {"azure": {"someOption": "value"}}}]);
    assert_eq!(applied(&azure, input.clone()), input);

    let cognitive = Call::custom("azure-cognitive-services", "@ai-sdk/azure", "gpt-4", false);
    let out = applied(
        &cognitive,
        json!([{"role": "user", "content": [
            {"type": "text", "text": "Hello", "providerOptions": {"azure-cognitive-services": {"part": true}}}
        ], "providerOptions": {"azure-cognitive-services": {"someOption": "value"}}}]),
    );
    assert_eq!(
        out[0]["providerOptions"],
        json!({"azure": {"someOption": "value"}})
    );
    assert_eq!(
        out[0]["content"][0]["providerOptions"],
        json!({"azure": {"part": true}})
    );

    let copilot = Call::custom(
        "github-copilot",
        "@ai-sdk/openai-compatible",
        "gpt-4.1",
        false,
    );
    let out = applied(
        &copilot,
        json!([{"role": "user", "content": "Hello", "providerOptions": {"github-copilot": {"someOption": "value"}}}]),
    );
    assert_eq!(
        out[0]["providerOptions"],
        json!({"copilot": {"someOption": "value"}})
    );

    let bedrock = no_cache_marks(Call::custom(
        "my-bedrock",
        "@ai-sdk/amazon-bedrock",
        "anthropic.claude-sonnet-4",
        false,
    ));
    let out = applied(
        &bedrock,
        json!([{"role": "user", "content": "Hello", "providerOptions": {"my-bedrock": {"someOption": "value"}}}]),
    );
    assert_eq!(
        out[0]["providerOptions"],
        json!({"bedrock": {"someOption": "value"}})
    );
}

/// OpenCode's `applyCaching` cases, each in the one form the call's API reads.
mod caching {
    use super::*;

    fn marks(call: &Call, input: Value) -> Value {
        applied(call, input)
    }

    #[test]
    fn claude_on_a_custom_bedrock_inference_profile() {
        let mut call = Call::custom(
            "amazon-bedrock",
            "@ai-sdk/amazon-bedrock",
            "arn:aws:bedrock:xxx:yyy:application-inference-profile/zzz",
            false,
        );
        call.model.id = "custom-claude-sonnet-4.5".into();
        let out = marks(&call, json!([{"role": "user", "content": "Hello"}]));
        assert_eq!(
            out[0]["providerOptions"]["bedrock"],
            json!({"cachePoint": {"type": "default"}})
        );
    }

    #[test]
    fn bedrock_package_marks_go_on_the_message() {
        let call = Call::custom(
            "aws",
            "@ai-sdk/amazon-bedrock",
            "us.anthropic.claude-opus-4-6-v1",
            false,
        );
        let out = marks(
            &call,
            json!([
                {"role": "system", "content": "You are a helpful assistant"},
                {"role": "user", "content": [{"type": "text", "text": "Hello"}]}
            ]),
        );
        assert_eq!(
            out[0]["providerOptions"],
            json!({"bedrock": {"cachePoint": {"type": "default"}}})
        );
        assert_eq!(out[0]["content"], "You are a helpful assistant");
        assert!(out[1]["content"][0].get("providerOptions").is_none());
        assert_eq!(
            out[1]["providerOptions"],
            json!({"bedrock": {"cachePoint": {"type": "default"}}})
        );
    }

    #[test]
    fn the_gateway_places_its_own_marks() {
        let call = Call::custom(
            "vercel",
            "@ai-sdk/gateway",
            "anthropic/claude-sonnet-4",
            false,
        );
        let input = json!([
            {"role": "system", "content": "You are a helpful assistant"},
            {"role": "user", "content": "Hello"}
        ]);
        assert_eq!(marks(&call, input.clone()), input);
    }

    #[test]
    fn anthropic_and_vertex_anthropic_mark_system_and_last_two() {
        let ephemeral = json!({"anthropic": {"cacheControl": {"type": "ephemeral"}}});
        let input = json!([
            {"role": "system", "content": "one"},
            {"role": "system", "content": "two"},
            {"role": "system", "content": "three"},
            {"role": "user", "content": "u1"},
            {"role": "assistant", "content": [{"type": "text", "text": "a1"}]},
            {"role": "user", "content": [{"type": "text", "text": "u2"}, {"type": "text", "text": "u3"}]}
        ]);
        let anthropic = Call::custom("anthropic", "@ai-sdk/anthropic", "claude-sonnet-4", false);
        let out = marks(&anthropic, input.clone());
        assert_eq!(out[0]["providerOptions"], ephemeral);
        assert_eq!(out[1]["providerOptions"], ephemeral);
        assert!(out[2].get("providerOptions").is_none());
        assert!(out[3].get("providerOptions").is_none());
        // Anthropic's own provider: on the message.
        assert_eq!(out[4]["providerOptions"], ephemeral);
        assert_eq!(out[5]["providerOptions"], ephemeral);

        let vertex = Call::custom(
            "google-vertex-anthropic",
            "@ai-sdk/google-vertex/anthropic",
            "claude-sonnet-4@20250514",
            false,
        );
        let out = marks(&vertex, input);
        assert_eq!(out[0]["providerOptions"], ephemeral);
        // Others: on the last part of a message with parts.
        assert!(out[4].get("providerOptions").is_none());
        assert_eq!(out[4]["content"][0]["providerOptions"], ephemeral);
        assert_eq!(out[5]["content"][1]["providerOptions"], ephemeral);
        assert!(out[5]["content"][0].get("providerOptions").is_none());
    }

    #[test]
    fn chat_apis_get_their_own_form_and_other_models_none() {
        let input = json!([
            {"role": "system", "content": "s"},
            {"role": "user", "content": [{"type": "text", "text": "u"}]}
        ]);
        let openrouter = Call::custom(
            "openrouter",
            "@openrouter/ai-sdk-provider",
            "anthropic/claude-sonnet-4.5",
            false,
        );
        let out = marks(&openrouter, input.clone());
        assert_eq!(
            out[0]["providerOptions"],
            json!({"openrouter": {"cacheControl": {"type": "ephemeral"}}})
        );
        assert_eq!(
            out[1]["content"][0]["providerOptions"],
            json!({"openrouter": {"cacheControl": {"type": "ephemeral"}}})
        );
        let copilot = Call::custom(
            "github-copilot",
            "@ai-sdk/openai-compatible",
            "claude-sonnet-4.5",
            false,
        );
        let out = marks(&copilot, input.clone());
        assert_eq!(
            out[0]["providerOptions"],
            json!({"openaiCompatible": {"copilot_cache_control": {"type": "ephemeral"}}})
        );
        let compatible = Call::custom(
            "zenmux",
            "@ai-sdk/openai-compatible",
            "anthropic/claude-3.7-sonnet",
            false,
        );
        let out = marks(&compatible, input.clone());
        assert_eq!(
            out[0]["providerOptions"],
            json!({"openaiCompatible": {"cache_control": {"type": "ephemeral"}}})
        );
        let gpt = Call::custom("openai", "@ai-sdk/openai", "gpt-5", false);
        assert_eq!(marks(&gpt, input.clone()), input);
        let mut forced_off =
            Call::custom("anthropic", "@ai-sdk/anthropic", "claude-sonnet-4", false);
        forced_off.settings.set_cache_control = Some(false);
        assert_eq!(marks(&forced_off, input.clone()), input);
    }
}
