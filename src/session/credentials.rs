//! Which credential a call uses: session → stored auth (refreshed on use) → environment. Config
//! `apiKey` is read by the loader itself; for Bedrock the AWS SDK's credential chain comes last
//! ([`aws_sdk_credential`]).

use std::collections::{BTreeMap, HashMap};

use super::error::ResolveError;
use super::sources::CallSources;
use super::store::{SessionCredential, SessionSnapshot};
use crate::auth::{self, AuthError};
use crate::catalog::{ResolvedModel, ResolvedProvider};
use crate::provider::{Credential, LoaderInput, ProviderError, TokenBroker};

/// The credential handed to the loader, and where it came from (for previews and logs).
#[derive(Debug, Default)]
pub struct ChosenCredential {
    pub credential: Option<Credential>,
    /// What was stored with the credential (`auth/set` `metadata`), for the loader.
    pub metadata: BTreeMap<String, String>,
    /// `session`, `keyring`, `file`, `oauth`, `env`, `aws-sdk` (the AWS SDK's credential chain), or
    /// `config` / `none` when the loader is left to read config `apiKey` (or nothing).
    pub source: &'static str,
}

/// Providers whose loader reads several variables of its own (region, project, key pairs): the env
/// step must not pick one of them as an API key.
fn loader_reads_env(npm: &str) -> bool {
    matches!(
        npm,
        "@ai-sdk/amazon-bedrock"
            | "@ai-sdk/amazon-bedrock/mantle"
            | "@ai-sdk/google-vertex"
            | "@ai-sdk/google-vertex/anthropic"
    )
}

/// A variable that holds a secret, as opposed to a resource name, region, host or file path.
fn is_secret_var(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["KEY", "TOKEN", "PAT", "SECRET"]
        .iter()
        .any(|word| upper.contains(word))
}

pub async fn choose_credential(
    session: &SessionSnapshot,
    sources: &CallSources,
    provider: &ResolvedProvider,
    model: &ResolvedModel,
    env: &HashMap<String, String>,
) -> Result<ChosenCredential, ResolveError> {
    if let Some(credential) = session.credential(&provider.id) {
        return Ok(ChosenCredential {
            credential: Some(from_session(credential)),
            metadata: BTreeMap::new(),
            source: "session",
        });
    }
    if let Some(chosen) = stored(session, sources, &provider.id).await? {
        return Ok(chosen);
    }
    if !loader_reads_env(&model.npm) {
        let found = provider
            .env
            .iter()
            .filter(|name| is_secret_var(name))
            .find_map(|name| env.get(name).filter(|value| !value.trim().is_empty()));
        if let Some(value) = found {
            return Ok(ChosenCredential {
                credential: Some(Credential::ApiKey(value.as_str().into())),
                metadata: BTreeMap::new(),
                source: "env",
            });
        }
    }
    let source = if provider.options.api_key.is_some() {
        "config"
    } else {
        "none"
    };
    Ok(ChosenCredential {
        credential: None,
        metadata: BTreeMap::new(),
        source,
    })
}

fn from_session(credential: &SessionCredential) -> Credential {
    match credential {
        SessionCredential::ApiKey(key) => Credential::ApiKey(key.clone()),
        SessionCredential::OAuth { access, .. } => Credential::OAuth {
            access: access.clone(),
            account_id: None,
            enterprise_url: None,
        },
        SessionCredential::Aws(credentials) => Credential::Aws(credentials.clone()),
    }
}

/// The stored credential of the session's chosen account (else the active one), refreshed when it is
/// about to expire. A store that cannot be opened is skipped (the environment may still serve); a
/// sign-in that expired or was revoked fails the call.
async fn stored(
    session: &SessionSnapshot,
    sources: &CallSources,
    provider_id: &str,
) -> Result<Option<ChosenCredential>, ResolveError> {
    let Some(auth) = &sources.auth else {
        return Ok(None);
    };
    let account = session.account(provider_id);
    let stored = match auth.resolve(provider_id, account).await {
        Ok(Some(stored)) => stored,
        Ok(None) => {
            return match account {
                Some(account) => Err(ResolveError::AuthFailed {
                    provider_id: provider_id.to_string(),
                    reason: format!("no stored account {account:?} for this provider"),
                }),
                None => Ok(None),
            };
        }
        Err(AuthError::Expired { .. }) => {
            return Err(ResolveError::AuthExpired {
                provider_id: provider_id.to_string(),
                hint: String::new(),
            });
        }
        Err(
            error @ (AuthError::StoreUnavailable(_)
            | AuthError::Io { .. }
            | AuthError::Corrupt { .. }),
        ) => {
            tracing::warn!(
                provider = provider_id,
                kind = error.kind(),
                "credential store unavailable; trying the environment"
            );
            return Ok(None);
        }
        Err(error) => {
            return Err(ResolveError::AuthFailed {
                provider_id: provider_id.to_string(),
                reason: error.to_string(),
            });
        }
    };
    let source = match (&stored.credential, auth.store_kind()) {
        (auth::Credential::Oauth(_), _) => "oauth",
        (_, crate::auth::StoreKind::Keyring) => "keyring",
        (_, _) => "file",
    };
    let mut metadata = BTreeMap::new();
    let credential = match stored.credential {
        auth::Credential::Api {
            key,
            metadata: stored_metadata,
        } => {
            metadata = stored_metadata;
            Credential::ApiKey(key)
        }
        auth::Credential::Oauth(tokens) => Credential::OAuth {
            access: tokens.access,
            account_id: tokens.account_id,
            enterprise_url: tokens.enterprise_url,
        },
        auth::Credential::Wellknown { token, .. } => Credential::ApiKey(token),
    };
    Ok(Some(ChosenCredential {
        credential: Some(credential),
        metadata,
        source,
    }))
}

/// Bedrock's credentials from the AWS SDK's default chain (profiles with SSO, assume-role, web
/// identity or `credential_process`; container and instance credentials) when the session,
/// the store, the env and config provide none; `None` when the chain finds nothing either.
pub async fn aws_sdk_credential(
    broker: &TokenBroker,
    input: &LoaderInput<'_>,
) -> Result<Option<Credential>, ProviderError> {
    let is_bedrock = input
        .npm
        .is_some_and(|npm| npm.starts_with("@ai-sdk/amazon-bedrock"));
    let Some(request) = is_bedrock
        .then(|| crate::provider::profiles::bedrock::sdk_chain_request(input))
        .flatten()
    else {
        return Ok(None);
    };
    Ok(broker.aws_credentials(&request).await?.map(Credential::Aws))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_secret_like_variables_are_api_keys() {
        assert!(is_secret_var("AZURE_API_KEY"));
        assert!(is_secret_var("CLOUDFLARE_API_TOKEN"));
        assert!(is_secret_var("SNOWFLAKE_CORTEX_PAT"));
        assert!(!is_secret_var("AZURE_RESOURCE_NAME"));
        assert!(!is_secret_var("DATABRICKS_HOST"));
        assert!(!is_secret_var("CLOUDFLARE_ACCOUNT_ID"));
        assert!(loader_reads_env("@ai-sdk/amazon-bedrock"));
        assert!(!loader_reads_env("@ai-sdk/openai-compatible"));
    }
}
