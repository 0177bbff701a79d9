//! Serde shapes of the normalized chat types.

use super::*;
use serde_json::json;

#[test]
fn messages_parse_in_ai_sdk_shape() {
    let messages: Vec<Message> = serde_json::from_value(json!([
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": [
            {"type": "text", "text": "hi"},
            {"type": "image", "image": "https://x/y.png", "mediaType": "image/png"}
        ]},
        {"role": "assistant", "content": [
            {"type": "reasoning", "text": "hm", "providerOptions": {"anthropic": {"signature": "sig"}}},
            {"type": "tool-call", "toolCallId": "c1", "toolName": "read", "input": {"p": 1}}
        ]},
        {"role": "tool", "content": [
            {"type": "tool-result", "toolCallId": "c1", "toolName": "read", "output": "ok"}
        ]}
    ]))
    .expect("valid messages");
    assert_eq!(messages.len(), 4);
    let Message::Assistant {
        content: Content::Parts(parts),
        ..
    } = &messages[2]
    else {
        panic!("assistant parts expected")
    };
    assert!(
        matches!(&parts[0], Part::Reasoning { provider_options: Some(o), .. }
        if o["anthropic"]["signature"] == "sig")
    );
    let back = serde_json::to_value(&messages[1]).expect("serializes");
    assert_eq!(back["content"][1]["mediaType"], "image/png");
}

#[test]
fn message_provider_options_are_camel_case_and_the_old_spelling_is_read() {
    let cached = json!({"anthropic": {"cacheControl": {"type": "ephemeral"}}});
    for key in ["providerOptions", "provider_options"] {
        let message: Message =
            serde_json::from_value(json!({"role": "system", "content": "s", key: cached.clone()}))
                .expect("valid message");
        let Message::System {
            provider_options, ..
        } = &message
        else {
            panic!("system message expected")
        };
        assert_eq!(
            provider_options.as_ref().map(|o| json!(o)),
            Some(cached.clone())
        );
        assert_eq!(
            serde_json::to_value(&message).expect("serializes")["providerOptions"],
            cached
        );
    }
}

#[test]
fn tool_choice_accepts_mode_or_tool() {
    let auto: ToolChoice = serde_json::from_value(json!("required")).expect("mode");
    assert_eq!(auto, ToolChoice::Mode(ToolChoiceMode::Required));
    let tool: ToolChoice = serde_json::from_value(json!({"toolName": "x"})).expect("tool");
    assert_eq!(
        tool,
        ToolChoice::Tool {
            tool_name: "x".into()
        }
    );
}

#[test]
fn stream_parts_use_kebab_type_tags() {
    let part = StreamPart::ToolInputDelta {
        id: "a".into(),
        delta: "{".into(),
    };
    assert_eq!(
        serde_json::to_value(&part).expect("serializes"),
        json!({"type": "tool-input-delta", "id": "a", "delta": "{"})
    );
    let finish = StreamPart::Finish {
        finish_reason: FinishReason::ToolCalls,
        usage: Usage::default(),
        provider_metadata: None,
    };
    let value = serde_json::to_value(&finish).expect("serializes");
    assert_eq!(value["finishReason"], "tool-calls");
    assert_eq!(value["usage"]["cachedInputTokens"], 0);
}

#[test]
fn merge_is_deep() {
    let mut a = provider_meta("anthropic", "signature", "s");
    crate::json_merge::merge_deep_map(&mut a, &provider_meta("anthropic", "redactedData", "r"));
    assert_eq!(a["anthropic"]["signature"], "s");
    assert_eq!(a["anthropic"]["redactedData"], "r");
}

#[test]
fn tools_are_function_or_provider_defined() {
    let tools: Vec<Tool> = serde_json::from_value(json!([
        {"name": "read", "inputSchema": {"type": "object"}},
        {"type": "function", "name": "write", "inputSchema": {"type": "object"}},
        {"type": "provider-defined", "id": "anthropic.web_search_20250305", "name": "web_search", "args": {"maxUses": 2}},
        {"type": "provider", "id": "openai.web_search", "name": "search"}
    ]))
    .expect("valid tools");
    assert!(tools[0].kind.is_function() && tools[1].kind.is_function());
    assert_eq!(
        tools[2].provider_id(),
        Some("anthropic.web_search_20250305")
    );
    assert_eq!(tools[3].provider_id(), Some("openai.web_search"));
    assert_eq!(tools[0].provider_id(), None);
    assert_eq!(
        serde_json::to_value(&tools[2]).expect("serializes"),
        json!({"type": "provider-defined", "name": "web_search", "id": "anthropic.web_search_20250305", "args": {"maxUses": 2}})
    );
    assert!(serde_json::from_value::<Tool>(json!({"type": "mcp", "name": "x"})).is_err());
}

#[test]
fn response_formats_are_text_or_json() {
    let json_answer: ResponseFormat =
        serde_json::from_value(json!({"type": "json", "schema": {"type": "object"}, "name": "r"}))
            .expect("valid format");
    assert_eq!(json_answer.json_schema(), Some(&json!({"type": "object"})));
    let text: ResponseFormat = serde_json::from_value(json!({"type": "text"})).expect("text");
    assert_eq!(text, ResponseFormat::Text);
    assert!(serde_json::from_value::<ResponseFormat>(json!({"type": "xml"})).is_err());
}
