//! What a call is resolved against besides the session itself: the merged catalog, the raw catalog (to
//! merge a session's own config), the global config and the credential store. The RPC layer gathers
//! them per call; tests build them from a config alone.

use std::sync::Arc;

use crate::auth::AuthService;
use crate::catalog::{Catalog, MergedCatalog};
use crate::config::SidecarConfig;

use super::network::NetworkSettings;

#[derive(Clone)]
pub struct CallSources {
    pub merged: Arc<MergedCatalog>,
    pub catalog: Arc<Catalog>,
    pub config: Arc<SidecarConfig>,
    /// `None` when the credential store cannot be opened (the environment and config still serve).
    pub auth: Option<AuthService>,
    /// Config `network`: proxy and extra CA certificates.
    pub network: NetworkSettings,
}

impl std::fmt::Debug for CallSources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallSources")
            .field("providers", &self.merged.providers.len())
            .field("auth", &self.auth.is_some())
            .finish_non_exhaustive()
    }
}

impl CallSources {
    /// Sources from `catalog` merged with `config`, without a credential store.
    pub fn new(catalog: Arc<Catalog>, config: SidecarConfig) -> Self {
        Self {
            merged: Arc::new(MergedCatalog::build(&catalog, &config)),
            catalog,
            config: Arc::new(config),
            auth: None,
            network: NetworkSettings::default(),
        }
    }

    pub fn with_auth(mut self, auth: Option<AuthService>) -> Self {
        self.auth = auth;
        self
    }
}
