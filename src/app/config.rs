//! The user config as the server keeps it: a `--config FILE` read into the JSON value kept in
//! `settings.config`, that value parsed into a [`SidecarConfig`], and the OpenCode config imported
//! into the data dir (`config/import`) laid under it.

use std::path::Path;

use serde_json::Value;

use super::errors::config_error;
use super::state::ProcessEnv;
use crate::config::{ConfigError, SidecarConfig};
use crate::rpc::error::RpcError;

/// The config from its JSON value (`{env:..}` / `{file:..}` substituted), or `None` → empty.
pub fn parse_config(value: Option<&Value>, env: &ProcessEnv) -> Result<SidecarConfig, RpcError> {
    match value {
        None => Ok(SidecarConfig::default()),
        Some(value) => SidecarConfig::from_value(value.clone(), env, None)
            .map_err(|error| config_error("initializationOptions.config", &error)),
    }
}

/// Reads a `--config FILE` (JSON or JSONC, `{file:..}` relative to it) into the JSON value kept in
/// `settings.config`, with substitutions already applied.
pub fn load_config_file(path: &Path, env: &ProcessEnv) -> Result<Value, ConfigError> {
    let config = SidecarConfig::load_file(path, env)?;
    let mut value = serde_json::to_value(&config).map_err(|error| ConfigError::Invalid {
        path: String::new(),
        expected: error.to_string(),
    })?;
    // Sections other layers read (such as `auth`) pass through as written.
    let raw = std::fs::read_to_string(path).ok().and_then(|text| {
        serde_json::from_str::<Value>(&crate::config::jsonc::strip_jsonc(&text)).ok()
    });
    if let (Some(Value::Object(raw)), Value::Object(out)) = (raw, &mut value) {
        for (key, section) in raw {
            out.entry(key).or_insert(section);
        }
    }
    Ok(value)
}

/// The sidecar's own config over the OpenCode config imported into the data dir (`config/import`);
/// an import that no longer loads is logged and left out.
pub fn with_opencode_import(
    data_dir: &Path,
    env: &ProcessEnv,
    own: SidecarConfig,
) -> SidecarConfig {
    use crate::config::opencode_import::{layered, load_stored};
    match load_stored(data_dir, env) {
        Ok(imported) => layered(imported, own),
        Err(error) => {
            tracing::warn!(%error, "the imported OpenCode config does not load; leaving it out");
            own
        }
    }
}

/// The config after the `config` hooks of `hooks` (docs/hooks.md): they see `own` (this
/// `initialize`'s config, else the one in force) over the imported OpenCode config, secrets
/// redacted; each patch is deep-merged in and must leave a config that loads. `None` when no hook
/// changed anything (the config stays as given). A fail-closed hook that fails is `hook_failed`.
pub async fn with_config_hooks(
    own: Option<&Value>,
    data_dir: &Path,
    env: &ProcessEnv,
    hooks: &crate::plugin::Registry,
) -> Result<Option<Value>, RpcError> {
    let merged = with_opencode_import(data_dir, env, parse_config(own, env)?);
    let Ok(Value::Object(mut config)) = serde_json::to_value(&merged) else {
        return Ok(None);
    };
    // Sections other layers read (such as `auth`) pass through as written.
    if let Some(Value::Object(raw)) = own {
        for (key, section) in raw {
            config.entry(key.clone()).or_insert_with(|| section.clone());
        }
    }
    let check = |config: &serde_json::Map<String, Value>| {
        let value = Value::Object(config.clone());
        parse_config(Some(&value), env).map_err(|error| error.message)?;
        super::network::network_settings(Some(&value)).map_err(|error| error.message)?;
        Ok(())
    };
    let mut report = crate::plugin::HookReport::default();
    hooks
        .config(&mut config, &check, &mut report)
        .await
        .map_err(super::errors::hook_failed)?;
    for change in &report.changes {
        tracing::info!(plugin = %change.plugin, changed = ?change.changed, "a config hook edited the config");
    }
    Ok((!report.changes.is_empty()).then_some(Value::Object(config)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_config_file_round_trips_through_its_json_value() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sidecar.jsonc");
        std::fs::write(dir.path().join("key.txt"), "sk-file\n").expect("key file");
        std::fs::write(
            &path,
            r#"{
              // JSONC is fine
              "model": "corp/big",
              "disabled_providers": ["openrouter"],
              "catalog": {"fetch": false},
              "provider": {"corp": {"npm": "@ai-sdk/openai-compatible",
                "options": {"baseURL": "http://127.0.0.1:9/v1", "apiKey": "{file:key.txt}", "region": "eu"},
                "models": {"big": {"name": "Big", "tool_call": true, "limit": {"context": 1000, "output": 100}}}}}
            }"#,
        )
        .expect("config");
        let env = ProcessEnv::new();
        let value = load_config_file(&path, &env).expect("loads");
        let direct = SidecarConfig::load_file(&path, &env).expect("loads");
        let reparsed = parse_config(Some(&value), &env).expect("reparses");
        assert_eq!(reparsed, direct);
        assert_eq!(
            reparsed.provider["corp"].options.api_key.as_deref(),
            Some("sk-file")
        );
    }

    #[test]
    fn invalid_config_is_invalid_params_of_kind_config_without_the_value() {
        let value = json!({"provider": {"a": {"options": {"setCacheKey": "sk-secret"}}}});
        let error = parse_config(Some(&value), &ProcessEnv::new()).expect_err("invalid");
        assert_eq!(error.code(), -32602);
        let data = error.data_value();
        assert_eq!(data["kind"], "config");
        assert_eq!(
            data["field"],
            "initializationOptions.config.provider.a.options.setCacheKey"
        );
        assert!(!data.to_string().contains("sk-secret"), "{data}");
    }
}
