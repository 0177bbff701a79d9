//! Z.AI and Zhipu (`zai`, `zai-coding-plan`, `zhipuai`, `zhipuai-coding-plan`): GLM's
//! `thinking` switch. Z.AI's own providers have their own protocol family (OpenAI chat with
//! endpoints, key → JWT exchange, `x-source-channel` and typed request options); Zhipu's are plain
//! OpenAI-compatible.

pub mod jwt;
pub mod options;

use crate::provider::common::{base_url, merged_headers};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use serde_json::{Map, Value, json};

use crate::provider::profiles::options::{Gpt5Defaults, common as common_options};
use crate::provider::profiles::{
    CallRef, OPENAI_COMPATIBLE_NPM, Profile, ReasoningApi, ServedModel, generic, runtime_at,
};
use crate::provider::runtime::{AuthScheme, ResolvedRuntime, RuntimeProtocol};

pub use jwt::ZaiTokenCache;
pub use options::ZaiRequestOptions;

pub const GENERAL_BASE_URL: &str = "https://api.z.ai/api/paas/v4";
pub const CODING_BASE_URL: &str = "https://api.z.ai/api/coding/paas/v4";
pub const SOURCE_CHANNEL_HEADER: &str = "x-source-channel";
/// The providers with Z.AI's own loader.
pub const PROVIDERS: &[&str] = &["zai", "zai-coding-plan"];
/// Zhipu's providers: the same models and `thinking` switch, a plain OpenAI-compatible loader.
pub const ZHIPU_PROVIDERS: &[&str] = &["zhipuai", "zhipuai-coding-plan"];

pub struct ZaiProfile;
pub static PROFILE: ZaiProfile = ZaiProfile;

impl Profile for ZaiProfile {
    fn family(&self) -> &'static str {
        "zai"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        PROVIDERS.contains(&provider_id) || ZHIPU_PROVIDERS.contains(&provider_id)
    }

    fn protocol(&self, model: &ServedModel<'_>) -> RuntimeProtocol {
        if PROVIDERS.contains(&model.provider_id) {
            RuntimeProtocol::Zai
        } else {
            crate::provider::profiles::protocol_of_package(model.npm, model.api_id)
        }
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        if PROVIDERS.contains(&input.provider_id) {
            resolve(input)
        } else {
            generic::PROFILE.resolve(input)
        }
    }

    fn reasoning_api(&self, protocol: RuntimeProtocol, _model: &ServedModel<'_>) -> ReasoningApi {
        match protocol {
            RuntimeProtocol::OpenaiChat | RuntimeProtocol::Zai => ReasoningApi::Zai,
            other => ReasoningApi::of_protocol(other),
        }
    }

    /// GLM thinks by default and keeps its earlier thinking (`clear_thinking: false`).
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let mut out = common_options(call, Gpt5Defaults::default());
        if call.model.npm == OPENAI_COMPATIBLE_NPM {
            out.insert(
                "thinking".into(),
                json!({"type": "enabled", "clear_thinking": false}),
            );
        }
        out
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["openaiCompatible"]
    }
}

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    let default = if input.provider_id == "zai-coding-plan" {
        CODING_BASE_URL
    } else {
        GENERAL_BASE_URL
    };
    let base = base_url(input, Some(default), &[])?;
    let key = input.api_key().ok_or_else(|| ProviderError::AuthMissing {
        provider: input.provider_id.to_string(),
        hint: "set ZHIPU_API_KEY or an API key".into(),
    })?;
    let channel = input
        .option_str("sourceChannel")
        .map_or_else(|| input.client.title.clone(), str::to_string);
    let headers = merged_headers(input, &[(SOURCE_CHANNEL_HEADER, channel)]);
    let request_options = ZaiRequestOptions::from_options(input.options).map_err(|err| {
        ProviderError::InvalidOption {
            provider: input.provider_id.to_string(),
            option: "zai request options",
            reason: err.to_string(),
        }
    })?;
    let mut runtime = runtime_at(
        input,
        RuntimeProtocol::Zai,
        base,
        headers,
        AuthScheme::ZaiKey(key),
    );
    runtime.default_options = request_options.to_body();
    Ok(runtime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;
    use serde_json::json;

    #[test]
    fn golden_zai_endpoints() {
        let fx = Fixture::new("zai", "glm-4.7").key("id.secret");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, RuntimeProtocol::Zai);
        assert_eq!(rt.chat_url, "https://api.z.ai/api/paas/v4/chat/completions");
        assert_eq!(rt.headers[SOURCE_CHANNEL_HEADER], "test-app");
        assert!(matches!(rt.auth, AuthScheme::ZaiKey(_)));

        let fx = Fixture::new("zai-coding-plan", "glm-4.6")
            .key("k")
            .option("thinking", json!({"type": "disabled"}));
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://api.z.ai/api/coding/paas/v4/chat/completions"
        );
        assert_eq!(rt.default_options["thinking"], json!({"type": "disabled"}));
    }

    #[test]
    fn invalid_options_are_reported() {
        let fx = Fixture::new("zai", "glm-4.7")
            .key("k")
            .option("tool_stream", json!("yes"));
        assert_eq!(
            resolve(&fx.input()).expect_err("bad").kind(),
            "invalid_params"
        );
    }
}
