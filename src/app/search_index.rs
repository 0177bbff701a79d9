//! The search index over the merged catalog (config and discovered models included) and the
//! providers' connection state, for `model/search` and `provider/search` (and the CLI's).
//!
//! It is rebuilt off the async threads whenever either changes, and swapped in whole: a search
//! sees the old index or the new one, never half of one.

use std::sync::{Arc, Mutex};

use crate::catalog::auth_view::resolve_connection;
use crate::catalog::query::provider_aliases;
use crate::catalog::types::Modality;
use crate::catalog::{AuthView, MergedCatalog};
use crate::rpc::error::{ErrorKind, RpcError};
use crate::search::{ProviderDoc, SearchDoc, SearchService};

/// The index of one (merged catalog, connected providers) pair.
pub struct Built {
    merged: Arc<MergedCatalog>,
    pub connected: Vec<String>,
    pub service: Arc<SearchService>,
}

/// The current search index, rebuilt when the catalog or the connection state changes.
#[derive(Default)]
pub struct SearchState {
    current: Mutex<Option<Arc<Built>>>,
    /// Serialises rebuilds so that concurrent searches after a change build once.
    building: tokio::sync::Mutex<()>,
}

impl SearchState {
    pub async fn index(
        &self,
        merged: &Arc<MergedCatalog>,
        auth: &(dyn AuthView + Sync),
    ) -> Result<Arc<Built>, RpcError> {
        let connected = connected_providers(merged, auth);
        if let Some(built) = self.fresh(merged, &connected) {
            return Ok(built);
        }
        let _building = self.building.lock().await;
        if let Some(built) = self.fresh(merged, &connected) {
            return Ok(built);
        }
        let (models, providers) = documents(merged, &connected);
        let service = tokio::task::spawn_blocking(move || SearchService::new(models, providers))
            .await
            .map_err(|err| RpcError::internal(format!("search index build failed: {err}")))?
            .map_err(|err| {
                RpcError::new(ErrorKind::Internal, err.to_string())
                    .with_data(serde_json::json!({ "reason": err.kind() }))
            })?;
        let built = Arc::new(Built {
            merged: Arc::clone(merged),
            connected,
            service: Arc::new(service),
        });
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&built));
        Ok(built)
    }

    fn fresh(&self, merged: &Arc<MergedCatalog>, connected: &[String]) -> Option<Arc<Built>> {
        let current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        current
            .as_ref()
            .filter(|b| Arc::ptr_eq(&b.merged, merged) && b.connected == connected)
            .cloned()
    }
}

pub fn connected_providers(merged: &MergedCatalog, auth: &dyn AuthView) -> Vec<String> {
    merged
        .providers
        .values()
        .filter(|p| resolve_connection(p, auth).is_some())
        .map(|p| p.id.clone())
        .collect()
}

/// The merged catalog as search documents (`connected` sorted, as [`connected_providers`] gives).
pub fn documents(
    merged: &MergedCatalog,
    connected: &[String],
) -> (Vec<SearchDoc>, Vec<ProviderDoc>) {
    let mut models = Vec::with_capacity(merged.providers.values().map(|p| p.models.len()).sum());
    let mut providers = Vec::with_capacity(merged.providers.len());
    for provider in merged.providers.values() {
        // `connected` follows the providers' (sorted) map order.
        let is_connected = connected.binary_search(&provider.id).is_ok();
        for model in provider.models.values() {
            let info = &model.info;
            let vision = info.attachment.unwrap_or(false)
                || model
                    .modalities()
                    .input
                    .iter()
                    .any(|m| matches!(m, Modality::Image));
            models.push(SearchDoc {
                provider_id: provider.id.clone(),
                provider_name: provider.name.clone(),
                model_id: model.id.clone(),
                model_name: info.name.clone(),
                family: info.family.clone(),
                release_date: info.release_date.clone(),
                status: model.status(),
                tool_call: model.tool_call(),
                reasoning: info.reasoning.unwrap_or(false),
                vision,
                context_window: model.limit().context,
                connected: is_connected,
            });
        }
        providers.push(ProviderDoc {
            id: provider.id.clone(),
            name: provider.name.clone(),
            model_count: provider.models.len(),
            connected: is_connected,
            aliases: provider_aliases(&provider.id),
        });
    }
    (models, providers)
}
