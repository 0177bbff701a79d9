//! Request builders: a normalized [`ChatRequest`] → the provider's streaming request body and path (relative
//! to the provider's base URL). URL, headers and auth are the provider layer's job.

mod anthropic;
mod bedrock;
mod cohere;
mod gemini;
mod openai_chat;
mod openai_responses;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::WireFormat;
use super::error::ProtocolError;
use super::types::{ChatRequest, Content, Part, ProviderOptions, ResponseFormat, Tool};

/// The body and path of one streaming call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WireRequest {
    /// Appended to the provider's base URL, e.g. `/chat/completions`.
    pub path: String,
    pub body: Value,
}

/// Builds the streaming request of `format` for `model_id` from the messages, tools and sampling
/// settings. Provider options are the transform layer's: it merges them over this body.
pub fn build_request(
    format: WireFormat,
    model_id: &str,
    request: &ChatRequest,
) -> Result<WireRequest, ProtocolError> {
    match format {
        WireFormat::OpenaiChat => openai_chat::build(model_id, request),
        WireFormat::OpenaiResponses => openai_responses::build(model_id, request),
        WireFormat::Anthropic => anthropic::build(model_id, request),
        WireFormat::Gemini => gemini::build(model_id, request),
        WireFormat::Bedrock => bedrock::build(model_id, request),
        WireFormat::Cohere => cohere::build(model_id, request),
    }
}

impl WireFormat {
    /// The `providerOptions` / `providerMetadata` key of this format.
    pub fn options_namespace(self) -> &'static str {
        match self {
            WireFormat::OpenaiChat | WireFormat::OpenaiResponses => "openai",
            WireFormat::Anthropic => "anthropic",
            WireFormat::Gemini => "google",
            WireFormat::Bedrock => "bedrock",
            WireFormat::Cohere => "cohere",
        }
    }
}

/// Where binary data of an image or file part lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Data {
    Url(String),
    Base64 {
        media_type: Option<String>,
        data: String,
    },
}

impl Data {
    pub(crate) fn parse(value: &str, media_type: Option<&str>) -> Data {
        if let Some(rest) = value.strip_prefix("data:")
            && let Some((header, data)) = rest.split_once(',')
        {
            let mime = header.trim_end_matches(";base64");
            let mime = if mime.is_empty() {
                media_type.map(str::to_string)
            } else {
                Some(mime.to_string())
            };
            return Data::Base64 {
                media_type: mime,
                data: data.to_string(),
            };
        }
        if value.starts_with("http://")
            || value.starts_with("https://")
            || value.starts_with("gs://")
        {
            return Data::Url(value.to_string());
        }
        Data::Base64 {
            media_type: media_type.map(str::to_string),
            data: value.to_string(),
        }
    }

    /// A URL, or the base64 data as a `data:` URL.
    pub(crate) fn as_url(&self, fallback_type: &str) -> String {
        match self {
            Data::Url(url) => url.clone(),
            Data::Base64 { media_type, data } => {
                format!(
                    "data:{};base64,{data}",
                    media_type.as_deref().unwrap_or(fallback_type)
                )
            }
        }
    }
}

/// A tool result's output as text (typed AI SDK outputs unwrapped, JSON stringified).
pub(crate) fn output_text(output: &Value) -> String {
    match output {
        Value::String(text) => text.clone(),
        Value::Object(map) => match (map.get("type").and_then(Value::as_str), map.get("value")) {
            (Some("text" | "error-text"), Some(Value::String(text))) => text.clone(),
            (Some("json" | "error-json"), Some(value)) => value.to_string(),
            (Some("content"), Some(Value::Array(items))) => items
                .iter()
                .filter_map(|item| item.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n"),
            _ => output.to_string(),
        },
        other => other.to_string(),
    }
}

/// A tool result's output as JSON (a typed `json` output unwrapped; text kept as a string).
pub(crate) fn output_json(output: &Value) -> Value {
    match output {
        Value::Object(map) => match (map.get("type").and_then(Value::as_str), map.get("value")) {
            (Some("json" | "error-json"), Some(value)) => value.clone(),
            (Some("text" | "error-text"), Some(value)) => value.clone(),
            _ => output.clone(),
        },
        other => other.clone(),
    }
}

pub(crate) fn is_error_output(output: &Value) -> bool {
    matches!(
        output.get("type").and_then(Value::as_str),
        Some("error-text" | "error-json")
    )
}

/// `providerOptions[namespace][key]` of a part or message.
pub(crate) fn option<'a>(
    options: Option<&'a ProviderOptions>,
    namespace: &str,
    key: &str,
) -> Option<&'a Value> {
    options?.get(namespace)?.get(key)
}

pub(crate) fn part_options(part: &Part) -> Option<&ProviderOptions> {
    match part {
        Part::Text {
            provider_options, ..
        }
        | Part::Image {
            provider_options, ..
        }
        | Part::File {
            provider_options, ..
        }
        | Part::Reasoning {
            provider_options, ..
        }
        | Part::ToolCall {
            provider_options, ..
        }
        | Part::ToolResult {
            provider_options, ..
        }
        | Part::Source {
            provider_options, ..
        } => provider_options.as_ref(),
    }
}

/// The content as one string when it is one (a string, or a single text part without options).
pub(crate) fn content_is_plain(content: &Content) -> Option<String> {
    match content {
        Content::Text(text) => Some(text.clone()),
        Content::Parts(parts) => match parts.as_slice() {
            [
                Part::Text {
                    text,
                    provider_options: None,
                },
            ] => Some(text.clone()),
            _ => None,
        },
    }
}

/// The namespace whose fields the chat-completions builder writes onto the wire message or part
/// they are attached to (as `@ai-sdk/openai-compatible` does with its provider options): e.g.
/// `reasoning_content` on an assistant message, `cache_control` on a content part.
pub const CHAT_EXTRAS_NAMESPACE: &str = "openaiCompatible";

/// Writes `providerOptions.openaiCompatible` of a message or part onto its wire object.
pub(crate) fn with_chat_extras(mut value: Value, options: Option<&ProviderOptions>) -> Value {
    if let (Some(Value::Object(extras)), Value::Object(map)) = (
        options.and_then(|o| o.get(CHAT_EXTRAS_NAMESPACE)),
        &mut value,
    ) {
        for (key, extra) in extras {
            map.insert(key.clone(), extra.clone());
        }
    }
    value
}

/// A provider-defined tool as `format` lists it; a tool the API does not offer is an error (the
/// transform layer refuses it first, naming the field).
pub(crate) fn provider_tool_entry(format: WireFormat, tool: &Tool) -> Result<Value, ProtocolError> {
    let id = tool.provider_id().unwrap_or_default();
    super::provider_tools::find(format, id)
        .map(|known| known.wire_entry(tool.args.as_ref()))
        .ok_or_else(|| {
            ProtocolError::InvalidRequest(format!(
                "the provider-defined tool {id:?} ({}) is not offered by this API",
                tool.name
            ))
        })
}

/// Refuses provider-defined tools on an API that has none.
pub(crate) fn function_tools_only(
    format: WireFormat,
    request: &ChatRequest,
) -> Result<(), ProtocolError> {
    match request.tools.iter().find(|tool| !tool.kind.is_function()) {
        Some(tool) => provider_tool_entry(format, tool).map(|_| ()),
        None => Ok(()),
    }
}

/// The name a JSON schema answer goes by where the API wants one and the call gave none (the AI
/// SDK's).
pub const DEFAULT_SCHEMA_NAME: &str = "response";

/// What a call's `responseFormat` asks of the API: JSON following a schema, or any JSON.
#[derive(Debug, Clone, Copy)]
pub(crate) enum JsonAnswer<'a> {
    Schema {
        schema: &'a Value,
        name: &'a str,
        description: Option<&'a str>,
    },
    Any,
}

impl<'a> JsonAnswer<'a> {
    /// The call's JSON answer, if it asks for one.
    pub(crate) fn of(request: &'a ChatRequest) -> Option<Self> {
        let Some(ResponseFormat::Json {
            schema,
            name,
            description,
        }) = &request.response_format
        else {
            return None;
        };
        Some(match schema {
            Some(schema) => JsonAnswer::Schema {
                schema,
                name: name.as_deref().unwrap_or(DEFAULT_SCHEMA_NAME),
                description: description.as_deref(),
            },
            None => JsonAnswer::Any,
        })
    }

    /// OpenAI's form (chat `response_format`, Responses `text.format` with `inline` set): a strict
    /// `json_schema`, or `json_object`.
    pub(crate) fn openai(self, inline: bool) -> Value {
        match self {
            JsonAnswer::Schema {
                schema,
                name,
                description,
            } => {
                let mut format = Map::new();
                format.insert("name".into(), json!(name));
                put(&mut format, "description", description.map(|d| json!(d)));
                format.insert("schema".into(), schema.clone());
                format.insert("strict".into(), json!(true));
                if inline {
                    format.insert("type".into(), json!("json_schema"));
                    Value::Object(format)
                } else {
                    json!({"type": "json_schema", "json_schema": format})
                }
            }
            JsonAnswer::Any => json!({"type": "json_object"}),
        }
    }

    /// The Messages API's `output_config.format` (Anthropic, and Claude on Bedrock): only with a
    /// schema (the transform layer turns a schema-less JSON answer into a forced tool).
    pub(crate) fn anthropic_output_config(self) -> Option<Value> {
        match self {
            JsonAnswer::Schema { schema, .. } => {
                Some(json!({"format": {"type": "json_schema", "schema": schema}}))
            }
            JsonAnswer::Any => None,
        }
    }
}

/// Inserts `value` under `key` when it is present.
pub(crate) fn put(body: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        body.insert(key.to_string(), value);
    }
}

pub(crate) fn json_f64(value: Option<f64>) -> Option<Value> {
    value
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
}

#[cfg(test)]
mod tests;
