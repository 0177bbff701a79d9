//! Gateways that want to know which app is calling: OpenRouter, ZenMux, Kilo, LLM Gateway,
//! NVIDIA (OpenAI chat) and Vercel AI Gateway (lower-case header names). OpenRouter and Vercel
//! have profiles of their own (`openrouter.rs`, `vercel.rs`) that use these headers; this one is
//! the profile of the others.
//!
//! OpenCode sends its own name here; the sidecar sends the host app's [`ClientIdentity`]
//! instead of impersonating another product.
//!
//! [`ClientIdentity`]: crate::provider::input::ClientIdentity

use serde_json::{Map, Value};

use super::options::{self, Gpt5Defaults};
use super::{CallRef, Profile, anthropic, gemini, generic, openai, openrouter};
use crate::provider::common::get_header;
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::ResolvedRuntime;

/// ZenMux, Kilo, LLM Gateway and NVIDIA.
pub struct AttributionProfile;
pub static PROFILE: AttributionProfile = AttributionProfile;

impl Profile for AttributionProfile {
    fn family(&self) -> &'static str {
        "attribution-gateway"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        matches!(provider_id, "zenmux" | "kilo" | "llmgateway" | "nvidia")
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve(input)
    }

    /// LLM Gateway accounts usage as OpenRouter does.
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        if call.model.provider_id == "llmgateway" {
            openrouter::gateway_usage_options(call)
        } else {
            options::common(call, Gpt5Defaults::default())
        }
    }

    fn small_options(&self, call: &CallRef<'_>, has_variant: bool) -> Map<String, Value> {
        if call.model.provider_id == "llmgateway" {
            openrouter::no_thinking_for_small_google_calls(call, has_variant)
        } else {
            Map::new()
        }
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["openaiCompatible"]
    }
}

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    let client = input.client;
    let lower_case = input.provider_id == "vercel";
    let mut headers: Vec<(&str, String)> = Vec::new();
    if let Some(referer) = &client.referer {
        headers.push((
            if lower_case {
                "http-referer"
            } else {
                "HTTP-Referer"
            },
            referer.clone(),
        ));
    }
    headers.push((
        if lower_case { "x-title" } else { "X-Title" },
        client.title.clone(),
    ));
    match input.provider_id {
        "llmgateway" => headers.push(("X-Source", client.title.clone())),
        "nvidia" => headers.push(("X-BILLING-INVOKE-ORIGIN", client.title.clone())),
        _ => {}
    }
    let default_base = match input.provider_id {
        "openrouter" => Some("https://openrouter.ai/api/v1"),
        "vercel" => Some("https://ai-gateway.vercel.sh/v1"),
        _ => None,
    };
    if let Some(npm @ ("@ai-sdk/anthropic" | "@ai-sdk/openai" | "@ai-sdk/google")) = input.npm {
        return native(input, npm, &headers);
    }
    generic::resolve_with(input, default_base, &headers)
}

/// A model the catalog routes through a native SDK (e.g. ZenMux's `/api/anthropic` endpoint): that
/// protocol, with the attribution headers under the session's own.
fn native(
    input: &LoaderInput<'_>,
    npm: &str,
    attribution: &[(&str, String)],
) -> Result<ResolvedRuntime, ProviderError> {
    let mut session_headers = input.session_headers.clone();
    for (name, value) in attribution {
        if get_header(&session_headers, name).is_none() {
            session_headers.insert((*name).to_string(), value.clone());
        }
    }
    let with_attribution = LoaderInput {
        session_headers: &session_headers,
        ..input.clone()
    };
    match npm {
        "@ai-sdk/anthropic" => anthropic::resolve_messages(&with_attribution, &[]),
        "@ai-sdk/openai" => openai::resolve_responses(&with_attribution, openai::DEFAULT_BASE_URL),
        _ => gemini::resolve(&with_attribution),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;
    use crate::provider::runtime::{AuthScheme, RuntimeProtocol};

    #[test]
    fn golden_openrouter_headers() {
        let fx = Fixture::new("openrouter", "anthropic/claude-sonnet-4.5")
            .api("https://openrouter.ai/api/v1")
            .key("sk-or");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, RuntimeProtocol::OpenaiChat);
        assert_eq!(rt.chat_url, "https://openrouter.ai/api/v1/chat/completions");
        assert_eq!(rt.headers["HTTP-Referer"], "https://app.example/");
        assert_eq!(rt.headers["X-Title"], "test-app");
        assert!(matches!(&rt.auth, AuthScheme::Bearer(k) if k.expose() == "sk-or"));
    }

    #[test]
    fn a_model_on_a_native_sdk_keeps_its_protocol_and_the_attribution() {
        let fx = Fixture::new("zenmux", "anthropic/claude-sonnet-4.5")
            .npm("@ai-sdk/anthropic")
            .api("https://zenmux.ai/api/anthropic/v1")
            .key("zm");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, RuntimeProtocol::Anthropic);
        assert_eq!(rt.chat_url, "https://zenmux.ai/api/anthropic/v1/messages");
        assert_eq!(rt.headers["X-Title"], "test-app");
        assert!(matches!(&rt.auth, AuthScheme::Header { name, .. } if name == "x-api-key"));
    }

    #[test]
    fn vercel_uses_lower_case_and_nvidia_adds_billing_origin() {
        let fx = Fixture::new("vercel", "openai/gpt-5").key("k");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://ai-gateway.vercel.sh/v1/chat/completions"
        );
        assert_eq!(rt.headers["http-referer"], "https://app.example/");
        assert_eq!(rt.headers["x-title"], "test-app");

        let fx = Fixture::new("nvidia", "m").api("https://integrate.api.nvidia.com/v1");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.headers["X-BILLING-INVOKE-ORIGIN"], "test-app");

        let fx = Fixture::new("llmgateway", "m").api("https://api.llmgateway.io/v1");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.headers["X-Source"], "test-app");
    }
}
