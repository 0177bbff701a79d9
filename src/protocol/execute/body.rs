//! The stream loop over a response body: decode the framing, parse the wire format's events, hand
//! the parts on, and end (completed, interrupted, timed out or cancelled) with a result.

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::cancel::CancelWatch;
use super::open::transport_failure;
use super::{ExecuteOptions, PartSink, PreparedRequest, hand_on, limit_or_forever};
use crate::protocol::error::{ProtocolError, ProviderFailure};
use crate::protocol::eventstream::EventStreamDecoder;
use crate::protocol::sse::{SseDecoder, SseEvent};
use crate::protocol::types::{ChatResult, StreamPart};
use crate::protocol::{EventFraming, PartCollector, StreamParser, WireEvent, WireFormat};

/// A stream's parts passed on with no wait for a batch, once each has been parsed: a start and the
/// first deltas.
const FLUSHED_AT_ONCE: usize = 4;

enum Decoder {
    /// The decoder and a buffer for its events, reused across chunks.
    Sse(SseDecoder, Vec<SseEvent>),
    Aws(EventStreamDecoder),
}

impl Decoder {
    fn new(framing: EventFraming) -> Self {
        match framing {
            EventFraming::Sse => Decoder::Sse(SseDecoder::new(), Vec::new()),
            EventFraming::AwsEventStream => Decoder::Aws(EventStreamDecoder::new()),
        }
    }

    fn feed(&mut self, chunk: &[u8], out: &mut Vec<WireEvent>) -> Result<(), ProviderFailure> {
        match self {
            Decoder::Sse(decoder, events) => {
                decoder.feed(chunk, events);
                out.extend(events.drain(..).map(|e| WireEvent {
                    name: e.event,
                    data: e.data,
                    exception: false,
                }));
                Ok(())
            }
            Decoder::Aws(decoder) => {
                let mut messages = Vec::new();
                let result = decoder.feed(chunk, &mut messages);
                out.extend(messages.into_iter().map(|message| {
                    let message_type = message.header_str(":message-type").unwrap_or("event");
                    let exception = message_type != "event";
                    let name = if exception {
                        message
                            .header_str(":exception-type")
                            .or(message.header_str(":error-code"))
                    } else {
                        message.header_str(":event-type")
                    };
                    WireEvent {
                        name: name.map(str::to_string),
                        data: String::from_utf8_lossy(&message.payload).into_owned(),
                        exception,
                    }
                }));
                result.map_err(|err| {
                    ProviderFailure::interrupted(format!("corrupt event stream: {err}"))
                })
            }
        }
    }

    /// End of body; an error if a frame was cut off.
    fn finish(&mut self, out: &mut Vec<WireEvent>) -> Result<(), ProviderFailure> {
        match self {
            Decoder::Sse(decoder, events) => {
                decoder.finish(events);
                out.extend(events.drain(..).map(|e| WireEvent {
                    name: e.event,
                    data: e.data,
                    exception: false,
                }));
                Ok(())
            }
            Decoder::Aws(decoder) if decoder.pending() > 0 => Err(ProviderFailure::interrupted(
                "event stream ended inside a frame",
            )),
            Decoder::Aws(_) => Ok(()),
        }
    }
}

pub(super) async fn stream_body(
    mut response: reqwest::Response,
    first_chunk: Option<bytes::Bytes>,
    request: &PreparedRequest,
    format: WireFormat,
    options: &ExecuteOptions,
    cancel: &CancellationToken,
    sink: &mut dyn PartSink,
) -> (ChatResult, Option<ProtocolError>) {
    let mut parser = format.parser();
    let mut decoder = Decoder::new(format.framing());
    let mut collector = PartCollector::shaped(request.shape.clone());
    let mut events = Vec::new();
    let idle = limit_or_forever(options.timeouts.idle_ms);
    let mut next_chunk = first_chunk;
    let mut interrupted: Option<ProviderFailure> = None;
    let mut cancelled = false;
    // One idle timer, armed once and pushed back only when it fires: a fresh timeout per chunk would
    // register a timer per socket read, and each registration may wake the runtime's timer driver.
    let idle_timer = tokio::time::sleep(idle);
    tokio::pin!(idle_timer);
    // Looked at per chunk and waited for at nearly every wait: see `CancelWatch`.
    let mut cancel = CancelWatch::new(cancel);
    let mut last_data;
    let mut parts_flushed_at_once = 0;
    loop {
        let Some(chunk) = next_chunk.take() else {
            break;
        };
        let fed = decoder.feed(&chunk, &mut events);
        for event in events.drain(..) {
            parser.on_event(&event, &mut collector);
        }
        let handed = hand_on(&mut collector, sink);
        // A stream's first parts go on at once even in a burst, where the data would not run dry
        // before a whole batch has gathered.
        if handed > 0 && parts_flushed_at_once < FLUSHED_AT_ONCE {
            sink.flush();
            parts_flushed_at_once += handed;
        }
        if let Err(failure) = fed {
            interrupted = Some(failure);
            break;
        }
        // Cancellation is looked at once per chunk here (a body that buffers, as HTTP/2 does, may
        // have its next chunk ready at every turn), and waited for only where the loop waits, after
        // the branches that are usually ready.
        if cancel.check() {
            cancelled = true;
            break;
        }
        // The sink is flushed once the data already received is all parsed: when the next chunk is
        // not there yet and the runtime has run everything else that was ready (the connection task
        // among them, which hands over the body one HTTP chunk at a time, so a chunk is not a
        // network read). `yield_to_ready_tasks` wakes this task just then, so a burst goes on in a
        // few large batches while the first part of a stream still goes on at once.
        let mut flushed = false;
        // A host that reads slowly slows the stream: nothing more is read until the sink has room.
        let ready = tokio::select! {
            biased;
            () = std::future::poll_fn(|cx| sink.poll_ready(cx)) => true,
            () = cancel.cancelled() => false,
        };
        if !ready {
            cancelled = true;
            break;
        }
        // The idle timeout counts from here: time spent waiting for the host is not the provider's.
        last_data = Instant::now();
        let chunk = response.chunk();
        tokio::pin!(chunk);
        let next = loop {
            tokio::select! {
                biased;
                next = &mut chunk => break Some(Ok(next)),
                () = cancel.cancelled() => break None,
                () = yield_to_ready_tasks(), if !flushed => {
                    sink.flush();
                    flushed = true;
                }
                () = &mut idle_timer => {
                    let deadline = last_data + idle;
                    if deadline <= Instant::now() {
                        break Some(Err(()));
                    }
                    idle_timer.as_mut().reset(deadline);
                }
            }
        };
        let Some(next) = next else {
            cancelled = true;
            break;
        };
        match next {
            Err(_) => {
                interrupted = Some(ProviderFailure::interrupted(format!(
                    "no data from the provider for {} ms (idle timeout)",
                    idle.as_millis()
                )));
                break;
            }
            Ok(Err(err)) => {
                interrupted = Some(ProviderFailure::interrupted(format!(
                    "the stream broke: {}",
                    transport_failure(err).message
                )));
                break;
            }
            Ok(Ok(chunk)) => next_chunk = chunk,
        }
    }
    // Dropping the response closes the connection now, whatever state it is in.
    drop(response);
    if cancelled {
        parser.close(false, &mut collector);
        hand_on(&mut collector, sink);
        sink.flush();
        return (collector.result(), Some(ProtocolError::Cancelled));
    }
    if interrupted.is_none() {
        if let Err(failure) = decoder.finish(&mut events) {
            interrupted = Some(failure);
        }
        for event in events.drain(..) {
            parser.on_event(&event, &mut collector);
        }
    }
    let complete = interrupted.is_none() && collector.error().is_none() && parser.is_complete();
    if interrupted.is_none() && collector.error().is_none() && !complete {
        interrupted = Some(ProviderFailure::interrupted(
            "the stream ended before the provider's end-of-message",
        ));
    }
    parser.close(complete, &mut collector);
    if let Some(failure) = interrupted {
        collector.fail(failure);
    }
    collector.finish();
    hand_on(&mut collector, sink);
    sink.flush();
    let error = collector.error().cloned().map(ProtocolError::from);
    (collector.result(), error)
}

/// Ready once every task that was ready when it was first polled has run: the task wakes itself
/// and goes to the back of its runtime's queue. `tokio::task::yield_now` holds its wake-up until
/// the runtime next polls its I/O driver, and that late wake-up polls the loop's whole `select`
/// again after the chunk has already woken it (32 streams at once, same run: sidecar CPU per
/// round 55.2 ms this way against 56.0 ms).
fn yield_to_ready_tasks() -> impl std::future::Future<Output = ()> {
    let mut yielded = false;
    std::future::poll_fn(move |cx| {
        if yielded {
            return std::task::Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    })
}

/// Runs a whole response body already in memory through a wire format's parser (tests, benchmarks,
/// non-HTTP transports). Returns every part and the final result.
pub fn parse_body(format: WireFormat, body: &[u8]) -> (Vec<StreamPart>, ChatResult) {
    let mut parser: Box<dyn StreamParser> = format.parser();
    let mut decoder = Decoder::new(format.framing());
    let mut collector = PartCollector::new();
    let mut events = Vec::new();
    let mut failure = decoder.feed(body, &mut events).err();
    if failure.is_none() {
        failure = decoder.finish(&mut events).err();
    }
    for event in events.drain(..) {
        parser.on_event(&event, &mut collector);
    }
    let complete = failure.is_none() && collector.error().is_none() && parser.is_complete();
    if failure.is_none() && collector.error().is_none() && !complete {
        failure = Some(ProviderFailure::interrupted(
            "the stream ended before the provider's end-of-message",
        ));
    }
    parser.close(complete, &mut collector);
    if let Some(failure) = failure {
        collector.fail(failure);
    }
    collector.finish();
    (collector.take_parts(), collector.result())
}
