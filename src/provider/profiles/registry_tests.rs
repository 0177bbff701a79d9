//! Profile selection over the whole catalog.

use super::test_support::Fixture;
use super::zai;
use super::*;
use crate::provider::runtime::RuntimeProtocol;
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
        RuntimeProtocol::Zai
    );

    let fx = Fixture::new("my-claude-proxy", "claude")
        .npm("@ai-sdk/anthropic")
        .api("https://proxy.example/v1")
        .key("k");
    let rt = resolve(&fx.input()).expect("ok");
    assert_eq!(rt.protocol, RuntimeProtocol::Anthropic);
    assert_eq!(rt.chat_url, "https://proxy.example/v1/messages");

    let fx = Fixture::new("moonshotai", "kimi-k2")
        .npm("@ai-sdk/openai-compatible")
        .api("https://api.moonshot.ai/v1")
        .key("k");
    let rt = resolve(&fx.input()).expect("ok");
    assert_eq!(rt.protocol, RuntimeProtocol::OpenaiChat);
    assert_eq!(rt.chat_url, "https://api.moonshot.ai/v1/chat/completions");
}

#[test]
fn config_provider_with_base_url_and_unknown_package() {
    let fx = Fixture::new("my-local", "qwen3").option("baseURL", json!("http://localhost:8080/v1"));
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
                    assert_eq!(rt.protocol, RuntimeProtocol::OpenaiChat, "{id}");
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

/// The catalog's protocol of a model and the protocol its loader speaks come from one profile:
/// they agree for every model of the real catalog whose loader resolves.
#[test]
fn catalog_protocol_and_loader_protocol_agree() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/models-dev/api.json");
    let text = std::fs::read_to_string(path).expect("models.dev fixture");
    let catalog: serde_json::Value = serde_json::from_str(&text).expect("catalog json");
    let mut checked = 0;
    let mut disagree = Vec::new();
    for (id, provider) in catalog.as_object().expect("object") {
        let provider_npm = provider.get("npm").and_then(|v| v.as_str());
        let api = provider.get("api").and_then(|v| v.as_str());
        for (model_id, model) in provider["models"].as_object().into_iter().flatten() {
            let npm = model
                .pointer("/provider/npm")
                .and_then(|v| v.as_str())
                .or(provider_npm)
                .unwrap_or(OPENAI_COMPATIBLE_NPM);
            let mut fx = Fixture::new(id, model_id).npm(npm).key("test-key");
            fx.api_url = api.map(str::to_string);
            for var in [
                "CLOUDFLARE_ACCOUNT_ID",
                "CLOUDFLARE_GATEWAY_ID",
                "AZURE_RESOURCE_NAME",
            ] {
                fx.env.insert(var.into(), "x".into());
            }
            let Ok(runtime) = resolve(&fx.input()) else {
                continue;
            };
            let said = profile_of(id, Some(npm)).protocol(&ServedModel {
                provider_id: id,
                npm,
                api_id: model_id,
            });
            checked += 1;
            if said != runtime.protocol {
                disagree.push(format!(
                    "{id}/{model_id}: {said:?} vs {:?}",
                    runtime.protocol
                ));
            }
        }
    }
    assert!(checked > 1000, "only {checked} models");
    assert!(disagree.is_empty(), "{disagree:#?}");
}
