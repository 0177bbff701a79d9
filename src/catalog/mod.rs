//! The models.dev catalog: types, lenient parsing, the embedded snapshot, the on-disk cache and
//! background refresh, and the merge with user config into provider and model descriptors.

pub mod parse;
pub mod snapshot;
pub mod types;

pub use parse::{Catalog, CatalogParseError, ParseReport};
