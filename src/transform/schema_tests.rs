//! OpenCode's `ProviderTransform.schema` test cases (Gemini array items, combiners, non-object
//! properties; Moonshot `$ref` siblings and tuple items).

use serde_json::{Value, json};

use super::*;
use crate::transform::test_support::Call;

fn walk(node: &Value, path: &mut Vec<String>, visit: &mut dyn FnMut(&Value, &[String])) {
    match node {
        Value::Object(map) => {
            visit(node, path);
            for (key, value) in map {
                path.push(key.clone());
                walk(value, path, visit);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (at, item) in items.iter().enumerate() {
                path.push(at.to_string());
                walk(item, path, visit);
                path.pop();
            }
        }
        _ => {}
    }
}

#[test]
fn gemini_arrays_get_items() {
    let out = gemini_schema(&json!({"type": "object", "properties": {
        "nodes": {"type": "array"},
        "edges": {"type": "array", "items": {"type": "string"}},
        "values": {"type": "array", "items": {"type": "array", "items": {}}},
        "data": {"type": "array", "items": {"type": "array"}},
        "matrix": {"type": "array", "items": {"type": "array", "items": {"type": "array"}}},
        "numbers": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
        "sheet": {"type": "object", "properties": {"rows": {"type": "array", "items": {"type": "array", "items": {}}}}}
    }}));
    let p = &out["properties"];
    assert!(p["nodes"]["items"].is_object());
    assert_eq!(p["edges"]["items"]["type"], "string");
    assert_eq!(p["values"]["items"]["items"]["type"], "string");
    assert_eq!(p["data"]["items"]["items"]["type"], "string");
    assert_eq!(p["matrix"]["items"]["items"]["items"]["type"], "string");
    assert_eq!(p["numbers"]["items"]["items"]["type"], "number");
    assert_eq!(
        p["sheet"]["properties"]["rows"]["items"]["items"]["type"],
        "string"
    );
}

#[test]
fn gemini_leaves_combiner_nodes_alone() {
    let input = json!({"type": "object", "properties": {
        "edits": {"type": "array", "items": {"anyOf": [
            {"type": "object", "properties": {"old_string": {"type": "string"}}, "required": ["old_string"]},
            {"type": "string"}
        ]}},
        "value": {"oneOf": [{"type": "string"}, {"type": "boolean"}]},
        "meta": {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}]}
    }, "required": ["edits"]});
    let out = gemini_schema(&input);
    assert!(out["properties"]["edits"]["items"]["anyOf"].is_array());
    assert!(out["properties"]["edits"]["items"].get("type").is_none());
    walk(&out, &mut Vec::new(), &mut |node, path| {
        let Value::Object(map) = node else { return };
        if !has_combiner(map) {
            return;
        }
        let before = path.iter().fold(&input, |node, key| match node {
            Value::Array(items) => &items[key.parse::<usize>().expect("index")],
            other => &other[key],
        });
        let added: Vec<&String> = map
            .keys()
            .filter(|key| before.get(key.as_str()).is_none())
            .collect();
        assert!(added.is_empty(), "{path:?} gained {added:?}");
    });
}

#[test]
fn gemini_drops_properties_and_required_of_non_objects() {
    let out = gemini_schema(&json!({"type": "object", "properties": {
        "data": {"type": "string", "properties": {"invalid": {"type": "string"}}},
        "list": {"type": "array", "items": {"type": "string"}, "required": ["invalid"]},
        "outer": {"type": "object", "properties": {"inner": {
            "type": "number", "properties": {"bad": {"type": "string"}}, "required": ["bad"]
        }}},
        "kept": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name", "ghost"]}
    }}));
    let p = &out["properties"];
    assert!(p["data"].get("properties").is_none());
    assert!(p["list"].get("required").is_none());
    assert!(
        p["outer"]["properties"]["inner"]
            .get("properties")
            .is_none()
    );
    assert!(p["outer"]["properties"]["inner"].get("required").is_none());
    assert_eq!(p["kept"]["required"], json!(["name"]));
}

#[test]
fn gemini_enums_are_strings() {
    let out = gemini_schema(&json!({"type": "object", "properties": {
        "level": {"type": "integer", "enum": [1, 2, 3]},
        "mode": {"enum": ["a", "b"], "type": "string"}
    }}));
    assert_eq!(
        out["properties"]["level"],
        json!({"type": "string", "enum": ["1", "2", "3"]})
    );
    assert_eq!(out["properties"]["mode"]["enum"], json!(["a", "b"]));
}

#[test]
fn moonshot_keeps_only_refs_and_one_items_schema() {
    let out = moonshot_schema(&json!({"type": "object", "properties": {
        "variantOptions": {"$ref": "#/$defs/VariantOptions", "description": "Required. The options."},
        "size": {"type": "array", "items": [{"type": "number"}, {"type": "number"}], "minItems": 2}
    }, "$defs": {"VariantOptions": {"description": "kept", "type": "object"}}}));
    assert_eq!(
        out["properties"]["variantOptions"],
        json!({"$ref": "#/$defs/VariantOptions"})
    );
    assert_eq!(out["$defs"]["VariantOptions"]["description"], "kept");
    assert_eq!(
        out["properties"]["size"]["items"],
        json!({"type": "number"})
    );
}

#[test]
fn which_calls_get_which_sanitizing() {
    let schema = json!({"type": "object", "properties": {
        "v": {"$ref": "#/$defs/V", "description": "sibling"},
        "s": {"type": "string", "properties": {"x": {}}}
    }});
    let tools = |call: &Call| {
        let mut tools = vec![Tool::function("t", None, schema.clone())];
        apply(&call.cx(), &mut tools);
        tools.remove(0).input_schema
    };
    let kimi = tools(&Call::custom(
        "openrouter",
        "@openrouter/ai-sdk-provider",
        "moonshotai/kimi-k2",
        false,
    ));
    assert_eq!(kimi["properties"]["v"], json!({"$ref": "#/$defs/V"}));
    let moonshot = tools(&Call::custom(
        "moonshotai",
        "@ai-sdk/openai-compatible",
        "some-model",
        false,
    ));
    assert_eq!(moonshot["properties"]["v"], json!({"$ref": "#/$defs/V"}));
    let gemini = tools(&Call::custom(
        "google",
        "@ai-sdk/google",
        "gemini-3-pro",
        false,
    ));
    assert!(gemini["properties"]["s"].get("properties").is_none());
    let gpt = tools(&Call::custom("openai", "@ai-sdk/openai", "gpt-4", false));
    assert_eq!(gpt, schema, "other providers are untouched");
}

#[test]
fn anthropic_output_schemas_are_closed_and_keep_constraints_as_text() {
    let out = anthropic_output_schema(&json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1, "description": "Who"},
            "when": {"type": "string", "format": "date"},
            "site": {"type": "string", "format": "hostname-ish"},
            "tags": {"type": "array", "items": {"type": "object", "properties": {"k": {"type": "string"}}}, "maxItems": 3},
            "either": {"oneOf": [{"type": "string"}, {"type": "integer", "minimum": 0}]},
            "ref": {"$ref": "#/$defs/x", "description": "dropped beside a $ref"}
        },
        "required": ["name"],
        "examples": [{"name": "x"}]
    }));
    assert_eq!(
        out,
        json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "name": {"type": "string", "description": "Who\nminLength: 1."},
                "when": {"type": "string", "format": "date"},
                "site": {"type": "string", "description": "format: hostname-ish."},
                "tags": {"type": "array", "description": "maxItems: 3.",
                    "items": {"type": "object", "additionalProperties": false, "properties": {"k": {"type": "string"}}}},
                "either": {"anyOf": [{"type": "string"}, {"type": "integer", "description": "minimum: 0."}]},
                "ref": {"$ref": "#/$defs/x"}
            },
            "required": ["name"]
        })
    );
}
