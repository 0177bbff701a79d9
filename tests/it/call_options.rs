//! Call options at AI SDK parity (issue 25) over the binary: recorded provider streams replayed by
//! a mock provider, checked part by part, for a JSON answer asked of a model whose catalog says
//! it has no structured output (the forced `json` tool, handed back as text), provider-defined
//! tools with their sources, and the options a provider refuses by design.

use provider_sidecar::protocol::testing::{
    MockResponse, MockServer, content_type_for, fixture_lines, fixtures_dir, split_responses,
    wire_chunks,
};
use serde_json::{Value, json};

use crate::chat::{chat_calls, runtime, sidecar_with, stream};

/// The first response recorded in `fixtures/provider-streams/<folder>/<name>.chunks.txt`, as wire
/// chunks.
pub fn recorded(folder: &str, name: &str) -> MockResponse {
    let path = fixtures_dir()
        .join(folder)
        .join(format!("{name}.chunks.txt"));
    let text = std::fs::read_to_string(&path).expect("fixture readable");
    let lines = fixture_lines(&text);
    let first = if folder == "openai-responses" {
        split_responses(&lines).remove(0)
    } else {
        lines
    };
    MockResponse::stream(content_type_for(folder), wire_chunks(folder, &first))
}

/// The parts of a stream without their usage parts (usage is pinned by the protocol goldens).
fn without_usage(parts: &[Value]) -> Vec<Value> {
    parts
        .iter()
        .filter(|part| part["type"] != "usage")
        .cloned()
        .collect()
}

const ELEMENTS: &str =
    r#"{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]}"#;

/// claude-haiku-4-5 has no structured output in the catalog: a JSON answer is asked through a
/// forced `json` tool, and the tool's input comes back as the answer's text (the recorded
/// stream is the AI SDK's capture of exactly that call).
#[test]
fn a_json_answer_from_a_model_without_structured_output_comes_back_as_text() {
    let rt = runtime();
    let server = rt
        .block_on(MockServer::start(vec![recorded(
            "anthropic",
            "anthropic-json-tool.1",
        )]))
        .expect("mock starts");
    let mut sidecar = sidecar_with(json!({"anthropic": {"options": {
        "baseURL": format!("{}/v1", server.base_url), "apiKey": "sk-test"}}}));
    sidecar.call("session/open", json!({"sessionId": "s"}));
    let schema = json!({"type": "object", "properties": {"elements": {"type": "array"}}, "required": ["elements"]});
    let params = json!({"sessionId": "s", "providerId": "anthropic", "modelId": "claude-haiku-4-5",
        "messages": [{"role": "user", "content": "Weather in San Francisco, as JSON."}],
        "responseFormat": {"type": "json", "schema": schema}});
    let preview = sidecar.call("transform/preview", params.clone());
    assert_eq!(preview["responseFormat"]["mode"], "tool", "{preview}");
    let (parts, response) = stream(&mut sidecar, params);
    let id = "toolu_01KFbKqPYSuAKujiL6mTfzYA";
    assert_eq!(
        without_usage(&parts),
        vec![
            json!({"type": "text-start", "id": id}),
            json!({"type": "text-delta", "id": id, "delta": r#"{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]"#}),
            json!({"type": "text-delta", "id": id, "delta": "}"}),
            json!({"type": "text-end", "id": id}),
            json!({"type": "finish", "finishReason": "stop",
                "usage": {"inputTokens": 849, "outputTokens": 47, "reasoningTokens": 0, "cachedInputTokens": 0, "cacheWriteTokens": 0},
                "providerMetadata": {"anthropic": {"stopReason": "tool_use"}}}),
        ]
    );
    let result = &response["result"];
    assert_eq!(
        result["content"],
        json!([{"type": "text", "text": ELEMENTS}])
    );
    assert_eq!(result["finishReason"], "stop");
    let answer: Value = serde_json::from_str(ELEMENTS).expect("the text is the JSON answer");
    assert_eq!(answer["elements"][0]["temperature"], 58);
    // What went upstream is what the preview showed: the forced tool.
    let seen = chat_calls(&server);
    let body: Value = serde_json::from_slice(&seen[0].body).expect("JSON body");
    assert_eq!(body, preview["body"]);
    assert_eq!(body["tools"][0]["name"], "json");
    assert_eq!(body["tools"][0]["input_schema"], schema);
    assert_eq!(
        body["tool_choice"],
        json!({"type": "any", "disable_parallel_tool_use": true})
    );
}
