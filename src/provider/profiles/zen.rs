//! OpenCode Zen: the wire protocol follows the model's npm; without a key the public key is used
//! (the catalog layer then keeps only free models, as OpenCode does).

use serde_json::{Map, Value, json};

use super::options::{self, Gpt5Defaults};
use super::{CallRef, Profile};
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

    /// Zen's models follow their package's rules (OpenAI's `store: false`, the Messages API's),
    /// GPT-5 calls carry the session as the cache key with the encrypted reasoning, and Zen's Kimi
    /// K2 Thinking and GLM 4.6 switch thinking on through the chat template.
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let npm = call.model.npm;
        let api_id = call.model.api_id;
        let mut out = match npm {
            "@ai-sdk/anthropic" => anthropic::messages_options(call),
            _ => options::common(
                call,
                Gpt5Defaults {
                    include_encrypted: npm == "@ai-sdk/openai",
                    verbosity: true,
                },
            ),
        };
        if npm == "@ai-sdk/openai" {
            out.insert("store".into(), json!(false));
        }
        if matches!(api_id, "kimi-k2-thinking" | "glm-4.6") {
            out.insert(
                "chat_template_args".into(),
                json!({"enable_thinking": true}),
            );
        }
        if options::is_gpt5(api_id) {
            out.insert("promptCacheKey".into(), json!(call.session_id));
            out.insert("include".into(), json!([options::ENCRYPTED_REASONING]));
            out.insert("reasoningSummary".into(), json!("auto"));
        }
        out
    }

    fn small_options(&self, call: &CallRef<'_>, _has_variant: bool) -> Map<String, Value> {
        if call.model.npm == "@ai-sdk/openai" {
            Map::from_iter([("store".to_string(), json!(false))])
        } else {
            Map::new()
        }
    }

    fn sdk_keys(&self, call: &CallRef<'_>) -> &'static [&'static str] {
        match call.model.npm {
            "@ai-sdk/anthropic" => &["anthropic"],
            "@ai-sdk/openai" => &["openai"],
            "@ai-sdk/google" => &["google"],
            _ => &["openaiCompatible"],
        }
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
