//! A test client for the sidecar binary: spawns it, frames messages, reads them back.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_provider-sidecar");
pub const WAIT: Duration = Duration::from_secs(10);

/// The binary the typed clients' suites spawn: the release build when `scripts/test` runs the
/// whole suite (it builds one and names it in `PROVIDER_SIDECAR_CLIENT_BIN`, so the clients are
/// tested against what a host ships), else the test build.
pub fn client_test_binary() -> PathBuf {
    match std::env::var_os("PROVIDER_SIDECAR_CLIENT_BIN") {
        Some(path) => {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "PROVIDER_SIDECAR_CLIENT_BIN names no file: {}",
                path.display()
            );
            path
        }
        None => PathBuf::from(BIN),
    }
}

/// The framing of one message (the sidecar's own type; this client frames and reads messages with
/// its own code, [`frame`] and `read_stdout`, so the two sides are checked against each other).
pub use provider_sidecar::rpc::framing::Framing;

/// One message read from the sidecar's stdout, with the framing it came in.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub framing: Framing,
    pub value: Value,
}

pub struct Sidecar {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Result<Incoming, String>>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    /// Messages read while waiting for something else.
    backlog: Vec<Incoming>,
    pub data_dir: tempfile::TempDir,
}

impl Sidecar {
    pub fn spawn() -> Sidecar {
        Sidecar::spawn_with(&["--enable-test-methods"])
    }

    pub fn spawn_with(args: &[&str]) -> Sidecar {
        Sidecar::spawn_with_env(args, &[])
    }

    /// With `env` set on top of the test environment.
    pub fn spawn_with_env(args: &[&str], env: &[(&str, &str)]) -> Sidecar {
        let data_dir = tempfile::tempdir().expect("temp data dir");
        let mut child = Command::new(BIN)
            .args(args)
            .envs(env.iter().copied())
            .arg("--data-dir")
            .arg(data_dir.path())
            .env("PROVIDER_SIDECAR_LOG", "debug")
            .env("PROVIDER_SIDECAR_DISABLE_MODELS_FETCH", "1")
            // No test may reach the instance metadata address (169.254.169.254) through the AWS
            // credential chain; tests that use one point it at 127.0.0.1 in their session env.
            .env("AWS_EC2_METADATA_DISABLED", "true")
            // Nor Google's metadata server (metadata.google.internal) through Vertex's ADC.
            .env("NO_GCE_CHECK", "true")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the sidecar binary");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr_pipe = child.stderr.take().expect("piped stderr");
        let (tx, incoming) = channel();
        thread::spawn(move || read_stdout(stdout, tx));
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut reader = BufReader::new(stderr_pipe);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                sink.lock().expect("stderr lock").push_str(&line);
                line.clear();
            }
        });
        Sidecar {
            stdin: child.stdin.take(),
            child,
            incoming,
            stderr,
            next_id: 0,
            backlog: Vec::new(),
            data_dir,
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr lock").clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        stdin.write_all(bytes).expect("write to sidecar stdin");
        stdin.flush().expect("flush sidecar stdin");
    }

    pub fn send(&mut self, framing: Framing, message: &Value) {
        let body = serde_json::to_vec(message).expect("serialize");
        self.send_raw(&frame(framing, &body));
    }

    pub fn next_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// Sends a request and returns its id.
    pub fn start(&mut self, framing: Framing, method: &str, params: Value) -> i64 {
        let id = self.next_id();
        self.send(
            framing,
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        );
        id
    }

    pub fn notify(&mut self, framing: Framing, method: &str, params: Value) {
        self.send(
            framing,
            &json!({"jsonrpc": "2.0", "method": method, "params": params}),
        );
    }

    /// Sends a request over LSP framing and waits for its response message.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.request_in(Framing::Lsp, method, params).value
    }

    pub fn request_in(&mut self, framing: Framing, method: &str, params: Value) -> Incoming {
        let id = self.start(framing, method, params);
        self.response_to(&json!(id))
    }

    /// The `result` of a request that must succeed.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        match response.get("result") {
            Some(result) => result.clone(),
            None => panic!("{method} failed: {response}\nstderr:\n{}", self.stderr()),
        }
    }

    /// The `error` of a request that must fail.
    pub fn call_err(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        match response.get("error") {
            Some(error) => error.clone(),
            None => panic!("{method} unexpectedly succeeded: {response}"),
        }
    }

    /// Waits for the response with this id; other messages are kept for later.
    pub fn response_to(&mut self, id: &Value) -> Incoming {
        self.wait_for(|m| m.value.get("id") == Some(id) && m.value.get("method").is_none())
    }

    /// Waits for a message matching `pred`, keeping the others in the backlog.
    pub fn wait_for(&mut self, pred: impl Fn(&Incoming) -> bool) -> Incoming {
        if let Some(at) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(at);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(Ok(message)) if pred(&message) => return message,
                Ok(Ok(message)) => self.backlog.push(message),
                Ok(Err(bad)) => panic!("sidecar wrote a non-protocol byte stream: {bad}"),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no matching message within {WAIT:?}; backlog: {:?}\nstderr:\n{}",
                    self.backlog,
                    self.stderr()
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "sidecar stdout closed; backlog: {:?}\nstderr:\n{}",
                    self.backlog,
                    self.stderr()
                ),
            }
        }
    }

    /// The next message of any kind (backlog first).
    pub fn next_message(&mut self) -> Incoming {
        if !self.backlog.is_empty() {
            return self.backlog.remove(0);
        }
        self.wait_for(|_| true)
    }

    /// Asserts nothing else arrives for `quiet`.
    pub fn expect_silence(&mut self, quiet: Duration) {
        assert!(
            self.backlog.is_empty(),
            "unexpected messages: {:?}",
            self.backlog
        );
        match self.incoming.recv_timeout(quiet) {
            Ok(message) => panic!("unexpected message: {message:?}"),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
        }
    }

    pub fn close_stdin(&mut self) {
        self.stdin.take();
    }

    pub fn wait_exit(&mut self, limit: Duration) -> (ExitStatus, Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return (status, started.elapsed());
            }
            if started.elapsed() > limit {
                let _ = self.child.kill();
                panic!(
                    "sidecar did not exit within {limit:?}\nstderr:\n{}",
                    self.stderr()
                );
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Every message left on stdout until it closes (after stdin was closed).
    pub fn drain(&mut self) -> Vec<Incoming> {
        let mut out = std::mem::take(&mut self.backlog);
        while let Ok(message) = self.incoming.recv_timeout(WAIT) {
            out.push(message.expect("protocol-only stdout"));
        }
        out
    }
}

impl Drop for Sidecar {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until the pipe behind `pipe` (the read end of the sidecar's stdout, which the test has
/// stopped reading) is full: most of its capacity queued and no longer growing for a while, so the
/// sidecar's writer is blocked. (Not "within a page of capacity": a blocked writer may leave more
/// than a page unused, depending on how its writes fell into the pipe's pages.) Linux answers how much a pipe holds (`F_GETPIPE_SZ`) and how much is queued
/// in it (`FIONREAD`).
#[cfg(target_os = "linux")]
pub fn wait_until_pipe_is_full(pipe: &impl std::os::fd::AsRawFd) {
    const PAGE: i32 = 4096;
    let fd = pipe.as_raw_fd();
    // SAFETY: `fd` is an open pipe owned by `pipe` for the whole call; F_GETPIPE_SZ reads no
    // argument.
    let capacity = unsafe { libc::fcntl(fd, libc::F_GETPIPE_SZ) };
    assert!(capacity > 0, "F_GETPIPE_SZ failed on the stdout pipe");
    let deadline = Instant::now() + WAIT;
    let mut before = -1;
    let mut unchanged = 0;
    loop {
        let mut queued: libc::c_int = 0;
        // SAFETY: FIONREAD writes one c_int through the pointer, which points at `queued`.
        let rc = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut queued) };
        assert_eq!(rc, 0, "FIONREAD failed on the stdout pipe");
        unchanged = if queued == before { unchanged + 1 } else { 0 };
        if queued >= capacity - 4 * PAGE && unchanged >= 5 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the stdout pipe never filled: {queued} of {capacity} bytes"
        );
        before = queued;
        thread::sleep(Duration::from_millis(20));
    }
}

/// Elsewhere there is no portable way to see a pipe's fill level: a pause long enough for it to
/// fill.
#[cfg(not(target_os = "linux"))]
pub fn wait_until_pipe_is_full<P>(_pipe: &P) {
    thread::sleep(Duration::from_millis(1500));
}

pub fn frame(framing: Framing, body: &[u8]) -> Vec<u8> {
    match framing {
        Framing::Lsp => {
            let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
            out.extend_from_slice(body);
            out
        }
        Framing::Line => {
            let mut out = body.to_vec();
            out.push(b'\n');
            out
        }
    }
}

/// Parses stdout strictly: anything that is not a well-framed JSON message is reported.
fn read_stdout(stdout: impl Read, tx: std::sync::mpsc::Sender<Result<Incoming, String>>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut first = String::new();
        match reader.read_line(&mut first) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let message = if first.starts_with('{') || first.starts_with('[') {
            serde_json::from_str(first.trim_end())
                .map(|value| Incoming {
                    framing: Framing::Line,
                    value,
                })
                .map_err(|e| format!("bad line message {first:?}: {e}"))
        } else if let Some(length) = first
            .strip_prefix("Content-Length: ")
            .and_then(|v| v.trim_end().parse::<usize>().ok())
        {
            let mut blank = String::new();
            let _ = reader.read_line(&mut blank);
            let mut body = vec![0; length];
            if blank != "\r\n" || reader.read_exact(&mut body).is_err() {
                Err(format!("bad LSP frame after {first:?}"))
            } else {
                serde_json::from_slice(&body)
                    .map(|value| Incoming {
                        framing: Framing::Lsp,
                        value,
                    })
                    .map_err(|e| format!("bad LSP body: {e}"))
            }
        } else {
            Err(format!("unexpected stdout line {first:?}"))
        };
        let failed = message.is_err();
        if tx.send(message).is_err() || failed {
            return;
        }
    }
}

pub fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

pub fn error_kind(error: &Value) -> &str {
    error["data"]["kind"].as_str().unwrap_or("<no kind>")
}
