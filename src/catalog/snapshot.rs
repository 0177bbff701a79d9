//! The models.dev catalog compiled into the binary, so a first start offline has every provider
//! and model. The source is `snapshot/api.json.gz` (refreshed by `scripts/update-catalog-snapshot`;
//! provenance in `snapshot/SNAPSHOT.md`); `build.rs` splits its providers into parts, deflated each
//! with its text length recorded. Two loading threads take the parts in turn, each inflating them
//! one after the other into one buffer of the largest part's size, so the whole text is never held
//! (nor first touched) at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use miniz_oxide::inflate::TINFLStatus;
use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};

use super::parse::{Catalog, CatalogParseError};
use super::thread_heap;

/// About what a loading thread's share of the parsed catalog takes on the heap.
const HEAP_PER_THREAD: usize = 4 << 20;

/// One part of the snapshot: a raw deflate stream of a JSON object of providers.
struct SnapshotPart {
    deflated: &'static [u8],
    /// The length of the inflated text.
    text_len: usize,
}

include!(concat!(env!("OUT_DIR"), "/catalog_snapshot_parts.rs"));

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("embedded catalog snapshot does not inflate to its recorded length ({0:?})")]
    Inflate(TINFLStatus),
    #[error("embedded catalog snapshot is not UTF-8: {0}")]
    NotUtf8(#[from] std::str::Utf8Error),
    #[error("embedded catalog snapshot does not parse: {0}")]
    Parse(#[from] CatalogParseError),
}

/// Decodes and parses the snapshot (no caching; see [`embedded_catalog`]).
pub fn decode_embedded() -> Result<Catalog, SnapshotError> {
    let next = AtomicUsize::new(0);
    let claim = || SNAPSHOT_PARTS.get(next.fetch_add(1, Ordering::Relaxed));
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 {
        return decode_claimed(claim);
    }
    // The load starts with the process. The helper takes the parts the first thread has not
    // claimed yet, at a lower priority: on two cores it must not hold up the answer to
    // `initialize`, and it runs at full speed once that is out.
    let (first, second) = std::thread::scope(|scope| {
        let helper = scope.spawn(|| {
            lower_current_thread_priority();
            decode_claimed(claim)
        });
        let first = decode_claimed(claim);
        let second = helper
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    });
    let mut catalog = first?;
    catalog.providers.append(&mut second?.providers);
    Ok(catalog)
}

/// Inflates and parses the parts `claim` hands out until none is left, reusing one text buffer.
/// Parts hold disjoint providers, so their order does not matter.
fn decode_claimed<'a>(
    claim: impl Fn() -> Option<&'a SnapshotPart>,
) -> Result<Catalog, SnapshotError> {
    thread_heap::reserve(HEAP_PER_THREAD);
    let largest = SNAPSHOT_PARTS.iter().map(|part| part.text_len).max();
    let mut buffer = vec![0u8; largest.unwrap_or(0)];
    let mut catalog = Catalog::default();
    while let Some(part) = claim() {
        let text = inflate(part, &mut buffer[..part.text_len])?;
        let (mut parsed, _report) = Catalog::from_json_str(text)?;
        catalog.providers.append(&mut parsed.providers);
    }
    Ok(catalog)
}

/// Makes the calling thread yield to the process's other threads when they compete for a core.
fn lower_current_thread_priority() {
    // On Linux the nice value belongs to the thread, and `who == 0` names the calling one.
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its integer arguments.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// Inflates a part straight into `out`, which has exactly its text's length.
fn inflate<'a>(part: &SnapshotPart, out: &'a mut [u8]) -> Result<&'a str, SnapshotError> {
    let mut decompressor = Box::<DecompressorOxide>::default();
    let (status, read, written) = decompress(
        &mut decompressor,
        part.deflated,
        out,
        0,
        inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    );
    if status != TINFLStatus::Done || read != part.deflated.len() || written != out.len() {
        return Err(SnapshotError::Inflate(status));
    }
    Ok(std::str::from_utf8(out)?)
}

static EMBEDDED: OnceLock<Arc<Catalog>> = OnceLock::new();

/// The embedded catalog, decoded once per process. A broken snapshot (a build defect the tests
/// catch) degrades to an empty catalog rather than a crash.
pub fn embedded_catalog() -> Arc<Catalog> {
    EMBEDDED
        .get_or_init(|| match timed_decode() {
            Ok(catalog) => Arc::new(catalog),
            Err(error) => {
                tracing::error!(%error, "embedded catalog unusable; starting with an empty catalog");
                Arc::new(Catalog::default())
            }
        })
        .clone()
}

fn timed_decode() -> Result<Catalog, SnapshotError> {
    let started = std::time::Instant::now();
    let decoded = decode_embedded();
    tracing::debug!(
        elapsed_us = started.elapsed().as_micros() as u64,
        "embedded catalog decoded"
    );
    decoded
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
    use flate2::read::GzDecoder;
    use std::io::Read;

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
        let largest = SNAPSHOT_PARTS.iter().map(|p| p.text_len).max();
        let total: usize = SNAPSHOT_PARTS.iter().map(|p| p.text_len).sum();
        assert!(
            largest.is_some_and(|largest| largest < total / 2),
            "a loading thread never holds most of the text at once"
        );
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
            let mut buffer = vec![0u8; part.text_len];
            let text = inflate(part, &mut buffer).expect("part inflates");
            assert_eq!(text.len(), part.text_len);
            texts.push(text.to_owned());
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
    fn a_part_that_does_not_inflate_to_its_length_is_an_error() {
        let part = &SNAPSHOT_PARTS[0];
        let mut short = vec![0u8; part.text_len - 1];
        assert!(matches!(
            inflate(part, &mut short),
            Err(SnapshotError::Inflate(_))
        ));
        let truncated = SnapshotPart {
            deflated: &part.deflated[..part.deflated.len() / 2],
            text_len: part.text_len,
        };
        let mut buffer = vec![0u8; part.text_len];
        assert!(matches!(
            inflate(&truncated, &mut buffer),
            Err(SnapshotError::Inflate(_))
        ));
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
