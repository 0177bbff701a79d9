//! OpenAI-compatible chat completions body (`POST /chat/completions`, streamed with usage).
//!
//! Provider extensions: `providerOptions.openaiCompatible` fields are written onto the message or
//! part they belong to (`reasoning_content`, `cache_control`, …; an assistant message takes its
//! parts' too, having no parts of its own on the wire), and OpenRouter's cache marks
//! (`providerOptions.openrouter.cacheControl`) as its own package writes them: on the system
//! message's text, on a user message's last text part (or the part it names), on assistant and
//! tool messages.

use serde_json::{Map, Value, json};

use super::{
    Data, JsonAnswer, WireRequest, json_f64, option, output_text, part_options, put,
    with_chat_extras,
};
use crate::protocol::types::ProviderOptions;

/// OpenRouter's cache mark of a message or part.
fn openrouter_cache(options: Option<&ProviderOptions>) -> Option<Value> {
    option(options, "openrouter", "cacheControl")
        .or_else(|| option(options, "openrouter", "cache_control"))
        .cloned()
}

/// `{type: text, text, cache_control}` content.
fn cached_text(text: &str, cache: Value) -> Value {
    json!([{"type": "text", "text": text, "cache_control": cache}])
}

/// A user message's content with OpenRouter's marks: the message's on the last text part.
fn user_content_cached(content: &Content, message_cache: Option<Value>) -> Value {
    let parts = content.parts();
    if let [
        Part::Text {
            text,
            provider_options,
        },
    ] = parts.as_slice()
        && let Some(cache) = message_cache
            .clone()
            .or_else(|| openrouter_cache(provider_options.as_ref()))
    {
        return cached_text(text, cache);
    }
    let mut value = user_content(content);
    let Value::Array(wire) = &mut value else {
        return value;
    };
    let last_text = parts.iter().rposition(|p| matches!(p, Part::Text { .. }));
    let mut at = 0;
    for (index, part) in parts.iter().enumerate() {
        if user_part(part).is_none() {
            continue;
        }
        let cache = openrouter_cache(part_options(part)).or_else(|| {
            (Some(index) == last_text)
                .then(|| message_cache.clone())
                .flatten()
        });
        if let (Some(cache), Some(Value::Object(map))) = (cache, wire.get_mut(at)) {
            map.insert("cache_control".into(), cache);
        }
        at += 1;
    }
    value
}
use crate::protocol::error::ProtocolError;
use crate::protocol::support::is_openai_reasoning_model;
use crate::protocol::types::{ChatRequest, Content, Message, Part, ToolChoice, ToolChoiceMode};

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
    super::function_tools_only(crate::protocol::WireFormat::OpenaiChat, request)?;
    let mut messages = Vec::new();
    for message in &request.messages {
        match message {
            Message::System {
                content,
                provider_options,
            } => {
                let options = provider_options.as_ref();
                let content = match openrouter_cache(options) {
                    Some(cache) => cached_text(content, cache),
                    None => json!(content),
                };
                messages.push(with_chat_extras(
                    json!({"role": "system", "content": content}),
                    options,
                ))
            }
            Message::User {
                content,
                provider_options,
            } => {
                let options = provider_options.as_ref();
                let message_cache = openrouter_cache(options);
                let part_cache = content
                    .parts()
                    .iter()
                    .any(|p| openrouter_cache(part_options(p)).is_some());
                let content = if message_cache.is_some() || part_cache {
                    user_content_cached(content, message_cache)
                } else {
                    user_content(content)
                };
                messages.push(with_chat_extras(
                    json!({"role": "user", "content": content}),
                    options,
                ))
            }
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
                // A chat assistant message has no parts: what its parts carry goes on it.
                let parts = content.parts();
                let cache = openrouter_cache(provider_options.as_ref()).or_else(|| {
                    parts
                        .iter()
                        .rev()
                        .find_map(|part| openrouter_cache(part_options(part)))
                });
                put(&mut entry, "cache_control", cache);
                let mut entry = Value::Object(entry);
                for part in &parts {
                    entry = with_chat_extras(entry, part_options(part));
                }
                messages.push(with_chat_extras(entry, provider_options.as_ref()));
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
                        let mut result = json!({"role": "tool", "tool_call_id": tool_call_id, "content": output_text(output)});
                        if let (Some(cache), Value::Object(map)) = (
                            openrouter_cache(provider_options.as_ref())
                                .or_else(|| openrouter_cache(part_options(part))),
                            &mut result,
                        ) {
                            map.insert("cache_control".into(), cache);
                        }
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
    put(
        &mut body,
        "frequency_penalty",
        json_f64(request.frequency_penalty),
    );
    put(
        &mut body,
        "presence_penalty",
        json_f64(request.presence_penalty),
    );
    put(&mut body, "seed", request.seed.map(|n| json!(n)));
    // OpenAI reasoning models reject `max_tokens` and want `max_completion_tokens`.
    let max_key = if is_openai_reasoning_model(model_id) {
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
    put(
        &mut body,
        "response_format",
        JsonAnswer::of(request).map(|answer| answer.openai(false)),
    );
    Ok(WireRequest {
        path: "/chat/completions".into(),
        body: Value::Object(body),
    })
}
