//! OpenAI Responses body (`POST /responses`): input items, reasoning items sent back with their id and
//! encrypted content, function calls and their outputs.

use serde_json::{Map, Value, json};

use super::{
    Data, JsonAnswer, WireRequest, json_f64, option, output_text, provider_tool_entry, put,
};
use crate::protocol::WireFormat;
use crate::protocol::error::ProtocolError;
use crate::protocol::types::{ChatRequest, Message, Part, ToolChoice, ToolChoiceMode};

fn user_part(part: &Part) -> Option<Value> {
    match part {
        Part::Text { text, .. } => Some(json!({"type": "input_text", "text": text})),
        Part::Image {
            image, media_type, ..
        } => {
            let url = Data::parse(image, media_type.as_deref()).as_url("image/png");
            Some(json!({"type": "input_image", "image_url": url}))
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
                    json!({"type": "input_image", "image_url": parsed.as_url(media_type)}),
                );
            }
            Some(match &parsed {
                Data::Url(url) => json!({"type": "input_file", "file_url": url}),
                Data::Base64 { .. } => json!({
                    "type": "input_file",
                    "filename": filename.clone().unwrap_or_else(|| "file".into()),
                    "file_data": parsed.as_url(media_type),
                }),
            })
        }
        _ => None,
    }
}

fn assistant_items(parts: &[Part], input: &mut Vec<Value>) {
    // Reasoning parts of one item (one per summary) go back as one reasoning item.
    let mut reasoning_index: Vec<(String, usize)> = Vec::new();
    for part in parts {
        match part {
            Part::Text { text, .. } => {
                input.push(json!({"role": "assistant", "content": [{"type": "output_text", "text": text}]}));
            }
            Part::Reasoning {
                text,
                provider_options,
            } => {
                let options = provider_options.as_ref();
                let Some(item_id) = option(options, "openai", "itemId").and_then(Value::as_str)
                else {
                    continue;
                };
                let summary = json!({"type": "summary_text", "text": text});
                if let Some((_, at)) = reasoning_index.iter().find(|(id, _)| id == item_id) {
                    if let Some(Value::Array(list)) = input[*at].get_mut("summary")
                        && !text.is_empty()
                    {
                        list.push(summary);
                    }
                    continue;
                }
                let mut item = Map::new();
                item.insert("type".into(), json!("reasoning"));
                item.insert("id".into(), json!(item_id));
                put(
                    &mut item,
                    "encrypted_content",
                    option(options, "openai", "reasoningEncryptedContent").cloned(),
                );
                item.insert(
                    "summary".into(),
                    json!(if text.is_empty() {
                        vec![]
                    } else {
                        vec![summary]
                    }),
                );
                reasoning_index.push((item_id.to_string(), input.len()));
                input.push(Value::Object(item));
            }
            Part::ToolCall {
                tool_call_id,
                tool_name,
                input: arguments,
                provider_executed,
                ..
            } => {
                if *provider_executed == Some(true) {
                    continue;
                }
                input.push(match arguments {
                    Value::String(raw) => {
                        json!({"type": "custom_tool_call", "call_id": tool_call_id, "name": tool_name, "input": raw})
                    }
                    other => json!({
                        "type": "function_call",
                        "call_id": tool_call_id,
                        "name": tool_name,
                        "arguments": other.to_string(),
                    }),
                });
            }
            _ => {}
        }
    }
}

pub(super) fn build(model_id: &str, request: &ChatRequest) -> Result<WireRequest, ProtocolError> {
    let mut input = Vec::new();
    for message in &request.messages {
        match message {
            Message::System { content, .. } => {
                input.push(json!({"role": "system", "content": content}))
            }
            Message::User { content, .. } => {
                let parts: Vec<Value> = content.parts().iter().filter_map(user_part).collect();
                input.push(json!({"role": "user", "content": parts}));
            }
            Message::Assistant { content, .. } => assistant_items(&content.parts(), &mut input),
            Message::Tool { content, .. } => {
                for part in content {
                    if let Part::ToolResult {
                        tool_call_id,
                        output,
                        ..
                    } = part
                    {
                        input.push(json!({"type": "function_call_output", "call_id": tool_call_id, "output": output_text(output)}));
                    }
                }
            }
        }
    }
    let mut body = Map::new();
    body.insert("model".into(), json!(model_id));
    body.insert("input".into(), Value::Array(input));
    body.insert("stream".into(), json!(true));
    if !request.tools.is_empty() {
        let mut tools = Vec::new();
        for tool in &request.tools {
            if !tool.kind.is_function() {
                tools.push(provider_tool_entry(WireFormat::OpenaiResponses, tool)?);
                continue;
            }
            let mut entry = Map::new();
            entry.insert("type".into(), json!("function"));
            entry.insert("name".into(), json!(tool.name));
            put(
                &mut entry,
                "description",
                tool.description.as_ref().map(|d| json!(d)),
            );
            entry.insert("parameters".into(), tool.input_schema.clone());
            entry.insert("strict".into(), json!(false));
            tools.push(Value::Object(entry));
        }
        body.insert("tools".into(), Value::Array(tools));
    }
    put(
        &mut body,
        "tool_choice",
        request.tool_choice.as_ref().map(|choice| match choice {
            ToolChoice::Mode(ToolChoiceMode::Auto) => json!("auto"),
            ToolChoice::Mode(ToolChoiceMode::None) => json!("none"),
            ToolChoice::Mode(ToolChoiceMode::Required) => json!("required"),
            ToolChoice::Tool { tool_name } => json!({"type": "function", "name": tool_name}),
        }),
    );
    put(&mut body, "temperature", json_f64(request.temperature));
    put(&mut body, "top_p", json_f64(request.top_p));
    put(
        &mut body,
        "max_output_tokens",
        request.max_output_tokens.map(|n| json!(n)),
    );
    if let Some(answer) = JsonAnswer::of(request) {
        body.insert("text".into(), json!({"format": answer.openai(true)}));
    }
    Ok(WireRequest {
        path: "/responses".into(),
        body: Value::Object(body),
    })
}
