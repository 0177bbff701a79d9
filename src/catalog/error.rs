//! Errors of the catalog domain; `kind()` is the JSON-RPC `data.kind`.

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("provider `{provider_id}` not found")]
    ProviderNotFound { provider_id: String },
    #[error("model `{model_id}` not found for provider `{provider_id}`")]
    ModelNotFound {
        provider_id: String,
        model_id: String,
        suggestions: Vec<String>,
    },
    #[error("catalog refresh is disabled")]
    FetchDisabled,
    #[error("catalog fetch failed: {0}")]
    Fetch(String),
    #[error("catalog fetch returned HTTP {status}")]
    FetchStatus { status: u16 },
    #[error("fetched catalog is unusable: {0}")]
    InvalidCatalog(#[from] super::parse::CatalogParseError),
    #[error("catalog storage: {0}")]
    Storage(#[from] std::io::Error),
    /// The proxy or CA settings cannot be used; names the setting to fix.
    #[error("{0}")]
    Network(crate::net::NetError),
}

impl CatalogError {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ProviderNotFound { .. } => "provider_not_found",
            Self::ModelNotFound { .. } => "model_not_found",
            Self::FetchDisabled => "catalog_fetch_disabled",
            Self::Fetch(_) => "catalog_fetch_failed",
            Self::FetchStatus { .. } => "catalog_fetch_failed",
            Self::InvalidCatalog(_) => "catalog_invalid",
            Self::Storage(_) => "catalog_storage",
            Self::Network(_) => "network_settings",
        }
    }
}
