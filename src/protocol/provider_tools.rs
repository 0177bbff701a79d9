//! Provider-defined tools: tools the provider runs itself, declared with the AI SDK's ids
//! (`{type: "provider-defined", id, name, args}`) and sent in each API's own form. The wire facts
//! (type strings, fixed names, beta headers, argument spellings) are the AI SDK provider
//! packages'.

use serde_json::{Map, Value, json};

use super::WireFormat;

/// One provider-defined tool an API offers.
#[derive(Debug)]
pub struct ProviderTool {
    /// The AI SDK's id, `<provider>.<tool>`.
    pub id: &'static str,
    pub format: WireFormat,
    /// The name the API gives the tool's calls and results in its stream.
    pub wire_name: &'static str,
    /// An `anthropic-beta` feature the tool needs.
    pub beta: Option<&'static str>,
    /// A Responses `include` value that brings the tool's results back (web search sources).
    pub include: Option<&'static str>,
    form: Form,
}

/// How the API lists the tool.
#[derive(Debug, Clone, Copy)]
enum Form {
    /// Messages API: `{type, name, ...args}` with the arguments in snake case.
    Anthropic { tool_type: &'static str },
    /// Responses API: `{type, ...args}` with the arguments in snake case.
    Responses { tool_type: &'static str },
    /// Gemini: `{<key>: args}`, the arguments as given (Gemini's JSON is camel case).
    Gemini { key: &'static str },
}

const fn anthropic(
    id: &'static str,
    tool_type: &'static str,
    wire_name: &'static str,
    beta: Option<&'static str>,
) -> ProviderTool {
    ProviderTool {
        id,
        format: WireFormat::Anthropic,
        wire_name,
        beta,
        include: None,
        form: Form::Anthropic { tool_type },
    }
}

const fn responses(
    id: &'static str,
    tool_type: &'static str,
    wire_name: &'static str,
    include: Option<&'static str>,
) -> ProviderTool {
    ProviderTool {
        id,
        format: WireFormat::OpenaiResponses,
        wire_name,
        beta: None,
        include,
        form: Form::Responses { tool_type },
    }
}

const fn gemini(id: &'static str, key: &'static str, wire_name: &'static str) -> ProviderTool {
    ProviderTool {
        id,
        format: WireFormat::Gemini,
        wire_name,
        beta: None,
        include: None,
        form: Form::Gemini { key },
    }
}

const WEB_SEARCH_SOURCES: Option<&str> = Some("web_search_call.action.sources");
const WEB_TOOLS_2026: Option<&str> = Some("code-execution-web-tools-2026-02-09");

/// Every provider-defined tool the sidecar sends, by API.
pub static PROVIDER_TOOLS: &[ProviderTool] = &[
    anthropic(
        "anthropic.web_search_20250305",
        "web_search_20250305",
        "web_search",
        None,
    ),
    anthropic(
        "anthropic.web_search_20260209",
        "web_search_20260209",
        "web_search",
        WEB_TOOLS_2026,
    ),
    anthropic(
        "anthropic.web_fetch_20250910",
        "web_fetch_20250910",
        "web_fetch",
        Some("web-fetch-2025-09-10"),
    ),
    anthropic(
        "anthropic.web_fetch_20260209",
        "web_fetch_20260209",
        "web_fetch",
        WEB_TOOLS_2026,
    ),
    anthropic(
        "anthropic.code_execution_20250522",
        "code_execution_20250522",
        "code_execution",
        Some("code-execution-2025-05-22"),
    ),
    anthropic(
        "anthropic.code_execution_20250825",
        "code_execution_20250825",
        "code_execution",
        Some("code-execution-2025-08-25"),
    ),
    anthropic(
        "anthropic.code_execution_20260120",
        "code_execution_20260120",
        "code_execution",
        None,
    ),
    responses(
        "openai.web_search",
        "web_search",
        "web_search",
        WEB_SEARCH_SOURCES,
    ),
    responses(
        "openai.web_search_preview",
        "web_search_preview",
        "web_search",
        WEB_SEARCH_SOURCES,
    ),
    responses("openai.file_search", "file_search", "file_search", None),
    gemini("google.google_search", "googleSearch", "google_search"),
    gemini("google.url_context", "urlContext", "url_context"),
];

/// The provider-defined tool `id` of `format`.
pub fn find(format: WireFormat, id: &str) -> Option<&'static ProviderTool> {
    PROVIDER_TOOLS
        .iter()
        .find(|tool| tool.format == format && tool.id == id)
}

/// The ids `format` offers.
pub fn ids(format: WireFormat) -> impl Iterator<Item = &'static str> {
    PROVIDER_TOOLS
        .iter()
        .filter(move |tool| tool.format == format)
        .map(|tool| tool.id)
}

impl ProviderTool {
    /// The tool as the API lists it, with the call's `args` (AI SDK spelling).
    pub fn wire_entry(&self, args: Option<&Map<String, Value>>) -> Value {
        let empty = Map::new();
        let args = args.unwrap_or(&empty);
        match self.form {
            Form::Anthropic { tool_type } => {
                let mut entry = Map::new();
                entry.insert("type".into(), json!(tool_type));
                entry.insert("name".into(), json!(self.wire_name));
                entry.extend(snake_case_keys(args));
                Value::Object(entry)
            }
            Form::Responses { tool_type } => {
                let mut entry = Map::new();
                entry.insert("type".into(), json!(tool_type));
                for (key, value) in snake_case_keys(args) {
                    // The file search's `ranking` is `ranking_options` on the wire.
                    let key = if key == "ranking" {
                        "ranking_options".to_string()
                    } else {
                        key
                    };
                    entry.insert(key, value);
                }
                Value::Object(entry)
            }
            Form::Gemini { key } => json!({ key: args }),
        }
    }
}

/// `maxUses` → `max_uses`, recursively through objects and arrays.
fn snake_case_keys(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .map(|(key, value)| (snake_case(key), snake_case_value(value)))
        .collect()
}

fn snake_case_value(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(snake_case_keys(map)),
        Value::Array(items) => Value::Array(items.iter().map(snake_case_value).collect()),
        other => other.clone(),
    }
}

fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("an object")
    }

    #[test]
    fn each_api_lists_its_tools_in_its_own_form() {
        let search = find(WireFormat::Anthropic, "anthropic.web_search_20250305").expect("known");
        assert_eq!(
            search.wire_entry(Some(&args(
                json!({"maxUses": 3, "allowedDomains": ["a.com"],
                "userLocation": {"type": "approximate", "city": "Paris"}})
            ))),
            json!({"type": "web_search_20250305", "name": "web_search", "max_uses": 3,
                "allowed_domains": ["a.com"], "user_location": {"type": "approximate", "city": "Paris"}})
        );
        let files = find(WireFormat::OpenaiResponses, "openai.file_search").expect("known");
        assert_eq!(
            files.wire_entry(Some(&args(
                json!({"vectorStoreIds": ["vs_1"], "maxNumResults": 5,
                "ranking": {"ranker": "auto", "scoreThreshold": 0.5}})
            ))),
            json!({"type": "file_search", "vector_store_ids": ["vs_1"], "max_num_results": 5,
                "ranking_options": {"ranker": "auto", "score_threshold": 0.5}})
        );
        let grounding = find(WireFormat::Gemini, "google.google_search").expect("known");
        assert_eq!(grounding.wire_entry(None), json!({"googleSearch": {}}));
        assert!(find(WireFormat::OpenaiChat, "openai.web_search").is_none());
        assert_eq!(ids(WireFormat::Bedrock).count(), 0);
    }
}
