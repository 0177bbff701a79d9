//! Lenient loading of a models.dev catalog: a malformed provider or model is skipped with a warning,
//! never the whole catalog.
//!
//! The text is split with borrowed `RawValue`s (no intermediate `Value` tree), then each provider and
//! each model is deserialized on its own, so one bad entry costs only itself.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::types::{CatalogModel, CatalogProvider};

/// A loaded catalog: providers keyed (and ordered) by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub providers: BTreeMap<String, CatalogProvider>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogParseError {
    #[error("catalog is not a JSON object of providers: {0}")]
    NotAnObject(#[source] serde_json::Error),
    #[error("catalog holds no usable provider")]
    Empty,
}

/// What was dropped while loading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseReport {
    pub skipped_providers: Vec<String>,
    /// `(providerId, modelId)` pairs.
    pub skipped_models: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct RawProvider<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    env: Vec<String>,
    #[serde(default)]
    npm: Option<String>,
    #[serde(default)]
    api: Option<String>,
    #[serde(default)]
    doc: Option<String>,
    #[serde(default, borrow)]
    models: BTreeMap<String, &'a RawValue>,
}

impl Catalog {
    /// Parses catalog text; errors only when the text is not an object or no provider survives.
    pub fn from_json_str(text: &str) -> Result<(Self, ParseReport), CatalogParseError> {
        // Fast path: every provider is well-formed (models are still read one by one). Only when
        // some provider is malformed does the text get split provider by provider.
        let entries: Vec<(String, ProviderEntry<'_>)> =
            match serde_json::from_str::<BTreeMap<String, RawProvider<'_>>>(text) {
                Ok(parsed) => parsed
                    .into_iter()
                    .map(|(key, provider)| (key, ProviderEntry::Parsed(provider)))
                    .collect(),
                Err(_) => serde_json::from_str::<BTreeMap<String, &RawValue>>(text)
                    .map_err(CatalogParseError::NotAnObject)?
                    .into_iter()
                    .map(|(key, raw)| (key, ProviderEntry::Raw(raw)))
                    .collect(),
            };
        let mut report = ParseReport::default();
        let mut providers = BTreeMap::new();
        for (key, parsed, part) in parse_providers(&entries) {
            report.skipped_models.extend(part.skipped_models);
            match parsed {
                Some(provider) => {
                    providers.insert(key.clone(), provider);
                }
                None => report.skipped_providers.push(key.clone()),
            }
        }
        report.skipped_providers.sort();
        report.skipped_models.sort();
        if providers.is_empty() {
            return Err(CatalogParseError::Empty);
        }
        Ok((Self { providers }, report))
    }

    pub fn provider_count(&self) -> usize {
        self.providers.len()
    }

    pub fn model_count(&self) -> usize {
        self.providers.values().map(|p| p.models.len()).sum()
    }

    pub fn model(&self, provider_id: &str, model_id: &str) -> Option<&CatalogModel> {
        self.providers
            .get(provider_id)?
            .models
            .get(model_id)
            .map(|m| &**m)
    }
}

/// A provider as read by the fast path, or its raw text for the lenient path.
enum ProviderEntry<'a> {
    Parsed(RawProvider<'a>),
    Raw(&'a RawValue),
}

type ParsedProvider<'k> = (&'k String, Option<CatalogProvider>, ParseReport);

/// Parses providers on up to 4 threads: the work is allocation-bound, and the first model query
/// waits for it.
fn parse_providers<'k>(entries: &'k [(String, ProviderEntry<'_>)]) -> Vec<ParsedProvider<'k>> {
    let parse_one = |(key, raw): &'k (String, ProviderEntry<'_>)| {
        let mut report = ParseReport::default();
        let provider = parse_provider(key, raw, &mut report);
        (key, provider, report)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    if threads < 2 || entries.len() < 32 {
        return entries.iter().map(parse_one).collect();
    }
    // Interleave providers across threads so the big ones spread out.
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|offset| {
                scope.spawn(move || {
                    entries
                        .iter()
                        .skip(offset)
                        .step_by(threads)
                        .map(parse_one)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

fn parse_provider(
    key: &str,
    entry: &ProviderEntry<'_>,
    report: &mut ParseReport,
) -> Option<CatalogProvider> {
    let reparsed;
    let parsed: &RawProvider<'_> = match entry {
        ProviderEntry::Parsed(parsed) => parsed,
        ProviderEntry::Raw(raw) => match serde_json::from_str(raw.get()) {
            Ok(parsed) => {
                reparsed = parsed;
                &reparsed
            }
            Err(error) => {
                tracing::warn!(provider = key, %error, "skipping malformed catalog provider");
                return None;
            }
        },
    };
    let id = parsed.id.clone().unwrap_or_else(|| key.to_owned());
    let mut models = BTreeMap::new();
    for (model_key, model_raw) in &parsed.models {
        match serde_json::from_str::<CatalogModel>(model_raw.get()) {
            Ok(mut model) => {
                if model.id.is_empty() {
                    model.id.clone_from(model_key);
                }
                if model.name.is_empty() {
                    model.name.clone_from(&model.id);
                }
                models.insert(model_key.clone(), Arc::new(model));
            }
            Err(error) => {
                tracing::warn!(provider = key, model = %model_key, %error, "skipping malformed catalog model");
                report
                    .skipped_models
                    .push((key.to_owned(), model_key.clone()));
            }
        }
    }
    Some(CatalogProvider {
        name: parsed.name.clone().unwrap_or_else(|| id.clone()),
        id,
        env: parsed.env.clone(),
        npm: parsed.npm.clone(),
        api: parsed.api.clone(),
        doc: parsed.doc.clone(),
        models,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::types::*;

    pub(crate) const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/models-dev/api.json"
    );

    fn fixture() -> Catalog {
        let text = std::fs::read_to_string(FIXTURE).expect("fixture present");
        let (catalog, report) = Catalog::from_json_str(&text).expect("fixture parses");
        assert_eq!(
            report,
            ParseReport::default(),
            "nothing skipped in the real catalog"
        );
        catalog
    }

    #[test]
    fn real_catalog_counts() {
        let catalog = fixture();
        assert_eq!(catalog.provider_count(), 147);
        assert_eq!(catalog.model_count(), 5276);
    }

    #[test]
    fn real_catalog_known_model_fields() {
        let catalog = fixture();
        let anthropic = &catalog.providers["anthropic"];
        assert_eq!(anthropic.name, "Anthropic");
        assert_eq!(anthropic.env, vec!["ANTHROPIC_API_KEY"]);
        assert_eq!(anthropic.npm.as_deref(), Some("@ai-sdk/anthropic"));
        assert_eq!(anthropic.api, None);
        let sonnet = &anthropic.models["claude-sonnet-4-5"];
        assert_eq!(sonnet.family.as_deref(), Some("claude-sonnet"));
        assert_eq!(sonnet.attachment, Some(true));
        assert_eq!(sonnet.reasoning, Some(true));
        assert_eq!(sonnet.tool_call, Some(true));
        assert_eq!(sonnet.knowledge.as_deref(), Some("2025-07-31"));
        assert_eq!(sonnet.release_date.as_deref(), Some("2025-09-29"));
        assert_eq!(
            sonnet.limit,
            Some(Limit {
                context: 200_000,
                input: None,
                output: 64_000
            })
        );
        let cost = sonnet.cost.as_ref().expect("priced");
        assert_eq!(
            (cost.input, cost.output, cost.cache_read, cost.cache_write),
            (3.0, 15.0, Some(0.3), Some(3.75))
        );
        assert_eq!(
            sonnet.modalities.as_ref().expect("modalities").input,
            vec![Modality::Text, Modality::Image, Modality::Pdf]
        );
        assert_eq!(
            sonnet.reasoning_options,
            Some(vec![ReasoningOption::BudgetTokens {
                min: Some(1024),
                max: None
            }])
        );
        assert_eq!(sonnet.status, None);
    }

    #[test]
    fn real_catalog_variants_are_all_read() {
        let catalog = fixture();
        let models = || catalog.providers.values().flat_map(|p| p.models.values());
        let count = |f: &dyn Fn(&CatalogModel) -> bool| models().filter(|m| f(m)).count();
        assert_eq!(
            count(&|m| matches!(m.interleaved, Some(Interleaved::Enabled(true)))),
            31
        );
        assert_eq!(
            count(&|m| matches!(m.interleaved, Some(Interleaved::Field { .. }))),
            526
        );
        assert_eq!(count(&|m| m.cost.is_none()), 5276 - 4894);
        assert_eq!(
            count(&|m| m.cost.as_ref().is_some_and(|c| !c.tiers.is_empty())),
            190
        );
        assert_eq!(
            count(&|m| m
                .cost
                .as_ref()
                .is_some_and(|c| c.context_over_200k.is_some())),
            184
        );
        assert_eq!(count(&|m| m.experimental.is_some()), 40);
        assert_eq!(
            count(&|m| m.provider.as_ref().is_some_and(|p| p.shape.is_some())),
            14
        );
        assert_eq!(count(&|m| m.status == Some(ModelStatus::Deprecated)), 121);
        assert_eq!(
            count(&|m| m.limit.as_ref().is_some_and(|l| l.context == 0)),
            94
        );
        assert_eq!(
            count(&|m| m.limit.as_ref().is_some_and(|l| l.input.is_some())),
            969
        );
        let options = || models().flat_map(|m| m.reasoning_options.iter().flatten());
        assert_eq!(
            options()
                .filter(|o| matches!(o, ReasoningOption::Toggle))
                .count(),
            881
        );
        assert_eq!(
            options()
                .filter(|o| matches!(o, ReasoningOption::BudgetTokens { .. }))
                .count(),
            485
        );
        let null_efforts = options()
            .filter_map(|o| match o {
                ReasoningOption::Effort { values } => {
                    Some(values.iter().filter(|v| v.is_none()).count())
                }
                _ => None,
            })
            .sum::<usize>();
        assert_eq!(null_efforts, 2);
        assert!(!options().any(|o| matches!(o, ReasoningOption::Unknown)));
        assert!(!models().any(|m| {
            m.modalities
                .iter()
                .flat_map(|x| x.input.iter())
                .any(|x| *x == Modality::Unknown)
        }));
        let fast = catalog.providers["aihubmix"].models["gpt-5.4"]
            .experimental
            .as_ref()
            .expect("modes");
        let body = &fast.modes["fast"].provider.as_ref().expect("provider").body;
        assert_eq!(body["service_tier"], "priority");
        let mantle = &catalog.providers["amazon-bedrock"].models["openai.gpt-5.4"];
        assert!(
            mantle
                .provider
                .as_ref()
                .and_then(|p| p.api.as_deref())
                .is_some_and(|a| a.contains("${AWS_REGION}"))
        );
    }

    #[test]
    fn malformed_entries_are_skipped_not_fatal() {
        let text = r#"{
            "good": {"id": "good", "name": "Good", "env": ["GOOD_KEY"], "npm": "@ai-sdk/openai-compatible",
                     "models": {
                        "ok": {"id": "ok", "name": "OK", "limit": {"context": 10, "output": 5}, "brand_new_field": {"x": 1}},
                        "bad": {"id": "bad", "limit": {"context": "huge"}},
                        "weird-option": {"reasoning_options": [{"type": "future_kind", "foo": 1}]}
                     }},
            "broken": {"id": "broken", "env": "NOT_A_LIST", "models": {}},
            "older": {"name": "Older", "models": {"m": {"name": "M"}}}
        }"#;
        let (catalog, report) = Catalog::from_json_str(text).expect("loads");
        assert_eq!(report.skipped_providers, vec!["broken"]);
        assert_eq!(
            report.skipped_models,
            vec![("good".to_owned(), "bad".to_owned())]
        );
        assert_eq!(catalog.provider_count(), 2);
        let good = &catalog.providers["good"];
        assert_eq!(good.models.len(), 2);
        assert_eq!(
            good.models["weird-option"].reasoning_options,
            Some(vec![ReasoningOption::Unknown])
        );
        assert_eq!(good.models["weird-option"].id, "weird-option");
        let older = &catalog.providers["older"];
        assert_eq!(older.id, "older");
        assert_eq!(older.models["m"].id, "m");
        assert_eq!(older.models["m"].name, "M");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(matches!(
            Catalog::from_json_str("[1,2]"),
            Err(CatalogParseError::NotAnObject(_))
        ));
        assert!(matches!(
            Catalog::from_json_str("{\"a\":"),
            Err(CatalogParseError::NotAnObject(_))
        ));
        assert!(matches!(
            Catalog::from_json_str("{}"),
            Err(CatalogParseError::Empty)
        ));
        assert!(matches!(
            Catalog::from_json_str("{\"a\": 3}"),
            Err(CatalogParseError::Empty)
        ));
    }
}
