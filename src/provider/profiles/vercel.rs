//! Vercel AI Gateway (`vercel`, `@ai-sdk/gateway`): OpenAI chat at the gateway, lower-case
//! attribution headers for the `vercel` provider itself.

use serde_json::{Map, Value, json};

use super::options::{self, Gpt5Defaults};
use super::{
    CachePolicy, CallRef, Profile, ReasoningApi, ServedModel, VariantPresets, attribution, generic,
};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::ResolvedRuntime;

pub const DEFAULT_BASE_URL: &str = "https://ai-gateway.vercel.sh/v1";

pub struct VercelProfile;
pub static PROFILE: VercelProfile = VercelProfile;

impl Profile for VercelProfile {
    fn family(&self) -> &'static str {
        "vercel"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "vercel"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/gateway"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        if self.claims_provider(input.provider_id) {
            attribution::resolve(input)
        } else {
            generic::resolve_with(input, Some(DEFAULT_BASE_URL), &[])
        }
    }

    fn variant_presets(&self, _api: ReasoningApi, _model: &ServedModel<'_>) -> VariantPresets {
        VariantPresets::None
    }

    /// The gateway places the cache marks itself.
    fn cache_policy(&self, _call: &CallRef<'_>) -> Option<CachePolicy> {
        None
    }

    /// The gateway places Anthropic's cache marks itself (`caching: "auto"`).
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let mut out = options::common(call, Gpt5Defaults::default());
        out.insert("gateway".into(), json!({"caching": "auto"}));
        out
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["gateway"]
    }

    /// The gateway's OpenAI-compatible endpoint takes AI SDK options in the body's
    /// `providerOptions`: its own under `gateway`, the model's under the upstream's slug (`amazon`
    /// is Bedrock's), or under `gateway` when the model id names none (OpenCode's split).
    fn envelope(
        &self,
        call: &CallRef<'_>,
        options: &Map<String, Value>,
    ) -> Option<Map<String, Value>> {
        let slug = call
            .model
            .api_id
            .split_once('/')
            .map(|(slug, _)| slug)
            .filter(|slug| !slug.is_empty())
            .map(|slug| if slug == "amazon" { "bedrock" } else { slug });
        let mut gateway = match options.get("gateway") {
            Some(Value::Object(own)) => own.clone(),
            _ => Map::new(),
        };
        let rest: Map<String, Value> = options
            .iter()
            .filter(|(key, _)| key.as_str() != "gateway")
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        let mut envelope = Map::new();
        match slug {
            Some(slug) if !rest.is_empty() => {
                envelope.insert(slug.to_string(), Value::Object(rest));
            }
            _ => gateway.extend(rest),
        }
        if !gateway.is_empty() {
            envelope.insert("gateway".into(), Value::Object(gateway));
        }
        Some(Map::from_iter([(
            "providerOptions".to_string(),
            Value::Object(envelope),
        )]))
    }
}
