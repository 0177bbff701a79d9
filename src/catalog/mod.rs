//! The models.dev catalog: types, lenient parsing, the embedded snapshot, the on-disk cache and
//! background refresh, and the merge with user config into provider and model descriptors.

pub mod auth_view;
pub mod cache;
pub mod default_model;
mod descriptor_json;
pub mod descriptor_view;
pub mod descriptors;
pub mod discover;
pub mod error;
pub mod fetch;
pub mod merge;
pub mod parse;
mod part_loader;
pub mod protocol_family;
pub mod query;
#[cfg(test)]
mod query_tests;
pub mod rendered;
pub mod service;
#[cfg(test)]
mod service_tests;
pub mod settings;
pub mod snapshot;
mod split;
pub mod table;
pub mod types;

pub use auth_view::{AuthKind, AuthView, CredentialSource, NoCredentials, env_credential};
pub use default_model::{DefaultModelResult, DefaultModelSource, ModelRef};
pub use descriptors::{
    ModelCapabilities, ModelDescriptor, ProviderCatalogItem, ProviderDescriptor,
};
pub use error::CatalogError;
pub use merge::{MergedCatalog, ModelOrigin, ProviderOrigin, ResolvedModel, ResolvedProvider};
pub use parse::{Catalog, CatalogParseError, ParseReport};
pub use protocol_family::RuntimeProtocol;
pub use query::{
    Capability, ModelGetParams, ModelListParams, ModelListResult, ProviderCatalogResult,
    ProviderGetParams, ProviderListResult,
};
pub use rendered::{AnswerPiece, ModelListJson};
pub use service::{
    CatalogDiff, CatalogService, CatalogSource, CatalogStatus, RefreshOutcome, RefreshParams,
    RefreshProgress, RefreshResult,
};
pub use settings::CatalogSettings;
