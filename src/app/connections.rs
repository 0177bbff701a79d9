//! Which providers are connected, as the catalog methods see it (the catalog's [`AuthView`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::state::{ProcessEnv, ServerState};
use crate::auth::types::{ConnectionStatus, CredentialLocation};
use crate::auth::{AuthMethodType, AuthService};
use crate::catalog::{AuthView, CredentialSource, MergedCatalog, env_credential};

/// Which providers are connected, as the catalog methods see it: a stored credential (keyring,
/// file, OAuth) first, then a key in the environment snapshot; config `apiKey` and config-only
/// providers are counted by the catalog itself. Auth methods come from the auth layer.
pub struct ConnectionView {
    env: Arc<ProcessEnv>,
    merged: Arc<MergedCatalog>,
    stored: BTreeMap<String, CredentialSource>,
    auth: Option<AuthService>,
}

impl AuthView for ConnectionView {
    fn credential_source(&self, provider_id: &str) -> Option<CredentialSource> {
        self.stored.get(provider_id).copied().or_else(|| {
            self.merged
                .provider(provider_id)
                .and_then(|provider| env_credential(provider, &self.env))
        })
    }

    fn auth_methods(&self, provider_id: &str) -> Vec<Value> {
        self.auth
            .as_ref()
            .map(|auth| {
                auth.methods_for(provider_id)
                    .iter()
                    .filter_map(|method| serde_json::to_value(method).ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Builds the [`ConnectionView`] for this request. When the credential store cannot be opened,
/// providers are judged by the environment alone (and the failure is logged).
pub async fn auth_view(state: &ServerState, merged: &Arc<MergedCatalog>) -> ConnectionView {
    let mut stored = BTreeMap::new();
    let settings = state.settings();
    let auth = match state.auth.get(&settings, &state.env).await {
        Ok(handle) => {
            match handle.service.status(&handle.env, &BTreeMap::new()).await {
                Ok(status) => {
                    for (id, entry) in status.auth {
                        if entry.status != ConnectionStatus::Connected {
                            continue;
                        }
                        let source = match (entry.method, entry.source) {
                            (AuthMethodType::Oauth, _) => CredentialSource::Oauth,
                            (_, Some(CredentialLocation::Keyring)) => CredentialSource::Keyring,
                            (_, Some(CredentialLocation::File)) => CredentialSource::File,
                            (_, Some(CredentialLocation::Env)) => CredentialSource::Env,
                            (_, Some(CredentialLocation::Config)) => CredentialSource::Config,
                            (_, None) => continue,
                        };
                        stored.insert(id, source);
                    }
                }
                Err(error) => tracing::warn!(kind = error.kind(), "credential status unavailable"),
            }
            Some(handle.service)
        }
        Err(error) => {
            tracing::warn!(error = %error.message, "credential store unavailable");
            None
        }
    };
    ConnectionView {
        env: Arc::clone(&state.env),
        merged: Arc::clone(merged),
        stored,
        auth,
    }
}
