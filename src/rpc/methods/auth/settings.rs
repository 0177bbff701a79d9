//! The sidecar's `auth` config key and the per-provider facts the auth methods need (models.dev
//! `env` names, a models endpoint to validate keys against).
//!
//! ```json
//! "auth": {
//!   "store": "auto" | "keyring" | "file",
//!   "keyringService": "provider-sidecar",
//!   "endpoints": { "openaiIssuer": "...", "openaiCallbackPort": 1455, "githubBase": "...",
//!                  "validation": { "<providerId>": "https://.../models" } },
//!   "polling": { "intervalUnitMs": 1000, "safetyMarginMs": 3000 }
//! }
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::auth::{ApiKeyValidation, AuthConfig, StoreMode};

/// The `auth` key of the config, as written by the host.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthSettings {
    #[serde(default)]
    pub store: Option<StoreMode>,
    #[serde(default)]
    pub keyring_service: Option<String>,
    #[serde(default)]
    pub endpoints: EndpointOverrides,
    #[serde(default)]
    pub polling: PollingOverrides,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointOverrides {
    #[serde(default)]
    pub openai_issuer: Option<String>,
    #[serde(default)]
    pub openai_callback_port: Option<u16>,
    /// Replaces `https://github.com` and `https://api.github.com` (and Enterprise hosts).
    #[serde(default)]
    pub github_base: Option<String>,
    /// Models endpoint per provider for `auth/set` with `validate: true`.
    #[serde(default)]
    pub validation: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PollingOverrides {
    #[serde(default)]
    pub interval_unit_ms: Option<u64>,
    #[serde(default)]
    pub safety_margin_ms: Option<u64>,
}

/// A config value that does not decode; `field` is a dotted path under the config root.
#[derive(Debug, thiserror::Error)]
#[error("config {field}: {reason}")]
pub struct AuthSettingsError {
    pub field: String,
    pub reason: String,
}

impl AuthSettings {
    /// Reads `config.auth`; no config or no `auth` key gives the defaults.
    pub fn from_config(config: Option<&Value>) -> Result<Self, AuthSettingsError> {
        let Some(section) = config.and_then(|c| c.get("auth")) else {
            return Ok(Self::default());
        };
        let text = section.to_string();
        let mut de = serde_json::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(&mut de).map_err(|err| {
            let path = err.path().to_string();
            AuthSettingsError {
                field: if path == "." {
                    "auth".to_owned()
                } else {
                    format!("auth.{path}")
                },
                reason: err.into_inner().to_string(),
            }
        })
    }

    /// The domain configuration for a data dir.
    pub fn auth_config(&self, data_dir: &Path) -> AuthConfig {
        let mut config = AuthConfig::new(data_dir);
        if let Some(mode) = self.store {
            config.store.mode = mode;
        }
        if let Some(service) = &self.keyring_service {
            config.store.keyring_service = service.clone();
        }
        if let Some(issuer) = &self.endpoints.openai_issuer {
            config.endpoints.openai_issuer = issuer.trim_end_matches('/').to_owned();
        }
        if let Some(port) = self.endpoints.openai_callback_port {
            config.endpoints.openai_callback_port = port;
        }
        if let Some(base) = &self.endpoints.github_base {
            config.endpoints.github_base_override = Some(base.trim_end_matches('/').to_owned());
        }
        if let Some(ms) = self.polling.interval_unit_ms {
            config.timing.interval_unit = Duration::from_millis(ms);
        }
        if let Some(ms) = self.polling.safety_margin_ms {
            config.timing.safety_margin = Duration::from_millis(ms);
        }
        config
    }

    /// How to check a key of `provider_id`: the configured endpoint, else the provider's
    /// models endpoint (Anthropic takes `x-api-key`), else none is known.
    pub fn validation_for(&self, provider_id: &str) -> Option<ApiKeyValidation> {
        let url = self
            .endpoints
            .validation
            .get(provider_id)
            .cloned()
            .or_else(|| default_models_url(provider_id))?;
        Some(if provider_id == "anthropic" {
            ApiKeyValidation {
                url,
                header: "x-api-key".into(),
                prefix: String::new(),
                extra_headers: vec![("anthropic-version".into(), "2023-06-01".into())],
            }
        } else {
            ApiKeyValidation::bearer(url)
        })
    }
}

fn default_models_url(provider_id: &str) -> Option<String> {
    match provider_id {
        "openai" => Some("https://api.openai.com/v1/models".into()),
        "anthropic" => Some("https://api.anthropic.com/v1/models".into()),
        _ => {
            let catalog = crate::catalog::snapshot::embedded_catalog();
            let api = catalog.providers.get(provider_id)?.api.clone()?;
            // A base with `${VAR}` placeholders needs the user's values: not checkable here.
            (!api.contains("${")).then(|| format!("{}/models", api.trim_end_matches('/')))
        }
    }
}

/// Every provider the auth methods report on, with the environment variables that carry its
/// key (models.dev `env`), from the embedded catalog. Decodes the catalog on first use:
/// call it off the async threads.
pub fn provider_env_names() -> BTreeMap<String, Vec<String>> {
    crate::catalog::snapshot::embedded_catalog()
        .providers
        .iter()
        .map(|(id, provider)| (id.clone(), provider.env.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_store_endpoints_and_polling() {
        let config = json!({"model": "x/y", "auth": {
            "store": "file",
            "endpoints": {"githubBase": "http://127.0.0.1:9/", "openaiCallbackPort": 0,
                          "validation": {"acme": "http://127.0.0.1:9/models"}},
            "polling": {"intervalUnitMs": 5, "safetyMarginMs": 0}
        }});
        let settings = AuthSettings::from_config(Some(&config)).expect("valid");
        let auth = settings.auth_config(Path::new("/tmp/x"));
        assert_eq!(auth.store.mode, StoreMode::File);
        assert_eq!(
            auth.endpoints.github_base_override.as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert_eq!(auth.endpoints.openai_callback_port, 0);
        assert_eq!(auth.timing.interval_unit, Duration::from_millis(5));
        assert_eq!(auth.timing.safety_margin, Duration::ZERO);
        let check = settings.validation_for("acme").expect("configured");
        assert_eq!(check.url, "http://127.0.0.1:9/models");
        assert_eq!(check.header, "Authorization");
    }

    #[test]
    fn defaults_without_an_auth_key_and_errors_name_the_field() {
        let settings = AuthSettings::from_config(Some(&json!({"model": "a/b"}))).expect("ok");
        assert_eq!(settings, AuthSettings::default());
        let err = AuthSettings::from_config(Some(&json!({"auth": {"store": "vault"}})))
            .expect_err("unknown store");
        assert_eq!(err.field, "auth.store");
        let err = AuthSettings::from_config(Some(&json!({"auth": {"endpoints": {"x": 1}}})))
            .expect_err("unknown key");
        assert!(err.field.starts_with("auth.endpoints"), "{}", err.field);
    }

    #[test]
    fn anthropic_validation_uses_its_key_header() {
        let check = AuthSettings::default()
            .validation_for("anthropic")
            .expect("known");
        assert_eq!(check.header, "x-api-key");
        assert!(
            check
                .extra_headers
                .iter()
                .any(|(n, _)| n == "anthropic-version")
        );
    }

    #[test]
    fn env_names_come_from_the_catalog() {
        let names = provider_env_names();
        assert!(names["anthropic"].contains(&"ANTHROPIC_API_KEY".to_string()));
        assert!(names.contains_key("github-copilot"));
    }
}
