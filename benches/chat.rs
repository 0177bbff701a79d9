//! Chat streaming benchmark on the release build: a 10,000-chunk OpenAI chat stream, read and parsed
//! (a) by a bare reqwest client that runs the crate's own SSE decoder and OpenAI-chat parser as a
//! library, (b) by the in-process wire layer (`execute_stream`), (c) through the sidecar over stdio
//! (`chat/stream`, every `chat/delta` line read by this process). A raw read of the body (no parsing)
//! shows how fast the mock can serve at all.
//!
//! Fairness: the mock provider runs in its own process (this bench binary started again in a mock role),
//! so neither client shares a runtime or a process with the server; every client reads the same bytes
//! from the same server over a fresh connection (the mock answers `connection: close`); the bare client
//! uses the same reqwest settings as the sidecar; the rounds interleave the clients so a change in
//! machine load hits them alike. Besides wall time, the CPU time each side spent is read from
//! `/proc/<pid>/task/*/schedstat` (robust to other jobs on the machine).
//!
//! Reports the p50 sidecar/bare ratio, time to first delta (paced stream, so the first delta is not
//! queued behind a burst), chunks/s for 1 and 32 concurrent streams, and the sidecar's peak RSS.
//!
//! Run with `cargo bench --bench chat` or `scripts/bench-chat` (adds the load average).
//! `CHAT_BENCH_ROUNDS` sets the rounds (default 7). Numbers are printed, not asserted.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use provider_sidecar::protocol::execute::{
    ClientOptions, ExecuteOptions, PreparedRequest, build_client, execute_stream,
};
use provider_sidecar::protocol::sse::SseDecoder;
use provider_sidecar::protocol::testing::{MockResponse, MockServer};
use provider_sidecar::protocol::{PartCollector, StreamPart, WireEvent, WireFormat};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

const BIN: &str = env!("CARGO_BIN_EXE_provider-sidecar");
/// Set in the environment of this binary started again as the mock provider process.
const MOCK_ROLE: &str = "CHAT_BENCH_MOCK_ROLE";
const CHUNKS: usize = 10_000;
const CONCURRENT: usize = 32;
const PACED_CHUNKS: usize = 3;
const PACED_DELAY: Duration = Duration::from_millis(5);
const PACED_ROUNDS: usize = 30;
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

fn stream_response(chunks: usize) -> MockResponse {
    let mut body = Vec::with_capacity(chunks + 2);
    for i in 0..chunks {
        let event = json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
            "choices": [{"index": 0, "delta": {"content": format!("tok{i} ")}, "finish_reason": null}]});
        body.push(format!("data: {event}\n\n").into_bytes());
    }
    let last = json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": chunks, "total_tokens": chunks + 3}});
    body.push(format!("data: {last}\n\n").into_bytes());
    body.push(b"data: [DONE]\n\n".to_vec());
    MockResponse::stream("text/event-stream", body)
}

/// The mock role: serves the burst and the paced stream, prints their base URLs, runs until stdin closes.
fn mock_process() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("mock runtime");
    let (burst, paced) = rt.block_on(async {
        let burst = MockServer::start(vec![stream_response(CHUNKS)]).await;
        let paced =
            MockServer::start(vec![stream_response(PACED_CHUNKS).with_delay(PACED_DELAY)]).await;
        (burst.expect("burst mock"), paced.expect("paced mock"))
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}\n{}", burst.base_url, paced.base_url).expect("announce the mock");
    stdout.flush().expect("flush");
    let _ = std::io::stdin().lines().count();
    drop((burst, paced));
}

/// The mock provider process; it stops when dropped.
struct MockProcess {
    child: Child,
    burst_url: String,
    paced_url: String,
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
        let mut next = || lines.next().expect("mock announces").expect("mock line");
        let (burst_url, paced_url) = (next(), next());
        MockProcess {
            child,
            burst_url,
            paced_url,
        }
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

struct Sidecar {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<(Instant, String)>,
    next_id: u64,
    _data_dir: tempfile::TempDir,
}

impl Sidecar {
    fn spawn(base_url: &str) -> Sidecar {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut command = Command::new(BIN);
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
        std::thread::spawn(move || {
            let mut reader = BufReader::with_capacity(1 << 20, stdout);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                if tx
                    .send((Instant::now(), std::mem::take(&mut line)))
                    .is_err()
                {
                    return;
                }
            }
        });
        let mut sidecar = Sidecar {
            child,
            stdin,
            lines,
            next_id: 0,
            _data_dir: data_dir,
        };
        sidecar.call(
            "initialize",
            json!({"initializationOptions": {"config": {"provider": {"mock": {"options": {"baseURL": base_url}}}}}}),
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
            let (_, line) = self.lines.recv().expect("sidecar answers");
            let value: Value = serde_json::from_str(&line).expect("JSON line");
            if value["id"] == json!(id) {
                return value;
            }
        }
    }

    /// Runs `n` concurrent `chat/stream`s; returns (wall time, first-delta time per stream, deltas).
    fn streams(&mut self, n: usize) -> (Duration, Vec<Duration>, usize) {
        let params = json!({"sessionId": "bench", "providerId": "mock", "modelId": "m",
            "messages": [{"role": "user", "content": "hi"}]});
        let started = Instant::now();
        let ids: Vec<u64> = (0..n).map(|_| self.send("chat/stream", &params)).collect();
        let mut first: HashMap<u64, Duration> = HashMap::new();
        let mut deltas = 0;
        let mut done = 0;
        let mut finished = started;
        while done < n {
            let (at, line) = self.lines.recv().expect("sidecar streams");
            if line.contains("\"chat/delta\"") {
                if line.contains("\"text-delta\"") {
                    deltas += 1;
                    if first.len() < n {
                        let value: Value = serde_json::from_str(&line).expect("JSON line");
                        let id = value["params"]["requestId"].as_u64().expect("numeric id");
                        first.entry(id).or_insert_with(|| at - started);
                    }
                }
                continue;
            }
            let value: Value = serde_json::from_str(&line).expect("JSON line");
            assert!(value.get("result").is_some(), "chat failed: {value}");
            assert!(ids.contains(&value["id"].as_u64().expect("id")));
            done += 1;
            finished = at;
        }
        (finished - started, first.into_values().collect(), deltas)
    }

    fn run(&mut self) -> Run {
        let (total, first, deltas) = self.streams(1);
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

/// CPU time every thread of process `pid` has run so far (`/proc/<pid>/task/*/schedstat`, in ns); 0
/// where that is not available. Threads that already exited are not counted, so compare deltas over
/// spans in which the process keeps its threads (tokio workers and the stdio threads live on).
fn cpu_time(pid: &str) -> Duration {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Duration::ZERO;
    };
    let nanos: u64 = tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}

fn cpu_of<T>(pid: &str, work: impl FnOnce() -> T) -> (T, Duration) {
    let before = cpu_time(pid);
    let out = work();
    (out, cpu_time(pid).saturating_sub(before))
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
    cpu: Vec<Duration>,
}

impl Series {
    fn push(&mut self, run: Run, cpu: Duration, expected_deltas: Option<usize>) {
        if let Some(expected) = expected_deltas {
            assert_eq!(run.deltas, expected);
        }
        self.total.push(run.total);
        self.first.push(run.first);
        self.cpu.push(cpu);
    }

    fn line(&self, name: &str) -> String {
        format!(
            "  {name:<24}: {:>7.1} ms  (cpu {:>6.1} ms, min {:>6.1} ms, max {:>6.1} ms)",
            ms(median(self.total.clone())),
            ms(median(self.cpu.clone())),
            ms(*self.total.iter().min().expect("a run")),
            ms(*self.total.iter().max().expect("a run")),
        )
    }
}

fn main() {
    if std::env::var_os(MOCK_ROLE).is_some() {
        mock_process();
        return;
    }
    let rounds: usize = std::env::var("CHAT_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7)
        .max(5);
    let load_before = load_average();
    let mock = MockProcess::spawn();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let client = build_client(&ClientOptions {
        use_system_proxy: false,
        ..Default::default()
    })
    .expect("client");
    let me = std::process::id().to_string();
    let url = format!("{}/chat/completions", mock.burst_url);

    let mut sidecar = Sidecar::spawn(&mock.burst_url);
    let side_pid = sidecar.child.id().to_string();
    // Warm-up: connection set-up paths, allocator pools, the sidecar's resolver caches.
    let _ = on_worker(&rt, &client, &url, Reader::Bare);
    let _ = sidecar.run();

    let (mut floor, mut bare_s, mut wire_s, mut side_s) = Default::default();
    for _ in 0..rounds {
        let (run, cpu) = cpu_of(&me, || on_worker(&rt, &client, &url, Reader::Raw));
        Series::push(&mut floor, run, cpu, None);
        let (run, cpu) = cpu_of(&me, || on_worker(&rt, &client, &url, Reader::Bare));
        Series::push(&mut bare_s, run, cpu, Some(CHUNKS));
        let (run, cpu) = cpu_of(&me, || on_worker(&rt, &client, &url, Reader::InProcess));
        Series::push(&mut wire_s, run, cpu, Some(CHUNKS));
        let (run, cpu) = cpu_of(&side_pid, || sidecar.run());
        Series::push(&mut side_s, run, cpu, Some(CHUNKS));
    }
    let rss_single = sidecar.peak_rss_kib();
    let ((side_conc, _, side_conc_deltas), side_conc_cpu) =
        cpu_of(&side_pid, || sidecar.streams(CONCURRENT));
    assert_eq!(side_conc_deltas, CHUNKS * CONCURRENT);
    let rss_concurrent = sidecar.peak_rss_kib();
    let (bare_conc, bare_conc_deltas) = rt.block_on(bare_concurrent(&client, &url, CONCURRENT));
    assert_eq!(bare_conc_deltas, CHUNKS * CONCURRENT);
    drop(sidecar);

    // Time to first delta: a short stream whose chunks are 5 ms apart, so the first delta is not queued
    // behind thousands of events read in the same socket read. Interleaved like the rounds above.
    let paced_url = format!("{}/chat/completions", mock.paced_url);
    let mut paced_sidecar = Sidecar::spawn(&mock.paced_url);
    let _ = paced_sidecar.run();
    let _ = on_worker(&rt, &client, &paced_url, Reader::Bare);
    let (mut paced_bare, mut paced_side) = (Vec::new(), Vec::new());
    for _ in 0..PACED_ROUNDS {
        let run = on_worker(&rt, &client, &paced_url, Reader::Bare);
        assert_eq!(run.deltas, PACED_CHUNKS);
        paced_bare.push(run.first);
        let run = paced_sidecar.run();
        assert_eq!(run.deltas, PACED_CHUNKS);
        paced_side.push(run.first);
    }
    drop(paced_sidecar);
    drop(mock);
    let (paced_bare, paced_side) = (median(paced_bare), median(paced_side));

    let (bare_t, side_t) = (median(bare_s.total.clone()), median(side_s.total.clone()));
    let (bare_cpu, side_cpu) = (median(bare_s.cpu.clone()), median(side_s.cpu.clone()));
    println!(
        "chat bench: {CHUNKS}-chunk OpenAI chat stream from a mock in its own process, p50 of {rounds} interleaved rounds"
    );
    println!(
        "  load average before / after: {load_before} / {}",
        load_average()
    );
    println!("{}", floor.line("raw read, no parsing"));
    println!("{}", bare_s.line("bare reqwest + parse"));
    println!("{}", wire_s.line("in-process wire layer"));
    println!("{}", side_s.line("sidecar over stdio"));
    println!(
        "  ratio sidecar / bare    : {:>7.2}x wall (target <= 1.2x), {:.2}x cpu (sidecar process vs bare client)",
        side_t.as_secs_f64() / bare_t.as_secs_f64(),
        side_cpu.as_secs_f64() / bare_cpu.as_secs_f64().max(1e-9),
    );
    println!(
        "  first delta, 10k burst  : bare {:.3} ms, sidecar {:.3} ms",
        ms(median(bare_s.first)),
        ms(median(side_s.first)),
    );
    println!(
        "  time to first delta     : bare {:.3} ms, sidecar {:.3} ms, added {:.3} ms (target <= 1 ms; paced stream, p50 of {PACED_ROUNDS})",
        ms(paced_bare),
        ms(paced_side),
        ms(paced_side) - ms(paced_bare),
    );
    println!(
        "  chunks/s, 1 stream      : sidecar {:>9.0}, bare {:>9.0}",
        CHUNKS as f64 / side_t.as_secs_f64(),
        CHUNKS as f64 / bare_t.as_secs_f64(),
    );
    println!(
        "  chunks/s, {CONCURRENT} streams    : sidecar {:>9.0} ({:.0} ms, cpu {:.0} ms), bare {:>9.0} ({:.0} ms)",
        (CHUNKS * CONCURRENT) as f64 / side_conc.as_secs_f64(),
        ms(side_conc),
        ms(side_conc_cpu),
        (CHUNKS * CONCURRENT) as f64 / bare_conc.as_secs_f64(),
        ms(bare_conc),
    );
    if let (Some(single), Some(concurrent)) = (rss_single, rss_concurrent) {
        println!(
            "  sidecar peak RSS        : {:.1} MiB after single streams, {:.1} MiB after {CONCURRENT} at once",
            single as f64 / 1024.0,
            concurrent as f64 / 1024.0
        );
    }
}
