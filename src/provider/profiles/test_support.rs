//! A loader input in one line, for the profiles' tests.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::provider::error::ProviderError;
use crate::provider::input::{ClientIdentity, Credential, LoaderInput};
use crate::provider::runtime::ResolvedRuntime;

/// Owns everything a `LoaderInput` borrows, so tests can build one in a line.
pub struct Fixture {
    pub provider_id: String,
    pub model_id: String,
    pub npm: Option<String>,
    pub api_url: Option<String>,
    pub options: Map<String, Value>,
    pub session_headers: BTreeMap<String, String>,
    pub credential: Option<Credential>,
    pub metadata: BTreeMap<String, String>,
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
            metadata: BTreeMap::new(),
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

    /// A value stored with the credential (`auth/set` `metadata`).
    pub fn metadata(mut self, key: &str, value: &str) -> Self {
        self.metadata.insert(key.into(), value.into());
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
            credential_metadata: &self.metadata,
            env: &self.env,
            client: &self.client,
        }
    }

    /// The runtime the session layer resolves: the profile's loader with the built-in auth
    /// loaders' options (the ChatGPT and Copilot sign-ins) over it.
    pub fn resolved(&self) -> Result<ResolvedRuntime, ProviderError> {
        let input = self.input();
        let auth = futures::executor::block_on(
            crate::plugin::Registry::with_builtins()
                .auth(&input, &mut crate::plugin::HookReport::default()),
        )
        .expect("the built-in loaders never fail");
        let options = auth.loader_options(input.options);
        let input = LoaderInput {
            options: options.as_ref().unwrap_or(input.options),
            ..input
        };
        let mut runtime = crate::provider::resolve(&input)?;
        auth.apply_to(&mut runtime);
        Ok(runtime)
    }
}
