//! Descriptor shapes checked field by field against CONTRACT-desktop.md, and the query filters.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_json::{Value, json};

use super::auth_view::{AuthView, CredentialSource};
use super::merge::MergedCatalog;
use super::query::*;
use super::snapshot::embedded_catalog;
use super::types::ModelStatus;
use crate::config::SidecarConfig;

fn merged() -> Arc<MergedCatalog> {
    static MERGED: OnceLock<Arc<MergedCatalog>> = OnceLock::new();
    MERGED
        .get_or_init(|| {
            Arc::new(MergedCatalog::build(
                &embedded_catalog(),
                &SidecarConfig::default(),
            ))
        })
        .clone()
}

fn anthropic_connected(id: &str) -> Option<CredentialSource> {
    (id == "anthropic").then_some(CredentialSource::Keyring)
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn assert_string_array(value: &Value) {
    assert!(
        value
            .as_array()
            .expect("array")
            .iter()
            .all(Value::is_string),
        "{value}"
    );
}

#[test]
fn provider_descriptor_has_the_contract_fields() {
    let merged = merged();
    let list = merged.provider_list(&anthropic_connected);
    assert_eq!(
        list.providers.len(),
        embedded_catalog().provider_count(),
        "every provider of the catalog is listed"
    );
    let json = serde_json::to_value(&list).expect("serializes");
    let providers = json["providers"].as_array().expect("providers array");
    for provider in providers {
        assert!(provider["id"].is_string() && provider["name"].is_string());
        assert_string_array(&provider["env"]);
        assert!(provider["api"].is_boolean() && provider["models"].is_boolean());
        assert!(
            ["token", "oauth", "none"].contains(&provider["auth"]["kind"].as_str().expect("kind"))
        );
        assert_eq!(keys(&provider["auth"]), vec!["kind"]);
    }
    let anthropic = providers
        .iter()
        .find(|p| p["id"] == "anthropic")
        .expect("anthropic");
    assert_eq!(anthropic["name"], "Anthropic");
    assert_eq!(anthropic["env"], json!(["ANTHROPIC_API_KEY"]));
    assert_eq!(
        anthropic["api"], false,
        "models.dev has no base URL for anthropic"
    );
    assert_eq!(anthropic["models"], true);
    assert_eq!(anthropic["connected"], true);
    assert_eq!(anthropic["credentialSource"], "keyring");
    assert!(!anthropic.to_string().contains("apiKey"));
    let zai = merged
        .provider_get("zai", &anthropic_connected)
        .expect("zai");
    assert!(zai.api && !zai.connected && zai.credential_source.is_none());
    assert_eq!(zai.api_url.as_deref(), Some("https://api.z.ai/api/paas/v4"));
    let gitlab = merged
        .provider_get("gitlab", &anthropic_connected)
        .expect("gitlab");
    assert!(!gitlab.supported && gitlab.note.is_some());
    let missing = merged
        .provider_get("nope", &anthropic_connected)
        .expect_err("missing");
    assert_eq!(missing.kind(), "provider_not_found");
}

#[test]
fn provider_catalog_items_order_aliases_popular() {
    let merged = merged();
    let result = merged.provider_catalog(&anthropic_connected);
    let json = serde_json::to_value(&result).expect("serializes");
    let items = json["providers"].as_array().expect("array");
    for item in items {
        for key in [
            "id",
            "name",
            "aliases",
            "authMethods",
            "connected",
            "modelCount",
            "popular",
        ] {
            assert!(item.get(key).is_some(), "missing {key} in {item}");
        }
        assert_string_array(&item["aliases"]);
        assert!(
            item["authMethods"].is_array()
                && item["modelCount"].is_u64()
                && item["popular"].is_boolean()
        );
        assert!(item["supported"].is_boolean());
    }
    let ids: Vec<&str> = items
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        &ids[..8],
        &[
            "anthropic",
            "opencode",
            "zai",
            "zai-coding-plan",
            "openai",
            "google",
            "openrouter",
            "moonshotai"
        ]
    );
    let rest: Vec<String> = items[8..]
        .iter()
        .map(|i| i["name"].as_str().expect("name").to_lowercase())
        .collect();
    let mut sorted = rest.clone();
    sorted.sort();
    assert_eq!(rest, sorted, "the rest is ordered by name");
    let zai = &items[2];
    assert_eq!(
        zai["aliases"],
        json!(["z.ai", "z ai", "zen", "opencode zen"])
    );
    assert_eq!(zai["popular"], true);
    assert_eq!(items[7]["aliases"], json!(["kimi"]));
    assert_eq!(items[8]["popular"], false);
    assert_eq!(zai["modelCount"], merged.providers["zai"].models.len());
}

#[test]
fn model_descriptor_has_the_contract_fields() {
    let merged = merged();
    let model = merged
        .model_get("openai", "gpt-5", &anthropic_connected)
        .expect("gpt-5");
    let json = serde_json::to_value(&model).expect("serializes");
    assert_eq!(json["id"], "openai/gpt-5");
    assert_eq!(json["name"], "GPT-5");
    assert_eq!(json["providerId"], "openai");
    assert_eq!(json["providerName"], "OpenAI");
    assert_eq!(json["providerNpmPackage"], "@ai-sdk/openai");
    assert_eq!(json["providerEnvVars"], json!(["OPENAI_API_KEY"]));
    assert!(
        json.get("providerApiUrl").is_none(),
        "optional, absent when unknown"
    );
    assert_eq!(json["contextWindow"], 400_000);
    assert_eq!(json["maxOutputTokens"], 128_000);
    assert_eq!(
        json["modalities"],
        json!({"input": ["text", "image"], "output": ["text"]})
    );
    assert_eq!(
        keys(&json["capabilities"]),
        vec!["text", "vision", "tools", "reasoning", "plan"]
    );
    assert_eq!(
        json["capabilities"],
        json!({"text": true, "vision": true, "tools": true, "reasoning": true, "plan": true})
    );
    // Superset fields.
    assert_eq!(json["protocol"], "openai-responses");
    assert_eq!(
        json["limit"],
        json!({"context": 400000, "input": 272000, "output": 128000})
    );
    assert_eq!(json["cost"]["input"], 1.25);
    assert!(
        json["cost"].get("cacheRead").is_some(),
        "camelCase on the wire"
    );
    assert_eq!(json["status"], "active");
    assert_eq!(json["family"], "gpt");
    assert_eq!(
        json["variants"],
        json!(["minimal", "low", "medium", "high"])
    );
    assert_eq!(json["connected"], false);

    let full = merged
        .model_get("openai", "openai/gpt-5", &anthropic_connected)
        .expect("full id accepted");
    assert_eq!(full.id, "openai/gpt-5");
    let glm = merged
        .model_get("zai", "glm-4.7", &anthropic_connected)
        .expect("glm");
    assert_eq!(glm.protocol.as_str(), "zai");
    assert_eq!(
        glm.provider_api_url.as_deref(),
        Some("https://api.z.ai/api/paas/v4")
    );
    assert_eq!(glm.variants, vec!["none", "thinking"]);
    assert!(!glm.capabilities.vision);

    let routed = merged
        .model_list(
            &ModelListParams {
                provider_id: Some("openrouter".into()),
                ..Default::default()
            },
            &anthropic_connected,
        )
        .expect("list");
    let slashed = routed
        .models
        .iter()
        .find(|m| m.model_id.contains('/'))
        .expect("a slashed id");
    assert_eq!(slashed.id, format!("openrouter/{}", slashed.model_id));
    assert_eq!(
        slashed.id.split_once('/').map(|(_, rest)| rest),
        Some(slashed.model_id.as_str())
    );
}

#[test]
fn model_list_filters() {
    let merged = merged();
    let auth: &dyn AuthView = &anthropic_connected;
    let all = merged
        .model_list(&ModelListParams::default(), auth)
        .expect("list");
    assert!(
        all.models
            .iter()
            .all(|m| matches!(m.status, ModelStatus::Active | ModelStatus::Beta))
    );
    let hidden = merged
        .providers
        .values()
        .flat_map(|p| p.models.values())
        .filter(|m| matches!(m.status(), ModelStatus::Deprecated | ModelStatus::Alpha))
        .count();
    assert_eq!(all.models.len() + hidden, merged.model_count());

    let deprecated = merged
        .model_list(
            &ModelListParams {
                status: Some(vec![ModelStatus::Deprecated]),
                ..Default::default()
            },
            auth,
        )
        .expect("list");
    assert!(!deprecated.models.is_empty());
    assert!(
        deprecated
            .models
            .iter()
            .any(|m| m.id == "anthropic/claude-3-opus-20240229")
    );

    let connected = merged
        .model_list(
            &ModelListParams {
                connected: Some(true),
                ..Default::default()
            },
            auth,
        )
        .expect("list");
    assert!(!connected.models.is_empty());
    assert!(
        connected
            .models
            .iter()
            .all(|m| m.provider_id == "anthropic" && m.connected)
    );

    let vision_reasoning = merged
        .model_list(
            &ModelListParams {
                provider_id: Some("openai".into()),
                capabilities: vec![Capability::Vision, Capability::Reasoning],
                ..Default::default()
            },
            auth,
        )
        .expect("list");
    assert!(
        vision_reasoning
            .models
            .iter()
            .any(|m| m.model_id == "gpt-5")
    );
    assert!(
        !vision_reasoning
            .models
            .iter()
            .any(|m| m.model_id == "gpt-4.1"),
        "gpt-4.1 does not reason"
    );
    assert!(
        vision_reasoning
            .models
            .iter()
            .all(|m| m.capabilities.vision && m.capabilities.reasoning)
    );

    let missing = merged
        .model_list(
            &ModelListParams {
                provider_id: Some("nope".into()),
                ..Default::default()
            },
            auth,
        )
        .expect_err("unknown provider");
    assert_eq!(missing.kind(), "provider_not_found");
}

#[test]
fn model_get_not_found_suggests() {
    let merged = merged();
    let error = merged
        .model_get("openai", "gpt-5.22", &anthropic_connected)
        .expect_err("missing");
    assert_eq!(error.kind(), "model_not_found");
    match error {
        super::error::CatalogError::ModelNotFound { suggestions, .. } => {
            assert!(!suggestions.is_empty() && suggestions.len() <= 3);
            assert!(
                suggestions.iter().all(|s| s.starts_with("gpt-5")),
                "{suggestions:?}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn config_connects_custom_and_keyed_providers() {
    let config = SidecarConfig::from_value(
        json!({"provider": {
            "local": {"options": {"baseURL": "http://127.0.0.1:1234/v1"}, "models": {"m": {}}},
            "openai": {"options": {"apiKey": "sk-config"}},
            "mistral": {"models": {}}
        }}),
        &HashMap::new(),
        None,
    )
    .expect("config");
    let merged = MergedCatalog::build(&embedded_catalog(), &config);
    let none = super::auth_view::NoCredentials;
    let local = merged.provider_get("local", &none).expect("local");
    assert_eq!(
        (local.connected, local.credential_source),
        (true, Some(CredentialSource::Config))
    );
    assert_eq!(local.auth.kind, super::auth_view::AuthKind::None);
    let openai = merged.provider_get("openai", &none).expect("openai");
    assert_eq!(openai.credential_source, Some(CredentialSource::Config));
    assert!(
        !serde_json::to_string(&openai)
            .expect("json")
            .contains("sk-config")
    );
    assert!(
        !merged
            .provider_get("mistral", &none)
            .expect("mistral")
            .connected
    );
    let model = merged.model_get("local", "m", &none).expect("model");
    assert_eq!(model.id, "local/m");
    assert_eq!(
        model.provider_api_url.as_deref(),
        Some("http://127.0.0.1:1234/v1")
    );
    assert_eq!(model.context_window, 0, "unknown");
    assert!(model.capabilities.text && model.capabilities.tools && !model.capabilities.vision);
}

#[test]
fn wire_types_have_json_schemas() {
    use schemars::schema_for;
    let schemas = [
        schema_for!(ProviderListResult),
        schema_for!(ProviderCatalogResult),
        schema_for!(ModelListParams),
        schema_for!(ModelListResult),
        schema_for!(ModelGetParams),
        schema_for!(ProviderGetParams),
        schema_for!(super::default_model::DefaultModelResult),
        schema_for!(super::service::CatalogStatus),
        schema_for!(super::service::RefreshResult),
        schema_for!(super::service::RefreshParams),
        schema_for!(super::service::CatalogDiff),
        schema_for!(crate::config::Preferences),
        schema_for!(crate::config::PreferencesUpdate),
        schema_for!(crate::config::SidecarConfig),
    ];
    for schema in &schemas {
        let text = serde_json::to_string(schema).expect("schema serializes");
        assert!(text.contains("\"type\"") || text.contains("$ref"), "{text}");
    }
    let model = serde_json::to_value(schema_for!(ModelListResult)).expect("json");
    let descriptor = &model["$defs"]["ModelDescriptor"];
    let required: Vec<&str> = descriptor["required"]
        .as_array()
        .expect("required list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for field in [
        "id",
        "name",
        "providerId",
        "providerName",
        "contextWindow",
        "maxOutputTokens",
        "capabilities",
    ] {
        assert!(required.contains(&field), "{field} must be required");
    }
    let update = serde_json::to_value(schema_for!(crate::config::PreferencesUpdate)).expect("json");
    assert!(update["properties"].get("hybridEnabled").is_some());
}
