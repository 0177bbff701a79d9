//! OpenAI-compatible chat completions body (`POST /chat/completions`, streamed with usage).

use serde_json::{Map, Value, json};

use super::{Data, WireRequest, json_f64, output_text, part_options, put, with_chat_extras};
use crate::protocol::error::ProtocolError;
use crate::protocol::types::{ChatRequest, Content, Message, Part, ToolChoice, ToolChoiceMode};

/// OpenAI reasoning models reject `max_tokens` and want `max_completion_tokens`.
fn uses_completion_tokens(model_id: &str) -> bool {
    let id = model_id.rsplit('/').next().unwrap_or(model_id);
    ["o1", "o3", "o4", "gpt-5"]
        .iter()
        .any(|prefix| id.starts_with(prefix))
}

fn user_content(content: &Content) -> Value {
    if let Some(text) = super::content_is_plain(content) {
        return Value::String(text);
    }
    let parts: Vec<Value> = content
        .parts()
        .iter()
        .filter_map(|part| user_part(part).map(|value| with_chat_extras(value, part_options(part))))
        .collect();
    Value::Array(parts)
}

fn user_part(part: &Part) -> Option<Value> {
    match part {
        Part::Text { text, .. } => Some(json!({"type": "text", "text": text})),
        Part::Image {
            image, media_type, ..
        } => {
            let url = Data::parse(image, media_type.as_deref()).as_url("image/png");
            Some(json!({"type": "image_url", "image_url": {"url": url}}))
        }
        Part::File {
            data,
            media_type,
            filename,
            ..
        } => {
            let parsed = Data::parse(data, Some(media_type));
            if media_type.starts_with("image/") {
                return Some(
                    json!({"type": "image_url", "image_url": {"url": parsed.as_url(media_type)}}),
                );
            }
            match (media_type.as_str(), &parsed) {
                ("audio/wav" | "audio/mpeg" | "audio/mp3", Data::Base64 { data, .. }) => {
                    Some(json!({
                        "type": "input_audio",
                        "input_audio": {"data": data, "format": if media_type == "audio/wav" { "wav" } else { "mp3" }}
                    }))
                }
                _ => Some(json!({"type": "file", "file": {
                    "filename": filename.clone().unwrap_or_else(|| "file".into()),
                    "file_data": parsed.as_url(media_type),
                }})),
            }
        }
        _ => None,
    }
}

pub(super) fn build(model_id: &str, request: &ChatRequest) -> Result<WireRequest, ProtocolError> {
    let mut messages = Vec::new();
    for message in &request.messages {
        match message {
            Message::System {
                content,
                provider_options,
            } => messages.push(with_chat_extras(
                json!({"role": "system", "content": content}),
                provider_options.as_ref(),
            )),
            Message::User {
                content,
                provider_options,
            } => messages.push(with_chat_extras(
                json!({"role": "user", "content": user_content(content)}),
                provider_options.as_ref(),
            )),
            Message::Assistant {
                content,
                provider_options,
            } => {
                let mut text = String::new();
                let mut calls = Vec::new();
                for part in content.parts() {
                    match part {
                        Part::Text { text: piece, .. } => text.push_str(&piece),
                        Part::ToolCall {
                            tool_call_id,
                            tool_name,
                            input,
                            provider_executed,
                            ..
                        } if provider_executed != Some(true) => {
                            calls.push(json!({
                                "id": tool_call_id,
                                "type": "function",
                                "function": {"name": tool_name, "arguments": input.to_string()},
                            }));
                        }
                        _ => {}
                    }
                }
                let mut entry = Map::new();
                entry.insert("role".into(), json!("assistant"));
                entry.insert(
                    "content".into(),
                    if text.is_empty() && !calls.is_empty() {
                        Value::Null
                    } else {
                        json!(text)
                    },
                );
                if !calls.is_empty() {
                    entry.insert("tool_calls".into(), Value::Array(calls));
                }
                messages.push(with_chat_extras(
                    Value::Object(entry),
                    provider_options.as_ref(),
                ));
            }
            Message::Tool {
                content,
                provider_options,
            } => {
                for part in content {
                    if let Part::ToolResult {
                        tool_call_id,
                        output,
                        ..
                    } = part
                    {
                        let result = json!({"role": "tool", "tool_call_id": tool_call_id, "content": output_text(output)});
                        let result = with_chat_extras(result, provider_options.as_ref());
                        messages.push(with_chat_extras(result, part_options(part)));
                    }
                }
            }
        }
    }
    let mut body = Map::new();
    body.insert("model".into(), json!(model_id));
    body.insert("messages".into(), Value::Array(messages));
    body.insert("stream".into(), json!(true));
    body.insert("stream_options".into(), json!({"include_usage": true}));
    if !request.tools.is_empty() {
        let tools: Vec<Value> = request
            .tools
            .iter()
            .map(|tool| {
                let mut function = Map::new();
                function.insert("name".into(), json!(tool.name));
                put(
                    &mut function,
                    "description",
                    tool.description.as_ref().map(|d| json!(d)),
                );
                function.insert("parameters".into(), tool.input_schema.clone());
                json!({"type": "function", "function": function})
            })
            .collect();
        body.insert("tools".into(), Value::Array(tools));
    }
    put(
        &mut body,
        "tool_choice",
        request.tool_choice.as_ref().map(|choice| match choice {
            ToolChoice::Mode(ToolChoiceMode::Auto) => json!("auto"),
            ToolChoice::Mode(ToolChoiceMode::None) => json!("none"),
            ToolChoice::Mode(ToolChoiceMode::Required) => json!("required"),
            ToolChoice::Tool { tool_name } => {
                json!({"type": "function", "function": {"name": tool_name}})
            }
        }),
    );
    put(&mut body, "temperature", json_f64(request.temperature));
    put(&mut body, "top_p", json_f64(request.top_p));
    let max_key = if uses_completion_tokens(model_id) {
        "max_completion_tokens"
    } else {
        "max_tokens"
    };
    put(
        &mut body,
        max_key,
        request.max_output_tokens.map(|n| json!(n)),
    );
    if !request.stop_sequences.is_empty() {
        body.insert("stop".into(), json!(request.stop_sequences));
    }
    Ok(WireRequest {
        path: "/chat/completions".into(),
        body: Value::Object(body),
    })
}
