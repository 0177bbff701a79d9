//! The models.dev catalog compiled into the binary (gzip), so a first start offline has every
//! provider and model. Refreshed by `scripts/update-catalog-snapshot`; provenance in
//! `snapshot/SNAPSHOT.md`.

use std::io::Read;
use std::sync::{Arc, OnceLock};

use flate2::read::GzDecoder;

use super::parse::{Catalog, CatalogParseError};

static SNAPSHOT_GZ: &[u8] = include_bytes!("snapshot/api.json.gz");

/// Size hint for the decompressed text (the snapshot is ~2.4 MB).
const DECOMPRESSED_HINT: usize = 3 << 20;

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("embedded catalog snapshot is not valid gzip: {0}")]
    Decompress(#[from] std::io::Error),
    #[error("embedded catalog snapshot does not parse: {0}")]
    Parse(#[from] CatalogParseError),
}

/// The decompressed snapshot text.
pub fn embedded_json() -> Result<String, SnapshotError> {
    let mut text = String::with_capacity(DECOMPRESSED_HINT);
    GzDecoder::new(SNAPSHOT_GZ).read_to_string(&mut text)?;
    Ok(text)
}

/// Decodes and parses the snapshot (no caching; see [`embedded_catalog`]).
pub fn decode_embedded() -> Result<Catalog, SnapshotError> {
    let text = embedded_json()?;
    let (catalog, _report) = Catalog::from_json_str(&text)?;
    Ok(catalog)
}

static EMBEDDED: OnceLock<Arc<Catalog>> = OnceLock::new();

/// The embedded catalog, decoded once per process. A broken snapshot (a build defect the tests
/// catch) degrades to an empty catalog rather than a crash.
pub fn embedded_catalog() -> Arc<Catalog> {
    EMBEDDED
        .get_or_init(|| match decode_embedded() {
            Ok(catalog) => Arc::new(catalog),
            Err(error) => {
                tracing::error!(%error, "embedded catalog unusable; starting with an empty catalog");
                Arc::new(Catalog::default())
            }
        })
        .clone()
}

/// Starts decoding the snapshot on a background thread so that it is ready by the time the first
/// request needs it; later [`embedded_catalog`] calls wait for it or return it at once.
pub fn prewarm_embedded() {
    if EMBEDDED.get().is_none() {
        let spawned = std::thread::Builder::new()
            .name("catalog-snapshot".to_owned())
            .spawn(|| drop(embedded_catalog()));
        if let Err(error) = spawned {
            tracing::debug!(%error, "could not prewarm the catalog snapshot; it will load on first use");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_holds_the_full_catalog() {
        let catalog = decode_embedded().expect("snapshot decodes");
        assert_eq!(catalog.provider_count(), 147);
        assert_eq!(catalog.model_count(), 5276);
    }

    #[test]
    fn snapshot_matches_the_shared_fixture() {
        let fixture = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/models-dev/api.json"
        ))
        .expect("fixture present");
        assert_eq!(embedded_json().expect("decodes"), fixture);
    }

    #[test]
    fn embedded_catalog_is_shared() {
        prewarm_embedded();
        let a = embedded_catalog();
        let b = embedded_catalog();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(a.providers.contains_key("openai"));
    }
}
