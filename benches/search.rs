//! Search benchmark (plain timing, run with `cargo bench --bench search`): full-catalog index
//! build time, query latency p50/p99 over the relevance queries, and the relevance set's top-3
//! hit rate. Times are reported twice: wall clock, and CPU time (process CPU for the build,
//! thread CPU per query), which stays meaningful when other jobs load the machine. The last line
//! is JSON for `scripts/bench-search`. `SEARCH_BENCH_DETAIL=1` adds per-query medians.

use std::hint::black_box;
use std::time::{Duration, Instant};

use provider_sidecar::model_spec::ModelStatus;
use provider_sidecar::search::{ModelIndex, ProviderDoc, SearchDoc, SearchParams, SearchService};

#[path = "../src/search/fixture_docs.rs"]
#[allow(dead_code)]
mod fixture_docs;

use fixture_docs::{MODELS_DEV, RELEVANCE, load_models_dev, load_relevance};

const BUILD_RUNS: usize = 30;
const QUERY_ROUNDS: usize = 300;
const RESULT_LIMIT: usize = 20;

fn cpu_time(clock: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec and the clock ids used are always supported.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Median, p50, p99 and mean of a sample set, in ms.
struct Stats {
    p50: f64,
    p99: f64,
    mean: f64,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    Stats {
        p50: ms(percentile(&samples, 0.5)),
        p99: ms(percentile(&samples, 0.99)),
        mean: ms(mean),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs a quick smoke pass.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (models, providers): (Vec<SearchDoc>, Vec<ProviderDoc>) = load_models_dev(MODELS_DEV);
    let set = load_relevance(RELEVANCE);
    let deprecated = models
        .iter()
        .filter(|m| m.status == ModelStatus::Deprecated)
        .count();

    // `SEARCH_BENCH_BUILDS=n`: only time n index builds (for profiling the build).
    let builds_only: Option<usize> = std::env::var("SEARCH_BENCH_BUILDS")
        .ok()
        .and_then(|v| v.parse().ok());
    let runs = builds_only.unwrap_or(if quick { 2 } else { BUILD_RUNS });
    let (mut build_wall, mut build_cpu) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let docs = models.clone();
        let (wall, cpu) = (Instant::now(), cpu_time(libc::CLOCK_PROCESS_CPUTIME_ID));
        let index = ModelIndex::build(docs).expect("index builds");
        build_cpu.push(cpu_time(libc::CLOCK_PROCESS_CPUTIME_ID) - cpu);
        build_wall.push(wall.elapsed());
        black_box(index);
    }
    if builds_only.is_some() {
        let min = |v: &[Duration]| ms(v.iter().copied().min().unwrap_or_default());
        let (min_cpu, min_wall) = (min(&build_cpu), min(&build_wall));
        let (cpu, wall) = (stats(build_cpu), stats(build_wall));
        println!(
            "index build  cpu min {min_cpu:.2} median {:.2} ms | wall min {min_wall:.2} median {:.2} ms",
            cpu.p50, wall.p50
        );
        return;
    }
    let (build_wall, build_cpu) = (stats(build_wall), stats(build_cpu));

    let service = SearchService::new(models.clone(), providers).expect("index builds");
    let params: Vec<SearchParams> = set
        .queries
        .iter()
        .map(|c| SearchParams {
            query: c.query.clone(),
            limit: Some(RESULT_LIMIT),
            filters: None,
        })
        .collect();

    let mut hits = 0usize;
    let mut misses = Vec::new();
    for (case, p) in set.queries.iter().zip(&params) {
        let top: Vec<String> = service
            .search(p)
            .expect("search runs")
            .iter()
            .take(3)
            .map(|h| format!("{}/{}", h.provider_id, h.model_id))
            .collect();
        if case.expect.iter().all(|k| top.contains(k)) {
            hits += 1;
        } else {
            misses.push(case.query.clone());
        }
    }

    let rounds = if quick { 2 } else { QUERY_ROUNDS };
    for p in &params {
        black_box(service.search(p).expect("warm-up"));
    }
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        for p in &params {
            let (w, c) = (Instant::now(), cpu_time(libc::CLOCK_THREAD_CPUTIME_ID));
            black_box(service.search(black_box(p)).expect("search runs"));
            cpu.push(cpu_time(libc::CLOCK_THREAD_CPUTIME_ID) - c);
            wall.push(w.elapsed());
        }
    }
    if std::env::var_os("SEARCH_BENCH_DETAIL").is_some() {
        let n = params.len();
        let mut per: Vec<(Duration, &str)> = params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut v: Vec<Duration> = cpu.iter().skip(i).step_by(n).copied().collect();
                v.sort();
                (v[v.len() / 2], p.query.as_str())
            })
            .collect();
        per.sort();
        for (d, q) in per {
            println!("    cpu {:.3} ms  {q:?}", ms(d));
        }
    }
    let (wall, cpu) = (stats(wall), stats(cpu));

    let n = set.queries.len();
    let rate = hits as f64 / n as f64;
    println!(
        "provider-sidecar search (tantivy), {} models ({deprecated} deprecated), {n} queries, limit {RESULT_LIMIT}",
        models.len()
    );
    println!(
        "  index build    cpu median {:.2} ms | wall median {:.2} ms  (target <= 50 ms)",
        build_cpu.p50, build_wall.p50
    );
    println!(
        "  query latency  cpu p50 {:.3} ms  p99 {:.3} ms  mean {:.3} ms | wall p50 {:.3} ms  p99 {:.3} ms  (target p99 <= 0.5 ms)",
        cpu.p50, cpu.p99, cpu.mean, wall.p50, wall.p99
    );
    println!("  top-3 hit rate {hits}/{n} = {:.1}%", rate * 100.0);
    for m in &misses {
        println!("    miss: {m:?}");
    }
    println!(
        "BENCH_JSON {}",
        serde_json::json!({
            "engine": "provider-sidecar (tantivy)",
            "models": models.len(),
            "queries": n,
            "buildCpuMs": build_cpu.p50,
            "buildWallMs": build_wall.p50,
            "p50CpuMs": cpu.p50,
            "p99CpuMs": cpu.p99,
            "meanCpuMs": cpu.mean,
            "p50WallMs": wall.p50,
            "p99WallMs": wall.p99,
            "hits": hits,
            "hitRate": rate,
        })
    );
}
