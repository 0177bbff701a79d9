//! Search failures.

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Building or querying the tantivy index failed (an internal fault, not a bad query).
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
}

impl SearchError {
    /// The `data.kind` the RPC layer reports.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Index(_) => "search_index",
        }
    }
}
