//! The models.dev catalog compiled into the binary, so a first start offline has every provider
//! and model. The source is `snapshot/api.json.gz` (refreshed by `scripts/update-catalog-snapshot`;
//! provenance in `snapshot/SNAPSHOT.md`); `build.rs` splits its providers into JSON parts,
//! LZ4-compressed each with their length recorded (LZ4 decompresses several times faster than
//! deflate, and the snapshot is read at every start). Two loading threads take the parts in turn,
//! each decompressing them one after the other into one buffer of the largest part's size and
//! parsing them with the catalog's parser.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::parse::{Catalog, CatalogParseError};
use super::part_loader::{LoadedParts, PartLoad, ResolvedProviders, lower_current_thread_priority};

/// One part of the snapshot: an LZ4 block of a JSON object of providers.
struct SnapshotPart {
    compressed: &'static [u8],
    /// The decompressed length.
    len: usize,
}

include!(concat!(env!("OUT_DIR"), "/catalog_snapshot_parts.rs"));

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("embedded catalog snapshot does not decompress to its recorded length ({0})")]
    Decompress(String),
    #[error("embedded catalog snapshot is not UTF-8")]
    NotUtf8,
    #[error("embedded catalog snapshot does not parse: {0}")]
    Parse(#[from] CatalogParseError),
}

/// Decodes the snapshot (no caching; see [`embedded_catalog`]).
pub fn decode_embedded() -> Result<Catalog, SnapshotError> {
    decode(Resolve::No).map(|(catalog, _)| catalog)
}

/// Whether the loading threads also resolve the providers they decode. `Yes` is the process's
/// one load of the snapshot ([`embedded_catalog`]).
#[derive(Clone, Copy, PartialEq)]
enum Resolve {
    No,
    Yes,
}

/// The snapshot's catalog, and with [`Resolve::Yes`] its providers resolved for a merge
/// ([`super::part_loader`]).
fn decode(resolve: Resolve) -> Result<LoadedParts, SnapshotError> {
    let load = PartLoad {
        parts: SNAPSHOT_PARTS,
        resolve: resolve == Resolve::Yes,
        scratch: SNAPSHOT_PARTS
            .iter()
            .map(|part| part.len)
            .max()
            .unwrap_or(0),
    };
    load.run(parse_part)
}

/// One part's providers, decompressed into `scratch` and parsed.
fn parse_part(part: &SnapshotPart, scratch: &mut [u8]) -> Result<Catalog, SnapshotError> {
    let bytes = decompress(part, &mut scratch[..part.len])?;
    let text = std::str::from_utf8(bytes).map_err(|_| SnapshotError::NotUtf8)?;
    Ok(Catalog::from_json_str(text)?.0)
}

/// Decompresses a part straight into `out`, which has exactly its decompressed length.
fn decompress<'a>(part: &SnapshotPart, out: &'a mut [u8]) -> Result<&'a [u8], SnapshotError> {
    match lz4_flex::block::decompress_into(part.compressed, out) {
        Ok(written) if written == out.len() => Ok(out),
        Ok(written) => Err(SnapshotError::Decompress(format!("{written} bytes"))),
        Err(error) => Err(SnapshotError::Decompress(error.to_string())),
    }
}

struct Embedded {
    catalog: Arc<Catalog>,
    /// Its providers as the loading threads resolved them, until the served catalog takes them.
    resolved: Mutex<Option<ResolvedProviders>>,
}

static EMBEDDED: OnceLock<Embedded> = OnceLock::new();

/// The embedded catalog, decoded once per process. A broken snapshot (a build defect the tests
/// catch) degrades to an empty catalog rather than a crash.
pub fn embedded_catalog() -> Arc<Catalog> {
    Arc::clone(&embedded().catalog)
}

/// The embedded catalog with its providers resolved while it was decoded: the first call gets
/// them (the catalog service, for its first merge), later ones `None`.
pub fn embedded_catalog_resolved() -> (Arc<Catalog>, Option<ResolvedProviders>) {
    let embedded = embedded();
    let resolved = embedded
        .resolved
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    (Arc::clone(&embedded.catalog), resolved)
}

fn embedded() -> &'static Embedded {
    EMBEDDED.get_or_init(|| match timed_decode() {
        Ok((catalog, resolved)) => Embedded {
            catalog: Arc::new(catalog),
            resolved: Mutex::new(Some(resolved.into_iter().collect())),
        },
        Err(error) => {
            tracing::error!(%error, "embedded catalog unusable; starting with an empty catalog");
            Embedded {
                catalog: Arc::new(Catalog::default()),
                resolved: Mutex::new(None),
            }
        }
    })
}

fn timed_decode() -> Result<LoadedParts, SnapshotError> {
    let started = std::time::Instant::now();
    let decoded = decode(Resolve::Yes);
    tracing::debug!(
        elapsed_us = started.elapsed().as_micros() as u64,
        "embedded catalog decoded and resolved"
    );
    decoded
}

/// Starts decoding the snapshot on a background thread so that it is ready by the time the first
/// request needs it; later [`embedded_catalog`] calls wait for it or return it at once. The thread
/// (and its helper) yield to the request threads: `initialize` arrives while they work.
pub fn prewarm_embedded() {
    if EMBEDDED.get().is_none() {
        let spawned = std::thread::Builder::new()
            .name("catalog-snapshot".to_owned())
            .spawn(|| {
                lower_current_thread_priority();
                drop(embedded_catalog())
            });
        if let Err(error) = spawned {
            tracing::debug!(%error, "could not prewarm the catalog snapshot; it will load on first use");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;

    /// The embedded snapshot's source text: the gzip file `build.rs` compiles in.
    fn snapshot_source() -> String {
        let compressed = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/catalog/snapshot/api.json.gz"
        ))
        .expect("snapshot source present");
        let mut source = String::new();
        GzDecoder::new(compressed.as_slice())
            .read_to_string(&mut source)
            .expect("snapshot source is gzip");
        source
    }

    #[test]
    fn snapshot_holds_the_whole_source_catalog() {
        let source: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&snapshot_source()).expect("snapshot source is a JSON object");
        let model_count: usize = source
            .values()
            .map(|provider| {
                provider["models"]
                    .as_object()
                    .map_or(0, |models| models.len())
            })
            .sum();
        let catalog = decode_embedded().expect("snapshot decodes");
        // Every provider of the source and every model: the snapshot is real, well-formed data.
        assert_eq!(catalog.provider_count(), source.len());
        assert_eq!(catalog.model_count(), model_count);
        assert!(SNAPSHOT_PARTS.len() > 1, "split for parallel loading");
        let largest = SNAPSHOT_PARTS.iter().map(|p| p.len).max();
        let total: usize = SNAPSHOT_PARTS.iter().map(|p| p.len).sum();
        assert!(
            largest.is_some_and(|largest| largest < total / 2),
            "a loading thread never holds most of the snapshot at once"
        );
    }

    #[test]
    fn the_parts_hold_exactly_what_parsing_the_snapshot_gives() {
        let (whole, _) = Catalog::from_json_str(&snapshot_source()).expect("snapshot parses");
        assert_eq!(decode_embedded().expect("snapshot decodes"), whole);
        let mut providers = 0;
        for part in SNAPSHOT_PARTS {
            let mut buffer = vec![0u8; part.len];
            let decoded = parse_part(part, &mut buffer).expect("part parses");
            assert!(!decoded.providers.is_empty(), "no empty part");
            providers += decoded.provider_count();
        }
        assert_eq!(
            providers,
            whole.provider_count(),
            "no provider in two parts"
        );
    }

    #[test]
    fn a_part_that_does_not_decompress_to_its_length_is_an_error() {
        let part = &SNAPSHOT_PARTS[0];
        let mut short = vec![0u8; part.len - 1];
        assert!(matches!(
            decompress(part, &mut short),
            Err(SnapshotError::Decompress(_))
        ));
        let mut long = vec![0u8; part.len + 1];
        assert!(matches!(
            decompress(part, &mut long),
            Err(SnapshotError::Decompress(_))
        ));
        let truncated = SnapshotPart {
            compressed: &part.compressed[..part.compressed.len() / 2],
            len: part.len,
        };
        let mut buffer = vec![0u8; part.len];
        assert!(matches!(
            decompress(&truncated, &mut buffer),
            Err(SnapshotError::Decompress(_))
        ));
    }

    #[test]
    fn providers_resolved_while_loading_are_what_resolving_the_catalog_gives() {
        let (catalog, resolved) = decode(Resolve::Yes).expect("snapshot decodes");
        assert_eq!(resolved.len(), catalog.provider_count());
        use std::collections::BTreeMap;
        let fresh: BTreeMap<_, _> = crate::catalog::merge::resolve_providers(&catalog.providers)
            .into_iter()
            .collect();
        assert_eq!(resolved.into_iter().collect::<BTreeMap<_, _>>(), fresh);
    }

    #[test]
    fn the_embedded_catalog_hands_its_resolved_providers_over_once_and_they_merge_alike() {
        let config = crate::config::SidecarConfig::default();
        let (embedded, resolved) = embedded_catalog_resolved();
        // Whether or not another test took them first, a merge from them is a merge from scratch.
        let from_scratch = super::super::MergedCatalog::build(&embedded, &config);
        if let Some(resolved) = resolved {
            let handed =
                super::super::MergedCatalog::build_resolved(&embedded, Some(resolved), &config);
            assert_eq!(handed, from_scratch);
        }
        let (again, none) = embedded_catalog_resolved();
        assert!(Arc::ptr_eq(&again, &embedded));
        assert!(none.is_none(), "handed over once");
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
