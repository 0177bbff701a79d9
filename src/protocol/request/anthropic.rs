//! Anthropic Messages body (`POST /messages`): system blocks, alternating turns (tool results folded into the
//! user turn), thinking blocks sent back with their signature, redacted thinking, server tool use and
//! results, `cache_control` marks from `providerOptions.anthropic.cacheControl`.

use serde_json::{Map, Value, json};

use super::{
    Data, JsonAnswer, WireRequest, is_error_output, json_f64, option, output_text, part_options,
    provider_tool_entry, put,
};
use crate::protocol::WireFormat;
use crate::protocol::error::ProtocolError;
use crate::protocol::types::{
    ChatRequest, Message, Part, ProviderOptions, ToolChoice, ToolChoiceMode,
};

/// Anthropic requires `max_tokens`.
const DEFAULT_MAX_TOKENS: u32 = 4096;

fn source(data: &str, media_type: Option<&str>, fallback: &str) -> Value {
    match Data::parse(data, media_type) {
        Data::Url(url) => json!({"type": "url", "url": url}),
        Data::Base64 { media_type, data } => {
            json!({"type": "base64", "media_type": media_type.as_deref().unwrap_or(fallback), "data": data})
        }
    }
}

fn with_cache(mut block: Value, options: Option<&ProviderOptions>) -> Value {
    if let (Some(cache), Value::Object(map)) =
        (option(options, "anthropic", "cacheControl"), &mut block)
    {
        map.insert("cache_control".into(), cache.clone());
    }
    block
}

fn block(part: &Part) -> Option<Value> {
    let value = match part {
        Part::Text { text, .. } => {
            if text.is_empty() {
                return None;
            }
            json!({"type": "text", "text": text})
        }
        Part::Image {
            image, media_type, ..
        } => {
            json!({"type": "image", "source": source(image, media_type.as_deref(), "image/png")})
        }
        Part::File {
            data,
            media_type,
            filename,
            ..
        } => {
            if media_type.starts_with("image/") {
                json!({"type": "image", "source": source(data, Some(media_type), media_type)})
            } else if media_type == "text/plain" {
                let text = match Data::parse(data, Some(media_type)) {
                    Data::Url(url) => {
                        return Some(
                            json!({"type": "document", "source": {"type": "url", "url": url}}),
                        );
                    }
                    Data::Base64 { data, .. } => {
                        use base64::Engine;
                        base64::engine::general_purpose::STANDARD
                            .decode(data.as_bytes())
                            .ok()
                            .and_then(|bytes| String::from_utf8(bytes).ok())
                            .unwrap_or(data)
                    }
                };
                json!({"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": text}})
            } else {
                let mut doc = json!({"type": "document", "source": source(data, Some(media_type), media_type)});
                if let (Some(name), Value::Object(map)) = (filename, &mut doc) {
                    map.insert("title".into(), json!(name));
                }
                doc
            }
        }
        Part::Reasoning {
            text,
            provider_options,
        } => {
            let options = provider_options.as_ref();
            if let Some(signature) = option(options, "anthropic", "signature") {
                json!({"type": "thinking", "thinking": text, "signature": signature})
            } else if let Some(data) = option(options, "anthropic", "redactedData") {
                json!({"type": "redacted_thinking", "data": data})
            } else {
                // Thinking without its signature is rejected by the API: it cannot be sent back.
                return None;
            }
        }
        Part::ToolCall {
            tool_call_id,
            tool_name,
            input,
            provider_executed,
            ..
        } => {
            let kind = if *provider_executed == Some(true) {
                "server_tool_use"
            } else {
                "tool_use"
            };
            let input = if input.is_object() {
                input.clone()
            } else {
                json!({})
            };
            json!({"type": kind, "id": tool_call_id, "name": tool_name, "input": input})
        }
        Part::ToolResult {
            tool_call_id,
            tool_name,
            output,
            provider_executed,
            ..
        } => {
            if *provider_executed == Some(true) {
                json!({"type": format!("{tool_name}_tool_result"), "tool_use_id": tool_call_id, "content": output})
            } else {
                let mut result = json!({"type": "tool_result", "tool_use_id": tool_call_id, "content": output_text(output)});
                if is_error_output(output)
                    && let Value::Object(map) = &mut result
                {
                    map.insert("is_error".into(), json!(true));
                }
                result
            }
        }
        Part::Source { .. } => return None,
    };
    Some(with_cache(value, part_options(part)))
}

pub(super) fn build(model_id: &str, request: &ChatRequest) -> Result<WireRequest, ProtocolError> {
    let mut system = Vec::new();
    let mut messages: Vec<(String, Vec<Value>)> = Vec::new();
    for message in &request.messages {
        let (role, parts, options) = match message {
            Message::System {
                content,
                provider_options,
            } => {
                system.push(with_cache(
                    json!({"type": "text", "text": content}),
                    provider_options.as_ref(),
                ));
                continue;
            }
            Message::User {
                content,
                provider_options,
            } => ("user", content.parts(), provider_options.as_ref()),
            Message::Assistant {
                content,
                provider_options,
            } => ("assistant", content.parts(), provider_options.as_ref()),
            Message::Tool {
                content,
                provider_options,
            } => ("user", content.clone(), provider_options.as_ref()),
        };
        let mut blocks: Vec<Value> = parts.iter().filter_map(block).collect();
        if let Some(last) = blocks.pop() {
            blocks.push(with_cache(last, options));
        }
        if blocks.is_empty() {
            continue;
        }
        match messages.last_mut() {
            Some((last_role, existing)) if last_role == role => existing.extend(blocks),
            _ => messages.push((role.to_string(), blocks)),
        }
    }
    let mut body = Map::new();
    body.insert("model".into(), json!(model_id));
    body.insert(
        "max_tokens".into(),
        json!(request.max_output_tokens.unwrap_or(DEFAULT_MAX_TOKENS)),
    );
    if !system.is_empty() {
        body.insert("system".into(), Value::Array(system));
    }
    body.insert(
        "messages".into(),
        Value::Array(
            messages
                .into_iter()
                .map(|(role, content)| json!({"role": role, "content": content}))
                .collect(),
        ),
    );
    body.insert("stream".into(), json!(true));
    if !request.tools.is_empty() {
        let mut tools = Vec::new();
        for tool in &request.tools {
            if !tool.kind.is_function() {
                tools.push(provider_tool_entry(WireFormat::Anthropic, tool)?);
                continue;
            }
            let mut entry = Map::new();
            entry.insert("name".into(), json!(tool.name));
            put(
                &mut entry,
                "description",
                tool.description.as_ref().map(|d| json!(d)),
            );
            entry.insert("input_schema".into(), tool.input_schema.clone());
            tools.push(Value::Object(entry));
        }
        body.insert("tools".into(), Value::Array(tools));
    }
    put(
        &mut body,
        "tool_choice",
        request.tool_choice.as_ref().map(|choice| match choice {
            ToolChoice::Mode(ToolChoiceMode::Auto) => json!({"type": "auto"}),
            ToolChoice::Mode(ToolChoiceMode::None) => json!({"type": "none"}),
            ToolChoice::Mode(ToolChoiceMode::Required) => json!({"type": "any"}),
            ToolChoice::Tool { tool_name } => json!({"type": "tool", "name": tool_name}),
        }),
    );
    put(&mut body, "temperature", json_f64(request.temperature));
    put(&mut body, "top_p", json_f64(request.top_p));
    put(&mut body, "top_k", request.top_k.map(|k| json!(k)));
    if !request.stop_sequences.is_empty() {
        body.insert("stop_sequences".into(), json!(request.stop_sequences));
    }
    put(
        &mut body,
        "output_config",
        JsonAnswer::of(request).and_then(JsonAnswer::anthropic_output_config),
    );
    Ok(WireRequest {
        path: "/messages".into(),
        body: Value::Object(body),
    })
}
