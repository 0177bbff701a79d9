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
//! that waits for a core adds milliseconds to some rounds) and on a paced stream; CPU per event of
//! a stream whose events arrive a millisecond apart, as a model generates them (each read on its
//! own: the sidecar pays a `write(2)` that wakes the host's reader per event, the bare client
//! does not); and the sidecar's peak RSS. For the 32 streams also the CPU each party spent per
//! round (sidecar, the host's reader thread, the mock; the bare client, the mock) and the
//! sidecar's system calls: when the cores are the limit, chunks/s follow the CPU the two sides
//! need in all.
//!
//! Run with `cargo bench --bench chat` or `scripts/bench-chat` (adds the load average).
//! `CHAT_BENCH_ROUNDS` sets the rounds (default 60), `CHAT_BENCH_CONCURRENT_ROUNDS` those of 32
//! streams at once (default 9); `CHAT_BENCH_SIDECAR` runs another sidecar binary, and
//! `CHAT_BENCH_SIDECAR_B` a second one in the same rounds (A/B comparisons of builds, which the
//! machine's drift between runs would drown). Numbers are printed, not asserted.

mod clients;
mod mock;
mod report;
mod sidecar;

use std::time::Duration;

use provider_sidecar::protocol::execute::{ClientOptions, build_client};

use clients::{Reader, bare, bare_concurrent, on_worker};
use mock::{MOCK_ROLE, MockProcess, mock_process};
use report::{Series, Usage, load_average, median, ms, quantile, ratio, usage_of};
use sidecar::{Sidecar, Stream};

pub const CHUNKS: usize = 10_000;
pub const CONCURRENT: usize = 32;
pub const CONCURRENT_CHUNKS: usize = 1_000;
pub const PACED_CHUNKS: usize = 3;
pub const PACED_DELAY: Duration = Duration::from_millis(5);
pub const PACED_ROUNDS: usize = 30;
/// A stream as a model generates it: events a millisecond apart, each read on its own (the
/// bursts above are mostly read dozens of events at a time). What it costs per event is what a
/// host pays for every real stream.
pub const TRICKLE_CHUNKS: usize = 300;
pub const TRICKLE_DELAY: Duration = Duration::from_millis(1);
pub const TRICKLE_ROUNDS: usize = 8;
pub const CONCURRENT_ROUNDS: usize = 9;
/// Rounds of single streams unless `CHAT_BENCH_ROUNDS` says otherwise. A stream's cost has two
/// modes (a reader that keeps up is woken for every event; one that falls behind reads dozens at
/// a time): one client's streams took 19 to 94 ms in one run, for either client. The median of 15
/// rounds swung by a quarter from run to run; of 100, by a tenth.
pub const ROUNDS: usize = 60;

fn main() {
    if std::env::var_os(MOCK_ROLE).is_some() {
        mock_process();
        return;
    }
    let rounds: usize = std::env::var("CHAT_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ROUNDS)
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
    let trickle_url = url("trickle");

    let mut sidecar = Sidecar::spawn(&mock.base_url);
    let side_pid = sidecar.child.id().to_string();
    // `CHAT_BENCH_SIDECAR_B`: a second build measured in the same rounds (A/B comparisons that the
    // machine's drift between runs would drown).
    let mut sidecar_b = std::env::var_os("CHAT_BENCH_SIDECAR_B")
        .map(|binary| Sidecar::spawn_binary(&mock.base_url, &binary));
    let side_b_pid = sidecar_b.as_ref().map(|b| b.child.id().to_string());
    // Warm-up: connection set-up paths, allocator pools, the sidecar's resolver caches, and a few
    // pooled connections on each side.
    for _ in 0..3 {
        let _ = on_worker(&rt, &client, &burst_url, Reader::Bare);
        let _ = single_rt.block_on(bare(&single_client, &burst_url));
        let _ = sidecar.run(Stream::Burst);
        if let Some(b) = sidecar_b.as_mut() {
            let _ = b.run(Stream::Burst);
        }
    }
    let mut side_b_s = Series::default();

    let (mut floor, mut bare_s, mut wire_s, mut side_s) = (
        Series::default(),
        Series::default(),
        Series::default(),
        Series::default(),
    );
    let mut bare_single_s = Series::default();
    // `CHAT_BENCH_CONCURRENT_ROUNDS` (e.g. to profile the concurrent phase): this many rounds of
    // it, and the single streams only as many as the statistics need unless `CHAT_BENCH_ROUNDS`
    // is set too.
    let concurrent_rounds: usize = std::env::var("CHAT_BENCH_CONCURRENT_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CONCURRENT_ROUNDS);
    let rounds = if concurrent_rounds == CONCURRENT_ROUNDS
        || std::env::var_os("CHAT_BENCH_ROUNDS").is_some()
    {
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
        if let (Some(b), Some(pid)) = (sidecar_b.as_mut(), side_b_pid.as_ref()) {
            side_b_s.push(usage_of(pid, || b.run(Stream::Burst)), Some(CHUNKS));
        }
    }
    let rss_single = sidecar.peak_rss_kib();

    // 32 streams at once, both sides on both cores; interleaved rounds.
    // CPU of every party per round: where the two cores go (the mock serves both sides alike).
    let (mut side_conc, mut bare_conc) = (Vec::new(), Vec::new());
    let (mut side_conc_cpu, mut host_conc_cpu, mut bare_conc_cpu) =
        (Vec::new(), Vec::new(), Vec::new());
    let (mut mock_side_cpu, mut mock_bare_cpu) = (Vec::new(), Vec::new());
    let mut side_conc_usage = Vec::new();
    let (mut side_b_conc, mut side_b_conc_cpu) = (Vec::new(), Vec::new());
    for _ in 0..concurrent_rounds {
        if let (Some(b), Some(pid)) = (sidecar_b.as_mut(), side_b_pid.as_ref()) {
            let ((wall, _, deltas), usage) =
                usage_of(pid, || b.streams(CONCURRENT, Stream::Concurrent));
            assert_eq!(deltas, CONCURRENT_CHUNKS * CONCURRENT);
            side_b_conc.push(wall);
            side_b_conc_cpu.push(usage.cpu);
        }
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
    // Streams whose events arrive one at a time: CPU per event, interleaved like the rounds above.
    let (mut trickle_bare, mut trickle_side, mut trickle_host) =
        (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..TRICKLE_ROUNDS {
        // The single-threaded bare client, as the sidecar's chat threads are: on the multi-threaded
        // runtime every event also woke a second worker to look for work.
        let (run, usage) = usage_of(&me, || {
            single_rt.block_on(bare(&single_client, &trickle_url))
        });
        assert_eq!(run.deltas, TRICKLE_CHUNKS);
        trickle_bare.push(usage.cpu);
        let host_before = Usage::of(&me);
        let (run, usage) = usage_of(&side_pid, || sidecar.run(Stream::Trickle));
        assert_eq!(run.deltas, TRICKLE_CHUNKS);
        trickle_side.push(usage.cpu);
        trickle_host.push(Usage::of(&me).since(host_before).cpu);
    }
    drop(sidecar);
    drop(sidecar_b);
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
    let per_event = |cpu: Vec<Duration>| ms(median(cpu)) * 1000.0 / TRICKLE_CHUNKS as f64;
    let (bare_event, side_event) = (per_event(trickle_bare), per_event(trickle_side));
    println!(
        "    cpu per event, trickle: {:>5.2}x  (sidecar {side_event:.1} µs + host reader {:.1} µs, bare {bare_event:.1} µs; {TRICKLE_CHUNKS} events {} ms apart, p50 of {TRICKLE_ROUNDS})",
        side_event / bare_event,
        per_event(trickle_host),
        TRICKLE_DELAY.as_millis(),
    );
    if !side_b_conc.is_empty() {
        println!("{}", side_b_s.line("sidecar B over stdio"));
        println!(
            "  sidecar B: p50 {:.2}x, cpu {:.2}x, {CONCURRENT} streams {:.2}x (cpu {:.1} ms per round), first delta in a burst +{:.3} ms (p25-p75 {:.3}-{:.3})",
            ratio(p50(&side_b_s), p50(bare)),
            ratio(side_b_s.cpu(), bare.cpu()),
            rate(median(side_b_conc)) / rate(bare_conc_t),
            ms(median(side_b_conc_cpu)),
            ms(median(side_b_s.first.clone())) - ms(median(bare.first.clone())),
            ms(quantile(side_b_s.first.clone(), 0.25)),
            ms(quantile(side_b_s.first.clone(), 0.75)),
        );
    }
    if let (Some(single), Some(concurrent)) = (rss_single, rss_concurrent) {
        println!(
            "  sidecar peak RSS        : {:.1} MiB after single streams, {:.1} MiB after {CONCURRENT} at once",
            single as f64 / 1024.0,
            concurrent as f64 / 1024.0
        );
    }
}
