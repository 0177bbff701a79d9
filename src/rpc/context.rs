//! What a handler knows about the request it is serving.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::client_requests::ClientRequestError;
use super::framing::Framing;
use super::message::OutgoingMessage;
use super::outbound::Outbound;

/// Where a handler leaves its whole serialized response for the dispatcher, so that a result is
/// serialized once, straight into the buffer written to stdout (see `method::run_handler`).
#[derive(Clone, Default)]
pub struct AnswerSlot(Arc<Mutex<Option<OutgoingMessage>>>);

impl AnswerSlot {
    pub fn put(&self, message: OutgoingMessage) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(message);
    }

    pub fn take(&self) -> Option<OutgoingMessage> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Per-request context, handed to every handler by the dispatcher.
#[derive(Clone)]
pub struct RequestContext {
    /// The request's JSON-RPC id, as the client sent it.
    pub id: Value,
    /// Cancelled by `$/cancelRequest`, session close, or shutdown.
    pub cancel: CancellationToken,
    framing: Framing,
    outbound: Outbound,
    answer: AnswerSlot,
}

impl RequestContext {
    pub fn new(id: Value, cancel: CancellationToken, framing: Framing, outbound: Outbound) -> Self {
        Self {
            id,
            cancel,
            framing,
            outbound,
            answer: AnswerSlot::default(),
        }
    }

    /// The slot the handler's serialized response is left in.
    pub fn answer_slot(&self) -> &AnswerSlot {
        &self.answer
    }

    /// Sends a notification to the client in this request's framing, before the response.
    pub async fn notify<P: Serialize>(&self, method: &str, params: &P) {
        self.outbound.notify(self.framing, method, params).await;
    }

    /// Sends an LSP `$/progress` notification with the given token and value.
    pub async fn progress<V: Serialize>(&self, token: &Value, value: &V) {
        #[derive(Serialize)]
        struct Progress<'a, V> {
            token: &'a Value,
            value: &'a V,
        }
        self.notify("$/progress", &Progress { token, value }).await;
    }

    /// Asks the client something (a server→client request in this request's framing) and waits
    /// up to `timeout` for its answer.
    pub async fn request<P: Serialize>(
        &self,
        method: &str,
        params: &P,
        timeout: Duration,
    ) -> Result<Value, ClientRequestError> {
        self.outbound
            .request_in(self.framing, method, params, timeout)
            .await
    }

    /// The framing of the request, which its notifications use too.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    pub fn outbound(&self) -> &Outbound {
        &self.outbound
    }
}
