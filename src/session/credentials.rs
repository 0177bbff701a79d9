//! Which credential a call uses: session → stored auth (refreshed on use) → environment → AWS shared
//! credentials file (Bedrock). Config `apiKey` comes last and is read by the loader itself.

use std::collections::HashMap;

use super::error::ResolveError;
use super::sources::CallSources;
use super::store::{SessionCredential, SessionSnapshot};
use crate::auth::{self, AuthError};
use crate::catalog::{ResolvedModel, ResolvedProvider};
use crate::provider::{AwsCredentials, Credential};

/// The credential handed to the loader, and where it came from (for previews and logs).
#[derive(Debug, Default)]
pub struct ChosenCredential {
    pub credential: Option<Credential>,
    /// `session`, `keyring`, `file`, `oauth`, `env`, `aws-profile`, or `config` / `none` when the
    /// loader is left to read config `apiKey` (or nothing).
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
                source: "env",
            });
        }
    } else if model.npm.starts_with("@ai-sdk/amazon-bedrock")
        && let Some(credentials) = aws_profile_credentials(provider, env).await
    {
        return Ok(ChosenCredential {
            credential: Some(Credential::Aws(credentials)),
            source: "aws-profile",
        });
    }
    let source = if provider.options.api_key.is_some() {
        "config"
    } else {
        "none"
    };
    Ok(ChosenCredential {
        credential: None,
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
            return Err(ResolveError::AuthExpired(provider_id.to_string()));
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
    let credential = match stored.credential {
        auth::Credential::Api { key, .. } => Credential::ApiKey(key),
        auth::Credential::Oauth(tokens) => Credential::OAuth {
            access: tokens.access,
            account_id: tokens.account_id,
            enterprise_url: tokens.enterprise_url,
        },
        auth::Credential::Wellknown { token, .. } => Credential::ApiKey(token),
    };
    Ok(Some(ChosenCredential {
        credential: Some(credential),
        source,
    }))
}

/// Static keys of the `profile` option or `AWS_PROFILE` (else `default`) from
/// `AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`, as the AWS SDK reads them when the
/// environment has no keys.
async fn aws_profile_credentials(
    provider: &ResolvedProvider,
    env: &HashMap<String, String>,
) -> Option<AwsCredentials> {
    let nonempty = |name: &str| env.get(name).filter(|v| !v.trim().is_empty()).cloned();
    if nonempty("AWS_ACCESS_KEY_ID").is_some() || nonempty("AWS_BEARER_TOKEN_BEDROCK").is_some() {
        return None;
    }
    let path = match nonempty("AWS_SHARED_CREDENTIALS_FILE") {
        Some(path) => std::path::PathBuf::from(path),
        None => std::path::PathBuf::from(nonempty("HOME")?).join(".aws/credentials"),
    };
    let text = tokio::fs::read_to_string(&path).await.ok()?;
    let profile = provider
        .options
        .extra
        .get("profile")
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
        .or_else(|| nonempty("AWS_PROFILE"));
    crate::provider::aws_profile::parse_credentials(&text, profile.as_deref())
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
