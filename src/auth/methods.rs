//! The sign-in methods each provider offers, in the desktop's `AuthMethodDescriptor` shape.
//! The index of a method in this list is the `method` number of the OAuth calls.

use serde::{Deserialize, Serialize};

use super::flows::{copilot, openai};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethodType {
    Api,
    Token,
    Oauth,
    None,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthMethodDescriptor {
    #[serde(rename = "type")]
    pub kind: AuthMethodType,
    pub label: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<AuthPrompt>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum AuthPrompt {
    Text {
        key: String,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        placeholder: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        when: Option<PromptCondition>,
    },
    Select {
        key: String,
        message: String,
        options: Vec<PromptOption>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        when: Option<PromptCondition>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PromptOption {
    pub label: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Show the prompt only when another prompt's answer equals (`eq`) or differs from (`neq`) `value`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PromptCondition {
    pub key: String,
    pub op: ConditionOp,
    pub value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConditionOp {
    Eq,
    Neq,
}

/// What a method index starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowKind {
    ApiKey,
    OpenAiBrowser,
    OpenAiHeadless,
    CopilotDevice,
}

fn api_key_method(label: &str) -> (AuthMethodDescriptor, FlowKind) {
    (
        AuthMethodDescriptor {
            kind: AuthMethodType::Api,
            label: label.to_owned(),
            prompts: Vec::new(),
        },
        FlowKind::ApiKey,
    )
}

fn oauth_method(
    label: &str,
    prompts: Vec<AuthPrompt>,
    flow: FlowKind,
) -> (AuthMethodDescriptor, FlowKind) {
    (
        AuthMethodDescriptor {
            kind: AuthMethodType::Oauth,
            label: label.to_owned(),
            prompts,
        },
        flow,
    )
}

/// A value an API key needs beside it, stored as the key's `metadata` (OpenCode asks for the same
/// keys): asked for unless its env var is set.
struct KeyMetadata {
    key: &'static str,
    message: &'static str,
    placeholder: &'static str,
    env: &'static str,
}

fn key_metadata(provider_id: &str) -> &'static [KeyMetadata] {
    const AZURE: &[KeyMetadata] = &[KeyMetadata {
        key: "resourceName",
        message: "Azure resource name (the NAME of https://NAME.openai.azure.com)",
        placeholder: "my-resource",
        env: "AZURE_RESOURCE_NAME",
    }];
    const AZURE_COGNITIVE: &[KeyMetadata] = &[KeyMetadata {
        key: "resourceName",
        message: "Azure resource name (the NAME of https://NAME.cognitiveservices.azure.com)",
        placeholder: "my-resource",
        env: "AZURE_COGNITIVE_SERVICES_RESOURCE_NAME",
    }];
    const ACCOUNT: KeyMetadata = KeyMetadata {
        key: "accountId",
        message: "Cloudflare account ID",
        placeholder: "32 hex characters, from the dashboard's URL",
        env: "CLOUDFLARE_ACCOUNT_ID",
    };
    const WORKERS_AI: &[KeyMetadata] = &[ACCOUNT];
    const GATEWAY: &[KeyMetadata] = &[
        ACCOUNT,
        KeyMetadata {
            key: "gatewayId",
            message: "Cloudflare AI Gateway ID",
            placeholder: "my-gateway",
            env: "CLOUDFLARE_GATEWAY_ID",
        },
    ];
    match provider_id {
        "azure" => AZURE,
        "azure-cognitive-services" => AZURE_COGNITIVE,
        "cloudflare-workers-ai" => WORKERS_AI,
        "cloudflare-ai-gateway" => GATEWAY,
        _ => &[],
    }
}

fn key_metadata_prompts(provider_id: &str) -> Vec<AuthPrompt> {
    key_metadata(provider_id)
        .iter()
        .map(|field| AuthPrompt::Text {
            key: field.key.into(),
            message: field.message.into(),
            placeholder: Some(field.placeholder.into()),
            when: None,
        })
        .collect()
}

/// The methods of `provider_id` with the flow each one runs. Providers without a sign-in of
/// their own (Anthropic included: its subscription sign-in is not offered) take an API key.
pub fn methods_with_flows(provider_id: &str) -> Vec<(AuthMethodDescriptor, FlowKind)> {
    match provider_id {
        openai::PROVIDER_ID => vec![
            oauth_method(
                "ChatGPT Pro/Plus (browser)",
                Vec::new(),
                FlowKind::OpenAiBrowser,
            ),
            oauth_method(
                "ChatGPT Pro/Plus (headless)",
                Vec::new(),
                FlowKind::OpenAiHeadless,
            ),
            api_key_method("Manually enter API Key"),
        ],
        copilot::PROVIDER_ID => vec![oauth_method(
            "Login with GitHub Copilot",
            vec![
                AuthPrompt::Select {
                    key: "deploymentType".into(),
                    message: "Select GitHub deployment type".into(),
                    options: vec![
                        PromptOption {
                            label: "GitHub.com".into(),
                            value: "github.com".into(),
                            hint: Some("Public".into()),
                        },
                        PromptOption {
                            label: "GitHub Enterprise".into(),
                            value: "enterprise".into(),
                            hint: Some("Data residency or self-hosted".into()),
                        },
                    ],
                    when: None,
                },
                AuthPrompt::Text {
                    key: "enterpriseUrl".into(),
                    message: "Enter your GitHub Enterprise URL or domain".into(),
                    placeholder: Some("company.ghe.com or https://company.ghe.com".into()),
                    when: Some(PromptCondition {
                        key: "deploymentType".into(),
                        op: ConditionOp::Eq,
                        value: "enterprise".into(),
                    }),
                },
            ],
            FlowKind::CopilotDevice,
        )],
        _ => {
            let (mut method, flow) = api_key_method("API key");
            method.prompts = key_metadata_prompts(provider_id);
            vec![(method, flow)]
        }
    }
}

/// `auth/methods` for one provider as OpenCode shows it: a prompt for a value the key needs
/// beside it is left out when `env` already sets its variable.
pub fn auth_methods_in(
    provider_id: &str,
    env: &std::collections::HashMap<String, String>,
) -> Vec<AuthMethodDescriptor> {
    let answered: Vec<&str> = key_metadata(provider_id)
        .iter()
        .filter(|field| env.get(field.env).is_some_and(|v| !v.trim().is_empty()))
        .map(|field| field.key)
        .collect();
    let mut methods = auth_methods(provider_id);
    for method in &mut methods {
        method.prompts.retain(|prompt| match prompt {
            AuthPrompt::Text { key, .. } | AuthPrompt::Select { key, .. } => {
                !(method.kind == AuthMethodType::Api && answered.contains(&key.as_str()))
            }
        });
    }
    methods
}

/// `auth/methods` for one provider.
pub fn auth_methods(provider_id: &str) -> Vec<AuthMethodDescriptor> {
    methods_with_flows(provider_id)
        .into_iter()
        .map(|(descriptor, _)| descriptor)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anthropic_is_api_key_only() {
        let methods = auth_methods("anthropic");
        assert_eq!(methods.len(), 1);
        assert_eq!(methods[0].kind, AuthMethodType::Api);
    }

    #[test]
    fn keys_that_need_a_resource_or_account_ask_for_it_unless_the_env_has_it() {
        let azure = serde_json::to_value(auth_methods("azure")).expect("json");
        assert_eq!(azure[0]["type"], "api");
        assert_eq!(azure[0]["prompts"][0]["key"], "resourceName");
        let gateway = auth_methods_in("cloudflare-ai-gateway", &Default::default());
        let keys: Vec<String> = gateway[0]
            .prompts
            .iter()
            .map(|p| match p {
                AuthPrompt::Text { key, .. } | AuthPrompt::Select { key, .. } => key.clone(),
            })
            .collect();
        assert_eq!(keys, ["accountId", "gatewayId"]);
        let env = std::collections::HashMap::from([(
            "CLOUDFLARE_ACCOUNT_ID".to_string(),
            "acc".to_string(),
        )]);
        let gateway =
            serde_json::to_value(auth_methods_in("cloudflare-ai-gateway", &env)).expect("json");
        assert_eq!(gateway[0]["prompts"].as_array().map(Vec::len), Some(1));
        assert_eq!(gateway[0]["prompts"][0]["key"], "gatewayId");
        let env = std::collections::HashMap::from([(
            "AZURE_RESOURCE_NAME".to_string(),
            "res".to_string(),
        )]);
        let azure = serde_json::to_value(auth_methods_in("azure", &env)).expect("json");
        assert!(azure[0].get("prompts").is_none(), "{azure}");
    }

    #[test]
    fn openai_and_copilot_shapes() {
        let openai = serde_json::to_value(auth_methods("openai")).expect("json");
        assert_eq!(openai[0]["type"], "oauth");
        assert_eq!(openai[2]["type"], "api");
        assert!(openai[0].get("prompts").is_none());
        let copilot = serde_json::to_value(auth_methods("github-copilot")).expect("json");
        let prompts = &copilot[0]["prompts"];
        assert_eq!(prompts[0]["type"], "select");
        assert_eq!(prompts[0]["options"][1]["value"], "enterprise");
        assert_eq!(prompts[1]["type"], "text");
        assert_eq!(prompts[1]["when"]["op"], "eq");
    }
}
