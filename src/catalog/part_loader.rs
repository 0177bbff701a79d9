//! Loading a catalog stored in parts (the embedded snapshot, the cache's body split): two
//! threads take the parts in turn, each decoding a part and, when asked, resolving its providers
//! right after, while its models are still in that core's cache. Parts hold disjoint providers,
//! so the order they are taken in does not matter.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::merge::{ResolvedProvider, resolve_providers};
use super::parse::Catalog;

/// A catalog and, when resolving, its providers resolved for a merge.
pub type LoadedParts = (Catalog, Vec<(String, ResolvedProvider)>);

/// Providers resolved for a merge, by id.
pub type ResolvedProviders = std::collections::BTreeMap<String, ResolvedProvider>;

pub struct PartLoad<'a, P> {
    pub parts: &'a [P],
    /// Whether each part's providers are resolved after it is decoded.
    pub resolve: bool,
    /// The size of the scratch buffer each thread hands to the decoder.
    pub scratch: usize,
}

impl<P: Sync> PartLoad<'_, P> {
    /// Decodes every part with `decode` (given the thread's scratch buffer), on two threads where
    /// the machine has them. The helper runs at a lower priority: on two cores a load at start
    /// must not hold up the answer to `initialize`, and it runs at full speed once that is out.
    pub fn run<E: Send>(
        &self,
        decode: impl Fn(&P, &mut [u8]) -> Result<Catalog, E> + Sync,
    ) -> Result<LoadedParts, E> {
        let next = AtomicUsize::new(0);
        let claim = || self.parts.get(next.fetch_add(1, Ordering::Relaxed));
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        if threads < 2 || self.parts.len() < 2 {
            return self.load_claimed(claim, &decode);
        }
        let (first, second) = std::thread::scope(|scope| {
            let helper = scope.spawn(|| {
                lower_current_thread_priority();
                self.load_claimed(claim, &decode)
            });
            let first = self.load_claimed(claim, &decode);
            let second = helper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (first, second)
        });
        let (mut catalog, mut resolved) = first?;
        let (mut second_catalog, second_resolved) = second?;
        catalog.providers.append(&mut second_catalog.providers);
        resolved.extend(second_resolved);
        Ok((catalog, resolved))
    }

    /// Decodes the parts `claim` hands out until none is left.
    fn load_claimed<'p, E>(
        &self,
        claim: impl Fn() -> Option<&'p P>,
        decode: &impl Fn(&P, &mut [u8]) -> Result<Catalog, E>,
    ) -> Result<LoadedParts, E>
    where
        P: 'p,
    {
        let mut scratch = vec![0u8; self.scratch];
        let mut catalog = Catalog::default();
        let mut resolved = Vec::new();
        while let Some(part) = claim() {
            let mut decoded = decode(part, &mut scratch)?;
            if self.resolve {
                resolved.extend(resolve_providers(&decoded.providers));
            }
            catalog.providers.append(&mut decoded.providers);
        }
        Ok((catalog, resolved))
    }
}

/// Makes the calling thread yield to the process's other threads when they compete for a core.
pub fn lower_current_thread_priority() {
    // On Linux the nice value belongs to the thread, and `who == 0` names the calling one.
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its integer arguments.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}
