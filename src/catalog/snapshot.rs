//! The models.dev catalog compiled into the binary, so a first start offline has every provider
//! and model. The source is `snapshot/api.json.gz` (refreshed by `scripts/update-catalog-snapshot`;
//! provenance in `snapshot/SNAPSHOT.md`); `build.rs` splits its providers into parts, gzip-compressed
//! each, that are decompressed and parsed on separate threads where the machine has cores to spare.

use std::io::Read;
use std::sync::{Arc, OnceLock};

use flate2::read::GzDecoder;

use super::parse::{Catalog, CatalogParseError};

include!(concat!(env!("OUT_DIR"), "/catalog_snapshot_parts.rs"));

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("embedded catalog snapshot is not valid gzip: {0}")]
    Decompress(#[from] std::io::Error),
    #[error("embedded catalog snapshot does not parse: {0}")]
    Parse(#[from] CatalogParseError),
}

/// Decodes and parses the snapshot (no caching; see [`embedded_catalog`]).
pub fn decode_embedded() -> Result<Catalog, SnapshotError> {
    // The load starts with the process: on two cores a second decoding thread would hold up the
    // answer to `initialize`, so the parts load in parallel only where a core is left over.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let parts: Vec<Result<Catalog, SnapshotError>> = if threads < 3 {
        SNAPSHOT_PARTS
            .iter()
            .map(|part| decode_part(part))
            .collect()
    } else {
        std::thread::scope(|scope| {
            let (first, rest) = SNAPSHOT_PARTS
                .split_first()
                .expect("build.rs writes a part");
            let helpers: Vec<_> = rest
                .iter()
                .map(|part| scope.spawn(|| decode_part(part)))
                .collect();
            let mut parts = vec![decode_part(first)];
            parts.extend(helpers.into_iter().map(|helper| {
                helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }));
            parts
        })
    };
    let mut catalog = Catalog::default();
    for part in parts {
        catalog.providers.extend(part?.providers);
    }
    Ok(catalog)
}

fn decode_part(compressed: &[u8]) -> Result<Catalog, SnapshotError> {
    let mut text = String::with_capacity(compressed.len() * 16);
    GzDecoder::new(compressed).read_to_string(&mut text)?;
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

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/models-dev/api.json"
    );

    #[test]
    fn snapshot_holds_the_full_catalog() {
        let catalog = decode_embedded().expect("snapshot decodes");
        assert_eq!(catalog.provider_count(), 147);
        assert_eq!(catalog.model_count(), 5276);
        assert!(SNAPSHOT_PARTS.len() > 1, "split for parallel loading");
    }

    #[test]
    fn snapshot_matches_the_shared_fixture() {
        let fixture = std::fs::read_to_string(FIXTURE).expect("fixture present");
        let mut source = String::new();
        let compressed = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/catalog/snapshot/api.json.gz"
        ))
        .expect("snapshot source present");
        GzDecoder::new(compressed.as_slice())
            .read_to_string(&mut source)
            .expect("snapshot source is gzip");
        assert_eq!(source, fixture);
    }

    #[test]
    fn the_parts_hold_the_whole_snapshot_unchanged() {
        let fixture = std::fs::read_to_string(FIXTURE).expect("fixture present");
        let (whole, _) = Catalog::from_json_str(&fixture).expect("fixture parses");
        assert_eq!(decode_embedded().expect("snapshot decodes"), whole);
        let mut texts = Vec::new();
        for part in SNAPSHOT_PARTS {
            let mut text = String::new();
            GzDecoder::new(*part)
                .read_to_string(&mut text)
                .expect("part is gzip");
            texts.push(text);
        }
        let members: Vec<&str> = texts
            .iter()
            .map(|t| {
                t.strip_prefix('{')
                    .and_then(|t| t.strip_suffix('}'))
                    .expect("an object")
            })
            .collect();
        assert_eq!(format!("{{{}}}", members.join(",")), fixture.trim_end());
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
