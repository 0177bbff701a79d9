//! Z.AI (`zai`, `zai-coding-plan`): its own protocol family, endpoints, key → JWT exchange,
//! `x-source-channel`, and typed request options.

pub mod jwt;
pub mod options;

use crate::provider::common::{base_url, merged_headers};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::loaders::runtime_at;
use crate::provider::runtime::{AuthScheme, ProtocolFamily, ResolvedRuntime};

pub use jwt::ZaiTokenCache;
pub use options::ZaiRequestOptions;

pub const GENERAL_BASE_URL: &str = "https://api.z.ai/api/paas/v4";
pub const CODING_BASE_URL: &str = "https://api.z.ai/api/coding/paas/v4";
pub const SOURCE_CHANNEL_HEADER: &str = "x-source-channel";
pub const PROVIDERS: &[&str] = &["zai", "zai-coding-plan"];

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
        ProtocolFamily::Zai,
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
    use crate::provider::loaders::test_support::Fixture;
    use serde_json::json;

    #[test]
    fn golden_zai_endpoints() {
        let fx = Fixture::new("zai", "glm-4.7").key("id.secret");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, ProtocolFamily::Zai);
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
