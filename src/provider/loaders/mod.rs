//! One module per provider's quirks, plus the shared runtime constructor.

pub mod anthropic;
pub mod attribution;
pub mod azure;
pub mod bedrock;
pub mod cerebras;
pub mod cloudflare;
pub mod copilot;
pub mod gemini;
pub mod generic;
pub mod gitlab;
pub mod known_npm;
pub mod openai;
pub mod sap;
pub mod vertex;
pub mod zen;

use std::collections::BTreeMap;

use super::common::join_url;
use super::input::LoaderInput;
use super::runtime::{AuthScheme, ProtocolFamily, ResolvedRuntime};

/// The path of a streaming chat call for protocols whose URL does not embed the model.
pub fn chat_path(protocol: ProtocolFamily) -> Option<&'static str> {
    match protocol {
        ProtocolFamily::OpenaiChat | ProtocolFamily::Zai => Some("chat/completions"),
        ProtocolFamily::OpenaiResponses => Some("responses"),
        ProtocolFamily::Anthropic => Some("messages"),
        ProtocolFamily::Cohere => Some("chat"),
        ProtocolFamily::Gemini | ProtocolFamily::Bedrock => None,
    }
}

/// A runtime whose chat URL is `base_url` + the protocol's chat path.
pub fn runtime_at(
    input: &LoaderInput<'_>,
    protocol: ProtocolFamily,
    base_url: String,
    headers: BTreeMap<String, String>,
    auth: AuthScheme,
) -> ResolvedRuntime {
    let chat_url = match chat_path(protocol) {
        Some(path) => join_url(&base_url, path),
        None => base_url.clone(),
    };
    ResolvedRuntime {
        provider_id: input.provider_id.to_string(),
        protocol,
        base_url,
        chat_url,
        headers,
        auth,
        default_options: serde_json::Map::new(),
        wire_model_id: input.model_id.trim().to_string(),
        model_in_body: !matches!(protocol, ProtocolFamily::Gemini | ProtocolFamily::Bedrock),
        dynamic_headers: None,
    }
}

/// Bearer with the session's key when there is one; keyless local servers get no auth.
pub fn bearer_or_none(input: &LoaderInput<'_>) -> AuthScheme {
    input
        .api_key()
        .filter(|key| !key.is_empty())
        .map_or(AuthScheme::None, AuthScheme::Bearer)
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::{BTreeMap, HashMap};

    use serde_json::{Map, Value};

    use crate::provider::input::{ClientIdentity, Credential, LoaderInput};

    /// Owns everything a `LoaderInput` borrows, so tests can build one in a line.
    pub struct Fixture {
        pub provider_id: String,
        pub model_id: String,
        pub npm: Option<String>,
        pub api_url: Option<String>,
        pub options: Map<String, Value>,
        pub session_headers: BTreeMap<String, String>,
        pub credential: Option<Credential>,
        pub env: HashMap<String, String>,
        pub client: ClientIdentity,
    }

    impl Fixture {
        pub fn new(provider_id: &str, model_id: &str) -> Self {
            Self {
                provider_id: provider_id.into(),
                model_id: model_id.into(),
                npm: None,
                api_url: None,
                options: Map::new(),
                session_headers: BTreeMap::new(),
                credential: None,
                env: HashMap::new(),
                client: ClientIdentity {
                    title: "test-app".into(),
                    referer: Some("https://app.example/".into()),
                    user_agent: "test-app/1.0".into(),
                },
            }
        }

        pub fn npm(mut self, npm: &str) -> Self {
            self.npm = Some(npm.into());
            self
        }

        pub fn api(mut self, url: &str) -> Self {
            self.api_url = Some(url.into());
            self
        }

        pub fn key(mut self, key: &str) -> Self {
            self.credential = Some(Credential::ApiKey(key.into()));
            self
        }

        pub fn credential(mut self, credential: Credential) -> Self {
            self.credential = Some(credential);
            self
        }

        pub fn option(mut self, key: &str, value: Value) -> Self {
            self.options.insert(key.into(), value);
            self
        }

        pub fn env(mut self, name: &str, value: &str) -> Self {
            self.env.insert(name.into(), value.into());
            self
        }

        pub fn session_header(mut self, name: &str, value: &str) -> Self {
            self.session_headers.insert(name.into(), value.into());
            self
        }

        pub fn input(&self) -> LoaderInput<'_> {
            LoaderInput {
                provider_id: &self.provider_id,
                model_id: &self.model_id,
                npm: self.npm.as_deref(),
                api_url: self.api_url.as_deref(),
                options: &self.options,
                session_headers: &self.session_headers,
                credential: self.credential.as_ref(),
                env: &self.env,
                client: &self.client,
            }
        }
    }
}
