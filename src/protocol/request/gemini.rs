//! Gemini body (`POST /models/{model}:streamGenerateContent?alt=sse`): contents with user/model roles,
//! thought signatures sent back on the parts they came with, function calls and responses, tool
//! parameters in Gemini's OpenAPI subset of JSON Schema.

use serde_json::{Map, Value, json};

use super::{
    Data, JsonAnswer, WireRequest, json_f64, option, output_json, part_options,
    provider_tool_entry, put,
};
use crate::protocol::WireFormat;
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

/// The keywords of Gemini's schema (an OpenAPI 3.0 subset); the rest (`$schema`,
/// `additionalProperties`, `$defs`, `examples`, …) is rejected by the API and dropped.
const SCHEMA_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "title",
    "description",
    "nullable",
    "enum",
    "properties",
    "required",
    "propertyOrdering",
    "items",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "anyOf",
    "default",
];

/// A tool's parameters, or none for a schema with no properties (Gemini wants the field absent).
fn parameters(schema: &Value) -> Option<Value> {
    let empty_object = schema.get("type").and_then(Value::as_str) == Some("object")
        && schema
            .get("properties")
            .and_then(Value::as_object)
            .is_none_or(Map::is_empty);
    (!empty_object).then(|| openapi(schema))
}

/// JSON Schema → Gemini's schema: `const` becomes a one-value enum, a type list with `null`
/// becomes `nullable`, `oneOf` becomes `anyOf`, unknown keywords go.
fn openapi(node: &Value) -> Value {
    let Value::Object(map) = node else {
        // `true` / `false` schemas: any value is a string to Gemini.
        return json!({"type": "string"});
    };
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "properties" => {
                if let Value::Object(properties) = value {
                    let converted = properties
                        .iter()
                        .map(|(name, schema)| (name.clone(), openapi(schema)))
                        .collect();
                    out.insert(key.clone(), Value::Object(converted));
                }
            }
            "items" => {
                out.insert(key.clone(), openapi(value));
            }
            "anyOf" | "oneOf" => {
                if let Value::Array(options) = value {
                    out.insert(
                        "anyOf".into(),
                        Value::Array(options.iter().map(openapi).collect()),
                    );
                }
            }
            "const" => {
                out.insert("enum".into(), json!([value]));
            }
            "type" => match value {
                Value::Array(types) => {
                    let kinds: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
                    if kinds.len() < types.len() {
                        out.insert("nullable".into(), json!(true));
                    }
                    if let [kind] = kinds.as_slice() {
                        out.insert("type".into(), (*kind).clone());
                    } else if !kinds.is_empty() {
                        let options = kinds.iter().map(|k| json!({"type": k})).collect();
                        out.insert("anyOf".into(), Value::Array(options));
                    }
                }
                other => {
                    out.insert("type".into(), other.clone());
                }
            },
            known if SCHEMA_KEYWORDS.contains(&known) => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    Value::Object(out)
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
        let mut declarations = Vec::new();
        let mut tools = Vec::new();
        for tool in &request.tools {
            if !tool.kind.is_function() {
                tools.push(provider_tool_entry(WireFormat::Gemini, tool)?);
                continue;
            }
            let mut entry = Map::new();
            entry.insert("name".into(), json!(tool.name));
            put(
                &mut entry,
                "description",
                tool.description.as_ref().map(|d| json!(d)),
            );
            if let Some(parameters) = parameters(&tool.input_schema) {
                entry.insert("parameters".into(), parameters);
            }
            declarations.push(Value::Object(entry));
        }
        if !declarations.is_empty() {
            tools.push(json!({"functionDeclarations": declarations}));
        }
        body.insert("tools".into(), Value::Array(tools));
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
    put(
        &mut generation,
        "frequencyPenalty",
        json_f64(request.frequency_penalty),
    );
    put(
        &mut generation,
        "presencePenalty",
        json_f64(request.presence_penalty),
    );
    put(&mut generation, "seed", request.seed.map(|n| json!(n)));
    if let Some(answer) = JsonAnswer::of(request) {
        generation.insert("responseMimeType".into(), json!("application/json"));
        if let JsonAnswer::Schema { schema, .. } = answer {
            generation.insert("responseSchema".into(), openapi(schema));
        }
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
