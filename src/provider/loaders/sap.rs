//! SAP AI Core. OpenCode uses `@jerome-benoit/sap-ai-provider-v2` with a service key
//! (`AICORE_SERVICE_KEY`), `AICORE_DEPLOYMENT_ID` and `AICORE_RESOURCE_GROUP`; the token exchange
//! and orchestration API it wraps are not reimplemented. A config `baseURL` (an
//! OpenAI-compatible proxy) works through the generic path.

use super::generic;
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::ResolvedRuntime;

pub const SERVICE_KEY_ENV: &str = "AICORE_SERVICE_KEY";

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    if input.option_str("baseURL").is_some() {
        return generic::resolve(input);
    }
    let has_key = input.env_var(SERVICE_KEY_ENV).is_some() || input.api_key().is_some();
    Err(ProviderError::Unsupported {
        provider: input.provider_id.to_string(),
        reason: if has_key {
            "the SAP AI Core service-key flow (OAuth client credentials + orchestration API) is not implemented; set options.baseURL to an OpenAI-compatible endpoint".into()
        } else {
            format!("no {SERVICE_KEY_ENV}; and the SAP AI Core service-key flow is not implemented")
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::loaders::test_support::Fixture;

    #[test]
    fn reports_the_gap() {
        let fx = Fixture::new("sap-ai-core", "gpt-4o").env(SERVICE_KEY_ENV, "{}");
        assert_eq!(
            resolve(&fx.input()).expect_err("gap").kind(),
            "provider_unsupported"
        );
    }
}
