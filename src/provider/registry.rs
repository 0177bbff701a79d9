//! Picks the loader: by provider id, then by npm package, then the generic OpenAI-compatible path.

use super::error::ProviderError;
use super::input::LoaderInput;
use super::loaders::{
    anthropic, attribution, azure, bedrock, cerebras, cloudflare, copilot, gemini, generic, gitlab,
    known_npm, openai, sap, vertex, zen,
};
use super::runtime::ResolvedRuntime;
use super::zai;

/// Resolves the runtime of one (session, provider, model).
pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    if let Some(result) = by_provider_id(input) {
        return result;
    }
    if let Some(result) = input.npm.and_then(|npm| by_npm(input, npm)) {
        return result;
    }
    let has_url = input.option_str("baseURL").is_some()
        || input.api_url.is_some_and(|url| !url.trim().is_empty());
    match input.npm {
        None | Some("@ai-sdk/openai-compatible") => generic::resolve(input),
        Some(_) if has_url => generic::resolve(input),
        Some(npm) => Err(ProviderError::Unsupported {
            provider: input.provider_id.to_string(),
            reason: format!("package `{npm}` has no built-in client and no baseURL is set"),
        }),
    }
}

fn by_provider_id(input: &LoaderInput<'_>) -> Option<Result<ResolvedRuntime, ProviderError>> {
    let id = input.provider_id;
    Some(match id {
        "anthropic" => anthropic::resolve(input),
        "openai" => openai::resolve(input),
        "azure" | "azure-cognitive-services" => azure::resolve(input),
        "amazon-bedrock" => bedrock::resolve(input),
        "google" => gemini::resolve(input),
        "google-vertex" => vertex::resolve(input),
        "google-vertex-anthropic" => vertex::resolve_anthropic(input),
        "github-copilot" => copilot::resolve(input),
        "cerebras" => cerebras::resolve(input),
        "opencode" => zen::resolve(input),
        "gitlab" => gitlab::resolve(input),
        "cloudflare-ai-gateway" => cloudflare::resolve(input),
        "cloudflare-workers-ai" => cloudflare::resolve_workers_ai(input),
        "sap-ai-core" => sap::resolve(input),
        _ if zai::PROVIDERS.contains(&id) => zai::resolve(input),
        _ if attribution::PROVIDERS.contains(&id) => attribution::resolve(input),
        _ => return None,
    })
}

fn by_npm(input: &LoaderInput<'_>, npm: &str) -> Option<Result<ResolvedRuntime, ProviderError>> {
    Some(match npm {
        "@ai-sdk/anthropic" => anthropic::resolve_messages(input, &[]),
        "@ai-sdk/openai" => openai::resolve_responses(input, openai::DEFAULT_BASE_URL),
        "@ai-sdk/azure" => azure::resolve(input),
        "@ai-sdk/amazon-bedrock" | "@ai-sdk/amazon-bedrock/mantle" => bedrock::resolve(input),
        "@ai-sdk/google" => gemini::resolve(input),
        "@ai-sdk/google-vertex" => vertex::resolve(input),
        "@ai-sdk/google-vertex/anthropic" => vertex::resolve_anthropic(input),
        "@ai-sdk/github-copilot" => copilot::resolve(input),
        "@ai-sdk/cerebras" => cerebras::resolve(input),
        "ai-gateway-provider" => cloudflare::resolve(input),
        "gitlab-ai-provider" => gitlab::resolve(input),
        "@jerome-benoit/sap-ai-provider-v2" => sap::resolve(input),
        other => return known_npm::resolve(input, other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::loaders::test_support::Fixture;
    use crate::provider::runtime::ProtocolFamily;
    use serde_json::json;

    #[test]
    fn id_wins_over_npm_and_npm_over_generic() {
        // zai is openai-compatible in models.dev but runs on its own family.
        let fx = Fixture::new("zai", "glm-4.7")
            .npm("@ai-sdk/openai-compatible")
            .api("https://api.z.ai/api/paas/v4")
            .key("k");
        assert_eq!(
            resolve(&fx.input()).expect("ok").protocol,
            ProtocolFamily::Zai
        );

        let fx = Fixture::new("my-claude-proxy", "claude")
            .npm("@ai-sdk/anthropic")
            .api("https://proxy.example/v1")
            .key("k");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, ProtocolFamily::Anthropic);
        assert_eq!(rt.chat_url, "https://proxy.example/v1/messages");

        let fx = Fixture::new("moonshotai", "kimi-k2")
            .npm("@ai-sdk/openai-compatible")
            .api("https://api.moonshot.ai/v1")
            .key("k");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, ProtocolFamily::OpenaiChat);
        assert_eq!(rt.chat_url, "https://api.moonshot.ai/v1/chat/completions");
    }

    #[test]
    fn config_provider_with_base_url_and_unknown_package() {
        let fx =
            Fixture::new("my-local", "qwen3").option("baseURL", json!("http://localhost:8080/v1"));
        assert_eq!(
            resolve(&fx.input()).expect("ok").chat_url,
            "http://localhost:8080/v1/chat/completions"
        );
        let fx = Fixture::new("venice", "m").npm("venice-ai-sdk-provider");
        assert_eq!(
            resolve(&fx.input()).expect_err("no url").kind(),
            "provider_unsupported"
        );
        let fx = Fixture::new("nothing", "m");
        assert_eq!(
            resolve(&fx.input()).expect_err("no url").kind(),
            "provider_config_missing"
        );
    }

    /// Every provider of the real models.dev catalog resolves or fails with a clear kind;
    /// every `@ai-sdk/openai-compatible` one resolves to a chat URL under its `api`.
    #[test]
    fn whole_catalog_resolves() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/models-dev/api.json");
        let text = std::fs::read_to_string(path).expect("models.dev fixture");
        let catalog: serde_json::Value = serde_json::from_str(&text).expect("catalog json");
        let catalog = catalog.as_object().expect("object");
        let mut compatible = 0;
        for (id, provider) in catalog {
            let npm = provider.get("npm").and_then(|v| v.as_str());
            let api = provider.get("api").and_then(|v| v.as_str());
            let Some((model_id, _)) = provider["models"].as_object().and_then(|m| m.iter().next())
            else {
                continue;
            };
            let mut fx = Fixture::new(id, model_id).key("test-key");
            fx.npm = npm.map(str::to_string);
            fx.api_url = api.map(str::to_string);
            for var in [
                "CLOUDFLARE_ACCOUNT_ID",
                "CLOUDFLARE_GATEWAY_ID",
                "AZURE_RESOURCE_NAME",
                "AZURE_COGNITIVE_SERVICES_RESOURCE_NAME",
                "GOOGLE_CLOUD_PROJECT",
            ] {
                fx.env.insert(var.into(), "x".into());
            }
            match resolve(&fx.input()) {
                Ok(rt) => {
                    assert!(rt.chat_url.starts_with("http"), "{id}: {}", rt.chat_url);
                    if npm == Some("@ai-sdk/openai-compatible")
                        && !zai::PROVIDERS.contains(&id.as_str())
                        && id != "github-copilot"
                        && id != "opencode"
                    {
                        compatible += 1;
                        assert_eq!(rt.protocol, ProtocolFamily::OpenaiChat, "{id}");
                        let api = api.expect("compatible providers have an api url");
                        if !api.contains("${") {
                            assert!(rt.chat_url.starts_with(api.trim_end_matches('/')), "{id}");
                        }
                    }
                }
                Err(err) => assert!(
                    matches!(
                        err.kind(),
                        "provider_unsupported"
                            | "auth_missing"
                            | "provider_config_missing"
                            | "invalid_params"
                    ),
                    "{id}: {err}"
                ),
            }
        }
        assert!(
            compatible > 50,
            "only {compatible} openai-compatible providers"
        );
    }
}
