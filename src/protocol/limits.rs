//! Per provider/model concurrency limits: requests over the limit wait their turn (FIFO) instead of
//! tripping the provider's rate limits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Default)]
pub struct ConcurrencyLimits {
    slots: Mutex<HashMap<String, (usize, Arc<Semaphore>)>>,
}

impl ConcurrencyLimits {
    pub fn new() -> Self {
        Self::default()
    }

    /// Waits for a slot under `key` (e.g. `"anthropic/claude-sonnet-4-5"`) allowing `limit` at once;
    /// `limit == 0` means unlimited (`Some(None)`). `None` when cancelled while waiting. The slot is
    /// released when the returned permit drops. A changed limit applies to new requests.
    pub async fn acquire(
        &self,
        key: &str,
        limit: usize,
        cancel: &CancellationToken,
    ) -> Option<Option<OwnedSemaphorePermit>> {
        if limit == 0 {
            return Some(None);
        }
        let semaphore = {
            let mut slots = self
                .slots
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let entry = slots
                .entry(key.to_string())
                .or_insert_with(|| (limit, Arc::new(Semaphore::new(limit))));
            if entry.0 != limit {
                *entry = (limit, Arc::new(Semaphore::new(limit)));
            }
            entry.1.clone()
        };
        tokio::select! {
            biased;
            _ = cancel.cancelled() => None,
            permit = semaphore.acquire_owned() => permit.ok().map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn excess_requests_queue_and_limits_are_per_key() {
        let limits = Arc::new(ConcurrencyLimits::new());
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (limits, running, peak) = (limits.clone(), running.clone(), peak.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = limits
                    .acquire("p/m", 2, &CancellationToken::new())
                    .await
                    .expect("not cancelled");
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                running.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        for task in tasks {
            task.await.expect("task runs");
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);

        let held = limits
            .acquire("p/m", 1, &CancellationToken::new())
            .await
            .expect("slot");
        assert!(held.is_some());
        let other = limits
            .acquire("p/other", 1, &CancellationToken::new())
            .await
            .expect("other key is free");
        assert!(other.is_some());
        let cancel = CancellationToken::new();
        cancel.cancel();
        assert!(
            limits.acquire("p/m", 1, &cancel).await.is_none(),
            "cancelled while queued"
        );
        assert!(
            limits
                .acquire("p/m", 0, &cancel)
                .await
                .expect("unlimited")
                .is_none()
        );
    }
}
