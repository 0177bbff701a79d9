//! Behaviour of the model index on small hand-made catalogs, and the relevance set on the real one.

use super::fixture_docs::{MODELS_DEV, RELEVANCE, load_models_dev, load_relevance, split_key};
use super::*;
use crate::model_spec::ModelStatus;

fn model(provider: &str, id: &str, name: &str, date: &str) -> SearchDoc {
    SearchDoc {
        provider_id: provider.into(),
        provider_name: provider.to_uppercase(),
        model_id: id.into(),
        model_name: name.into(),
        release_date: Some(date.into()),
        tool_call: true,
        context_window: 128_000,
        ..SearchDoc::default()
    }
}

fn small_catalog() -> Vec<SearchDoc> {
    let mut docs = vec![
        model(
            "anthropic",
            "claude-sonnet-4-5",
            "Claude Sonnet 4.5",
            "2025-09-29",
        ),
        model(
            "anthropic",
            "claude-3-5-sonnet",
            "Claude Sonnet 3.5",
            "2024-06-20",
        ),
        model(
            "anthropic",
            "claude-opus-4-1",
            "Claude Opus 4.1",
            "2025-08-05",
        ),
        model("openai", "gpt-5", "GPT-5", "2025-08-07"),
        model("openai", "gpt-5-mini", "GPT-5 Mini", "2025-08-07"),
        model("openai", "gpt-4o", "GPT-4o", "2024-05-13"),
        model(
            "google",
            "gemini-2.5-flash",
            "Gemini 2.5 Flash",
            "2025-06-17",
        ),
        model("google", "gemini-2.5-pro", "Gemini 2.5 Pro", "2025-06-17"),
        model(
            "openrouter",
            "qwen/qwen3-coder",
            "Qwen3 Coder",
            "2025-07-23",
        ),
        model(
            "openrouter",
            "anthropic/claude-sonnet-4.5",
            "Claude Sonnet 4.5",
            "2025-09-29",
        ),
        model("groq", "qwen/qwen3-coder", "Qwen3 Coder", "2025-07-23"),
        model("zai", "glm-4.6", "GLM-4.6", "2025-09-30"),
        model("moonshotai", "kimi-k2", "Kimi K2", "2025-07-11"),
    ];
    docs[1].status = ModelStatus::Deprecated;
    docs[5].vision = true;
    docs[6].vision = true;
    docs[6].reasoning = true;
    docs[7].context_window = 1_000_000;
    docs
}

fn keys(hits: &[SearchHit]) -> Vec<String> {
    hits.iter()
        .map(|h| format!("{}/{}", h.provider_id, h.model_id))
        .collect()
}

fn search(index: &ModelIndex, q: &str) -> Vec<String> {
    keys(&index.search(&SearchParams::new(q)).expect("search runs"))
}

#[test]
fn typos_versions_and_prefixes_find_the_model() {
    let index = ModelIndex::build(small_catalog()).expect("index builds");
    assert_eq!(
        search(&index, "claud sonet 4.5")[0],
        "anthropic/claude-sonnet-4-5"
    );
    assert_eq!(search(&index, "gpt5")[0], "openai/gpt-5");
    assert_eq!(search(&index, "sonnet45")[0], "anthropic/claude-sonnet-4-5");
    assert_eq!(
        search(&index, "gemini 2.5 fla")[0],
        "google/gemini-2.5-flash"
    );
    assert_eq!(search(&index, "gpt-4o")[0], "openai/gpt-4o");
}

#[test]
fn provider_qualified_and_aliased_queries_prefer_that_provider() {
    let index = ModelIndex::build(small_catalog()).expect("index builds");
    assert_eq!(
        search(&index, "openrouter qwen coder")[0],
        "openrouter/qwen/qwen3-coder"
    );
    assert_eq!(
        search(&index, "anthropic/claude sonnet")[0],
        "anthropic/claude-sonnet-4-5"
    );
    assert_eq!(search(&index, "kimi")[0], "moonshotai/kimi-k2");
    let zen = index
        .search(&SearchParams::new("zen glm"))
        .expect("search runs");
    assert_eq!(keys(&zen)[0], "zai/glm-4.6");
    assert!(zen[0].matched_fields.contains(&MatchedField::ProviderAlias));
}

#[test]
fn exact_matches_come_first_and_are_flagged() {
    let index = ModelIndex::build(small_catalog()).expect("index builds");
    let hits = index
        .search(&SearchParams::new("GPT-5"))
        .expect("search runs");
    assert!(hits[0].exact && hits[0].model_id == "gpt-5");
    assert!(!hits[1].exact, "gpt-5-mini is not an exact match");
    assert!(hits[0].matched_fields.contains(&MatchedField::ModelId));
    assert!(hits[0].matched_fields.contains(&MatchedField::ModelName));
}

#[test]
fn deprecated_models_rank_below_live_ones() {
    let index = ModelIndex::build(small_catalog()).expect("index builds");
    let hits = search(&index, "claude sonnet");
    let live = hits.iter().position(|k| k == "anthropic/claude-sonnet-4-5");
    let old = hits.iter().position(|k| k == "anthropic/claude-3-5-sonnet");
    assert!(live.expect("live found") < old.expect("deprecated still found"));
}

#[test]
fn connected_providers_rank_first_among_equals() {
    let mut docs = small_catalog();
    for d in &mut docs {
        d.connected = d.provider_id == "groq";
    }
    let index = ModelIndex::build(docs).expect("index builds");
    assert_eq!(search(&index, "qwen3 coder")[0], "groq/qwen/qwen3-coder");
    let index = ModelIndex::build(small_catalog()).expect("index builds");
    let plain = search(&index, "qwen3 coder");
    assert_eq!(
        plain[..2],
        ["openrouter/qwen/qwen3-coder", "groq/qwen/qwen3-coder"],
        "popular next"
    );
}

#[test]
fn filters_restrict_results() {
    let index = ModelIndex::build(small_catalog()).expect("index builds");
    let with = |filters: SearchFilters, q: &str| {
        keys(
            &index
                .search(&SearchParams {
                    query: q.into(),
                    limit: None,
                    filters: Some(filters),
                })
                .expect("search runs"),
        )
    };
    let vision = with(
        SearchFilters {
            vision: Some(true),
            ..Default::default()
        },
        "",
    );
    assert_eq!(vision.len(), 2);
    let gemini = with(
        SearchFilters {
            reasoning: Some(true),
            ..Default::default()
        },
        "gemini",
    );
    assert_eq!(gemini, ["google/gemini-2.5-flash"]);
    let big = with(
        SearchFilters {
            min_context: Some(500_000),
            ..Default::default()
        },
        "",
    );
    assert_eq!(big, ["google/gemini-2.5-pro"]);
    let router = with(
        SearchFilters {
            provider_id: Some("openrouter".into()),
            ..Default::default()
        },
        "claude",
    );
    assert_eq!(router, ["openrouter/anthropic/claude-sonnet-4.5"]);
    let none = with(
        SearchFilters {
            connected_only: true,
            ..Default::default()
        },
        "",
    );
    assert!(none.is_empty());
}

#[test]
fn empty_query_lists_in_default_order_up_to_the_limit() {
    let index = ModelIndex::build(small_catalog()).expect("index builds");
    let hits = index
        .search(&SearchParams {
            query: "  ".into(),
            limit: Some(4),
            filters: None,
        })
        .expect("search runs");
    // Popular providers in the app's order (zai, openai, anthropic, ...), newest first.
    assert_eq!(
        keys(&hits),
        [
            "zai/glm-4.6",
            "openai/gpt-5",
            "openai/gpt-5-mini",
            "openai/gpt-4o"
        ]
    );
    assert!(
        hits.iter()
            .all(|h| h.score == 0.0 && h.matched_fields.is_empty())
    );
}

#[test]
fn a_word_matching_nothing_falls_back_to_the_other_words() {
    let index = ModelIndex::build(small_catalog()).expect("index builds");
    let hits = search(&index, "gemini flash xyzzy");
    assert_eq!(hits[0], "google/gemini-2.5-flash");
    assert!(search(&index, "xyzzy").is_empty());
}

#[test]
fn service_swaps_whole_indexes() {
    let service = SearchService::empty().expect("empty index builds");
    assert!(
        service
            .search(&SearchParams::new("gpt"))
            .expect("search runs")
            .is_empty()
    );
    let held = service.snapshot();
    service
        .rebuild(small_catalog(), Vec::new())
        .expect("rebuild");
    assert_eq!(
        keys(&service.search(&SearchParams::new("gpt5")).expect("search"))[0],
        "openai/gpt-5"
    );
    assert!(
        held.models.is_empty(),
        "an old snapshot stays whole while held"
    );
}

#[test]
fn params_and_hits_use_camel_case() {
    let params: SearchParams = serde_json::from_value(serde_json::json!({
        "query": "x", "limit": 3, "filters": {"providerId": "a", "toolCall": true, "minContext": 5, "connectedOnly": true}
    }))
    .expect("params parse");
    let f = params.filters.expect("filters");
    assert_eq!(
        (
            f.provider_id.as_deref(),
            f.tool_call,
            f.min_context,
            f.connected_only
        ),
        (Some("a"), Some(true), Some(5), true)
    );
    let hit = SearchHit {
        provider_id: "p".into(),
        model_id: "m".into(),
        score: 1.0,
        exact: false,
        matched_fields: vec![MatchedField::ModelName, MatchedField::ProviderAlias],
    };
    let v = serde_json::to_value(&hit).expect("hit serializes");
    assert_eq!(
        v["matchedFields"],
        serde_json::json!(["modelName", "providerAlias"])
    );
    assert_eq!(v["providerId"], "p");
}

/// The relevance set against the real models.dev catalog: every expected model in the top 3.
#[test]
fn relevance_set_passes_on_the_real_catalog() {
    let (models, providers) = load_models_dev(MODELS_DEV);
    let set = load_relevance(RELEVANCE);
    assert!(set.queries.len() >= 40, "the set has at least 40 queries");
    for case in &set.queries {
        for key in &case.expect {
            let (p, m) = split_key(key);
            assert!(
                models.iter().any(|d| d.provider_id == p && d.model_id == m),
                "{key} (expected for {:?}) is not in the catalog",
                case.query
            );
        }
    }
    let service = SearchService::new(models, providers).expect("index builds");
    let mut misses = Vec::new();
    for case in &set.queries {
        let params = SearchParams {
            query: case.query.clone(),
            limit: Some(3),
            filters: None,
        };
        let top = keys(&service.search(&params).expect("search runs"));
        for key in &case.expect {
            if !top.contains(key) {
                misses.push(format!(
                    "[{}] {:?}: expected {key}, top 3 {top:?}",
                    case.kind, case.query
                ));
            }
        }
    }
    assert!(
        misses.is_empty(),
        "{} misses:\n{}",
        misses.len(),
        misses.join("\n")
    );
}

#[test]
fn concurrent_searches_see_either_the_old_or_the_new_index() {
    let old: Vec<SearchDoc> = small_catalog().into_iter().take(6).collect();
    let new = small_catalog();
    let service = std::sync::Arc::new(SearchService::new(old.clone(), Vec::new()).expect("build"));
    let expected = |docs: Vec<SearchDoc>| {
        keys(
            &ModelIndex::build(docs)
                .expect("build")
                .search(&SearchParams::new("claude"))
                .expect("search"),
        )
    };
    let (before, after) = (expected(old.clone()), expected(new.clone()));
    assert_ne!(before, after);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (service, stop) = (service.clone(), stop.clone());
        let (before, after) = (before.clone(), after.clone());
        std::thread::spawn(move || {
            let mut seen = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let got = keys(
                    &service
                        .search(&SearchParams::new("claude"))
                        .expect("search"),
                );
                assert!(got == before || got == after, "half index seen: {got:?}");
                seen += 1;
            }
            seen
        })
    };
    for i in 0..6 {
        let docs = if i % 2 == 0 { new.clone() } else { old.clone() };
        service.rebuild(docs, Vec::new()).expect("rebuild");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(reader.join().expect("reader thread") > 0);
}

#[test]
fn provider_search_on_the_real_catalog() {
    let (models, mut providers) = load_models_dev(MODELS_DEV);
    for p in &mut providers {
        p.connected = p.id == "groq";
    }
    let provider_count = providers.len();
    let service = SearchService::new(models, providers).expect("index builds");
    let first = |q: &str| {
        service.search_providers(&ProviderSearchParams {
            query: q.into(),
            limit: Some(5),
        })[0]
            .provider_id
            .clone()
    };
    assert_eq!(first("kimi"), "moonshotai");
    assert_eq!(first("z.ai"), "zai");
    assert_eq!(first("zen"), "zai");
    assert_eq!(first("coding plan"), "zai-coding-plan");
    assert_eq!(first("antropic"), "anthropic");
    assert_eq!(first("open router"), "openrouter");
    assert_eq!(first(""), "groq", "connected first");
    let all = service.search_providers(&ProviderSearchParams {
        query: String::new(),
        limit: Some(500),
    });
    assert_eq!(
        all.len(),
        provider_count,
        "an empty query lists every provider"
    );
    assert_eq!(
        all[1].provider_id, "opencode",
        "then popular, in the app's order"
    );
}

#[test]
fn wire_schemas_are_camel_case() {
    let schema = serde_json::to_value(schemars::schema_for!(SearchParams)).expect("schema");
    let text = schema.to_string();
    for key in [
        "\"providerId\"",
        "\"toolCall\"",
        "\"minContext\"",
        "\"connectedOnly\"",
    ] {
        assert!(text.contains(key), "{key} in {text}");
    }
    let hit = serde_json::to_value(schemars::schema_for!(SearchHit)).expect("schema");
    assert!(hit["properties"].get("matchedFields").is_some());
}
