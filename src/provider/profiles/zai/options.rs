//! Z.AI request options beyond OpenAI's, typed, and their mapping into the request body.
//!
//! Accepted in camelCase (the sidecar's convention) or in Z.AI's own snake_case; always written
//! to the body in snake_case.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ThinkingType {
    Enabled,
    Disabled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ZaiThinking {
    #[serde(rename = "type")]
    pub kind: ThinkingType,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "clear_thinking"
    )]
    pub clear_thinking: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ZaiWebSearch {
    pub enable: bool,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "search_query"
    )]
    pub search_query: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "search_result"
    )]
    pub search_result: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "require_search"
    )]
    pub require_search: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "search_domain_filter"
    )]
    pub search_domain_filter: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "search_recency_filter"
    )]
    pub search_recency_filter: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "content_size"
    )]
    pub content_size: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "result_sequence"
    )]
    pub result_sequence: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ZaiRetrieval {
    #[serde(alias = "knowledge_id")]
    pub knowledge_id: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "prompt_template"
    )]
    pub prompt_template: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ZaiRequestOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking: Option<ZaiThinking>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "tool_stream"
    )]
    pub tool_stream: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "web_search")]
    pub web_search: Option<ZaiWebSearch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrieval: Option<ZaiRetrieval>,
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "request_id")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "user_id")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "do_sample")]
    pub do_sample: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Free-form; passed through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Map<String, Value>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "sensitive_word_check"
    )]
    pub sensitive_word_check: Option<Value>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "watermark_enabled"
    )]
    pub watermark_enabled: Option<bool>,
}

/// Every option name this module reads, in both spellings.
const KEYS: &[(&str, &str)] = &[
    ("thinking", "thinking"),
    ("toolStream", "tool_stream"),
    ("webSearch", "web_search"),
    ("retrieval", "retrieval"),
    ("requestId", "request_id"),
    ("userId", "user_id"),
    ("doSample", "do_sample"),
    ("seed", "seed"),
    ("meta", "meta"),
    ("sensitiveWordCheck", "sensitive_word_check"),
    ("watermarkEnabled", "watermark_enabled"),
];

impl ZaiRequestOptions {
    /// Picks the Z.AI options out of a provider/session options map, ignoring everything else.
    pub fn from_options(options: &Map<String, Value>) -> Result<Self, serde_json::Error> {
        let mut picked = Map::new();
        for (camel, snake) in KEYS {
            if let Some(value) = options.get(*camel).or_else(|| options.get(*snake)) {
                picked.insert((*camel).to_string(), value.clone());
            }
        }
        serde_json::from_value(Value::Object(picked))
    }

    /// The body fields, with Z.AI's snake_case names (including inside nested objects).
    pub fn to_body(&self) -> Map<String, Value> {
        let mut body = Map::new();
        let Ok(Value::Object(fields)) = serde_json::to_value(self) else {
            return body;
        };
        for (key, value) in fields {
            let value = match (key.as_str(), value) {
                ("meta", value) => value,
                (_, Value::Object(nested)) => Value::Object(
                    nested
                        .into_iter()
                        .map(|(k, v)| (camel_to_snake(&k), v))
                        .collect(),
                ),
                (_, value) => value,
            };
            body.insert(camel_to_snake(&key), value);
        }
        body
    }
}

fn camel_to_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for ch in name.chars() {
        if ch.is_ascii_uppercase() {
            out.push('_');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_spellings_map_to_snake_case_body() {
        let options = json!({
            "thinking": {"type": "enabled", "clearThinking": false},
            "tool_stream": true,
            "webSearch": {"enable": true, "search_query": "rust", "searchRecencyFilter": "oneWeek"},
            "retrieval": {"knowledgeId": "kb1"},
            "requestId": "req-1",
            "user_id": "u-1",
            "doSample": false,
            "seed": 7,
            "meta": {"userInfo": "x"},
            "sensitiveWordCheck": {"type": "ALL", "status": "DISABLE"},
            "watermark_enabled": false,
            "baseURL": "ignored",
        });
        let parsed =
            ZaiRequestOptions::from_options(options.as_object().expect("obj")).expect("ok");
        assert_eq!(
            Value::Object(parsed.to_body()),
            json!({
                "thinking": {"type": "enabled", "clear_thinking": false},
                "tool_stream": true,
                "web_search": {"enable": true, "search_query": "rust", "search_recency_filter": "oneWeek"},
                "retrieval": {"knowledge_id": "kb1"},
                "request_id": "req-1",
                "user_id": "u-1",
                "do_sample": false,
                "seed": 7,
                "meta": {"userInfo": "x"},
                "sensitive_word_check": {"type": "ALL", "status": "DISABLE"},
                "watermark_enabled": false,
            })
        );
    }

    #[test]
    fn bad_types_are_rejected() {
        let options = json!({"thinking": {"type": "sometimes"}});
        assert!(ZaiRequestOptions::from_options(options.as_object().expect("obj")).is_err());
        let empty = ZaiRequestOptions::from_options(&Map::new()).expect("ok");
        assert!(empty.to_body().is_empty());
    }
}
