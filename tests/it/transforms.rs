//! Request transforms over the binary: every case in `fixtures/golden/transforms/*.json` (a
//! session, the call's params, and the exact request `transform/preview` must show for them: URL,
//! headers with secrets redacted, body) — and the same request reaching a mock provider through
//! `chat/stream`. `UPDATE_GOLDEN=1` rewrites each case's `expect` (review the diff).

use serde_json::{Value, json};

use crate::chat::{chat_calls, openai_chat_stream, runtime, stream};
use crate::support::{Sidecar, repo_path};
use provider_sidecar::protocol::testing::MockServer;

/// The part of a preview a golden pins: what goes on the wire, and how a JSON answer is asked for.
fn wire_view(preview: &Value) -> Value {
    let mut headers = preview["headers"].clone();
    if let Some(date) = headers.get_mut("x-amz-date") {
        *date = json!("<amz-date>");
    }
    let mut view = json!({"url": preview["url"], "headers": headers, "body": preview["body"]});
    if let Some(plan) = preview.get("responseFormat") {
        view["responseFormat"] = plan.clone();
    }
    view
}

#[test]
fn every_transform_golden_matches_the_preview() {
    let dir = repo_path("fixtures/golden/transforms");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "golden files in {}", dir.display());
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut sidecar = Sidecar::spawn();
    let mut checked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).expect("golden readable");
        let mut doc: Value = serde_json::from_str(&text).expect("golden is JSON");
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let cases = doc["cases"].as_array_mut().expect("cases");
        for case in cases.iter_mut() {
            let name = case["name"].as_str().expect("name").to_string();
            let session_id = format!("{}:{name}", file.as_deref().unwrap_or(""));
            let mut session = case.get("session").cloned().unwrap_or_else(|| json!({}));
            session["sessionId"] = json!(session_id);
            sidecar.call("session/open", session);
            let mut params = case["params"].clone();
            params["sessionId"] = json!(session_id);
            let response = sidecar.request("transform/preview", params);
            let actual = match response.get("result") {
                Some(preview) => wire_view(preview),
                None => json!({"error": response["error"]}),
            };
            if update {
                case["expect"] = actual;
            } else {
                assert_eq!(actual, case["expect"], "{file:?} case {name}");
            }
            sidecar.call("session/close", json!({"sessionId": session_id}));
            checked += 1;
        }
        if update {
            let text = serde_json::to_string_pretty(&doc).expect("json") + "\n";
            std::fs::write(&path, text).expect("golden written");
        }
    }
    assert!(checked >= 10, "only {checked} cases");
}

/// `chat/stream` sends exactly the body `transform/preview` shows: the provider options, the
/// sampling defaults and the prompt-cache key reach the provider.
#[test]
fn chat_stream_sends_the_previewed_request() {
    let rt = runtime();
    let server = rt
        .block_on(MockServer::start(vec![openai_chat_stream("ok")]))
        .expect("mock starts");
    let mut sidecar = Sidecar::spawn();
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"config": {"provider": {
            "deepseek": {"options": {"baseURL": server.base_url, "apiKey": "sk-test", "setCacheKey": true}}
        }}}}),
    );
    sidecar.call("session/open", json!({"sessionId": "s1"}));
    let params = json!({"sessionId": "s1", "providerId": "deepseek", "modelId": "deepseek-chat",
        "messages": [{"role": "user", "content": "hi"}],
        "providerOptions": {"openaiCompatible": {"reasoningEffort": "low"}}});
    let preview = sidecar.call("transform/preview", params.clone());
    let (_, response) = stream(&mut sidecar, params);
    assert!(response.get("result").is_some(), "{response}");
    let seen = chat_calls(&server);
    assert_eq!(seen.len(), 1);
    let body: Value = serde_json::from_slice(&seen[0].body).expect("JSON body");
    assert_eq!(body, preview["body"]);
    assert!(body["max_tokens"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(body["reasoning_effort"], "low");
    assert_eq!(body["prompt_cache_key"], "s1");
}

/// A lone UTF-16 surrogate escape (half an emoji cut by a JavaScript host) is sent as U+FFFD,
/// not refused with a parse error.
#[test]
fn lone_surrogates_are_replaced_not_refused() {
    let mut sidecar = Sidecar::spawn();
    sidecar.call(
        "session/open",
        json!({"sessionId": "s", "env": {"DEEPSEEK_API_KEY": "sk-test"}}),
    );
    let raw = r#"{"jsonrpc":"2.0","id":900,"method":"transform/preview","params":{"sessionId":"s","providerId":"deepseek","modelId":"deepseek-chat","messages":[{"role":"user","content":"broken \ud83d and whole \ud83d\ude80"}]}}"#;
    sidecar.send_raw(format!("{raw}\n").as_bytes());
    let response = sidecar.response_to(&json!(900)).value;
    assert_eq!(
        response["result"]["body"]["messages"][0]["content"], "broken \u{fffd} and whole 🚀",
        "{response}"
    );
}
