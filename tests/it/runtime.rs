//! Catalog providers over RPC: the real loaders, the credential chain (stored key, session env,
//! session credentials, AWS keys), catalog prices and `transform/preview`, against mock providers on
//! 127.0.0.1 that replay the recorded streams.

use serde_json::{Value, json};

use crate::chat::{chat_calls, fixture, runtime, stream};
use crate::support::{Sidecar, error_kind};
use provider_sidecar::protocol::testing::MockServer;

const STORED_KEY: &str = "sk-ant-stored-runtime-key-7731";
const ENV_KEY: &str = "co-env-runtime-key-5520";
const GOOGLE_KEY: &str = "AIza-session-runtime-key-9914";
const AWS_SECRET: &str = "aws-secret-runtime-key-3307";

fn header<'a>(
    request: &'a provider_sidecar::protocol::testing::RecordedRequest,
    name: &str,
) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn catalog_providers_stream_through_their_loaders_with_each_credential_source_and_cost() {
    let rt = runtime();
    // (provider, model, fixture folder, fixture, base path the loader appends to)
    let cases = [
        (
            "anthropic",
            "claude-sonnet-4-5",
            "anthropic",
            "anthropic-text",
            "/v1",
        ),
        (
            "cohere",
            "command-a-03-2025",
            "cohere",
            "cohere-text",
            "/v2",
        ),
        (
            "google",
            "gemini-2.5-flash",
            "google",
            "google-text",
            "/v1beta",
        ),
        (
            "amazon-bedrock",
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            "bedrock",
            "amazon-bedrock-text",
            "",
        ),
    ];
    let mut servers = Vec::new();
    let mut providers = serde_json::Map::new();
    for (provider, _, folder, name, path) in cases {
        let (response, golden) = fixture(folder, name);
        let server = rt
            .block_on(MockServer::start(vec![response]))
            .expect("mock starts");
        providers.insert(
            provider.to_string(),
            json!({"options": {"baseURL": format!("{}{path}", server.base_url)}}),
        );
        servers.push((server, golden));
    }
    let data_dir = tempfile::tempdir().expect("data dir");
    let mut sidecar = Sidecar::spawn();
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"dataDir": data_dir.path(),
            "config": {"provider": providers, "auth": {"store": "file"}}}}),
    );
    sidecar.call(
        "auth/set",
        json!({"providerId": "anthropic", "token": STORED_KEY}),
    );
    sidecar.call(
        "session/open",
        json!({"sessionId": "s",
        "env": {"COHERE_API_KEY": ENV_KEY},
        "credentials": {
            "google": {"apiKey": GOOGLE_KEY},
            "amazon-bedrock": {"accessKeyId": "AKIDRUNTIME", "secretAccessKey": AWS_SECRET}
        }}),
    );
    for ((provider, model, folder, _, _), (server, golden)) in cases.iter().zip(&servers) {
        let (parts, response) = stream(
            &mut sidecar,
            json!({"sessionId": "s", "providerId": provider, "modelId": model,
                   "messages": [{"role": "user", "content": "hi"}]}),
        );
        let result = &response["result"];
        assert_eq!(
            result["content"], golden["result"]["content"],
            "{folder}: {response}"
        );
        assert_eq!(
            parts,
            golden["parts"].as_array().cloned().unwrap_or_default(),
            "{folder}: parts"
        );
        let cost = result["cost"]
            .as_f64()
            .unwrap_or_else(|| panic!("{folder}: cost: {response}"));
        assert!(cost > 0.0, "{folder}: priced from the catalog");
        let seen = chat_calls(server);
        assert_eq!(seen.len(), 1, "{folder}");
        let request = &seen[0];
        match *provider {
            "anthropic" => {
                assert_eq!(request.path, "/v1/messages");
                assert_eq!(header(request, "x-api-key"), Some(STORED_KEY));
            }
            "cohere" => {
                assert_eq!(request.path, "/v2/chat");
                let expected = format!("Bearer {ENV_KEY}");
                assert_eq!(header(request, "authorization"), Some(expected.as_str()));
            }
            "google" => {
                assert!(
                    request
                        .path
                        .starts_with("/v1beta/models/gemini-2.5-flash:streamGenerateContent"),
                    "{}",
                    request.path
                );
                assert_eq!(header(request, "x-goog-api-key"), Some(GOOGLE_KEY));
            }
            _ => {
                assert!(
                    request.path.ends_with("/converse-stream"),
                    "{}",
                    request.path
                );
                let auth = header(request, "authorization").unwrap_or_default();
                assert!(
                    auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDRUNTIME/"),
                    "{auth}"
                );
                assert!(!auth.contains(AWS_SECRET));
            }
        }
    }
    let stderr = sidecar.stderr();
    for secret in [STORED_KEY, ENV_KEY, GOOGLE_KEY, AWS_SECRET] {
        assert!(!stderr.contains(secret), "a secret reached the log");
    }
}

#[test]
fn transform_preview_shows_the_exact_request_with_secrets_redacted() {
    let mut sidecar = Sidecar::spawn();
    sidecar.call(
        "session/open",
        json!({"sessionId": "p", "env": {"ANTHROPIC_API_KEY": STORED_KEY}, "headers": {"x-team": "blue"}}),
    );
    let params = json!({"sessionId": "p", "providerId": "anthropic", "modelId": "claude-sonnet-4-5",
                        "messages": [{"role": "user", "content": "hi"}], "variant": "high"});
    let preview = sidecar.call("transform/preview", params.clone());
    assert_eq!(preview["method"], "POST");
    assert_eq!(preview["url"], "https://api.anthropic.com/v1/messages");
    assert_eq!(preview["headers"]["x-api-key"], "[redacted]");
    assert_eq!(preview["headers"]["x-team"], "blue");
    assert!(
        preview["headers"]["anthropic-version"].is_string(),
        "{preview}"
    );
    assert_eq!(preview["credentialSource"], "env");
    assert_eq!(preview["runtime"]["protocol"], "anthropic");
    let body = &preview["body"];
    assert_eq!(body["model"], "claude-sonnet-4-5");
    let budget = body["thinking"]["budget_tokens"]
        .as_u64()
        .expect("a thinking budget");
    assert!(
        body["max_tokens"].as_u64().expect("max_tokens") > budget,
        "{body}"
    );
    assert!(!preview.to_string().contains(STORED_KEY), "{preview}");

    let mut unknown = params.clone();
    unknown["variant"] = json!("turbo");
    let error = sidecar.call_err("transform/preview", unknown);
    assert_eq!(error["code"], -32602, "{error}");
    let available: Vec<Value> = error["data"]["available"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(available.contains(&json!("high")), "{error}");

    let mut missing = params;
    missing["sessionId"] = json!("nope");
    let error = sidecar.call_err("transform/preview", missing);
    assert_eq!(error_kind(&error), "session_not_found");
}

#[test]
fn config_network_proxy_carries_every_chat_and_a_bad_ca_file_is_a_config_error() {
    let rt = runtime();
    let (response, golden) = fixture("openai-chat", "openai-text");
    let proxy = rt
        .block_on(MockServer::start(vec![response]))
        .expect("proxy mock starts");
    let mut sidecar = Sidecar::spawn();
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"config": {
            "provider": {"corp": {"npm": "@ai-sdk/openai-compatible",
                                  "options": {"baseURL": "http://llm.corp.invalid/v1", "apiKey": "corp-key"}}},
            "network": {"proxy": proxy.base_url}
        }}}),
    );
    sidecar.call("session/open", json!({"sessionId": "n"}));
    let (_, response) = stream(
        &mut sidecar,
        json!({"sessionId": "n", "providerId": "corp", "modelId": "m",
               "messages": [{"role": "user", "content": "hi"}]}),
    );
    assert_eq!(
        response["result"]["content"], golden["result"]["content"],
        "{response}"
    );
    let seen = chat_calls(&proxy);
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].path, "http://llm.corp.invalid/v1/chat/completions",
        "the proxy got the absolute-form request"
    );

    let mut sidecar = Sidecar::spawn();
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"config": {
            "provider": {"corp": {"options": {"baseURL": "http://llm.corp.invalid/v1"}}},
            "network": {"caCertificates": ["/nonexistent/corp-ca.pem"]}
        }}}),
    );
    sidecar.call("session/open", json!({"sessionId": "n"}));
    let error = sidecar.call_err(
        "chat/generate",
        json!({"sessionId": "n", "providerId": "corp", "modelId": "m",
               "messages": [{"role": "user", "content": "hi"}]}),
    );
    assert_eq!(error_kind(&error), "config", "{error}");
    assert_eq!(error["data"]["field"], "network.caCertificates");
}
