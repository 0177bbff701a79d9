//! The single writer of stdout: every response and notification goes through one channel, so
//! messages are written whole, one at a time, and never interleave.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::PollSender;

use super::framing::Framing;
use super::message::{FramedMessage, OutgoingMessage};

/// Messages queued for the writer before a sender waits: a host that reads slowly slows the
/// senders (a chat's batch of deltas is at most ~64 KB, so a full queue holds a few MB at most).
const QUEUE_DEPTH: usize = 64;
/// A typical `chat/delta` fits, so serializing one does not grow its buffer.
const NOTIFICATION_CAPACITY: usize = 256;

/// What the stdout writer is handed.
pub enum Queued {
    Message(FramedMessage),
    /// Answered once everything queued before it is written.
    Flush(oneshot::Sender<()>),
}

/// A cloneable handle that queues framed messages for the writer task.
#[derive(Clone)]
pub struct Outbound {
    tx: mpsc::Sender<Queued>,
    /// The framing of the last message the client sent: server-initiated notifications use it.
    last_client_framing_is_lsp: Arc<AtomicBool>,
}

impl Outbound {
    /// An outbound whose queue is drained by `drain` (for example a writer thread).
    pub fn with_drain<T>(drain: impl FnOnce(mpsc::Receiver<Queued>) -> T) -> (Outbound, T) {
        let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
        let outbound = Outbound {
            tx,
            last_client_framing_is_lsp: Arc::new(AtomicBool::new(false)),
        };
        (outbound, drain(rx))
    }

    /// An outbound whose messages go nowhere (for building the method table offline).
    pub fn detached() -> Outbound {
        let (tx, _rx) = mpsc::channel(1);
        Outbound {
            tx,
            last_client_framing_is_lsp: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn note_client_framing(&self, framing: Framing) {
        self.last_client_framing_is_lsp
            .store(framing == Framing::Lsp, Ordering::Relaxed);
    }

    pub fn client_framing(&self) -> Framing {
        if self.last_client_framing_is_lsp.load(Ordering::Relaxed) {
            Framing::Lsp
        } else {
            Framing::Line
        }
    }

    /// Queues one serialized JSON-RPC message (a copy of `body`).
    pub async fn send(&self, framing: Framing, body: &[u8]) {
        self.send_message(framing, OutgoingMessage::from_body(body))
            .await;
    }

    /// Queues one JSON-RPC message, framed in place.
    pub async fn send_message(&self, framing: Framing, message: OutgoingMessage) {
        self.queue(message.frame(framing)).await;
    }

    /// A sender that queues from poll-based code (a sink that cannot `await`), waiting for room
    /// through [`PollSender::poll_reserve`].
    pub fn poll_sender(&self) -> PollSender<Queued> {
        PollSender::new(self.tx.clone())
    }

    /// Queues an already framed message, waiting while the queue is full.
    pub async fn queue(&self, message: FramedMessage) {
        if self.tx.send(Queued::Message(message)).await.is_err() {
            tracing::debug!("stdout writer has stopped; message dropped");
        }
    }

    /// Resolves once everything queued so far is written: `true`, or `false` when the writer has
    /// stopped (stdout closed or failing).
    pub fn flushed(&self) -> impl std::future::Future<Output = bool> + use<> {
        let tx = self.tx.clone();
        async move {
            let (done_tx, done_rx) = oneshot::channel();
            if tx.send(Queued::Flush(done_tx)).await.is_err() {
                return false;
            }
            done_rx.await.is_ok()
        }
    }

    /// Sends a notification `{jsonrpc, method, params}`.
    pub async fn notify<P: Serialize>(&self, framing: Framing, method: &str, params: &P) {
        if let Some(message) = notification(framing, method, params) {
            self.queue(message).await;
        }
    }
}

/// A notification `{jsonrpc, method, params}`, framed; `None` (logged)
/// when the params cannot be serialized.
pub fn notification<P: Serialize>(
    framing: Framing,
    method: &str,
    params: &P,
) -> Option<FramedMessage> {
    #[derive(Serialize)]
    struct Notification<'a, P> {
        jsonrpc: &'static str,
        method: &'a str,
        params: &'a P,
    }
    let message = Notification {
        jsonrpc: "2.0",
        method,
        params,
    };
    match OutgoingMessage::serialize(&message, NOTIFICATION_CAPACITY) {
        Ok(message) => Some(message.frame(framing)),
        Err(err) => {
            tracing::error!(%method, %err, "notification could not be serialized");
            None
        }
    }
}
