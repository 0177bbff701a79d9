//! The client's requests in flight, by id, so that `$/cancelRequest` (and the end of serving)
//! can reach them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// One request's cancellation token and its entry in the table (none for a `null` id, which
/// `$/cancelRequest` cannot name).
pub(super) struct InFlight {
    pub token: CancellationToken,
    tracked: Option<(String, u64)>,
}

impl InFlight {
    /// A call that is not in the table (a notification to a method).
    pub fn untracked(token: CancellationToken) -> Self {
        Self {
            token,
            tracked: None,
        }
    }
}

#[derive(Default)]
pub(super) struct InFlightTable {
    /// By the id's JSON text (`1` and `"1"` are different ids): the call's number and its token.
    calls: Mutex<HashMap<String, (u64, CancellationToken)>>,
    next_call: AtomicU64,
}

impl InFlightTable {
    fn calls(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u64, CancellationToken)>> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a request, its token a child of `parent`. A reused id replaces the entry of the
    /// request still in flight under it (which then cannot be cancelled by id).
    pub fn register(&self, id: &Value, parent: &CancellationToken) -> InFlight {
        let token = parent.child_token();
        if id.is_null() {
            return InFlight::untracked(token);
        }
        let key = id.to_string();
        let call_number = self.next_call.fetch_add(1, Ordering::Relaxed);
        if self
            .calls()
            .insert(key.clone(), (call_number, token.clone()))
            .is_some()
        {
            tracing::warn!(id = %key, "request id reused while the first is in flight");
        }
        InFlight {
            token,
            tracked: Some((key, call_number)),
        }
    }

    /// Removes a finished request (and not a later one that reused its id).
    pub fn unregister(&self, flight: &InFlight) {
        if let Some((key, call_number)) = &flight.tracked {
            let mut calls = self.calls();
            if calls.get(key).is_some_and(|(n, _)| n == call_number) {
                calls.remove(key);
            }
        }
    }

    /// Cancels the request with this id; `false` when none is in flight.
    pub fn cancel(&self, id: &Value) -> bool {
        let key = id.to_string();
        match self.calls().get(&key) {
            Some((_, token)) => {
                token.cancel();
                true
            }
            None => {
                tracing::debug!(id = %key, "cancel for a request not in flight");
                false
            }
        }
    }

    pub fn cancel_all(&self) {
        for (_, token) in self.calls().values() {
            token.cancel();
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.calls().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cancels_by_id_with_number_and_string_ids_apart() {
        let (table, stop) = (InFlightTable::default(), CancellationToken::new());
        let number = table.register(&json!(1), &stop);
        let string = table.register(&json!("1"), &stop);
        assert!(table.cancel(&json!("1")));
        assert!(string.token.is_cancelled() && !number.token.is_cancelled());
        assert!(!table.cancel(&json!(2)), "nothing under 2");
        table.unregister(&number);
        table.unregister(&string);
        assert_eq!(table.len(), 0);
        assert!(!table.cancel(&json!(1)), "finished");
    }

    #[test]
    fn a_reused_id_belongs_to_the_later_request() {
        let (table, stop) = (InFlightTable::default(), CancellationToken::new());
        let first = table.register(&json!(7), &stop);
        let second = table.register(&json!(7), &stop);
        table.unregister(&first);
        assert_eq!(table.len(), 1, "the first finishing leaves the second");
        assert!(table.cancel(&json!(7)));
        assert!(second.token.is_cancelled() && !first.token.is_cancelled());
    }

    #[test]
    fn null_ids_are_untracked_and_everything_follows_the_parent() {
        let (table, stop) = (InFlightTable::default(), CancellationToken::new());
        let null = table.register(&Value::Null, &stop);
        let tracked = table.register(&json!("a"), &stop);
        assert_eq!(table.len(), 1);
        table.cancel_all();
        assert!(tracked.token.is_cancelled() && !null.token.is_cancelled());
        stop.cancel();
        assert!(null.token.is_cancelled(), "children of the stop token");
    }
}
