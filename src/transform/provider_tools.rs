//! Provider-defined tools beyond their listing (which the request builders write): the beta
//! headers and `include` values they need, and their names. The API calls such a tool by a
//! fixed name (`web_search`, `code_execution`); the caller may declare it under another, so its
//! calls and results are handed back under the declared name, and earlier ones in the history
//! are sent back under the API's.

use serde_json::{Map, Value};

use super::CallContext;
use crate::protocol::ChatRequest;
use crate::protocol::provider_tools;
use crate::protocol::types::{Content, Message, Part};

/// What a call's provider-defined tools add besides their listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderToolsPlan {
    /// `anthropic-beta` features the tools need.
    pub betas: Vec<&'static str>,
    /// Responses `include` values that bring their results back.
    pub include: Vec<&'static str>,
    /// The API's name → the declared name, where they differ.
    pub tool_names: Vec<(String, String)>,
}

/// Plans the call's provider-defined tools and renames their earlier calls in the history to the
/// API's names (the tools were checked by [`super::validate`]).
pub fn apply(cx: &CallContext<'_>, request: &mut ChatRequest) -> ProviderToolsPlan {
    let format = cx.runtime.protocol.wire_format();
    let mut plan = ProviderToolsPlan::default();
    for tool in &request.tools {
        let Some(known) = tool
            .provider_id()
            .and_then(|id| provider_tools::find(format, id))
        else {
            continue;
        };
        if let Some(beta) = known.beta
            && !plan.betas.contains(&beta)
        {
            plan.betas.push(beta);
        }
        if let Some(include) = known.include
            && !plan.include.contains(&include)
        {
            plan.include.push(include);
        }
        if tool.name != known.wire_name {
            plan.tool_names
                .push((known.wire_name.to_string(), tool.name.clone()));
        }
    }
    if !plan.tool_names.is_empty() {
        for message in &mut request.messages {
            rename_history(message, &plan.tool_names);
        }
    }
    plan
}

/// Appends the plan's `include` values to the body's own (the option layers may have set some).
pub fn add_include(plan: &ProviderToolsPlan, body: &mut Map<String, Value>) {
    if plan.include.is_empty() {
        return;
    }
    let include = body
        .entry("include")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(values) = include {
        for value in &plan.include {
            if !values.iter().any(|v| v == value) {
                values.push(Value::String((*value).to_string()));
            }
        }
    }
}

/// `anthropic-beta` with the plan's features added to the loader's own (comma-separated, each
/// once), or `None` when the tools need none.
pub fn beta_header(plan: &ProviderToolsPlan, loader_value: Option<&str>) -> Option<String> {
    if plan.betas.is_empty() {
        return None;
    }
    let mut features: Vec<&str> = loader_value
        .into_iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|feature| !feature.is_empty())
        .collect();
    for beta in &plan.betas {
        if !features.contains(beta) {
            features.push(beta);
        }
    }
    Some(features.join(","))
}

/// Provider-executed calls and results of a message under the API's tool name.
fn rename_history(message: &mut Message, names: &[(String, String)]) {
    let parts = match message {
        Message::Assistant {
            content: Content::Parts(parts),
            ..
        }
        | Message::Tool { content: parts, .. } => parts,
        _ => return,
    };
    for part in parts {
        let name = match part {
            Part::ToolCall {
                tool_name,
                provider_executed: Some(true),
                ..
            }
            | Part::ToolResult {
                tool_name,
                provider_executed: Some(true),
                ..
            } => tool_name,
            _ => continue,
        };
        if let Some((wire, _)) = names.iter().find(|(_, declared)| declared == name) {
            *name = wire.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::transform::test_support::Call;

    #[test]
    fn declared_names_map_to_the_apis_and_betas_join_the_loaders() {
        let claude = Call::new("anthropic", "claude-sonnet-4-5");
        let mut request: ChatRequest = serde_json::from_value(json!({
            "messages": [
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": [
                    {"type": "tool-call", "toolCallId": "s1", "toolName": "search", "input": {}, "providerExecuted": true},
                    {"type": "tool-result", "toolCallId": "s1", "toolName": "search", "output": [], "providerExecuted": true},
                    {"type": "tool-call", "toolCallId": "c1", "toolName": "search", "input": {}}
                ]}
            ],
            "tools": [
                {"type": "provider-defined", "id": "anthropic.web_search_20250305", "name": "search"},
                {"type": "provider", "id": "anthropic.code_execution_20250825", "name": "code_execution"}
            ]
        }))
        .expect("request");
        let plan = apply(&claude.cx(), &mut request);
        assert_eq!(
            plan.tool_names,
            vec![("web_search".to_string(), "search".to_string())]
        );
        assert_eq!(plan.betas, vec!["code-execution-2025-08-25"]);
        let Message::Assistant {
            content: Content::Parts(parts),
            ..
        } = &request.messages[1]
        else {
            panic!("assistant parts")
        };
        let names: Vec<&str> = parts
            .iter()
            .filter_map(|part| match part {
                Part::ToolCall { tool_name, .. } | Part::ToolResult { tool_name, .. } => {
                    Some(tool_name.as_str())
                }
                _ => None,
            })
            .collect();
        assert_eq!(names, ["web_search", "web_search", "search"]);
        assert_eq!(
            beta_header(
                &plan,
                Some("interleaved-thinking-2025-05-14, code-execution-2025-08-25")
            ),
            Some("interleaved-thinking-2025-05-14,code-execution-2025-08-25".to_string())
        );
        let mut body = Map::new();
        add_include(
            &ProviderToolsPlan {
                include: vec!["web_search_call.action.sources"],
                ..Default::default()
            },
            &mut body,
        );
        assert_eq!(body["include"], json!(["web_search_call.action.sources"]));
    }
}
