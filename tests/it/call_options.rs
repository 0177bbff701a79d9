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

/// Amazon Nova on Bedrock has no structured output: the JSON answer is asked through the forced
/// `json` tool (Converse `toolChoice: {any: {}}`); the text the model wrote before it is not
/// the answer and is dropped, the tool's input is.
#[test]
fn a_json_answer_through_bedrocks_forced_tool_drops_the_preamble() {
    let rt = runtime();
    let server = rt
        .block_on(MockServer::start(vec![recorded(
            "bedrock",
            "amazon-bedrock-json-only-text-first.1",
        )]))
        .expect("mock starts");
    let mut sidecar = sidecar_with(
        json!({"amazon-bedrock": {"options": {"baseURL": server.base_url, "region": "us-east-1"}}}),
    );
    sidecar.call(
        "session/open",
        json!({"sessionId": "s", "credentials": {"amazon-bedrock":
            {"accessKeyId": "AKIDTEST", "secretAccessKey": "aws-test-secret"}}}),
    );
    let schema = json!({"type": "object", "properties": {"name": {"type": "string"}}});
    let (parts, response) = stream(
        &mut sidecar,
        json!({"sessionId": "s", "providerId": "amazon-bedrock", "modelId": "amazon.nova-pro-v1:0",
            "messages": [{"role": "user", "content": "Who? As JSON."}],
            "responseFormat": {"type": "json", "schema": schema}}),
    );
    assert_eq!(
        without_usage(&parts),
        vec![
            json!({"type": "text-start", "id": "json-tool-1"}),
            json!({"type": "text-delta", "id": "json-tool-1", "delta": r#"{"name":"John"}"#}),
            json!({"type": "text-end", "id": "json-tool-1"}),
            json!({"type": "finish", "finishReason": "stop",
                "usage": {"inputTokens": 100, "outputTokens": 20, "reasoningTokens": 0, "cachedInputTokens": 0, "cacheWriteTokens": 0},
                "providerMetadata": {"bedrock": {"stopReason": "tool_use"}}}),
        ]
    );
    assert_eq!(
        response["result"]["content"],
        json!([{"type": "text", "text": r#"{"name":"John"}"#}])
    );
    let seen = chat_calls(&server);
    let body: Value = serde_json::from_slice(&seen[0].body).expect("JSON body");
    assert_eq!(body["toolConfig"]["toolChoice"], json!({"any": {}}));
    assert_eq!(
        body["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"],
        schema
    );
}

/// The parts and result the protocol golden of a recorded stream pins
/// (`fixtures/golden/<folder>/<name>.json`), with provider-executed tools renamed from the API's
/// name to the declared one.
fn golden_with_names(folder: &str, name: &str, renames: &[(&str, &str)]) -> (Value, Value) {
    let path = crate::support::repo_path(&format!("fixtures/golden/{folder}/{name}.json"));
    let golden: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("golden readable"))
            .expect("golden is JSON");
    let rename = |part: &mut Value| {
        let provider_executed = part["providerExecuted"] == json!(true);
        let tool = matches!(
            part["type"].as_str(),
            Some("tool-input-start" | "tool-call" | "tool-result")
        );
        if !(provider_executed && tool) {
            return;
        }
        for (wire, declared) in renames {
            if part["toolName"] == json!(wire) {
                part["toolName"] = json!(declared);
            }
        }
    };
    let mut parts = golden["parts"].clone();
    parts.as_array_mut().into_iter().flatten().for_each(rename);
    let mut result = golden["result"].clone();
    result["content"]
        .as_array_mut()
        .into_iter()
        .flatten()
        .for_each(rename);
    (parts, result)
}

/// The result without its cost (catalog prices; the protocol goldens have none).
fn without_cost(result: &Value) -> Value {
    let mut result = result.clone();
    if let Some(map) = result.as_object_mut() {
        let cost = map.remove("cost");
        assert!(cost.is_none_or(|c| c.is_number()), "cost is a number");
    }
    result
}

fn header<'a>(
    request: &'a provider_sidecar::protocol::testing::RecordedRequest,
    name: &str,
) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Replays one recorded stream for a call offering `tools`; returns the streamed parts, the
/// response and the upstream request.
fn replay_with_tools(
    folder: &str,
    name: &str,
    provider: &str,
    model: &str,
    tools: Value,
) -> (
    Vec<Value>,
    Value,
    provider_sidecar::protocol::testing::RecordedRequest,
) {
    let rt = runtime();
    let server = rt
        .block_on(MockServer::start(vec![recorded(folder, name)]))
        .expect("mock starts");
    let mut sidecar = sidecar_with(json!({provider: {"options": {
        "baseURL": format!("{}/v1", server.base_url), "apiKey": "sk-test"}}}));
    sidecar.call("session/open", json!({"sessionId": "s"}));
    let (parts, response) = stream(
        &mut sidecar,
        json!({"sessionId": "s", "providerId": provider, "modelId": model,
            "messages": [{"role": "user", "content": "What happened in tech today?"}],
            "tools": tools}),
    );
    let seen = chat_calls(&server);
    assert_eq!(seen.len(), 1, "one upstream request");
    (parts, response, seen[0].clone())
}

/// Anthropic's server web search, declared under another name: its call and result come back
/// under that name, a source per page found and per citation, in the stream and the result.
#[test]
fn anthropic_web_search_streams_its_call_result_and_sources() {
    let (parts, response, request) = replay_with_tools(
        "anthropic",
        "anthropic-web-search-tool.1",
        "anthropic",
        "claude-sonnet-4-5",
        json!([{"type": "provider-defined", "id": "anthropic.web_search_20250305", "name": "search",
            "args": {"maxUses": 2}}]),
    );
    let (expected_parts, expected_result) = golden_with_names(
        "anthropic",
        "anthropic-web-search-tool.1",
        &[("web_search", "search")],
    );
    assert_eq!(Value::Array(parts.clone()), expected_parts);
    assert_eq!(without_cost(&response["result"]), expected_result);
    let call = parts
        .iter()
        .find(|p| p["type"] == "tool-call")
        .expect("a tool call");
    assert_eq!(call["toolName"], "search");
    assert_eq!(call["providerExecuted"], true);
    let content = response["result"]["content"].as_array().expect("content");
    let sources = content.iter().filter(|p| p["type"] == "source").count();
    assert_eq!(
        sources,
        parts.iter().filter(|p| p["type"] == "source").count()
    );
    assert!(sources > 10, "{sources} sources");
    assert!(
        content
            .iter()
            .any(|p| p["type"] == "tool-result" && p["toolName"] == "search")
    );
    let body: Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(
        body["tools"],
        json!([{"type": "web_search_20250305", "name": "web_search", "max_uses": 2}])
    );
}

/// OpenAI's web search through the Responses API: the sources of each search are asked for
/// (`include`), each search streams as a provider-executed call and result, citations as sources.
#[test]
fn openai_web_search_streams_its_calls_results_and_citations() {
    let (parts, response, request) = replay_with_tools(
        "openai-responses",
        "openai-web-search-tool.1",
        "openai",
        "gpt-5-mini",
        json!([{"type": "provider-defined", "id": "openai.web_search", "name": "web_search",
            "args": {"searchContextSize": "low"}}]),
    );
    let (expected_parts, expected_result) =
        golden_with_names("openai-responses", "openai-web-search-tool.1", &[]);
    assert_eq!(Value::Array(parts.clone()), expected_parts);
    assert_eq!(without_cost(&response["result"]), expected_result);
    let results: Vec<&Value> = parts
        .iter()
        .filter(|p| p["type"] == "tool-result")
        .collect();
    assert_eq!(results.len(), 6, "six searches");
    assert_eq!(results[0]["output"]["action"]["type"], "search");
    assert!(
        results[0]["output"]["sources"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(parts.iter().filter(|p| p["type"] == "source").count(), 12);
    assert_eq!(response["result"]["finishReason"], "stop");
    let body: Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(
        body["tools"],
        json!([{"type": "web_search", "search_context_size": "low"}])
    );
    assert!(
        body["include"]
            .as_array()
            .is_some_and(|i| i.contains(&json!("web_search_call.action.sources"))),
        "{body}"
    );
}

/// OpenAI's file search, declared as `docs`: the call and its results (queries, scored chunks)
/// under that name, file citations as document sources.
#[test]
fn openai_file_search_streams_results_and_document_sources() {
    let (parts, response, request) = replay_with_tools(
        "openai-responses",
        "openai-file-search-tool.2",
        "openai",
        "gpt-5-mini",
        json!([{"type": "provider-defined", "id": "openai.file_search", "name": "docs",
            "args": {"vectorStoreIds": ["vs_1"]}}]),
    );
    let (expected_parts, expected_result) = golden_with_names(
        "openai-responses",
        "openai-file-search-tool.2",
        &[("file_search", "docs")],
    );
    assert_eq!(Value::Array(parts.clone()), expected_parts);
    assert_eq!(without_cost(&response["result"]), expected_result);
    let result = parts
        .iter()
        .find(|p| p["type"] == "tool-result")
        .expect("a result");
    assert_eq!(result["toolName"], "docs");
    assert_eq!(result["output"]["results"][0]["filename"], "ai.pdf");
    let source = parts
        .iter()
        .find(|p| p["type"] == "source")
        .expect("a source");
    assert_eq!(source["sourceType"], "document");
    assert_eq!(source["filename"], "ai.pdf");
    let body: Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(
        body["tools"],
        json!([{"type": "file_search", "vector_store_ids": ["vs_1"]}])
    );
}

/// Anthropic's code execution: the beta it needs goes upstream beside the loader's, and each
/// bash and editor step streams as a provider-executed call with its result.
#[test]
fn anthropic_code_execution_sends_its_beta_and_streams_each_step() {
    let (parts, response, request) = replay_with_tools(
        "anthropic",
        "anthropic-code-execution-20250825.1",
        "anthropic",
        "claude-sonnet-4-5",
        json!([{"type": "provider-defined", "id": "anthropic.code_execution_20250825", "name": "code_execution"}]),
    );
    let (expected_parts, expected_result) =
        golden_with_names("anthropic", "anthropic-code-execution-20250825.1", &[]);
    assert_eq!(Value::Array(parts.clone()), expected_parts);
    assert_eq!(without_cost(&response["result"]), expected_result);
    let betas = header(&request, "anthropic-beta").expect("anthropic-beta");
    assert!(
        betas.split(',').any(|b| b == "code-execution-2025-08-25"),
        "{betas}"
    );
    assert!(
        betas
            .split(',')
            .any(|b| b == "fine-grained-tool-streaming-2025-05-14"),
        "{betas}"
    );
    let names: Vec<&str> = parts
        .iter()
        .filter(|p| p["type"] == "tool-result")
        .filter_map(|p| p["toolName"].as_str())
        .collect();
    assert!(names.contains(&"bash_code_execution"), "{names:?}");
    assert!(names.contains(&"text_editor_code_execution"), "{names:?}");
}

/// `model/get` and `model/list` say which call options a model takes, with the answers the
/// request transforms give (a JSON answer's mode, seed and penalties, provider-defined tools).
#[test]
fn model_descriptors_say_which_call_options_a_model_takes() {
    let mut sidecar = crate::support::Sidecar::spawn();
    let get = |sidecar: &mut crate::support::Sidecar, provider: &str, model: &str| {
        sidecar.call(
            "model/get",
            json!({"providerId": provider, "modelId": model}),
        )
    };
    let claude = get(&mut sidecar, "anthropic", "claude-sonnet-4-5");
    assert_eq!(claude["structuredOutput"], false);
    assert_eq!(
        claude["callOptions"],
        json!({"jsonAnswer": "tool", "seed": false, "presencePenalty": false, "frequencyPenalty": false,
            "providerTools": ["anthropic.web_search_20250305", "anthropic.web_search_20260209",
                "anthropic.web_fetch_20250910", "anthropic.web_fetch_20260209",
                "anthropic.code_execution_20250522", "anthropic.code_execution_20250825",
                "anthropic.code_execution_20260120"]})
    );
    let gpt = get(&mut sidecar, "openai", "gpt-4.1");
    assert_eq!(
        gpt["callOptions"],
        json!({"jsonAnswer": "schema", "seed": false, "presencePenalty": false, "frequencyPenalty": false,
            "providerTools": ["openai.web_search", "openai.web_search_preview", "openai.file_search"]})
    );
    let deepseek = get(&mut sidecar, "deepseek", "deepseek-chat");
    assert_eq!(
        deepseek["callOptions"],
        json!({"jsonAnswer": "json-object", "seed": true, "presencePenalty": true, "frequencyPenalty": true,
            "providerTools": []})
    );
    let gemini = get(&mut sidecar, "google", "gemini-2.5-flash");
    assert_eq!(gemini["callOptions"]["jsonAnswer"], "schema");
    assert_eq!(
        gemini["callOptions"]["providerTools"],
        json!(["google.google_search", "google.url_context"])
    );
    // A model that calls no tools is offered no provider-defined tool.
    let image = get(&mut sidecar, "google", "gemini-2.5-flash-image");
    assert_eq!(image["capabilities"]["tools"], false);
    assert_eq!(image["callOptions"]["providerTools"], json!([]));
    assert_eq!(image["callOptions"]["jsonAnswer"], "json-object");
    // The list carries the same object.
    let listed = sidecar.call("model/list", json!({"providerId": "deepseek"}))["models"].clone();
    let listed = listed
        .as_array()
        .expect("models")
        .iter()
        .find(|m| m["modelId"] == "deepseek-chat")
        .cloned()
        .expect("deepseek-chat listed");
    assert_eq!(listed["callOptions"], deepseek["callOptions"]);
}
