//! The dispatcher: reads frames, admits each message in reading order, runs requests
//! concurrently, and writes their answers in the framing they came in.
//!
//! Admission happens on the reading side, before the next frame is read: requests are registered
//! as in flight and notifications (`$/cancelRequest`, `initialized`, `exit`) and answers to the
//! server's own requests take effect at once, so a cancel never overtakes the request it cancels.
//! Every call then runs in its own task (a slow chat never blocks `model/search`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::join_all;
use jsonrpsee::types::Params;
use serde_json::Value;
use tokio::io::AsyncBufRead;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::error::{ErrorKind, RpcError};
use super::framing::{Frame, FrameError, FrameReader, Framing, ReadEvent};
use super::incoming::{Body, Checked, Incoming, read_body};
use super::inflight::{InFlight, InFlightTable};
use super::invoke::{Call, Handlers, error_message};
use super::lifecycle::{Lifecycle, StopReason, shutdown_signal};
use super::message::OutgoingMessage;
use super::outbound::Outbound;

/// At stdin EOF, how long in-flight requests may still finish normally (so that a script
/// piping one request in gets its answer) before they are cancelled.
const EOF_GRACE: Duration = Duration::from_millis(800);
/// How long cancelled requests get to write their answers before the process exits.
const EXIT_GRACE: Duration = Duration::from_millis(100);

/// Routes messages to handlers and tracks what is in flight.
pub struct Dispatcher {
    handlers: Handlers,
    outbound: Outbound,
    lifecycle: Arc<Lifecycle>,
    max_message_bytes: usize,
    inflight: InFlightTable,
    tasks: TaskTracker,
    stop: CancellationToken,
    stop_reason: Mutex<Option<StopReason>>,
    /// Set to `true` once the latest `initialize` is answered.
    initialized: Mutex<Option<watch::Receiver<bool>>>,
}

/// A message's place behind `initialize`: a client that sends requests right after it, without
/// waiting for its answer (as LSP asks), has them served with the configuration it sets. Without
/// this, which ran first was up to the scheduler (measured: `doctor/report` pipelined behind
/// `initialize` saw no config in 5 of 12 runs).
#[derive(Default)]
struct Sequence {
    /// The pending `initialize` this message waits for.
    after: Option<watch::Receiver<bool>>,
    /// For `initialize` itself: told when it is answered.
    answered: Option<watch::Sender<bool>>,
}

impl Sequence {
    async fn wait_turn(&mut self) {
        if let Some(mut initialize) = self.after.take() {
            // An `initialize` that never answers (dropped) lets the others go.
            let _ = initialize.wait_for(|answered| *answered).await;
        }
    }

    fn done(self) {
        if let Some(answered) = self.answered {
            answered.send_replace(true);
        }
    }
}

/// What one admitted message still needs.
enum Job {
    Nothing,
    Answer(OutgoingMessage),
    /// A notification to a request method: it runs, its answer is dropped.
    Notification {
        method: String,
        params: Params<'static>,
        sequence: Sequence,
    },
    Request {
        id: Value,
        method: String,
        params: Params<'static>,
        flight: InFlight,
        sequence: Sequence,
    },
}

impl Dispatcher {
    /// A dispatcher of `handlers` that writes through `outbound` and rejects messages over
    /// `max_message_bytes`.
    pub fn new(
        handlers: Handlers,
        outbound: Outbound,
        lifecycle: Arc<Lifecycle>,
        max_message_bytes: usize,
    ) -> Arc<Self> {
        Arc::new(Self {
            handlers,
            outbound,
            lifecycle,
            max_message_bytes,
            inflight: InFlightTable::default(),
            tasks: TaskTracker::new(),
            stop: CancellationToken::new(),
            stop_reason: Mutex::new(None),
            initialized: Mutex::new(None),
        })
    }

    /// Serves `input` until EOF, `exit`, a signal, the host's exit, or a read error; then lets
    /// in-flight work finish (briefly at EOF), cancels the rest and waits for its answers.
    pub async fn serve<R: AsyncBufRead + Unpin>(self: &Arc<Self>, input: R) -> StopReason {
        let mut reader = FrameReader::new(input, self.max_message_bytes);
        self.outbound.client_requests().open();
        let signal = shutdown_signal();
        tokio::pin!(signal);
        let host_exit = self.lifecycle.host_exit();
        let reason = loop {
            tokio::select! {
                biased;
                _ = self.stop.cancelled() => {
                    break self.take_stop_reason().unwrap_or(StopReason::Eof);
                }
                _ = &mut signal => break StopReason::Signal,
                _ = host_exit.cancelled() => break StopReason::HostExited {
                    after_shutdown: self.lifecycle.is_shutting_down(),
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
        self.outbound.client_requests().close();
        self.tasks.close();
        if reason == StopReason::Eof {
            let _ = tokio::time::timeout(EOF_GRACE, self.tasks.wait()).await;
        }
        self.inflight.cancel_all();
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

    async fn on_frame_error(&self, err: FrameError) {
        tracing::warn!(%err, "bad input on stdin");
        let (kind, data, framing) = match &err {
            FrameError::TooLarge {
                size,
                limit,
                framing,
            } => (
                ErrorKind::MessageTooLarge,
                serde_json::json!({ "size": size, "limit": limit }),
                *framing,
            ),
            FrameError::BadHeader { detail } => (
                ErrorKind::BadHeader,
                serde_json::json!({ "detail": detail }),
                Framing::Lsp,
            ),
            FrameError::Garbage { skipped } => (
                ErrorKind::GarbageInput,
                serde_json::json!({ "skipped": skipped }),
                self.outbound.client_framing(),
            ),
        };
        let error = RpcError::new(kind, err.to_string()).with_data(data);
        self.outbound
            .send_message(framing, error_message(&error, &Value::Null))
            .await;
    }

    /// Admits one frame and hands its work to a task; the reader goes straight on to the next.
    fn on_frame(self: &Arc<Self>, frame: Frame) {
        let framing = frame.framing;
        self.outbound.note_client_framing(framing);
        let body = super::lone_surrogates::replace_lone_surrogates(&frame.body);
        match read_body(&body) {
            Err(err) => {
                let error = RpcError::new(ErrorKind::ParseError, format!("parse error: {err}"))
                    .with_data(serde_json::json!({
                        "line": err.line(),
                        "column": err.column(),
                    }));
                self.answer_later(framing, Job::Answer(error_message(&error, &Value::Null)));
            }
            Ok(Body::Single(message)) => {
                let job = self.admit(message);
                self.answer_later(framing, job);
            }
            Ok(Body::Batch(messages)) => {
                let jobs: Vec<Job> = messages.into_iter().map(|m| self.admit(m)).collect();
                let this = Arc::clone(self);
                self.tasks.spawn(async move {
                    let answers =
                        join_all(jobs.into_iter().map(|job| this.run(job, framing))).await;
                    let answers: Vec<OutgoingMessage> = answers.into_iter().flatten().collect();
                    if !answers.is_empty() {
                        this.outbound
                            .send_message(framing, OutgoingMessage::batch(&answers))
                            .await;
                    }
                });
            }
        }
    }

    fn answer_later(self: &Arc<Self>, framing: Framing, job: Job) {
        if matches!(job, Job::Nothing) {
            return;
        }
        let runtime = match &job {
            Job::Request { method, .. } | Job::Notification { method, .. } => {
                self.handlers.runtime_for(method)
            }
            Job::Nothing | Job::Answer(_) => None,
        };
        let this = Arc::clone(self);
        let work = async move {
            if let Some(answer) = this.run(job, framing).await {
                this.outbound.send_message(framing, answer).await;
            }
        };
        match runtime {
            Some(runtime) => self.tasks.spawn_on(work, &runtime),
            None => self.tasks.spawn(work),
        };
    }

    /// Takes one checked message (a frame or a batch element) into account, synchronously.
    fn admit(&self, message: Checked) -> Job {
        match message {
            Err(invalid) => Job::Answer(error_message(&invalid.error, &invalid.id)),
            Ok(Incoming::Response { id, answer }) => {
                self.outbound.client_requests().answer(&id, answer);
                Job::Nothing
            }
            Ok(Incoming::Notification { method, params }) => self.notified(method, params),
            Ok(Incoming::Request { id, method, params }) => {
                let flight = self.inflight.register(&id, &self.stop);
                let sequence = self.sequence(&method);
                Job::Request {
                    id,
                    method,
                    params,
                    flight,
                    sequence,
                }
            }
        }
    }

    fn notified(&self, method: String, params: Params<'static>) -> Job {
        match method.as_str() {
            "$/cancelRequest" => {
                let target = params
                    .as_str()
                    .and_then(|text| serde_json::from_str::<Value>(text).ok())
                    .and_then(|params| params.get("id").cloned());
                match target {
                    Some(id) => {
                        self.inflight.cancel(&id);
                    }
                    None => tracing::debug!("$/cancelRequest without an id"),
                }
                Job::Nothing
            }
            "initialized" => {
                self.lifecycle.mark_initialized();
                Job::Nothing
            }
            "exit" => {
                let after_shutdown = self.lifecycle.is_shutting_down();
                self.request_stop(StopReason::Exit { after_shutdown });
                Job::Nothing
            }
            _ if self.handlers.has(&method) => Job::Notification {
                sequence: self.sequence(&method),
                method,
                params,
            },
            _ => {
                tracing::debug!(%method, "ignoring unknown notification");
                Job::Nothing
            }
        }
    }

    /// A message's [`Sequence`]: behind the pending `initialize`, if any; a new `initialize`
    /// becomes the one later messages wait for.
    fn sequence(&self, method: &str) -> Sequence {
        let mut pending = self
            .initialized
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let after = pending.clone().filter(|answered| !*answered.borrow());
        let answered = (method == "initialize").then(|| {
            let (answered, waiters) = watch::channel(false);
            *pending = Some(waiters);
            answered
        });
        Sequence { after, answered }
    }

    async fn run(self: &Arc<Self>, job: Job, framing: Framing) -> Option<OutgoingMessage> {
        match job {
            Job::Nothing => None,
            Job::Answer(answer) => Some(answer),
            Job::Notification {
                method,
                params,
                mut sequence,
            } => {
                sequence.wait_turn().await;
                let flight = InFlight::untracked(self.stop.child_token());
                let _ = self
                    .execute(Value::Null, method, params, framing, flight)
                    .await;
                sequence.done();
                None
            }
            Job::Request {
                id,
                method,
                params,
                flight,
                mut sequence,
            } => {
                sequence.wait_turn().await;
                let answer = self.execute(id, method, params, framing, flight).await;
                sequence.done();
                Some(answer)
            }
        }
    }

    /// Runs one call (refused once `shutdown` was answered) and returns its response.
    async fn execute(
        &self,
        id: Value,
        method: String,
        params: Params<'static>,
        framing: Framing,
        flight: InFlight,
    ) -> OutgoingMessage {
        let answer = if self.lifecycle.is_shutting_down() {
            let error = RpcError::new(
                ErrorKind::ServerShuttingDown,
                "the server is shutting down; only `exit` is accepted",
            );
            error_message(&error, &id)
        } else {
            let call = Call {
                id,
                method,
                params,
                framing,
                cancel: flight.token.clone(),
            };
            self.handlers.call(call, &self.outbound).await
        };
        self.inflight.unregister(&flight);
        answer
    }
}
