//! OpenCode Zen: the wire protocol follows the model's npm; without a key the public key is used
//! (the catalog layer then keeps only free models, as OpenCode does).

use serde_json::Value;

use super::Profile;
use super::{anthropic, gemini, generic, openai};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::ResolvedRuntime;

/// OpenCode Zen (`opencode`).
pub struct ZenProfile;
pub static PROFILE: ZenProfile = ZenProfile;

impl Profile for ZenProfile {
    fn family(&self) -> &'static str {
        "opencode"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "opencode"
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve(input)
    }
}

pub const DEFAULT_BASE_URL: &str = "https://opencode.ai/zen/v1";
pub const PUBLIC_KEY: &str = "public";
pub const KEY_ENV: &str = "OPENCODE_API_KEY";

/// Whether a real key exists (session credential, config `apiKey` or `OPENCODE_API_KEY`).
pub fn has_key(input: &LoaderInput<'_>) -> bool {
    input.api_key().is_some() || input.env_var(KEY_ENV).is_some()
}

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    let mut options = input.options.clone();
    if input.api_key().is_none() {
        let key = input.env_var(KEY_ENV).unwrap_or(PUBLIC_KEY);
        options.insert("apiKey".into(), Value::String(key.to_string()));
    }
    let api_url = input.api_url.or(Some(DEFAULT_BASE_URL));
    let keyed = LoaderInput {
        options: &options,
        api_url,
        ..input.clone()
    };
    match keyed.npm {
        Some("@ai-sdk/anthropic") => anthropic::resolve_messages(&keyed, &[]),
        Some("@ai-sdk/openai") => openai::resolve_responses(&keyed, DEFAULT_BASE_URL),
        Some("@ai-sdk/google") => gemini::resolve(&keyed),
        _ => generic::resolve(&keyed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;
    use crate::provider::runtime::{AuthScheme, RuntimeProtocol};

    #[test]
    fn public_key_when_none() {
        let fx = Fixture::new("opencode", "grok-code").api(DEFAULT_BASE_URL);
        assert!(!has_key(&fx.input()));
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.chat_url, "https://opencode.ai/zen/v1/chat/completions");
        assert!(matches!(&rt.auth, AuthScheme::Bearer(k) if k.expose() == PUBLIC_KEY));
    }

    #[test]
    fn model_npm_picks_the_protocol_and_env_key_is_used() {
        let fx = Fixture::new("opencode", "claude-sonnet-4-5")
            .npm("@ai-sdk/anthropic")
            .env(KEY_ENV, "zen-key");
        assert!(has_key(&fx.input()));
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, RuntimeProtocol::Anthropic);
        assert_eq!(rt.chat_url, "https://opencode.ai/zen/v1/messages");
        assert!(
            matches!(&rt.auth, AuthScheme::Header { value, .. } if value.expose() == "zen-key")
        );

        let fx = Fixture::new("opencode", "gpt-5")
            .npm("@ai-sdk/openai")
            .key("k");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.chat_url, "https://opencode.ai/zen/v1/responses");
    }
}
