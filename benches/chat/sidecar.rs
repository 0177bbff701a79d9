//! The sidecar over stdio: spawned with a provider per mock stream, driven with `chat/stream`, its
//! stdout read on a thread of its own as a host would.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::clients::Run;

pub const BIN: &str = env!("CARGO_BIN_EXE_provider-sidecar");
pub const PROXY_VARS: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// What the stdout reader thread hands over. Like a host's reader, it handles each `chat/delta` in
/// place (here: counts the text deltas per request) and passes on the first text delta of a request
/// and every other message.
pub enum Output {
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

pub fn read_stdout(stdout: std::process::ChildStdout, tx: std::sync::mpsc::Sender<Output>) {
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
pub enum Stream {
    Burst,
    Concurrent,
    Paced,
    Trickle,
}

impl Stream {
    pub fn provider(self) -> &'static str {
        match self {
            Stream::Burst => "mock-burst",
            Stream::Concurrent => "mock-concurrent",
            Stream::Paced => "mock-paced",
            Stream::Trickle => "mock-trickle",
        }
    }
}

pub struct Sidecar {
    pub child: Child,
    stdin: ChildStdin,
    lines: Receiver<Output>,
    next_id: u64,
    _data_dir: tempfile::TempDir,
}

impl Sidecar {
    pub fn spawn(base_url: &str) -> Sidecar {
        let binary = std::env::var_os("CHAT_BENCH_SIDECAR").unwrap_or_else(|| BIN.into());
        Sidecar::spawn_binary(base_url, &binary)
    }

    /// The sidecar built as `binary`.
    pub fn spawn_binary(base_url: &str, binary: &std::ffi::OsStr) -> Sidecar {
        let data_dir = tempfile::tempdir().expect("temp dir");
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
            (Stream::Trickle, "trickle"),
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

    pub fn send(&mut self, method: &str, params: &Value) -> u64 {
        self.next_id += 1;
        let message =
            json!({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params});
        // One write per request, as a host's transport does (formatting into the unbuffered pipe
        // would write every fragment of the JSON on its own).
        let mut line = message.to_string();
        line.push('\n');
        self.stdin
            .write_all(line.as_bytes())
            .expect("write request");
        self.next_id
    }

    pub fn call(&mut self, method: &str, params: Value) -> Value {
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
    pub fn streams(&mut self, n: usize, stream: Stream) -> (Duration, Vec<Duration>, usize) {
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

    pub fn run(&mut self, stream: Stream) -> Run {
        let (total, first, deltas) = self.streams(1, stream);
        Run {
            total,
            first: first.first().copied().unwrap_or_default(),
            deltas,
        }
    }

    pub fn peak_rss_kib(&self) -> Option<u64> {
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
