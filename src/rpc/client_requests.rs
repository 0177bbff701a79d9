//! Server→client requests: the ids the server gives its own requests, and the table that matches
//! the client's answers to the requests waiting for them.
//!
//! Like `lsp-server`'s outgoing request queue, but asynchronous: [`super::outbound::Outbound::request`]
//! registers a waiter here, writes the request and waits; the dispatcher hands every response it
//! reads to [`ClientRequests::answer`]. The two directions have separate id spaces (JSON-RPC lets
//! both peers number their requests from 1), so an answer is known by its id among the server's
//! own requests only. An answer whose id waits for nothing (unknown, or late after a timeout) is
//! logged and dropped; when the client's input closes every waiter is told so at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;

/// Why a server→client request got no result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientRequestError {
    /// No answer came within the request's timeout (the client was sent `$/cancelRequest`).
    #[error("the client did not answer `{method}` within {} ms", timeout.as_millis())]
    Timeout { method: String, timeout: Duration },
    /// The client's input closed (or the server stopped serving it) before an answer came.
    #[error("the client's input closed before it answered `{method}`")]
    Closed { method: String },
    /// The client answered with a JSON-RPC error.
    #[error("the client answered `{method}` with error {code}: {message}")]
    Rejected {
        method: String,
        code: i64,
        message: String,
        data: Option<Value>,
    },
    /// The params could not be serialized; nothing was sent.
    #[error("the params of `{method}` could not be serialized: {reason}")]
    Params { method: String, reason: String },
}

impl ClientRequestError {
    /// A stable name for the error's kind (`timeout`, `closed`, `rejected`, `params`).
    pub fn kind(&self) -> &'static str {
        match self {
            ClientRequestError::Timeout { .. } => "timeout",
            ClientRequestError::Closed { .. } => "closed",
            ClientRequestError::Rejected { .. } => "rejected",
            ClientRequestError::Params { .. } => "params",
        }
    }
}

/// The `error` member of a client's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

/// What the client answered: its `result`, or its `error`.
pub type ClientAnswer = Result<Value, ClientError>;

/// The server's requests still waiting for the client's answer.
#[derive(Debug, Default)]
pub struct ClientRequests {
    table: Mutex<Table>,
}

#[derive(Debug, Default)]
struct Table {
    /// The last id given out; ids start at 1 and are never reused.
    last_id: u64,
    waiting: HashMap<u64, oneshot::Sender<ClientAnswer>>,
    /// The client's input has closed: requests fail at once instead of waiting.
    closed: bool,
}

/// One registered request: its id and where its answer arrives. Dropping it (the caller gave
/// up, or timed out) forgets the request, so a late answer is "unknown".
pub struct Waiter<'a> {
    requests: &'a ClientRequests,
    pub id: u64,
    pub answer: oneshot::Receiver<ClientAnswer>,
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        self.requests.table().waiting.remove(&self.id);
    }
}

impl ClientRequests {
    /// A table whose input is closed from the start (an outbound that goes nowhere).
    pub fn closed() -> Self {
        let requests = Self::default();
        requests.table().closed = true;
        requests
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Gives the next id to a request and registers it; `None` when the input is closed.
    pub fn register(&self) -> Option<Waiter<'_>> {
        let mut table = self.table();
        if table.closed {
            return None;
        }
        table.last_id += 1;
        let id = table.last_id;
        let (tx, answer) = oneshot::channel();
        table.waiting.insert(id, tx);
        Some(Waiter {
            requests: self,
            id,
            answer,
        })
    }

    /// Hands the client's answer to the request with this id. Returns whether one was waiting;
    /// an answer nobody waits for is logged and dropped.
    pub fn answer(&self, id: &Value, answer: ClientAnswer) -> bool {
        let waiting = id.as_u64().and_then(|id| self.table().waiting.remove(&id));
        match waiting {
            Some(waiter) => waiter.send(answer).is_ok(),
            None => {
                tracing::warn!(%id, "a response to no pending request of the server; dropped");
                false
            }
        }
    }

    /// The client's input closed: every waiting request fails with `Closed`, and so does every
    /// later one until [`ClientRequests::open`].
    pub fn close(&self) {
        let mut table = self.table();
        table.closed = true;
        // Dropping the senders wakes every waiter with a closed channel.
        table.waiting.clear();
    }

    /// Accepts requests again (a new run of an in-process server over the same state).
    pub fn open(&self) {
        self.table().closed = false;
    }

    /// How many requests wait for an answer.
    pub fn pending(&self) -> usize {
        self.table().waiting.len()
    }
}

/// Reads a client's `error` member; a malformed one is still an error, described as such.
pub fn client_error(error: Value) -> ClientError {
    let code = error.get("code").and_then(Value::as_i64);
    let message = error.get("message").and_then(Value::as_str);
    match (code, message) {
        (Some(code), Some(message)) => ClientError {
            code,
            message: message.to_owned(),
            data: error.get("data").cloned(),
        },
        _ => ClientError {
            code: super::error::INTERNAL_ERROR.into(),
            message: "the client answered with a malformed error".to_owned(),
            data: Some(error),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_reach_the_request_with_their_id_only() {
        let requests = ClientRequests::default();
        let mut first = requests.register().expect("open");
        let mut second = requests.register().expect("open");
        assert_eq!((first.id, second.id), (1, 2));
        assert!(requests.answer(&json!(2), Ok(json!("two"))));
        assert_eq!(second.answer.try_recv(), Ok(Ok(json!("two"))));
        assert!(first.answer.try_recv().is_err(), "still waiting");
        let refused = ClientError {
            code: -32601,
            message: "no".into(),
            data: None,
        };
        assert!(requests.answer(&json!(1), Err(refused.clone())));
        assert_eq!(first.answer.try_recv(), Ok(Err(refused)));
        assert_eq!(requests.pending(), 0);
    }

    #[test]
    fn unknown_late_and_foreign_ids_are_dropped() {
        let requests = ClientRequests::default();
        assert!(!requests.answer(&json!(1), Ok(json!(null))), "never sent");
        let waiter = requests.register().expect("open");
        let id = waiter.id;
        drop(waiter);
        assert_eq!(requests.pending(), 0, "a dropped waiter is forgotten");
        assert!(!requests.answer(&json!(id), Ok(json!(null))), "late");
        let waiter = requests.register().expect("open");
        assert!(
            !requests.answer(&json!("2"), Ok(json!(null))),
            "a string id"
        );
        assert!(!requests.answer(&json!(-2), Ok(json!(null))));
        assert_eq!(requests.pending(), 1, "still waiting for {}", waiter.id);
    }

    #[test]
    fn closing_fails_waiting_and_later_requests_until_reopened() {
        let requests = ClientRequests::default();
        let mut waiter = requests.register().expect("open");
        requests.close();
        assert!(matches!(
            waiter.answer.try_recv(),
            Err(oneshot::error::TryRecvError::Closed)
        ));
        assert!(requests.register().is_none());
        requests.open();
        let next = requests.register().expect("open again");
        assert!(next.id > waiter.id, "ids are never reused");
        assert!(ClientRequests::closed().register().is_none());
    }

    #[test]
    fn malformed_errors_are_still_errors() {
        let error = client_error(json!({"code": 5, "message": "m", "data": [1]}));
        assert_eq!((error.code, error.message.as_str()), (5, "m"));
        assert_eq!(error.data, Some(json!([1])));
        let error = client_error(json!("bad"));
        assert_eq!(error.code, -32603);
        assert_eq!(error.data, Some(json!("bad")));
    }
}
