//! Request transforms (OpenCode's `ProviderTransform`): what a provider is sent beyond the caller's
//! messages, and in which form. The provider's profile ([`crate::provider::profile_of`]) says what
//! applies to its family; the rules that follow the model (its id, its catalog entry) live here.
//!
//! - [`messages`]: the conversation as each provider accepts it.
//! - [`caching`]: prompt-cache marks in each provider's form.
//! - [`schema`]: tool schemas as Moonshot's and Gemini's validators take them.
//! - [`tools`]: Copilot's placeholder tool, the ChatGPT endpoint's `instructions`.
//! - [`validate`]: calls the provider would refuse, refused first with the offending field.
//! - [`response_format`]: a JSON answer in the form the model can give it.
//! - [`provider_tools`]: provider-defined tools' betas, includes and names.
//! - [`sampling`]: the output limit and the temperature / top-p / top-k defaults.
//! - [`options`]: the provider options of a call, merged in OpenCode's order, as body fields
//!   ([`sdk_options`] translates the AI SDK's spelling).
//! - [`variants`]: a call's reasoning preset.

pub mod caching;
pub mod messages;
pub mod options;
#[cfg(test)]
mod options_tests;
pub mod provider_tools;
pub mod response_format;
pub mod sampling;
pub mod schema;
pub mod sdk_options;
pub mod tools;
pub mod validate;
pub mod variants;

use serde_json::{Map, Value};

use crate::catalog::ResolvedModel;
use crate::provider::{CallRef, Profile, ResolvedRuntime, profile_of};

/// OpenCode's cap on the default output limit (`OUTPUT_TOKEN_MAX`).
pub const OUTPUT_TOKEN_MAX: u64 = 32_000;

/// Settings of one call's transforms that come from config.
#[derive(Debug, Clone, PartialEq)]
pub struct TransformSettings {
    /// The cap on the default output limit: the model's or provider's `options.outputTokenMax`,
    /// else [`OUTPUT_TOKEN_MAX`].
    pub output_token_max: u64,
    /// The provider's `options.setCacheKey`: send the session id as the prompt-cache key.
    pub set_cache_key: bool,
    /// `options.setCacheControl`: prompt-cache marks forced on (`true`) or off (`false`).
    pub set_cache_control: Option<bool>,
}

impl Default for TransformSettings {
    fn default() -> Self {
        Self {
            output_token_max: OUTPUT_TOKEN_MAX,
            set_cache_key: false,
            set_cache_control: None,
        }
    }
}

impl TransformSettings {
    /// From the provider's options under the model's (a model's own options win).
    pub fn from_options(provider: &Map<String, Value>, model: &Map<String, Value>) -> Self {
        let setting = |key: &str| model.get(key).or_else(|| provider.get(key));
        Self {
            output_token_max: setting("outputTokenMax")
                .and_then(Value::as_u64)
                .filter(|max| *max > 0)
                .unwrap_or(OUTPUT_TOKEN_MAX),
            set_cache_key: setting("setCacheKey").and_then(Value::as_bool) == Some(true),
            set_cache_control: setting("setCacheControl").and_then(Value::as_bool),
        }
    }
}

/// Everything the transforms need to know of one call.
#[derive(Clone, Copy)]
pub struct CallContext<'a> {
    pub provider_id: &'a str,
    pub model: &'a ResolvedModel,
    pub runtime: &'a ResolvedRuntime,
    pub session_id: &'a str,
    pub settings: &'a TransformSettings,
}

impl<'a> CallContext<'a> {
    /// The provider's profile.
    pub fn profile(&self) -> &'static dyn Profile {
        profile_of(self.provider_id, Some(&self.model.npm))
    }

    /// The call as the profile's hooks see it.
    pub fn call_ref(&self) -> CallRef<'a> {
        CallRef {
            model: variants::dialect::served_model(self.provider_id, self.model),
            model_id: &self.model.id,
            reasoning: self.model.info.reasoning.unwrap_or(false),
            output_limit: self.model.limit().output,
            runtime: self.runtime,
            session_id: self.session_id,
            set_cache_key: self.settings.set_cache_key,
            set_cache_control: self.settings.set_cache_control,
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::{BTreeMap, HashMap};
    use std::sync::{Arc, OnceLock};

    use serde_json::Map;

    use super::{CallContext, TransformSettings};
    use crate::catalog::snapshot::embedded_catalog;
    use crate::catalog::types::{CatalogModel, Limit};
    use crate::catalog::{MergedCatalog, ModelOrigin, ResolvedModel};
    use crate::provider::{ClientIdentity, Credential, LoaderInput, ResolvedRuntime, Secret};

    pub fn catalog() -> &'static MergedCatalog {
        static CATALOG: OnceLock<MergedCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| MergedCatalog::build(&embedded_catalog(), &Default::default()))
    }

    /// Vertex takes an access token; everyone else a key.
    fn test_credential(provider_id: &str) -> Credential {
        if provider_id.starts_with("google-vertex") {
            Credential::BearerToken(Secret::new("ya29-test"))
        } else {
            Credential::ApiKey(Secret::new("k"))
        }
    }

    /// A catalog model and the runtime its loader resolves with a test key.
    pub struct Call {
        pub provider_id: String,
        pub model: ResolvedModel,
        pub runtime: ResolvedRuntime,
        pub settings: TransformSettings,
    }

    impl Call {
        pub fn new(provider_id: &str, model_id: &str) -> Self {
            let model = catalog().providers[provider_id].models[model_id].clone();
            Self::with_model(provider_id, model, test_credential(provider_id))
        }

        pub fn with_model(provider_id: &str, model: ResolvedModel, credential: Credential) -> Self {
            let options = Map::new();
            let env = HashMap::from([
                ("AZURE_RESOURCE_NAME".to_string(), "res".to_string()),
                ("GOOGLE_CLOUD_PROJECT".to_string(), "proj".to_string()),
                ("CLOUDFLARE_ACCOUNT_ID".to_string(), "acct".to_string()),
                ("CLOUDFLARE_GATEWAY_ID".to_string(), "gw".to_string()),
            ]);
            let client = ClientIdentity::default();
            let headers = BTreeMap::new();
            let api_url = model.api_url.as_deref().map(str::to_owned);
            let input = LoaderInput {
                provider_id,
                model_id: &model.api_id,
                npm: Some(&model.npm),
                api_url: api_url.as_deref(),
                options: &options,
                session_headers: &headers,
                credential: Some(&credential),
                credential_metadata: &crate::provider::input::NO_METADATA,
                env: &env,
                client: &client,
            };
            // A package the sidecar has no client for (Bedrock Mantle) still has options to test.
            let runtime = crate::provider::resolve(&input).unwrap_or_else(|_| {
                crate::provider::profiles::runtime_at(
                    &input,
                    model.protocol,
                    "https://api.test.example/v1".into(),
                    BTreeMap::new(),
                    crate::provider::AuthScheme::None,
                )
            });
            Self {
                provider_id: provider_id.to_string(),
                model,
                runtime,
                settings: TransformSettings::default(),
            }
        }

        /// A model the catalog does not have, with the capabilities a test needs.
        pub fn custom(provider_id: &str, npm: &str, api_id: &str, reasoning: bool) -> Self {
            let info = CatalogModel {
                id: api_id.to_string(),
                name: api_id.to_string(),
                reasoning: Some(reasoning),
                temperature: Some(true),
                release_date: Some("2024-01-01".into()),
                limit: Some(Limit {
                    context: 200_000,
                    input: None,
                    output: 64_000,
                }),
                ..Default::default()
            };
            let model = ResolvedModel {
                id: api_id.to_string(),
                api_id: api_id.to_string(),
                npm: Arc::from(npm),
                api_url: Some(Arc::from("https://api.test.example/v1")),
                shape: None,
                protocol: crate::catalog::protocol_family::runtime_protocol(
                    provider_id,
                    npm,
                    api_id,
                    None,
                ),
                origin: ModelOrigin::Config,
                info: Arc::new(info),
                options: Map::new(),
                headers: Default::default(),
                variants: BTreeMap::new(),
                disabled_variants: Default::default(),
            };
            Self::with_model(provider_id, model, test_credential(provider_id))
        }

        pub fn cx(&self) -> CallContext<'_> {
            CallContext {
                provider_id: &self.provider_id,
                model: &self.model,
                runtime: &self.runtime,
                session_id: "ses_test",
                settings: &self.settings,
            }
        }
    }
}
