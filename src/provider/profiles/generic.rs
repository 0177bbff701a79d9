//! The generic path: any OpenAI-compatible endpoint (models.dev `@ai-sdk/openai-compatible`,
//! or a config provider with a `baseURL`) → OpenAI chat completions with a Bearer key.

use serde_json::json;

use super::{
    CallRef, OPENAI_COMPATIBLE_NPM, Profile, ReasoningApi, ServedModel, VariantPresets,
    bearer_or_none, runtime_at,
};
use crate::provider::common::{base_url, merged_headers};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::{ResolvedRuntime, RuntimeProtocol};

/// Any provider no other profile claims: OpenAI-compatible chat at its `api` URL or `baseURL`.
pub struct CompatibleProfile;
pub static PROFILE: CompatibleProfile = CompatibleProfile;

impl Profile for CompatibleProfile {
    fn family(&self) -> &'static str {
        "openai-compatible"
    }

    fn packages(&self) -> &'static [&'static str] {
        &[OPENAI_COMPATIBLE_NPM]
    }

    /// A package without a client of its own is spoken to as OpenAI-compatible only where config
    /// or the catalog gives it a URL.
    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        let has_url = input.option_str("baseURL").is_some()
            || input.api_url.is_some_and(|url| !url.trim().is_empty());
        match input.npm {
            None | Some(OPENAI_COMPATIBLE_NPM) => resolve(input),
            Some(_) if has_url => resolve(input),
            Some(npm) => Err(ProviderError::Unsupported {
                provider: input.provider_id.to_string(),
                reason: format!("package `{npm}` has no built-in client and no baseURL is set"),
            }),
        }
    }

    fn variant_presets(&self, api: ReasoningApi, model: &ServedModel<'_>) -> VariantPresets {
        match api {
            ReasoningApi::OpenaiResponses { summary: true } => VariantPresets::Openai,
            _ => presets_by_package(model.npm),
        }
    }

    /// `@ai-sdk/openai-compatible` reads `openaiCompatible` and the provider id before its first
    /// dot (`wafer.ai` → `wafer`).
    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["openaiCompatible"]
    }
}

/// OpenCode's effort presets for the OpenAI-compatible packages that take `reasoningEffort`.
pub fn presets_by_package(npm: &str) -> VariantPresets {
    match npm {
        OPENAI_COMPATIBLE_NPM
        | "@ai-sdk/cerebras"
        | "@ai-sdk/togetherai"
        | "@ai-sdk/xai"
        | "@ai-sdk/deepinfra"
        | "venice-ai-sdk-provider" => VariantPresets::Compatible,
        _ => VariantPresets::None,
    }
}

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    resolve_with(input, None, &[])
}

/// OpenAI chat with an optional default base URL and loader default headers.
pub fn resolve_with(
    input: &LoaderInput<'_>,
    default_base: Option<&str>,
    loader_headers: &[(&str, String)],
) -> Result<ResolvedRuntime, ProviderError> {
    let base = base_url(input, default_base, &[])?;
    let headers = merged_headers(input, loader_headers);
    let mut runtime = runtime_at(
        input,
        RuntimeProtocol::OpenaiChat,
        base,
        headers,
        bearer_or_none(input),
    );
    // OpenCode sets `includeUsage` for openai-compatible providers unless disabled.
    if input.option_bool("includeUsage") != Some(false) {
        runtime
            .default_options
            .insert("stream_options".into(), json!({ "include_usage": true }));
    }
    Ok(runtime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;
    use crate::provider::runtime::AuthScheme;

    #[test]
    fn catalog_api_url_and_bearer_key() {
        let fx = Fixture::new("deepseek", "deepseek-chat")
            .npm("@ai-sdk/openai-compatible")
            .api("https://api.deepseek.com")
            .key("sk-ds");
        let rt = resolve(&fx.input()).expect("resolves");
        assert_eq!(rt.protocol, RuntimeProtocol::OpenaiChat);
        assert_eq!(rt.chat_url, "https://api.deepseek.com/chat/completions");
        assert!(matches!(&rt.auth, AuthScheme::Bearer(k) if k.expose() == "sk-ds"));
        assert_eq!(
            rt.default_options["stream_options"],
            json!({"include_usage": true})
        );
    }

    #[test]
    fn config_base_url_wins_and_env_vars_are_substituted() {
        let fx = Fixture::new("cloudflare-workers-ai", "@cf/meta/llama")
            .api("https://api.cloudflare.com/client/v4/accounts/${CLOUDFLARE_ACCOUNT_ID}/ai/v1")
            .env("CLOUDFLARE_ACCOUNT_ID", "acct42");
        let rt = resolve(&fx.input()).expect("resolves");
        assert_eq!(
            rt.chat_url,
            "https://api.cloudflare.com/client/v4/accounts/acct42/ai/v1/chat/completions"
        );
        assert!(matches!(rt.auth, AuthScheme::None));

        let fx = Fixture::new("local", "qwen")
            .api("https://ignored.example/v1")
            .option("baseURL", json!("http://127.0.0.1:11434/v1/"))
            .option("includeUsage", json!(false));
        let rt = resolve(&fx.input()).expect("resolves");
        assert_eq!(rt.chat_url, "http://127.0.0.1:11434/v1/chat/completions");
        assert!(rt.default_options.is_empty());
    }

    #[test]
    fn unresolved_variable_is_a_config_error() {
        let fx = Fixture::new("cloudflare-workers-ai", "m")
            .api("https://api.cloudflare.com/client/v4/accounts/${CLOUDFLARE_ACCOUNT_ID}/ai/v1");
        let err = resolve(&fx.input()).expect_err("no account id");
        assert_eq!(err.kind(), "provider_config_missing");
    }

    #[test]
    fn config_then_session_headers_override_loader_defaults() {
        let fx = Fixture::new("p", "m")
            .api("https://x.example/v1")
            .option("headers", json!({"x-title": "config", "x-extra": "1"}))
            .session_header("X-Title", "session");
        let rt = resolve_with(&fx.input(), None, &[("X-Title", "loader".into())]).expect("ok");
        assert_eq!(
            rt.headers.get("X-Title").map(String::as_str),
            Some("session")
        );
        assert_eq!(rt.headers.get("x-extra").map(String::as_str), Some("1"));
        assert_eq!(rt.headers.len(), 2);
    }
}
