//! The thread provider streams run on.
//!
//! A stream is a ping-pong between the HTTP connection task, which reads the socket, and the task
//! that parses the body. On the multi-threaded runtime the two sit on different workers and every
//! chunk wakes the other thread: measured, that was ~25 ms of CPU per 10,000 chunks, more than the
//! parsing itself. So each chat runs whole on one single-threaded runtime (one per core, up to
//! four, taken in turn), which queues the deltas for stdout directly, those of each network read
//! together; requests keep being served on the main runtime meanwhile. A chat request starts on
//! its chat thread (`Method::runtime`), and a chat that started elsewhere (in a batch) moves
//! there.
//!
//! A keep-alive connection is driven by the runtime that opened it, so the HTTP clients are pooled
//! per thread (`net::ClientSpec::per_thread`): a chat reuses only connections of its own runtime.
//! With one shared pool, a chat placed on one runtime reading a connection opened on the other
//! crossed threads twice per chunk (measured 4× the wall time and 5× the CPU of a bare client).

use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::runtime::Handle;
use tokio::task::{JoinError, JoinHandle};

/// Concurrent chats are spread over this many threads at most (one per core below that).
const MAX_THREADS: usize = 4;

static CHAT_IO: OnceLock<Vec<Handle>> = OnceLock::new();
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// Runs `future` on a chat I/O thread: on this one when it is one, else on the next in turn (on
/// the caller's runtime when no thread could be started). Dropping the returned future aborts
/// the task.
pub async fn run<F>(future: F) -> Result<F::Output, JoinError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if ON_CHAT_IO.get() {
        // Started here already (`runtime`): the chat runs on, no hand-off.
        return Ok(future.await);
    }
    let task = match runtime() {
        Some(runtime) => runtime.spawn(future),
        None => tokio::spawn(future),
    };
    let mut task = AbortOnDrop(task);
    (&mut task.0).await
}

/// The chat I/O runtime the next chat starts on, taking them in turn (`None` when no thread
/// could be started). A chat request that starts there spares the hop from the main runtime's
/// worker to the chat thread: measured, first delta in a burst +0.60 and +0.11 ms over a bare
/// client against +1.49 and +2.62 ms hopping (median of 15, one run each, both builds in it).
pub fn runtime() -> Option<Handle> {
    let threads = CHAT_IO.get_or_init(start_threads);
    match threads.len() {
        0 => None,
        n => Some(threads[NEXT.fetch_add(1, Ordering::Relaxed) % n].clone()),
    }
}

thread_local! {
    /// Whether this thread is a chat I/O thread.
    static ON_CHAT_IO: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn start_threads() -> Vec<Handle> {
    let wanted = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS));
    (0..wanted).filter_map(start).collect()
}

fn start(index: usize) -> Option<Handle> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::warn!(%err, "no chat I/O runtime; chats run on the main runtime");
            return None;
        }
    };
    let handle = runtime.handle().clone();
    let spawned = std::thread::Builder::new()
        .name(format!("chat-io-{index}"))
        .spawn(move || {
            ON_CHAT_IO.set(true);
            runtime.block_on(std::future::pending::<()>())
        });
    match spawned {
        Ok(_) => Some(handle),
        Err(err) => {
            tracing::warn!(%err, "no chat I/O thread; chats run on the main runtime");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn runs_elsewhere_and_aborts_when_dropped() {
        let name = super::run(async { std::thread::current().name().map(str::to_owned) })
            .await
            .expect("runs");
        assert!(name.is_some_and(|name| name.starts_with("chat-io-")));

        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let pending = super::run(async move {
            let _keep = tx;
            std::future::pending::<()>().await;
        });
        let timed_out = tokio::time::timeout(std::time::Duration::from_millis(20), pending).await;
        assert!(timed_out.is_err(), "the task never ends by itself");
        // Dropping the waiting future aborted the task, which dropped the sender.
        assert!(rx.await.is_err());
    }
}
