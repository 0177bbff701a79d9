//! `model/search` and `provider/search` over the real binary and the embedded full catalog.

use serde_json::{Value, json};

use crate::support::Sidecar;

fn ids(result: &Value) -> Vec<String> {
    result["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|hit| {
            hit["model"]["id"]
                .as_str()
                .expect("descriptor id")
                .to_string()
        })
        .collect()
}

#[test]
fn typos_versions_and_prefixes_find_the_intended_models() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let cases = [
        ("claude sonet 4.5", "claude-sonnet-4-5"),
        ("anthropic/claude-sonnet-4-5", "anthropic/claude-sonnet-4-5"),
        ("gpt5", "gpt-5"),
        ("gemini 2.5 fla", "gemini-2.5-flash"),
        ("kimi k2 thinking", "kimi-k2-thinking"),
    ];
    for (query, expected) in cases {
        let result = sidecar.call("model/search", json!({"query": query, "limit": 3}));
        let top = ids(&result);
        assert!(
            top.iter()
                .any(|id| id.ends_with(expected) || id == expected),
            "{query:?}: {expected} not in top 3 {top:?}"
        );
    }
}

#[test]
fn results_carry_the_model_descriptor_score_and_matched_fields() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let result = sidecar.call(
        "model/search",
        json!({"query": "anthropic claude sonnet", "limit": 5}),
    );
    let first = &result["results"][0];
    assert_eq!(first["model"]["providerId"], "anthropic");
    assert!(first["model"]["contextWindow"].as_u64().expect("context") > 0);
    assert!(first["model"]["capabilities"]["tools"].is_boolean());
    assert!(first["score"].as_f64().expect("score") > 0.0);
    let fields = first["matchedFields"].as_array().expect("matched fields");
    assert!(
        fields
            .iter()
            .any(|f| f == "providerId" || f == "providerName"),
        "{fields:?}"
    );
    let scores: Vec<f64> = result["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|h| h["score"].as_f64().expect("score"))
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "ranked: {scores:?}"
    );
}

#[test]
fn filters_restrict_results() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let result = sidecar.call(
        "model/search",
        json!({"query": "claude", "limit": 50, "filters": {"providerId": "anthropic", "reasoning": true, "minContext": 150000}}),
    );
    let results = result["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for hit in results {
        assert_eq!(hit["model"]["providerId"], "anthropic");
        assert_eq!(hit["model"]["capabilities"]["reasoning"], true);
        assert!(hit["model"]["contextWindow"].as_u64().expect("context") >= 150_000);
    }
    let none = sidecar.call(
        "model/search",
        json!({"query": "claude", "filters": {"connectedOnly": true}}),
    );
    assert_eq!(
        none["results"],
        json!([]),
        "no provider is connected in the test env"
    );
}

#[test]
fn empty_query_gives_a_default_ordering() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let result = sidecar.call("model/search", json!({"query": "", "limit": 10}));
    assert_eq!(result["results"].as_array().expect("results").len(), 10);
}

#[test]
fn provider_search_expands_the_apps_aliases() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    for (query, expected) in [
        ("z.ai", "zai"),
        ("kimi", "moonshotai"),
        ("coding plan", "zai-coding-plan"),
        ("opnrouter", "openrouter"),
    ] {
        let result = sidecar.call("provider/search", json!({"query": query}));
        let first = &result["results"][0];
        assert_eq!(first["providerId"], expected, "{query}: {result}");
        assert!(first["modelCount"].as_u64().expect("count") > 0);
    }
}

#[test]
fn a_config_provider_is_searchable() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"config": {"provider": {"corp-llm": {
            "name": "Corp LLM", "npm": "@ai-sdk/openai-compatible",
            "options": {"baseURL": "http://127.0.0.1:9/v1"},
            "models": {"quasar-coder-9b": {"name": "Quasar Coder 9B"}}
        }}}}}),
    );
    let result = sidecar.call("model/search", json!({"query": "quasr coder", "limit": 3}));
    assert_eq!(
        ids(&result).first().map(String::as_str),
        Some("corp-llm/quasar-coder-9b")
    );
    let error = sidecar.call_err("model/search", json!({"query": 5}));
    assert_eq!(error["code"], -32602);
    assert_eq!(error["data"]["field"], "query");
}

#[test]
fn a_stored_key_connects_the_provider_everywhere() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"config": {"auth": {"store": "file"}}}}),
    );
    assert_eq!(
        sidecar.call(
            "auth/set",
            json!({"providerId": "anthropic", "token": "sk-ant-test-connected"})
        )["ok"],
        true
    );
    let providers = sidecar.call("provider/get", json!({"providerId": "anthropic"}));
    assert_eq!(providers["connected"], true, "{providers}");
    assert_eq!(providers["credentialSource"], "file");
    let catalog = sidecar.call("provider/catalog", json!({}));
    let first = &catalog["providers"][0];
    assert_eq!(first["id"], "anthropic", "connected providers come first");
    assert!(
        !first["authMethods"]
            .as_array()
            .expect("auth methods")
            .is_empty()
    );
    let result = sidecar.call(
        "model/search",
        json!({"query": "sonnet", "limit": 5, "filters": {"connectedOnly": true}}),
    );
    let results = result["results"].as_array().expect("results");
    assert!(!results.is_empty());
    assert!(
        results
            .iter()
            .all(|h| h["model"]["providerId"] == "anthropic")
    );
    assert!(!sidecar.stderr().contains("sk-ant-test-connected"));
}

#[test]
fn the_cli_searches_models_for_people() {
    let output = std::process::Command::new(crate::support::BIN)
        .args(["models", "search", "gpt5 mini", "--limit", "3"])
        .env("PROVIDER_SIDECAR_DISABLE_MODELS_FETCH", "1")
        .arg("--data-dir")
        .arg(tempfile::tempdir().expect("tempdir").path())
        .output()
        .expect("run the CLI");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.lines().count() == 4, "header and three rows:\n{text}");
    assert!(text.contains("/gpt-5-mini"), "{text}");
}
