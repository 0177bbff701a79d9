//! What the catalog needs to know from the auth layer (which it does not own): whether a provider
//! has a credential and where it comes from, its auth kind and its auth methods. The RPC layer passes
//! an implementation; a closure `Fn(&str) -> Option<CredentialSource>` is enough for the basics.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::merge::{ProviderOrigin, ResolvedProvider};

/// Where a provider's credential comes from. Never the credential itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CredentialSource {
    /// An environment variable listed in the provider's `env`.
    Env,
    /// The OS keyring.
    Keyring,
    /// The fallback credentials file.
    File,
    /// The config's `options.apiKey`, or a config-defined provider that needs no key.
    Config,
    /// A stored OAuth token.
    Oauth,
    /// Credentials passed with `session/open`.
    Session,
}

/// The desktop contract's `ProviderDescriptor.auth.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    Token,
    Oauth,
    None,
}

pub trait AuthView {
    /// The provider's credential source when it has one (the auth layer's precedence applies).
    fn credential_source(&self, provider_id: &str) -> Option<CredentialSource>;

    /// The provider's auth kind, when the auth layer knows better than the default guess.
    fn auth_kind(&self, _provider_id: &str) -> Option<AuthKind> {
        None
    }

    /// `AuthMethodDescriptor[]` of the desktop contract, as the auth layer builds them.
    fn auth_methods(&self, _provider_id: &str) -> Vec<serde_json::Value> {
        Vec::new()
    }
}

impl<F> AuthView for F
where
    F: Fn(&str) -> Option<CredentialSource>,
{
    fn credential_source(&self, provider_id: &str) -> Option<CredentialSource> {
        self(provider_id)
    }
}

/// Nothing stored anywhere: only config can connect a provider.
pub struct NoCredentials;

impl AuthView for NoCredentials {
    fn credential_source(&self, _provider_id: &str) -> Option<CredentialSource> {
        None
    }
}

/// `Env` when one of the provider's `env` variables is set (non-empty) in the snapshot.
pub fn env_credential(
    provider: &ResolvedProvider,
    env: &HashMap<String, String>,
) -> Option<CredentialSource> {
    provider
        .env
        .iter()
        .any(|name| env.get(name).is_some_and(|v| !v.is_empty()))
        .then_some(CredentialSource::Env)
}

/// The provider's effective credential source: the auth layer first, then config (`apiKey`, or a
/// provider defined by config alone, such as a local server that needs no key).
///
/// Unlike OpenCode, listing a models.dev provider in config without a key does not connect it.
pub fn resolve_connection(
    provider: &ResolvedProvider,
    auth: &dyn AuthView,
) -> Option<CredentialSource> {
    auth.credential_source(&provider.id).or_else(|| {
        (provider.options.api_key.is_some() || provider.origin == ProviderOrigin::Custom)
            .then_some(CredentialSource::Config)
    })
}

/// The auth kind the auth layer reports, else a guess: providers without key variables that config
/// defines need none, the rest take a token.
pub fn resolve_auth_kind(provider: &ResolvedProvider, auth: &dyn AuthView) -> AuthKind {
    auth.auth_kind(&provider.id).unwrap_or({
        if provider.origin == ProviderOrigin::Custom
            && provider.env.is_empty()
            && provider.options.api_key.is_none()
        {
            AuthKind::None
        } else {
            AuthKind::Token
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::merge::MergedCatalog;
    use crate::catalog::snapshot::embedded_catalog;
    use crate::config::SidecarConfig;

    #[test]
    fn env_snapshot_connects_by_listed_variables() {
        let merged = MergedCatalog::build(&embedded_catalog(), &SidecarConfig::default());
        let google = &merged.providers["google"];
        let env: HashMap<String, String> = [("GEMINI_API_KEY".to_owned(), "x".to_owned())].into();
        assert_eq!(env_credential(google, &env), Some(CredentialSource::Env));
        let empty: HashMap<String, String> = [("GEMINI_API_KEY".to_owned(), String::new())].into();
        assert_eq!(
            env_credential(google, &empty),
            None,
            "an empty variable is not a key"
        );
        let lookup = |id: &str| env_credential(&merged.providers[id], &env);
        assert_eq!(
            resolve_connection(google, &lookup),
            Some(CredentialSource::Env)
        );
        assert_eq!(
            resolve_connection(&merged.providers["openai"], &lookup),
            None
        );
        assert_eq!(resolve_auth_kind(google, &lookup), AuthKind::Token);
    }
}
