//! Tool input schemas as each provider's validator takes them (OpenCode's `schema()`):
//!
//! - Moonshot (the `moonshotai` providers, any Kimi model): a node with `$ref` keeps only the
//!   `$ref` (Moonshot expands references and rejects their siblings), and a tuple `items` array
//!   becomes its first schema.
//! - Gemini (the `google` provider, any Gemini model): enum values become strings (an `integer` or
//!   `number` enum becomes a `string` one), `required` names only existing properties, an array
//!   gets `items` (a schema-empty one typed `string`), and non-object nodes lose `properties` and
//!   `required` — except where `anyOf`/`oneOf`/`allOf` combine schemas, which are left as they are.
//!
//! The schema of a JSON answer goes through the same rules ([`sanitize`]); the Messages API's
//! structured output takes a narrower subset still ([`anthropic_output_schema`]).

use serde_json::{Map, Value, json};

use super::CallContext;
use crate::protocol::types::Tool;

/// Sanitizes every tool's input schema for the call's provider and model.
pub fn apply(cx: &CallContext<'_>, tools: &mut [Tool]) {
    for tool in tools.iter_mut().filter(|tool| tool.kind.is_function()) {
        tool.input_schema = sanitize(cx, &tool.input_schema);
    }
}

/// A schema as the call's provider and model take it.
pub fn sanitize(cx: &CallContext<'_>, schema: &Value) -> Value {
    let rules = cx.profile().message_rules(&cx.call_ref());
    let api_id = cx.model.api_id.to_ascii_lowercase();
    let mut schema = schema.clone();
    if rules.moonshot_schemas || api_id.contains("kimi") {
        schema = moonshot_schema(&schema);
    }
    if rules.gemini_schemas || api_id.contains("gemini") {
        schema = gemini_schema(&schema);
    }
    schema
}

/// String formats the Messages API's structured output accepts.
const ANTHROPIC_FORMATS: &[&str] = &[
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "uri",
    "ipv4",
    "ipv6",
    "uuid",
];

/// Keywords the Messages API's structured output rejects; their meaning is kept as a sentence
/// of the node's description, so the model still reads it.
const ANTHROPIC_CONSTRAINTS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// A JSON answer's schema as the Messages API's structured output (`output_config.format`)
/// takes it: objects closed (`additionalProperties: false`), `oneOf` read as `anyOf`, the
/// keywords it rejects moved into the description, unknown string formats likewise.
pub fn anthropic_output_schema(node: &Value) -> Value {
    let Value::Object(map) = node else {
        return node.clone();
    };
    if let Some(reference) = map.get("$ref") {
        return json!({"$ref": reference});
    }
    let mut out = Map::new();
    let mut notes = Vec::new();
    for (key, value) in map {
        match key.as_str() {
            "$schema" | "$id" | "title" | "description" | "default" | "const" | "enum" | "type"
            | "required" => {
                out.insert(key.clone(), value.clone());
            }
            "anyOf" | "oneOf" | "allOf" => {
                if let Value::Array(options) = value {
                    let name = if key == "allOf" { "allOf" } else { "anyOf" };
                    let converted = options.iter().map(anthropic_output_schema).collect();
                    out.insert(name.into(), Value::Array(converted));
                }
            }
            "properties" | "$defs" | "definitions" => {
                if let Value::Object(children) = value {
                    let converted = children
                        .iter()
                        .map(|(name, child)| (name.clone(), anthropic_output_schema(child)))
                        .collect();
                    out.insert(key.clone(), Value::Object(converted));
                }
            }
            "items" => {
                let items = match value {
                    Value::Array(tuple) => {
                        Value::Array(tuple.iter().map(anthropic_output_schema).collect())
                    }
                    other => anthropic_output_schema(other),
                };
                out.insert(key.clone(), items);
            }
            "format" => match value.as_str() {
                Some(format) if ANTHROPIC_FORMATS.contains(&format) => {
                    out.insert(key.clone(), value.clone());
                }
                _ => notes.push(format!("format: {}", plain(value))),
            },
            constraint
                if ANTHROPIC_CONSTRAINTS.contains(&constraint)
                    && value != &Value::Bool(false)
                    && !value.is_null() =>
            {
                notes.push(format!("{constraint}: {}", plain(value)));
            }
            _ => {}
        }
    }
    if out.get("type").and_then(Value::as_str) == Some("object") || out.contains_key("properties") {
        out.insert("additionalProperties".into(), json!(false));
    }
    if !notes.is_empty() {
        let note = format!("{}.", notes.join("; "));
        let description = match out.get("description").and_then(Value::as_str) {
            Some(own) => format!("{own}\n{note}"),
            None => note,
        };
        out.insert("description".into(), json!(description));
    }
    Value::Object(out)
}

/// A value as a description reads it: a string as it is, anything else as JSON.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

pub fn moonshot_schema(node: &Value) -> Value {
    match node {
        Value::Array(items) => Value::Array(items.iter().map(moonshot_schema).collect()),
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                return json!({"$ref": reference});
            }
            let mut out: Map<String, Value> = map
                .iter()
                .map(|(key, value)| (key.clone(), moonshot_schema(value)))
                .collect();
            if let Some(Value::Array(tuple)) = out.get("items") {
                let first = tuple.first().cloned().unwrap_or_else(|| json!({}));
                out.insert("items".into(), first);
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn has_combiner(map: &Map<String, Value>) -> bool {
    ["anyOf", "oneOf", "allOf"]
        .iter()
        .any(|key| matches!(map.get(*key), Some(Value::Array(_))))
}

/// Whether a schema says anything about its values (an empty one gets a type).
fn has_schema_intent(map: &Map<String, Value>) -> bool {
    has_combiner(map)
        || [
            "type",
            "properties",
            "items",
            "prefixItems",
            "enum",
            "const",
            "$ref",
            "additionalProperties",
            "patternProperties",
            "required",
            "not",
            "if",
            "then",
            "else",
        ]
        .iter()
        .any(|key| map.contains_key(*key))
}

pub fn gemini_schema(node: &Value) -> Value {
    let map = match node {
        Value::Array(items) => return Value::Array(items.iter().map(gemini_schema).collect()),
        Value::Object(map) => map,
        other => return other.clone(),
    };
    let mut out = Map::new();
    for (key, value) in map {
        match (key.as_str(), value) {
            ("enum", Value::Array(values)) => {
                let strings = values
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => Value::String(s.clone()),
                        other => Value::String(other.to_string()),
                    })
                    .collect();
                out.insert(key.clone(), Value::Array(strings));
            }
            (_, Value::Object(_) | Value::Array(_)) => {
                out.insert(key.clone(), gemini_schema(value));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    let kind = out.get("type").and_then(Value::as_str).map(str::to_owned);
    if out.contains_key("enum") && matches!(kind.as_deref(), Some("integer" | "number")) {
        out.insert("type".into(), json!("string"));
    }
    let kind = out.get("type").and_then(Value::as_str).map(str::to_owned);
    if kind.as_deref() == Some("object")
        && let (Some(Value::Object(properties)), Some(Value::Array(required))) =
            (out.get("properties"), out.get("required"))
    {
        let kept: Vec<Value> = required
            .iter()
            .filter(|name| name.as_str().is_some_and(|n| properties.contains_key(n)))
            .cloned()
            .collect();
        out.insert("required".into(), Value::Array(kept));
    }
    let combined = has_combiner(&out);
    if kind.as_deref() == Some("array") && !combined {
        let items = out.entry("items").or_insert_with(|| json!({}));
        if items.is_null() {
            *items = json!({});
        }
        if let Value::Object(items) = items
            && !has_schema_intent(items)
        {
            items.insert("type".into(), json!("string"));
        }
    }
    if kind.as_deref().is_some_and(|k| k != "object") && !combined {
        out.remove("properties");
        out.remove("required");
    }
    Value::Object(out)
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
