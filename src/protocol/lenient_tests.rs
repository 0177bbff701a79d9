//! Unknown events and fields never fail a turn: they pass through as `raw` parts.

use serde_json::json;

use super::WireFormat;
use super::execute::parse_body;
use super::types::{FinishReason, StreamPart};

fn sse(events: &[(&str, serde_json::Value)]) -> Vec<u8> {
    events
        .iter()
        .map(|(name, data)| {
            if name.is_empty() {
                format!("data: {data}\n\n")
            } else {
                format!("event: {name}\ndata: {data}\n\n")
            }
        })
        .collect::<String>()
        .into_bytes()
}

fn raws(parts: &[StreamPart]) -> usize {
    parts
        .iter()
        .filter(|p| matches!(p, StreamPart::Raw { .. }))
        .count()
}

#[test]
fn anthropic_unknown_events_and_blocks_are_raw() {
    let body = sse(&[
        (
            "message_start",
            json!({"type": "message_start", "message": {"id": "m", "model": "x", "usage": {"input_tokens": 3, "output_tokens": 1}}}),
        ),
        (
            "brand_new_event",
            json!({"type": "brand_new_event", "payload": 1}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "hologram"}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "hologram_delta", "x": 1}}),
        ),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "new_field": true}, "usage": {"output_tokens": 2}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ]);
    let (parts, result) = parse_body(WireFormat::Anthropic, &body);
    assert_eq!(raws(&parts), 3);
    assert_eq!(result.finish_reason, FinishReason::Stop);
    assert!(!parts.iter().any(|p| matches!(p, StreamPart::Error { .. })));
}

#[test]
fn openai_chat_non_json_and_unknown_chunks_are_raw() {
    let mut body = b"data: this is not json\n\n".to_vec();
    body.extend(sse(&[
        ("", json!({"object": "something.else"})),
        ("", json!({"id": "c", "model": "m", "choices": [{"index": 0, "delta": {"content": "hi", "audio": {"x": 1}}, "finish_reason": "stop"}]})),
    ]));
    body.extend(b"data: [DONE]\n\n");
    let (parts, result) = parse_body(WireFormat::OpenaiChat, &body);
    assert_eq!(raws(&parts), 2);
    assert_eq!(result.finish_reason, FinishReason::Stop);
}

#[test]
fn responses_gemini_bedrock_cohere_pass_unknown_events_through() {
    let body = sse(&[
        (
            "response.created",
            json!({"type": "response.created", "response": {"id": "r", "model": "m"}}),
        ),
        ("response.shiny_new", json!({"type": "response.shiny_new"})),
        (
            "response.output_item.added",
            json!({"type": "response.output_item.added", "output_index": 0, "item": {"type": "image_generation_call", "id": "ig"}}),
        ),
        (
            "response.completed",
            json!({"type": "response.completed", "response": {"status": "completed", "usage": {"input_tokens": 1, "output_tokens": 1}}}),
        ),
    ]);
    let (parts, result) = parse_body(WireFormat::OpenaiResponses, &body);
    assert_eq!(raws(&parts), 2);
    assert_eq!(result.finish_reason, FinishReason::Stop);

    let body = sse(&[(
        "",
        json!({"candidates": [{"content": {"parts": [{"executableCode": {"code": "1"}}]}, "finishReason": "STOP"}]}),
    )]);
    let (parts, result) = parse_body(WireFormat::Gemini, &body);
    assert_eq!(raws(&parts), 1);
    assert_eq!(result.finish_reason, FinishReason::Stop);

    let body = sse(&[
        (
            "citation-start",
            json!({"type": "citation-start", "index": 0}),
        ),
        (
            "message-end",
            json!({"type": "message-end", "delta": {"finish_reason": "COMPLETE"}}),
        ),
    ]);
    let (parts, _) = parse_body(WireFormat::Cohere, &body);
    assert_eq!(raws(&parts), 1);

    use super::eventstream::{EventMessage, HeaderValue, encode};
    let mut body = encode(&EventMessage::json_event("futureEvent", b"{\"a\":1}"));
    body.extend(encode(&EventMessage::json_event(
        "messageStop",
        b"{\"stopReason\":\"end_turn\"}",
    )));
    let (parts, result) = parse_body(WireFormat::Bedrock, &body);
    assert_eq!(raws(&parts), 1);
    assert_eq!(result.finish_reason, FinishReason::Stop);

    let exception = EventMessage {
        headers: vec![
            (
                ":message-type".into(),
                HeaderValue::String("exception".into()),
            ),
            (
                ":exception-type".into(),
                HeaderValue::String("throttlingException".into()),
            ),
        ],
        payload: b"{\"message\":\"Too many tokens, please wait\"}".to_vec(),
    };
    let (parts, result) = parse_body(WireFormat::Bedrock, &encode(&exception));
    assert_eq!(result.finish_reason, FinishReason::Error);
    assert!(
        matches!(&parts[0], StreamPart::Error { error } if error.kind == "rate_limited" && error.retryable)
    );
}

#[test]
fn wire_types_have_json_schemas() {
    let schema =
        serde_json::to_value(schemars::schema_for!(StreamPart)).expect("schema serializes");
    let text = schema.to_string();
    for tag in [
        "text-start",
        "reasoning-end",
        "tool-input-delta",
        "tool-call",
        "finish",
        "raw",
    ] {
        assert!(text.contains(&format!("\"{tag}\"")), "{tag} in schema");
    }
    let schema = serde_json::to_value(schemars::schema_for!(super::types::ChatResult))
        .expect("schema serializes");
    assert!(schema.to_string().contains("cachedInputTokens"));
    let schema = serde_json::to_value(schemars::schema_for!(super::types::ChatRequest))
        .expect("schema serializes");
    assert!(schema.to_string().contains("maxOutputTokens"));
}
