//! Search benchmark (plain `std::time`, run with `cargo bench --bench search`):
//! full-catalog index build time, query latency p50/p99 over the relevance queries, and the
//! relevance set's top-3 hit rate. The last line is JSON for `scripts/bench-search`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use provider_sidecar::search::{
    ModelIndex, ModelStatus, ProviderDoc, SearchDoc, SearchParams, SearchService,
};

#[path = "../src/search/fixture_docs.rs"]
#[allow(dead_code)]
mod fixture_docs;

use fixture_docs::{MODELS_DEV, RELEVANCE, load_models_dev, load_relevance};

const BUILD_RUNS: usize = 30;
const QUERY_ROUNDS: usize = 300;
const RESULT_LIMIT: usize = 20;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs a quick smoke pass.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (models, providers): (Vec<SearchDoc>, Vec<ProviderDoc>) = load_models_dev(MODELS_DEV);
    let set = load_relevance(RELEVANCE);

    let runs = if quick { 2 } else { BUILD_RUNS };
    let mut builds = Vec::with_capacity(runs);
    for _ in 0..runs {
        let docs = models.clone();
        let start = Instant::now();
        let index = ModelIndex::build(docs).expect("index builds");
        builds.push(start.elapsed());
        black_box(index);
    }
    builds.sort();

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
    let mut samples = Vec::with_capacity(rounds * params.len());
    for _ in 0..rounds {
        for p in &params {
            let start = Instant::now();
            black_box(service.search(black_box(p)).expect("search runs"));
            samples.push(start.elapsed());
        }
    }
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;

    let build_median = percentile(&builds, 0.5);
    let (p50, p99) = (percentile(&samples, 0.5), percentile(&samples, 0.99));
    let rate = hits as f64 / set.queries.len() as f64;
    println!(
        "provider-sidecar search (tantivy), {} models, {} queries",
        models.len(),
        set.queries.len()
    );
    println!(
        "  index build   median {:.2} ms  min {:.2} ms  (target <= 50 ms)",
        ms(build_median),
        ms(builds[0])
    );
    println!(
        "  query latency p50 {:.3} ms  p99 {:.3} ms  mean {:.3} ms  (target p99 <= 0.5 ms)",
        ms(p50),
        ms(p99),
        ms(mean)
    );
    println!(
        "  top-3 hit rate {hits}/{} = {:.1}%",
        set.queries.len(),
        rate * 100.0
    );
    for m in &misses {
        println!("    miss: {m:?}");
    }
    println!(
        "BENCH_JSON {}",
        serde_json::json!({
            "engine": "provider-sidecar (tantivy)",
            "models": models.len(),
            "queries": set.queries.len(),
            "buildMs": ms(build_median),
            "p50Ms": ms(p50),
            "p99Ms": ms(p99),
            "meanMs": ms(mean),
            "hits": hits,
            "hitRate": rate,
        })
    );
}
