//! Runs a prepared provider request over reqwest and streams the normalized parts: first-byte and idle
//! timeouts, bounded retries before the first byte, cancellation that drops the connection at once, and a
//! partial result whenever the stream ends early.

use std::time::Duration;

use reqwest::header::HeaderMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tokio::time::{Instant, timeout_at};
use tokio_util::sync::CancellationToken;

use super::error::{FailureKind, ProtocolError, ProviderFailure, RetryPolicy, classify_http};
use super::eventstream::EventStreamDecoder;
use super::sse::SseDecoder;
use super::types::{ChatResult, StreamPart};
use super::{EventFraming, PartCollector, StreamParser, WireEvent, WireFormat};

/// The largest error body read from a failed response.
const MAX_ERROR_BODY: usize = 256 * 1024;
/// A stream's parts passed on with no wait for a batch, once each has been parsed: a start and the
/// first deltas.
const FLUSHED_AT_ONCE: usize = 4;

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

/// A request as the provider layer prepared it (URL, headers with auth, body). Its `Debug` output shows no
/// header values and no body.
#[derive(Clone)]
pub struct PreparedRequest {
    pub method: reqwest::Method,
    pub url: String,
    pub headers: HeaderMap,
    pub body: Option<bytes::Bytes>,
    /// How the answer's parts are handed on (a JSON answer asked through a tool, provider tools'
    /// declared names).
    pub shape: super::shape::ResponseShape,
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = self.url.split('?').next().unwrap_or_default();
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &url)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl PreparedRequest {
    /// A POST of a JSON body.
    pub fn post_json(url: impl Into<String>, headers: HeaderMap, body: &serde_json::Value) -> Self {
        let mut headers = headers;
        headers.entry(reqwest::header::CONTENT_TYPE).or_insert(
            reqwest::header::HeaderValue::from_static("application/json"),
        );
        PreparedRequest {
            method: reqwest::Method::POST,
            url: url.into(),
            headers,
            body: Some(bytes::Bytes::from(body.to_string())),
            shape: Default::default(),
        }
    }
}

impl PreparedRequest {
    /// A POST of a built wire request to `base_url` + its path (`base_url` without a trailing slash).
    pub fn for_wire(
        base_url: &str,
        headers: HeaderMap,
        wire: &super::request::WireRequest,
    ) -> Self {
        Self::post_json(
            format!("{}{}", base_url.trim_end_matches('/'), wire.path),
            headers,
            &wire.body,
        )
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

/// Client settings for one provider.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub connect_timeout: Option<Duration>,
    /// An explicit proxy URL (`http://`, `https://`, `socks5://`) for every request.
    pub proxy: Option<String>,
    /// Hosts that bypass `proxy` (the `NO_PROXY` syntax).
    pub no_proxy: Option<String>,
    /// When false (and no `proxy` is set), the process's `HTTP(S)_PROXY` variables are ignored; the session
    /// layer passes its own snapshot's values as `proxy` / `no_proxy` instead.
    pub use_system_proxy: bool,
    /// Extra CA certificates (PEM) trusted besides the platform roots (corporate networks).
    pub extra_ca_pem: Vec<Vec<u8>>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: None,
            proxy: None,
            no_proxy: None,
            use_system_proxy: true,
            extra_ca_pem: Vec::new(),
        }
    }
}

/// Builds a reqwest client (rustls) with the connect timeout, proxy and extra CAs.
pub fn build_client(options: &ClientOptions) -> Result<reqwest::Client, ProtocolError> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(
            options
                .connect_timeout
                .unwrap_or(Duration::from_millis(Timeouts::default().connect_ms)),
        )
        .tcp_nodelay(true);
    if let Some(proxy) = &options.proxy {
        let proxy = reqwest::Proxy::all(proxy)
            .map_err(|_| ProtocolError::Client("invalid proxy URL".into()))?
            .no_proxy(
                options
                    .no_proxy
                    .as_deref()
                    .and_then(reqwest::NoProxy::from_string),
            );
        builder = builder.proxy(proxy);
    } else if !options.use_system_proxy {
        builder = builder.no_proxy();
    }
    for pem in &options.extra_ca_pem {
        let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|err| {
            ProtocolError::Client(format!("invalid CA certificate: {}", err.without_url()))
        })?;
        if certificates.is_empty() {
            return Err(ProtocolError::Client(
                "no certificate found in the CA PEM".into(),
            ));
        }
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder
        .build()
        .map_err(|err| ProtocolError::Client(err.without_url().to_string()))
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

enum Decoder {
    /// The decoder and a buffer for its events, reused across chunks.
    Sse(SseDecoder, Vec<super::sse::SseEvent>),
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

fn transport_failure(err: reqwest::Error) -> ProviderFailure {
    let connect = err.is_connect();
    // `without_url`: a URL may carry a key (Gemini's `?key=`).
    let err = err.without_url();
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    if connect {
        ProviderFailure::new(
            FailureKind::ProviderServer,
            None,
            format!("could not connect: {text}"),
            true,
        )
    } else {
        ProviderFailure::interrupted(format!("connection failed: {text}"))
    }
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

enum Opened {
    Response(reqwest::Response, Option<bytes::Bytes>),
    Failed(ProviderFailure),
    Cancelled,
}

/// Sends the request and waits for the status and the first body chunk, all before `deadline`.
async fn open_stream(
    client: &reqwest::Client,
    request: &PreparedRequest,
    framing: EventFraming,
    deadline: Instant,
    cancel: &CancellationToken,
) -> Opened {
    let mut builder = client
        .request(request.method.clone(), &request.url)
        .headers(request.headers.clone());
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    let sent = tokio::select! {
        biased;
        _ = cancel.cancelled() => return Opened::Cancelled,
        sent = timeout_at(deadline, builder.send()) => sent,
    };
    let mut response = match sent {
        Err(_) => {
            return Opened::Failed(ProviderFailure::interrupted(
                "no response from the provider before the first-byte timeout",
            ));
        }
        Ok(Err(err)) => return Opened::Failed(transport_failure(err)),
        Ok(Ok(response)) => response,
    };
    let status = response.status();
    let json_instead_of_stream = framing == EventFraming::Sse
        && response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
    if !status.is_success() || json_instead_of_stream {
        let headers = response.headers().clone();
        let Some(body) = read_error_body(&mut response, deadline, cancel).await else {
            return Opened::Cancelled;
        };
        let text = String::from_utf8_lossy(&body);
        if status.is_success() {
            // Some gateways answer a streaming request with a plain JSON error and status 200.
            let failure = match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(json) if json.get("error").is_some() => {
                    super::error::classify_stream_error(&json)
                }
                _ => ProviderFailure::new(
                    FailureKind::BadRequest,
                    Some(status.as_u16()),
                    "the provider answered with a JSON body instead of an event stream",
                    false,
                ),
            };
            return Opened::Failed(failure);
        }
        return Opened::Failed(classify_http(status.as_u16(), &headers, &text));
    }
    let first = tokio::select! {
        biased;
        _ = cancel.cancelled() => return Opened::Cancelled,
        first = timeout_at(deadline, response.chunk()) => first,
    };
    match first {
        Err(_) => Opened::Failed(ProviderFailure::interrupted(
            "no data from the provider before the first-byte timeout",
        )),
        Ok(Err(err)) => Opened::Failed(transport_failure(err)),
        Ok(Ok(chunk)) => Opened::Response(response, chunk),
    }
}

/// Reads a (bounded) error body; `None` when cancelled.
async fn read_error_body(
    response: &mut reqwest::Response,
    deadline: Instant,
    cancel: &CancellationToken,
) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let next = tokio::select! {
            biased;
            _ = cancel.cancelled() => return None,
            next = timeout_at(deadline, response.chunk()) => next,
        };
        match next {
            Ok(Ok(Some(chunk))) if body.len() < MAX_ERROR_BODY => body.extend_from_slice(&chunk),
            _ => return Some(body),
        }
    }
}

async fn stream_body(
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
    // Created once: a fresh `cancelled()` per chunk would register with the token each time.
    let cancel_signal = cancel.cancelled();
    tokio::pin!(cancel_signal);
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
        // The sink is flushed once the data already received is all parsed: when the next chunk is
        // not there yet and the runtime has run everything else that was ready (the connection task
        // among them, which hands over the body one HTTP chunk at a time, so a chunk is not a
        // network read). `yield_now` wakes this task just then, so a burst goes on in a few large
        // batches while the first part of a stream still goes on at once.
        let mut flushed = false;
        // A host that reads slowly slows the stream: nothing more is read until the sink has room.
        let ready = tokio::select! {
            biased;
            _ = &mut cancel_signal => false,
            () = std::future::poll_fn(|cx| sink.poll_ready(cx)) => true,
        };
        if !ready {
            cancelled = true;
            break;
        }
        // The idle timeout counts from here: time spent waiting for the host is not the provider's.
        last_data = Instant::now();
        let next = loop {
            tokio::select! {
                biased;
                _ = &mut cancel_signal => break None,
                next = response.chunk() => break Some(Ok(next)),
                () = tokio::task::yield_now(), if !flushed => {
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

/// Hands every part collected so far to `sink`; returns how many.
fn hand_on(collector: &mut PartCollector, sink: &mut dyn PartSink) -> usize {
    let parts = collector.take_parts();
    let count = parts.len();
    for part in parts {
        sink.part(part);
    }
    count
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

#[cfg(test)]
mod flush_tests {
    use std::time::Duration;

    use serde_json::json;
    use tokio_util::sync::CancellationToken;

    use super::{ExecuteOptions, PartSink, PreparedRequest, build_client, execute_stream};
    use crate::protocol::testing::{MockResponse, MockServer};
    use crate::protocol::{StreamPart, WireFormat};

    #[derive(Debug, PartialEq)]
    enum Seen {
        Text,
        Other,
        Flush,
    }

    /// Records parts and flushes; the first part stalls the stream loop for `stall_first`.
    struct Recorder {
        seen: Vec<Seen>,
        stall_first: Duration,
    }

    impl PartSink for Recorder {
        fn part(&mut self, part: StreamPart) {
            if self.seen.is_empty() {
                std::thread::sleep(self.stall_first);
            }
            self.seen.push(match part {
                StreamPart::TextDelta { .. } => Seen::Text,
                _ => Seen::Other,
            });
        }

        fn flush(&mut self) {
            self.seen.push(Seen::Flush);
        }
    }

    fn text_chunks(count: usize) -> Vec<Vec<u8>> {
        let mut chunks: Vec<Vec<u8>> = (0..count)
            .map(|i| {
                let event = json!({"id": "c", "model": "m", "choices": [{"index": 0,
                    "delta": {"content": format!("t{i}")}, "finish_reason": null}]});
                format!("data: {event}\n\n").into_bytes()
            })
            .collect();
        let last = json!({"id": "c", "model": "m",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
        chunks.push(format!("data: {last}\n\ndata: [DONE]\n\n").into_bytes());
        chunks
    }

    /// Streams `response` on a single-threaded runtime (as chats run), the mock on a runtime of its own.
    fn record(response: MockResponse, stall_first: Duration) -> Vec<Seen> {
        let server_runtime = tokio::runtime::Runtime::new().expect("server runtime");
        let server = server_runtime
            .block_on(MockServer::start(vec![response]))
            .expect("mock starts");
        let client_runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("client runtime");
        let mut recorder = Recorder {
            seen: Vec::new(),
            stall_first,
        };
        client_runtime.block_on(async {
            let client = build_client(&Default::default()).expect("client builds");
            let request =
                PreparedRequest::post_json(&server.base_url, Default::default(), &json!({}));
            let execution = execute_stream(
                &client,
                &request,
                WireFormat::OpenaiChat,
                &ExecuteOptions::default(),
                &CancellationToken::new(),
                &mut recorder,
            )
            .await;
            assert!(execution.error.is_none(), "{:?}", execution.error);
        });
        recorder.seen
    }

    #[test]
    fn parts_of_data_already_received_are_flushed_together() {
        const CHUNKS: usize = 2000;
        // While the first part stalls the loop, the whole body arrives and waits in the socket.
        let seen = record(
            MockResponse::stream("text/event-stream", text_chunks(CHUNKS)),
            Duration::from_millis(300),
        );
        let texts = seen.iter().filter(|s| **s == Seen::Text).count();
        let flushes = seen.iter().filter(|s| **s == Seen::Flush).count();
        assert_eq!(texts, CHUNKS);
        assert!(
            flushes < CHUNKS / 8,
            "{flushes} flushes for {CHUNKS} chunks received at once"
        );
        assert_eq!(seen.last(), Some(&Seen::Flush), "the end is flushed");
    }

    #[test]
    fn a_burst_passes_its_first_parts_on_before_the_rest_is_parsed() {
        const CHUNKS: usize = 2000;
        let seen = record(
            MockResponse::stream("text/event-stream", text_chunks(CHUNKS)),
            Duration::ZERO,
        );
        let first_flush = seen
            .iter()
            .position(|s| *s == Seen::Flush)
            .expect("a flush");
        let texts_before = seen[..first_flush]
            .iter()
            .filter(|s| **s == Seen::Text)
            .count();
        assert!(
            (1..CHUNKS / 8).contains(&texts_before),
            "{texts_before} text parts before the first flush"
        );
    }

    #[test]
    fn each_part_of_a_paced_stream_is_flushed_before_the_next_wait() {
        let seen = record(
            MockResponse::stream("text/event-stream", text_chunks(3))
                .with_delay(Duration::from_millis(30)),
            Duration::ZERO,
        );
        let texts: Vec<usize> = (0..seen.len()).filter(|&i| seen[i] == Seen::Text).collect();
        assert_eq!(texts.len(), 3);
        for i in texts {
            assert_eq!(seen.get(i + 1), Some(&Seen::Flush), "{seen:?}");
        }
    }
}
