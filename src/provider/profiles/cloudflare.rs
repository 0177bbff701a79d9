//! Cloudflare AI Gateway through its OpenAI-compatible unified endpoint
//! (`/compat/chat/completions`, model ids `provider/model`), authenticated with
//! `cf-aig-authorization`; gateway options become `cf-aig-*` headers.

use serde_json::Value;

use super::{CallRef, Profile, ReasoningApi, ServedModel, VariantPresets, generic, runtime_at};
use crate::provider::common::merged_headers;
use crate::provider::error::ProviderError;
use crate::provider::input::{Credential, LoaderInput};
use crate::provider::runtime::{AuthScheme, ResolvedRuntime, RuntimeProtocol};
use crate::provider::secret::Secret;

pub const GATEWAY_HOST: &str = "https://gateway.ai.cloudflare.com/v1";
pub const WORKERS_AI_URL: &str =
    "https://api.cloudflare.com/client/v4/accounts/${CLOUDFLARE_ACCOUNT_ID}/ai/v1";

/// Cloudflare AI Gateway: every upstream through the gateway's OpenAI-compatible endpoint.
pub struct GatewayProfile;
pub static GATEWAY_PROFILE: GatewayProfile = GatewayProfile;

impl Profile for GatewayProfile {
    fn family(&self) -> &'static str {
        "cloudflare-ai-gateway"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "cloudflare-ai-gateway"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["ai-gateway-provider"]
    }

    /// The unified endpoint speaks OpenAI chat for every upstream, `openai/*` and `anthropic/*`
    /// included (the catalog names their native SDKs, which this loader does not use).
    fn protocol(&self, _model: &ServedModel<'_>) -> RuntimeProtocol {
        RuntimeProtocol::OpenaiChat
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve(input)
    }

    fn variant_presets(&self, _api: ReasoningApi, model: &ServedModel<'_>) -> VariantPresets {
        if model.npm == "ai-gateway-provider" {
            VariantPresets::CloudflareGateway
        } else {
            VariantPresets::None
        }
    }

    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &["openaiCompatible"]
    }

    /// OpenAI's reasoning models behind the gateway take no output limit (OpenCode drops it).
    fn sends_default_output_limit(&self, call: &CallRef<'_>) -> bool {
        !(call.reasoning && call.model.api_id.starts_with("openai/"))
    }
}

/// Cloudflare Workers AI (OpenAI-compatible).
pub struct WorkersAiProfile;
pub static WORKERS_AI_PROFILE: WorkersAiProfile = WorkersAiProfile;

impl Profile for WorkersAiProfile {
    fn family(&self) -> &'static str {
        "cloudflare-workers-ai"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "cloudflare-workers-ai"
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve_workers_ai(input)
    }
}

/// `anthropic/*` ids use dashes where the catalog has dots (`claude-sonnet-4.5` → `-4-5`).
pub fn gateway_model_id(model_id: &str) -> String {
    match model_id.strip_prefix("anthropic/") {
        Some(rest) => format!("anthropic/{}", rest.replace('.', "-")),
        None => model_id.to_string(),
    }
}

fn gateway_headers(input: &LoaderInput<'_>) -> Vec<(&'static str, String)> {
    let mut headers = Vec::new();
    if let Some(metadata) = input.options.get("metadata") {
        headers.push(("cf-aig-metadata", metadata.to_string()));
    }
    if let Some(ttl) = input.options.get("cacheTtl").and_then(Value::as_i64) {
        headers.push(("cf-aig-cache-ttl", ttl.to_string()));
    }
    if let Some(key) = input.option_str("cacheKey") {
        headers.push(("cf-aig-cache-key", key.to_string()));
    }
    if let Some(skip) = input.option_bool("skipCache") {
        headers.push(("cf-aig-skip-cache", skip.to_string()));
    }
    if let Some(collect) = input.option_bool("collectLog") {
        headers.push(("cf-aig-collect-log", collect.to_string()));
    }
    headers
}

/// An account or gateway id: the provider option, the env var, then the value stored with the key
/// (OpenCode's `metadata.accountId` / `metadata.gatewayId`, asked for by `auth/methods`).
fn setting<'a>(
    input: &'a LoaderInput<'_>,
    key: &'static str,
    env: &str,
) -> Result<&'a str, ProviderError> {
    input
        .option_str(key)
        .or_else(|| input.env_var(env))
        .or_else(|| input.metadata(key))
        .ok_or_else(|| ProviderError::ConfigMissing {
            provider: input.provider_id.to_string(),
            setting: key,
            hint: format!(
                "the Cloudflare {key} is missing: set {env}, options.{key}, or store it with the key (auth/set metadata.{key})"
            ),
        })
}

/// Cloudflare Workers AI (OpenAI-compatible): `${CLOUDFLARE_ACCOUNT_ID}` in the catalog URL,
/// key from the session or `CLOUDFLARE_API_KEY`, a User-Agent naming the client.
pub fn resolve_workers_ai(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    if input.option_str("baseURL").is_some() {
        return generic::resolve(input);
    }
    let account = setting(input, "accountId", "CLOUDFLARE_ACCOUNT_ID")?;
    let template = input.api_url.unwrap_or(WORKERS_AI_URL);
    let base = crate::provider::common::substitute_vars(
        template,
        &[("CLOUDFLARE_ACCOUNT_ID", account.to_string())],
        input,
    );
    let mut options = input.options.clone();
    options.insert("baseURL".into(), Value::String(base));
    if let Some(key) = input.api_key_or_env(&["CLOUDFLARE_API_KEY"]) {
        options.insert("apiKey".into(), Value::String(key.expose().to_string()));
    }
    let with_base = LoaderInput {
        options: &options,
        ..input.clone()
    };
    generic::resolve_with(
        &with_base,
        None,
        &[("User-Agent", input.client.user_agent.clone())],
    )
}

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    if input.option_str("baseURL").is_some() {
        return generic::resolve(input);
    }
    let account = setting(input, "accountId", "CLOUDFLARE_ACCOUNT_ID")?;
    let gateway = setting(input, "gatewayId", "CLOUDFLARE_GATEWAY_ID")?;
    let token = match input.credential {
        Some(Credential::ApiKey(key)) | Some(Credential::BearerToken(key)) => Some(key.clone()),
        _ => input
            .first_env(&["CLOUDFLARE_API_TOKEN", "CF_AIG_TOKEN"])
            .map(Secret::new)
            .or_else(|| input.api_key()),
    }
    .ok_or_else(|| ProviderError::AuthMissing {
        provider: input.provider_id.to_string(),
        hint: "CLOUDFLARE_API_TOKEN (or CF_AIG_TOKEN) is required for Cloudflare AI Gateway".into(),
    })?;

    let base = format!("{GATEWAY_HOST}/{account}/{gateway}/compat");
    let headers = merged_headers(input, &gateway_headers(input));
    let auth = AuthScheme::Header {
        name: "cf-aig-authorization".into(),
        prefix: "Bearer ",
        value: token,
    };
    let mut runtime = runtime_at(input, RuntimeProtocol::OpenaiChat, base, headers, auth);
    runtime.wire_model_id = gateway_model_id(input.model_id.trim());
    Ok(runtime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;
    use serde_json::json;

    #[test]
    fn golden_gateway_runtime() {
        let fx = Fixture::new("cloudflare-ai-gateway", "anthropic/claude-sonnet-4.5")
            .env("CLOUDFLARE_ACCOUNT_ID", "acc")
            .env("CLOUDFLARE_GATEWAY_ID", "gw")
            .env("CLOUDFLARE_API_TOKEN", "cf-token")
            .option("cacheTtl", json!(60))
            .option("metadata", json!({"team": "a"}));
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://gateway.ai.cloudflare.com/v1/acc/gw/compat/chat/completions"
        );
        assert_eq!(rt.wire_model_id, "anthropic/claude-sonnet-4-5");
        assert_eq!(rt.headers["cf-aig-cache-ttl"], "60");
        assert_eq!(rt.headers["cf-aig-metadata"], r#"{"team":"a"}"#);
        assert!(
            matches!(&rt.auth, AuthScheme::Header { name, prefix, value }
            if name == "cf-aig-authorization" && *prefix == "Bearer " && value.expose() == "cf-token")
        );
    }

    #[test]
    fn golden_workers_ai_runtime() {
        let fx = Fixture::new("cloudflare-workers-ai", "@cf/openai/gpt-oss-120b")
            .api(WORKERS_AI_URL)
            .env("CLOUDFLARE_ACCOUNT_ID", "acct")
            .env("CLOUDFLARE_API_KEY", "cf-key");
        let rt = resolve_workers_ai(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://api.cloudflare.com/client/v4/accounts/acct/ai/v1/chat/completions"
        );
        assert_eq!(rt.headers["User-Agent"], "test-app/1.0");
        assert!(matches!(&rt.auth, AuthScheme::Bearer(k) if k.expose() == "cf-key"));
        let fx = Fixture::new("cloudflare-workers-ai", "m").api(WORKERS_AI_URL);
        assert_eq!(
            resolve_workers_ai(&fx.input())
                .expect_err("no account")
                .kind(),
            "provider_config_missing"
        );
    }

    #[test]
    fn ids_stored_with_the_key_are_used_after_env_and_options() {
        let fx = Fixture::new("cloudflare-ai-gateway", "openai/gpt-5")
            .key("cf-token")
            .metadata("accountId", "meta-acc")
            .metadata("gatewayId", "meta-gw");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(
            rt.chat_url,
            "https://gateway.ai.cloudflare.com/v1/meta-acc/meta-gw/compat/chat/completions"
        );
        let fx = Fixture::new("cloudflare-ai-gateway", "openai/gpt-5")
            .key("cf-token")
            .env("CLOUDFLARE_ACCOUNT_ID", "env-acc")
            .metadata("accountId", "meta-acc");
        let error = resolve(&fx.input()).expect_err("no gateway id");
        assert!(
            matches!(
                &error,
                ProviderError::ConfigMissing {
                    setting: "gatewayId",
                    ..
                }
            ),
            "{error}"
        );
        assert!(error.to_string().contains("metadata.gatewayId"), "{error}");
        let fx = Fixture::new("cloudflare-ai-gateway", "openai/gpt-5")
            .key("cf-token")
            .env("CLOUDFLARE_ACCOUNT_ID", "env-acc")
            .metadata("accountId", "meta-acc")
            .metadata("gatewayId", "meta-gw");
        assert!(
            resolve(&fx.input())
                .expect("ok")
                .chat_url
                .contains("/env-acc/meta-gw/")
        );
        let fx = Fixture::new("cloudflare-workers-ai", "@cf/m")
            .api(WORKERS_AI_URL)
            .key("cf-key")
            .metadata("accountId", "meta-acct");
        assert!(
            resolve_workers_ai(&fx.input())
                .expect("ok")
                .chat_url
                .contains("/accounts/meta-acct/ai/v1/")
        );
    }

    #[test]
    fn missing_ids_and_token() {
        let fx =
            Fixture::new("cloudflare-ai-gateway", "openai/gpt-5").env("CLOUDFLARE_ACCOUNT_ID", "a");
        assert_eq!(
            resolve(&fx.input()).expect_err("gw").kind(),
            "provider_config_missing"
        );
        let fx = Fixture::new("cloudflare-ai-gateway", "openai/gpt-5")
            .env("CLOUDFLARE_ACCOUNT_ID", "a")
            .env("CLOUDFLARE_GATEWAY_ID", "g");
        assert_eq!(
            resolve(&fx.input()).expect_err("token").kind(),
            "auth_missing"
        );
    }
}
