//! Azure OpenAI and Azure Cognitive Services: resource name or baseURL, Responses unless
//! `useCompletionUrls`, `api-version` query, `api-key` header.

use serde_json::{Map, Value, json};

use super::options::{self, Gpt5Defaults};
use super::{CallRef, OPENAI_COMPATIBLE_NPM, Profile, ReasoningApi, ServedModel, VariantPresets};
use super::{anthropic, chat_path, runtime_at};
use crate::provider::common::{base_url, join_url, merged_headers, substitute_vars, validate_url};
use crate::provider::error::ProviderError;
use crate::provider::input::{Credential, LoaderInput};
use crate::provider::runtime::{AuthScheme, ResolvedRuntime, RuntimeProtocol};

pub struct AzureProfile;
pub static PROFILE: AzureProfile = AzureProfile;

impl Profile for AzureProfile {
    fn family(&self) -> &'static str {
        "azure"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        matches!(provider_id, "azure" | "azure-cognitive-services")
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/azure"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve(input)
    }

    /// `store: false` and the session as the prompt-cache key; GPT-5 defaults without the
    /// encrypted include and, on `azure` itself, without verbosity; GPT-5.5 only gets its summary.
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let api_id = call.model.api_id;
        let mut out = Map::new();
        if api_id.contains("gpt-5.5") {
            out.insert("reasoningSummary".into(), json!("auto"));
        } else {
            let verbosity = call.model.provider_id != "azure";
            out = options::common(
                call,
                Gpt5Defaults {
                    include_encrypted: false,
                    verbosity,
                },
            );
        }
        out.insert("store".into(), json!(false));
        out.insert("promptCacheKey".into(), json!(call.session_id));
        out
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["azure", "openai"]
    }

    fn variant_presets(&self, api: ReasoningApi, _model: &ServedModel<'_>) -> VariantPresets {
        match api {
            ReasoningApi::OpenaiResponses { .. } => VariantPresets::Azure,
            ReasoningApi::Anthropic => VariantPresets::Claude,
            _ => VariantPresets::None,
        }
    }
}

pub const DEFAULT_API_VERSION: &str = "v1";

/// A model Azure AI Foundry serves through its OpenAI-compatible inference API (DeepSeek, Kimi):
/// chat completions at the model's own URL, `${AZURE_RESOURCE_NAME}` filled in, the key in
/// `api-key`.
fn resolve_foundry_model(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    let resource = resource_name(input, "AZURE_RESOURCE_NAME").unwrap_or_default();
    let base = base_url(input, None, &[("AZURE_RESOURCE_NAME", resource)])?;
    let key =
        input
            .api_key_or_env(&["AZURE_API_KEY"])
            .ok_or_else(|| ProviderError::AuthMissing {
                provider: input.provider_id.to_string(),
                hint: "set AZURE_API_KEY or an API key".into(),
            })?;
    let headers = merged_headers(input, &[]);
    let auth = AuthScheme::Header {
        name: "api-key".into(),
        prefix: "",
        value: key,
    };
    Ok(runtime_at(
        input,
        RuntimeProtocol::OpenaiChat,
        base,
        headers,
        auth,
    ))
}

/// OpenCode's order: `options.resourceName`, the stored key's `metadata.resourceName`, the OAuth
/// account id, then the resource env var.
fn resource_name(input: &LoaderInput<'_>, env_name: &str) -> Option<String> {
    input
        .option_str("resourceName")
        .or_else(|| input.metadata("resourceName"))
        .map(str::to_string)
        .or_else(|| match input.credential {
            Some(Credential::OAuth {
                account_id: Some(account),
                ..
            }) => Some(account.clone()),
            _ => None,
        })
        .or_else(|| input.env_var(env_name).map(str::to_string))
}

/// The URL prefix every Azure path hangs off (AI SDK: `{prefix}/v1{path}` or
/// `{prefix}/deployments/{id}{path}`).
fn prefix(input: &LoaderInput<'_>) -> Result<String, ProviderError> {
    let cognitive = input.provider_id == "azure-cognitive-services";
    let env_name = if cognitive {
        "AZURE_COGNITIVE_SERVICES_RESOURCE_NAME"
    } else {
        "AZURE_RESOURCE_NAME"
    };
    let resource = resource_name(input, env_name);
    let vars: Vec<(&str, String)> = resource
        .iter()
        .map(|name| (env_name, name.clone()))
        .collect();
    if let Some(base) = input.option_str("baseURL") {
        let url = substitute_vars(base, &vars, input);
        validate_url(&url)?;
        return Ok(url.trim_end_matches('/').to_string());
    }
    let resource = resource.ok_or_else(|| ProviderError::ConfigMissing {
        provider: input.provider_id.to_string(),
        setting: "resourceName",
        hint: format!(
            "{env_name} is missing: set options.resourceName, the key's resourceName (auth/set metadata), {env_name} or options.baseURL"
        ),
    })?;
    Ok(if cognitive {
        format!("https://{resource}.cognitiveservices.azure.com/openai")
    } else {
        format!("https://{resource}.openai.azure.com/openai")
    })
}

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    if input.npm == Some(OPENAI_COMPATIBLE_NPM) {
        return resolve_foundry_model(input);
    }
    let prefix = prefix(input)?;
    let key_env = if input.provider_id == "azure-cognitive-services" {
        "AZURE_COGNITIVE_SERVICES_API_KEY"
    } else {
        "AZURE_API_KEY"
    };
    let key = input
        .api_key_or_env(&[key_env])
        .ok_or_else(|| ProviderError::AuthMissing {
            provider: input.provider_id.to_string(),
            hint: "set AZURE_API_KEY or an API key".into(),
        })?;
    let api_version = input
        .option_str("apiVersion")
        .unwrap_or(DEFAULT_API_VERSION)
        .to_string();
    let deployment_based = input.option_bool("useDeploymentBasedUrls") == Some(true);
    let base = if deployment_based {
        join_url(&prefix, &format!("deployments/{}", input.model_id.trim()))
    } else {
        join_url(&prefix, "v1")
    };
    let auth = AuthScheme::Header {
        name: "api-key".into(),
        prefix: "",
        value: key,
    };

    let protocol = if input.npm == Some("@ai-sdk/anthropic") {
        RuntimeProtocol::Anthropic
    } else if input.option_bool("useCompletionUrls") == Some(true) {
        RuntimeProtocol::OpenaiChat
    } else {
        RuntimeProtocol::OpenaiResponses
    };
    let defaults = if protocol == RuntimeProtocol::Anthropic {
        vec![("anthropic-version", anthropic::API_VERSION.to_string())]
    } else {
        Vec::new()
    };
    let headers = merged_headers(input, &defaults);
    let mut runtime = runtime_at(input, protocol, base, headers, auth);
    let path = chat_path(protocol).expect("chat-style protocols have a chat path");
    runtime.chat_url = format!(
        "{}?api-version={api_version}",
        join_url(&runtime.base_url, path)
    );
    Ok(runtime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;
    use serde_json::json;

    #[test]
    fn golden_resource_name_responses() {
        let fx = Fixture::new("azure", "gpt-5")
            .env("AZURE_RESOURCE_NAME", "myres")
            .key("az-key");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, RuntimeProtocol::OpenaiResponses);
        assert_eq!(
            rt.chat_url,
            "https://myres.openai.azure.com/openai/v1/responses?api-version=v1"
        );
        assert!(matches!(&rt.auth, AuthScheme::Header { name, .. } if name == "api-key"));
    }

    #[test]
    fn the_resource_name_stored_with_the_key_comes_before_the_env() {
        let fx = Fixture::new("azure", "gpt-5")
            .env("AZURE_RESOURCE_NAME", "from-env")
            .metadata("resourceName", "from-auth")
            .key("az-key");
        let rt = resolve(&fx.input()).expect("ok");
        assert!(
            rt.chat_url
                .starts_with("https://from-auth.openai.azure.com/"),
            "{}",
            rt.chat_url
        );
        let fx = Fixture::new("azure", "gpt-5")
            .option("resourceName", json!("from-config"))
            .metadata("resourceName", "from-auth")
            .key("az-key");
        let rt = resolve(&fx.input()).expect("ok");
        assert!(
            rt.chat_url
                .starts_with("https://from-config.openai.azure.com/")
        );
        let fx = Fixture::new("azure", "gpt-5").key("az-key");
        let error = resolve(&fx.input()).expect_err("missing");
        assert!(
            matches!(
                &error,
                ProviderError::ConfigMissing {
                    setting: "resourceName",
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn base_url_completions_and_deployments() {
        let fx = Fixture::new("azure", "gpt-4o")
            .option("baseURL", json!("https://proxy.example/openai"))
            .option("useCompletionUrls", json!(true))
            .key("k");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://proxy.example/openai/v1/chat/completions?api-version=v1"
        );

        let fx = Fixture::new("azure", "my-deploy")
            .option("resourceName", json!("r2"))
            .option("useDeploymentBasedUrls", json!(true))
            .option("useCompletionUrls", json!(true))
            .option("apiVersion", json!("2024-10-21"))
            .key("k");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://r2.openai.azure.com/openai/deployments/my-deploy/chat/completions?api-version=2024-10-21"
        );
    }

    #[test]
    fn cognitive_services_and_missing_resource() {
        let fx = Fixture::new("azure-cognitive-services", "gpt-5")
            .env("AZURE_COGNITIVE_SERVICES_RESOURCE_NAME", "cog")
            .env("AZURE_COGNITIVE_SERVICES_API_KEY", "env-key");
        let rt = resolve(&fx.input()).expect("ok");
        assert!(
            matches!(&rt.auth, AuthScheme::Header { value, .. } if value.expose() == "env-key")
        );
        assert_eq!(
            rt.chat_url,
            "https://cog.cognitiveservices.azure.com/openai/v1/responses?api-version=v1"
        );
        let fx = Fixture::new("azure", "gpt-5").key("k");
        let err = resolve(&fx.input()).expect_err("no resource");
        assert_eq!(err.kind(), "provider_config_missing");
        assert!(err.to_string().contains("AZURE_RESOURCE_NAME is missing"));
    }
}
