//! The providers of the served catalog resolved by the thread that loaded it (the embedded
//! snapshot's loading threads, or the catalog cache's), while the models were still in that
//! core's cache: the first merge of that catalog takes them instead of resolving it again.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use super::merge::ResolvedProvider;
use super::parse::Catalog;

type Resolved = BTreeMap<String, ResolvedProvider>;

/// The process's slot.
static OFFERED: Slot = Slot::new();

/// Offers `providers`, resolved from `catalog` as it stands, to its first merge (replacing what
/// was offered for another catalog).
pub fn offer(catalog: &Arc<Catalog>, providers: Resolved) {
    OFFERED.offer(catalog, providers);
}

/// The providers offered for `catalog`, once; `None` for any other catalog (an equal copy
/// included) or once taken.
pub fn take(catalog: &Catalog) -> Option<Resolved> {
    OFFERED.take(catalog)
}

/// Drops what is offered, when another catalog is served instead.
pub fn discard() {
    OFFERED.discard();
}

/// At most one catalog's providers. The catalog is held weakly, which also keeps its address from
/// being reused while its entry is here.
struct Slot(Mutex<Option<(Weak<Catalog>, Resolved)>>);

impl Slot {
    const fn new() -> Self {
        Self(Mutex::new(None))
    }

    fn offer(&self, catalog: &Arc<Catalog>, providers: Resolved) {
        *self.lock() = Some((Arc::downgrade(catalog), providers));
    }

    fn take(&self, catalog: &Catalog) -> Option<Resolved> {
        let mut offered = self.lock();
        let (owner, _) = offered.as_ref()?;
        if !std::ptr::eq(owner.as_ptr(), catalog) {
            return None;
        }
        offered.take().map(|(_, providers)| providers)
    }

    fn discard(&self) {
        self.lock().take();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Weak<Catalog>, Resolved)>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::merge::resolve_providers;

    fn catalog() -> Arc<Catalog> {
        let json = r#"{"p": {"id": "p", "name": "P", "env": [], "models": {"m": {"id": "m", "name": "M"}}}}"#;
        Arc::new(Catalog::from_json_str(json).expect("parses").0)
    }

    fn resolved(catalog: &Catalog) -> Resolved {
        resolve_providers(&catalog.providers).into_iter().collect()
    }

    #[test]
    fn only_the_offering_catalog_takes_its_providers_and_only_once() {
        let slot = Slot::new();
        let served = catalog();
        slot.offer(&served, resolved(&served));
        let copy = Catalog::clone(&served);
        assert!(
            slot.take(&copy).is_none(),
            "an equal copy is another catalog"
        );
        assert_eq!(slot.take(&served), Some(resolved(&served)));
        assert!(slot.take(&served).is_none(), "taken once");
    }

    #[test]
    fn a_newer_offer_or_a_discard_replaces_what_was_offered() {
        let slot = Slot::new();
        let (first, second) = (catalog(), catalog());
        slot.offer(&first, resolved(&first));
        slot.offer(&second, resolved(&second));
        assert!(slot.take(&first).is_none());
        assert!(slot.take(&second).is_some());
        slot.offer(&first, resolved(&first));
        slot.discard();
        assert!(slot.take(&first).is_none());
    }
}
