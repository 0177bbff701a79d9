//! Chat streaming benchmark on the release build: a 10,000-chunk OpenAI chat stream from a mock provider
//! on 127.0.0.1, read (a) by a bare reqwest client that parses every SSE event, (b) by the in-process wire
//! layer (`execute_stream`), (c) through the sidecar over stdio (`chat/stream`, every `chat/delta` read by
//! this process). Reports the sidecar/bare ratio, added time-to-first-delta, chunks/s for 1 and 32
//! concurrent streams, and the sidecar's peak RSS.
//!
//! Run with `cargo bench --bench chat`. Numbers are printed, not asserted.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use provider_sidecar::protocol::WireFormat;
use provider_sidecar::protocol::execute::{
    ExecuteOptions, PreparedRequest, build_client, execute_stream,
};
use provider_sidecar::protocol::testing::{MockResponse, MockServer};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

const BIN: &str = env!("CARGO_BIN_EXE_provider-sidecar");
const CHUNKS: usize = 10_000;
const ROUNDS: usize = 5;
const CONCURRENT: usize = 32;

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

/// Reads and parses the stream with reqwest alone; returns (total, time to first delta, deltas).
async fn bare(client: &reqwest::Client, url: &str) -> (Duration, Duration, usize) {
    let started = Instant::now();
    let mut response = client
        .post(url)
        .header("content-type", "application/json")
        .body(r#"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
        .send()
        .await
        .expect("mock answers");
    let mut buffer = Vec::new();
    let mut deltas = 0;
    let mut first = None;
    while let Some(chunk) = response.chunk().await.expect("body") {
        buffer.extend_from_slice(&chunk);
        while let Some(end) = buffer.windows(2).position(|w| w == b"\n\n") {
            let event: Vec<u8> = buffer.drain(..end + 2).collect();
            let Some(data) = event.strip_prefix(b"data: ") else {
                continue;
            };
            let data = &data[..data.len() - 2];
            if data == b"[DONE]" {
                continue;
            }
            let value: Value = serde_json::from_slice(data).expect("JSON event");
            if value["choices"][0]["delta"]["content"].is_string() {
                deltas += 1;
                first.get_or_insert_with(|| started.elapsed());
            }
        }
    }
    (started.elapsed(), first.unwrap_or_default(), deltas)
}

async fn in_process(client: &reqwest::Client, url: &str) -> (Duration, Duration, usize) {
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
            if matches!(
                part,
                provider_sidecar::protocol::StreamPart::TextDelta { .. }
            ) {
                deltas += 1;
                first.get_or_insert_with(|| started.elapsed());
            }
        },
    )
    .await;
    assert!(execution.error.is_none());
    (started.elapsed(), first.unwrap_or_default(), deltas)
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
        let mut child = Command::new(BIN)
            .arg("--data-dir")
            .arg(data_dir.path())
            .env("PROVIDER_SIDECAR_DISABLE_MODELS_FETCH", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sidecar");
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

    fn send(&mut self, method: &str, params: Value) -> u64 {
        self.next_id += 1;
        let message =
            json!({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params});
        writeln!(self.stdin, "{message}").expect("write request");
        self.stdin.flush().expect("flush");
        self.next_id
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, params);
        loop {
            let (_, line) = self.lines.recv().expect("sidecar answers");
            let value: Value = serde_json::from_str(&line).expect("JSON line");
            if value["id"] == json!(id) {
                return value;
            }
        }
    }

    /// Runs `n` concurrent `chat/stream`s; returns (total time, first-delta time per stream, deltas).
    fn streams(&mut self, n: usize) -> (Duration, Vec<Duration>, usize) {
        let started = Instant::now();
        let params = json!({"sessionId": "bench", "providerId": "mock", "modelId": "m",
            "messages": [{"role": "user", "content": "hi"}]});
        let ids: Vec<u64> = (0..n)
            .map(|_| self.send("chat/stream", params.clone()))
            .collect();
        let mut first: HashMap<u64, Duration> = HashMap::new();
        let mut deltas = 0;
        let mut done = 0;
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
        }
        (started.elapsed(), first.into_values().collect(), deltas)
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

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt
        .block_on(MockServer::start(vec![stream_response(CHUNKS)]))
        .expect("mock starts");
    let client = build_client(&Default::default()).expect("client");
    let url = format!("{}/chat/completions", server.base_url);

    let (mut bare_total, mut bare_first) = (Vec::new(), Vec::new());
    let (mut wire_total, mut wire_first) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let (total, first, deltas) = rt.block_on(bare(&client, &url));
        assert_eq!(deltas, CHUNKS);
        bare_total.push(total);
        bare_first.push(first);
        let (total, first, deltas) = rt.block_on(in_process(&client, &url));
        assert_eq!(deltas, CHUNKS);
        wire_total.push(total);
        wire_first.push(first);
    }

    let mut sidecar = Sidecar::spawn(&server.base_url);
    let _warm = sidecar.streams(1);
    let (mut side_total, mut side_first) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let (total, first, deltas) = sidecar.streams(1);
        assert_eq!(deltas, CHUNKS);
        side_total.push(total);
        side_first.extend(first);
    }
    let (concurrent_total, _, concurrent_deltas) = sidecar.streams(CONCURRENT);
    let peak_rss = sidecar.peak_rss_kib();
    drop(sidecar);

    // Time to first delta on its own: a short stream whose chunks are 5 ms apart, so the first delta is
    // not queued behind thousands of events read in the same socket read.
    let paced = rt
        .block_on(MockServer::start(vec![
            stream_response(3).with_delay(Duration::from_millis(5)),
        ]))
        .expect("mock starts");
    let paced_url = format!("{}/chat/completions", paced.base_url);
    let mut paced_bare = Vec::new();
    for _ in 0..20 {
        paced_bare.push(rt.block_on(bare(&client, &paced_url)).1);
    }
    let mut paced_sidecar = Sidecar::spawn(&paced.base_url);
    let _warm = paced_sidecar.streams(1);
    let mut paced_side = Vec::new();
    for _ in 0..20 {
        paced_side.extend(paced_sidecar.streams(1).1);
    }
    let (paced_bare, paced_side) = (median(paced_bare), median(paced_side));
    assert_eq!(concurrent_deltas, CHUNKS * CONCURRENT);

    let (bare_t, wire_t, side_t) = (median(bare_total), median(wire_total), median(side_total));
    let (bare_f, side_f) = (median(bare_first), median(side_first));
    println!("chat bench: {CHUNKS}-chunk stream, median of {ROUNDS}");
    println!(
        "  bare reqwest + parse : {:>8.1} ms",
        bare_t.as_secs_f64() * 1e3
    );
    println!(
        "  in-process wire layer: {:>8.1} ms (first delta {:.3} ms)",
        wire_t.as_secs_f64() * 1e3,
        median(wire_first).as_secs_f64() * 1e3
    );
    println!(
        "  sidecar over stdio   : {:>8.1} ms",
        side_t.as_secs_f64() * 1e3
    );
    println!(
        "  ratio sidecar / bare : {:>8.2}x (target <= 1.2x)",
        side_t.as_secs_f64() / bare_t.as_secs_f64()
    );
    println!(
        "  first delta, 10k burst: bare {:.3} ms, sidecar {:.3} ms",
        bare_f.as_secs_f64() * 1e3,
        side_f.as_secs_f64() * 1e3,
    );
    println!(
        "  time to first delta  : bare {:.3} ms, sidecar {:.3} ms, added {:.3} ms (target <= 1 ms; paced stream, median of 20)",
        paced_bare.as_secs_f64() * 1e3,
        paced_side.as_secs_f64() * 1e3,
        (paced_side.as_secs_f64() - paced_bare.as_secs_f64()) * 1e3
    );
    println!(
        "  chunks/s, 1 stream   : {:>10.0}",
        CHUNKS as f64 / side_t.as_secs_f64()
    );
    println!(
        "  chunks/s, {CONCURRENT} streams : {:>10.0} (aggregate, {:.1} ms)",
        concurrent_deltas as f64 / concurrent_total.as_secs_f64(),
        concurrent_total.as_secs_f64() * 1e3
    );
    if let Some(kib) = peak_rss {
        println!("  sidecar peak RSS     : {:>8.1} MiB", kib as f64 / 1024.0);
    }
}
