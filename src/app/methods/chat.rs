//! `chat/stream` (with `chat/delta` notifications) and `chat/generate`.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::PollSender;

use crate::app::errors::session_error;
use crate::app::state::ServerState;
use crate::plugin::HookEvent;
use crate::protocol::execute::PartSink;
use crate::protocol::{ChatResult, StreamPart};
use crate::rpc::context::RequestContext;
use crate::rpc::error::{ErrorKind, RpcError};
use crate::rpc::framing::Framing;
use crate::rpc::message::{FramedMessage, push_framed};
use crate::rpc::method::Method;
use crate::rpc::outbound::{Outbound, Queued};
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

impl Method<ServerState> for ChatStream {
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

    fn runtime() -> Option<tokio::runtime::Handle> {
        crate::app::chat_io::runtime()
    }
}

pub struct ChatGenerate;

impl Method<ServerState> for ChatGenerate {
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

    fn runtime() -> Option<tokio::runtime::Handle> {
        crate::app::chat_io::runtime()
    }
}

async fn run(
    state: Arc<ServerState>,
    params: ChatParams,
    cx: RequestContext,
    stream: bool,
) -> Result<ChatResult, RpcError> {
    let (snapshot, sources) =
        crate::app::call_sources::session_call(&state, &params.session_id).await?;
    let hooks = crate::app::host_hooks::registry(&state);
    let events = hooks.clone();
    let service = state.chat.clone();
    let cancel = cx.cancel.clone();
    let outbound = cx.outbound().clone();
    let (framing, request_id) = (cx.framing(), cx.id.clone());
    let (session_id, provider_id, model_id) = (
        params.session_id.clone(),
        params.provider_id.clone(),
        params.model_id.clone(),
    );
    events.event(&HookEvent::ChatStarted {
        session_id: session_id.clone(),
        provider_id: provider_id.clone(),
        model_id: model_id.clone(),
    });
    let call = async move {
        if !stream {
            let mut ignore = |_: StreamPart| {};
            return service
                .run(&snapshot, &sources, &params, &hooks, &cancel, &mut ignore)
                .await;
        }
        let mut deltas = DeltaSink::new(framing, &request_id, outbound);
        let result = service
            .run(&snapshot, &sources, &params, &hooks, &cancel, &mut deltas)
            .await;
        // Every delta is queued before the answer is.
        deltas.drain().await;
        result
    };
    let answer = match crate::app::chat_io::run(call).await {
        Ok(result) => result.map_err(chat_error),
        Err(join_error) if join_error.is_panic() => {
            std::panic::resume_unwind(join_error.into_panic())
        }
        Err(_) => Err(RpcError::cancelled()),
    };
    events.event(&match &answer {
        Ok(result) => HookEvent::ChatFinished {
            session_id,
            provider_id,
            model_id,
            finish_reason: result.finish_reason,
            usage: result.usage,
            cost: result.cost,
        },
        Err(error) => HookEvent::ChatFailed {
            session_id,
            provider_id,
            model_id,
            kind: error.kind.as_str().to_string(),
            message: error.message.clone(),
        },
    });
    answer
}

/// A batch is queued once it holds this much, even before its network read is fully handed on.
const BATCH_LIMIT: usize = 32 * 1024;

/// Serializes each part as its own `chat/delta` notification (the bytes `outbound::notification`
/// would give a [`ChatDelta`]) into a batch, queued for stdout as one message on each flush (the
/// stream flushes once it has handed on the parts of what it received). When the queue is full
/// (the host reads slowly) the batch waits here and `poll_ready` holds the stream back.
///
/// A batch is written at once from this thread when the writer has nothing else to write (see
/// `Outbound::write_now`), which spares waking the writer thread (32 streams at once: ~2 ms less
/// CPU per round of 32,000 deltas); under load the queue fills and the writer gathers batches.
/// After the batch with the stream's first delta the thread yields its core: in a burst both
/// cores are busy (the provider sending, this thread parsing), and a host reader woken by the
/// writer thread's write waited for a core for milliseconds (measured: first delta +1.7 ms over a
/// bare client, median of 40, against +0.8 ms this way).
struct DeltaSink {
    framing: Framing,
    /// `{"jsonrpc":"2.0","method":"chat/delta","params":{"requestId":<id>,"part":`, serialized once.
    head: Vec<u8>,
    batch: Vec<u8>,
    /// An LSP body, before its header (which needs its length) goes into the batch.
    scratch: Vec<u8>,
    sender: PollSender<Queued>,
    outbound: Outbound,
    /// The batch found the queue full: it goes once `poll_ready` has room for it.
    waiting: bool,
    /// Whether the batch holds a delta (text, reasoning or tool input).
    batch_has_delta: bool,
    /// Whether a delta of this stream has been written or queued.
    delta_out: bool,
}

impl DeltaSink {
    fn new(framing: Framing, request_id: &Value, outbound: Outbound) -> Self {
        let mut head =
            format!(r#"{{"jsonrpc":"2.0","method":"{DELTA}","params":{{"requestId":"#).into_bytes();
        serde_json::to_writer(&mut head, request_id).expect("a JSON value serializes");
        head.extend_from_slice(br#","part":"#);
        DeltaSink {
            framing,
            head,
            batch: Vec::new(),
            scratch: Vec::new(),
            sender: outbound.poll_sender(),
            outbound,
            waiting: false,
            batch_has_delta: false,
            delta_out: false,
        }
    }

    fn take_batch(&mut self) -> Queued {
        Queued::Message(FramedMessage::from_framed(std::mem::take(&mut self.batch)))
    }

    /// Queues whatever is gathered, waiting for room as long as it takes.
    async fn drain(&mut self) {
        self.flush();
        std::future::poll_fn(|cx| self.poll_ready(cx)).await;
    }
}

impl PartSink for DeltaSink {
    fn part(&mut self, part: StreamPart) {
        self.batch_has_delta |= matches!(
            part,
            StreamPart::TextDelta { .. }
                | StreamPart::ReasoningDelta { .. }
                | StreamPart::ToolInputDelta { .. }
        );
        let head = &self.head;
        let written = push_framed(&mut self.batch, &mut self.scratch, self.framing, |buf| {
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
        if self.batch.is_empty() || self.waiting {
            return;
        }
        let has_delta = std::mem::take(&mut self.batch_has_delta);
        let first_delta = has_delta && !self.delta_out;
        self.delta_out |= has_delta;
        if self.outbound.write_now(&self.batch) {
            self.batch.clear();
            if first_delta {
                // The host's reader was woken by that write onto this core (a pipe write wakes
                // its reader as a synchronous wake-up); yielding lets it run before this thread
                // parses on.
                std::thread::yield_now();
            }
            return;
        }
        let batch = self.take_batch();
        let Some(sender) = self.sender.get_ref() else {
            return;
        };
        match sender.try_send(batch) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(Queued::Message(message))) => {
                self.batch = message.into_bytes();
                self.waiting = true;
            }
            Err(_) => tracing::debug!("stdout writer has stopped; deltas dropped"),
        }
    }

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        use std::task::Poll;
        if !self.waiting {
            return Poll::Ready(());
        }
        match self.sender.poll_reserve(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Ok(())) => {
                let batch = self.take_batch();
                if self.sender.send_item(batch).is_err() {
                    tracing::debug!("stdout writer has stopped; deltas dropped");
                }
            }
            Poll::Ready(Err(_)) => {
                tracing::debug!("stdout writer has stopped; deltas dropped");
                self.batch.clear();
            }
        }
        self.waiting = false;
        Poll::Ready(())
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
        ChatError::Hook(failed) => crate::app::errors::hook_failed(failed),
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
        ResolveError::AuthMissing { provider_id, hint } => {
            RpcError::new(ErrorKind::AuthMissing, message)
                .with_data(json!({ "providerId": provider_id, "hint": hint }))
        }
        ResolveError::Config { field, reason } => RpcError::new(ErrorKind::Config, message)
            .with_data(json!({ "field": field, "reason": reason })),
        ResolveError::AuthExpired { provider_id, hint } => {
            RpcError::new(ErrorKind::AuthExpired, message)
                .with_data(json!({ "providerId": provider_id, "hint": hint }))
        }
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
        ResolveError::Hook(failed) => crate::app::errors::hook_failed(failed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::FinishReason;
    use crate::rpc::outbound::{Queued, notification};

    fn next_message(rx: &mut mpsc::Receiver<Queued>) -> Option<FramedMessage> {
        match rx.try_recv().ok()? {
            Queued::Message(message) => Some(message),
            Queued::Flush(_) => None,
        }
    }

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

    /// A queue of `depth` messages whose messages land in the returned receiver.
    fn test_queue(depth: usize) -> (Outbound, mpsc::Receiver<Queued>) {
        Outbound::with_depth(depth, |rx| rx)
    }

    /// Takes every write while `open`, as a writer with nothing queued would.
    #[derive(Default)]
    struct WrittenNow {
        open: std::sync::atomic::AtomicBool,
        bytes: std::sync::Mutex<Vec<u8>>,
    }

    impl crate::rpc::outbound::WriteNow for WrittenNow {
        fn write_now(&self, framed: &[u8]) -> bool {
            if !self.open.load(std::sync::atomic::Ordering::Relaxed) {
                return false;
            }
            self.bytes.lock().expect("bytes").extend_from_slice(framed);
            true
        }
    }

    fn lines(bytes: &[u8]) -> usize {
        bytes.iter().filter(|b| **b == b'\n').count()
    }

    /// A batch is written at once when the writer takes it, and queued when it does not. (That
    /// nothing overtakes a queued message is the writer's part: `rpc::stdio`'s oracle test.)
    #[tokio::test]
    async fn batches_are_written_at_once_while_the_writer_is_idle() {
        let now = Arc::new(WrittenNow::default());
        now.open.store(true, std::sync::atomic::Ordering::Relaxed);
        let (outbound, mut rx) = test_queue(64);
        let outbound = outbound.with_write_now(now.clone());
        let mut sink = DeltaSink::new(Framing::Line, &json!(1), outbound);
        sink.part(StreamPart::TextStart {
            id: "0".into(),
            provider_metadata: None,
        });
        sink.flush();
        sink.part(text("a"));
        sink.flush();
        assert_eq!(lines(&now.bytes.lock().expect("bytes")), 2, "start, then a");
        assert!(next_message(&mut rx).is_none(), "nothing was queued");

        // The writer refuses b: b is queued; it takes c (this stand-in does not look at the queue).
        now.open.store(false, std::sync::atomic::Ordering::Relaxed);
        sink.part(text("b"));
        sink.flush();
        now.open.store(true, std::sync::atomic::Ordering::Relaxed);
        sink.part(text("c"));
        sink.flush();
        let queued = next_message(&mut rx).expect("b is queued");
        assert!(
            String::from_utf8(wire(&queued))
                .expect("utf8")
                .contains(r#""b""#)
        );
        let written = String::from_utf8(now.bytes.lock().expect("bytes").clone()).expect("utf8");
        assert_eq!(lines(written.as_bytes()), 3);
        assert!(written.contains(r#""c""#) && !written.contains(r#""b""#));
    }

    fn text(delta: &str) -> StreamPart {
        StreamPart::TextDelta {
            id: "0".into(),
            delta: delta.into(),
        }
    }

    fn is_ready(sink: &mut DeltaSink) -> bool {
        use futures::FutureExt as _;
        std::future::poll_fn(|cx| sink.poll_ready(cx))
            .now_or_never()
            .is_some()
    }

    /// The batched bytes are, message for message, what `outbound::notification` gives each delta.
    #[tokio::test]
    async fn batched_deltas_are_the_notifications_they_replace() {
        for (framing, request_id) in [
            (Framing::Line, json!(7)),
            (Framing::Lsp, json!("req-\"x\"")),
        ] {
            let (queue, mut rx) = test_queue(64);
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
            assert!(
                next_message(&mut rx).is_none(),
                "nothing is queued before a flush"
            );
            sink.flush();
            let batch = next_message(&mut rx).expect("one message for the batch");
            assert_eq!(
                String::from_utf8(wire(&batch)).expect("utf8"),
                String::from_utf8(expected).expect("utf8")
            );
            sink.flush();
            assert!(
                next_message(&mut rx).is_none(),
                "an empty batch is not queued"
            );
        }
    }

    #[tokio::test]
    async fn a_large_read_is_queued_in_bounded_batches() {
        let (queue, mut rx) = test_queue(64);
        let mut sink = DeltaSink::new(Framing::Line, &json!(1), queue);
        let delta = "x".repeat(1000);
        for _ in 0..200 {
            sink.part(text(&delta));
        }
        sink.flush();
        let mut lines = 0;
        let mut messages = 0;
        while let Some(message) = next_message(&mut rx) {
            assert!(message.len() < BATCH_LIMIT + 2 * 1024, "{message:?}");
            lines += wire(&message).iter().filter(|b| **b == b'\n').count();
            messages += 1;
        }
        assert_eq!(lines, 200, "every delta, once");
        assert!(messages > 1, "200 KB went out in more than one batch");
    }

    /// A full queue holds the stream back (`poll_ready` is pending) instead of queueing more.
    #[tokio::test]
    async fn a_full_queue_holds_the_stream_back_until_there_is_room() {
        let (queue, mut rx) = test_queue(1);
        let mut sink = DeltaSink::new(Framing::Line, &json!(1), queue);
        sink.part(text("a"));
        sink.flush();
        assert!(is_ready(&mut sink), "the queue took the first batch");
        sink.part(text("b"));
        sink.flush();
        sink.part(text("c"));
        assert!(!is_ready(&mut sink), "no room for the second batch");
        let first = next_message(&mut rx).expect("the first batch");
        assert_eq!(wire(&first).iter().filter(|b| **b == b'\n').count(), 1);
        assert!(is_ready(&mut sink), "room again: the waiting batch went");
        let second = String::from_utf8(wire(&next_message(&mut rx).expect("the second batch")))
            .expect("utf8");
        assert_eq!(second.lines().count(), 2, "b and c, in order: {second}");
        assert!(second.find("\"b\"") < second.find("\"c\""));
        sink.drain().await;
        assert!(next_message(&mut rx).is_none(), "nothing was left behind");
    }
}
