//! Bedrock ConverseStream body (`POST /model/{modelId}/converse-stream`; SigV4 signing is the provider
//! layer's): messages of content blocks, reasoning sent back with its signature, tool use and results,
//! a `cachePoint` block after a message or part whose `providerOptions.bedrock.cachePoint` is set.

use serde_json::{Map, Value, json};

use super::{
    Data, JsonAnswer, WireRequest, is_error_output, json_f64, option, output_json, part_options,
    put,
};
use crate::protocol::error::ProtocolError;
use crate::protocol::types::{
    ChatRequest, Message, Part, ProviderOptions, ToolChoice, ToolChoiceMode,
};

/// The `cachePoint` block a message or part asks for.
fn cache_point(options: Option<&ProviderOptions>) -> Option<Value> {
    option(options, "bedrock", "cachePoint")
        .filter(|point| point.is_object())
        .map(|point| json!({"cachePoint": point}))
}

/// Appends the cache point `options` ask for, unless one already ends `blocks` (a part's and its
/// message's mark on the same spot are one cache point).
fn push_cache_point(blocks: &mut Vec<Value>, options: Option<&ProviderOptions>) {
    let ends_with_point = blocks.last().is_some_and(|b| b.get("cachePoint").is_some());
    if let Some(point) = cache_point(options)
        && !ends_with_point
    {
        blocks.push(point);
    }
}

fn format_of(media_type: &str) -> String {
    let sub = media_type.rsplit('/').next().unwrap_or(media_type);
    match sub {
        "jpg" => "jpeg".into(),
        "plain" => "txt".into(),
        "vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx".into(),
        other => other.into(),
    }
}

fn block(part: &Part) -> Option<Value> {
    Some(match part {
        Part::Text { text, .. } => {
            if text.is_empty() {
                return None;
            }
            json!({"text": text})
        }
        Part::Image {
            image, media_type, ..
        } => match Data::parse(image, media_type.as_deref()) {
            Data::Base64 { media_type, data } => {
                json!({"image": {"format": format_of(media_type.as_deref().unwrap_or("image/png")), "source": {"bytes": data}}})
            }
            Data::Url(url) => {
                json!({"image": {"format": format_of(media_type.as_deref().unwrap_or("image/png")), "source": {"s3Location": {"uri": url}}}})
            }
        },
        Part::File {
            data,
            media_type,
            filename,
            ..
        } => {
            let Data::Base64 { data, .. } = Data::parse(data, Some(media_type)) else {
                return None;
            };
            if media_type.starts_with("image/") {
                json!({"image": {"format": format_of(media_type), "source": {"bytes": data}}})
            } else {
                json!({"document": {
                    "format": format_of(media_type),
                    "name": filename.clone().unwrap_or_else(|| "document".into()),
                    "source": {"bytes": data},
                }})
            }
        }
        Part::Reasoning {
            text,
            provider_options,
        } => {
            let options = provider_options.as_ref();
            if let Some(signature) = option(options, "bedrock", "signature") {
                json!({"reasoningContent": {"reasoningText": {"text": text, "signature": signature}}})
            } else if let Some(data) = option(options, "bedrock", "redactedData") {
                json!({"reasoningContent": {"redactedContent": data}})
            } else {
                return None;
            }
        }
        Part::ToolCall {
            tool_call_id,
            tool_name,
            input,
            ..
        } => {
            let input = if input.is_object() {
                input.clone()
            } else {
                json!({})
            };
            json!({"toolUse": {"toolUseId": tool_call_id, "name": tool_name, "input": input}})
        }
        Part::ToolResult {
            tool_call_id,
            output,
            ..
        } => {
            let content = match output_json(output) {
                Value::String(text) => json!([{"text": text}]),
                value @ Value::Object(_) => json!([{"json": value}]),
                other => json!([{"text": other.to_string()}]),
            };
            let mut result = json!({"toolUseId": tool_call_id, "content": content});
            if is_error_output(output)
                && let Value::Object(map) = &mut result
            {
                map.insert("status".into(), json!("error"));
            }
            json!({"toolResult": result})
        }
        Part::Source { .. } => return None,
    })
}

pub(super) fn build(model_id: &str, request: &ChatRequest) -> Result<WireRequest, ProtocolError> {
    super::function_tools_only(crate::protocol::WireFormat::Bedrock, request)?;
    let mut system = Vec::new();
    let mut messages: Vec<(String, Vec<Value>)> = Vec::new();
    for message in &request.messages {
        let (role, parts, options) = match message {
            Message::System {
                content,
                provider_options,
            } => {
                system.push(json!({"text": content}));
                push_cache_point(&mut system, provider_options.as_ref());
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
        let mut blocks: Vec<Value> = Vec::new();
        for part in &parts {
            if let Some(value) = block(part) {
                blocks.push(value);
                push_cache_point(&mut blocks, part_options(part));
            }
        }
        if !blocks.is_empty() {
            push_cache_point(&mut blocks, options);
        }
        if blocks.is_empty() {
            continue;
        }
        match messages.last_mut() {
            Some((last, existing)) if last == role => existing.extend(blocks),
            _ => messages.push((role.to_string(), blocks)),
        }
    }
    let mut body = Map::new();
    body.insert(
        "messages".into(),
        Value::Array(
            messages
                .into_iter()
                .map(|(role, content)| json!({"role": role, "content": content}))
                .collect(),
        ),
    );
    if !system.is_empty() {
        body.insert("system".into(), Value::Array(system));
    }
    let mut inference = Map::new();
    put(
        &mut inference,
        "maxTokens",
        request.max_output_tokens.map(|n| json!(n)),
    );
    put(&mut inference, "temperature", json_f64(request.temperature));
    put(&mut inference, "topP", json_f64(request.top_p));
    if !request.stop_sequences.is_empty() {
        inference.insert("stopSequences".into(), json!(request.stop_sequences));
    }
    if !inference.is_empty() {
        body.insert("inferenceConfig".into(), Value::Object(inference));
    }
    // Fields of the model's own API (Claude's Messages fields) that Converse has none for.
    let mut model_fields = Map::new();
    put(&mut model_fields, "top_k", request.top_k.map(|k| json!(k)));
    put(
        &mut model_fields,
        "output_config",
        JsonAnswer::of(request).and_then(JsonAnswer::anthropic_output_config),
    );
    if !model_fields.is_empty() {
        body.insert(
            "additionalModelRequestFields".into(),
            Value::Object(model_fields),
        );
    }
    let tools_disabled = matches!(
        request.tool_choice,
        Some(ToolChoice::Mode(ToolChoiceMode::None))
    );
    if !request.tools.is_empty() && !tools_disabled {
        let tools: Vec<Value> = request
            .tools
            .iter()
            .map(|tool| {
                let mut spec = Map::new();
                spec.insert("name".into(), json!(tool.name));
                put(
                    &mut spec,
                    "description",
                    tool.description.as_ref().map(|d| json!(d)),
                );
                spec.insert("inputSchema".into(), json!({"json": tool.input_schema}));
                json!({"toolSpec": spec})
            })
            .collect();
        let mut config = Map::new();
        config.insert("tools".into(), Value::Array(tools));
        put(
            &mut config,
            "toolChoice",
            request
                .tool_choice
                .as_ref()
                .and_then(|choice| match choice {
                    ToolChoice::Mode(ToolChoiceMode::Auto) => Some(json!({"auto": {}})),
                    ToolChoice::Mode(ToolChoiceMode::Required) => Some(json!({"any": {}})),
                    ToolChoice::Mode(ToolChoiceMode::None) => None,
                    ToolChoice::Tool { tool_name } => Some(json!({"tool": {"name": tool_name}})),
                }),
        );
        body.insert("toolConfig".into(), Value::Object(config));
    }
    let encoded: String = model_id
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    Ok(WireRequest {
        path: format!("/model/{encoded}/converse-stream"),
        body: Value::Object(body),
    })
}
