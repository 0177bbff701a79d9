//! Sessions through the real binary: lifecycle, no secrets in `session/list`, and isolation under
//! concurrency (every upstream request carries its own session's key, headers and base URL).

use std::collections::{HashMap, VecDeque};

use provider_sidecar::protocol::testing::MockServer;
use serde_json::{Value, json};

use crate::chat::{openai_chat_stream, runtime, sidecar_with};
use crate::support::{Framing, Sidecar, error_kind};

const SESSIONS: usize = 50;
/// Requests per session: 50 × 200 = the 10,000 interleaved requests (about 90 s in a debug
/// build on 2 busy cores); `SIDECAR_ISOLATION_REQUESTS` changes it for a quick local run.
const DEFAULT_REQUESTS_PER_SESSION: usize = 200;
/// Requests in flight at once.
const WINDOW: usize = 64;

#[test]
fn session_lifecycle_and_list_never_shows_secrets() {
    let mut sidecar = Sidecar::spawn();
    let opened = sidecar.call(
        "session/open",
        json!({"sessionId": "s1", "env": {"OPENAI_API_KEY": "sk-env-secret"},
               "credentials": {"openai": {"apiKey": "sk-cred-secret"}},
               "headers": {"x-trace": "t"}}),
    );
    assert_eq!(opened["sessionId"], "s1");
    sidecar.call("session/open", json!({"sessionId": "s2"}));
    let updated = sidecar.call(
        "session/update",
        json!({"sessionId": "s2", "credentials": {"anthropic": {"type": "oauth", "access": "oauth-secret"}}}),
    );
    assert_eq!(updated["credentialProviders"], json!(["anthropic"]));
    let listed = sidecar.call("session/list", json!({}));
    let text = listed.to_string();
    for secret in ["sk-env-secret", "sk-cred-secret", "oauth-secret"] {
        assert!(
            !text.contains(secret),
            "session/list leaked a secret: {text}"
        );
    }
    let ids: Vec<&str> = listed["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| s["sessionId"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["s1", "s2"]);
    assert_eq!(listed["sessions"][0]["envNames"], json!(["OPENAI_API_KEY"]));
    assert_eq!(listed["sessions"][0]["headerNames"], json!(["x-trace"]));

    assert_eq!(
        sidecar.call("session/close", json!({"sessionId": "s1"}))["closed"],
        true
    );
    for (method, params) in [
        ("session/close", json!({"sessionId": "s1"})),
        ("session/update", json!({"sessionId": "nope"})),
        (
            "chat/generate",
            json!({"sessionId": "nope", "providerId": "p", "modelId": "m", "messages": []}),
        ),
        (
            "chat/stream",
            json!({"sessionId": "nope", "providerId": "p", "modelId": "m", "messages": []}),
        ),
    ] {
        let error = sidecar.call_err(method, params);
        assert_eq!(error_kind(&error), "session_not_found", "{method}: {error}");
        assert_eq!(error["code"], -32003);
    }
    let error = sidecar.call_err(
        "chat/generate",
        json!({"sessionId": "s2", "providerId": "unknown", "modelId": "m", "messages": []}),
    );
    assert_eq!(error_kind(&error), "provider_not_found");
    assert!(
        !sidecar.stderr().contains("oauth-secret"),
        "a secret reached the logs"
    );
}

fn requests_per_session() -> usize {
    std::env::var("SIDECAR_ISOLATION_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_REQUESTS_PER_SESSION)
}

#[test]
fn concurrent_sessions_never_see_each_others_keys_headers_or_base_urls() {
    let per_session = requests_per_session();
    let rt = runtime();
    let server = rt
        .block_on(MockServer::start(vec![openai_chat_stream("ok")]))
        .expect("mock starts");
    // A global key and header that every session must override.
    let mut sidecar = sidecar_with(json!({"mock": {"options": {
        "baseURL": format!("{}/global", server.base_url),
        "apiKey": "global-key",
        "headers": {"x-session": "global"}
    }}}));
    for i in 0..SESSIONS {
        sidecar.call(
            "session/open",
            json!({"sessionId": format!("s{i}"),
                   "config": {"provider": {"mock": {"options": {"baseURL": format!("{}/s{i}/v1", server.base_url)}}}},
                   "credentials": {"mock": {"apiKey": format!("key-{i}")}},
                   "headers": {"x-session": format!("s{i}")}}),
        );
    }
    let started = std::time::Instant::now();
    let mut pending: VecDeque<(i64, usize)> = VecDeque::new();
    let mut answered = 0;
    // Interleaved: request j of every session before request j + 1 of any.
    for j in 0..per_session {
        for i in 0..SESSIONS {
            let method = if (i + j) % 2 == 0 {
                "chat/generate"
            } else {
                "chat/stream"
            };
            let id = sidecar.start(
                Framing::Lsp,
                method,
                json!({"sessionId": format!("s{i}"), "providerId": "mock", "modelId": "m",
                       "messages": [{"role": "user", "content": format!("marker:{i}:{j}:end")}]}),
            );
            pending.push_back((id, i));
            if pending.len() >= WINDOW {
                answered += settle(&mut sidecar, pending.pop_front().expect("pending"));
            }
        }
    }
    while let Some(next) = pending.pop_front() {
        answered += settle(&mut sidecar, next);
    }
    let total = SESSIONS * per_session;
    assert_eq!(answered, total);

    // Only the chat calls: the catalog's model discovery may also `GET /models` on a base URL.
    let seen: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(seen.len(), total, "one upstream request per chat");
    let mut per_marker: HashMap<(usize, usize), usize> = HashMap::new();
    let mut leaks = Vec::new();
    for request in &seen {
        let body = String::from_utf8_lossy(&request.body);
        let marker = body
            .split("marker:")
            .nth(1)
            .and_then(|rest| rest.split(":end").next())
            .and_then(|m| m.split_once(':'))
            .and_then(|(i, j)| Some((i.parse::<usize>().ok()?, j.parse::<usize>().ok()?)))
            .expect("every request carries its marker");
        *per_marker.entry(marker).or_default() += 1;
        let (i, _) = marker;
        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let expected_auth = format!("Bearer key-{i}");
        let expected_header = format!("s{i}");
        let expected_path = format!("/s{i}/v1/chat/completions");
        if header("authorization") != Some(expected_auth.as_str())
            || header("x-session") != Some(expected_header.as_str())
            || request.path != expected_path
        {
            leaks.push(format!(
                "session {i}: path {} header {:?}",
                request.path,
                header("x-session")
            ));
        }
    }
    assert!(
        leaks.is_empty(),
        "{} cross-session leaks: {:?}",
        leaks.len(),
        &leaks[..leaks.len().min(5)]
    );
    assert_eq!(
        per_marker.len(),
        total,
        "every request arrived exactly once"
    );
    assert!(per_marker.values().all(|&n| n == 1));
    eprintln!(
        "isolation: {total} requests over {SESSIONS} sessions in {:?}",
        started.elapsed()
    );
}

/// Waits for one response; it must be a success whose text is the mock's. `chat/delta` notifications
/// read on the way are checked and dropped, so the client's backlog stays small.
fn settle(sidecar: &mut Sidecar, (id, session): (i64, usize)) -> usize {
    let id = json!(id);
    loop {
        let message = sidecar
            .wait_for(|m| m.value.get("id") == Some(&id) || m.value["method"] == "chat/delta")
            .value;
        if message["method"] == "chat/delta" {
            let part = &message["params"]["part"];
            assert!(
                part["type"] != "text-delta" || part["delta"] == "ok",
                "{message}"
            );
            continue;
        }
        assert_eq!(
            message["result"]["content"][0]["text"],
            Value::from("ok"),
            "session {session}: {message}"
        );
        return 1;
    }
}
