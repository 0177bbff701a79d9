//! Runs a prepared provider request over reqwest and streams the normalized parts: first-byte and idle
//! timeouts, bounded retries before the first byte, cancellation that drops the connection at once, and a
//! partial result whenever the stream ends early.
//!
//! Here: the sink the parts go to, the options, and the retry loop. The client (`client`), the
//! request (`request`), sending it up to its first byte (`open`) and the stream loop over its body
//! (`body`) have modules of their own.

mod body;
mod cancel;
mod client;
mod open;
mod request;

#[cfg(test)]
mod flush_tests;

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use body::parse_body;
pub use client::{ClientOptions, build_client};
pub use request::PreparedRequest;

use super::error::{ProtocolError, RetryPolicy};
use super::types::{ChatResult, StreamPart};
use super::{PartCollector, WireFormat};
use body::stream_body;
use open::{Opened, open_stream};

/// Where a stream's normalized parts go, in order. [`execute_stream`] calls `flush` once it has handed on
/// the parts of every byte received so far, before it waits for more, and when the stream ends
/// (completed, failed or cancelled): a sink may gather the parts of one network read and pass them on
/// together. `part` must not block; a sink that cannot take more says so in `poll_ready`, and the
/// stream reads nothing more from the network until it is ready (backpressure).
pub trait PartSink: Send {
    fn part(&mut self, part: StreamPart);

    /// No more parts until the next network read: pass on whatever was gathered.
    fn flush(&mut self) {}

    /// `Ready` when the sink takes more parts; `Pending` (waking `cx` once it does) while what it
    /// passed on is still waiting for room downstream.
    fn poll_ready(&mut self, _cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        std::task::Poll::Ready(())
    }
}

/// A closure is a sink that passes each part on at once.
impl<F: FnMut(StreamPart) + Send> PartSink for F {
    fn part(&mut self, part: StreamPart) {
        self(part)
    }
}

/// Timeouts in milliseconds; the defaults are generous for slow local models, and 0 disables one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct Timeouts {
    /// TCP + TLS connect (applied by [`build_client`]).
    pub connect_ms: u64,
    /// From sending the request to the first byte of the response body.
    pub first_byte_ms: u64,
    /// Longest silence between two body chunks.
    pub idle_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect_ms: 30_000,
            first_byte_ms: 300_000,
            idle_ms: 300_000,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct ExecuteOptions {
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
}

/// 0 means no limit (a year is as good as forever here, and keeps `Instant` arithmetic safe).
fn limit_or_forever(ms: u64) -> Duration {
    if ms == 0 {
        Duration::from_secs(365 * 24 * 3600)
    } else {
        Duration::from_millis(ms)
    }
}

/// How a stream call ended: the result (partial unless `error` is `None`) and the error, if any.
#[derive(Debug)]
pub struct Execution {
    pub result: ChatResult,
    pub error: Option<ProtocolError>,
    /// HTTP attempts made (1 + retries).
    pub attempts: u32,
}

/// Sends `request`, retrying (bounded) before the first byte, then streams the body through the parser of
/// `format`, handing each normalized part to `sink` and flushing it after each network read (see
/// [`PartSink`]). Never hangs: every wait is bounded by a timeout or by `cancel`, which drops
/// the connection at once and returns the partial result with `ProtocolError::Cancelled`.
pub async fn execute_stream(
    client: &reqwest::Client,
    request: &PreparedRequest,
    format: WireFormat,
    options: &ExecuteOptions,
    cancel: &CancellationToken,
    sink: &mut dyn PartSink,
) -> Execution {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let deadline = Instant::now() + limit_or_forever(options.timeouts.first_byte_ms);
        let failure = match open_stream(client, request, format.framing(), deadline, cancel).await {
            Opened::Cancelled => {
                return Execution {
                    result: PartCollector::new().result(),
                    error: Some(ProtocolError::Cancelled),
                    attempts,
                };
            }
            Opened::Failed(failure) => failure,
            Opened::Response(response, first_chunk) => {
                let (result, error) = stream_body(
                    response,
                    first_chunk,
                    request,
                    format,
                    options,
                    cancel,
                    sink,
                )
                .await;
                return Execution {
                    result,
                    error,
                    attempts,
                };
            }
        };
        match options.retry.delay_for(attempts, &failure) {
            Some(delay) => {
                tracing::warn!(kind = failure.kind.as_str(), status = ?failure.status, attempt = attempts,
                    delay_ms = delay.as_millis() as u64, "provider request failed; retrying");
                tokio::select! {
                    _ = cancel.cancelled() => {
                        return Execution { result: PartCollector::new().result(), error: Some(ProtocolError::Cancelled), attempts };
                    }
                    _ = tokio::time::sleep(delay) => {}
                }
            }
            None => {
                let mut collector = PartCollector::new();
                collector.fail(failure.clone());
                collector.finish();
                hand_on(&mut collector, sink);
                sink.flush();
                return Execution {
                    result: collector.result(),
                    error: Some(failure.into()),
                    attempts,
                };
            }
        }
    }
}

/// Hands every part collected so far to `sink`; returns how many.
fn hand_on(collector: &mut PartCollector, sink: &mut dyn PartSink) -> usize {
    let mut count = 0;
    for part in collector.drain_parts() {
        sink.part(part);
        count += 1;
    }
    count
}
