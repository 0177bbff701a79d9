//! The sidecar's `auth` config key and the per-provider facts the auth methods need (the merged
//! catalog's `env` names and config credentials, a models endpoint to validate keys against).
//!
//! ```json
//! "auth": {
//!   "store": "auto" | "keyring" | "file",
//!   "keyringService": "provider-sidecar",
//!   "endpoints": { "openaiIssuer": "...", "openaiCallbackPort": 1455, "githubBase": "...",
//!                  "validation": { "<providerId>": "https://.../models" } },
//!   "polling": { "intervalUnitMs": 1000, "safetyMarginMs": 3000 },
//!   "validationTimeoutMs": 10000
//! }
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::auth::{
    ApiKeyValidation, AuthConfig, ConfigCredential, KeyValidation, ProviderCredentialFacts,
    StoreMode,
};
use crate::catalog::merge::ProviderOrigin;
use crate::catalog::protocol_family::OPENAI_COMPATIBLE_NPM;
use crate::catalog::{MergedCatalog, ResolvedProvider};

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
    /// How long `auth/set` with `validate: true` waits for the models endpoint.
    #[serde(default)]
    pub validation_timeout_ms: Option<u64>,
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
        if let Some(ms) = self.validation_timeout_ms {
            config.validation_timeout = Duration::from_millis(ms);
        }
        config
    }

    /// How to check a key of `provider_id` (`provider` is its merged catalog entry): the
    /// endpoint configured under `auth.endpoints.validation`, else the provider's own models
    /// endpoint when its API is known to have one (OpenAI-compatible `{baseURL}/models` with a
    /// bearer key, Anthropic's `{baseURL}/models` with `x-api-key`), else unsupported.
    pub fn validation_for(
        &self,
        provider_id: &str,
        provider: Option<&ResolvedProvider>,
    ) -> KeyValidation {
        let family = provider.map_or(ApiFamily::Unknown, |p| ApiFamily::of(provider_id, &p.npm));
        if let Some(url) = self.endpoints.validation.get(provider_id) {
            return KeyValidation::Against(match family {
                ApiFamily::Anthropic => ApiKeyValidation::anthropic(url.clone()),
                _ => ApiKeyValidation::bearer(url.clone()),
            });
        }
        let Some(provider) = provider.filter(|_| family != ApiFamily::Unknown) else {
            return KeyValidation::Unsupported;
        };
        let base = provider
            .api_url
            .as_deref()
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .or(family.default_base());
        // A base with `${VAR}` placeholders needs the user's values: not checkable here.
        let Some(base) = base.filter(|url| !url.contains("${")) else {
            return KeyValidation::Unsupported;
        };
        let url = format!("{}/models", base.trim_end_matches('/'));
        KeyValidation::Against(match family {
            ApiFamily::Anthropic => ApiKeyValidation::anthropic(url),
            ApiFamily::OpenAi | ApiFamily::OpenAiCompatible | ApiFamily::Unknown => {
                ApiKeyValidation::bearer(url)
            }
        })
    }
}

/// The provider APIs whose models endpoint is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ApiFamily {
    OpenAi,
    OpenAiCompatible,
    Anthropic,
    Unknown,
}

impl ApiFamily {
    fn of(provider_id: &str, npm: &str) -> Self {
        match npm {
            "@ai-sdk/openai" => Self::OpenAi,
            "@ai-sdk/anthropic" => Self::Anthropic,
            // Copilot's key is a GitHub token, which its models endpoint does not take.
            OPENAI_COMPATIBLE_NPM if provider_id != "github-copilot" => Self::OpenAiCompatible,
            _ => Self::Unknown,
        }
    }

    /// The AI SDK package's own base URL, used when neither models.dev nor config gives one.
    fn default_base(self) -> Option<&'static str> {
        match self {
            Self::OpenAi => Some("https://api.openai.com/v1"),
            Self::Anthropic => Some("https://api.anthropic.com/v1"),
            Self::OpenAiCompatible | Self::Unknown => None,
        }
    }
}

/// What `auth/status` needs of each provider of the merged catalog (models.dev and config):
/// its key variables and whether the config supplies a credential.
pub fn credential_facts(merged: &MergedCatalog) -> BTreeMap<String, ProviderCredentialFacts> {
    merged
        .providers
        .iter()
        .map(|(id, provider)| {
            let api_key = provider
                .options
                .api_key
                .as_deref()
                .is_some_and(|key| !key.trim().is_empty());
            let config = if api_key {
                Some(ConfigCredential::ApiKey)
            } else if provider.origin == ProviderOrigin::Custom {
                Some(ConfigCredential::NotNeeded)
            } else {
                None
            };
            let facts = ProviderCredentialFacts {
                env: provider.env.clone(),
                config,
            };
            (id.clone(), facts)
        })
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
            "polling": {"intervalUnitMs": 5, "safetyMarginMs": 0},
            "validationTimeoutMs": 250
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
        assert_eq!(auth.validation_timeout, Duration::from_millis(250));
        let check = against(settings.validation_for("acme", None));
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

    fn against(validation: KeyValidation) -> ApiKeyValidation {
        match validation {
            KeyValidation::Against(check) => check,
            other => panic!("expected an endpoint, got {other:?}"),
        }
    }

    fn merged(config: serde_json::Value) -> MergedCatalog {
        let env = std::collections::HashMap::new();
        let config = crate::config::SidecarConfig::from_value(config, &env, None).expect("config");
        MergedCatalog::build(&crate::catalog::snapshot::embedded_catalog(), &config)
    }

    #[test]
    fn validation_endpoints_follow_the_provider_api() {
        let merged = merged(json!({"provider": {
            "anthropic": {"options": {"baseURL": "http://127.0.0.1:9/v1/"}},
            "local": {"npm": "@ai-sdk/openai-compatible", "name": "Local",
                      "options": {"baseURL": "http://127.0.0.1:9/api/v1"},
                      "models": {"m": {}}}
        }}));
        let settings = AuthSettings::default();
        let check = |id: &str| settings.validation_for(id, merged.provider(id));

        let anthropic = against(check("anthropic"));
        assert_eq!(anthropic.url, "http://127.0.0.1:9/v1/models");
        assert_eq!(anthropic.header, "x-api-key");
        assert!(
            anthropic
                .extra_headers
                .iter()
                .any(|(n, _)| n == "anthropic-version")
        );
        let openai = against(check("openai"));
        assert_eq!(openai.url, "https://api.openai.com/v1/models");
        assert_eq!(openai.prefix, "Bearer ");
        assert_eq!(
            against(check("deepseek")).url,
            "https://api.deepseek.com/models"
        );
        assert_eq!(
            against(check("local")).url,
            "http://127.0.0.1:9/api/v1/models"
        );
        // Other APIs, Copilot's GitHub token and unknown providers are not guessed at.
        for id in ["google", "mistral", "github-copilot", "no-such-provider"] {
            assert!(matches!(check(id), KeyValidation::Unsupported), "{id}");
        }
    }

    #[test]
    fn credential_facts_cover_config_only_providers() {
        let merged = merged(json!({"provider": {
            "keyed": {"npm": "@ai-sdk/openai-compatible", "env": ["KEYED_TOKEN"],
                      "options": {"baseURL": "http://127.0.0.1:9/v1", "apiKey": "k"},
                      "models": {"m": {}}},
            "local": {"npm": "@ai-sdk/openai-compatible",
                      "options": {"baseURL": "http://127.0.0.1:9/v1"}, "models": {"m": {}}},
            "groq": {"options": {"apiKey": "g"}}
        }}));
        let facts = credential_facts(&merged);
        assert_eq!(facts["keyed"].config, Some(ConfigCredential::ApiKey));
        assert_eq!(facts["keyed"].env, vec!["KEYED_TOKEN".to_owned()]);
        assert_eq!(facts["local"].config, Some(ConfigCredential::NotNeeded));
        assert_eq!(facts["groq"].config, Some(ConfigCredential::ApiKey));
        assert_eq!(facts["anthropic"].config, None);
        assert!(
            facts["anthropic"]
                .env
                .contains(&"ANTHROPIC_API_KEY".to_owned())
        );
    }
}
