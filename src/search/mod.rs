//! Typo-tolerant, ranked search over the merged catalog (`model/search`, `provider/search`).
//!
//! The RPC layer converts the catalog into [`SearchDoc`]s and [`ProviderDoc`]s, keeps a
//! [`SearchService`], calls [`SearchService::rebuild`] when the catalog, config or connection
//! state changes, and answers searches from it. Models live in an in-memory tantivy index
//! ([`ModelIndex`]); providers are few enough for a scan ([`ProviderIndex`]).

mod aliases;
mod error;
mod index;
mod providers;
mod query;
mod rank;
mod service;
mod text;
mod types;

#[cfg(test)]
mod fixture_docs;
#[cfg(test)]
mod tests;

pub use aliases::{ProviderAliases, popular_rank};
pub use error::SearchError;
pub use index::ModelIndex;
pub use providers::ProviderIndex;
pub use service::{SearchService, SearchSnapshot};
pub use types::{
    DEFAULT_LIMIT, MAX_LIMIT, MatchedField, ModelStatus, ProviderDoc, ProviderHit,
    ProviderSearchParams, SearchDoc, SearchFilters, SearchHit, SearchParams,
};
