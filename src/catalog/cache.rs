//! The on-disk catalog cache: `<data_dir>/catalog/models.json` (the body as fetched) and
//! `models.meta.json` (validators and fetch time), both replaced atomically. A start with a cache
//! parses the body in a few parts of whole providers, which two threads parse and resolve for the
//! first merge ([`super::part_loader`]).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::merge::ResolvedProvider;
use super::parse::Catalog;
use super::part_loader::PartLoad;
use super::split::split_providers;
use crate::config::atomic_file::write_atomic;

pub const CACHE_DIR: &str = "catalog";
pub const MODELS_FILE: &str = "models.json";
pub const META_FILE: &str = "models.meta.json";
/// About equal shares of the body: enough for two threads to even out.
const PARTS: usize = 4;
/// A pre-parsed form of the body that earlier versions wrote beside it; removed when the cache is
/// next written.
const LEGACY_COMPACT_FILE: &str = "models.compact";

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
    /// The catalog's providers as the loading threads resolved them, for its first merge (`None`
    /// when the body was parsed whole, as it is when its parts do not all parse).
    pub resolved: Option<Vec<(String, ResolvedProvider)>>,
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
        if let Some((catalog, resolved)) = load_parts(&text) {
            return Some(self.entry(catalog, Some(resolved)));
        }
        // Something in it is malformed: the lenient parse of the whole body keeps what it can.
        let catalog = match Catalog::from_json_str(&text) {
            Ok((catalog, _)) => catalog,
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "catalog cache corrupt; ignoring and removing it");
                let _ = std::fs::remove_file(&path);
                let _ = std::fs::remove_file(self.meta_path());
                return None;
            }
        };
        Some(self.entry(catalog, None))
    }

    fn entry(
        &self,
        catalog: Catalog,
        resolved: Option<Vec<(String, ResolvedProvider)>>,
    ) -> CachedCatalog {
        let metadata = std::fs::read(self.meta_path())
            .ok()
            .and_then(|bytes| serde_json::from_slice::<CacheMetadata>(&bytes).ok());
        let modified = std::fs::metadata(self.models_path())
            .and_then(|m| m.modified())
            .ok()
            .map(DateTime::<Utc>::from);
        CachedCatalog {
            catalog,
            resolved,
            metadata,
            modified,
        }
    }

    /// Stores a fetched body, then its metadata.
    pub fn store(&self, body: &[u8], metadata: &CacheMetadata) -> std::io::Result<()> {
        write_atomic(&self.models_path(), body)?;
        let _ = std::fs::remove_file(self.dir.join(LEGACY_COMPACT_FILE));
        self.store_metadata(metadata)
    }

    pub fn store_metadata(&self, metadata: &CacheMetadata) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(metadata).map_err(std::io::Error::other)?;
        write_atomic(&self.meta_path(), &bytes)
    }
}

/// The body parsed in [`PARTS`] parts on two threads, each part's providers resolved right after;
/// `None` when the body is not an object or a part does not parse.
fn load_parts(text: &str) -> Option<(Catalog, Vec<(String, ResolvedProvider)>)> {
    let parts = split_providers(text, PARTS).ok()?;
    let load = PartLoad {
        parts: &parts,
        resolve: true,
        scratch: 0,
    };
    let loaded = load.run(|part, _| Catalog::from_json_str(part).map(|(catalog, _)| catalog));
    match loaded {
        Ok((catalog, resolved)) => Some((catalog, resolved)),
        Err(error) => {
            tracing::debug!(%error, "a part of the catalog cache does not parse; parsing it whole");
            None
        }
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
        std::fs::create_dir_all(dir.path().join(CACHE_DIR)).expect("mkdir");
        let legacy = dir.path().join(CACHE_DIR).join(LEGACY_COMPACT_FILE);
        std::fs::write(&legacy, b"an earlier version's pre-parsed form").expect("write");
        cache.store(SMALL.as_bytes(), &meta).expect("store");
        assert!(!legacy.exists(), "the legacy compact file is removed");
        let loaded = cache.load().expect("cached");
        assert_eq!(loaded.catalog.model_count(), 1);
        assert_eq!(loaded.metadata.as_ref(), Some(&meta));
        assert!(loaded.modified.is_some());

        std::fs::write(cache.models_path(), b"{\"p\": {\"models\": ").expect("corrupt");
        assert!(cache.load().is_none());
        assert!(!cache.models_path().exists(), "corrupt cache removed");
        assert!(!cache.meta_path().exists(), "with its metadata");
    }

    #[test]
    fn the_real_catalog_loads_in_parts_with_its_providers_resolved() {
        let body = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/models-dev/api.json"
        ))
        .expect("fixture");
        let whole = Catalog::from_json_str(&body).expect("parses").0;
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = CatalogCache::new(dir.path());
        cache.store(body.as_bytes(), &meta()).expect("store");
        let loaded = cache.load().expect("cached");
        assert_eq!(loaded.catalog, whole);
        let resolved: std::collections::BTreeMap<_, _> = loaded
            .resolved
            .expect("resolved while loading")
            .into_iter()
            .collect();
        let fresh: std::collections::BTreeMap<_, _> =
            crate::catalog::merge::resolve_providers(&whole.providers)
                .into_iter()
                .collect();
        assert_eq!(resolved, fresh);
    }

    #[test]
    fn a_malformed_entry_costs_only_itself() {
        let body = r#"{"p": {"id": "p", "name": "P", "models": {"m": {"id": "m", "name": "M"}}},
            "q": {"id": "q", "name": 7, "models": {}}}"#;
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = CatalogCache::new(dir.path());
        cache.store(body.as_bytes(), &meta()).expect("store");
        let loaded = cache.load().expect("cached");
        assert_eq!(
            loaded.catalog,
            Catalog::from_json_str(body).expect("parses").0
        );
        assert!(loaded.catalog.providers.contains_key("p"));
    }

    fn meta() -> CacheMetadata {
        CacheMetadata {
            etag: None,
            last_modified: None,
            fetched_at: Utc::now(),
            source_url: "http://x/api.json".into(),
        }
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
