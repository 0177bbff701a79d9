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

/// Per loader: the request `transform/preview` shows (URL, headers, auth scheme, body), compared with
/// `fixtures/golden/loaders.json`. `UPDATE_GOLDEN=1` rewrites the file (review the diff).
#[test]
fn every_loader_resolves_to_its_golden_request() {
    let oauth = |token: &str| json!({"type": "oauth", "access": token});
    // (label, provider, model, session params)
    let cases: Vec<(&str, &str, &str, Value)> = vec![
        (
            "anthropic",
            "anthropic",
            "claude-sonnet-4-5",
            json!({"env": {"ANTHROPIC_API_KEY": "sk-loader-key"}}),
        ),
        (
            "openai",
            "openai",
            "gpt-5",
            json!({"env": {"OPENAI_API_KEY": "sk-loader-key"}}),
        ),
        (
            "openai-chatgpt-oauth",
            "openai",
            "gpt-5.2",
            json!({"credentials": {"openai": oauth("at-loader-token")}}),
        ),
        (
            "azure",
            "azure",
            "gpt-5",
            json!({"env": {"AZURE_RESOURCE_NAME": "res", "AZURE_API_KEY": "sk-loader-key"}}),
        ),
        (
            "amazon-bedrock",
            "amazon-bedrock",
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            json!({"credentials": {"amazon-bedrock": {"accessKeyId": "AKID", "secretAccessKey": "aws-loader-secret"}},
                   "config": {"provider": {"amazon-bedrock": {"options": {"region": "eu-west-1"}}}}}),
        ),
        (
            "google",
            "google",
            "gemini-2.5-flash",
            json!({"credentials": {"google": {"apiKey": "sk-loader-key"}}}),
        ),
        (
            "google-vertex",
            "google-vertex",
            "gemini-2.5-flash",
            json!({"credentials": {"google-vertex": oauth("ya29-loader-token")},
                   "env": {"GOOGLE_VERTEX_PROJECT": "proj", "GOOGLE_VERTEX_LOCATION": "us-east5"}}),
        ),
        (
            "google-vertex-anthropic",
            "google-vertex-anthropic",
            "claude-sonnet-4-5@20250929",
            json!({"credentials": {"google-vertex-anthropic": oauth("ya29-loader-token")},
                   "env": {"GOOGLE_VERTEX_PROJECT": "proj", "GOOGLE_VERTEX_LOCATION": "us-east5"}}),
        ),
        (
            "openrouter",
            "openrouter",
            "anthropic/claude-sonnet-4.5",
            json!({"env": {"OPENROUTER_API_KEY": "sk-loader-key"}}),
        ),
        (
            "github-copilot-responses",
            "github-copilot",
            "gpt-5.2",
            json!({"credentials": {"github-copilot": oauth("gho-loader-token")}}),
        ),
        (
            "github-copilot-chat",
            "github-copilot",
            "gpt-4.1",
            json!({"credentials": {"github-copilot": oauth("gho-loader-token")}}),
        ),
        (
            "cerebras",
            "cerebras",
            "gpt-oss-120b",
            json!({"env": {"CEREBRAS_API_KEY": "sk-loader-key"}}),
        ),
        ("opencode-zen-public", "opencode", "big-pickle", json!({})),
        (
            "zai",
            "zai",
            "glm-4.7",
            json!({"env": {"ZHIPU_API_KEY": "zid.zai-loader-secret"}}),
        ),
        (
            "zai-coding-plan",
            "zai-coding-plan",
            "glm-4.7",
            json!({"env": {"ZHIPU_API_KEY": "zid.zai-loader-secret"}}),
        ),
        (
            "deepseek",
            "deepseek",
            "deepseek-chat",
            json!({"env": {"DEEPSEEK_API_KEY": "sk-loader-key"}}),
        ),
        (
            "groq",
            "groq",
            "openai/gpt-oss-120b",
            json!({"env": {"GROQ_API_KEY": "sk-loader-key"}}),
        ),
        (
            "mistral",
            "mistral",
            "devstral-latest",
            json!({"env": {"MISTRAL_API_KEY": "sk-loader-key"}}),
        ),
        (
            "xai",
            "xai",
            "grok-4.20-0309-reasoning",
            json!({"env": {"XAI_API_KEY": "sk-loader-key"}}),
        ),
        (
            "cohere",
            "cohere",
            "command-a-03-2025",
            json!({"env": {"COHERE_API_KEY": "sk-loader-key"}}),
        ),
        (
            "cloudflare-workers-ai",
            "cloudflare-workers-ai",
            "@cf/deepseek-ai/deepseek-r1-distill-qwen-32b",
            json!({"env": {"CLOUDFLARE_ACCOUNT_ID": "acct", "CLOUDFLARE_API_KEY": "sk-loader-key"}}),
        ),
        (
            "cloudflare-ai-gateway",
            "cloudflare-ai-gateway",
            "anthropic/claude-3-5-haiku",
            json!({"env": {"CLOUDFLARE_API_TOKEN": "sk-loader-key", "CLOUDFLARE_ACCOUNT_ID": "acct", "CLOUDFLARE_GATEWAY_ID": "gw"}}),
        ),
        (
            "zenmux",
            "zenmux",
            "anthropic/claude-3.7-sonnet",
            json!({"env": {"ZENMUX_API_KEY": "sk-loader-key"}}),
        ),
        (
            "moonshotai",
            "moonshotai",
            "kimi-k2-thinking",
            json!({"env": {"MOONSHOT_API_KEY": "sk-loader-key"}}),
        ),
        (
            "databricks-templated-url",
            "databricks",
            "databricks-claude-haiku-4-5",
            json!({"env": {"DATABRICKS_HOST": "https://dbc.example.com", "DATABRICKS_TOKEN": "sk-loader-key"}}),
        ),
        (
            "custom-local",
            "local",
            "qwen3:8b",
            json!({"config": {"provider": {"local": {"npm": "@ai-sdk/openai-compatible", "options": {"baseURL": "http://127.0.0.1:11434/v1"}}}}}),
        ),
    ];
    let mut sidecar = Sidecar::spawn();
    let mut previews = serde_json::Map::new();
    for (label, provider, model, mut session) in cases {
        session["sessionId"] = json!(label);
        sidecar.call("session/open", session);
        let response = sidecar.request(
            "transform/preview",
            json!({"sessionId": label, "providerId": provider, "modelId": model,
                   "messages": [{"role": "user", "content": "hi"}]}),
        );
        let mut preview = response
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("{label}: {response}"));
        // Request-time values: the signing date.
        if let Some(date) = preview["headers"].get_mut("x-amz-date") {
            *date = json!("<amz-date>");
        }
        previews.insert(label.to_string(), preview);
    }
    let actual = Value::Object(previews);
    let path = crate::support::repo_path("fixtures/golden/loaders.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let text = serde_json::to_string_pretty(&actual).expect("json") + "\n";
        std::fs::write(&path, text).expect("golden written");
    }
    let golden: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("golden readable"))
            .expect("golden is JSON");
    for (label, expected) in golden.as_object().expect("object") {
        assert_eq!(&actual[label], expected, "{label}");
    }
    assert_eq!(
        actual.as_object().map(|o| o.len()),
        golden.as_object().map(|o| o.len())
    );
    let shown = actual.to_string();
    for secret in [
        "sk-loader-key",
        "aws-loader-secret",
        "zai-loader-secret",
        "at-loader-token",
        "ya29-loader-token",
        "gho-loader-token",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked");
    }
}

/// An OpenCode sign-in brought in with `auth/import`, expired, whose refresh the issuer rejects: the
/// chat fails with `auth_expired` before any provider request, the account is marked, and nothing
/// is retried on the next call.
#[test]
fn an_imported_sign_in_that_cannot_refresh_fails_the_chat_with_auth_expired() {
    let rt = runtime();
    let issuer = rt
        .block_on(MockServer::start(vec![
            provider_sidecar::protocol::testing::MockResponse::error(
                400,
                &[],
                r#"{"error":"invalid_grant","error_description":"refresh token revoked"}"#,
            ),
        ]))
        .expect("issuer mock");
    let provider = rt
        .block_on(MockServer::start(vec![crate::chat::openai_chat_stream(
            "never",
        )]))
        .expect("provider mock");
    let dir = tempfile::tempdir().expect("dirs");
    let source = dir.path().join("opencode-auth.json");
    std::fs::write(
        &source,
        json!({"openai": {"type": "oauth", "refresh": "rt-imported-7781", "access": "at-imported-7781", "expires": 1}})
            .to_string(),
    )
    .expect("source written");
    let mut sidecar = Sidecar::spawn();
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"dataDir": dir.path().join("data"), "config": {
            "provider": {"openai": {"options": {"baseURL": format!("{}/v1", provider.base_url)}}},
            "auth": {"store": "file", "endpoints": {"openaiIssuer": issuer.base_url}}
        }}}),
    );
    let report = sidecar.call("auth/import", json!({"path": source}));
    assert_eq!(report["imported"], json!(["openai"]), "{report}");
    sidecar.call("session/open", json!({"sessionId": "x"}));
    let chat = json!({"sessionId": "x", "providerId": "openai", "modelId": "gpt-5",
                      "messages": [{"role": "user", "content": "hi"}]});
    for _ in 0..2 {
        let error = sidecar.call_err("chat/generate", chat.clone());
        assert_eq!(error_kind(&error), "auth_expired", "{error}");
        assert_eq!(error["code"], -32011);
        assert_eq!(error["data"]["providerId"], "openai");
    }
    assert_eq!(
        chat_calls(&issuer).len(),
        1,
        "one refresh attempt, then the mark holds"
    );
    assert!(
        chat_calls(&provider).is_empty(),
        "no provider request without a credential"
    );
    let status = sidecar.call("auth/status", json!({}));
    assert_ne!(status["auth"]["openai"]["status"], "connected", "{status}");
    let stderr = sidecar.stderr();
    assert!(!stderr.contains("rt-imported-7781") && !stderr.contains("at-imported-7781"));
}
