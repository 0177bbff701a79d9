//! Calls a provider is known to refuse with a 400 are refused here first, with the offending
//! field: the caller learns which parameter to fix without a round trip, and nothing is billed.

use std::collections::HashSet;

use super::CallContext;
use crate::protocol::provider_tools;
use crate::protocol::support::SamplingOption;
use crate::protocol::types::{
    Content, Message, Part, ResponseFormat, Tool, ToolChoice, ToolChoiceMode,
};
use crate::protocol::{ChatRequest, WireFormat};
use crate::provider::InvalidParam;

/// Checks the call's params against what its provider and model accept.
pub fn check(cx: &CallContext<'_>, request: &ChatRequest) -> Result<(), InvalidParam> {
    cx.profile().validate(&cx.call_ref())?;
    let format = cx.runtime.protocol.wire_format();
    check_messages(request)?;
    check_tools(request, format)?;
    check_response_format(request, format)?;
    check_sampling(cx, request, format)
}

fn check_response_format(request: &ChatRequest, format: WireFormat) -> Result<(), InvalidParam> {
    let Some(ResponseFormat::Json { schema, name, .. }) = &request.response_format else {
        return Ok(());
    };
    if schema.as_ref().is_some_and(|schema| !schema.is_object()) {
        return Err(InvalidParam::new(
            "responseFormat.schema",
            "a JSON answer's schema is a JSON Schema object",
        ));
    }
    let openai = matches!(format, WireFormat::OpenaiChat | WireFormat::OpenaiResponses);
    if let Some(name) = name.as_deref()
        && openai
        && !valid_tool_name(name, format)
    {
        return Err(InvalidParam::new(
            "responseFormat.name",
            format!(
                "{name:?} is not a schema name the API takes: 1 to 64 letters, digits, `_` or `-`"
            ),
        ));
    }
    Ok(())
}

fn check_messages(request: &ChatRequest) -> Result<(), InvalidParam> {
    if !request
        .messages
        .iter()
        .any(|m| !matches!(m, Message::System { .. }))
    {
        return Err(InvalidParam::new(
            "messages",
            "at least one user, assistant or tool message is needed",
        ));
    }
    // Every tool result answers a tool call made earlier in the conversation.
    let mut calls: HashSet<&str> = HashSet::new();
    for (at, message) in request.messages.iter().enumerate() {
        let parts: &[Part] = match message {
            Message::Assistant {
                content: Content::Parts(parts),
                ..
            }
            | Message::User {
                content: Content::Parts(parts),
                ..
            } => parts,
            Message::Tool { content, .. } => content,
            _ => continue,
        };
        for (index, part) in parts.iter().enumerate() {
            match part {
                Part::ToolCall { tool_call_id, .. } => {
                    calls.insert(tool_call_id);
                }
                Part::ToolResult {
                    tool_call_id,
                    provider_executed,
                    ..
                } if *provider_executed != Some(true) && !calls.contains(tool_call_id.as_str()) => {
                    return Err(InvalidParam::new(
                        format!("messages[{at}].content[{index}].toolCallId"),
                        format!("no earlier tool call has the id {tool_call_id:?}"),
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// A function name as OpenAI, Anthropic and Bedrock take it: 1–64 of `[a-zA-Z0-9_-]`; Gemini also
/// takes `.` and `:`.
fn valid_tool_name(name: &str, format: WireFormat) -> bool {
    let extra: &[char] = match format {
        WireFormat::Gemini => &['.', ':'],
        _ => &[],
    };
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || extra.contains(&c))
}

fn check_tools(request: &ChatRequest, format: WireFormat) -> Result<(), InvalidParam> {
    let mut names = HashSet::new();
    let mut provider_defined = HashSet::new();
    for (at, tool) in request.tools.iter().enumerate() {
        if tool.kind.is_function() {
            check_function_tool(at, tool, format)?;
        } else {
            check_provider_tool(at, tool, format)?;
            provider_defined.insert(tool.name.as_str());
        }
        if !names.insert(tool.name.as_str()) {
            return Err(InvalidParam::new(
                format!("tools[{at}].name"),
                format!("two tools are named {:?}", tool.name),
            ));
        }
    }
    if format == WireFormat::Gemini
        && !provider_defined.is_empty()
        && provider_defined.len() < request.tools.len()
    {
        return Err(InvalidParam::new(
            "tools",
            "Gemini takes provider-defined tools (Google Search, URL context) without function \
             tools in the same call",
        ));
    }
    match &request.tool_choice {
        Some(ToolChoice::Tool { tool_name }) if provider_defined.contains(tool_name.as_str()) => {
            Err(InvalidParam::new(
                "toolChoice.toolName",
                format!(
                    "{tool_name:?} is a provider-defined tool: the provider decides when to run it"
                ),
            ))
        }
        Some(ToolChoice::Tool { tool_name }) if !names.contains(tool_name.as_str()) => {
            Err(InvalidParam::new(
                "toolChoice.toolName",
                format!("no tool named {tool_name:?} is offered"),
            ))
        }
        Some(ToolChoice::Mode(ToolChoiceMode::Required)) if request.tools.is_empty() => Err(
            InvalidParam::new("toolChoice", "a tool is required but none is offered"),
        ),
        _ => Ok(()),
    }
}

fn check_function_tool(at: usize, tool: &Tool, format: WireFormat) -> Result<(), InvalidParam> {
    if !valid_tool_name(&tool.name, format) {
        return Err(InvalidParam::new(
            format!("tools[{at}].name"),
            format!(
                "{:?} is not a tool name the provider takes: 1 to 64 letters, digits, `_` or `-`",
                tool.name
            ),
        ));
    }
    if !tool.input_schema.is_object() {
        return Err(InvalidParam::new(
            format!("tools[{at}].inputSchema"),
            "a tool's input schema is a JSON Schema object",
        ));
    }
    Ok(())
}

/// A provider-defined tool the call's API offers, under a name.
fn check_provider_tool(at: usize, tool: &Tool, format: WireFormat) -> Result<(), InvalidParam> {
    let Some(id) = tool.id.as_deref() else {
        return Err(InvalidParam::new(
            format!("tools[{at}].id"),
            "a provider-defined tool needs its id, e.g. `anthropic.web_search_20250305`",
        ));
    };
    if provider_tools::find(format, id).is_none() {
        let offered: Vec<&str> = provider_tools::ids(format).collect();
        let offered = if offered.is_empty() {
            "this API offers none".to_string()
        } else {
            format!("this API offers {}", offered.join(", "))
        };
        return Err(InvalidParam::new(
            format!("tools[{at}].id"),
            format!("{id:?} is not a provider-defined tool of the model's API: {offered}"),
        ));
    }
    if tool.name.is_empty() {
        return Err(InvalidParam::new(
            format!("tools[{at}].name"),
            "a provider-defined tool needs a name, under which its calls come back",
        ));
    }
    Ok(())
}

fn check_sampling(
    cx: &CallContext<'_>,
    request: &ChatRequest,
    format: WireFormat,
) -> Result<(), InvalidParam> {
    if let Some(temperature) = request.temperature {
        let max = match format {
            WireFormat::Anthropic => 1.0,
            _ => 2.0,
        };
        if !(0.0..=max).contains(&temperature) {
            return Err(InvalidParam::new(
                "temperature",
                format!("{temperature} is outside 0 to {max}"),
            ));
        }
    }
    if let Some(top_p) = request.top_p
        && !(0.0..=1.0).contains(&top_p)
    {
        return Err(InvalidParam::new(
            "topP",
            format!("{top_p} is outside 0 to 1"),
        ));
    }
    check_seed_and_penalties(cx, request, format)?;
    if let Some(max) = request.max_output_tokens {
        let limit = cx.model.limit().output;
        if max == 0 {
            return Err(InvalidParam::new(
                "maxOutputTokens",
                "the output limit must be at least 1",
            ));
        }
        if limit > 0 && u64::from(max) > limit {
            return Err(InvalidParam::new(
                "maxOutputTokens",
                format!(
                    "{max} is above the model's output limit of {limit} (a config `limit.output` for the model changes it)"
                ),
            ));
        }
    }
    Ok(())
}

/// `seed` and the penalties where the API takes them, in its range.
fn check_seed_and_penalties(
    cx: &CallContext<'_>,
    request: &ChatRequest,
    format: WireFormat,
) -> Result<(), InvalidParam> {
    let given = [
        (SamplingOption::Seed, request.seed.map(|n| n as f64)),
        (SamplingOption::PresencePenalty, request.presence_penalty),
        (SamplingOption::FrequencyPenalty, request.frequency_penalty),
    ];
    for (option, value) in given {
        let Some(value) = value else { continue };
        if let Some(reason) = format.refuses(option, &cx.model.api_id) {
            return Err(InvalidParam::new(
                option.field(),
                format!("{reason}; leave it out for {}", cx.model.id),
            ));
        }
        if option == SamplingOption::Seed {
            if format == WireFormat::Gemini && i32::try_from(request.seed.unwrap_or(0)).is_err() {
                return Err(InvalidParam::new(
                    "seed",
                    "Gemini takes a seed within the 32-bit integer range",
                ));
            }
            continue;
        }
        let (low, high) = format.penalty_range();
        if !(low..=high).contains(&value) {
            return Err(InvalidParam::new(
                option.field(),
                format!("{value} is outside {low} to {high}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::transform::test_support::Call;

    fn checked(call: &Call, request: serde_json::Value) -> Result<(), InvalidParam> {
        let request: ChatRequest = serde_json::from_value(request).expect("request");
        check(&call.cx(), &request)
    }

    fn field(result: Result<(), InvalidParam>) -> String {
        result.expect_err("refused").field
    }

    #[test]
    fn refusals_name_the_field() {
        let claude = Call::new("anthropic", "claude-sonnet-4-5");
        let hi = json!([{"role": "user", "content": "hi"}]);
        assert!(checked(&claude, json!({"messages": hi})).is_ok());
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": [{"role": "system", "content": "s"}]})
            )),
            "messages"
        );
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": hi, "temperature": 1.5})
            )),
            "temperature"
        );
        assert_eq!(
            field(checked(&claude, json!({"messages": hi, "topP": 3.0}))),
            "topP"
        );
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": hi, "maxOutputTokens": 10_000_000})
            )),
            "maxOutputTokens"
        );
        let tool = |name: &str| json!({"name": name, "inputSchema": {"type": "object"}});
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": hi, "tools": [tool("read file")]})
            )),
            "tools[0].name"
        );
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": hi, "tools": [tool("read"), tool("read")]})
            )),
            "tools[1].name"
        );
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": hi, "tools": [{"name": "x", "inputSchema": "object"}]})
            )),
            "tools[0].inputSchema"
        );
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": hi, "tools": [tool("read")], "toolChoice": {"toolName": "write"}})
            )),
            "toolChoice.toolName"
        );
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": hi, "toolChoice": "required"})
            )),
            "toolChoice"
        );
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": [
                    {"role": "user", "content": "hi"},
                    {"role": "tool", "content": [{"type": "tool-result", "toolCallId": "c9", "toolName": "t", "output": "x"}]}
                ]})
            )),
            "messages[1].content[0].toolCallId"
        );
        // A GPT model takes up to 2.
        let gpt = Call::new("openai", "gpt-4.1");
        assert!(checked(&gpt, json!({"messages": hi, "temperature": 1.5})).is_ok());
        assert_eq!(
            field(checked(
                &gpt,
                json!({"messages": hi, "responseFormat": {"type": "json", "schema": "object"}})
            )),
            "responseFormat.schema"
        );
        assert_eq!(
            field(checked(
                &gpt,
                json!({"messages": hi, "responseFormat": {"type": "json", "name": "my answer"}})
            )),
            "responseFormat.name"
        );
        // Provider-defined tools: known to the API, named, not mixed with functions on Gemini.
        let search = |id: &str| json!({"type": "provider-defined", "id": id, "name": "web_search"});
        assert!(
            checked(
                &claude,
                json!({"messages": hi, "tools": [search("anthropic.web_search_20250305"), tool("read")]})
            )
            .is_ok()
        );
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": hi, "tools": [search("openai.web_search")]})
            )),
            "tools[0].id"
        );
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": hi, "tools": [{"type": "provider", "name": "x"}]})
            )),
            "tools[0].id"
        );
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": hi, "tools": [search("anthropic.web_search_20250305")],
                    "toolChoice": {"toolName": "web_search"}})
            )),
            "toolChoice.toolName"
        );
        let flash = Call::new("google", "gemini-2.5-flash");
        assert_eq!(
            field(checked(
                &flash,
                json!({"messages": hi, "tools": [search("google.google_search"), tool("read")]})
            )),
            "tools"
        );
        assert_eq!(
            field(checked(
                &Call::new("deepseek", "deepseek-chat"),
                json!({"messages": hi, "tools": [search("openai.web_search")]})
            )),
            "tools[0].id"
        );
        // Seed and penalties where the API takes them; refused where it has no field.
        assert!(
            checked(&gpt, json!({"messages": hi, "seed": 7})).is_err(),
            "Responses API"
        );
        assert_eq!(
            field(checked(&claude, json!({"messages": hi, "seed": 7}))),
            "seed"
        );
        assert_eq!(
            field(checked(
                &claude,
                json!({"messages": hi, "presencePenalty": 0.5})
            )),
            "presencePenalty"
        );
        let deepseek = Call::new("deepseek", "deepseek-chat");
        assert!(
            checked(
                &deepseek,
                json!({"messages": hi, "seed": 7, "presencePenalty": 0.5, "frequencyPenalty": -1.0})
            )
            .is_ok()
        );
        assert_eq!(
            field(checked(
                &deepseek,
                json!({"messages": hi, "frequencyPenalty": 2.5})
            )),
            "frequencyPenalty"
        );
        let cohere = Call::new("cohere", "command-a-03-2025");
        assert_eq!(
            field(checked(
                &cohere,
                json!({"messages": hi, "presencePenalty": -0.5})
            )),
            "presencePenalty"
        );
        let gemini = Call::new("google", "gemini-2.5-flash");
        assert_eq!(
            field(checked(
                &gemini,
                json!({"messages": hi, "seed": 5_000_000_000_i64})
            )),
            "seed"
        );
    }
}
