//! Loading the config from a file (`--config FILE`) or a JSON value (`initialize`), with OpenCode's
//! `{env:VAR}` and `{file:path}` substitution in string values.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::jsonc::strip_jsonc;
use super::schema::SidecarConfig;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config is not valid JSON: line {line}, column {column}")]
    Syntax { line: usize, column: usize },
    /// The message names the offending key and the expected type, never the value (it may be a key).
    #[error("invalid config at `{path}`: {expected}")]
    Invalid { path: String, expected: String },
    #[error("config references file {path} that cannot be read: {source}")]
    FileReference {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ConfigError {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Read { .. } => "config_read",
            Self::Syntax { .. } => "config_syntax",
            Self::Invalid { .. } => "config_invalid",
            Self::FileReference { .. } => "config_file_reference",
        }
    }
}

impl SidecarConfig {
    /// Reads a JSON (or JSONC) config file; `{file:...}` paths resolve relative to its directory.
    pub fn load_file(path: &Path, env: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let value: Value =
            serde_json::from_str(&strip_jsonc(&text)).map_err(|e| ConfigError::Syntax {
                line: e.line(),
                column: e.column(),
            })?;
        Self::from_value(value, env, path.parent())
    }

    /// Builds the config from a JSON value, substituting `{env:..}` / `{file:..}` first.
    /// `base_dir` anchors relative `{file:..}` paths (the current directory when `None`).
    pub fn from_value(
        mut value: Value,
        env: &HashMap<String, String>,
        base_dir: Option<&Path>,
    ) -> Result<Self, ConfigError> {
        let resolver = Substitution { env, base_dir };
        resolver.apply(&mut value)?;
        let mut config: Self = serde_path_to_error::deserialize(value).map_err(|error| {
            let message = error.inner().to_string();
            // serde's messages quote the offending value; keep only what was expected.
            let expected = message
                .split_once(", expected ")
                .map(|(_, expected)| format!("expected {expected}"))
                .unwrap_or_else(|| "unexpected value".to_owned());
            ConfigError::Invalid {
                path: error.path().to_string(),
                expected,
            }
        })?;
        config.normalize();
        Ok(config)
    }

    /// An unset `{env:VAR}` leaves an empty string; treat empty keys and URLs as absent so they
    /// never shadow a stored credential or the catalog's URL.
    fn normalize(&mut self) {
        for provider in self.provider.values_mut() {
            let options = &mut provider.options;
            if options
                .api_key
                .as_deref()
                .is_some_and(|k| k.trim().is_empty())
            {
                options.api_key = None;
            }
            if options
                .base_url
                .as_deref()
                .is_some_and(|u| u.trim().is_empty())
            {
                options.base_url = None;
            }
        }
    }
}

struct Substitution<'a> {
    env: &'a HashMap<String, String>,
    base_dir: Option<&'a Path>,
}

impl Substitution<'_> {
    fn apply(&self, value: &mut Value) -> Result<(), ConfigError> {
        match value {
            Value::String(text) if text.contains("{env:") || text.contains("{file:") => {
                *text = self.substitute(text)?;
            }
            Value::Array(items) => items.iter_mut().try_for_each(|item| self.apply(item))?,
            Value::Object(map) => map.values_mut().try_for_each(|item| self.apply(item))?,
            _ => {}
        }
        Ok(())
    }

    fn substitute(&self, text: &str) -> Result<String, ConfigError> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let tail = &rest[start..];
            let Some(end) = tail.find('}') else {
                out.push_str(tail);
                return Ok(out);
            };
            let token = &tail[1..end];
            if let Some(name) = token.strip_prefix("env:") {
                out.push_str(self.env.get(name.trim()).map(String::as_str).unwrap_or(""));
            } else if let Some(file) = token.strip_prefix("file:") {
                out.push_str(&self.read_file(file.trim())?);
            } else {
                out.push_str(&tail[..=end]);
            }
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn read_file(&self, reference: &str) -> Result<String, ConfigError> {
        let path = if let Some(relative) = reference.strip_prefix("~/") {
            let home = self.env.get("HOME").or_else(|| self.env.get("USERPROFILE"));
            home.map(|h| Path::new(h).join(relative))
                .unwrap_or_else(|| PathBuf::from(reference))
        } else {
            let path = Path::new(reference);
            match self.base_dir {
                Some(base) if path.is_relative() => base.join(path),
                _ => path.to_owned(),
            }
        };
        let content = std::fs::read_to_string(&path)
            .map_err(|source| ConfigError::FileReference { path, source })?;
        Ok(content.trim_end().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn parses_opencode_provider_config() {
        let value = json!({
            "$schema": "https://opencode.ai/config.json",
            "model": "anthropic/claude-sonnet-4-5",
            "small_model": "anthropic/claude-haiku-4-5",
            "disabled_providers": ["openrouter"],
            "agent": {"build": {"model": "x"}},
            "catalog": {"url": "http://127.0.0.1:9/api.json", "fetch": false, "ttlMinutes": 5},
            "provider": {
                "local": {
                    "npm": "@ai-sdk/openai-compatible",
                    "name": "Local",
                    "options": {"baseURL": "http://localhost:1234/v1", "timeout": false, "chunkTimeout": 5000,
                                "headers": {"X-Team": "a"}, "region": "eu"},
                    "models": {"qwen": {"name": "Qwen", "limit": {"context": 32000, "output": 4096},
                                         "variants": {"fast": {"reasoningEffort": "low"}}}},
                    "whitelist": ["qwen"]
                }
            }
        });
        let config = SidecarConfig::from_value(value, &env(&[]), None).expect("valid");
        assert_eq!(config.model.as_deref(), Some("anthropic/claude-sonnet-4-5"));
        assert_eq!(config.disabled_providers, vec!["openrouter"]);
        assert_eq!(config.catalog.ttl_minutes, Some(5));
        assert_eq!(config.catalog.fetch, Some(false));
        let local = &config.provider["local"];
        assert_eq!(
            local.options.base_url.as_deref(),
            Some("http://localhost:1234/v1")
        );
        assert_eq!(
            local.options.timeout,
            Some(super::super::schema::TimeoutSetting::Enabled(false))
        );
        assert_eq!(local.options.chunk_timeout, Some(5000));
        assert_eq!(local.options.extra["region"], "eu");
        assert_eq!(local.options.headers.0["X-Team"], "a");
        assert_eq!(
            local.models["qwen"].limit.as_ref().map(|l| l.context),
            Some(32000)
        );
        assert_eq!(
            local.models["qwen"].variants["fast"]["reasoningEffort"],
            "low"
        );
        assert_eq!(local.whitelist.as_deref(), Some(&["qwen".to_owned()][..]));
    }

    #[test]
    fn env_and_file_substitution() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("key.txt"), "sk-from-file\n").expect("write");
        let value = json!({"provider": {
            "a": {"options": {"apiKey": "{env:A_KEY}", "baseURL": "https://{env:HOST}/v1"}},
            "b": {"options": {"apiKey": "{file:key.txt}"}},
            "c": {"options": {"apiKey": "{env:UNSET_VAR}", "baseURL": "{env:UNSET_URL}"}},
            "d": {"options": {"headers": {"Authorization": "Bearer {env:A_KEY}"}}}
        }});
        let vars = env(&[("A_KEY", "sk-a"), ("HOST", "example.test")]);
        let config = SidecarConfig::from_value(value, &vars, Some(dir.path())).expect("valid");
        assert_eq!(
            config.provider["a"].options.api_key.as_deref(),
            Some("sk-a")
        );
        assert_eq!(
            config.provider["a"].options.base_url.as_deref(),
            Some("https://example.test/v1")
        );
        assert_eq!(
            config.provider["b"].options.api_key.as_deref(),
            Some("sk-from-file")
        );
        // An unset variable must not block a stored credential: the key is absent, not "".
        assert_eq!(config.provider["c"].options.api_key, None);
        assert_eq!(config.provider["c"].options.base_url, None);
        assert_eq!(
            config.provider["d"].options.headers.0["Authorization"],
            "Bearer sk-a"
        );
        let debug = format!("{:?}", config);
        assert!(
            !debug.contains("sk-a") && !debug.contains("sk-from-file"),
            "secrets leak into Debug: {debug}"
        );
    }

    #[test]
    fn missing_file_reference_is_an_error() {
        let value = json!({"provider": {"a": {"options": {"apiKey": "{file:/nonexistent/key}"}}}});
        let error = SidecarConfig::from_value(value, &env(&[]), None).expect_err("missing file");
        assert_eq!(error.kind(), "config_file_reference");
    }

    #[test]
    fn invalid_value_error_names_path_not_value() {
        let value = json!({"provider": {"a": {"options": {"setCacheKey": "sk-secret-value"}}}});
        let error = SidecarConfig::from_value(value, &env(&[]), None).expect_err("invalid");
        assert_eq!(error.kind(), "config_invalid");
        let text = error.to_string();
        assert!(text.contains("provider.a.options"), "{text}");
        assert!(!text.contains("sk-secret-value"), "{text}");
    }

    #[test]
    fn loads_jsonc_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("opencode.jsonc");
        std::fs::write(
            &path,
            "{\n // comment\n \"model\": \"openai/gpt-5\", /* block */\n \"provider\": {\"openai\": {\"options\": {\"baseURL\": \"http://x//y\"},},},\n}",
        )
        .expect("write");
        let config = SidecarConfig::load_file(&path, &env(&[])).expect("loads");
        assert_eq!(config.model.as_deref(), Some("openai/gpt-5"));
        assert_eq!(
            config.provider["openai"].options.base_url.as_deref(),
            Some("http://x//y")
        );
        let missing = SidecarConfig::load_file(&dir.path().join("nope.json"), &env(&[]))
            .expect_err("missing");
        assert_eq!(missing.kind(), "config_read");
        std::fs::write(&path, "{ not json").expect("write");
        assert_eq!(
            SidecarConfig::load_file(&path, &env(&[]))
                .expect_err("bad")
                .kind(),
            "config_syntax"
        );
    }
}
