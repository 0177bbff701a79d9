//! Transport benchmark on the release build, over real stdio:
//! spawn → `initialize` answered; spawn → first `model/list` answered (full embedded catalog) and
//! the peak RSS after it; round trip of a trivial request (p50/p99); pipelined throughput of small
//! requests.
//!
//! Run with `cargo bench --bench rpc` (or `scripts/bench`). Numbers are printed, not asserted.
//! `RPC_BENCH_SIDECAR` runs another sidecar binary instead (A/B comparisons of builds);
//! `RPC_BENCH_STARTUP_ONLY` stops after the start-up numbers; `RPC_BENCH_CATALOG_CACHE=DIR` also
//! measures the first `model/list` of a start with a catalog cache, copying the files of DIR (a
//! data dir's `catalog/` after a `catalog/refresh`) into each data dir.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_provider-sidecar");

struct Proc {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    data_dir: std::path::PathBuf,
}

impl Proc {
    fn data_dir() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("sidecar-bench-{}", std::process::id()))
    }

    /// Puts the catalog cache files of `cache` into the data dir the next spawn uses.
    fn seed_cache(cache: &std::path::Path) {
        let catalog = Self::data_dir().join("catalog");
        std::fs::create_dir_all(&catalog).expect("data dir");
        for entry in std::fs::read_dir(cache).expect("catalog cache dir") {
            let entry = entry.expect("cache entry");
            std::fs::copy(entry.path(), catalog.join(entry.file_name())).expect("copy cache");
        }
    }

    fn spawn() -> Proc {
        let data_dir = Self::data_dir();
        let binary = std::env::var_os("RPC_BENCH_SIDECAR").unwrap_or_else(|| BIN.into());
        let mut child = Command::new(binary)
            .args(["--enable-test-methods", "--data-dir"])
            .arg(&data_dir)
            .env("PROVIDER_SIDECAR_DISABLE_MODELS_FETCH", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sidecar");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::with_capacity(1 << 20, child.stdout.take().expect("stdout"));
        Proc {
            child,
            stdin,
            stdout,
            data_dir,
        }
    }

    /// Spawns a sidecar, sends `initialize` and `model/list` at once and waits for both answers
    /// (notifications skipped).
    fn spawn_and_list_models(initialize: &str, model_list: &str) -> Proc {
        let mut proc = Proc::spawn();
        proc.send(initialize);
        proc.send(model_list);
        proc.stdin.flush().expect("flush");
        let mut answered = 0;
        while answered < 2 {
            if !proc.read().starts_with(br#"{"jsonrpc":"2.0","method""#) {
                answered += 1;
            }
        }
        proc
    }

    fn send(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).expect("write");
    }

    fn read(&mut self) -> Vec<u8> {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).expect("read header");
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = v.trim().parse().expect("length");
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).expect("read body");
        body
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<32} n={:<6} p50={:>9.1?} p99={:>9.1?} max={:>9.1?}",
        samples.len(),
        percentile(&samples, 0.50),
        percentile(&samples, 0.99),
        samples[samples.len() - 1]
    );
}

fn main() {
    let initialize = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"clientInfo":{"name":"bench"}}}"#;

    let mut spawn_to_initialize = Vec::new();
    for _ in 0..30 {
        let started = Instant::now();
        let mut proc = Proc::spawn();
        proc.send(initialize);
        proc.stdin.flush().expect("flush");
        let _ = proc.read();
        spawn_to_initialize.push(started.elapsed());
    }
    report("spawn -> initialize answered", spawn_to_initialize);

    let model_list = r#"{"jsonrpc":"2.0","id":2,"method":"model/list","params":{}}"#;
    let cache = std::env::var_os("RPC_BENCH_CATALOG_CACHE").map(std::path::PathBuf::from);
    if let Some(cache) = &cache {
        let mut samples = Vec::new();
        for _ in 0..15 {
            Proc::seed_cache(cache);
            let started = Instant::now();
            let _proc = Proc::spawn_and_list_models(initialize, model_list);
            samples.push(started.elapsed());
        }
        report("spawn -> model/list (cache)", samples);
    }
    let mut spawn_to_model_list = Vec::new();
    let mut peak_rss_kib = Vec::new();
    for _ in 0..15 {
        let started = Instant::now();
        let proc = Proc::spawn_and_list_models(initialize, model_list);
        spawn_to_model_list.push(started.elapsed());
        if let Some(kib) = peak_rss_kib_of(proc.child.id()) {
            peak_rss_kib.push(kib);
        }
    }
    report("spawn -> first model/list answered", spawn_to_model_list);
    if let Some(max) = peak_rss_kib.iter().max() {
        println!(
            "{:<32} max={:.1} MiB over {} runs",
            "peak RSS after model/list",
            *max as f64 / 1024.0,
            peak_rss_kib.len()
        );
    }

    if std::env::var_os("RPC_BENCH_STARTUP_ONLY").is_some() {
        return;
    }
    let mut proc = Proc::spawn();
    proc.send(initialize);
    proc.stdin.flush().expect("flush");
    let _ = proc.read();
    let trivial = |id: u64| {
        format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"test/sleep","params":{{"ms":0}}}}"#)
    };
    let mut round_trips = Vec::new();
    for id in 0..5_000u64 {
        let request = trivial(id + 10);
        let started = Instant::now();
        proc.send(&request);
        proc.stdin.flush().expect("flush");
        let _ = proc.read();
        round_trips.push(started.elapsed());
    }
    report("round trip (trivial request)", round_trips);

    let count = 100_000u64;
    let mut writer_stdin = proc.stdin.try_clone_for_bench();
    let started = Instant::now();
    let writer = std::thread::spawn(move || {
        let mut buffer = Vec::with_capacity(1 << 20);
        for id in 0..count {
            let body = trivial(id + 100_000);
            write!(buffer, "Content-Length: {}\r\n\r\n{}", body.len(), body).expect("buffer");
            if buffer.len() > 512 * 1024 {
                writer_stdin.write_all(&buffer).expect("write");
                buffer.clear();
            }
        }
        writer_stdin.write_all(&buffer).expect("write");
        writer_stdin.flush().expect("flush");
        writer_stdin
    });
    for _ in 0..count {
        let _ = proc.read();
    }
    let elapsed = started.elapsed();
    let _stdin = writer.join().expect("writer thread");
    println!(
        "{:<32} n={count:<6} {:.0} requests/s ({elapsed:.2?} total)",
        "pipelined throughput",
        count as f64 / elapsed.as_secs_f64()
    );
}

/// `VmHWM` (peak resident set) of a process, from `/proc` (Linux only).
fn peak_rss_kib_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Moves stdin out for a writer thread, leaving a dummy in its place.
trait TakeForBench {
    fn try_clone_for_bench(&mut self) -> std::fs::File;
}

impl TakeForBench for ChildStdin {
    fn try_clone_for_bench(&mut self) -> std::fs::File {
        use std::os::fd::AsFd;
        let owned = self.as_fd().try_clone_to_owned().expect("dup stdin");
        std::fs::File::from(owned)
    }
}
