//! What a loader is given: everything comes from the session context, nothing from the process.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::secret::Secret;

/// A credential already chosen by the session layer (session → stored auth → env → config).
#[derive(Debug, Clone)]
pub enum Credential {
    ApiKey(Secret),
    OAuth {
        access: Secret,
        account_id: Option<String>,
        enterprise_url: Option<String>,
    },
    Aws(AwsCredentials),
    BearerToken(Secret),
}

#[derive(Debug, Clone)]
pub struct AwsCredentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
}

/// For inputs whose credential carries no metadata.
pub static NO_METADATA: BTreeMap<String, String> = BTreeMap::new();

/// How the sidecar names itself to providers that ask for attribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIdentity {
    /// `X-Title`, Cerebras integration id, Z.AI source channel.
    pub title: String,
    /// `HTTP-Referer`; omitted when unset.
    pub referer: Option<String>,
    /// `User-Agent` product token, e.g. `provider-sidecar/0.1.0`.
    pub user_agent: String,
}

impl Default for ClientIdentity {
    fn default() -> Self {
        Self {
            title: env!("CARGO_PKG_NAME").to_string(),
            referer: None,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// The input of runtime resolution for one (session, provider, model).
/// `Debug` lists option and env *names* only: their values may be secrets.
#[derive(Clone)]
pub struct LoaderInput<'a> {
    pub provider_id: &'a str,
    /// The model id as the provider's API knows it (models.dev `id` or config `id`).
    pub model_id: &'a str,
    /// models.dev or config `npm` (model-level override already applied).
    pub npm: Option<&'a str>,
    /// models.dev `api` or a model-level `provider.api` override.
    pub api_url: Option<&'a str>,
    /// Merged provider options (config ← session): baseURL, apiKey, headers, region, ...
    pub options: &'a Map<String, Value>,
    /// Headers the session sends on every request; they win over loader defaults.
    pub session_headers: &'a BTreeMap<String, String>,
    pub credential: Option<&'a Credential>,
    /// Non-secret values stored with the credential (OpenCode's auth `metadata`: Azure
    /// `resourceName`, Cloudflare `accountId` / `gatewayId`); empty when there are none.
    pub credential_metadata: &'a BTreeMap<String, String>,
    /// The session's env snapshot plus overlay; never the process environment.
    pub env: &'a HashMap<String, String>,
    pub client: &'a ClientIdentity,
}

impl std::fmt::Debug for LoaderInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut env_names: Vec<&String> = self.env.keys().collect();
        env_names.sort();
        f.debug_struct("LoaderInput")
            .field("provider_id", &self.provider_id)
            .field("model_id", &self.model_id)
            .field("npm", &self.npm)
            .field("api_url", &self.api_url)
            .field("option_names", &self.options.keys().collect::<Vec<_>>())
            .field(
                "session_header_names",
                &self.session_headers.keys().collect::<Vec<_>>(),
            )
            .field("credential", &self.credential)
            .field("credential_metadata", &self.credential_metadata)
            .field("env_names", &env_names)
            .finish()
    }
}

impl LoaderInput<'_> {
    /// A non-empty string option.
    pub fn option_str(&self, key: &str) -> Option<&str> {
        self.options
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    pub fn option_bool(&self, key: &str) -> Option<bool> {
        self.options.get(key).and_then(Value::as_bool)
    }

    /// A non-empty value stored with the credential.
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.credential_metadata
            .get(key)
            .map(String::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// A non-empty env var from the snapshot.
    pub fn env_var(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .map(String::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// The first set env var among `names`.
    pub fn first_env(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|name| self.env_var(name))
    }

    /// [`Self::api_key`], else the first set env var among `names` (the variables the
    /// provider's own SDK reads when the catalog lists several).
    pub fn api_key_or_env(&self, names: &[&str]) -> Option<Secret> {
        self.api_key()
            .or_else(|| self.first_env(names).map(Secret::from))
    }

    /// The key-like secret of the credential, else config `apiKey`.
    pub fn api_key(&self) -> Option<Secret> {
        match self.credential {
            Some(Credential::ApiKey(key)) | Some(Credential::BearerToken(key)) => Some(key.clone()),
            Some(Credential::OAuth { access, .. }) => Some(access.clone()),
            Some(Credential::Aws(_)) | None => self.option_str("apiKey").map(Secret::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::provider::profiles::test_support::Fixture;
    use serde_json::json;

    #[test]
    fn debug_shows_names_not_values() {
        let fx = Fixture::new("p", "m")
            .key("sk-credential")
            .option("apiKey", json!("sk-option"))
            .env("AWS_SECRET_ACCESS_KEY", "sk-env")
            .session_header("Authorization", "Bearer sk-header");
        let shown = format!("{:?}", fx.input());
        assert!(shown.contains("AWS_SECRET_ACCESS_KEY") && shown.contains("apiKey"));
        assert!(!shown.contains("sk-"), "{shown}");
    }
}
