//! Which credential a request uses: the stored one (refreshed on use), else the environment.

use std::collections::HashMap;

use super::credential::{Credential, normalize_provider_id};
use super::env::EnvSnapshot;
use super::error::AuthResult;
use super::service::AuthService;
use super::types::CredentialLocation;

/// A credential ready for use, with where it came from. Holds secrets: never serialize it.
#[derive(Clone, Debug)]
pub struct ResolvedCredential {
    pub source: CredentialLocation,
    /// The stored account, when `source` is a store.
    pub account: Option<String>,
    /// The variable, when `source` is `env`.
    pub env_var: Option<String>,
    pub credential: Credential,
}

impl AuthService {
    /// Stored auth (active or named account, refreshed when needed), else the first of the
    /// provider's models.dev `env_names` set in `env`. Errors (e.g. `auth_expired`) are not
    /// masked by an env fallback: a signed-out account must be reported.
    pub async fn credential_for(
        &self,
        provider_id: &str,
        account: Option<&str>,
        env: &EnvSnapshot,
        env_names: &[String],
    ) -> AuthResult<Option<ResolvedCredential>> {
        if let Some(stored) = self.resolve(provider_id, account).await? {
            return Ok(Some(ResolvedCredential {
                source: self.store_kind().into(),
                account: Some(stored.account),
                env_var: None,
                credential: stored.credential,
            }));
        }
        Ok(env
            .credential_for(env_names)
            .map(|found| ResolvedCredential {
                source: CredentialLocation::Env,
                account: None,
                env_var: Some(found.var),
                credential: Credential::Api {
                    key: found.value,
                    metadata: Default::default(),
                },
            }))
    }

    /// OpenCode's well-known entries as environment variables (`key` → `token`), to layer
    /// over the environment snapshot at config load, as OpenCode does.
    pub async fn wellknown_env(&self) -> AuthResult<HashMap<String, String>> {
        let index = self.blocking(|store| store.index()).await?;
        let mut vars = HashMap::new();
        for provider in index.providers.keys() {
            let provider = normalize_provider_id(provider);
            if let Some(stored) = self.stored(&provider, None).await?
                && let Credential::Wellknown { key, token } = stored.credential
            {
                vars.insert(key, token.expose().to_owned());
            }
        }
        Ok(vars)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::test_support::service_for;
    use super::*;
    use crate::auth::store::PutOptions;

    #[tokio::test]
    async fn stored_wins_over_env_and_env_fills_in() {
        let dir = tempfile::tempdir().expect("tempdir");
        let service = service_for(dir.path(), "http://127.0.0.1:9");
        let env = EnvSnapshot::new(HashMap::from([
            ("ANTHROPIC_API_KEY".to_owned(), "sk-env-ant".to_owned()),
            ("GROQ_API_KEY".to_owned(), "gsk-env".to_owned()),
        ]));
        service
            .put_credential(
                "anthropic",
                "default",
                Credential::api_key("sk-stored"),
                PutOptions::default(),
            )
            .await
            .expect("put");
        let anthropic = service
            .credential_for("anthropic", None, &env, &["ANTHROPIC_API_KEY".to_owned()])
            .await
            .expect("resolve")
            .expect("some");
        assert_eq!(anthropic.source, CredentialLocation::File);
        assert_eq!(anthropic.credential, Credential::api_key("sk-stored"));
        let groq = service
            .credential_for("groq", None, &env, &["GROQ_API_KEY".to_owned()])
            .await
            .expect("resolve")
            .expect("some");
        assert_eq!(groq.source, CredentialLocation::Env);
        assert_eq!(groq.env_var.as_deref(), Some("GROQ_API_KEY"));
        assert_eq!(groq.credential, Credential::api_key("gsk-env"));
        assert!(
            service
                .credential_for("mistral", None, &env, &["MISTRAL_API_KEY".to_owned()])
                .await
                .expect("resolve")
                .is_none()
        );
    }

    #[tokio::test]
    async fn wellknown_entries_become_env_vars() {
        let dir = tempfile::tempdir().expect("tempdir");
        let service = service_for(dir.path(), "http://127.0.0.1:9");
        service
            .put_credential(
                "https://gateway.example.com",
                "default",
                Credential::Wellknown {
                    key: "GATEWAY_TOKEN".into(),
                    token: "wk-token".into(),
                },
                PutOptions::default(),
            )
            .await
            .expect("put");
        let vars = service.wellknown_env().await.expect("vars");
        assert_eq!(
            vars.get("GATEWAY_TOKEN").map(String::as_str),
            Some("wk-token")
        );
        assert_eq!(vars.len(), 1);
    }
}
