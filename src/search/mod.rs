//! Typo-tolerant, ranked search over the merged catalog (`model/search`, `provider/search`).
//!
//! The RPC layer converts the catalog into [`SearchDoc`]s and [`ProviderDoc`]s, keeps a
//! [`SearchService`], calls [`SearchService::rebuild`] when the catalog, config or connection
//! state changes, and answers searches from it. Models live in an in-memory tantivy index
//! ([`ModelIndex`]); providers are few enough for a scan ([`ProviderIndex`]).
//!
//! Matching: every query word must match (a second pass drops one word when too little does).
//! Text on both sides is reduced to parts where letters meet digits, with version joins
//! ("gpt5" = "gpt-5", "sonnet45" = "sonnet 4.5" = "sonnet-4-5"); words get a typo budget by
//! length (0 up to 3 chars, 1 up to 7, 2 beyond; never for numbers) and the last word, while the
//! user is still typing, matches as a prefix. Alias phrases (`zen`, `z.ai`, `kimi`,
//! `coding plan`, ...) also match every model of the provider they name.
//!
//! Ranking: models the query names exactly (id or name without case and separators, optionally
//! after a provider word: "openai/gpt-5") come first; then BM25 per field (provider, then name
//! and id, then family; each word counts its best field) times connected ×1.5, popular provider
//! ×1.15, recency (up to ×1.3, halving every 180 days from the newest model), deprecated ×0.4,
//! and how much of the model id the query accounts for; ties by provider id, then model id.

mod aliases;
mod automaton;
mod catalog_text;
mod error;
mod exact_names;
mod index;
mod provider_terms;
mod providers;
mod query;
mod rank;
mod segment;
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
    DEFAULT_LIMIT, MAX_LIMIT, MatchedField, ProviderDoc, ProviderHit, ProviderSearchParams,
    SearchDoc, SearchFilters, SearchHit, SearchParams,
};
