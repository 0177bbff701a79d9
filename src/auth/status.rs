//! `auth/status`: each provider's credential state and where the credential in use comes from
//! (stored, the environment, or the config), in that order of precedence. Never a value.

use std::collections::BTreeMap;

use super::credential::CredentialKind;
use super::env::EnvSnapshot;
use super::error::AuthResult;
use super::methods::AuthMethodType;
use super::service::AuthService;
use super::store::AuthDocument;
use super::types::{
    AccountSummary, AuthStatusResult, ConnectionStatus, CredentialLocation, ProviderAuthState,
};

/// What the caller (the catalog) knows of a provider's credentials besides the store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderCredentialFacts {
    /// The environment variables that carry its key (models.dev or config `env`).
    pub env: Vec<String>,
    /// Whether the config supplies a credential.
    pub config: Option<ConfigCredential>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigCredential {
    /// The config sets `options.apiKey`.
    ApiKey,
    /// A provider defined by config alone, which needs no key (e.g. a local server).
    NotNeeded,
}

impl AuthService {
    /// `auth/status` for providers known only by their env names (id → names): see
    /// [`AuthService::status_of`].
    pub async fn status(
        &self,
        env: &EnvSnapshot,
        env_names: &BTreeMap<String, Vec<String>>,
    ) -> AuthResult<AuthStatusResult> {
        let providers = env_names
            .iter()
            .map(|(id, names)| {
                let facts = ProviderCredentialFacts {
                    env: names.clone(),
                    config: None,
                };
                (id.clone(), facts)
            })
            .collect();
        self.status_of(env, &providers).await
    }

    /// `auth/status`: every provider in `providers` and every provider with a stored
    /// credential. Reads a stored secret only to check that an OAuth record can be read.
    pub async fn status_of(
        &self,
        env: &EnvSnapshot,
        providers: &BTreeMap<String, ProviderCredentialFacts>,
    ) -> AuthResult<AuthStatusResult> {
        let (index, unreadable) = self
            .blocking(|store| {
                let index = store.index()?;
                let mut unreadable = Vec::new();
                for (provider, record) in &index.providers {
                    let oauth = record
                        .accounts
                        .get(&record.active)
                        .is_some_and(|a| a.kind == CredentialKind::Oauth);
                    if oauth && store.get(provider, None).is_err() {
                        unreadable.push(provider.clone());
                    }
                }
                Ok((index, unreadable))
            })
            .await?;
        let view = StatusView {
            store: self.store_kind().into(),
            now: chrono::Utc::now().to_rfc3339(),
            index: &index,
            unreadable: &unreadable,
        };
        let no_facts = ProviderCredentialFacts::default();
        let auth = providers
            .keys()
            .chain(index.providers.keys())
            .map(|id| {
                let facts = providers.get(id).unwrap_or(&no_facts);
                (id.clone(), view.state(id, facts, env))
            })
            .collect();
        Ok(AuthStatusResult {
            auth,
            store: self.store_kind(),
            store_fallback_reason: self.inner.fallback_reason.clone(),
        })
    }
}

struct StatusView<'a> {
    store: CredentialLocation,
    now: String,
    index: &'a AuthDocument,
    unreadable: &'a [String],
}

impl StatusView<'_> {
    fn state(
        &self,
        id: &str,
        facts: &ProviderCredentialFacts,
        env: &EnvSnapshot,
    ) -> ProviderAuthState {
        if let Some(stored) = self.stored(id) {
            return stored;
        }
        let mut state = ProviderAuthState {
            provider_id: id.to_owned(),
            status: ConnectionStatus::Disconnected,
            method: AuthMethodType::None,
            account_label: None,
            updated_at: self.now.clone(),
            source: None,
            env_var: None,
            active_account: None,
            accounts: Vec::new(),
        };
        if let Some(found) = env.credential_for(&facts.env) {
            state.status = ConnectionStatus::Connected;
            state.method = AuthMethodType::Api;
            state.source = Some(CredentialLocation::Env);
            state.env_var = Some(found.var);
        } else if let Some(config) = facts.config {
            state.status = ConnectionStatus::Connected;
            state.source = Some(CredentialLocation::Config);
            state.method = match config {
                ConfigCredential::ApiKey => AuthMethodType::Api,
                ConfigCredential::NotNeeded => AuthMethodType::None,
            };
        }
        state
    }

    fn stored(&self, id: &str) -> Option<ProviderAuthState> {
        let record = self.index.providers.get(id)?;
        let accounts: Vec<AccountSummary> = record
            .accounts
            .iter()
            .map(|(name, a)| AccountSummary {
                name: name.clone(),
                kind: a.kind,
                label: a.label.clone(),
                active: *name == record.active,
                needs_reauth: a.needs_reauth,
                updated_at: a.updated_at.to_rfc3339(),
            })
            .collect();
        let active = record.accounts.get(&record.active);
        let status = if self.unreadable.iter().any(|p| p == id) {
            ConnectionStatus::Error
        } else if active.is_some_and(|a| a.needs_reauth) {
            ConnectionStatus::OauthRequired
        } else {
            ConnectionStatus::Connected
        };
        Some(ProviderAuthState {
            provider_id: id.to_owned(),
            status,
            method: active.map_or(AuthMethodType::None, |a| method_of(a.kind)),
            account_label: active.map(|a| a.label.clone().unwrap_or_else(|| record.active.clone())),
            updated_at: active.map_or_else(|| self.now.clone(), |a| a.updated_at.to_rfc3339()),
            source: Some(self.store),
            env_var: None,
            active_account: Some(record.active.clone()),
            accounts,
        })
    }
}

fn method_of(kind: CredentialKind) -> AuthMethodType {
    match kind {
        CredentialKind::Api => AuthMethodType::Api,
        CredentialKind::Oauth => AuthMethodType::Oauth,
        CredentialKind::Wellknown => AuthMethodType::Token,
    }
}
