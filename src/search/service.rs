//! The search state the RPC layer holds: the current indexes behind an atomic swap.

use std::sync::{Arc, PoisonError, RwLock};

use super::aliases::ProviderAliases;
use super::error::SearchError;
use super::index::ModelIndex;
use super::providers::ProviderIndex;
use super::types::{
    ProviderDoc, ProviderHit, ProviderSearchParams, SearchDoc, SearchHit, SearchParams,
};

/// Model and provider indexes of one catalog snapshot.
#[derive(Debug)]
pub struct SearchSnapshot {
    pub models: ModelIndex,
    pub providers: ProviderIndex,
}

impl SearchSnapshot {
    /// Builds both indexes; the app's aliases plus the providers' own (from config) apply.
    pub fn build(models: Vec<SearchDoc>, providers: Vec<ProviderDoc>) -> Result<Self, SearchError> {
        let mut aliases = ProviderAliases::built_in();
        for p in &providers {
            for phrase in &p.aliases {
                aliases.add(&p.id, phrase);
            }
        }
        Ok(Self {
            models: ModelIndex::build_with_aliases(models, aliases.clone())?,
            providers: ProviderIndex::build(providers, aliases),
        })
    }
}

/// Searches always run against one complete snapshot; [`SearchService::rebuild`] builds the next
/// one aside and swaps it in, so a search never sees a half-built index.
#[derive(Debug)]
pub struct SearchService {
    current: RwLock<Arc<SearchSnapshot>>,
}

impl SearchService {
    /// A service over nothing (every search is empty) until the first rebuild.
    pub fn empty() -> Result<Self, SearchError> {
        Ok(Self::from_snapshot(SearchSnapshot::build(
            Vec::new(),
            Vec::new(),
        )?))
    }

    pub fn new(models: Vec<SearchDoc>, providers: Vec<ProviderDoc>) -> Result<Self, SearchError> {
        Ok(Self::from_snapshot(SearchSnapshot::build(
            models, providers,
        )?))
    }

    fn from_snapshot(snapshot: SearchSnapshot) -> Self {
        Self {
            current: RwLock::new(Arc::new(snapshot)),
        }
    }

    /// Rebuilds after a catalog, config or connection change. CPU-bound (tens of ms for the full
    /// catalog): call it from `spawn_blocking`. On error the previous index stays in place.
    pub fn rebuild(
        &self,
        models: Vec<SearchDoc>,
        providers: Vec<ProviderDoc>,
    ) -> Result<(), SearchError> {
        let next = Arc::new(SearchSnapshot::build(models, providers)?);
        // The guarded value is a single Arc, always whole: a poisoned lock still holds a valid one.
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = next;
        Ok(())
    }

    /// The current snapshot; keeps working even if a rebuild swaps it out meanwhile.
    pub fn snapshot(&self) -> Arc<SearchSnapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// `model/search`.
    pub fn search(&self, params: &SearchParams) -> Result<Vec<SearchHit>, SearchError> {
        self.snapshot().models.search(params)
    }

    /// `provider/search`.
    pub fn search_providers(&self, params: &ProviderSearchParams) -> Vec<ProviderHit> {
        self.snapshot().providers.search(params)
    }
}
