//! Chat streaming benchmark on the release build, against a mock provider that behaves like a real
//! one: it keeps connections alive (so streams reuse pooled connections, as a host's chats do) and
//! writes one SSE event per `write(2)`. The same streams are read and parsed
//! (a) by a bare reqwest client that runs the crate's own SSE decoder and OpenAI-chat parser as a
//! library, (b) by the in-process wire layer (`execute_stream`), (c) through the sidecar over stdio
//! (`chat/stream`, every `chat/delta` line read by this process). A raw read of the body (no parsing)
//! shows how fast the mock can serve at all.
//!
//! Fairness: the mock provider runs in its own process (this bench binary started again in a mock
//! role), so no client shares a runtime or a process with the server; every client reads the same
//! bytes from the same server; the bare client uses the sidecar's reqwest settings and one pooled
//! client for all its streams, as the sidecar does; rounds interleave the clients so a change in
//! machine load hits them alike. Besides wall time, the CPU time each side spent is read from
//! `/proc/<pid>/task/*/schedstat` (robust to other jobs on the machine).
//!
//! Reports, as ratios to the bare client in the same run: p50 and p90 wall of a 10,000-chunk stream
//! (several in a row over pooled connections), CPU per stream, chunks/s of 32 concurrent 1,000-chunk
//! streams, and time to first delta, in a burst (median and quartiles: on a busy machine a wake-up
//! that waits for a core adds milliseconds to some rounds) and on a paced stream; and the sidecar's
//! peak RSS. For the 32 streams also the CPU each party spent per round (sidecar, the host's reader
//! thread, the mock; the bare client, the mock) and the sidecar's system calls: when the cores are
//! the limit, chunks/s follow the CPU the two sides need in all.
//!
//! Run with `cargo bench --bench chat` or `scripts/bench-chat` (adds the load average).
//! `CHAT_BENCH_ROUNDS` sets the rounds (default 15), `CHAT_BENCH_CONCURRENT_ROUNDS` those of 32
//! streams at once (default 5); `CHAT_BENCH_SIDECAR` runs another sidecar binary (A/B comparisons
//! of builds). Numbers are printed, not asserted.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use provider_sidecar::protocol::execute::{
    ClientOptions, ExecuteOptions, PreparedRequest, build_client, execute_stream,
};
use provider_sidecar::protocol::sse::SseDecoder;
use provider_sidecar::protocol::{PartCollector, StreamPart, WireEvent, WireFormat};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

const BIN: &str = env!("CARGO_BIN_EXE_provider-sidecar");
/// Set in the environment of this binary started again as the mock provider process.
const MOCK_ROLE: &str = "CHAT_BENCH_MOCK_ROLE";
const CHUNKS: usize = 10_000;
const CONCURRENT: usize = 32;
const CONCURRENT_CHUNKS: usize = 1_000;
const PACED_CHUNKS: usize = 3;
const PACED_DELAY: Duration = Duration::from_millis(5);
const PACED_ROUNDS: usize = 30;
const CONCURRENT_ROUNDS: usize = 5;
const PROXY_VARS: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// The SSE events of an OpenAI chat stream of `chunks` text deltas.
fn stream_events(chunks: usize) -> Vec<Vec<u8>> {
    let mut events = Vec::with_capacity(chunks + 2);
    for i in 0..chunks {
        let event = json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
            "choices": [{"index": 0, "delta": {"content": format!("tok{i} ")}, "finish_reason": null}]});
        events.push(format!("data: {event}\n\n").into_bytes());
    }
    let last = json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": chunks, "total_tokens": chunks + 3}});
    events.push(format!("data: {last}\n\n").into_bytes());
    events.push(b"data: [DONE]\n\n".to_vec());
    events
}

/// Each event as one HTTP chunk, ready to write.
fn chunked(events: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    events
        .into_iter()
        .map(|event| {
            let mut framed = format!("{:x}\r\n", event.len()).into_bytes();
            framed.extend_from_slice(&event);
            framed.extend_from_slice(b"\r\n");
            framed
        })
        .collect()
}

/// What the mock serves, by the path's first segment.
struct Streams {
    burst: Vec<Vec<u8>>,
    concurrent: Vec<Vec<u8>>,
    paced: Vec<Vec<u8>>,
}

/// One keep-alive connection: answers requests until the client closes it. Every event goes out in
/// its own `write(2)` (no delay: `TCP_NODELAY`), the paced stream's `PACED_DELAY` apart.
async fn serve_connection(
    mut socket: tokio::net::TcpStream,
    streams: std::sync::Arc<Streams>,
) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    socket.set_nodelay(true)?;
    let mut buffer = Vec::new();
    loop {
        // The request head, then a `content-length` body.
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
        let path = head
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        buffer.drain(..head_end + length);
        let (events, delay) = if path.starts_with("/paced/") {
            (&streams.paced, PACED_DELAY)
        } else if path.starts_with("/concurrent/") {
            (&streams.concurrent, Duration::ZERO)
        } else {
            (&streams.burst, Duration::ZERO)
        };
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
            .await?;
        for (i, event) in events.iter().enumerate() {
            if i > 0 && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            socket.write_all(event).await?;
        }
        socket.write_all(b"0\r\n\r\n").await?;
    }
}

/// The mock role: serves the streams, prints its base URL, runs until stdin closes.
fn mock_process() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("mock runtime");
    let streams = std::sync::Arc::new(Streams {
        burst: chunked(stream_events(CHUNKS)),
        concurrent: chunked(stream_events(CONCURRENT_CHUNKS)),
        paced: chunked(stream_events(PACED_CHUNKS)),
    });
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("mock listener");
    let address = listener.local_addr().expect("mock address");
    rt.spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve_connection(socket, std::sync::Arc::clone(&streams)));
        }
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "http://{address}").expect("announce the mock");
    stdout.flush().expect("flush");
    let _ = std::io::stdin().lines().count();
}

/// The mock provider process; it stops when dropped.
struct MockProcess {
    child: Child,
    base_url: String,
}

impl MockProcess {
    fn spawn() -> MockProcess {
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .env(MOCK_ROLE, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn the mock process");
        let mut lines = BufReader::new(child.stdout.take().expect("mock stdout")).lines();
        let base_url = lines.next().expect("mock announces").expect("mock line");
        MockProcess { child, base_url }
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// One client run: wall time, time to first text delta, text deltas seen.
#[derive(Debug, Clone, Copy)]
struct Run {
    total: Duration,
    first: Duration,
    deltas: usize,
}

const REQUEST_BODY: &str =
    r#"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"#;

/// The floor: reads the body with reqwest and parses nothing.
async fn raw(client: &reqwest::Client, url: &str) -> Run {
    let started = Instant::now();
    let mut response = client
        .post(url)
        .header("content-type", "application/json")
        .body(REQUEST_BODY)
        .send()
        .await
        .expect("mock answers");
    let mut bytes = 0;
    let mut first = None;
    while let Some(chunk) = response.chunk().await.expect("body") {
        first.get_or_insert_with(|| started.elapsed());
        bytes += chunk.len();
    }
    assert!(bytes > 0);
    Run {
        total: started.elapsed(),
        first: first.unwrap_or_default(),
        deltas: 0,
    }
}

/// The baseline: reqwest, then the crate's SSE decoder and OpenAI-chat parser used as a library.
async fn bare(client: &reqwest::Client, url: &str) -> Run {
    let started = Instant::now();
    let mut response = client
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "text/event-stream")
        .body(REQUEST_BODY)
        .send()
        .await
        .expect("mock answers");
    let mut decoder = SseDecoder::new();
    let mut parser = WireFormat::OpenaiChat.parser();
    let mut collector = PartCollector::new();
    let mut events = Vec::new();
    let mut deltas = 0;
    let mut first = None;
    let mut count = |parts: Vec<StreamPart>| {
        for part in parts {
            if matches!(part, StreamPart::TextDelta { .. }) {
                deltas += 1;
                first.get_or_insert_with(|| started.elapsed());
            }
        }
    };
    while let Some(chunk) = response.chunk().await.expect("body") {
        decoder.feed(&chunk, &mut events);
        for event in events.drain(..) {
            let event = WireEvent {
                name: event.event,
                data: event.data,
                exception: false,
            };
            parser.on_event(&event, &mut collector);
        }
        count(collector.take_parts());
    }
    decoder.finish(&mut events);
    assert!(events.is_empty(), "the mock ends every event");
    assert!(parser.is_complete());
    parser.close(true, &mut collector);
    collector.finish();
    count(collector.take_parts());
    Run {
        total: started.elapsed(),
        first: first.unwrap_or_default(),
        deltas,
    }
}

/// The in-process wire layer (`execute_stream`: timeouts, cancel, result folding) without the RPC layer.
async fn in_process(client: &reqwest::Client, url: &str) -> Run {
    let started = Instant::now();
    let request = PreparedRequest::post_json(url, Default::default(), &json!({"model": "m"}));
    let mut deltas = 0;
    let mut first = None;
    let execution = execute_stream(
        client,
        &request,
        WireFormat::OpenaiChat,
        &ExecuteOptions::default(),
        &CancellationToken::new(),
        &mut |part| {
            if matches!(part, StreamPart::TextDelta { .. }) {
                deltas += 1;
                first.get_or_insert_with(|| started.elapsed());
            }
        },
    )
    .await;
    assert!(execution.error.is_none());
    Run {
        total: started.elapsed(),
        first: first.unwrap_or_default(),
        deltas,
    }
}

#[derive(Debug, Clone, Copy)]
enum Reader {
    Raw,
    Bare,
    InProcess,
}

/// Runs a client as a task on the runtime's workers, where the sidecar's handlers run too: a future
/// driven by `block_on` on the main thread pays a cross-thread wake-up for every socket read.
fn on_worker(
    rt: &tokio::runtime::Runtime,
    client: &reqwest::Client,
    url: &str,
    reader: Reader,
) -> Run {
    let (client, url) = (client.clone(), url.to_string());
    rt.block_on(rt.spawn(async move {
        match reader {
            Reader::Raw => raw(&client, &url).await,
            Reader::Bare => bare(&client, &url).await,
            Reader::InProcess => in_process(&client, &url).await,
        }
    }))
    .expect("client task")
}

/// `n` bare clients at once; returns (wall time, deltas).
async fn bare_concurrent(client: &reqwest::Client, url: &str, n: usize) -> (Duration, usize) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (client, url) = (client.clone(), url.to_string());
            tokio::spawn(async move { bare(&client, &url).await.deltas })
        })
        .collect();
    let mut deltas = 0;
    for task in tasks {
        deltas += task.await.expect("bare client");
    }
    (started.elapsed(), deltas)
}

/// What the stdout reader thread hands over. Like a host's reader, it handles each `chat/delta` in
/// place (here: counts the text deltas per request) and passes on the first text delta of a request
/// and every other message.
enum Output {
    FirstDelta {
        at: Instant,
        request_id: u64,
    },
    Message {
        at: Instant,
        value: Value,
        /// Text deltas of this request, when the message answers a `chat/stream`.
        text_deltas: usize,
    },
}

fn read_stdout(stdout: std::process::ChildStdout, tx: std::sync::mpsc::Sender<Output>) {
    // Found with memchr's searchers: at 32 streams at once this reader shares the two cores with
    // the sidecar and the mock, so it does as little as a host could.
    let delta = memchr::memmem::Finder::new(br#""method":"chat/delta""#);
    let text_delta = memchr::memmem::Finder::new(br#""type":"text-delta""#);
    let request_id = memchr::memmem::Finder::new(br#""requestId":"#);
    let mut reader = BufReader::with_capacity(1 << 20, stdout);
    let mut line = Vec::new();
    let mut text_deltas: HashMap<u64, usize> = HashMap::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let at = Instant::now();
        let output = if delta.find(&line).is_some() {
            if text_delta.find(&line).is_none() {
                continue;
            }
            let start = request_id.find(&line).expect("a delta names its request")
                + request_id.needle().len();
            let digits = line[start..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let request_id: u64 = std::str::from_utf8(&line[start..start + digits])
                .ok()
                .and_then(|id| id.parse().ok())
                .expect("numeric request id");
            let count = text_deltas.entry(request_id).or_default();
            *count += 1;
            if *count > 1 {
                continue;
            }
            Output::FirstDelta { at, request_id }
        } else {
            let value: Value = serde_json::from_slice(&line).expect("JSON line");
            let text_deltas = value["id"]
                .as_u64()
                .and_then(|id| text_deltas.remove(&id))
                .unwrap_or(0);
            Output::Message {
                at,
                value,
                text_deltas,
            }
        };
        if tx.send(output).is_err() {
            return;
        }
    }
}

/// The mock's streams, each behind a provider of its own in the sidecar's config.
#[derive(Debug, Clone, Copy)]
enum Stream {
    Burst,
    Concurrent,
    Paced,
}

impl Stream {
    fn provider(self) -> &'static str {
        match self {
            Stream::Burst => "mock-burst",
            Stream::Concurrent => "mock-concurrent",
            Stream::Paced => "mock-paced",
        }
    }
}

struct Sidecar {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Output>,
    next_id: u64,
    _data_dir: tempfile::TempDir,
}

impl Sidecar {
    fn spawn(base_url: &str) -> Sidecar {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let binary = std::env::var_os("CHAT_BENCH_SIDECAR").unwrap_or_else(|| BIN.into());
        let mut command = Command::new(binary);
        command
            .arg("--data-dir")
            .arg(data_dir.path())
            .env("PROVIDER_SIDECAR_DISABLE_MODELS_FETCH", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for var in PROXY_VARS {
            command.env_remove(var);
        }
        let mut child = command.spawn().expect("spawn sidecar");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || read_stdout(stdout, tx));
        let mut sidecar = Sidecar {
            child,
            stdin,
            lines,
            next_id: 0,
            _data_dir: data_dir,
        };
        let providers: serde_json::Map<String, Value> = [
            (Stream::Burst, "burst"),
            (Stream::Concurrent, "concurrent"),
            (Stream::Paced, "paced"),
        ]
        .into_iter()
        .map(|(stream, path)| {
            let options = json!({"options": {"baseURL": format!("{base_url}/{path}")}});
            (stream.provider().to_owned(), options)
        })
        .collect();
        sidecar.call(
            "initialize",
            json!({"initializationOptions": {"config": {"provider": providers}}}),
        );
        sidecar.call("session/open", json!({"sessionId": "bench"}));
        sidecar
    }

    fn send(&mut self, method: &str, params: &Value) -> u64 {
        self.next_id += 1;
        let message =
            json!({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params});
        writeln!(self.stdin, "{message}").expect("write request");
        self.stdin.flush().expect("flush");
        self.next_id
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, &params);
        loop {
            if let Output::Message { value, .. } = self.lines.recv().expect("sidecar answers")
                && value["id"] == json!(id)
            {
                return value;
            }
        }
    }

    /// Runs `n` concurrent `chat/stream`s; returns (time to the last answer, first-delta time per
    /// stream, text deltas).
    fn streams(&mut self, n: usize, stream: Stream) -> (Duration, Vec<Duration>, usize) {
        let params = json!({"sessionId": "bench", "providerId": stream.provider(), "modelId": "m",
            "messages": [{"role": "user", "content": "hi"}]});
        let started = Instant::now();
        let ids: Vec<u64> = (0..n).map(|_| self.send("chat/stream", &params)).collect();
        let mut first = Vec::new();
        let mut deltas = 0;
        let mut done = 0;
        let mut finished = started;
        while done < n {
            match self.lines.recv().expect("sidecar streams") {
                Output::FirstDelta { at, request_id } => {
                    assert!(ids.contains(&request_id));
                    first.push(at - started);
                }
                Output::Message {
                    at,
                    value,
                    text_deltas,
                } => {
                    assert!(value.get("result").is_some(), "chat failed: {value}");
                    assert!(ids.contains(&value["id"].as_u64().expect("id")));
                    deltas += text_deltas;
                    done += 1;
                    finished = at;
                }
            }
        }
        (finished - started, first, deltas)
    }

    fn run(&mut self, stream: Stream) -> Run {
        let (total, first, deltas) = self.streams(1, stream);
        Run {
            total,
            first: first.first().copied().unwrap_or_default(),
            deltas,
        }
    }

    fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

impl Drop for Sidecar {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a process spent: CPU time of every thread (`/proc/<pid>/task/*/schedstat`), context switches of
/// every thread, and read/write system calls (`/proc/<pid>/io`). Zero where `/proc` is not available.
/// Threads that already exited are not counted, so compare over spans in which the process keeps its
/// threads (tokio workers and the stdio threads live on).
#[derive(Debug, Clone, Copy, Default)]
struct Usage {
    cpu: Duration,
    context_switches: u64,
    reads: u64,
    writes: u64,
}

impl Usage {
    fn of(pid: &str) -> Usage {
        let mut usage = Usage::default();
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
            for task in tasks.filter_map(Result::ok) {
                let read = |name: &str| std::fs::read_to_string(task.path().join(name)).ok();
                if let Some(nanos) = read("schedstat")
                    .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
                {
                    usage.cpu += Duration::from_nanos(nanos);
                }
                usage.context_switches += read("status")
                    .map(|status| {
                        field_sum(
                            &status,
                            &["voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"],
                        )
                    })
                    .unwrap_or(0);
            }
        }
        if let Ok(io) = std::fs::read_to_string(format!("/proc/{pid}/io")) {
            usage.reads = field_sum(&io, &["syscr:"]);
            usage.writes = field_sum(&io, &["syscw:"]);
        }
        usage
    }

    fn since(self, before: Usage) -> Usage {
        Usage {
            cpu: self.cpu.saturating_sub(before.cpu),
            context_switches: self
                .context_switches
                .saturating_sub(before.context_switches),
            reads: self.reads.saturating_sub(before.reads),
            writes: self.writes.saturating_sub(before.writes),
        }
    }
}

fn field_sum(text: &str, names: &[&str]) -> u64 {
    text.lines()
        .filter_map(|line| {
            let name = names.iter().find(|name| line.starts_with(*name))?;
            line[name.len()..].trim().parse::<u64>().ok()
        })
        .sum()
}

fn usage_of<T>(pid: &str, work: impl FnOnce() -> T) -> (T, Usage) {
    let before = Usage::of(pid);
    let out = work();
    (out, Usage::of(pid).since(before))
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

#[derive(Default)]
struct Series {
    total: Vec<Duration>,
    first: Vec<Duration>,
    usage: Vec<Usage>,
}

impl Series {
    fn push(&mut self, (run, usage): (Run, Usage), expected_deltas: Option<usize>) {
        if let Some(expected) = expected_deltas {
            assert_eq!(run.deltas, expected);
        }
        self.total.push(run.total);
        self.first.push(run.first);
        self.usage.push(usage);
    }

    fn cpu(&self) -> Duration {
        median(self.usage.iter().map(|u| u.cpu).collect())
    }

    fn line(&self, name: &str) -> String {
        let p50 = |f: fn(&Usage) -> u64| {
            let mut all: Vec<u64> = self.usage.iter().map(f).collect();
            all.sort_unstable();
            all[all.len() / 2]
        };
        format!(
            "  {name:<24}: {:>7.1} ms (min {:>6.1}, max {:>6.1}) | cpu {:>6.1} ms, {:>6} ctx sw, {:>6} reads, {:>6} writes",
            ms(median(self.total.clone())),
            ms(*self.total.iter().min().expect("a run")),
            ms(*self.total.iter().max().expect("a run")),
            ms(self.cpu()),
            p50(|u| u.context_switches),
            p50(|u| u.reads),
            p50(|u| u.writes),
        )
    }
}

/// The `q` quantile (0..=1) of `values`, nearest rank.
fn quantile(mut values: Vec<Duration>, q: f64) -> Duration {
    values.sort();
    let rank = ((values.len() as f64 * q).ceil() as usize).clamp(1, values.len());
    values[rank - 1]
}

fn ratio(side: Duration, bare: Duration) -> f64 {
    side.as_secs_f64() / bare.as_secs_f64().max(1e-9)
}

fn main() {
    if std::env::var_os(MOCK_ROLE).is_some() {
        mock_process();
        return;
    }
    let rounds: usize = std::env::var("CHAT_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15)
        .max(5);
    let load_before = load_average();
    let mock = MockProcess::spawn();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    // One client, its pool reused by every stream (as the sidecar's is).
    let client = build_client(&ClientOptions {
        use_system_proxy: false,
        ..Default::default()
    })
    .expect("client");
    // The bare client also runs on a single-threaded runtime (as the sidecar's chat threads do),
    // and the ratios are taken against whichever bare client is faster.
    let single_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("single-threaded client runtime");
    // Its own client: a pooled connection is driven by the runtime that opened it.
    let single_client = build_client(&ClientOptions {
        use_system_proxy: false,
        ..Default::default()
    })
    .expect("client");
    let me = std::process::id().to_string();
    let mock_pid = mock.child.id().to_string();
    let url = |stream: &str| format!("{}/{stream}/chat/completions", mock.base_url);
    let (burst_url, concurrent_url, paced_url) = (url("burst"), url("concurrent"), url("paced"));

    let mut sidecar = Sidecar::spawn(&mock.base_url);
    let side_pid = sidecar.child.id().to_string();
    // Warm-up: connection set-up paths, allocator pools, the sidecar's resolver caches, and a few
    // pooled connections on each side.
    for _ in 0..3 {
        let _ = on_worker(&rt, &client, &burst_url, Reader::Bare);
        let _ = single_rt.block_on(bare(&single_client, &burst_url));
        let _ = sidecar.run(Stream::Burst);
    }

    let (mut floor, mut bare_s, mut wire_s, mut side_s) = (
        Series::default(),
        Series::default(),
        Series::default(),
        Series::default(),
    );
    let mut bare_single_s = Series::default();
    // `CHAT_BENCH_CONCURRENT_ROUNDS` (e.g. to profile the concurrent phase): this many rounds of
    // it, and the single streams only as many as the statistics need.
    let concurrent_rounds: usize = std::env::var("CHAT_BENCH_CONCURRENT_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CONCURRENT_ROUNDS);
    let rounds = if concurrent_rounds == CONCURRENT_ROUNDS {
        rounds
    } else {
        5
    };
    for _ in 0..rounds {
        floor.push(
            usage_of(&me, || on_worker(&rt, &client, &burst_url, Reader::Raw)),
            None,
        );
        bare_s.push(
            usage_of(&me, || on_worker(&rt, &client, &burst_url, Reader::Bare)),
            Some(CHUNKS),
        );
        wire_s.push(
            usage_of(&me, || {
                on_worker(&rt, &client, &burst_url, Reader::InProcess)
            }),
            Some(CHUNKS),
        );
        bare_single_s.push(
            usage_of(&me, || single_rt.block_on(bare(&single_client, &burst_url))),
            Some(CHUNKS),
        );
        side_s.push(
            usage_of(&side_pid, || sidecar.run(Stream::Burst)),
            Some(CHUNKS),
        );
    }
    let rss_single = sidecar.peak_rss_kib();

    // 32 streams at once, both sides on both cores; interleaved rounds.
    // CPU of every party per round: where the two cores go (the mock serves both sides alike).
    let (mut side_conc, mut bare_conc) = (Vec::new(), Vec::new());
    let (mut side_conc_cpu, mut host_conc_cpu, mut bare_conc_cpu) =
        (Vec::new(), Vec::new(), Vec::new());
    let (mut mock_side_cpu, mut mock_bare_cpu) = (Vec::new(), Vec::new());
    let mut side_conc_usage = Vec::new();
    for _ in 0..concurrent_rounds {
        let (mock_before, host_before) = (Usage::of(&mock_pid), Usage::of(&me));
        let ((wall, _, deltas), usage) = usage_of(&side_pid, || {
            sidecar.streams(CONCURRENT, Stream::Concurrent)
        });
        assert_eq!(deltas, CONCURRENT_CHUNKS * CONCURRENT);
        side_conc.push(wall);
        side_conc_cpu.push(usage.cpu);
        side_conc_usage.push(usage);
        host_conc_cpu.push(Usage::of(&me).since(host_before).cpu);
        mock_side_cpu.push(Usage::of(&mock_pid).since(mock_before).cpu);
        let mock_before = Usage::of(&mock_pid);
        let ((wall, deltas), usage) = usage_of(&me, || {
            rt.block_on(bare_concurrent(&client, &concurrent_url, CONCURRENT))
        });
        assert_eq!(deltas, CONCURRENT_CHUNKS * CONCURRENT);
        bare_conc.push(wall);
        bare_conc_cpu.push(usage.cpu);
        mock_bare_cpu.push(Usage::of(&mock_pid).since(mock_before).cpu);
    }
    let rss_concurrent = sidecar.peak_rss_kib();

    // Time to first delta on a short stream whose chunks are 5 ms apart, so the first delta is not
    // queued behind thousands of events. Interleaved like the rounds above.
    let _ = on_worker(&rt, &client, &paced_url, Reader::Bare);
    let _ = sidecar.run(Stream::Paced);
    let (mut paced_bare, mut paced_side) = (Vec::new(), Vec::new());
    for _ in 0..PACED_ROUNDS {
        let run = on_worker(&rt, &client, &paced_url, Reader::Bare);
        assert_eq!(run.deltas, PACED_CHUNKS);
        paced_bare.push(run.first);
        let run = sidecar.run(Stream::Paced);
        assert_eq!(run.deltas, PACED_CHUNKS);
        paced_side.push(run.first);
    }
    drop(sidecar);
    drop(mock);
    let (paced_bare, paced_side) = (median(paced_bare), median(paced_side));

    let bare_multi_t = median(bare_s.total.clone());
    let bare_single_t = median(bare_single_s.total.clone());
    let (bare, baseline) = if bare_single_t < bare_multi_t {
        (&bare_single_s, "single-threaded")
    } else {
        (&bare_s, "multi-threaded")
    };
    let p50 = |series: &Series| median(series.total.clone());
    let p90 = |series: &Series| quantile(series.total.clone(), 0.9);
    println!(
        "chat bench: {CHUNKS}-chunk OpenAI chat streams over keep-alive connections, one SSE event per write, from a mock in its own process; {rounds} interleaved rounds"
    );
    println!(
        "  load average before / after: {load_before} / {}",
        load_average()
    );
    println!("{}", floor.line("raw read, no parsing"));
    println!("{}", bare_s.line("bare, multi-thread rt"));
    println!("{}", bare_single_s.line("bare, single-thread rt"));
    println!("{}", wire_s.line("in-process wire layer"));
    println!("{}", side_s.line("sidecar over stdio"));
    println!("  ratios to the bare client ({baseline}, the faster):");
    println!(
        "    p50 wall              : {:>5.2}x  (sidecar {:.1} ms, bare {:.1} ms; target <= 1.2x)",
        ratio(p50(&side_s), p50(bare)),
        ms(p50(&side_s)),
        ms(p50(bare)),
    );
    println!(
        "    p90 wall              : {:>5.2}x  (sidecar {:.1} ms, bare {:.1} ms; target <= 1.5x)",
        ratio(p90(&side_s), p90(bare)),
        ms(p90(&side_s)),
        ms(p90(bare)),
    );
    println!(
        "    cpu per stream        : {:>5.2}x  (sidecar process {:.1} ms, bare client {:.1} ms; target <= 1.5x)",
        ratio(side_s.cpu(), bare.cpu()),
        ms(side_s.cpu()),
        ms(bare.cpu()),
    );
    let (side_conc_t, bare_conc_t) = (median(side_conc), median(bare_conc));
    let rate = |wall: Duration| (CONCURRENT_CHUNKS * CONCURRENT) as f64 / wall.as_secs_f64();
    println!(
        "    {CONCURRENT} streams chunks/s   : {:>5.2}x  (sidecar {:.0}/s, cpu {:.0} ms; bare {:.0}/s; p50 of {concurrent_rounds}; target >= 0.8x)",
        rate(side_conc_t) / rate(bare_conc_t),
        rate(side_conc_t),
        ms(median(side_conc_cpu.clone())),
        rate(bare_conc_t),
    );
    println!(
        "      cpu per round       :  sidecar {:.1} ms + host reader {:.1} ms + mock {:.1} ms; bare client {:.1} ms + mock {:.1} ms",
        ms(median(side_conc_cpu.clone())),
        ms(median(host_conc_cpu)),
        ms(median(mock_side_cpu)),
        ms(median(bare_conc_cpu)),
        ms(median(mock_bare_cpu)),
    );
    let p50_of = |f: fn(&Usage) -> u64| {
        let mut all: Vec<u64> = side_conc_usage.iter().map(f).collect();
        all.sort_unstable();
        all[all.len() / 2]
    };
    println!(
        "      sidecar per round   :  {} ctx sw, {} reads, {} writes (stdout and sockets)",
        p50_of(|u| u.context_switches),
        p50_of(|u| u.reads),
        p50_of(|u| u.writes),
    );
    println!(
        "    first delta, burst    : +{:.3} ms  (sidecar {:.3} ms, p25-p75 {:.3}-{:.3}; bare {:.3} ms, p25-p75 {:.3}-{:.3}; in-process wire layer {:.3} ms; target <= +1 ms)",
        ms(median(side_s.first.clone())) - ms(median(bare.first.clone())),
        ms(median(side_s.first.clone())),
        ms(quantile(side_s.first.clone(), 0.25)),
        ms(quantile(side_s.first.clone(), 0.75)),
        ms(median(bare.first.clone())),
        ms(quantile(bare.first.clone(), 0.25)),
        ms(quantile(bare.first.clone(), 0.75)),
        ms(median(wire_s.first.clone())),
    );
    println!(
        "    first delta, paced    : +{:.3} ms  (sidecar {:.3} ms, bare {:.3} ms; p50 of {PACED_ROUNDS})",
        ms(paced_side) - ms(paced_bare),
        ms(paced_side),
        ms(paced_bare),
    );
    if let (Some(single), Some(concurrent)) = (rss_single, rss_concurrent) {
        println!(
            "  sidecar peak RSS        : {:.1} MiB after single streams, {:.1} MiB after {CONCURRENT} at once",
            single as f64 / 1024.0,
            concurrent as f64 / 1024.0
        );
    }
}
