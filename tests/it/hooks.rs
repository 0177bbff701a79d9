//! Host hooks over the binary: a scripted host declares hooks in `initialize`, answers the
//! sidecar's `hook/chat.params` and `hook/chat.headers` requests (or answers late, with an
//! error, or with garbage), and the effect is checked at a mock provider on 127.0.0.1.

use serde_json::{Value, json};

use crate::chat::{chat_calls, openai_chat_stream, runtime};
use crate::support::{Framing, Incoming, Sidecar, error_kind};
use provider_sidecar::protocol::testing::MockServer;

const CONFIG_KEY: &str = "sk-config-secret-4711";
const SESSION_KEY: &str = "sk-session-secret-0815";
const SESSION_HEADER_SECRET: &str = "team-token-secret-1234";

/// A sidecar whose host declared `hooks`, with provider `mock` at `base_url`.
fn host(hooks: Value, base_url: &str) -> Sidecar {
    let mut sidecar = Sidecar::spawn();
    let result = sidecar.call(
        "initialize",
        json!({
            "capabilities": {"hooks": hooks},
            "initializationOptions": {"config": {"provider": {"mock": {
                "npm": "@ai-sdk/openai-compatible",
                "options": {"baseURL": base_url, "apiKey": CONFIG_KEY},
            }}}},
        }),
    );
    assert!(result["capabilities"]["hooks"].is_array(), "{result}");
    sidecar.call(
        "session/open",
        json!({"sessionId": "s", "credentials": {"mock": {"apiKey": SESSION_KEY}},
               "headers": {"x-team-token": SESSION_HEADER_SECRET}}),
    );
    sidecar
}

fn call_params() -> Value {
    json!({"sessionId": "s", "providerId": "mock", "modelId": "m", "temperature": 0.2,
           "messages": [{"role": "user", "content": "hi"}]})
}

fn hook_request(sidecar: &mut Sidecar, method: &str) -> Incoming {
    sidecar.wait_for(|m| m.value["method"] == method && m.value.get("id").is_some())
}

fn answer(sidecar: &mut Sidecar, request: &Incoming, result: Value) {
    sidecar.send(
        request.framing,
        &json!({"jsonrpc": "2.0", "id": request.value["id"], "result": result}),
    );
}

fn reject(sidecar: &mut Sidecar, request: &Incoming) {
    sidecar.send(
        request.framing,
        &json!({"jsonrpc": "2.0", "id": request.value["id"],
                "error": {"code": -32000, "message": "the host's hook broke"}}),
    );
}

fn upstream(server: &MockServer) -> (Value, Vec<(String, String)>) {
    let calls = chat_calls(server);
    assert_eq!(calls.len(), 1, "one upstream request");
    let body = serde_json::from_slice(&calls[0].body).expect("JSON body");
    (body, calls[0].headers.clone())
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn the_hosts_params_and_headers_reach_the_provider_and_hooks_see_no_secret() {
    let rt = runtime();
    let server = rt
        .block_on(MockServer::start(vec![openai_chat_stream("ok")]))
        .expect("mock starts");
    let mut sidecar = host(
        json!({"chatParams": true, "chatHeaders": true, "event": true}),
        &server.base_url,
    );
    let id = sidecar.start(Framing::Lsp, "chat/generate", call_params());
    let started = sidecar.wait_for(|m| m.value["method"] == "hook/event");
    assert_eq!(started.value["params"]["event"]["type"], "chat.started");
    assert!(
        started.value.get("id").is_none(),
        "events are notifications"
    );

    let params = hook_request(&mut sidecar, "hook/chat.params");
    let input = &params.value["params"]["input"];
    assert_eq!(input["sessionId"], "s");
    assert_eq!(
        input["model"],
        json!({"providerId": "mock", "modelId": "m", "apiModelId": "m",
               "wireFormat": "openai-chat", "npm": "@ai-sdk/openai-compatible"})
    );
    assert_eq!(input["request"]["messages"][0]["content"], "hi");
    assert_eq!(params.value["params"]["output"]["temperature"], 0.2);
    answer(
        &mut sidecar,
        &params,
        json!({"temperature": 0.7, "providerOptions": {"mock": {"user": "u-1"}}}),
    );

    let headers = hook_request(&mut sidecar, "hook/chat.headers");
    assert_eq!(headers.value["params"]["output"], json!({"headers": {}}));
    let names = headers.value["params"]["input"]["headerNames"].clone();
    assert!(
        names
            .as_array()
            .expect("names")
            .contains(&json!("x-team-token")),
        "{names}"
    );
    answer(
        &mut sidecar,
        &headers,
        json!({"headers": {"X-Host-Hook": "yes"}}),
    );

    let response = sidecar.response_to(&json!(id));
    assert_eq!(response.value["result"]["content"][0]["text"], "ok");
    assert!(response.value["result"].get("warnings").is_none());
    let (body, sent) = upstream(&server);
    assert_eq!(body["temperature"], 0.7, "{body}");
    assert_eq!(body["user"], "u-1", "the hook's provider option: {body}");
    assert_eq!(header(&sent, "x-host-hook"), Some("yes"));
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {SESSION_KEY}").as_str()),
        "auth is added after the hooks"
    );

    let finished = sidecar.wait_for(|m| {
        m.value["method"] == "hook/event" && m.value["params"]["event"]["type"] == "chat.finished"
    });
    assert_eq!(finished.value["params"]["event"]["finishReason"], "stop");

    // What the hooks were sent holds no credential and no header value.
    for seen in [
        &params.value,
        &headers.value,
        &started.value,
        &finished.value,
    ] {
        let text = seen.to_string();
        for secret in [CONFIG_KEY, SESSION_KEY, SESSION_HEADER_SECRET, "Bearer"] {
            assert!(!text.contains(secret), "{secret} leaked into {text}");
        }
    }
}

#[test]
fn transform_preview_runs_the_host_hooks_and_names_what_they_changed() {
    let mut sidecar = host(
        json!({"chatParams": true, "chatHeaders": true}),
        "http://127.0.0.1:9/v1",
    );
    let id = sidecar.start(Framing::Lsp, "transform/preview", call_params());
    let params = hook_request(&mut sidecar, "hook/chat.params");
    answer(
        &mut sidecar,
        &params,
        json!({"temperature": null, "maxOutputTokens": 100}),
    );
    let headers = hook_request(&mut sidecar, "hook/chat.headers");
    answer(
        &mut sidecar,
        &headers,
        json!({"headers": {"x-host-hook": "1"}}),
    );
    let preview = sidecar.response_to(&json!(id)).value["result"].clone();
    assert!(preview["body"].get("temperature").is_none(), "{preview}");
    assert_eq!(preview["body"]["max_tokens"], 100, "{preview}");
    assert_eq!(preview["headers"]["x-host-hook"], "1");
    assert_eq!(
        preview["hooks"],
        json!([
            {"plugin": "host", "hook": "chat.params", "changed": ["temperature", "maxOutputTokens"]},
            {"plugin": "host", "hook": "chat.headers", "changed": ["x-host-hook"]},
        ])
    );
}

#[test]
fn a_slow_hook_is_skipped_with_a_warning_unless_the_host_fails_closed() {
    let rt = runtime();
    let server = rt
        .block_on(MockServer::start(vec![openai_chat_stream("ok")]))
        .expect("mock starts");
    let mut sidecar = host(
        json!({"chatParams": true, "chatHeaders": true, "timeoutMs": 100}),
        &server.base_url,
    );
    let id = sidecar.start(Framing::Lsp, "chat/generate", call_params());
    let slow = hook_request(&mut sidecar, "hook/chat.params");
    let cancel = sidecar.wait_for(|m| m.value["method"] == "$/cancelRequest");
    assert_eq!(cancel.value["params"]["id"], slow.value["id"]);
    let headers = hook_request(&mut sidecar, "hook/chat.headers");
    answer(&mut sidecar, &headers, Value::Null);
    answer(&mut sidecar, &slow, json!({"temperature": 1.5}));
    let result = sidecar.response_to(&json!(id)).value["result"].clone();
    assert_eq!(
        result["warnings"],
        json!([{"type": "hook-failed", "plugin": "host", "hook": "chat.params",
                "reason": "timeout", "message": "no answer within 100 ms"}]),
        "{result}"
    );
    let (body, _) = upstream(&server);
    assert_eq!(body["temperature"], 0.2, "the call went on unchanged");
    assert!(
        sidecar.stderr().contains("hook failed"),
        "a warning on stderr"
    );

    let closed_server = rt
        .block_on(MockServer::start(vec![openai_chat_stream("ok")]))
        .expect("mock starts");
    let mut strict = host(
        json!({"chatParams": true, "timeoutMs": 100, "failClosed": true}),
        &closed_server.base_url,
    );
    let id = strict.start(Framing::Lsp, "chat/generate", call_params());
    hook_request(&mut strict, "hook/chat.params");
    let error = strict.response_to(&json!(id)).value["error"].clone();
    assert_eq!(error_kind(&error), "hook_failed", "{error}");
    assert_eq!(error["code"], -32040);
    assert_eq!(error["data"]["plugin"], "host");
    assert_eq!(error["data"]["hook"], "chat.params");
    assert_eq!(error["data"]["reason"], "timeout");
    assert!(chat_calls(&closed_server).is_empty(), "nothing was sent");
    strict.call("session/list", json!({}));
}

#[test]
fn an_error_or_a_garbage_answer_is_skipped_with_a_warning() {
    let rt = runtime();
    let server = rt
        .block_on(MockServer::start(vec![openai_chat_stream("ok")]))
        .expect("mock starts");
    let mut sidecar = host(
        json!({"chatParams": true, "chatHeaders": true}),
        &server.base_url,
    );
    let id = sidecar.start(Framing::Lsp, "chat/generate", call_params());
    let params = hook_request(&mut sidecar, "hook/chat.params");
    reject(&mut sidecar, &params);
    let headers = hook_request(&mut sidecar, "hook/chat.headers");
    answer(
        &mut sidecar,
        &headers,
        json!({"headers": {"bad name": "x"}}),
    );
    let result = sidecar.response_to(&json!(id)).value["result"].clone();
    let reasons: Vec<(&str, &str)> = result["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| {
            (
                w["hook"].as_str().unwrap_or(""),
                w["reason"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            ("chat.params", "rejected"),
            ("chat.headers", "invalid_answer")
        ],
        "{result}"
    );
    let (body, sent) = upstream(&server);
    assert_eq!(body["temperature"], 0.2);
    assert!(header(&sent, "bad name").is_none());

    // Garbage of the wrong shape: a preview shows it the same way.
    for garbage in [
        json!({"temperature": "hot"}),
        json!([0.5]),
        json!({"temprature": 0.5}),
    ] {
        let id = sidecar.start(Framing::Lsp, "transform/preview", call_params());
        let params = hook_request(&mut sidecar, "hook/chat.params");
        answer(&mut sidecar, &params, garbage.clone());
        let headers = hook_request(&mut sidecar, "hook/chat.headers");
        answer(&mut sidecar, &headers, Value::Null);
        let preview = sidecar.response_to(&json!(id)).value["result"].clone();
        assert_eq!(
            preview["warnings"][0]["reason"], "invalid_answer",
            "{garbage}"
        );
        assert_eq!(preview["body"]["temperature"], 0.2, "{garbage}");
    }
}

#[test]
fn initialize_checks_the_hook_declaration() {
    let mut sidecar = Sidecar::spawn();
    let error = sidecar.call_err(
        "initialize",
        json!({"capabilities": {"hooks": {"chatParams": true, "timeoutMs": 0}}}),
    );
    assert_eq!(error["code"], -32602);
    assert_eq!(
        error["data"]["field"], "capabilities.hooks.timeoutMs",
        "{error}"
    );
    let error = sidecar.call_err(
        "initialize",
        json!({"capabilities": {"hooks": {"chatParams": "yes"}}}),
    );
    assert_eq!(error["data"]["field"], "capabilities.hooks", "{error}");
    let result = sidecar.call(
        "initialize",
        // `auth` is no host hook (a host supplies credentials, it is never sent one).
        json!({"capabilities": {"hooks": {"chatHeaders": true, "event": true, "auth": true},
                                "experimental": {"anything": 1}}}),
    );
    assert_eq!(
        result["capabilities"]["hooks"],
        json!(["hook/chat.headers", "hook/event"])
    );
}

#[test]
fn a_chat_cancelled_while_its_hook_runs_cancels_the_hook_at_the_host() {
    let rt = runtime();
    let server = rt
        .block_on(MockServer::start(vec![openai_chat_stream("ok")]))
        .expect("mock starts");
    let mut sidecar = host(
        json!({"chatParams": true, "timeoutMs": 60000}),
        &server.base_url,
    );
    let id = sidecar.start(Framing::Line, "chat/stream", call_params());
    let pending = hook_request(&mut sidecar, "hook/chat.params");
    sidecar.send(
        Framing::Line,
        &json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": id}}),
    );
    let error = sidecar.response_to(&json!(id)).value["error"].clone();
    assert_eq!(error["code"], -32800, "{error}");
    let cancel = sidecar.wait_for(|m| m.value["method"] == "$/cancelRequest");
    assert_eq!(cancel.value["params"]["id"], pending.value["id"]);
    // A late answer to the cancelled hook is dropped; the sidecar goes on serving.
    answer(&mut sidecar, &pending, json!({"temperature": 1.5}));
    sidecar.call("session/list", json!({}));
    assert!(chat_calls(&server).is_empty(), "nothing was sent upstream");
}
