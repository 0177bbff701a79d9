//! The on-disk catalog cache: `<data_dir>/catalog/models.json` (the body as fetched) and
//! `models.meta.json` (validators and fetch time). Both are replaced atomically.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::parse::Catalog;
use crate::config::atomic_file::write_atomic;

pub const CACHE_DIR: &str = "catalog";
pub const MODELS_FILE: &str = "models.json";
pub const META_FILE: &str = "models.meta.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CacheMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// When the body was last fetched or confirmed unchanged (304).
    #[schemars(with = "String")]
    pub fetched_at: DateTime<Utc>,
    pub source_url: String,
}

#[derive(Debug, Clone)]
pub struct CatalogCache {
    dir: PathBuf,
}

/// A usable cache entry.
#[derive(Debug)]
pub struct CachedCatalog {
    pub catalog: Catalog,
    /// `None` when the metadata file is missing or unreadable (the body is still used).
    pub metadata: Option<CacheMetadata>,
    /// The body file's modification time, the age fallback without metadata.
    pub modified: Option<DateTime<Utc>>,
}

impl CatalogCache {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join(CACHE_DIR),
        }
    }

    pub fn models_path(&self) -> PathBuf {
        self.dir.join(MODELS_FILE)
    }

    pub fn meta_path(&self) -> PathBuf {
        self.dir.join(META_FILE)
    }

    /// The cached catalog; `None` when absent or corrupt (a corrupt file is removed, so the next
    /// successful fetch replaces it cleanly).
    pub fn load(&self) -> Option<CachedCatalog> {
        let path = self.models_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "catalog cache unreadable; ignoring it");
                return None;
            }
        };
        let catalog = match Catalog::from_json_str(&text) {
            Ok((catalog, _)) => catalog,
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "catalog cache corrupt; ignoring and removing it");
                let _ = std::fs::remove_file(&path);
                let _ = std::fs::remove_file(self.meta_path());
                return None;
            }
        };
        let metadata = std::fs::read(self.meta_path())
            .ok()
            .and_then(|bytes| serde_json::from_slice::<CacheMetadata>(&bytes).ok());
        let modified = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .map(DateTime::<Utc>::from);
        Some(CachedCatalog {
            catalog,
            metadata,
            modified,
        })
    }

    /// Stores a fetched body, then its metadata.
    pub fn store(&self, body: &[u8], metadata: &CacheMetadata) -> std::io::Result<()> {
        write_atomic(&self.models_path(), body)?;
        self.store_metadata(metadata)
    }

    pub fn store_metadata(&self, metadata: &CacheMetadata) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(metadata).map_err(std::io::Error::other)?;
        write_atomic(&self.meta_path(), &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str =
        r#"{"p": {"id": "p", "name": "P", "env": [], "models": {"m": {"id": "m", "name": "M"}}}}"#;

    #[test]
    fn round_trip_and_corrupt_file_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = CatalogCache::new(dir.path());
        assert!(cache.load().is_none());
        let meta = CacheMetadata {
            etag: Some("\"abc\"".into()),
            last_modified: None,
            fetched_at: Utc::now(),
            source_url: "http://x/api.json".into(),
        };
        cache.store(SMALL.as_bytes(), &meta).expect("store");
        let loaded = cache.load().expect("cached");
        assert_eq!(loaded.catalog.model_count(), 1);
        assert_eq!(loaded.metadata.as_ref(), Some(&meta));
        assert!(loaded.modified.is_some());

        std::fs::write(cache.models_path(), b"{\"p\": {\"models\": ").expect("corrupt");
        assert!(cache.load().is_none());
        assert!(!cache.models_path().exists(), "corrupt cache removed");
    }

    #[test]
    fn missing_metadata_still_loads_body() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = CatalogCache::new(dir.path());
        std::fs::create_dir_all(dir.path().join(CACHE_DIR)).expect("mkdir");
        std::fs::write(cache.models_path(), SMALL).expect("write");
        std::fs::write(cache.meta_path(), b"garbage").expect("write");
        let loaded = cache.load().expect("body usable");
        assert!(loaded.metadata.is_none());
    }
}
