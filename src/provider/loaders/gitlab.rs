//! GitLab Duo. OpenCode drives it through `gitlab-ai-provider` (Duo Agent Platform workflows),
//! whose wire protocol is not public enough to reimplement; only a config `baseURL`
//! (an OpenAI-compatible proxy) is supported.

use super::generic;
use crate::provider::error::ProviderError;
use crate::provider::input::LoaderInput;
use crate::provider::runtime::ResolvedRuntime;

pub const DEFAULT_INSTANCE: &str = "https://gitlab.com";

/// `GITLAB_INSTANCE_URL`, default gitlab.com.
pub fn instance_url(input: &LoaderInput<'_>) -> String {
    input
        .env_var("GITLAB_INSTANCE_URL")
        .unwrap_or(DEFAULT_INSTANCE)
        .trim_end_matches('/')
        .to_string()
}

pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    if input.option_str("baseURL").is_some() {
        return generic::resolve(input);
    }
    Err(ProviderError::Unsupported {
        provider: input.provider_id.to_string(),
        reason: format!(
            "GitLab Duo agentic chat ({}) needs the gitlab-ai-provider workflow protocol, which is not implemented; set options.baseURL to an OpenAI-compatible endpoint",
            instance_url(input)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::loaders::test_support::Fixture;
    use serde_json::json;

    #[test]
    fn unsupported_without_base_url() {
        let fx =
            Fixture::new("gitlab", "duo-chat").env("GITLAB_INSTANCE_URL", "https://git.example/");
        let err = resolve(&fx.input()).expect_err("unsupported");
        assert_eq!(err.kind(), "provider_unsupported");
        assert!(err.to_string().contains("https://git.example"));
        let fx = Fixture::new("gitlab", "m").option("baseURL", json!("https://proxy.example/v1"));
        assert!(resolve(&fx.input()).is_ok());
    }
}
