//! The on-disk catalog cache: `<data_dir>/catalog/models.json` (the body as fetched),
//! `models.meta.json` (validators and fetch time) and `models.compact` (the body parsed, in the
//! compact form of [`super::compact`], so that a start reads it without parsing JSON). All are
//! replaced atomically. The compact file names the body it was made from (length and CRC-32) and
//! the catalog code that made it; when either differs, the body is parsed and the compact file
//! written again. It holds the providers in a few parts, which two threads decode and resolve for
//! the first merge ([`super::part_loader`]).

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::compact;
use super::merge::ResolvedProvider;
use super::parse::Catalog;
use super::part_loader::{LoadedParts, PartLoad};
use super::types::CatalogProvider;
use crate::config::atomic_file::write_atomic;

pub const CACHE_DIR: &str = "catalog";
pub const MODELS_FILE: &str = "models.json";
pub const META_FILE: &str = "models.meta.json";
pub const COMPACT_FILE: &str = "models.compact";

/// The compact file's header: the body's length (8 bytes) and CRC-32 (4 bytes), and the
/// [`CATALOG_CODE_ID`] (4 bytes), little-endian.
const BODY_ID_LEN: usize = 16;
/// A checksum of this build's catalog parser, types and compact form (see `build.rs`).
const CATALOG_CODE_ID: &str = env!("CATALOG_CODE_ID");
/// After the body id: this layout's marker, the part count and each part's length (u32,
/// little-endian), then the parts, each the compact form of a run of providers.
const PARTS_MARKER: &[u8; 4] = b"PRT1";
/// About equal shares of the models: enough for two threads to even out.
const PARTS: usize = 4;

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
    /// The catalog's providers as resolved by the loading threads, for its first merge (`None`
    /// when the body was parsed instead).
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

    pub fn compact_path(&self) -> PathBuf {
        self.dir.join(COMPACT_FILE)
    }

    /// The cached catalog; `None` when absent or corrupt (a corrupt file is removed, so the next
    /// successful fetch replaces it cleanly).
    pub fn load(&self) -> Option<CachedCatalog> {
        let path = self.models_path();
        let body_id = match body_id(&path) {
            Ok(id) => id,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "catalog cache unreadable; ignoring it");
                return None;
            }
        };
        let (catalog, resolved) = match self.load_compact(&body_id) {
            Some((catalog, resolved)) => (catalog, Some(resolved)),
            None => (self.load_body(&path)?, None),
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
            resolved,
            metadata,
            modified,
        })
    }

    /// The compact catalog with its providers resolved, when the file is there, made from this
    /// body, and decodes.
    fn load_compact(&self, body_id: &[u8; BODY_ID_LEN]) -> Option<LoadedParts> {
        let bytes = std::fs::read(self.compact_path()).ok()?;
        let (made_from, parts) = bytes.split_first_chunk::<BODY_ID_LEN>()?;
        if made_from != body_id {
            return None;
        }
        let Some(parts) = split_parts(parts) else {
            tracing::debug!("compact catalog cache in another layout; parsing the body");
            return None;
        };
        let load = PartLoad {
            parts: &parts,
            resolve: true,
            scratch: 0,
        };
        match load.run(|part, _| compact::decode(part)) {
            Ok(loaded) => Some(loaded),
            Err(error) => {
                tracing::debug!(%error, "compact catalog cache unusable; parsing the body");
                None
            }
        }
    }

    /// Parses the body, and writes its compact form for the next start; a corrupt body is removed.
    fn load_body(&self, path: &Path) -> Option<Catalog> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "catalog cache unreadable; ignoring it");
                return None;
            }
        };
        match Catalog::from_json_str(&text) {
            Ok((catalog, _)) => {
                if let Err(error) = self.store_compact(text.as_bytes(), &catalog) {
                    tracing::debug!(%error, "could not write the compact catalog cache");
                }
                Some(catalog)
            }
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "catalog cache corrupt; ignoring and removing it");
                let _ = std::fs::remove_file(path);
                let _ = std::fs::remove_file(self.meta_path());
                let _ = std::fs::remove_file(self.compact_path());
                None
            }
        }
    }

    /// Stores a fetched body and its parsed catalog, then its metadata. The compact form is a
    /// convenience: when it cannot be written, a stale one no longer matches the body and the
    /// next start parses the body.
    pub fn store(
        &self,
        body: &[u8],
        catalog: &Catalog,
        metadata: &CacheMetadata,
    ) -> std::io::Result<()> {
        write_atomic(&self.models_path(), body)?;
        if let Err(error) = self.store_compact(body, catalog) {
            tracing::debug!(%error, "could not write the compact catalog cache");
        }
        self.store_metadata(metadata)
    }

    fn store_compact(&self, body: &[u8], catalog: &Catalog) -> std::io::Result<()> {
        let bytes = [&body_id_of(body)[..], &encode_parts(catalog)].concat();
        write_atomic(&self.compact_path(), &bytes)
    }

    pub fn store_metadata(&self, metadata: &CacheMetadata) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(metadata).map_err(std::io::Error::other)?;
        write_atomic(&self.meta_path(), &bytes)
    }
}

/// The catalog's providers in [`PARTS`] runs of about equal numbers of models, compact, behind
/// the [`PARTS_MARKER`] header.
fn encode_parts(catalog: &Catalog) -> Vec<u8> {
    let total = catalog.model_count().max(1);
    let mut runs: Vec<Vec<(&String, &CatalogProvider)>> = vec![Vec::new(); PARTS];
    let mut behind = 0;
    for (id, provider) in &catalog.providers {
        runs[(behind * PARTS / total).min(PARTS - 1)].push((id, provider));
        behind += provider.models.len();
    }
    let parts: Vec<Vec<u8>> = runs
        .into_iter()
        .map(|run| compact::encode(run.into_iter()))
        .collect();
    let mut out = PARTS_MARKER.to_vec();
    out.extend_from_slice(&part_len(parts.len()).to_le_bytes());
    for part in &parts {
        out.extend_from_slice(&part_len(part.len()).to_le_bytes());
    }
    for part in &parts {
        out.extend_from_slice(part);
    }
    out
}

fn part_len(len: usize) -> u32 {
    u32::try_from(len).expect("a compact catalog part stays under 4 GiB")
}

/// The parts [`encode_parts`] wrote; `None` for another layout or a damaged header.
fn split_parts(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let rest = bytes.strip_prefix(PARTS_MARKER)?;
    let (count, mut rest) = rest.split_first_chunk::<4>()?;
    let count = u32::from_le_bytes(*count) as usize;
    if count > rest.len() / 4 {
        return None;
    }
    let mut lens = Vec::with_capacity(count);
    for _ in 0..count {
        let (len, tail) = rest.split_first_chunk::<4>()?;
        lens.push(u32::from_le_bytes(*len) as usize);
        rest = tail;
    }
    let mut parts = Vec::with_capacity(count);
    for len in lens {
        let (part, tail) = rest.split_at_checked(len)?;
        parts.push(part);
        rest = tail;
    }
    rest.is_empty().then_some(parts)
}

/// The length and CRC-32 of the body file, read in small pieces.
fn body_id(path: &Path) -> std::io::Result<[u8; BODY_ID_LEN]> {
    let mut file = std::fs::File::open(path)?;
    let mut crc = crc32fast::Hasher::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => {
                crc.update(&buffer[..read]);
                len += read as u64;
            }
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(encode_body_id(len, crc.finalize()))
}

fn body_id_of(body: &[u8]) -> [u8; BODY_ID_LEN] {
    encode_body_id(body.len() as u64, crc32fast::hash(body))
}

fn encode_body_id(len: u64, crc: u32) -> [u8; BODY_ID_LEN] {
    let code: u32 = CATALOG_CODE_ID
        .parse()
        .expect("build.rs writes the code id as a decimal u32");
    let mut id = [0u8; BODY_ID_LEN];
    id[..8].copy_from_slice(&len.to_le_bytes());
    id[8..12].copy_from_slice(&crc.to_le_bytes());
    id[12..].copy_from_slice(&code.to_le_bytes());
    id
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
        cache
            .store(SMALL.as_bytes(), &small(), &meta)
            .expect("store");
        let loaded = cache.load().expect("cached");
        assert_eq!(loaded.catalog.model_count(), 1);
        assert_eq!(loaded.metadata.as_ref(), Some(&meta));
        assert!(loaded.modified.is_some());

        std::fs::write(cache.models_path(), b"{\"p\": {\"models\": ").expect("corrupt");
        assert!(cache.load().is_none());
        assert!(!cache.models_path().exists(), "corrupt cache removed");
        assert!(!cache.compact_path().exists(), "with its compact form");
    }

    fn small() -> Catalog {
        Catalog::from_json_str(SMALL).expect("parses").0
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
    fn a_start_reads_the_compact_form_of_the_body_it_was_made_from() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = CatalogCache::new(dir.path());
        cache
            .store(SMALL.as_bytes(), &small(), &meta())
            .expect("store");
        assert!(cache.compact_path().exists());

        // A compact file that decodes to something else proves which one was read.
        let mut other = small();
        let provider = other.providers.get_mut("p").expect("p");
        provider.name = "From the compact file".to_owned();
        cache
            .store_compact(SMALL.as_bytes(), &other)
            .expect("store");
        assert_eq!(cache.load().expect("cached").catalog, other);

        // Once the body changes (same length, one byte), the compact file no longer applies.
        let changed = SMALL.replace("\"M\"", "\"N\"");
        assert_eq!(changed.len(), SMALL.len());
        std::fs::write(cache.models_path(), &changed).expect("write");
        let loaded = cache.load().expect("cached");
        assert_eq!(loaded.catalog.providers["p"].name, "P");
        assert_eq!(loaded.catalog.providers["p"].models["m"].name, "N");
        // ...and is made again from the body.
        let (remade, _) = cache
            .load_compact(&body_id(&cache.models_path()).expect("id"))
            .expect("compact form made again");
        assert_eq!(remade, loaded.catalog);
    }

    #[test]
    fn a_damaged_or_foreign_compact_file_falls_back_to_the_body() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = CatalogCache::new(dir.path());
        cache
            .store(SMALL.as_bytes(), &small(), &meta())
            .expect("store");
        let mut bytes = std::fs::read(cache.compact_path()).expect("compact");
        for damaged in [
            bytes[..BODY_ID_LEN + 5].to_vec(),
            Vec::new(),
            b"not a compact catalog at all".to_vec(),
        ] {
            std::fs::write(cache.compact_path(), &damaged).expect("write");
            assert_eq!(cache.load().expect("cached").catalog, small());
            assert_eq!(
                std::fs::read(cache.compact_path()).expect("rewritten"),
                bytes
            );
        }
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(cache.compact_path(), &bytes).expect("write");
        assert_eq!(cache.load().expect("cached").catalog, small());
    }

    #[test]
    fn the_real_catalog_loads_from_parts_with_its_providers_resolved() {
        let body = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/models-dev/api.json"
        ))
        .expect("fixture");
        let catalog = Catalog::from_json_str(&body).expect("parses").0;
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = CatalogCache::new(dir.path());
        cache
            .store(body.as_bytes(), &catalog, &meta())
            .expect("store");
        let compact = std::fs::read(cache.compact_path()).expect("compact");
        let parts = split_parts(&compact[BODY_ID_LEN..]).expect("parts layout");
        assert_eq!(parts.len(), PARTS);
        let models: Vec<usize> = parts
            .iter()
            .map(|part| compact::decode(part).expect("part decodes").model_count())
            .collect();
        assert!(
            models
                .iter()
                .all(|count| *count > catalog.model_count() / PARTS / 2),
            "parts share the models: {models:?}"
        );

        let loaded = cache.load().expect("cached");
        assert_eq!(loaded.catalog, catalog);
        let resolved: std::collections::BTreeMap<_, _> = loaded
            .resolved
            .expect("resolved while loading")
            .into_iter()
            .collect();
        let fresh: std::collections::BTreeMap<_, _> =
            crate::catalog::merge::resolve_providers(&catalog.providers)
                .into_iter()
                .collect();
        assert_eq!(resolved, fresh);
    }

    #[test]
    fn a_compact_file_of_the_single_part_layout_is_parsed_again_and_rewritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = CatalogCache::new(dir.path());
        cache
            .store(SMALL.as_bytes(), &small(), &meta())
            .expect("store");
        let current = std::fs::read(cache.compact_path()).expect("compact");
        let single = [
            &body_id_of(SMALL.as_bytes())[..],
            &compact::encode(small().providers.iter()),
        ]
        .concat();
        std::fs::write(cache.compact_path(), &single).expect("write");
        let loaded = cache.load().expect("cached");
        assert_eq!(loaded.catalog, small());
        assert!(loaded.resolved.is_none(), "the body was parsed");
        assert_eq!(
            std::fs::read(cache.compact_path()).expect("rewritten"),
            current
        );
    }

    #[test]
    fn a_damaged_parts_header_is_refused() {
        let parts = encode_parts(&small());
        assert_eq!(split_parts(&parts).expect("splits").len(), PARTS);
        let mut too_many = parts.clone();
        too_many[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut too_long = parts.clone();
        too_long[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        let trailing = [&parts[..], b"x"].concat();
        for damaged in [
            &parts[..3],
            &parts[..10],
            &parts[..parts.len() - 1],
            &too_many[..],
            &too_long[..],
            &trailing[..],
        ] {
            assert!(split_parts(damaged).is_none(), "{damaged:?}");
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
