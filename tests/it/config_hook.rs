//! The `config` hook over the binary: a scripted host declares `capabilities.hooks.config`, is
//! sent the config being loaded (secrets redacted) during `initialize`, and its patch shows in
//! `model/list` and at a mock provider.

use serde_json::{Value, json};

use crate::chat::{chat_calls, openai_chat_stream, runtime};
use crate::support::{Framing, Incoming, Sidecar, error_kind};
use provider_sidecar::protocol::testing::MockServer;

const CONFIG_KEY: &str = "sk-config-secret-2718";
const HEADER_SECRET: &str = "team-token-secret-3141";
const PROXY_SECRET: &str = "proxy-password-secret-1618";

/// `initialize` with providers `mock` (at `base_url`, with a key and a secret header) and `other`,
/// started but not answered: the host's `hook/config` comes first.
fn initialize(hooks: Value, base_url: &str) -> (Sidecar, i64) {
    let mut sidecar = Sidecar::spawn();
    let id = sidecar.start(
        Framing::Lsp,
        "initialize",
        json!({
            "capabilities": {"hooks": hooks},
            "initializationOptions": {"config": {
                "network": {"proxy": format!("http://user:{PROXY_SECRET}@127.0.0.1:9"),
                            "noProxy": "127.0.0.1,localhost"},
                "provider": {
                    "mock": {"npm": "@ai-sdk/openai-compatible", "name": "Mock",
                             "options": {"baseURL": base_url, "apiKey": CONFIG_KEY,
                                         "headers": {"x-team-token": HEADER_SECRET}},
                             "models": {"m": {"name": "M"}}},
                    "other": {"npm": "@ai-sdk/openai-compatible", "name": "Other",
                              "options": {"baseURL": "http://127.0.0.1:9/v1"},
                              "models": {"o": {"name": "O"}}},
                },
            }},
        }),
    );
    (sidecar, id)
}

fn config_request(sidecar: &mut Sidecar) -> Incoming {
    sidecar.wait_for(|m| m.value["method"] == "hook/config" && m.value.get("id").is_some())
}

fn answer(sidecar: &mut Sidecar, request: &Incoming, result: Value) {
    sidecar.send(
        request.framing,
        &json!({"jsonrpc": "2.0", "id": request.value["id"], "result": result}),
    );
}

fn providers_listed(sidecar: &mut Sidecar) -> Vec<String> {
    let mut ids: Vec<String> = ["mock", "other"]
        .into_iter()
        .filter(|id| {
            // A disabled provider is not found.
            let asked = sidecar.start(Framing::Lsp, "model/list", json!({"providerId": id}));
            let listed = sidecar.response_to(&json!(asked)).value["result"]["models"].clone();
            listed.as_array().is_some_and(|models| !models.is_empty())
        })
        .map(str::to_string)
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_hosts_config_hook_edits_the_config_and_is_sent_no_secret() {
    let rt = runtime();
    let server = rt
        .block_on(MockServer::start(vec![openai_chat_stream("ok")]))
        .expect("mock starts");
    let (mut sidecar, id) = initialize(json!({"config": true}), &server.base_url);

    let request = config_request(&mut sidecar);
    let text = request.value.to_string();
    for secret in [CONFIG_KEY, HEADER_SECRET, PROXY_SECRET] {
        assert!(!text.contains(secret), "{secret} leaked into {text}");
    }
    let config = &request.value["params"]["config"];
    let mock = &config["provider"]["mock"];
    assert_eq!(mock["options"]["apiKey"], "[redacted]");
    assert_eq!(mock["options"]["headers"]["x-team-token"], "[redacted]");
    assert_eq!(mock["options"]["baseURL"], server.base_url.as_str());
    assert_eq!(mock["models"]["m"]["name"], "M");
    // The host sends back what it was sent, placeholders included, with its own changes.
    let mut patch = json!({"provider": {"mock": config["provider"]["mock"].clone()},
                           "disabled_providers": ["other"]});
    patch["provider"]["mock"]["options"]["headers"]["x-from-config-hook"] = json!("on");
    answer(&mut sidecar, &request, patch);

    let init = sidecar.response_to(&json!(id));
    assert_eq!(
        init.value["result"]["capabilities"]["hooks"],
        json!(["hook/config"]),
        "{}",
        init.value
    );
    assert_eq!(
        providers_listed(&mut sidecar),
        ["mock"],
        "other is disabled"
    );

    sidecar.call("session/open", json!({"sessionId": "s"}));
    let result = sidecar.call(
        "chat/generate",
        json!({"sessionId": "s", "providerId": "mock", "modelId": "m",
               "messages": [{"role": "user", "content": "hi"}]}),
    );
    assert_eq!(result["content"][0]["text"], "ok");
    let calls = chat_calls(&server);
    let sent = &calls[0].headers;
    let header = |name: &str| {
        sent.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(header("x-from-config-hook").as_deref(), Some("on"));
    assert_eq!(
        header("x-team-token").as_deref(),
        Some(HEADER_SECRET),
        "a placeholder leaves the secret as it was"
    );
    assert_eq!(
        header("authorization"),
        Some(format!("Bearer {CONFIG_KEY}"))
    );
}

#[test]
fn a_config_hook_answering_garbage_is_skipped_unless_the_host_fails_closed() {
    for (answer_with, fail_closed) in [
        (json!([1, 2]), false),
        (
            json!({"provider": {"mock": {"options": {"timeout": "soon"}}}}),
            false,
        ),
        (json!({"disabled_providers": "other"}), true),
    ] {
        let (mut sidecar, id) = initialize(
            json!({"config": true, "failClosed": fail_closed}),
            "http://127.0.0.1:9/v1",
        );
        let request = config_request(&mut sidecar);
        answer(&mut sidecar, &request, answer_with.clone());
        let response = sidecar.response_to(&json!(id));
        if fail_closed {
            let error = &response.value["error"];
            assert_eq!(error["code"], -32040, "{response:?}");
            assert_eq!(error_kind(error), "hook_failed");
            assert_eq!(error["data"]["hook"], "config");
            assert_eq!(error["data"]["reason"], "invalid_answer");
        } else {
            assert!(response.value.get("result").is_some(), "{answer_with}");
            assert_eq!(
                providers_listed(&mut sidecar),
                ["mock", "other"],
                "{answer_with}: the config is as given"
            );
        }
    }
}
