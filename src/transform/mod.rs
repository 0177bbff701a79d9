//! Request transforms (OpenCode's `ProviderTransform`): what a provider is sent beyond the caller's
//! messages, and in which form. The provider's profile ([`crate::provider::profile_of`]) says what
//! applies to its family; the rules that follow the model (its id, its catalog entry) live here.
//!
//! - [`sampling`]: the output limit and the temperature / top-p / top-k defaults.
//! - [`variants`]: a call's reasoning preset.

pub mod sampling;
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
}

impl Default for TransformSettings {
    fn default() -> Self {
        Self {
            output_token_max: OUTPUT_TOKEN_MAX,
            set_cache_key: false,
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
            model: variants::dialect::model_ref(self.provider_id, self.model),
            model_id: &self.model.id,
            reasoning: self.model.info.reasoning.unwrap_or(false),
            output_limit: self.model.limit().output,
            runtime: self.runtime,
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::{BTreeMap, HashMap};
    use std::sync::OnceLock;

    use serde_json::Map;

    use super::{CallContext, TransformSettings};
    use crate::catalog::snapshot::embedded_catalog;
    use crate::catalog::{MergedCatalog, ResolvedModel};
    use crate::provider::{ClientIdentity, Credential, LoaderInput, ResolvedRuntime, Secret};

    pub fn catalog() -> &'static MergedCatalog {
        static CATALOG: OnceLock<MergedCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| MergedCatalog::build(&embedded_catalog(), &Default::default()))
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
            Self::with_model(provider_id, model, Credential::ApiKey(Secret::new("k")))
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
                env: &env,
                client: &client,
            };
            let runtime = crate::provider::resolve(&input).expect("the loader resolves");
            Self {
                provider_id: provider_id.to_string(),
                model,
                runtime,
                settings: TransformSettings::default(),
            }
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
