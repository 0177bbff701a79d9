//! A stream's cancellation token, watched so that the stream loop can look at it for nothing.
//!
//! `CancellationToken::is_cancelled` takes the token's lock, and polling its `cancelled()` future
//! takes that lock and the waiters' list lock. The stream loop looks once per chunk and waits at
//! nearly every chunk, which made the two locks ~3.5% of the chat threads' CPU with 32 streams at
//! once (profiled). Here one watcher task waits on the token for the whole stream and sets a flag;
//! the loop reads the flag (an atomic load) and registers its waker (no lock).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use futures::task::AtomicWaker;
use tokio_util::sync::CancellationToken;

#[derive(Default)]
struct Shared {
    cancelled: AtomicBool,
    waker: AtomicWaker,
}

/// Cancelled once the token is; the watcher task ends with this value.
pub(super) struct CancelWatch {
    shared: Arc<Shared>,
    watcher: Option<tokio::task::JoinHandle<()>>,
    /// Asked directly now and then (see [`CancelWatch::check`]).
    token: CancellationToken,
    checks: u32,
}

/// Every this many checks the token itself is asked: the watcher runs on the stream's runtime,
/// and a body whose chunks are always ready (one that buffers, as HTTP/2 does) may not let it run
/// for a while.
const ASK_THE_TOKEN_EVERY: u32 = 64;

impl CancelWatch {
    /// Starts watching `token` on the current runtime.
    pub(super) fn new(token: &CancellationToken) -> Self {
        let shared = Arc::new(Shared::default());
        if token.is_cancelled() {
            shared.cancelled.store(true, Ordering::Release);
            return CancelWatch {
                shared,
                watcher: None,
                token: token.clone(),
                checks: 0,
            };
        }
        let watcher = tokio::spawn({
            let (shared, token) = (Arc::clone(&shared), token.clone());
            async move {
                token.cancelled().await;
                shared.cancelled.store(true, Ordering::Release);
                shared.waker.wake();
            }
        });
        CancelWatch {
            shared,
            watcher: Some(watcher),
            token: token.clone(),
            checks: 0,
        }
    }

    fn is_cancelled(&self) -> bool {
        self.shared.cancelled.load(Ordering::Acquire)
    }

    /// Whether the stream is cancelled, looked at once per chunk: the flag, and now and then the
    /// token itself.
    pub(super) fn check(&mut self) -> bool {
        self.checks = self.checks.wrapping_add(1);
        if self.checks.is_multiple_of(ASK_THE_TOKEN_EVERY) && self.token.is_cancelled() {
            self.shared.cancelled.store(true, Ordering::Release);
        }
        self.is_cancelled()
    }

    /// Ready once the token is cancelled; the task polling it is woken then.
    pub(super) fn poll_cancelled(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.is_cancelled() {
            return Poll::Ready(());
        }
        self.shared.waker.register(cx.waker());
        // Looked at again after registering: a cancel in between woke the old waker.
        if self.is_cancelled() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    /// Resolves once the token is cancelled.
    pub(super) async fn cancelled(&self) {
        std::future::poll_fn(|cx| self.poll_cancelled(cx)).await
    }
}

impl Drop for CancelWatch {
    fn drop(&mut self) {
        if let Some(watcher) = &self.watcher {
            watcher.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_waiting_stream_is_woken_by_the_cancel() {
        let token = CancellationToken::new();
        let mut watch = CancelWatch::new(&token);
        assert!(!watch.check());
        let cancel = {
            let token = token.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                token.cancel();
            })
        };
        tokio::time::timeout(Duration::from_secs(5), watch.cancelled())
            .await
            .expect("woken by the cancel");
        assert!(watch.is_cancelled());
        cancel.await.expect("cancel task");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_loop_that_never_yields_still_sees_the_cancel() {
        let token = CancellationToken::new();
        let mut watch = CancelWatch::new(&token);
        // The watcher cannot run: this task holds the only thread until the loop ends.
        token.cancel();
        let checks = (1..=ASK_THE_TOKEN_EVERY).find(|_| watch.check());
        assert!(checks.is_some(), "seen within {ASK_THE_TOKEN_EVERY} checks");
    }

    #[tokio::test]
    async fn a_token_cancelled_already_is_seen_at_once_and_the_watcher_ends_with_the_watch() {
        let token = CancellationToken::new();
        token.cancel();
        assert!(CancelWatch::new(&token).check());

        let live = CancellationToken::new();
        let watch = CancelWatch::new(&live);
        let watcher = watch.watcher.as_ref().expect("a watcher").abort_handle();
        drop(watch);
        tokio::time::timeout(Duration::from_secs(5), async {
            while !watcher.is_finished() {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the watcher ends with the watch");
        assert!(!live.is_cancelled(), "the token itself is left alone");
    }
}
