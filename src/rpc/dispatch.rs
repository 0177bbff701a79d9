//! The stdio server: reads frames, dispatches requests concurrently, writes answers.
//!
//! jsonrpsee has no stdio transport, and `RpcModule::raw_json_request` is not enough for one:
//! it gives the handler no per-request data (so no request id to tag `chat/delta` with, no
//! cancellation token) and a batch or a notification cannot go through it. So the transport
//! here owns the JSON-RPC envelope — validation, batches, notifications, `$/cancelRequest` —
//! and calls the handlers registered on the `RpcModule` directly through their
//! `MethodCallback`, passing a [`RequestContext`] in the call's `Extensions`. The module stays
//! the one registry of methods; each call runs in its own task, so a slow chat never blocks
//! `model/search`, a panic is contained to its request, and cancellation is a token the task
//! races against.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::join_all;
use jsonrpsee::core::server::{MethodCallback, Methods};
use jsonrpsee::types::{Id, Params};
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::io::AsyncBufRead;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::client_requests::{ClientAnswer, client_error};
use super::context::RequestContext;
use super::error::{ErrorKind, RpcError};
use super::framing::{Frame, FrameError, FrameReader, Framing, ReadEvent};
use super::message::OutgoingMessage;
use super::outbound::Outbound;
use crate::app::state::ServerState;

/// At stdin EOF, how long in-flight requests may still finish normally (so that a script
/// piping one request in gets its answer) before they are cancelled.
const EOF_GRACE: Duration = Duration::from_millis(800);
/// How long cancelled requests get to write their answers before the process exits.
const EXIT_GRACE: Duration = Duration::from_millis(100);

/// Why the server stopped serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// stdin closed.
    Eof,
    /// `exit` notification; `after_shutdown` tells whether `shutdown` came first.
    Exit { after_shutdown: bool },
    /// SIGTERM or SIGINT.
    Signal,
    /// The host process named in `initialize.processId` exited; `after_shutdown` as for `Exit`.
    HostExited { after_shutdown: bool },
    /// Reading stdin failed.
    ReadError,
}

impl StopReason {
    /// LSP convention: `exit` without a prior `shutdown` exits 1; everything else exits 0.
    pub fn exit_code(self) -> i32 {
        match self {
            StopReason::Exit {
                after_shutdown: false,
            }
            | StopReason::HostExited {
                after_shutdown: false,
            } => 1,
            _ => 0,
        }
    }
}

/// Routes messages to handlers and tracks what is in flight.
pub struct Dispatcher {
    methods: Methods,
    cooperative: HashSet<&'static str>,
    state: Arc<ServerState>,
    inflight: Mutex<HashMap<String, (u64, CancellationToken)>>,
    next_call: std::sync::atomic::AtomicU64,
    tasks: TaskTracker,
    stop: CancellationToken,
    stop_reason: Mutex<Option<StopReason>>,
}

impl Dispatcher {
    pub fn new(
        methods: Methods,
        cooperative: HashSet<&'static str>,
        state: Arc<ServerState>,
    ) -> Arc<Self> {
        Arc::new(Self {
            methods,
            cooperative,
            state,
            inflight: Mutex::new(HashMap::new()),
            next_call: std::sync::atomic::AtomicU64::new(0),
            tasks: TaskTracker::new(),
            stop: CancellationToken::new(),
            stop_reason: Mutex::new(None),
        })
    }

    fn outbound(&self) -> &Outbound {
        &self.state.outbound
    }

    /// Serves `input` until EOF, `exit`, a signal, or a read error.
    pub async fn serve<R: AsyncBufRead + Unpin>(self: &Arc<Self>, input: R) -> StopReason {
        let max = self.state.settings().max_message_bytes;
        let mut reader = FrameReader::new(input, max);
        self.outbound().client_requests().open();
        let signal = shutdown_signal();
        tokio::pin!(signal);
        let reason = loop {
            tokio::select! {
                biased;
                _ = self.stop.cancelled() => {
                    break self.take_stop_reason().unwrap_or(StopReason::Eof);
                }
                _ = &mut signal => break StopReason::Signal,
                _ = self.state.host.gone() => break StopReason::HostExited {
                    after_shutdown: self.state.is_shutting_down(),
                },
                event = reader.next() => match event {
                    Ok(ReadEvent::Message(frame)) => self.on_frame(frame),
                    Ok(ReadEvent::Error(err)) => self.on_frame_error(err).await,
                    Ok(ReadEvent::Eof) => break StopReason::Eof,
                    Err(err) => {
                        tracing::warn!(%err, "reading stdin failed");
                        break StopReason::ReadError;
                    }
                },
            }
        };
        tracing::debug!(?reason, "stopping");
        // No answer to the server's own requests can come any more: their waiters fail now
        // rather than at their timeouts.
        self.outbound().client_requests().close();
        self.tasks.close();
        if reason == StopReason::Eof {
            let _ = tokio::time::timeout(EOF_GRACE, self.tasks.wait()).await;
        }
        self.cancel_all();
        let _ = tokio::time::timeout(EXIT_GRACE, self.tasks.wait()).await;
        reason
    }

    fn take_stop_reason(&self) -> Option<StopReason> {
        *self.stop_reason.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn request_stop(&self, reason: StopReason) {
        *self.stop_reason.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason);
        self.stop.cancel();
    }

    fn cancel_all(&self) {
        let inflight = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
        for (_, token) in inflight.values() {
            token.cancel();
        }
    }

    async fn on_frame_error(&self, err: FrameError) {
        tracing::warn!(%err, "bad input on stdin");
        let kind = match &err {
            FrameError::TooLarge { .. } => ErrorKind::MessageTooLarge,
            FrameError::BadHeader { .. } => ErrorKind::BadHeader,
            FrameError::Garbage { .. } => ErrorKind::GarbageInput,
        };
        let data = match &err {
            FrameError::TooLarge { size, limit, .. } => {
                serde_json::json!({ "size": size, "limit": limit })
            }
            FrameError::BadHeader { detail } => serde_json::json!({ "detail": detail }),
            FrameError::Garbage { skipped } => serde_json::json!({ "skipped": skipped }),
        };
        let framing = match &err {
            FrameError::TooLarge { framing, .. } => *framing,
            FrameError::BadHeader { .. } => Framing::Lsp,
            FrameError::Garbage { .. } => self.outbound().client_framing(),
        };
        let response = RpcError::new(kind, err.to_string())
            .with_data(data)
            .to_response(&Value::Null);
        self.send_value(framing, &response).await;
    }

    async fn send_value(&self, framing: Framing, value: &Value) {
        let body = serde_json::to_vec(value).expect("a Value always serializes");
        self.outbound().send(framing, &body).await;
    }

    /// Admits one frame and hands its work to a task; the reader goes straight on to the next.
    ///
    /// Admission happens here, in reading order: requests are registered as in flight and
    /// notifications (`$/cancelRequest`, `exit`) take effect before the next frame is read, so a
    /// cancel can never overtake the request it cancels.
    fn on_frame(self: &Arc<Self>, frame: Frame) {
        let framing = frame.framing;
        self.outbound().note_client_framing(framing);
        let body = super::lone_surrogates::replace_lone_surrogates(&frame.body);
        let value: Value = match serde_json::from_slice(&body) {
            Ok(value) => value,
            Err(err) => {
                let error = RpcError::new(ErrorKind::ParseError, format!("parse error: {err}"))
                    .with_data(serde_json::json!({
                        "line": err.line(),
                        "column": err.column(),
                    }));
                self.answer_later(
                    framing,
                    Job::Answer(error.to_response(&Value::Null).to_string()),
                );
                return;
            }
        };
        match value {
            Value::Array(items) if items.is_empty() => {
                let error = RpcError::new(ErrorKind::InvalidRequest, "empty batch");
                self.answer_later(
                    framing,
                    Job::Answer(error.to_response(&Value::Null).to_string()),
                );
            }
            Value::Array(items) => {
                let jobs: Vec<Job> = items.into_iter().map(|item| self.admit(item)).collect();
                let this = Arc::clone(self);
                self.tasks.spawn(async move {
                    let answers =
                        join_all(jobs.into_iter().map(|job| this.run(job, framing))).await;
                    let answers: Vec<OutgoingMessage> = answers.into_iter().flatten().collect();
                    if !answers.is_empty() {
                        this.outbound()
                            .send_message(framing, batch_response(&answers))
                            .await;
                    }
                });
            }
            value => {
                let job = self.admit(value);
                self.answer_later(framing, job);
            }
        }
    }

    fn answer_later(self: &Arc<Self>, framing: Framing, job: Job) {
        if matches!(job, Job::Nothing) {
            return;
        }
        let this = Arc::clone(self);
        self.tasks.spawn(async move {
            if let Some(answer) = this.run(job, framing).await {
                this.outbound().send_message(framing, answer).await;
            }
        });
    }

    /// Validates one message (a frame or a batch element) and registers it, synchronously.
    fn admit(&self, value: Value) -> Job {
        let envelope = match Envelope::parse(value) {
            Ok(envelope) => envelope,
            Err(rejected) => {
                let (id, error) = *rejected;
                return Job::Answer(error.to_response(&id).to_string());
            }
        };
        match envelope {
            Envelope::Response { id, answer } => {
                self.outbound().client_requests().answer(&id, answer);
                Job::Nothing
            }
            Envelope::Notification { method, params } => match method.as_str() {
                "$/cancelRequest" => {
                    match params.as_ref().and_then(|p| p.get("id")) {
                        Some(id) => self.cancel(id),
                        None => tracing::debug!("$/cancelRequest without an id"),
                    }
                    Job::Nothing
                }
                "initialized" => {
                    self.state
                        .initialized
                        .store(true, std::sync::atomic::Ordering::SeqCst);
                    Job::Nothing
                }
                "exit" => {
                    let after_shutdown = self.state.is_shutting_down();
                    self.request_stop(StopReason::Exit { after_shutdown });
                    Job::Nothing
                }
                // A notification to a request method still runs; its answer is dropped.
                _ if self.methods.method(&method).is_some() => Job::Notification { method, params },
                _ => {
                    tracing::debug!(%method, "ignoring unknown notification");
                    Job::Nothing
                }
            },
            Envelope::Request { id, method, params } => {
                let flight = self.register(&id);
                Job::Request {
                    id,
                    method,
                    params,
                    flight,
                }
            }
        }
    }

    async fn run(self: &Arc<Self>, job: Job, framing: Framing) -> Option<OutgoingMessage> {
        match job {
            Job::Nothing => None,
            Job::Answer(answer) => Some(OutgoingMessage::from_body(answer.as_bytes())),
            Job::Notification { method, params } => {
                let flight = InFlight {
                    token: self.stop.child_token(),
                    tracked: None,
                };
                let _ = self
                    .execute(Value::Null, &method, params, framing, flight)
                    .await;
                None
            }
            Job::Request {
                id,
                method,
                params,
                flight,
            } => Some(self.execute(id, &method, params, framing, flight).await),
        }
    }

    fn cancel(&self, id: &Value) {
        let key = id_key(id);
        let inflight = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
        match inflight.get(&key) {
            Some((_, token)) => token.cancel(),
            None => tracing::debug!(id = %key, "cancel for a request not in flight"),
        }
    }

    /// Registers a request as in flight so that `$/cancelRequest` can reach it.
    fn register(&self, id: &Value) -> InFlight {
        let token = self.stop.child_token();
        if id.is_null() {
            return InFlight {
                token,
                tracked: None,
            };
        }
        let key = id_key(id);
        let call_number = self
            .next_call
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut inflight = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
        if inflight
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

    fn unregister(&self, flight: &InFlight) {
        if let Some((key, call_number)) = &flight.tracked {
            let mut inflight = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
            if inflight.get(key).is_some_and(|(n, _)| n == call_number) {
                inflight.remove(key);
            }
        }
    }

    /// Runs one request in its own task and returns its serialized response.
    async fn execute(
        self: &Arc<Self>,
        id: Value,
        method: &str,
        params: Option<Value>,
        framing: Framing,
        flight: InFlight,
    ) -> OutgoingMessage {
        let answer = self
            .execute_inner(&id, method, params, framing, &flight)
            .await;
        self.unregister(&flight);
        answer
    }

    async fn execute_inner(
        self: &Arc<Self>,
        id: &Value,
        method: &str,
        params: Option<Value>,
        framing: Framing,
        flight: &InFlight,
    ) -> OutgoingMessage {
        let text = |text: String| OutgoingMessage::from_body(text.as_bytes());
        if self.state.is_shutting_down() {
            return text(
                RpcError::new(
                    ErrorKind::ServerShuttingDown,
                    "the server is shutting down; only `exit` is accepted",
                )
                .to_response(id)
                .to_string(),
            );
        }
        let Some((name, callback)) = self.methods.method_with_name(method) else {
            return text(
                RpcError::new(
                    ErrorKind::MethodNotFound,
                    format!("method not found: {method}"),
                )
                .with_data(serde_json::json!({ "method": method }))
                .to_response(id)
                .to_string(),
            );
        };
        let MethodCallback::Async(callback) = callback else {
            return text(
                RpcError::internal(format!("method {name} is not an async method"))
                    .to_response(id)
                    .to_string(),
            );
        };
        let callback = callback.clone();
        let token = flight.token.clone();
        let cx = RequestContext::new(id.clone(), token.clone(), framing, self.outbound().clone());
        let answer = cx.answer_slot().clone();
        let mut extensions = jsonrpsee::Extensions::new();
        extensions.insert(cx);
        let rpc_id = to_rpc_id(id);
        let exact_id = rpc_id.is_some();
        let params_text = params.map(|p| p.to_string());
        let handler = tokio::spawn(async move {
            let params = Params::new(params_text.as_deref()).into_owned();
            let response = (callback)(
                rpc_id.unwrap_or(Id::Null),
                params,
                jsonrpsee::ConnectionId(0),
                usize::MAX,
                extensions,
            )
            .await;
            response.into_parts().0
        });
        let abort = handler.abort_handle();

        let outcome = if self.cooperative.contains(name) {
            handler.await
        } else {
            tokio::select! {
                joined = handler => joined,
                _ = token.cancelled() => {
                    abort.abort();
                    Ok(cancelled_response(id))
                }
            }
        };

        match outcome {
            Ok(raw) => match answer.take() {
                Some(success) => success,
                None if exact_id => text(String::from(Box::<str>::from(raw))),
                None => text(with_id(&raw, id)),
            },
            Err(join_error) if join_error.is_panic() => {
                tracing::error!(method = %name, "handler panicked");
                text(
                    RpcError::new(
                        ErrorKind::InternalPanic,
                        format!("internal error in {name}"),
                    )
                    .to_response(id)
                    .to_string(),
                )
            }
            Err(_) => text(cancelled_response_text(id)),
        }
    }
}

/// A request's cancellation token and its entry in the in-flight table.
struct InFlight {
    token: CancellationToken,
    tracked: Option<(String, u64)>,
}

/// What one admitted message still needs.
enum Job {
    Nothing,
    Answer(String),
    Notification {
        method: String,
        params: Option<Value>,
    },
    Request {
        id: Value,
        method: String,
        params: Option<Value>,
        flight: InFlight,
    },
}

/// `[a,b,...]` of the answers of a batch.
fn batch_response(answers: &[OutgoingMessage]) -> OutgoingMessage {
    let size = answers.iter().map(|a| a.body_len() + 1).sum::<usize>() + 1;
    let mut batch = OutgoingMessage::with_capacity(size);
    batch.push_bytes(b"[");
    for (index, answer) in answers.iter().enumerate() {
        if index > 0 {
            batch.push_bytes(b",");
        }
        batch.push_bytes(answer.body());
    }
    batch.push_bytes(b"]");
    batch
}

fn cancelled_response(id: &Value) -> Box<RawValue> {
    RawValue::from_string(cancelled_response_text(id)).expect("serialized JSON is valid JSON")
}

fn cancelled_response_text(id: &Value) -> String {
    RpcError::cancelled().to_response(id).to_string()
}

/// jsonrpsee ids are u64 numbers, strings or null; other ids are patched into the response.
fn to_rpc_id(id: &Value) -> Option<Id<'static>> {
    match id {
        Value::Null => Some(Id::Null),
        Value::String(s) => Some(Id::Str(s.clone().into())),
        Value::Number(n) => n.as_u64().map(Id::Number),
        _ => None,
    }
}

fn with_id(raw: &RawValue, id: &Value) -> String {
    match serde_json::from_str::<Value>(raw.get()) {
        Ok(Value::Object(mut object)) => {
            object.insert("id".into(), id.clone());
            Value::Object(object).to_string()
        }
        _ => raw.get().to_string(),
    }
}

fn id_key(id: &Value) -> String {
    id.to_string()
}

/// A validated JSON-RPC 2.0 message from the client.
enum Envelope {
    Request {
        id: Value,
        method: String,
        params: Option<Value>,
    },
    Notification {
        method: String,
        params: Option<Value>,
    },
    /// The client's answer to one of the server's own requests.
    Response { id: Value, answer: ClientAnswer },
}

impl Envelope {
    fn parse(value: Value) -> Result<Envelope, Box<(Value, RpcError)>> {
        let Value::Object(mut object) = value else {
            return Err(Box::new((
                Value::Null,
                RpcError::new(ErrorKind::InvalidRequest, "a request must be a JSON object"),
            )));
        };
        let id = object.remove("id");
        let id_for_error = match &id {
            Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
            _ => Value::Null,
        };
        let invalid = |reason: &str| {
            Err(Box::new((
                id_for_error.clone(),
                RpcError::new(
                    ErrorKind::InvalidRequest,
                    format!("invalid request: {reason}"),
                ),
            )))
        };
        if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return invalid("`jsonrpc` must be \"2.0\"");
        }
        let method = match object.remove("method") {
            Some(Value::String(method)) => method,
            Some(_) => return invalid("`method` must be a string"),
            None if object.contains_key("result") || object.contains_key("error") => {
                let id = id.unwrap_or(Value::Null);
                let answer = match (object.remove("result"), object.remove("error")) {
                    (_, Some(error)) => Err(client_error(error)),
                    (result, None) => Ok(result.unwrap_or(Value::Null)),
                };
                return Ok(Envelope::Response { id, answer });
            }
            None => return invalid("`method` is missing"),
        };
        let params = match object.remove("params") {
            None => None,
            Some(params @ (Value::Object(_) | Value::Array(_))) => Some(params),
            Some(Value::Null) => None,
            Some(_) => return invalid("`params` must be an object or an array"),
        };
        match id {
            None => Ok(Envelope::Notification { method, params }),
            Some(id @ (Value::Number(_) | Value::String(_) | Value::Null)) => {
                Ok(Envelope::Request { id, method, params })
            }
            Some(_) => invalid("`id` must be a number, a string or null"),
        }
    }
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C on other platforms).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        match (term, int) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => std::future::pending::<()>().await,
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
