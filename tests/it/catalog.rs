//! Catalog, provider, model and preference methods over the real binary, with the embedded
//! catalog and a mock models.dev on 127.0.0.1 for refreshes.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use provider_sidecar::rpc::ErrorKind;
use serde_json::{Map, Value, json};

use crate::support::{Incoming, Sidecar, error_kind};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/models-dev/api.json");

fn fixture() -> Map<String, Value> {
    let text = std::fs::read_to_string(FIXTURE).expect("models.dev fixture");
    serde_json::from_str(&text).expect("fixture is a JSON object")
}

/// Providers and models of the catalog the binary embeds (decoded here from the same snapshot), so
/// that refreshing the snapshot changes no test.
fn embedded_counts() -> (u64, u64) {
    let embedded = provider_sidecar::catalog::snapshot::embedded_catalog();
    let count = |n: usize| u64::try_from(n).expect("a count fits u64");
    (
        count(embedded.provider_count()),
        count(embedded.model_count()),
    )
}

fn initialize(sidecar: &mut Sidecar, config: Value) -> Value {
    sidecar.call(
        "initialize",
        json!({"clientInfo": {"name": "catalog-test"}, "initializationOptions": {"config": config}}),
    )
}

// ---------------------------------------------------------------------------------------------
// A mock models.dev: answers every request with what `mode` says, counting requests.

#[derive(Clone)]
enum Mode {
    Fail(u16),
    Body(Arc<String>),
}

struct MockCatalog {
    url: String,
    mode: Arc<Mutex<Mode>>,
    hits: Arc<AtomicUsize>,
}

impl MockCatalog {
    fn start(mode: Mode) -> MockCatalog {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind mock");
        let url = format!(
            "http://{}/api.json",
            listener.local_addr().expect("mock address")
        );
        let mode = Arc::new(Mutex::new(mode));
        let hits = Arc::new(AtomicUsize::new(0));
        let (serve_mode, serve_hits) = (Arc::clone(&mode), Arc::clone(&hits));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mode = serve_mode.lock().expect("mode").clone();
                serve_hits.fetch_add(1, Ordering::SeqCst);
                thread::spawn(move || answer(stream, mode));
            }
        });
        MockCatalog { url, mode, hits }
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().expect("mode") = mode;
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    fn wait_hits(&self, at_least: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.hits() < at_least {
            assert!(
                Instant::now() < deadline,
                "mock saw {} requests",
                self.hits()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn config(&self) -> Value {
        json!({"catalog": {"url": self.url, "fetch": true}})
    }
}

fn answer(mut stream: TcpStream, mode: Mode) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
        line.clear();
    }
    let (status, body) = match mode {
        Mode::Fail(status) => (format!("{status} Failure"), "oops".to_owned()),
        Mode::Body(body) => ("200 OK".to_owned(), String::clone(&body)),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
}

/// The fixture with one provider removed and one model added; returns the body and the expected
/// `catalog/changed` counts.
fn changed_catalog() -> (String, Value) {
    let mut catalog = fixture();
    let removed = catalog
        .remove("abliteration-ai")
        .expect("provider in fixture");
    let removed_models = removed["models"].as_object().expect("models").len();
    let anthropic = catalog
        .get_mut("anthropic")
        .and_then(|p| p["models"].as_object_mut())
        .expect("anthropic models");
    let mut added = anthropic["claude-sonnet-4-5"].clone();
    added["id"] = json!("claude-test-9");
    added["name"] = json!("Claude Test 9");
    anthropic.insert("claude-test-9".into(), added);
    let model_count: usize = catalog
        .values()
        .map(|p| p["models"].as_object().expect("models").len())
        .sum();
    let expected = json!({
        "providersAdded": 0,
        "providersRemoved": 1,
        "modelsAdded": 1,
        "modelsRemoved": removed_models,
        "providerCount": catalog.len(),
        "modelCount": model_count,
    });
    (
        serde_json::to_string(&catalog).expect("serialize"),
        expected,
    )
}

fn assert_diff(diff: &Value, expected: &Value) {
    for (key, value) in expected.as_object().expect("object") {
        assert_eq!(&diff[key], value, "{key} in {diff}");
    }
}

fn is_notification(message: &Incoming, method: &str) -> bool {
    message.value["method"] == method
}

// ---------------------------------------------------------------------------------------------

#[test]
fn status_reports_the_embedded_catalog_counts() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let status = sidecar.call("catalog/status", json!({}));
    assert_eq!(status["source"], "embedded");
    let (providers, models) = embedded_counts();
    assert!(providers > 0 && models >= providers, "{status}");
    assert_eq!(status["providerCount"], providers);
    assert_eq!(status["modelCount"], models);
    assert_eq!(
        status["fetchEnabled"], false,
        "the harness disables fetching"
    );
    assert!(status.get("fetchedAt").is_none());
    let initialized = initialize(&mut sidecar, json!({}));
    assert_eq!(
        initialized["catalog"]["modelCount"], models,
        "initialize reports a loaded catalog"
    );
    let methods = initialized["capabilities"].clone();
    assert!(
        methods["notifications"]
            .as_array()
            .expect("notifications")
            .contains(&json!("catalog/changed"))
    );
    for method in [
        "catalog/status",
        "catalog/refresh",
        "provider/list",
        "provider/catalog",
        "provider/get",
        "model/list",
        "model/get",
        "model/default",
        "preferences/get",
        "preferences/update",
    ] {
        assert!(
            methods["methods"]
                .as_array()
                .expect("methods")
                .contains(&json!(method)),
            "{method}"
        );
    }
}

#[test]
fn provider_list_has_the_desktop_shape() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let served = sidecar.call("catalog/status", json!({}))["providerCount"].clone();
    let providers = sidecar.call("provider/list", json!({}))["providers"].clone();
    let providers = providers.as_array().expect("providers");
    assert_eq!(
        json!(providers.len()),
        served,
        "every served provider is listed"
    );
    for provider in providers {
        assert!(provider["id"].is_string(), "{provider}");
        assert!(provider["name"].is_string(), "{provider}");
        assert!(
            provider["env"]
                .as_array()
                .expect("env")
                .iter()
                .all(Value::is_string)
        );
        assert!(provider["api"].is_boolean() && provider["models"].is_boolean());
        let kind = provider["auth"]["kind"].as_str().expect("auth.kind");
        assert!(["token", "oauth", "none"].contains(&kind), "{kind}");
        assert!(provider["connected"].is_boolean());
    }
    let anthropic = providers
        .iter()
        .find(|p| p["id"] == "anthropic")
        .expect("anthropic");
    assert_eq!(anthropic["name"], "Anthropic");
    assert_eq!(anthropic["env"], json!(["ANTHROPIC_API_KEY"]));
    assert_eq!(anthropic["models"], true);
    assert_eq!(anthropic["auth"]["kind"], "token");

    let one = sidecar.call("provider/get", json!({"providerId": "anthropic"}));
    assert_eq!(&one, anthropic);

    let catalog = sidecar.call("provider/catalog", json!({}))["providers"].clone();
    let items = catalog.as_array().expect("items");
    assert_eq!(json!(items.len()), served, "and offered in the picker");
    let zai = items.iter().find(|p| p["id"] == "zai").expect("zai");
    assert_eq!(zai["popular"], true);
    assert!(
        zai["aliases"]
            .as_array()
            .expect("aliases")
            .contains(&json!("z.ai"))
    );
    for item in items {
        assert!(item["authMethods"].is_array() && item["modelCount"].is_u64());
    }
}

#[test]
fn model_list_has_the_desktop_shape() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let models = sidecar.call("model/list", json!({}))["models"].clone();
    let models = models.as_array().expect("models");
    assert!(models.len() > 4000, "{}", models.len());
    let modalities = ["text", "audio", "image", "video", "pdf"];
    for model in models {
        let id = model["id"].as_str().expect("id");
        let provider_id = model["providerId"].as_str().expect("providerId");
        assert_eq!(
            id.split_once('/').map(|(p, _)| p),
            Some(provider_id),
            "{id}"
        );
        assert_eq!(model["modelId"], id[provider_id.len() + 1..]);
        assert!(model["name"].is_string() && model["providerName"].is_string());
        assert!(model["contextWindow"].is_u64() && model["maxOutputTokens"].is_u64());
        for optional in ["providerApiUrl", "providerNpmPackage"] {
            assert!(model.get(optional).is_none_or(Value::is_string), "{model}");
        }
        if let Some(vars) = model.get("providerEnvVars") {
            assert!(
                vars.as_array()
                    .expect("env vars")
                    .iter()
                    .all(Value::is_string)
            );
        }
        if let Some(m) = model.get("modalities") {
            for side in ["input", "output"] {
                for value in m[side].as_array().expect("modality list") {
                    assert!(modalities.contains(&value.as_str().expect("str")), "{m}");
                }
            }
        }
        for capability in ["text", "vision", "tools", "reasoning", "plan"] {
            assert!(
                model["capabilities"][capability].is_boolean(),
                "{capability}"
            );
        }
        assert!(["active", "beta"].contains(&model["status"].as_str().expect("status")));
    }
    let sonnet = models
        .iter()
        .find(|m| m["id"] == "anthropic/claude-sonnet-4-5")
        .expect("sonnet");
    assert_eq!(sonnet["providerName"], "Anthropic");
    assert_eq!(sonnet["providerEnvVars"], json!(["ANTHROPIC_API_KEY"]));
    assert_eq!(sonnet["contextWindow"], 200_000);
    assert_eq!(sonnet["maxOutputTokens"], 64_000);
    assert_eq!(
        sonnet["modalities"]["input"],
        json!(["text", "image", "pdf"])
    );
    assert_eq!(
        sonnet["capabilities"],
        json!({"text": true, "vision": true, "tools": true, "reasoning": true, "plan": true})
    );
    assert_eq!(sonnet["cost"]["input"], 3.0);
    assert_eq!(sonnet["releaseDate"], "2025-09-29");
    assert_eq!(sonnet["protocol"], "anthropic");

    let filtered = sidecar.call(
        "model/list",
        json!({"providerId": "anthropic", "capabilities": ["vision", "reasoning"]}),
    )["models"]
        .clone();
    let filtered = filtered.as_array().expect("models");
    assert!(!filtered.is_empty());
    assert!(filtered.iter().all(|m| m["providerId"] == "anthropic"
        && m["capabilities"]["vision"] == true
        && m["capabilities"]["reasoning"] == true));

    let got = sidecar.call(
        "model/get",
        json!({"providerId": "anthropic", "modelId": "claude-sonnet-4-5"}),
    );
    assert_eq!(&got, sonnet);
    let error = sidecar.call_err(
        "model/get",
        json!({"providerId": "anthropic", "modelId": "claude-sonet-4-5"}),
    );
    assert_eq!(error["code"], ErrorKind::ModelNotFound.code());
    assert!(
        error["data"]["suggestions"]
            .as_array()
            .expect("suggestions")
            .contains(&json!("claude-sonnet-4-5"))
    );
}

#[test]
fn unknown_provider_is_provider_not_found() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    for (method, params) in [
        ("provider/get", json!({"providerId": "no-such-provider"})),
        ("model/list", json!({"providerId": "no-such-provider"})),
        (
            "model/get",
            json!({"providerId": "no-such-provider", "modelId": "x"}),
        ),
    ] {
        let error = sidecar.call_err(method, params);
        assert_eq!(
            error["code"],
            ErrorKind::ProviderNotFound.code(),
            "{method}"
        );
        assert_eq!(error_kind(&error), "provider_not_found");
        assert_eq!(error["data"]["providerId"], "no-such-provider");
    }
}

#[test]
fn config_from_initialize_merges_over_the_catalog() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let config = json!({
        "model": "corp/corp-large",
        "disabled_providers": ["openrouter"],
        "provider": {
            "corp": {
                "name": "Corp Gateway",
                "npm": "@ai-sdk/openai-compatible",
                "options": {"baseURL": "http://127.0.0.1:9/v1", "apiKey": "sk-corp-secret"},
                "models": {"corp-large": {
                    "name": "Corp Large", "tool_call": true,
                    "limit": {"context": 32000, "output": 4000}
                }}
            },
            "anthropic": {"whitelist": ["claude-sonnet-4-5"]}
        }
    });
    initialize(&mut sidecar, config);

    let listed = sidecar.call("provider/list", json!({}));
    assert!(
        !listed.to_string().contains("sk-corp-secret"),
        "secret leaked"
    );
    let providers = listed["providers"].as_array().expect("providers");
    assert!(providers.iter().all(|p| p["id"] != "openrouter"));
    let corp = providers
        .iter()
        .find(|p| p["id"] == "corp")
        .expect("custom provider");
    assert_eq!(corp["name"], "Corp Gateway");
    assert_eq!(corp["connected"], true);
    assert_eq!(corp["credentialSource"], "config");
    assert_eq!(corp["api"], true);

    let error = sidecar.call_err("provider/get", json!({"providerId": "openrouter"}));
    assert_eq!(error_kind(&error), "provider_not_found");

    let anthropic =
        sidecar.call("model/list", json!({"providerId": "anthropic"}))["models"].clone();
    let ids: Vec<&str> = anthropic
        .as_array()
        .expect("models")
        .iter()
        .map(|m| m["modelId"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["claude-sonnet-4-5"]);

    let large = sidecar.call(
        "model/get",
        json!({"providerId": "corp", "modelId": "corp-large"}),
    );
    assert_eq!(large["id"], "corp/corp-large");
    assert_eq!(large["contextWindow"], 32_000);
    assert_eq!(large["maxOutputTokens"], 4_000);
    assert_eq!(large["providerApiUrl"], "http://127.0.0.1:9/v1");
    assert_eq!(large["connected"], true);
    assert_eq!(large["protocol"], "openai-chat");

    let catalog = sidecar.call("provider/catalog", json!({}))["providers"].clone();
    let first = &catalog.as_array().expect("items")[0];
    assert_eq!(first["connected"], true, "connected providers come first");

    let default = sidecar.call("model/default", json!({}));
    assert_eq!(default["model"]["id"], "corp/corp-large");
    assert_eq!(default["source"], "config");
}

#[test]
fn an_invalid_config_in_initialize_is_invalid_params_of_kind_config() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let models = sidecar.call("catalog/status", json!({}))["modelCount"].clone();
    let error = sidecar.call_err(
        "initialize",
        json!({"initializationOptions": {"config": {"provider": {"x": {"options": {"setCacheKey": "sk-nope"}}}}}}),
    );
    assert_eq!(error["code"], -32602);
    assert_eq!(error_kind(&error), "config");
    assert_eq!(
        error["data"]["field"],
        "initializationOptions.config.provider.x.options.setCacheKey"
    );
    assert!(!error.to_string().contains("sk-nope"));
    // The server keeps serving with its previous config.
    assert_eq!(
        sidecar.call("catalog/status", json!({}))["modelCount"],
        models
    );
}

#[test]
fn model_default_follows_the_stored_preference() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let before = sidecar.call("model/default", json!({}));
    // Without a preference: a connected provider's best model (keys in the environment), or none.
    match before["source"].as_str() {
        Some("none") => assert!(before.get("model").is_none()),
        Some("priority") => assert!(before["model"]["id"].is_string()),
        other => panic!("unexpected source {other:?}"),
    }
    sidecar.call(
        "preferences/update",
        json!({"selectedProviderId": "zai", "selectedModelId": "glm-4.7"}),
    );
    let default = sidecar.call("model/default", json!({}));
    assert_eq!(default["source"], "preference");
    assert_eq!(
        default["model"],
        json!({"providerId": "zai", "modelId": "glm-4.7", "id": "zai/glm-4.7"})
    );
}

#[test]
fn preferences_persist_across_a_restart_in_the_same_data_dir() {
    let shared = tempfile::tempdir().expect("data dir");
    let mut first = Sidecar::spawn_with(&[]);
    first.call(
        "initialize",
        json!({"initializationOptions": {"dataDir": shared.path()}}),
    );
    let defaults = first.call("preferences/get", json!({}));
    assert_eq!(defaults["hybridEnabled"], true);
    assert_eq!(defaults["selectedProviderId"], Value::Null);
    let updated = first.call(
        "preferences/update",
        json!({"selectedProviderId": "anthropic", "selectedModelId": "claude-sonnet-4-5",
               "hybridEnabled": false}),
    );
    assert_eq!(updated["selectedProviderId"], "anthropic");
    let cleared = first.call("preferences/update", json!({"selectedModelId": null}));
    assert_eq!(cleared["selectedModelId"], Value::Null);
    assert_eq!(cleared["selectedProviderId"], "anthropic", "absent keeps");
    assert!(shared.path().join("preferences.json").exists());
    assert!(
        !first.data_dir.path().join("preferences.json").exists(),
        "the store followed the data dir from initialize"
    );
    drop(first);

    let mut second = Sidecar::spawn_with(&[]);
    second.call(
        "initialize",
        json!({"initializationOptions": {"dataDir": shared.path()}}),
    );
    let reread = second.call("preferences/get", json!({}));
    assert_eq!(reread, cleared);
    assert_eq!(reread["hybridEnabled"], false);
}

#[test]
fn refresh_reports_progress_and_catalog_changed_and_a_failure_keeps_the_catalog() {
    let mock = MockCatalog::start(Mode::Fail(500));
    let mut sidecar = Sidecar::spawn_with(&[]);
    initialize(&mut sidecar, mock.config());

    let error = sidecar.call_err("catalog/refresh", json!({"workDoneToken": "t-fail"}));
    assert_eq!(error["code"], ErrorKind::CatalogUnavailable.code());
    // The background refresh (started shortly after initialize) fails against the mock too.
    mock.wait_hits(2);
    let status = sidecar.call("catalog/status", json!({}));
    assert_eq!(status["source"], "embedded");
    let (providers, models) = embedded_counts();
    assert_eq!(status["providerCount"], providers);
    assert_eq!(status["modelCount"], models);
    assert!(status["lastError"].is_string(), "{status}");

    mock.set(Mode::Body(Arc::new("{\"truncated\": ".to_owned())));
    let error = sidecar.call_err("catalog/refresh", json!({}));
    assert_eq!(error_kind(&error), "catalog_unavailable");
    assert_eq!(
        sidecar.call("catalog/status", json!({}))["modelCount"],
        models
    );

    let (body, expected) = changed_catalog();
    mock.set(Mode::Body(Arc::new(body)));
    let result = sidecar.call("catalog/refresh", json!({"workDoneToken": 42}));
    assert_eq!(result["outcome"], "updated");
    assert_diff(&result["diff"], &expected);
    assert_eq!(result["status"]["source"], "remote");

    let progress: Vec<Value> = {
        let mut values = Vec::new();
        loop {
            let message = sidecar
                .wait_for(|m| is_notification(m, "$/progress") && m.value["params"]["token"] == 42);
            let value = message.value["params"]["value"].clone();
            let done = value["kind"] == "end";
            values.push(value);
            if done {
                break values;
            }
        }
    };
    assert_eq!(progress[0]["kind"], "begin");
    assert!(
        progress.iter().any(|v| v["kind"] == "report"),
        "{progress:?}"
    );
    let changed = sidecar.wait_for(|m| is_notification(m, "catalog/changed"));
    assert_diff(&changed.value["params"], &expected);

    let status = sidecar.call("catalog/status", json!({}));
    assert_eq!(status["providerCount"], expected["providerCount"]);
    assert!(status.get("lastError").is_none(), "{status}");
    let added = sidecar.call(
        "model/get",
        json!({"providerId": "anthropic", "modelId": "claude-test-9"}),
    );
    assert_eq!(added["name"], "Claude Test 9");
    let error = sidecar.call_err("provider/get", json!({"providerId": "abliteration-ai"}));
    assert_eq!(error_kind(&error), "provider_not_found");
}

#[test]
fn the_background_refresh_sends_catalog_changed_and_the_cache_survives_a_restart() {
    let (body, expected) = changed_catalog();
    let mock = MockCatalog::start(Mode::Body(Arc::new(body)));
    let shared = tempfile::tempdir().expect("data dir");
    let mut sidecar = Sidecar::spawn_with(&[]);
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"config": mock.config(), "dataDir": shared.path()}}),
    );
    let changed = sidecar.wait_for(|m| is_notification(m, "catalog/changed"));
    assert_diff(&changed.value["params"], &expected);
    assert_eq!(
        sidecar.call("catalog/status", json!({}))["source"],
        "remote"
    );
    drop(sidecar);

    let mut restarted = Sidecar::spawn_with(&[]);
    restarted.call(
        "initialize",
        json!({"initializationOptions": {"dataDir": shared.path()}}),
    );
    let status = restarted.call("catalog/status", json!({}));
    assert_eq!(status["source"], "cache");
    assert_eq!(status["modelCount"], expected["modelCount"]);
    let added = restarted.call(
        "model/get",
        json!({"providerId": "anthropic", "modelId": "claude-test-9"}),
    );
    assert_eq!(added["name"], "Claude Test 9");
    drop(restarted);

    // A start reads the cache's body itself: edited on disk, it is what the next start serves.
    let catalog_dir = shared.path().join("catalog");
    let renamed = std::fs::read_to_string(catalog_dir.join("models.json"))
        .expect("body")
        .replace("Claude Test 9", "Claude Test X");
    std::fs::write(catalog_dir.join("models.json"), renamed).expect("edit body");
    let mut third = Sidecar::spawn_with(&[]);
    third.call(
        "initialize",
        json!({"initializationOptions": {"dataDir": shared.path()}}),
    );
    let edited = third.call(
        "model/get",
        json!({"providerId": "anthropic", "modelId": "claude-test-9"}),
    );
    assert_eq!(edited["name"], "Claude Test X");
}

#[test]
fn models_of_an_openai_compatible_server_are_discovered() {
    let server = MockCatalog::start(Mode::Body(Arc::new(
        json!({"object": "list", "data": [{"id": "listed"}, {"id": "local-a"}, {"id": "local-b"}]})
            .to_string(),
    )));
    let base_url = server.url.replace("/api.json", "/v1");
    let mut sidecar = Sidecar::spawn_with(&[]);
    initialize(
        &mut sidecar,
        json!({"provider": {"local": {
            "npm": "@ai-sdk/openai-compatible",
            "options": {"baseURL": base_url},
            "models": {"listed": {"name": "Listed in config"}}
        }}}),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let ids = loop {
        let models = sidecar.call("model/list", json!({"providerId": "local"}))["models"].clone();
        let ids: Vec<String> = models
            .as_array()
            .expect("models")
            .iter()
            .map(|m| m["modelId"].as_str().expect("id").to_owned())
            .collect();
        if ids.len() >= 3 || Instant::now() > deadline {
            break ids;
        }
        thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(ids, ["listed", "local-a", "local-b"]);
    let listed = sidecar.call(
        "model/get",
        json!({"providerId": "local", "modelId": "listed"}),
    );
    assert_eq!(
        listed["name"], "Listed in config",
        "config wins over discovery"
    );
}

#[test]
fn a_config_file_sets_the_catalog_and_initialize_keeps_its_refresh_loop() {
    let (body, expected) = changed_catalog();
    let mock = MockCatalog::start(Mode::Body(Arc::new(body)));
    let dir = tempfile::tempdir().expect("config dir");
    let path = dir.path().join("sidecar.jsonc");
    let file_config = format!(
        "{{\n  // JSONC\n  \"catalog\": {{\"url\": \"{}\", \"fetch\": true}},\n}}",
        mock.url
    );
    std::fs::write(&path, file_config).expect("config file");
    let path = path.to_str().expect("utf-8 path");
    let mut sidecar = Sidecar::spawn_with(&["--config", path]);
    // Same catalog settings, another provider section: the service (and its loop) is kept.
    let mut config = mock.config();
    config["provider"] = json!({"anthropic": {"whitelist": ["claude-sonnet-4-5"]}});
    initialize(&mut sidecar, config);
    let changed = sidecar.wait_for(|m| is_notification(m, "catalog/changed"));
    assert_diff(&changed.value["params"], &expected);
    let status = sidecar.call("catalog/status", json!({}));
    assert_eq!(
        (status["source"].as_str(), status["url"].as_str()),
        (Some("remote"), Some(mock.url.as_str()))
    );
}
