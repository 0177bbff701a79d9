//! GitHub Copilot: Responses API for GPT-5+ (except gpt-5-mini), chat completions otherwise,
//! Anthropic Messages (under `/v1`) for models the catalog marks `@ai-sdk/anthropic`. What
//! OpenCode's Copilot plugin does is the built-in plugin `plugin::builtin::copilot`: its auth
//! loader (the Enterprise base URL, the token, the editor headers, the body-dependent
//! `x-initiator` and vision headers) and its hooks (the GPT output limit, Claude's
//! interleaved-thinking beta).

use serde_json::{Map, Value, json};

use super::options::{self, Gpt5Defaults};
use super::{
    CacheMarks, CachePolicy, CallRef, Profile, ReasoningApi, ServedModel, VariantPresets,
    anthropic, runtime_at,
};
use crate::provider::common::{base_url, join_url, merged_headers};
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::{AuthScheme, DynamicHeaders, ResolvedRuntime, RuntimeProtocol};

pub const DEFAULT_BASE_URL: &str = "https://api.githubcopilot.com";
pub const OPENAI_INTENT: &str = "conversation-edits";

pub struct CopilotProfile;
pub static PROFILE: CopilotProfile = CopilotProfile;

impl Profile for CopilotProfile {
    fn family(&self) -> &'static str {
        "github-copilot"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "github-copilot"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/github-copilot"]
    }

    /// Models the catalog marks `@ai-sdk/anthropic` speak Messages; GPT-5 and later Responses.
    fn protocol(&self, model: &ServedModel<'_>) -> RuntimeProtocol {
        if model.npm == "@ai-sdk/anthropic" {
            RuntimeProtocol::Anthropic
        } else if uses_responses(model.api_id) {
            RuntimeProtocol::OpenaiResponses
        } else {
            RuntimeProtocol::OpenaiChat
        }
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve(input)
    }

    fn reasoning_api(&self, protocol: RuntimeProtocol, _model: &ServedModel<'_>) -> ReasoningApi {
        match protocol {
            RuntimeProtocol::OpenaiChat => ReasoningApi::CopilotChat,
            other => ReasoningApi::of_protocol(other),
        }
    }

    fn variant_presets(&self, api: ReasoningApi, _model: &ServedModel<'_>) -> VariantPresets {
        match api {
            ReasoningApi::Anthropic => VariantPresets::Claude,
            _ => VariantPresets::Copilot,
        }
    }

    /// `store: false` on the Responses API, and the GPT-5 defaults.
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let mut out = options::common(call, Gpt5Defaults::default());
        if call.runtime.protocol == RuntimeProtocol::OpenaiResponses {
            out.insert("store".into(), json!(false));
        }
        out
    }

    fn small_options(&self, call: &CallRef<'_>, _has_variant: bool) -> Map<String, Value> {
        if call.runtime.protocol == RuntimeProtocol::OpenaiResponses {
            Map::from_iter([("store".to_string(), json!(false))])
        } else {
            Map::new()
        }
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["copilot"]
    }

    fn cache_policy(&self, call: &CallRef<'_>) -> Option<CachePolicy> {
        let default = super::default_cache_policy(call)?;
        Some(CachePolicy {
            marks: match default.marks {
                CacheMarks::Compatible => CacheMarks::Copilot,
                other => other,
            },
            ..default
        })
    }

    fn needs_placeholder_tool(&self, _call: &CallRef<'_>) -> bool {
        true
    }
}

/// OpenCode's rule: `gpt-<major>` with major ≥ 5 uses Responses, except `gpt-5-mini*`.
pub fn uses_responses(model_id: &str) -> bool {
    let Some(rest) = model_id.strip_prefix("gpt-") else {
        return false;
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let Ok(major) = digits.parse::<u32>() else {
        return false;
    };
    major >= 5 && !model_id.starts_with("gpt-5-mini")
}

/// Whether `provider_id` (with the model's `npm`) is served through this profile.
pub fn is_copilot_provider(provider_id: &str, npm: Option<&str>) -> bool {
    super::profile_of(provider_id, npm).family() == PROFILE.family()
}

/// The call goes to GitHub Copilot (its runtime adds Copilot's body-dependent headers).
pub fn is_copilot(runtime: &ResolvedRuntime) -> bool {
    runtime.dynamic_headers == Some(DynamicHeaders::Copilot)
}

/// `https://copilot-api.<domain>` for GitHub Enterprise, else the public API.
pub fn enterprise_base(enterprise_url: &str) -> String {
    let domain = enterprise_url
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    format!("https://copilot-api.{domain}")
}

/// The base URL (`baseURL`, which the auth loader sets for an Enterprise sign-in, else the
/// public API) and the protocol's path; a Messages-API model's base gets `/v1`.
pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    let base = base_url(input, Some(DEFAULT_BASE_URL), &[])?;
    let token = input.api_key().ok_or_else(|| ProviderError::AuthMissing {
        provider: input.provider_id.to_string(),
        hint: "sign in with GitHub Copilot (device flow)".into(),
    })?;
    let model = ServedModel {
        provider_id: input.provider_id,
        npm: input.npm.unwrap_or_default(),
        api_id: input.model_id,
    };
    let protocol = PROFILE.protocol(&model);
    let mut defaults = Vec::new();
    // The interleaved-thinking beta is the built-in plugin's (`plugin::builtin::copilot`).
    let base = if protocol == RuntimeProtocol::Anthropic {
        defaults.push(("anthropic-version", anthropic::API_VERSION.to_string()));
        join_url(&base, "v1")
    } else {
        base
    };
    let headers = merged_headers(input, &defaults);
    Ok(runtime_at(
        input,
        protocol,
        base,
        headers,
        AuthScheme::Bearer(token),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::input::Credential;
    use crate::provider::profiles::test_support::Fixture;

    #[test]
    fn responses_rule_matches_opencode() {
        assert!(uses_responses("gpt-5"));
        assert!(uses_responses("gpt-5.1-codex"));
        assert!(uses_responses("gpt-6"));
        assert!(!uses_responses("gpt-5-mini"));
        assert!(!uses_responses("gpt-4.1"));
        assert!(!uses_responses("gpt-4o"));
        assert!(!uses_responses("claude-sonnet-4.5"));
    }

    #[test]
    fn golden_copilot_runtimes() {
        let oauth = Credential::OAuth {
            access: "gho_x".into(),
            account_id: None,
            enterprise_url: None,
        };
        let fx = Fixture::new("github-copilot", "gpt-5").credential(oauth.clone());
        let rt = fx.resolved().expect("ok");
        assert_eq!(rt.chat_url, "https://api.githubcopilot.com/responses");
        assert_eq!(rt.headers["Openai-Intent"], "conversation-edits");
        assert_eq!(rt.headers["User-Agent"], "test-app/1.0");
        assert_eq!(rt.dynamic_headers, Some(DynamicHeaders::Copilot));

        let fx = Fixture::new("github-copilot", "gpt-4.1").credential(oauth);
        let rt = fx.resolved().expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://api.githubcopilot.com/chat/completions"
        );

        let fx = Fixture::new("github-copilot", "claude-sonnet-4.5")
            .npm("@ai-sdk/anthropic")
            .credential(Credential::OAuth {
                access: "gho_y".into(),
                account_id: None,
                enterprise_url: Some("https://company.ghe.com/".into()),
            });
        let rt = fx.resolved().expect("ok");
        assert_eq!(rt.protocol, RuntimeProtocol::Anthropic);
        assert_eq!(
            rt.chat_url,
            "https://copilot-api.company.ghe.com/v1/messages"
        );
        assert!(matches!(&rt.auth, AuthScheme::Bearer(k) if k.expose() == "gho_y"));
    }
}
