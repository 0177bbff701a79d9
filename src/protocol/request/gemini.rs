//! Gemini body (`POST /models/{model}:streamGenerateContent?alt=sse`): contents with user/model roles,
//! thought signatures sent back on the parts they came with, function calls and responses.

use serde_json::{Map, Value, json};

use super::{Data, WireRequest, json_f64, option, output_json, part_options, put};
use crate::protocol::error::ProtocolError;
use crate::protocol::types::{ChatRequest, Message, Part, ToolChoice, ToolChoiceMode};

fn data_part(data: &str, media_type: Option<&str>, fallback: &str) -> Value {
    match Data::parse(data, media_type) {
        Data::Url(url) => {
            json!({"fileData": {"mimeType": media_type.unwrap_or(fallback), "fileUri": url}})
        }
        Data::Base64 { media_type, data } => {
            json!({"inlineData": {"mimeType": media_type.as_deref().unwrap_or(fallback), "data": data}})
        }
    }
}

fn gemini_part(part: &Part) -> Option<Value> {
    let mut value = match part {
        Part::Text { text, .. } => json!({"text": text}),
        Part::Reasoning { text, .. } => json!({"text": text, "thought": true}),
        Part::Image {
            image, media_type, ..
        } => data_part(image, media_type.as_deref(), "image/png"),
        Part::File {
            data, media_type, ..
        } => data_part(data, Some(media_type), media_type),
        Part::ToolCall {
            tool_name, input, ..
        } => json!({"functionCall": {"name": tool_name, "args": input}}),
        Part::ToolResult {
            tool_name, output, ..
        } => json!({
            "functionResponse": {"name": tool_name, "response": {"name": tool_name, "content": output_json(output)}}
        }),
        Part::Source { .. } => return None,
    };
    if let (Some(signature), Value::Object(map)) = (
        option(part_options(part), "google", "thoughtSignature"),
        &mut value,
    ) {
        map.insert("thoughtSignature".into(), signature.clone());
    }
    Some(value)
}

pub(super) fn build(model_id: &str, request: &ChatRequest) -> Result<WireRequest, ProtocolError> {
    let mut system = Vec::new();
    let mut contents: Vec<(String, Vec<Value>)> = Vec::new();
    for message in &request.messages {
        let (role, parts) = match message {
            Message::System { content, .. } => {
                system.push(json!({"text": content}));
                continue;
            }
            Message::User { content, .. } => ("user", content.parts()),
            Message::Assistant { content, .. } => ("model", content.parts()),
            Message::Tool { content, .. } => ("user", content.clone()),
        };
        let converted: Vec<Value> = parts
            .iter()
            .filter(|part| !matches!(part, Part::Text { text, provider_options: None } if text.is_empty()))
            .filter_map(gemini_part)
            .collect();
        if converted.is_empty() {
            continue;
        }
        match contents.last_mut() {
            Some((last, existing)) if last == role => existing.extend(converted),
            _ => contents.push((role.to_string(), converted)),
        }
    }
    let mut body = Map::new();
    body.insert(
        "contents".into(),
        Value::Array(
            contents
                .into_iter()
                .map(|(role, parts)| json!({"role": role, "parts": parts}))
                .collect(),
        ),
    );
    if !system.is_empty() {
        body.insert("systemInstruction".into(), json!({"parts": system}));
    }
    if !request.tools.is_empty() {
        let declarations: Vec<Value> = request
            .tools
            .iter()
            .map(|tool| {
                let mut entry = Map::new();
                entry.insert("name".into(), json!(tool.name));
                put(
                    &mut entry,
                    "description",
                    tool.description.as_ref().map(|d| json!(d)),
                );
                entry.insert("parameters".into(), tool.input_schema.clone());
                Value::Object(entry)
            })
            .collect();
        body.insert(
            "tools".into(),
            json!([{"functionDeclarations": declarations}]),
        );
    }
    put(
        &mut body,
        "toolConfig",
        request.tool_choice.as_ref().map(|choice| match choice {
            ToolChoice::Mode(ToolChoiceMode::Auto) => json!({"functionCallingConfig": {"mode": "AUTO"}}),
            ToolChoice::Mode(ToolChoiceMode::None) => json!({"functionCallingConfig": {"mode": "NONE"}}),
            ToolChoice::Mode(ToolChoiceMode::Required) => json!({"functionCallingConfig": {"mode": "ANY"}}),
            ToolChoice::Tool { tool_name } => {
                json!({"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": [tool_name]}})
            }
        }),
    );
    let mut generation = Map::new();
    put(
        &mut generation,
        "temperature",
        json_f64(request.temperature),
    );
    put(&mut generation, "topP", json_f64(request.top_p));
    put(&mut generation, "topK", request.top_k.map(|k| json!(k)));
    put(
        &mut generation,
        "maxOutputTokens",
        request.max_output_tokens.map(|n| json!(n)),
    );
    if !request.stop_sequences.is_empty() {
        generation.insert("stopSequences".into(), json!(request.stop_sequences));
    }
    if !generation.is_empty() {
        body.insert("generationConfig".into(), Value::Object(generation));
    }
    let model = model_id.strip_prefix("models/").unwrap_or(model_id);
    Ok(WireRequest {
        path: format!("/models/{model}:streamGenerateContent?alt=sse"),
        body: Value::Object(body),
    })
}
