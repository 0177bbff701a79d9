//! Amazon Bedrock (Converse stream): region from options or `AWS_REGION`, cross-region inference
//! prefixes, SigV4 from session/env credentials, or bearer-token auth.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use serde_json::{Map, Value, json};

use super::options::{self, Gpt5Defaults};
use super::runtime_at;
use super::{CallRef, Profile};
use crate::provider::aws_credentials::ChainRequest;
use crate::provider::common::{join_url, merged_headers, validate_url};
use crate::provider::error::ProviderError;
use crate::provider::input::{AwsCredentials, Credential, LoaderInput};
use crate::provider::runtime::{AuthScheme, ResolvedRuntime, RuntimeProtocol};
use crate::provider::secret::Secret;

pub struct BedrockProfile;
pub static PROFILE: BedrockProfile = BedrockProfile;

impl Profile for BedrockProfile {
    fn family(&self) -> &'static str {
        "amazon-bedrock"
    }

    fn claims_provider(&self, provider_id: &str) -> bool {
        provider_id == "amazon-bedrock"
    }

    fn packages(&self) -> &'static [&'static str] {
        &["@ai-sdk/amazon-bedrock", "@ai-sdk/amazon-bedrock/mantle"]
    }

    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
        resolve(input)
    }

    /// Bedrock Mantle is OpenAI's Responses API: `store: false` and the encrypted include.
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        let mantle = call.model.npm == MANTLE_NPM;
        let mut out = options::common(
            call,
            Gpt5Defaults {
                include_encrypted: mantle,
                verbosity: true,
            },
        );
        if mantle {
            out.insert("store".into(), json!(false));
        }
        out
    }

    fn sdk_keys(&self, call: &CallRef<'_>) -> &'static [&'static str] {
        if call.model.npm == MANTLE_NPM {
            &["openai"]
        } else {
            &["bedrock"]
        }
    }
}

const MANTLE_NPM: &str = "@ai-sdk/amazon-bedrock/mantle";

pub const DEFAULT_REGION: &str = "us-east-1";
pub const SIGNING_SERVICE: &str = "bedrock";
pub const BEARER_ENV: &str = "AWS_BEARER_TOKEN_BEDROCK";

/// Prefixes that already name an inference profile; such ids pass through.
const PROFILE_PREFIXES: &[&str] = &["global.", "us.", "eu.", "jp.", "apac.", "au."];

pub fn region(input: &LoaderInput<'_>) -> String {
    input
        .option_str("region")
        .or_else(|| input.env_var("AWS_REGION"))
        .unwrap_or(DEFAULT_REGION)
        .to_string()
}

/// The AWS SDK's credential chain runs for Bedrock (Converse) when nothing simpler applies: no
/// credential was chosen, and neither `AWS_BEARER_TOKEN_BEDROCK`, env access keys nor config
/// `apiKey` are set (the AI SDK's order: `apiKey`, the bearer token, then its credential provider).
pub fn sdk_chain_request<'a>(input: &LoaderInput<'a>) -> Option<ChainRequest<'a>> {
    let simpler = input.credential.is_some()
        || input.env_var(BEARER_ENV).is_some()
        || env_credentials(input).is_some()
        || input.option_str("apiKey").is_some();
    if simpler || input.npm == Some(MANTLE_NPM) {
        return None;
    }
    Some(ChainRequest {
        provider_id: input.provider_id,
        env: input.env,
        // `AWS_PROFILE` is read by the SDK itself from the env.
        profile: input.option_str("profile").map(str::to_string),
        region: region(input),
    })
}

/// OpenCode's cross-region inference rule: which prefix a (region, model) pair gets.
pub fn cross_region_model_id(region: &str, model_id: &str) -> String {
    if model_id.starts_with("arn:") || PROFILE_PREFIXES.iter().any(|p| model_id.starts_with(p)) {
        return model_id.to_string();
    }
    let has = |needles: &[&str]| needles.iter().any(|n| model_id.contains(n));
    let prefix = match region.split('-').next().unwrap_or_default() {
        "us" => (has(&[
            "nova-micro",
            "nova-lite",
            "nova-pro",
            "nova-premier",
            "nova-2",
            "claude",
            "deepseek.r1",
        ]) && !region.starts_with("us-gov"))
        .then_some("us"),
        "eu" => {
            let eu_regions = [
                "eu-west-1",
                "eu-west-2",
                "eu-west-3",
                "eu-north-1",
                "eu-central-1",
                "eu-south-1",
                "eu-south-2",
            ];
            (eu_regions.iter().any(|r| region.contains(r))
                && has(&["claude", "nova-lite", "nova-micro", "llama3", "pixtral"]))
            .then_some("eu")
        }
        "ap" => {
            let australia = ["ap-southeast-2", "ap-southeast-4"].contains(&region);
            let apac_models = has(&["claude", "nova-lite", "nova-micro", "nova-pro"]);
            if australia && has(&["anthropic.claude-sonnet-4-5", "anthropic.claude-haiku"]) {
                Some("au")
            } else if region == "ap-northeast-1" {
                apac_models.then_some("jp")
            } else {
                apac_models.then_some("apac")
            }
        }
        _ => None,
    };
    match prefix {
        Some(prefix) => format!("{prefix}.{model_id}"),
        None => model_id.to_string(),
    }
}

fn env_credentials(input: &LoaderInput<'_>) -> Option<AwsCredentials> {
    Some(AwsCredentials {
        access_key_id: input.env_var("AWS_ACCESS_KEY_ID")?.to_string(),
        secret_access_key: Secret::new(input.env_var("AWS_SECRET_ACCESS_KEY")?),
        session_token: input.env_var("AWS_SESSION_TOKEN").map(Secret::new),
    })
}

/// Session credential → `AWS_BEARER_TOKEN_BEDROCK` → env access keys → config `apiKey`.
fn auth(input: &LoaderInput<'_>, region: &str) -> Result<AuthScheme, ProviderError> {
    let sigv4 = |credentials: AwsCredentials| AuthScheme::SigV4 {
        region: region.to_string(),
        service: SIGNING_SERVICE.to_string(),
        credentials,
    };
    match input.credential {
        Some(Credential::Aws(credentials)) => return Ok(sigv4(credentials.clone())),
        Some(Credential::BearerToken(token)) | Some(Credential::ApiKey(token)) => {
            return Ok(AuthScheme::Bearer(token.clone()));
        }
        Some(Credential::OAuth { .. }) | None => {}
    }
    if let Some(token) = input.env_var(BEARER_ENV) {
        return Ok(AuthScheme::Bearer(Secret::new(token)));
    }
    if let Some(credentials) = env_credentials(input) {
        return Ok(sigv4(credentials));
    }
    if let Some(key) = input.option_str("apiKey") {
        return Ok(AuthScheme::Bearer(Secret::new(key)));
    }
    Err(ProviderError::AuthMissing {
        provider: input.provider_id.to_string(),
        hint: format!(
            "set {BEARER_ENV} or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or configure an AWS profile (AWS_PROFILE or the `profile` option: static keys, SSO, assume-role, web identity or credential_process), container or instance credentials"
        ),
    })
}

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    if input.npm == Some(MANTLE_NPM) {
        return Err(ProviderError::Unsupported {
            provider: input.provider_id.to_string(),
            reason: "Bedrock Mantle (OpenAI Responses on Bedrock) is not implemented".into(),
        });
    }
    let region = region(input);
    let base = match input
        .option_str("endpoint")
        .or_else(|| input.option_str("baseURL"))
    {
        Some(url) => {
            validate_url(url)?;
            url.trim_end_matches('/').to_string()
        }
        None => format!("https://bedrock-runtime.{region}.amazonaws.com"),
    };
    let wire_model_id = cross_region_model_id(&region, input.model_id.trim());
    let auth = auth(input, &region)?;
    let headers = merged_headers(input, &[]);
    let mut runtime = runtime_at(input, RuntimeProtocol::Bedrock, base, headers, auth);
    runtime.chat_url = join_url(
        &runtime.base_url,
        &format!(
            "model/{}/converse-stream",
            utf8_percent_encode(&wire_model_id, NON_ALPHANUMERIC_KEEP_ID)
        ),
    );
    runtime.wire_model_id = wire_model_id;
    Ok(runtime)
}

/// `encodeURIComponent` semantics: keeps `-_.!~*'()` and alphanumerics.
const NON_ALPHANUMERIC_KEEP_ID: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::profiles::test_support::Fixture;
    use serde_json::json;

    #[test]
    fn cross_region_prefixes() {
        let cases = [
            (
                "us-east-1",
                "anthropic.claude-sonnet-4-5-20250929-v1:0",
                "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            ),
            (
                "us-west-2",
                "amazon.nova-pro-v1:0",
                "us.amazon.nova-pro-v1:0",
            ),
            (
                "us-gov-west-1",
                "anthropic.claude-3-haiku",
                "anthropic.claude-3-haiku",
            ),
            ("us-east-1", "meta.llama3-70b", "meta.llama3-70b"),
            ("eu-west-1", "meta.llama3-70b", "eu.meta.llama3-70b"),
            (
                "eu-central-2",
                "anthropic.claude-3-haiku",
                "anthropic.claude-3-haiku",
            ),
            (
                "ap-southeast-2",
                "anthropic.claude-sonnet-4-5-v1:0",
                "au.anthropic.claude-sonnet-4-5-v1:0",
            ),
            (
                "ap-southeast-2",
                "anthropic.claude-3-7-sonnet",
                "apac.anthropic.claude-3-7-sonnet",
            ),
            (
                "ap-northeast-1",
                "amazon.nova-lite-v1:0",
                "jp.amazon.nova-lite-v1:0",
            ),
            (
                "ap-south-1",
                "anthropic.claude-3-haiku",
                "apac.anthropic.claude-3-haiku",
            ),
            ("ap-south-1", "mistral.large", "mistral.large"),
            (
                "ca-central-1",
                "anthropic.claude-3-haiku",
                "anthropic.claude-3-haiku",
            ),
            (
                "us-east-1",
                "global.anthropic.claude-opus-4",
                "global.anthropic.claude-opus-4",
            ),
            (
                "eu-west-1",
                "arn:aws:bedrock:eu-west-1:123:inference-profile/x",
                "arn:aws:bedrock:eu-west-1:123:inference-profile/x",
            ),
        ];
        for (region, model, expected) in cases {
            assert_eq!(
                cross_region_model_id(region, model),
                expected,
                "{region} {model}"
            );
        }
    }

    #[test]
    fn golden_bedrock_runtime_with_env_credentials() {
        let fx = Fixture::new(
            "amazon-bedrock",
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
        )
        .env("AWS_REGION", "us-west-2")
        .env("AWS_ACCESS_KEY_ID", "AKID")
        .env("AWS_SECRET_ACCESS_KEY", "secret");
        let rt = resolve(&fx.input()).expect("ok");
        assert_eq!(rt.protocol, RuntimeProtocol::Bedrock);
        assert_eq!(
            rt.chat_url,
            "https://bedrock-runtime.us-west-2.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream"
        );
        assert_eq!(
            rt.wire_model_id,
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
        );
        assert!(
            matches!(&rt.auth, AuthScheme::SigV4 { region, service, credentials }
            if region == "us-west-2" && service == "bedrock" && credentials.session_token.is_none())
        );
    }

    #[test]
    fn bearer_token_and_region_option() {
        let fx = Fixture::new("amazon-bedrock", "amazon.nova-pro-v1:0")
            .option("region", json!("eu-west-3"))
            .env("AWS_REGION", "us-east-1")
            .env(BEARER_ENV, "bedrock-api-key")
            .env("AWS_ACCESS_KEY_ID", "AKID")
            .env("AWS_SECRET_ACCESS_KEY", "secret");
        let rt = resolve(&fx.input()).expect("ok");
        assert!(rt.chat_url.starts_with(
            "https://bedrock-runtime.eu-west-3.amazonaws.com/model/amazon.nova-pro-v1%3A0/"
        ));
        assert!(matches!(&rt.auth, AuthScheme::Bearer(t) if t.expose() == "bedrock-api-key"));

        let fx = Fixture::new("amazon-bedrock", "m");
        assert_eq!(
            resolve(&fx.input()).expect_err("none").kind(),
            "auth_missing"
        );
        let fx = Fixture::new("amazon-bedrock", "m")
            .option("profile", json!("dev"))
            .env("AWS_REGION", "eu-west-1");
        let request = sdk_chain_request(&fx.input()).expect("the chain runs");
        assert_eq!(request.profile.as_deref(), Some("dev"));
        assert_eq!(request.region, "eu-west-1");
        let fx = Fixture::new("amazon-bedrock", "m").env(BEARER_ENV, "k");
        assert!(sdk_chain_request(&fx.input()).is_none());
        let fx = Fixture::new("amazon-bedrock", "m").option("apiKey", json!("k"));
        assert!(sdk_chain_request(&fx.input()).is_none());
    }
}
