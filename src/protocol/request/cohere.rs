//! Cohere v2 chat body (`POST /chat` under `https://api.cohere.com/v2`): the tool plan goes back as
//! `tool_plan` from reasoning parts marked `cohere.toolPlan`.

use serde_json::{Map, Value, json};

use super::{Data, JsonAnswer, WireRequest, json_f64, option, output_text, put};
use crate::protocol::error::ProtocolError;
use crate::protocol::types::{ChatRequest, Message, Part, ToolChoice, ToolChoiceMode};

pub(super) fn build(model_id: &str, request: &ChatRequest) -> Result<WireRequest, ProtocolError> {
    super::function_tools_only(crate::protocol::WireFormat::Cohere, request)?;
    let mut messages = Vec::new();
    for message in &request.messages {
        match message {
            Message::System { content, .. } => {
                messages.push(json!({"role": "system", "content": content}))
            }
            Message::User { content, .. } => {
                let value = match super::content_is_plain(content) {
                    Some(text) => json!(text),
                    None => Value::Array(
                        content
                            .parts()
                            .iter()
                            .filter_map(|part| match part {
                                Part::Text { text, .. } => Some(json!({"type": "text", "text": text})),
                                Part::Image { image, media_type, .. } => Some(json!({
                                    "type": "image_url",
                                    "image_url": {"url": Data::parse(image, media_type.as_deref()).as_url("image/png")}
                                })),
                                _ => None,
                            })
                            .collect(),
                    ),
                };
                messages.push(json!({"role": "user", "content": value}));
            }
            Message::Assistant { content, .. } => {
                let mut text = String::new();
                let mut plan = String::new();
                let mut calls = Vec::new();
                for part in content.parts() {
                    match &part {
                        Part::Text { text: piece, .. } => text.push_str(piece),
                        Part::Reasoning {
                            text: piece,
                            provider_options,
                        } if option(provider_options.as_ref(), "cohere", "toolPlan")
                            == Some(&json!(true)) =>
                        {
                            plan.push_str(piece)
                        }
                        Part::ToolCall {
                            tool_call_id,
                            tool_name,
                            input,
                            ..
                        } => calls.push(json!({
                            "id": tool_call_id,
                            "type": "function",
                            "function": {"name": tool_name, "arguments": input.to_string()},
                        })),
                        _ => {}
                    }
                }
                let mut entry = Map::new();
                entry.insert("role".into(), json!("assistant"));
                if !text.is_empty() {
                    entry.insert("content".into(), json!(text));
                }
                if !plan.is_empty() {
                    entry.insert("tool_plan".into(), json!(plan));
                }
                if !calls.is_empty() {
                    entry.insert("tool_calls".into(), Value::Array(calls));
                }
                messages.push(Value::Object(entry));
            }
            Message::Tool { content, .. } => {
                for part in content {
                    if let Part::ToolResult {
                        tool_call_id,
                        output,
                        ..
                    } = part
                    {
                        messages.push(json!({"role": "tool", "tool_call_id": tool_call_id, "content": output_text(output)}));
                    }
                }
            }
        }
    }
    let mut body = Map::new();
    body.insert("model".into(), json!(model_id));
    body.insert("messages".into(), Value::Array(messages));
    body.insert("stream".into(), json!(true));
    if !request.tools.is_empty() {
        let only = match &request.tool_choice {
            Some(ToolChoice::Tool { tool_name }) => Some(tool_name.as_str()),
            _ => None,
        };
        let tools: Vec<Value> = request
            .tools
            .iter()
            .filter(|tool| only.is_none_or(|name| name == tool.name))
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
        request
            .tool_choice
            .as_ref()
            .and_then(|choice| match choice {
                ToolChoice::Mode(ToolChoiceMode::Required) | ToolChoice::Tool { .. } => {
                    Some(json!("REQUIRED"))
                }
                ToolChoice::Mode(ToolChoiceMode::None) => Some(json!("NONE")),
                ToolChoice::Mode(ToolChoiceMode::Auto) => None,
            }),
    );
    put(&mut body, "temperature", json_f64(request.temperature));
    put(&mut body, "p", json_f64(request.top_p));
    put(&mut body, "k", request.top_k.map(|k| json!(k)));
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
    put(
        &mut body,
        "max_tokens",
        request.max_output_tokens.map(|n| json!(n)),
    );
    if !request.stop_sequences.is_empty() {
        body.insert("stop_sequences".into(), json!(request.stop_sequences));
    }
    put(
        &mut body,
        "response_format",
        JsonAnswer::of(request).map(|answer| match answer {
            JsonAnswer::Schema { schema, .. } => {
                json!({"type": "json_object", "json_schema": schema})
            }
            JsonAnswer::Any => json!({"type": "json_object"}),
        }),
    );
    Ok(WireRequest {
        path: "/chat".into(),
        body: Value::Object(body),
    })
}
