//! `chat/stream` (with `chat/delta` notifications) and `chat/generate`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::session::session_error;
use crate::protocol::execute::PartSink;
use crate::protocol::{ChatResult, StreamPart};
use crate::rpc::context::RequestContext;
use crate::rpc::error::{ErrorKind, RpcError};
use crate::rpc::framing::Framing;
use crate::rpc::message::{FramedBatch, FramedMessage};
use crate::rpc::method::Method;
use crate::rpc::outbound::Outbound;
use crate::rpc::state::ServerState;
use crate::session::{ChatError, ChatParams, ResolveError};

pub const DELTA: &str = "chat/delta";

/// `chat/delta` params: one normalized stream part of the request `requestId`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatDelta {
    pub request_id: Value,
    pub part: StreamPart,
}

pub struct ChatStream;

impl Method for ChatStream {
    const NAME: &'static str = "chat/stream";
    const SUMMARY: &'static str = "Streams a chat turn: `chat/delta` notifications tagged with the request id, then the final result. Cancel answers -32800 with data.partial.";
    const COOPERATIVE_CANCEL: bool = true;
    type Params = ChatParams;
    type Result = ChatResult;

    async fn call(
        state: Arc<ServerState>,
        params: ChatParams,
        cx: RequestContext,
    ) -> Result<ChatResult, RpcError> {
        run(state, params, cx, true).await
    }
}

pub struct ChatGenerate;

impl Method for ChatGenerate {
    const NAME: &'static str = "chat/generate";
    const SUMMARY: &'static str = "Runs a chat turn and answers with the final result only. Cancel answers -32800 with data.partial.";
    const COOPERATIVE_CANCEL: bool = true;
    type Params = ChatParams;
    type Result = ChatResult;

    async fn call(
        state: Arc<ServerState>,
        params: ChatParams,
        cx: RequestContext,
    ) -> Result<ChatResult, RpcError> {
        run(state, params, cx, false).await
    }
}

async fn run(
    state: Arc<ServerState>,
    params: ChatParams,
    cx: RequestContext,
    stream: bool,
) -> Result<ChatResult, RpcError> {
    let (snapshot, sources) = super::call_sources::session_call(&state, &params.session_id).await?;
    let service = state.chat.clone();
    // The deltas of each network read are queued for stdout together, at once. Only when the queue
    // is full (the client reads slowly) do they wait here, in order, for the forwarder.
    let (overflow_tx, mut overflow_rx) = mpsc::unbounded_channel::<FramedMessage>();
    let overflowing = Arc::new(AtomicUsize::new(0));
    let cancel = cx.cancel.clone();
    let call = {
        let queue = DeltaQueue {
            outbound: cx.outbound().clone(),
            overflow: overflow_tx,
            overflowing: Arc::clone(&overflowing),
        };
        let (framing, request_id) = (cx.framing(), cx.id.clone());
        async move {
            if !stream {
                let mut ignore = |_: StreamPart| {};
                return service
                    .run(&snapshot, &sources, &params, &cancel, &mut ignore)
                    .await;
            }
            let mut deltas = DeltaSink::new(framing, &request_id, queue);
            let result = service
                .run(&snapshot, &sources, &params, &cancel, &mut deltas)
                .await;
            deltas.flush();
            result
        }
    };
    let forward = async {
        while let Some(message) = overflow_rx.recv().await {
            cx.outbound().queue(message).await;
            overflowing.fetch_sub(1, Ordering::AcqRel);
        }
    };
    let (result, ()) = tokio::join!(crate::rpc::chat_io::run(call), forward);
    match result {
        Ok(result) => result.map_err(chat_error),
        Err(join_error) if join_error.is_panic() => {
            std::panic::resume_unwind(join_error.into_panic())
        }
        Err(_) => Err(RpcError::cancelled()),
    }
}

/// Queues messages for stdout without waiting, in order: once the queue was full, everything goes
/// through the overflow channel (drained by a forwarder that waits) until it has caught up.
struct DeltaQueue {
    outbound: Outbound,
    overflow: mpsc::UnboundedSender<FramedMessage>,
    overflowing: Arc<AtomicUsize>,
}

impl DeltaQueue {
    fn send(&self, message: FramedMessage) {
        let message = if self.overflowing.load(Ordering::Acquire) == 0 {
            match self.outbound.try_queue(message) {
                Ok(()) => return,
                Err(message) => message,
            }
        } else {
            message
        };
        self.overflowing.fetch_add(1, Ordering::AcqRel);
        let _ = self.overflow.send(message);
    }
}

/// A batch is queued once it holds this much, even before its network read is fully handed on. Its
/// buffer then has room for twice as much (it grows by doubling), which keeps it under the size
/// malloc serves from `mmap`, whose every free unmaps the pages and every allocation faults them in.
const BATCH_LIMIT: usize = 32 * 1024;
/// A new batch buffer starts this small and grows: while the client reads slowly, single-delta
/// batches of a paced stream wait in memory by the thousand.
const BATCH_START_CAPACITY: usize = 1024;

/// Serializes each part as its own `chat/delta` notification (the bytes `outbound::notification`
/// would give a [`ChatDelta`]) into a batch, queued as one message on each flush.
struct DeltaSink {
    framing: Framing,
    /// `{"jsonrpc":"2.0","method":"chat/delta","params":{"requestId":<id>,"part":`, serialized once.
    head: Vec<u8>,
    batch: FramedBatch,
    queue: DeltaQueue,
}

impl DeltaSink {
    fn new(framing: Framing, request_id: &Value, queue: DeltaQueue) -> Self {
        let mut head =
            format!(r#"{{"jsonrpc":"2.0","method":"{DELTA}","params":{{"requestId":"#).into_bytes();
        serde_json::to_writer(&mut head, request_id).expect("a JSON value serializes");
        head.extend_from_slice(br#","part":"#);
        DeltaSink {
            framing,
            head,
            batch: FramedBatch::default(),
            queue,
        }
    }
}

impl PartSink for DeltaSink {
    fn part(&mut self, part: StreamPart) {
        let head = &self.head;
        let written = self.batch.push_with(self.framing, |buf| {
            buf.extend_from_slice(head);
            write_part(buf, &part)?;
            buf.extend_from_slice(b"}}");
            Ok::<(), serde_json::Error>(())
        });
        if let Err(err) = written {
            tracing::error!(method = DELTA, %err, "notification could not be serialized");
        }
        if self.batch.len() >= BATCH_LIMIT {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if let Some(message) = self.batch.take(BATCH_START_CAPACITY) {
            self.queue.send(message);
        }
    }
}

/// `part` as JSON. The delta parts stream by the thousand, so they are written directly (serde's
/// map machinery for a tagged enum was a fifth of the serializing); the bytes are the derive's.
fn write_part(buf: &mut Vec<u8>, part: &StreamPart) -> serde_json::Result<()> {
    let (kind, id, delta) = match part {
        StreamPart::TextDelta { id, delta } => ("text-delta", id, delta),
        StreamPart::ReasoningDelta { id, delta } => ("reasoning-delta", id, delta),
        StreamPart::ToolInputDelta { id, delta } => ("tool-input-delta", id, delta),
        other => return serde_json::to_writer(buf, other),
    };
    buf.extend_from_slice(br#"{"type":""#);
    buf.extend_from_slice(kind.as_bytes());
    buf.extend_from_slice(br#"","id":"#);
    serde_json::to_writer(&mut *buf, id)?;
    buf.extend_from_slice(br#","delta":"#);
    serde_json::to_writer(&mut *buf, delta)?;
    buf.push(b'}');
    Ok(())
}

pub(super) fn chat_error(err: ChatError) -> RpcError {
    let message = err.to_string();
    match err {
        ChatError::Session(err) => session_error(err),
        ChatError::Resolve(err) => resolve_error(err),
        ChatError::Cancelled { partial } => {
            RpcError::cancelled().with_data(json!({ "partial": *partial }))
        }
        ChatError::Provider {
            ref failure,
            ref partial,
        } => {
            let kind = ErrorKind::from_kind_str(err.kind()).unwrap_or(ErrorKind::ProviderHttp);
            RpcError::new(kind, message).with_data(json!({
                "status": failure.status,
                "providerMessage": failure.message,
                "providerCode": failure.code,
                "retryable": failure.retryable,
                "retryAfterMs": failure.retry_after_ms,
                "partial": partial,
            }))
        }
        ChatError::InvalidRequest(reason) => RpcError::invalid_params("", reason),
        ChatError::InvalidParam { field, reason } => RpcError::invalid_params(field, reason),
        ChatError::Client(_) => RpcError::internal(message),
    }
}

fn resolve_error(err: ResolveError) -> RpcError {
    let message = err.to_string();
    match err {
        ResolveError::ProviderNotFound(provider_id) => {
            RpcError::new(ErrorKind::ProviderNotFound, message)
                .with_data(json!({ "providerId": provider_id }))
        }
        ResolveError::ModelNotFound {
            provider_id,
            model_id,
        } => RpcError::new(ErrorKind::ModelNotFound, message)
            .with_data(json!({ "providerId": provider_id, "modelId": model_id })),
        ResolveError::AuthMissing(provider_id) => RpcError::new(ErrorKind::AuthMissing, message)
            .with_data(json!({ "providerId": provider_id })),
        ResolveError::Config { field, reason } => RpcError::new(ErrorKind::Config, message)
            .with_data(json!({ "field": field, "reason": reason })),
        ResolveError::AuthExpired(provider_id) => RpcError::new(ErrorKind::AuthExpired, message)
            .with_data(json!({ "providerId": provider_id })),
        ResolveError::AuthFailed { provider_id, .. } => {
            RpcError::new(ErrorKind::AuthFailed, message)
                .with_data(json!({ "providerId": provider_id }))
        }
        ResolveError::UnknownVariant {
            variant, available, ..
        } => RpcError::invalid_params("variant", message.clone()).with_data(json!({
            "field": "variant",
            "reason": message,
            "variant": variant,
            "available": available,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::FinishReason;
    use crate::rpc::outbound::notification;

    fn wire(message: &FramedMessage) -> Vec<u8> {
        let mut bytes = Vec::new();
        message.write_to(&mut bytes).expect("a Vec takes it");
        bytes
    }

    fn parts() -> Vec<StreamPart> {
        vec![
            StreamPart::TextDelta {
                id: "0".into(),
                delta: "h\u{e9}llo \"quoted\"\n".into(),
            },
            StreamPart::ReasoningDelta {
                id: "r\\1".into(),
                delta: "\u{1}\t</think>".into(),
            },
            StreamPart::ToolInputDelta {
                id: "call_1".into(),
                delta: r#"{"path":"a\b"#.into(),
            },
            StreamPart::TextEnd {
                id: "0".into(),
                provider_metadata: None,
            },
            StreamPart::Finish {
                finish_reason: FinishReason::Stop,
                usage: Default::default(),
                provider_metadata: None,
            },
        ]
    }

    /// A queue whose messages land in the returned receiver (its overflow goes nowhere).
    fn test_queue() -> (DeltaQueue, mpsc::Receiver<FramedMessage>) {
        let (outbound, rx) = Outbound::with_drain(|rx| rx);
        let (overflow, _) = mpsc::unbounded_channel();
        let queue = DeltaQueue {
            outbound,
            overflow,
            overflowing: Arc::new(AtomicUsize::new(0)),
        };
        (queue, rx)
    }

    /// The batched bytes are, message for message, what `outbound::notification` gives each delta.
    #[tokio::test]
    async fn batched_deltas_are_the_notifications_they_replace() {
        for (framing, request_id) in [
            (Framing::Line, json!(7)),
            (Framing::Lsp, json!("req-\"x\"")),
        ] {
            let (queue, mut rx) = test_queue();
            let mut sink = DeltaSink::new(framing, &request_id, queue);
            let mut expected = Vec::new();
            for part in parts() {
                let delta = ChatDelta {
                    request_id: request_id.clone(),
                    part: part.clone(),
                };
                let one = notification(framing, DELTA, &delta).expect("serializes");
                expected.extend(wire(&one));
                sink.part(part);
            }
            assert!(rx.try_recv().is_err(), "nothing is queued before a flush");
            sink.flush();
            let batch = rx.try_recv().expect("one message for the batch");
            assert!(batch.is_deferrable());
            assert_eq!(
                String::from_utf8(wire(&batch)).expect("utf8"),
                String::from_utf8(expected).expect("utf8")
            );
            sink.flush();
            assert!(rx.try_recv().is_err(), "an empty batch is not queued");
        }
    }

    #[tokio::test]
    async fn a_large_read_is_queued_in_bounded_batches() {
        let (queue, mut rx) = test_queue();
        let mut sink = DeltaSink::new(Framing::Line, &json!(1), queue);
        let delta = "x".repeat(1000);
        for _ in 0..200 {
            sink.part(StreamPart::TextDelta {
                id: "0".into(),
                delta: delta.clone(),
            });
        }
        sink.flush();
        let mut lines = 0;
        let mut messages = 0;
        while let Ok(message) = rx.try_recv() {
            assert!(message.len() < BATCH_LIMIT + 2 * 1024, "{message:?}");
            lines += wire(&message).iter().filter(|b| **b == b'\n').count();
            messages += 1;
        }
        assert_eq!(lines, 200, "every delta, once");
        assert!(messages > 1, "200 KB went out in more than one batch");
    }
}
