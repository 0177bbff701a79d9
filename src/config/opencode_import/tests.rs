use serde_json::json;

use super::*;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn global_then_project_are_taken_merged_and_reported_without_values() {
    let home = tempfile::tempdir().expect("home");
    let project = tempfile::tempdir().expect("project");
    let data = tempfile::tempdir().expect("data");
    let global = home.path().join(".config/opencode/opencode.jsonc");
    write(
        &global,
        r#"{
          // OpenCode's own settings are left alone
          "$schema": "https://opencode.ai/config.json",
          "theme": "dark",
          "model": "anthropic/claude-sonnet-4-5",
          "provider": {
            "openai": {"options": {"apiKey": "{env:OPENAI_API_KEY}", "headers": {"X-A": "1"}}},
            "broken": {"options": {"timeout": "soon"}},
            "local": {"npm": "@ai-sdk/openai-compatible", "options": {"baseURL": "http://127.0.0.1:1/v1", "apiKey": "{file:key.txt}"}}
          }
        }"#,
    );
    write(
        &project.path().join(".opencode/opencode.json"),
        &json!({"provider": {"openai": {"options": {"headers": {"X-B": "2"}}}},
                "small_model": "openai/gpt-5-mini", "agent": {"build": {}}})
        .to_string(),
    );
    let env = HashMap::from([("HOME".to_string(), home.path().display().to_string())]);
    let params = ConfigImportParams {
        directory: Some(project.path().to_path_buf()),
        ..Default::default()
    };
    let report = import(&params, &env, data.path()).expect("imports");
    assert_eq!(report.sources.len(), 2);
    assert_eq!(report.sources[0].scope, "global");
    assert_eq!(report.sources[0].providers, ["openai", "local"]);
    assert_eq!(report.sources[0].settings, ["model"]);
    assert_eq!(report.sources[1].scope, "project");
    assert_eq!(report.sources[1].settings, ["small_model"]);
    let skipped: Vec<&str> = report.skipped.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(skipped, ["theme", "provider.broken", "agent"]);
    assert!(
        report.skipped[1].reason.contains("options.timeout"),
        "{:?}",
        report.skipped
    );
    assert!(report.not_found.iter().any(|p| p.ends_with("config.json")));

    let stored = stored_path(data.path());
    assert_eq!(
        report.stored_at.as_deref(),
        Some(stored.display().to_string().as_str())
    );
    let text = std::fs::read_to_string(&stored).expect("stored");
    let value: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        value["provider"]["openai"]["options"]["apiKey"],
        "{env:OPENAI_API_KEY}"
    );
    assert_eq!(
        value["provider"]["openai"]["options"]["headers"],
        json!({"X-A": "1", "X-B": "2"})
    );
    let file_ref = value["provider"]["local"]["options"]["apiKey"]
        .as_str()
        .expect("ref");
    assert_eq!(
        file_ref,
        format!(
            "{{file:{}}}",
            global.parent().expect("dir").join("key.txt").display()
        )
    );
    assert!(value.get("theme").is_none() && value.get("agent").is_none());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&stored)
            .expect("meta")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }

    // The stored import loads under the sidecar's own config, which wins.
    write(
        &global.parent().expect("dir").join("key.txt"),
        "sk-from-file",
    );
    let env = HashMap::from([("OPENAI_API_KEY".to_string(), "sk-env".to_string())]);
    let imported = load_stored(data.path(), &env)
        .expect("loads")
        .expect("some");
    assert_eq!(
        imported.provider["openai"].options.api_key.as_deref(),
        Some("sk-env")
    );
    assert_eq!(
        imported.provider["local"].options.api_key.as_deref(),
        Some("sk-from-file")
    );
    let own = SidecarConfig::from_value(json!({"model": "openai/gpt-5"}), &env, None).expect("own");
    let effective = layered(Some(imported), own);
    assert_eq!(effective.model.as_deref(), Some("openai/gpt-5"));
    assert_eq!(effective.small_model.as_deref(), Some("openai/gpt-5-mini"));
    assert!(effective.provider.contains_key("local"));
}

#[test]
fn nothing_found_stores_nothing_and_bad_json_names_its_position() {
    let home = tempfile::tempdir().expect("home");
    let data = tempfile::tempdir().expect("data");
    let env = HashMap::from([(
        "XDG_CONFIG_HOME".to_string(),
        home.path().display().to_string(),
    )]);
    let report = import(&ConfigImportParams::default(), &env, data.path()).expect("ok");
    assert!(report.sources.is_empty() && report.stored_at.is_none());
    assert_eq!(report.not_found.len(), 3);
    assert!(!stored_path(data.path()).exists());

    let bad = home.path().join("opencode/opencode.json");
    write(&bad, "{\"provider\": {\"x\": \"sk-secret-literal\",,}}");
    let error = import(&ConfigImportParams::default(), &env, data.path()).expect_err("syntax");
    assert_eq!(error.kind(), "config");
    assert!(error.to_string().contains("line 1"), "{error}");
    assert!(!error.to_string().contains("sk-secret"), "{error}");
    assert!(matches!(
        import(&ConfigImportParams::default(), &HashMap::new(), data.path()),
        Err(ImportError::NoHome)
    ));
}
