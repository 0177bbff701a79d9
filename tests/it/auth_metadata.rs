//! Values stored beside an API key (`auth/set` `metadata`: Azure `resourceName`, Cloudflare
//! `accountId` / `gatewayId`): asked for by `auth/methods`, used by the loaders, and a missing one
//! is an error naming it.

use provider_sidecar::protocol::testing::MockServer;
use serde_json::{Value, json};

use crate::chat::{chat_calls, fixture, runtime, stream};
use crate::support::{Sidecar, error_kind};

fn prompt_keys(methods: &Value, provider: &str) -> Vec<String> {
    methods["methods"][provider][0]["prompts"]
        .as_array()
        .map(|prompts| {
            prompts
                .iter()
                .filter_map(|p| p["key"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn auth_methods_ask_for_what_a_key_needs_beside_it() {
    let mut sidecar = Sidecar::spawn();
    let methods = sidecar.call("auth/methods", json!({}));
    assert_eq!(methods["methods"]["azure"][0]["type"], "api");
    assert_eq!(prompt_keys(&methods, "azure"), ["resourceName"]);
    assert_eq!(
        prompt_keys(&methods, "cloudflare-ai-gateway"),
        ["accountId", "gatewayId"]
    );
    assert_eq!(
        prompt_keys(&methods, "cloudflare-workers-ai"),
        ["accountId"]
    );
    assert!(prompt_keys(&methods, "anthropic").is_empty());
}

#[test]
fn stored_metadata_reaches_the_loaders_and_a_missing_field_is_named() {
    let rt = runtime();
    let (response, golden) = fixture("openai-responses", "azure-text.1");
    let server = rt
        .block_on(MockServer::start(vec![response]))
        .expect("mock starts");
    let data_dir = tempfile::tempdir().expect("data dir");
    let mut sidecar = Sidecar::spawn();
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"dataDir": data_dir.path(), "config": {
            "auth": {"store": "file"},
            "provider": {"azure": {"options": {
                "baseURL": format!("{}/${{AZURE_RESOURCE_NAME}}/openai", server.base_url)}}}}}}),
    );
    sidecar.call(
        "auth/set",
        json!({"providerId": "azure", "token": "az-key-6161",
               "metadata": {"resourceName": "team-res"}}),
    );
    // The session's env names another resource: the one stored with the key wins (OpenCode's order).
    sidecar.call(
        "session/open",
        json!({"sessionId": "s", "env": {"AZURE_RESOURCE_NAME": "env-res"}}),
    );
    let (_, response) = stream(
        &mut sidecar,
        json!({"sessionId": "s", "providerId": "azure", "modelId": "gpt-5",
               "messages": [{"role": "user", "content": "hi"}]}),
    );
    assert_eq!(
        response["result"]["content"], golden["result"]["content"],
        "{response}"
    );
    let calls = chat_calls(&server);
    assert_eq!(
        calls[0].path,
        "/team-res/openai/v1/responses?api-version=v1"
    );

    // Cloudflare AI Gateway: the account id stored, the gateway id nowhere → named.
    sidecar.call(
        "auth/set",
        json!({"providerId": "cloudflare-ai-gateway", "token": "cf-token-6161",
               "metadata": {"accountId": "acc-6161"}}),
    );
    let preview = json!({"sessionId": "s", "providerId": "cloudflare-ai-gateway",
                         "modelId": "anthropic/claude-3-5-haiku",
                         "messages": [{"role": "user", "content": "hi"}]});
    let error = sidecar.call_err("transform/preview", preview.clone());
    assert_eq!(error_kind(&error), "config", "{error}");
    assert_eq!(
        error["data"]["field"],
        "provider.cloudflare-ai-gateway.options.gatewayId"
    );
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("gatewayId") && message.contains("CLOUDFLARE_GATEWAY_ID"),
        "{message}"
    );
    sidecar.call(
        "auth/set",
        json!({"providerId": "cloudflare-ai-gateway", "token": "cf-token-6161",
               "metadata": {"accountId": "acc-6161", "gatewayId": "gw-6161"}}),
    );
    let shown = sidecar.call("transform/preview", preview);
    assert_eq!(
        shown["url"],
        "https://gateway.ai.cloudflare.com/v1/acc-6161/gw-6161/compat/chat/completions"
    );
    assert_eq!(shown["headers"]["cf-aig-authorization"], "[redacted]");
    let stderr = sidecar.stderr();
    assert!(!stderr.contains("az-key-6161") && !stderr.contains("cf-token-6161"));
}
