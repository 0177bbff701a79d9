//! `chat/stream` and `chat/generate` through the real binary against a mock provider on 127.0.0.1 that
//! replays the recorded provider streams.

use std::time::{Duration, Instant};

use provider_sidecar::protocol::testing::{
    Ending, MockResponse, MockServer, RecordedRequest, content_type_for, fixture_lines,
    fixtures_dir, split_responses, wire_chunks,
};
use serde_json::{Value, json};

use crate::support::{Framing, Sidecar, error_kind, repo_path};

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// A short, complete OpenAI chat completions stream saying `text`.
pub fn openai_chat_stream(text: &str) -> MockResponse {
    let first = json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": null}]});
    let last = json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}});
    MockResponse::stream(
        "text/event-stream",
        vec![
            format!("data: {first}\n\n").into_bytes(),
            format!("data: {last}\n\n").into_bytes(),
            b"data: [DONE]\n\n".to_vec(),
        ],
    )
}

/// Starts the sidecar with `providers` as the global config.
pub fn sidecar_with(providers: Value) -> Sidecar {
    let mut sidecar = Sidecar::spawn();
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"config": {"provider": providers}}}),
    );
    sidecar
}

/// The chat requests a mock saw (model discovery may also `GET /models` on its base URL).
pub fn chat_calls(server: &MockServer) -> Vec<RecordedRequest> {
    server
        .requests()
        .into_iter()
        .filter(|request| request.method == "POST")
        .collect()
}

fn user(text: &str) -> Value {
    json!([{"role": "user", "content": text}])
}

/// Sends `chat/stream` and collects its `chat/delta` parts until the response.
pub fn stream(sidecar: &mut Sidecar, params: Value) -> (Vec<Value>, Value) {
    let id = sidecar.start(Framing::Lsp, "chat/stream", params);
    collect(sidecar, id)
}

fn collect(sidecar: &mut Sidecar, id: i64) -> (Vec<Value>, Value) {
    let mut parts = Vec::new();
    loop {
        let message = sidecar.wait_for(|m| {
            m.value.get("id") == Some(&json!(id))
                || (m.value["method"] == "chat/delta"
                    && m.value["params"]["requestId"] == json!(id))
        });
        if message.value.get("method").is_some() {
            parts.push(message.value["params"]["part"].clone());
        } else {
            return (parts, message.value);
        }
    }
}

/// The first response of a fixture as wire chunks, and its golden parts and result.
pub fn fixture(folder: &str, name: &str) -> (MockResponse, Value) {
    let text = std::fs::read_to_string(
        fixtures_dir()
            .join(folder)
            .join(format!("{name}.chunks.txt")),
    )
    .expect("fixture readable");
    let lines = fixture_lines(&text);
    let first = if folder == "openai-responses" {
        split_responses(&lines).remove(0)
    } else {
        lines
    };
    let golden: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_path(&format!("fixtures/golden/{folder}/{name}.json")))
            .expect("golden readable"),
    )
    .expect("golden is JSON");
    let golden = match golden.get("responses") {
        Some(responses) => responses[0].clone(),
        None => golden,
    };
    (
        MockResponse::stream(content_type_for(folder), wire_chunks(folder, &first)),
        golden,
    )
}

#[test]
fn replays_recorded_streams_as_exact_delta_sequences() {
    let rt = runtime();
    let cases = [
        ("openai-chat", "openai-text", "@ai-sdk/openai-compatible"),
        ("anthropic", "anthropic-text", "@ai-sdk/anthropic"),
        ("openai-responses", "azure-text.1", "@ai-sdk/openai"),
        ("google", "google-text", "@ai-sdk/google"),
    ];
    let mut servers = Vec::new();
    let mut providers = serde_json::Map::new();
    for (folder, name, npm) in cases {
        let (response, golden) = fixture(folder, name);
        let server = rt
            .block_on(MockServer::start(vec![response]))
            .expect("mock starts");
        providers.insert(
            folder.to_string(),
            json!({"npm": npm, "options": {"baseURL": format!("{}/v1", server.base_url), "apiKey": format!("key-{folder}")}}),
        );
        servers.push((folder, server, golden));
    }
    let mut sidecar = sidecar_with(Value::Object(providers));
    sidecar.call("session/open", json!({"sessionId": "s"}));
    for (folder, server, golden) in &servers {
        let (parts, response) = stream(
            &mut sidecar,
            json!({"sessionId": "s", "providerId": folder, "modelId": "m", "messages": user("hi")}),
        );
        assert_eq!(
            Value::Array(parts),
            golden["parts"],
            "{folder}: chat/delta sequence"
        );
        assert_eq!(
            response["result"], golden["result"],
            "{folder}: final result"
        );
        let seen = chat_calls(server);
        assert_eq!(seen.len(), 1, "{folder}: one upstream request");
        let body: Value = serde_json::from_slice(&seen[0].body).expect("JSON body");
        assert!(
            body.to_string().contains("hi"),
            "{folder}: the message went upstream"
        );
    }
    let generated = sidecar.call(
        "chat/generate",
        json!({"sessionId": "s", "providerId": "openai-chat", "modelId": "m", "messages": user("hi")}),
    );
    assert_eq!(generated, servers[0].2["result"]);
}

#[test]
fn cancel_mid_stream_closes_the_upstream_connection_and_answers_partial_usage() {
    let rt = runtime();
    let (complete, _) = fixture("openai-chat", "openai-text");
    let mut stalled = complete.clone();
    stalled.chunks.truncate(5);
    let server = rt
        .block_on(MockServer::start(vec![stalled.with_ending(Ending::Stall)]))
        .expect("mock starts");
    let mut sidecar = sidecar_with(json!({"mock": {"options": {"baseURL": server.base_url}}}));
    sidecar.call("session/open", json!({"sessionId": "s"}));
    let id = sidecar.start(
        Framing::Lsp,
        "chat/stream",
        json!({"sessionId": "s", "providerId": "mock", "modelId": "m", "messages": user("hi")}),
    );
    let first = sidecar.wait_for(|m| {
        m.value["method"] == "chat/delta" && m.value["params"]["part"]["type"] == "text-delta"
    });
    assert_eq!(first.value["params"]["requestId"], json!(id));
    let cancelled_at = Instant::now();
    sidecar.notify(Framing::Lsp, "$/cancelRequest", json!({"id": id}));
    let (_, response) = collect(&mut sidecar, id);
    let closed = rt
        .block_on(server.client_closed(Duration::from_secs(2)))
        .expect("the sidecar closed the upstream connection");
    let waited = closed.into_std().saturating_duration_since(cancelled_at);
    assert!(
        waited < Duration::from_millis(100),
        "upstream closed after {waited:?}"
    );
    assert_eq!(response["error"]["code"], -32800, "{response}");
    let partial = &response["error"]["data"]["partial"];
    assert!(partial["usage"].is_object(), "{response}");
    assert!(
        partial["content"][0]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "partial content kept: {response}"
    );
}

#[test]
fn rate_limited_then_success_retries_and_fallbacks_apply_before_the_first_byte() {
    let rt = runtime();
    let retrying = rt
        .block_on(MockServer::start(vec![
            MockResponse::error(
                429,
                &[("retry-after-ms", "20")],
                r#"{"error":{"message":"slow down"}}"#,
            ),
            openai_chat_stream("after retry"),
        ]))
        .expect("mock starts");
    let limited = rt
        .block_on(MockServer::start(vec![MockResponse::error(
            429,
            &[("retry-after", "7")],
            r#"{"error":{"message":"quota","type":"rate_limit_error"}}"#,
        )]))
        .expect("mock starts");
    let backup = rt
        .block_on(MockServer::start(vec![openai_chat_stream("from backup")]))
        .expect("mock starts");
    let mut sidecar = sidecar_with(json!({
        "retrying": {"options": {"baseURL": retrying.base_url}},
        "limited": {"options": {"baseURL": limited.base_url}},
        "backup": {"options": {"baseURL": backup.base_url}},
    }));
    sidecar.call(
        "session/open",
        json!({"sessionId": "s", "options": {"retry": {"maxRetries": 0}}}),
    );
    sidecar.call("session/open", json!({"sessionId": "r"}));

    let (parts, response) = stream(
        &mut sidecar,
        json!({"sessionId": "r", "providerId": "retrying", "modelId": "m", "messages": user("hi")}),
    );
    assert_eq!(
        response["result"]["content"][0]["text"], "after retry",
        "{response}"
    );
    assert!(
        parts.iter().all(|p| p["type"] != "error"),
        "the failed attempt is not streamed"
    );
    assert_eq!(chat_calls(&retrying).len(), 2);

    let error = sidecar.call_err(
        "chat/generate",
        json!({"sessionId": "s", "providerId": "limited", "modelId": "m", "messages": user("hi")}),
    );
    assert_eq!(error_kind(&error), "rate_limited", "{error}");
    assert_eq!(error["code"], -32021);
    assert_eq!(error["data"]["status"], 429);
    assert_eq!(error["data"]["retryable"], true);
    assert_eq!(error["data"]["retryAfterMs"], 7000);
    assert_eq!(error["data"]["providerMessage"], "quota");

    let (parts, response) = stream(
        &mut sidecar,
        json!({"sessionId": "s", "providerId": "limited", "modelId": "m", "messages": user("hi"),
               "fallbacks": [{"providerId": "backup", "modelId": "b"}]}),
    );
    assert_eq!(
        response["result"]["content"][0]["text"], "from backup",
        "{response}"
    );
    assert!(parts.iter().all(|p| p["type"] != "error"), "{parts:?}");
    assert_eq!(chat_calls(&limited).len(), 2);
    assert_eq!(chat_calls(&backup).len(), 1);
    let body: Value = serde_json::from_slice(&chat_calls(&backup)[0].body).expect("JSON");
    assert_eq!(body["model"], "b");
}

#[test]
fn session_close_cancels_its_in_flight_chats_only() {
    let rt = runtime();
    let (complete, _) = fixture("openai-chat", "openai-text");
    let mut stalled = complete.clone();
    stalled.chunks.truncate(4);
    let server = rt
        .block_on(MockServer::start(vec![stalled.with_ending(Ending::Stall)]))
        .expect("mock starts");
    let mut sidecar = sidecar_with(json!({"mock": {"options": {"baseURL": server.base_url}}}));
    sidecar.call("session/open", json!({"sessionId": "a"}));
    sidecar.call("session/open", json!({"sessionId": "b"}));
    let params = |session: &str| json!({"sessionId": session, "providerId": "mock", "modelId": "m", "messages": user("hi")});
    let in_a = sidecar.start(Framing::Lsp, "chat/stream", params("a"));
    let in_b = sidecar.start(Framing::Lsp, "chat/stream", params("b"));
    for id in [in_a, in_b] {
        sidecar.wait_for(|m| {
            m.value["method"] == "chat/delta" && m.value["params"]["requestId"] == json!(id)
        });
    }
    sidecar.call("session/close", json!({"sessionId": "a"}));
    let (_, response) = collect(&mut sidecar, in_a);
    assert_eq!(response["error"]["code"], -32800, "{response}");
    assert!(response["error"]["data"]["partial"]["usage"].is_object());
    assert!(
        rt.block_on(server.client_closed(Duration::from_secs(2)))
            .is_some()
    );
    // Session b's stream is still running: cancelling it is what ends it.
    sidecar.notify(Framing::Lsp, "$/cancelRequest", json!({"id": in_b}));
    let (_, response) = collect(&mut sidecar, in_b);
    assert_eq!(response["error"]["code"], -32800);
    let error = sidecar.call_err("chat/stream", params("a"));
    assert_eq!(error_kind(&error), "session_not_found");
}

/// A client that stops reading stdout mid-stream: the pipe and the outbound queue fill up, later
/// deltas wait inside the sidecar, and once the client reads again every delta arrives, in order,
/// before the final response.
#[test]
fn a_client_that_stops_reading_still_gets_every_delta_in_order() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};

    const CHUNKS: usize = 12_000;
    let rt = runtime();
    let mut chunks = Vec::with_capacity(CHUNKS + 2);
    for i in 0..CHUNKS {
        let event = json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
            "choices": [{"index": 0, "delta": {"content": format!("t{i} ")}, "finish_reason": null}]});
        chunks.push(format!("data: {event}\n\n").into_bytes());
    }
    let last = json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
    chunks.push(format!("data: {last}\n\ndata: [DONE]\n\n").into_bytes());
    let server = rt
        .block_on(MockServer::start(vec![MockResponse::stream(
            "text/event-stream",
            chunks,
        )]))
        .expect("mock starts");
    let data_dir = tempfile::tempdir().expect("data dir");
    let mut child = Command::new(crate::support::BIN)
        .arg("--data-dir")
        .arg(data_dir.path())
        .env("PROVIDER_SIDECAR_DISABLE_MODELS_FETCH", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the sidecar");
    let mut stdin = child.stdin.take().expect("stdin");
    let config = json!({"provider": {"slow": {"npm": "@ai-sdk/openai-compatible",
        "options": {"baseURL": format!("{}/v1", server.base_url), "apiKey": "k"}}}});
    let requests = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"initializationOptions": {"config": config}}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "session/open", "params": {"sessionId": "s"}}),
        json!({"jsonrpc": "2.0", "id": 3, "method": "chat/stream", "params": {"sessionId": "s",
            "providerId": "slow", "modelId": "m", "messages": user("hi")}}),
    ];
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    // Requests run concurrently: the chat goes only once the config and session are in place.
    for request in &requests {
        writeln!(stdin, "{request}").expect("write request");
        if request["method"] == "chat/stream" {
            break;
        }
        line.clear();
        reader.read_line(&mut line).expect("read the answer");
        let answer: Value = serde_json::from_str(&line).expect("JSON answer");
        assert!(answer.get("result").is_some(), "{answer}");
    }
    // Not reading while the stream arrives upstream, until stdout's pipe is full: the sidecar's
    // writer then waits, and later deltas queue inside it.
    crate::support::wait_until_pipe_is_full(reader.get_ref());
    let mut texts = Vec::new();
    let response = loop {
        line.clear();
        assert!(
            reader.read_line(&mut line).expect("read stdout") > 0,
            "stdout closed before the chat's response"
        );
        let message: Value = serde_json::from_str(&line).expect("one JSON message per line");
        if message["id"] == json!(3) {
            break message;
        }
        assert!(
            message.get("id").is_none(),
            "an answer to another request: {message}"
        );
        if message["method"] == "chat/delta" && message["params"]["part"]["type"] == "text-delta" {
            texts.push(
                message["params"]["part"]["delta"]
                    .as_str()
                    .expect("text")
                    .to_owned(),
            );
        }
    };
    let expected: Vec<String> = (0..CHUNKS).map(|i| format!("t{i} ")).collect();
    assert_eq!(texts.len(), CHUNKS, "every delta arrived");
    assert!(texts == expected, "deltas arrived in stream order");
    assert_eq!(response["result"]["finishReason"], "stop", "{response}");
    drop(stdin);
    let _ = child.wait();
}
