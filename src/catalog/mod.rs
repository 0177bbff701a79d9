//! The models.dev catalog: types, lenient parsing, the embedded snapshot, the on-disk cache and
//! background refresh, and the merge with user config into provider and model descriptors.

pub mod merge;
pub mod parse;
pub mod protocol_family;
pub mod snapshot;
pub mod types;

pub use merge::{MergedCatalog, ModelOrigin, ProviderOrigin, ResolvedModel, ResolvedProvider};
pub use parse::{Catalog, CatalogParseError, ParseReport};
pub use protocol_family::RuntimeProtocol;
