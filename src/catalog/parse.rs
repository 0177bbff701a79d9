//! Lenient loading of a models.dev catalog: a malformed provider or model is skipped with a warning,
//! never the whole catalog.
//!
//! A well-formed catalog is read in one typed pass. Otherwise the text is split into providers with
//! borrowed `RawValue`s (no intermediate `Value` tree) and each provider that fails a typed read is
//! read again model by model, so one bad entry costs only itself.

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
        // Fast path: the whole catalog in one typed pass. Only when something in it is malformed
        // is the text read again, provider by provider and model by model.
        if let Ok(TypedCatalog(providers)) = serde_json::from_str(text)
            && !providers.is_empty()
        {
            return Ok((Self { providers }, ParseReport::default()));
        }
        let entries = serde_json::from_str::<BTreeMap<String, &RawValue>>(text)
            .map_err(CatalogParseError::NotAnObject)?;
        let mut report = ParseReport::default();
        let mut providers = BTreeMap::new();
        for (key, raw) in entries {
            match parse_provider(&key, raw, &mut report) {
                Some(provider) => {
                    providers.insert(key, provider);
                }
                None => report.skipped_providers.push(key),
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

/// The whole catalog read in one typed pass.
struct TypedCatalog(BTreeMap<String, CatalogProvider>);

impl<'de> Deserialize<'de> for TypedCatalog {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ProvidersVisitor;

        impl<'de> serde::de::Visitor<'de> for ProvidersVisitor {
            type Value = TypedCatalog;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of providers")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut providers = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    let provider = map.next_value::<TypedProvider>()?.into_provider(&key);
                    providers.insert(key, provider);
                }
                Ok(TypedCatalog(providers))
            }
        }

        deserializer.deserialize_map(ProvidersVisitor)
    }
}

/// One provider: in one typed pass when all of it is well-formed (the usual case), else field by
/// field and model by model so that only the malformed models are dropped.
fn parse_provider(key: &str, raw: &RawValue, report: &mut ParseReport) -> Option<CatalogProvider> {
    if let Ok(typed) = serde_json::from_str::<TypedProvider>(raw.get()) {
        return Some(typed.into_provider(key));
    }
    let parsed: RawProvider<'_> = match serde_json::from_str(raw.get()) {
        Ok(parsed) => parsed,
        Err(error) => {
            tracing::warn!(provider = key, %error, "skipping malformed catalog provider");
            return None;
        }
    };
    let mut models = BTreeMap::new();
    for (model_key, model_raw) in parsed.models {
        match serde_json::from_str::<CatalogModel>(model_raw.get()) {
            Ok(mut model) => {
                fill_model_defaults(&mut model, &model_key);
                models.insert(model_key, Arc::new(model));
            }
            Err(error) => {
                tracing::warn!(provider = key, model = %model_key, %error, "skipping malformed catalog model");
                report.skipped_models.push((key.to_owned(), model_key));
            }
        }
    }
    let header = TypedProvider {
        id: parsed.id,
        name: parsed.name,
        env: parsed.env,
        npm: parsed.npm,
        api: parsed.api,
        doc: parsed.doc,
        models,
    };
    Some(header.into_provider(key))
}

/// A provider read in one typed pass.
#[derive(Deserialize)]
struct TypedProvider {
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
    #[serde(default, deserialize_with = "typed_models")]
    models: BTreeMap<String, Arc<CatalogModel>>,
}

impl TypedProvider {
    fn into_provider(self, key: &str) -> CatalogProvider {
        let id = self.id.unwrap_or_else(|| key.to_owned());
        CatalogProvider {
            name: self.name.unwrap_or_else(|| id.clone()),
            id,
            env: self.env,
            npm: self.npm,
            api: self.api,
            doc: self.doc,
            models: self.models,
        }
    }
}

/// Reads the `models` object straight into shared models (no intermediate map).
fn typed_models<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, Arc<CatalogModel>>, D::Error> {
    struct ModelsVisitor;

    impl<'de> serde::de::Visitor<'de> for ModelsVisitor {
        type Value = BTreeMap<String, Arc<CatalogModel>>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of models")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            // Collected rather than inserted one by one, so that the map's nodes are packed full;
            // a repeated key keeps its last value either way.
            let mut models = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some(key) = map.next_key::<String>()? {
                let mut model: CatalogModel = map.next_value()?;
                fill_model_defaults(&mut model, &key);
                models.push((key, Arc::new(model)));
            }
            Ok(models.into_iter().collect())
        }
    }

    deserializer.deserialize_map(ModelsVisitor)
}

/// Older catalogs may leave out a model's `id` and `name`: the key stands in for both.
fn fill_model_defaults(model: &mut CatalogModel, key: &str) {
    if model.id.is_empty() {
        key.clone_into(&mut model.id);
    }
    if model.name.is_empty() {
        model.name.clone_from(&model.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::types::*;

    pub(crate) const FIXTURE: &str =
        concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/models-dev/api.json");

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
