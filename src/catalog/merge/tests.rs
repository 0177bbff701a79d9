use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_json::json;

use super::*;
use crate::catalog::types::Interleaved;
use crate::catalog::{CredentialSource, NoCredentials};

/// The fixed models.dev fixture (not the embedded snapshot, which a refresh changes).
fn fixture() -> Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    let catalog = CATALOG.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/models-dev/api.json");
        let text = std::fs::read_to_string(path).expect("fixtures/models-dev/api.json");
        Arc::new(Catalog::from_json_str(&text).expect("the fixture parses").0)
    });
    Arc::clone(catalog)
}

fn config(value: Value) -> SidecarConfig {
    SidecarConfig::from_value(value, &HashMap::new(), None).expect("valid config")
}

#[test]
fn catalog_only_view_keeps_every_provider_and_expands_modes() {
    let catalog = fixture();
    let merged = MergedCatalog::build(&catalog, &SidecarConfig::default());
    assert_eq!(
        merged.providers.keys().collect::<Vec<_>>(),
        catalog.providers.keys().collect::<Vec<_>>()
    );
    let fast = &merged.providers["aihubmix"].models["gpt-5.4-fast"];
    assert_eq!(fast.origin, ModelOrigin::Mode);
    assert_eq!(
        fast.info.name,
        format!(
            "{} Fast",
            catalog.providers["aihubmix"].models["gpt-5.4"].name
        )
    );
    assert_eq!(fast.options["serviceTier"], "priority");
    assert_eq!(fast.api_id, "gpt-5.4");
    assert_eq!(fast.info.cost.as_ref().map(|c| c.input), Some(5.0));
    // gpt-5-chat-latest is dropped for openai, as OpenCode does.
    assert!(
        catalog.providers["openai"]
            .models
            .contains_key("gpt-5-chat-latest")
    );
    assert!(
        !merged.providers["openai"]
            .models
            .contains_key("gpt-5-chat-latest")
    );
    let mantle = &merged.providers["amazon-bedrock"].models["openai.gpt-5.4"];
    assert_eq!(&*mantle.npm, "@ai-sdk/amazon-bedrock/mantle");
    assert_eq!(mantle.protocol, RuntimeProtocol::OpenaiResponses);
    assert_eq!(
        merged.providers["anthropic"].models["claude-sonnet-4-5"].protocol,
        RuntimeProtocol::Anthropic
    );
    let cf = &merged.providers["cloudflare-ai-gateway"];
    let openai_via_cf = cf
        .models
        .keys()
        .find(|k| k.starts_with("openai/"))
        .expect("an openai/* model");
    assert_eq!(&*cf.models[openai_via_cf].npm, "@ai-sdk/openai");
}

#[test]
fn config_overrides_a_catalog_model_and_adds_one() {
    let catalog = fixture();
    let merged = MergedCatalog::build(
        &catalog,
        &config(json!({"provider": {"anthropic": {
            "options": {"baseURL": "https://proxy.example/v1", "headers": {"X-A": "1"}},
            "models": {
                "claude-sonnet-4-5": {"name": "Sonnet (team)", "limit": {"context": 100000, "output": 8000},
                                       "options": {"thinking": {"type": "enabled"}}},
                "claude-private": {"name": "Private", "reasoning": true}
            }
        }}})),
    );
    let anthropic = &merged.providers["anthropic"];
    assert_eq!(anthropic.origin, ProviderOrigin::Config);
    assert_eq!(
        anthropic.api_url.as_deref(),
        Some("https://proxy.example/v1")
    );
    let sonnet = &anthropic.models["claude-sonnet-4-5"];
    assert_eq!(sonnet.info.name, "Sonnet (team)");
    assert_eq!(sonnet.limit().context, 100_000);
    assert_eq!(
        sonnet.info.family.as_deref(),
        Some("claude-sonnet"),
        "unset fields keep the catalog value"
    );
    assert_eq!(sonnet.info.cost.as_ref().map(|c| c.input), Some(3.0));
    assert_eq!(sonnet.options["thinking"]["type"], "enabled");
    assert_eq!(sonnet.origin, ModelOrigin::Catalog);
    let private = &anthropic.models["claude-private"];
    assert_eq!(private.origin, ModelOrigin::Config);
    assert_eq!(&*private.npm, "@ai-sdk/anthropic");
    assert_eq!(private.protocol, RuntimeProtocol::Anthropic);
    assert_eq!(private.info.reasoning, Some(true));
    assert_eq!(private.info.tool_call, Some(true));
    assert_eq!(private.limit(), Limit::default());
    let plain = MergedCatalog::build(&catalog, &SidecarConfig::default());
    assert_eq!(
        anthropic.models.len(),
        plain.providers["anthropic"].models.len() + 1
    );
}

#[test]
fn whitelist_blacklist_and_provider_filters() {
    let catalog = fixture();
    let merged = MergedCatalog::build(
        &catalog,
        &config(json!({
            "disabled_providers": ["openrouter"],
            "provider": {
                "anthropic": {"whitelist": ["claude-sonnet-4-5", "claude-opus-4-1"]},
                "openai": {"blacklist": ["gpt-4o"]}
            }
        })),
    );
    assert!(!merged.providers.contains_key("openrouter"));
    let anthropic: Vec<_> = merged.providers["anthropic"]
        .models
        .keys()
        .cloned()
        .collect();
    assert_eq!(anthropic, vec!["claude-opus-4-1", "claude-sonnet-4-5"]);
    assert!(!merged.providers["openai"].models.contains_key("gpt-4o"));
    assert!(merged.providers["openai"].models.contains_key("gpt-4.1"));

    let only = MergedCatalog::build(
        &catalog,
        &config(json!({"enabled_providers": ["openai", "zai"]})),
    );
    assert_eq!(
        only.providers.keys().collect::<Vec<_>>(),
        vec!["openai", "zai"]
    );
}

#[test]
fn custom_openai_compatible_provider() {
    let catalog = fixture();
    let merged = MergedCatalog::build(
        &catalog,
        &config(json!({"provider": {"my-llm": {
            "name": "My LLM",
            "npm": "@ai-sdk/openai-compatible",
            "options": {"baseURL": "http://127.0.0.1:8080/v1"},
            "models": {
                "deepseek-r1-local": {"name": "DeepSeek R1 local", "reasoning": true},
                "served": {"id": "org/served-model:latest", "limit": {"context": 8192, "output": 1024},
                           "variants": {"hi": {"reasoningEffort": "high"}, "off": {"disabled": true}}}
            }
        }}})),
    );
    let custom = &merged.providers["my-llm"];
    assert_eq!(custom.origin, ProviderOrigin::Custom);
    assert_eq!(custom.name, "My LLM");
    assert_eq!(custom.api_url.as_deref(), Some("http://127.0.0.1:8080/v1"));
    let deepseek = &custom.models["deepseek-r1-local"];
    assert_eq!(deepseek.protocol, RuntimeProtocol::OpenaiChat);
    assert_eq!(
        deepseek.info.interleaved,
        Some(Interleaved::Field {
            field: "reasoning_content".into()
        })
    );
    let served = &custom.models["served"];
    assert_eq!(served.api_id, "org/served-model:latest");
    assert_eq!(served.info.name, "served");
    assert_eq!(served.variants.keys().collect::<Vec<_>>(), vec!["hi"]);
    assert!(served.disabled_variants.contains("off"));
    assert_eq!(
        merged
            .model("my-llm", "served")
            .map(|(_, m)| m.limit().context),
        Some(8192)
    );
}

const OPENCODE_CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/catalog/opencode-config.jsonc"
);

#[test]
fn an_opencode_config_works_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("opencode.jsonc");
    std::fs::copy(OPENCODE_CONFIG, &path).expect("copy fixture");
    std::fs::write(dir.path().join("corp-key.txt"), "corp-secret\n").expect("key file");
    let env: HashMap<String, String> =
        [("TEAM_ANTHROPIC_KEY".to_owned(), "sk-ant-team".to_owned())].into();
    let config = SidecarConfig::load_file(&path, &env).expect("loads");
    assert_eq!(
        config.provider["anthropic"].options.api_key.as_deref(),
        Some("sk-ant-team")
    );
    assert_eq!(
        config.provider["corp-gateway"].options.api_key.as_deref(),
        Some("corp-secret")
    );

    let merged = MergedCatalog::build(&fixture(), &config);
    assert!(!merged.providers.contains_key("openrouter"));
    let ollama = merged
        .provider_get("ollama", &NoCredentials)
        .expect("ollama");
    assert_eq!(
        (ollama.connected, ollama.name.as_str()),
        (true, "Ollama (local)")
    );
    let qwen = merged
        .model_get("ollama", "qwen3-coder:30b", &NoCredentials)
        .expect("qwen");
    assert_eq!(
        (qwen.context_window, qwen.max_output_tokens),
        (262_144, 65_536)
    );
    assert_eq!(qwen.protocol, RuntimeProtocol::OpenaiChat);

    let sonnet = merged
        .model_get("anthropic", "claude-sonnet-4-5", &NoCredentials)
        .expect("sonnet");
    assert_eq!(sonnet.context_window, 1_000_000);
    assert!(sonnet.connected);
    assert!(
        !sonnet.variants.contains(&"max".to_owned()),
        "{:?}",
        sonnet.variants
    );
    assert!(sonnet.variants.contains(&"high".to_owned()));
    assert!(
        merged
            .model_get("anthropic", "claude-3-haiku-20240307", &NoCredentials)
            .is_err()
    );
    let anthropic = merged
        .provider_get("anthropic", &NoCredentials)
        .expect("anthropic");
    assert_eq!(anthropic.credential_source, Some(CredentialSource::Config));

    let corp = merged
        .model_get("corp-gateway", "gpt-oss-120b", &NoCredentials)
        .expect("corp");
    assert_eq!(
        corp.provider_api_url.as_deref(),
        Some("https://llm.corp.example/v1")
    );
    assert_eq!(
        corp.provider_env_vars.as_deref(),
        Some(&["CORP_GATEWAY_KEY".to_owned()][..])
    );
    assert!(corp.capabilities.reasoning);

    let default = merged.default_model(&config, None, &NoCredentials);
    assert_eq!(
        default.model.map(|m| m.id).as_deref(),
        Some("anthropic/claude-sonnet-4-5")
    );
    assert_eq!(
        default.small_model.map(|m| m.id).as_deref(),
        Some("anthropic/claude-haiku-4-5")
    );
}
