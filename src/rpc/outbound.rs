//! The single writer of stdout: every response and notification goes through one channel, so
//! messages are written whole, one at a time, and never interleave.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::PollSender;

use super::client_requests::{ClientRequestError, ClientRequests};
use super::framing::Framing;
use super::message::{FramedMessage, OutgoingMessage};

/// Messages queued for the writer before a sender waits: a host that reads slowly slows the
/// senders (a chat's batch of deltas is at most ~64 KB, so a full queue holds a few MB at most).
const QUEUE_DEPTH: usize = 64;
/// How the server tells the client it no longer waits for one of its requests.
const CANCEL_REQUEST: &str = "$/cancelRequest";
/// A typical `chat/delta` fits, so serializing one does not grow its buffer.
const NOTIFICATION_CAPACITY: usize = 256;

/// What the stdout writer is handed.
pub enum Queued {
    Message(FramedMessage),
    /// Answered once everything queued before it is written.
    Flush(oneshot::Sender<()>),
}

/// A message written at once by the thread that has it, instead of queued for the writer thread.
pub trait WriteNow: Send + Sync {
    /// Writes `framed` (one or more whole framed messages) now and returns `true`, or returns
    /// `false` and writes nothing: when something queued before it is not written yet (the order
    /// would change), the writer is busy, or the write could block (it is too long, or stdout
    /// has no room).
    fn write_now(&self, framed: &[u8]) -> bool;
}

/// A cloneable handle that queues framed messages for the writer task.
#[derive(Clone)]
pub struct Outbound {
    tx: mpsc::Sender<Queued>,
    /// The framing of the last message the client sent: server-initiated notifications use it.
    last_client_framing_is_lsp: Arc<AtomicBool>,
    /// The server's own requests waiting for the client's answers.
    requests: Arc<ClientRequests>,
    write_now: Option<Arc<dyn WriteNow>>,
}

impl Outbound {
    /// An outbound whose queue is drained by `drain` (for example a writer thread).
    pub fn with_drain<T>(drain: impl FnOnce(mpsc::Receiver<Queued>) -> T) -> (Outbound, T) {
        Outbound::with_depth(QUEUE_DEPTH, drain)
    }

    /// [`Outbound::with_drain`] with a queue of `depth` messages.
    pub fn with_depth<T>(
        depth: usize,
        drain: impl FnOnce(mpsc::Receiver<Queued>) -> T,
    ) -> (Outbound, T) {
        let (tx, rx) = mpsc::channel(depth);
        let outbound = Outbound {
            tx,
            last_client_framing_is_lsp: Arc::new(AtomicBool::new(false)),
            requests: Arc::default(),
            write_now: None,
        };
        (outbound, drain(rx))
    }

    /// An outbound whose messages go nowhere (for building the method table offline).
    pub fn detached() -> Outbound {
        let (tx, _rx) = mpsc::channel(1);
        Outbound {
            tx,
            last_client_framing_is_lsp: Arc::new(AtomicBool::new(false)),
            requests: Arc::new(ClientRequests::closed()),
            write_now: None,
        }
    }

    /// This outbound, able to write small messages at once through `write_now` (the writer
    /// that drains its queue).
    pub fn with_write_now(mut self, write_now: Arc<dyn WriteNow>) -> Outbound {
        self.write_now = Some(write_now);
        self
    }

    /// Writes `framed` (whole framed messages) at once from this thread when that keeps the
    /// order and cannot block; `false` when it was not written (queue it then).
    pub fn write_now(&self, framed: &[u8]) -> bool {
        self.write_now
            .as_ref()
            .is_some_and(|output| output.write_now(framed))
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

    /// Queues an already framed message, waiting while the queue is full; `false` (logged) when
    /// the writer has stopped and the message was dropped.
    pub async fn queue(&self, message: FramedMessage) -> bool {
        let queued = self.tx.send(Queued::Message(message)).await.is_ok();
        if !queued {
            tracing::debug!("stdout writer has stopped; message dropped");
        }
        queued
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

    /// Sends a request to the client (in the framing it last used) and waits up to `timeout`
    /// for its answer: the client's `result`, or why there is none.
    pub async fn request<P: Serialize>(
        &self,
        method: &str,
        params: &P,
        timeout: Duration,
    ) -> Result<Value, ClientRequestError> {
        self.request_in(self.client_framing(), method, params, timeout)
            .await
    }

    /// [`Outbound::request`] in the given framing. The request gets the next server id; on a
    /// timeout the client is sent `$/cancelRequest` for it, and its answer, if one still comes,
    /// is dropped.
    pub async fn request_in<P: Serialize>(
        &self,
        framing: Framing,
        method: &str,
        params: &P,
        timeout: Duration,
    ) -> Result<Value, ClientRequestError> {
        let closed = || ClientRequestError::Closed {
            method: method.to_owned(),
        };
        let Some(mut waiter) = self.requests.register() else {
            return Err(closed());
        };
        let message = request_message(waiter.id, method, params).map_err(|err| {
            ClientRequestError::Params {
                method: method.to_owned(),
                reason: err.to_string(),
            }
        })?;
        if !self.queue(message.frame(framing)).await {
            return Err(closed());
        }
        // From here on the client has the request: if the caller stops waiting (a chat cancelled
        // while its hook runs) or the wait times out, the client is told to drop it.
        let mut cancel = CancelOnDrop {
            tx: &self.tx,
            framing,
            id: Some(waiter.id),
        };
        let answer = tokio::time::timeout(timeout, &mut waiter.answer).await;
        if answer.is_ok() {
            cancel.id = None;
        }
        // A late answer is dropped once the waiter is gone.
        drop(waiter);
        drop(cancel);
        match answer {
            Ok(Ok(Ok(result))) => Ok(result),
            Ok(Ok(Err(error))) => Err(ClientRequestError::Rejected {
                method: method.to_owned(),
                code: error.code,
                message: error.message,
                data: error.data,
            }),
            Ok(Err(_)) => Err(closed()),
            Err(_) => Err(ClientRequestError::Timeout {
                method: method.to_owned(),
                timeout,
            }),
        }
    }

    /// The server's requests waiting for answers (the dispatcher hands them the client's).
    pub fn client_requests(&self) -> &ClientRequests {
        &self.requests
    }
}

/// Sends `$/cancelRequest` for a server request still unanswered when it is dropped: one that
/// timed out, or whose caller was cancelled (its future dropped mid-wait). Drop cannot wait, so
/// the notification is queued at once, or by a task when the queue is full.
struct CancelOnDrop<'a> {
    tx: &'a mpsc::Sender<Queued>,
    framing: Framing,
    /// The request's id; `None` once it was answered.
    id: Option<u64>,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        let Some(id) = self.id.take() else {
            return;
        };
        let params = serde_json::json!({ "id": id });
        let Some(message) = notification(self.framing, CANCEL_REQUEST, &params) else {
            return;
        };
        match self.tx.try_send(Queued::Message(message)) {
            Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => {}
            Err(mpsc::error::TrySendError::Full(queued)) => {
                let tx = self.tx.clone();
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    runtime.spawn(async move {
                        let _ = tx.send(queued).await;
                    });
                }
            }
        }
    }
}

/// `{"jsonrpc":"2.0","id":<id>,"method":<method>,"params":<params>}`.
fn request_message<P: Serialize>(
    id: u64,
    method: &str,
    params: &P,
) -> serde_json::Result<OutgoingMessage> {
    #[derive(Serialize)]
    struct Request<'a, P> {
        jsonrpc: &'static str,
        id: u64,
        method: &'a str,
        params: &'a P,
    }
    let request = Request {
        jsonrpc: "2.0",
        id,
        method,
        params,
    };
    OutgoingMessage::serialize(&request, NOTIFICATION_CAPACITY)
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::{Value, json};
    use tokio::sync::mpsc;

    use super::{Outbound, Queued};
    use crate::rpc::framing::Framing;

    /// The next queued message as JSON.
    async fn next(rx: &mut mpsc::Receiver<Queued>) -> Value {
        let queued = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("a message in time")
            .expect("the queue is open");
        let Queued::Message(message) = queued else {
            panic!("a message, not a flush marker");
        };
        let mut bytes = Vec::new();
        message.write_to(&mut bytes).expect("a Vec takes it");
        serde_json::from_slice(&bytes).expect("one JSON line")
    }

    /// `hook/x` asked of the client by a task of its own, with a long timeout.
    fn ask_in_background(
        outbound: &Outbound,
    ) -> tokio::task::JoinHandle<Result<Value, super::ClientRequestError>> {
        let asking = outbound.clone();
        tokio::spawn(async move {
            asking
                .request_in(Framing::Line, "hook/x", &json!({}), Duration::from_secs(60))
                .await
        })
    }

    #[tokio::test]
    async fn a_request_whose_caller_gives_up_is_cancelled_at_the_client() {
        let (outbound, mut rx) = Outbound::with_drain(|rx| rx);
        let call = ask_in_background(&outbound);
        let request = next(&mut rx).await;
        assert_eq!(request["method"], "hook/x");
        // The caller is cancelled mid-wait (its task aborted, as a cancelled chat's is).
        call.abort();
        assert!(call.await.expect_err("aborted").is_cancelled());
        let cancel = next(&mut rx).await;
        assert_eq!(cancel["method"], "$/cancelRequest");
        assert_eq!(cancel["params"]["id"], request["id"]);
        assert_eq!(outbound.client_requests().pending(), 0, "nothing waits");
    }

    #[tokio::test]
    async fn an_answered_request_is_not_cancelled_and_a_timed_out_one_is() {
        let (outbound, mut rx) = Outbound::with_drain(|rx| rx);
        let call = ask_in_background(&outbound);
        let request = next(&mut rx).await;
        assert!(
            outbound
                .client_requests()
                .answer(&request["id"], Ok(json!({"ok": true})))
        );
        let answer = call.await.expect("runs").expect("answered");
        assert_eq!(answer, json!({"ok": true}));

        let error = outbound
            .request_in(
                Framing::Line,
                "hook/y",
                &json!({}),
                Duration::from_millis(10),
            )
            .await
            .expect_err("no answer");
        assert_eq!(error.kind(), "timeout");
        let timed_out = next(&mut rx).await;
        assert_eq!(timed_out["method"], "hook/y");
        let cancel = next(&mut rx).await;
        assert_eq!(
            cancel["method"], "$/cancelRequest",
            "not for the answered one"
        );
        assert_eq!(cancel["params"]["id"], timed_out["id"]);
        assert!(rx.try_recv().is_err(), "nothing else was sent");
    }
}
