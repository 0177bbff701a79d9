//! `config/import` and `provider-sidecar config import`: OpenCode users' `opencode.json(c)` read
//! (never written), the parts the sidecar reads stored in the data dir under its own config, and a
//! report of what was taken and skipped that holds no value.

use std::process::Command;

use provider_sidecar::protocol::testing::MockServer;
use serde_json::{Value, json};

use crate::chat::{chat_calls, openai_chat_stream, runtime, stream};
use crate::support::{BIN, Sidecar, error_kind};

const KEY: &str = "sk-imported-local-4646";

fn opencode_config(base_url: &str) -> String {
    format!(
        r#"{{
  // an OpenCode user's project config
  "$schema": "https://opencode.ai/config.json",
  "theme": "tokyonight",
  "model": "local-llm/coder",
  "provider": {{
    "local-llm": {{
      "npm": "@ai-sdk/openai-compatible",
      "name": "Local LLM",
      "options": {{"baseURL": "{base_url}/v1", "apiKey": "{KEY}",
                   "headers": {{"X-Imported": "yes", "X-Own": "imported"}}}},
      "models": {{"coder": {{"name": "Coder"}}}}
    }}
  }}
}}"#
    )
}

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
fn a_project_config_is_imported_on_request_under_the_sidecars_own() {
    let rt = runtime();
    let server = rt
        .block_on(MockServer::start(vec![openai_chat_stream("imported!")]))
        .expect("mock starts");
    let project = tempfile::tempdir().expect("project");
    let source = project.path().join("opencode.jsonc");
    let text = opencode_config(&server.base_url);
    std::fs::write(&source, &text).expect("write");
    let data_dir = tempfile::tempdir().expect("data dir");

    let mut sidecar = Sidecar::spawn();
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"dataDir": data_dir.path(), "config": {"provider": {
            "local-llm": {"options": {"headers": {"X-Own": "sidecar"}}}}}}}),
    );
    // Never unasked: the project's config is not read until imported.
    let before = sidecar.call_err(
        "model/get",
        json!({"providerId": "local-llm", "modelId": "coder"}),
    );
    assert_eq!(error_kind(&before), "model_not_found", "{before}");

    let relative = sidecar.call_err("config/import", json!({"directory": "relative/dir"}));
    assert_eq!(error_kind(&relative), "invalid_params");

    let report = sidecar.call(
        "config/import",
        json!({"directory": project.path(), "global": false}),
    );
    assert_eq!(report["sources"][0]["path"], json!(source));
    assert_eq!(report["sources"][0]["scope"], "project");
    assert_eq!(report["sources"][0]["providers"], json!(["local-llm"]));
    assert_eq!(report["sources"][0]["settings"], json!(["model"]));
    assert_eq!(report["skipped"][0]["key"], "theme");
    assert!(
        report["storedAt"]
            .as_str()
            .is_some_and(|p| p.ends_with("opencode.json"))
    );
    assert!(!report.to_string().contains(KEY), "no value in the report");
    assert_eq!(
        std::fs::read_to_string(&source).expect("source"),
        text,
        "source untouched"
    );

    let provider = sidecar.call("provider/get", json!({"providerId": "local-llm"}));
    assert_eq!(provider["name"], "Local LLM", "{provider}");
    sidecar.call("session/open", json!({"sessionId": "s"}));
    let (_, response) = stream(
        &mut sidecar,
        json!({"sessionId": "s", "providerId": "local-llm", "modelId": "coder",
               "messages": [{"role": "user", "content": "hi"}]}),
    );
    assert!(response.get("result").is_some(), "{response}");
    let calls = chat_calls(&server);
    assert_eq!(calls[0].path, "/v1/chat/completions");
    let bearer = format!("Bearer {KEY}");
    assert_eq!(header(&calls[0], "authorization"), Some(bearer.as_str()));
    assert_eq!(header(&calls[0], "x-imported"), Some("yes"));
    assert_eq!(
        header(&calls[0], "x-own"),
        Some("sidecar"),
        "the sidecar's config wins"
    );
    assert!(!sidecar.stderr().contains(KEY));
}

#[test]
fn the_cli_finds_the_global_config_and_reports_what_it_took() {
    let home = tempfile::tempdir().expect("home");
    let data_dir = tempfile::tempdir().expect("data dir");
    let global = home.path().join(".config/opencode/opencode.json");
    std::fs::create_dir_all(global.parent().expect("dir")).expect("mkdir");
    let mut config: Value = serde_json::from_str(&provider_sidecar::config::jsonc::strip_jsonc(
        &opencode_config("http://127.0.0.1:9"),
    ))
    .expect("json");
    config["provider"]["broken"] = json!({"options": {"timeout": "later"}});
    std::fs::write(&global, config.to_string()).expect("write");

    let run = |args: &[&str]| {
        let output = Command::new(BIN)
            .args(args)
            .arg("--data-dir")
            .arg(data_dir.path())
            .env("HOME", home.path())
            .env_remove("XDG_CONFIG_HOME")
            .env("PROVIDER_SIDECAR_DISABLE_MODELS_FETCH", "1")
            .output()
            .expect("runs");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).to_string(),
        )
    };
    let (code, out) = run(&["config", "import"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(&format!("Read {} (global", global.display())),
        "{out}"
    );
    assert!(out.contains("providers: local-llm"), "{out}");
    assert!(out.contains("Skipped theme"), "{out}");
    assert!(out.contains("Skipped provider.broken"), "{out}");
    assert!(out.contains("options.timeout"), "{out}");
    assert!(out.contains("Stored at"), "{out}");
    assert!(!out.contains(KEY));

    let (code, out) = run(&["models", "list", "--provider", "local-llm"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("local-llm/coder"), "{out}");

    let empty = tempfile::tempdir().expect("project");
    let (code, out) = run(&[
        "config",
        "import",
        "--no-global",
        "--dir",
        &empty.path().display().to_string(),
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("No OpenCode config found"), "{out}");
}
