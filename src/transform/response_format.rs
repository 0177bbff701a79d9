//! A call's `responseFormat: {type: "json"}` in the form its model can honour
//! ([`crate::protocol::support::JsonAnswerMode`]): the schema itself where the catalog says the
//! model has structured output, else the API's JSON mode, else (Messages API, Bedrock) a forced
//! tool named `json` whose input comes back as the answer's text. The request builders write the
//! first two; the tool is added here. What was chosen, and why, is shown by `transform/preview`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::CallContext;
use crate::protocol::ChatRequest;
use crate::protocol::WireFormat;
use crate::protocol::shape::ResponseShape;
use crate::protocol::support::JsonAnswerMode;
use crate::protocol::types::{ResponseFormat, Tool, ToolChoice, ToolChoiceMode};
use crate::provider::InvalidParam;

/// The forced tool's name and description (the AI SDK's).
pub const JSON_TOOL: &str = "json";
const JSON_TOOL_DESCRIPTION: &str = "Respond with a JSON object.";

/// How a call's JSON answer is asked for, as `transform/preview` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResponseFormatPlan {
    pub mode: JsonAnswerMode,
    /// Why this mode: what the catalog says of the model, or what the call gave.
    pub reason: String,
}

/// What the JSON answer adds to a call besides its request.
#[derive(Debug, Clone, Default)]
pub struct JsonAnswerPlan {
    pub plan: Option<ResponseFormatPlan>,
    /// Body fields merged over the built body.
    pub body: Map<String, Value>,
    pub shape: ResponseShape,
}

/// Rewrites the request for the model's way of giving a JSON answer.
pub fn apply(
    cx: &CallContext<'_>,
    request: &mut ChatRequest,
) -> Result<JsonAnswerPlan, InvalidParam> {
    let Some(ResponseFormat::Json {
        schema,
        name,
        description,
    }) = request.response_format.take()
    else {
        return Ok(JsonAnswerPlan::default());
    };
    let format = cx.runtime.protocol.wire_format();
    let structured = cx.model.info.structured_output.unwrap_or(false);
    let mode = format.json_answer_mode(&cx.model.api_id, structured, schema.is_some());
    let model = format!("{}/{}", cx.provider_id, cx.model.id);
    let reason = match (mode, schema.is_some(), structured) {
        (JsonAnswerMode::Schema, ..) => {
            format!("the catalog says {model} has structured output: the API enforces the schema")
        }
        (JsonAnswerMode::JsonObject, false, _) => {
            "no schema was given: the API's JSON mode is asked for".to_string()
        }
        (JsonAnswerMode::JsonObject, true, _) => format!(
            "the catalog says {model} has no structured output: the API's JSON mode is asked \
             for, the schema is not enforced"
        ),
        (JsonAnswerMode::Tool, false, _) => format!(
            "no schema was given, and this API has no JSON mode: the answer is the input of a \
             forced `{JSON_TOOL}` tool"
        ),
        (JsonAnswerMode::Tool, true, false) => format!(
            "the catalog says {model} has no structured output: the answer is the input of a \
             forced `{JSON_TOOL}` tool whose input schema is the schema"
        ),
        (JsonAnswerMode::Tool, true, true) => format!(
            "{model} has structured output, but Bedrock passes a schema to Claude models only: \
             the answer is the input of a forced `{JSON_TOOL}` tool whose input schema is the schema"
        ),
    };
    let mut answer = JsonAnswerPlan {
        plan: Some(ResponseFormatPlan { mode, reason }),
        ..JsonAnswerPlan::default()
    };
    match mode {
        JsonAnswerMode::Schema => {
            let schema = schema.as_ref().map(|schema| match format {
                WireFormat::Anthropic | WireFormat::Bedrock => {
                    super::schema::anthropic_output_schema(schema)
                }
                _ => super::schema::sanitize(cx, schema),
            });
            request.response_format = Some(ResponseFormat::Json {
                schema,
                name,
                description,
            });
        }
        JsonAnswerMode::JsonObject => {
            request.response_format = Some(ResponseFormat::Json {
                schema: None,
                name,
                description,
            });
        }
        JsonAnswerMode::Tool => {
            if let Some(at) = request.tools.iter().position(|t| t.name == JSON_TOOL) {
                return Err(InvalidParam::new(
                    format!("tools[{at}].name"),
                    format!(
                        "a JSON answer from {model} is asked through a tool named `{JSON_TOOL}`: \
                         rename this tool"
                    ),
                ));
            }
            request.tools.push(Tool::function(
                JSON_TOOL,
                Some(JSON_TOOL_DESCRIPTION.to_string()),
                schema.unwrap_or_else(|| json!({"type": "object"})),
            ));
            request.tool_choice = Some(ToolChoice::Mode(ToolChoiceMode::Required));
            if format == WireFormat::Anthropic {
                // One coherent answer: no other tool call beside it.
                answer.body.insert(
                    "tool_choice".into(),
                    json!({"disable_parallel_tool_use": true}),
                );
            }
            answer.shape.json_tool = Some(JSON_TOOL.to_string());
        }
    }
    Ok(answer)
}

/// A forced tool cannot be combined with Claude's extended thinking (the API refuses a forced
/// `tool_choice` while it thinks): such a call is refused with the option that causes it.
pub fn check_thinking(
    answer: &JsonAnswerPlan,
    body: &Map<String, Value>,
) -> Result<(), InvalidParam> {
    if answer.shape.json_tool.is_none() {
        return Ok(());
    }
    let thinking = body.get("thinking").or_else(|| {
        body.get("additionalModelRequestFields").and_then(|fields| {
            fields
                .get("thinking")
                .or_else(|| fields.get("reasoningConfig"))
        })
    });
    let thinks = thinking
        .and_then(|t| t.get("type"))
        .and_then(Value::as_str)
        .is_some_and(|kind| kind == "enabled" || kind == "adaptive");
    if thinks {
        return Err(InvalidParam::new(
            "responseFormat",
            "this model gives a JSON answer through a forced tool, which Claude refuses while it \
             thinks: drop the reasoning variant (or the thinking option) for this call",
        ));
    }
    Ok(())
}
