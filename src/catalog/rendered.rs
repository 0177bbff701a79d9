//! `model/list` as JSON: every model of a merged catalog serialized once (on two threads) for its
//! connection state, and picked from for each query's filters; the answer is written straight
//! from the pieces into the response.
//!
//! The pieces are shared while some answer still holds them (concurrent `model/list` calls,
//! whatever their filters, render once) but not kept after: holding ~5 MB of JSON for the life of
//! the process would put the peak RSS over its budget, and a render costs ~10 ms.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, Weak};

use schemars::{JsonSchema, SchemaGenerator};
use serde::Serialize;
use serde::ser::SerializeStruct;
use serde_json::value::RawValue;

use super::descriptor_view::ModelDescriptorView;
use super::merge::{MergedCatalog, ResolvedModel, ResolvedProvider};
use super::query::ModelListResult;

/// Below this many models one thread serializes them all.
const PARALLEL_MIN_MODELS: usize = 512;
const RENDER_THREADS: usize = 2;

/// Every model's descriptor as JSON, in catalog order, for one connection state.
#[derive(Debug)]
pub struct RenderedModels {
    /// Per provider, in catalog order.
    connected: Vec<bool>,
    pieces: Vec<Box<RawValue>>,
}

impl RenderedModels {
    fn render(catalog: &MergedCatalog, connected: Vec<bool>) -> Self {
        let models: Vec<(&ResolvedProvider, &ResolvedModel, bool)> = catalog
            .providers
            .values()
            .zip(&connected)
            .flat_map(|(provider, connected)| {
                provider
                    .models
                    .values()
                    .map(move |model| (provider, model, *connected))
            })
            .collect();
        let render_all = |slice: &[(&ResolvedProvider, &ResolvedModel, bool)]| {
            slice
                .iter()
                .map(|(provider, model, connected)| {
                    serde_json::value::to_raw_value(&ModelDescriptorView::new(
                        provider, model, *connected,
                    ))
                    .expect("a descriptor holds only strings, numbers and string-keyed maps")
                })
                .collect::<Vec<_>>()
        };
        let threads =
            std::thread::available_parallelism().map_or(1, |n| n.get().min(RENDER_THREADS));
        let pieces = if threads < 2 || models.len() < PARALLEL_MIN_MODELS {
            render_all(&models)
        } else {
            let (first, second) = models.split_at(models.len() / 2);
            std::thread::scope(|scope| {
                let helper = scope.spawn(|| render_all(second));
                let mut pieces = render_all(first);
                pieces.extend(
                    helper
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                );
                pieces
            })
        };
        Self { connected, pieces }
    }
}

/// The rendered models of one merged catalog (the latest connection state only), while in use. A
/// clone starts empty: clones are made to be changed (discovered models are added to one).
#[derive(Default)]
pub struct RenderCache(Mutex<Weak<RenderedModels>>);

impl RenderCache {
    /// The catalog's models rendered for `connected`, rendering them when the state changed.
    pub fn get_or_render(
        &self,
        catalog: &MergedCatalog,
        connected: Vec<bool>,
    ) -> Arc<RenderedModels> {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(rendered) = slot.upgrade().filter(|r| r.connected == connected) {
            return rendered;
        }
        let rendered = Arc::new(RenderedModels::render(catalog, connected));
        *slot = Arc::downgrade(&rendered);
        rendered
    }
}

impl Clone for RenderCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for RenderCache {
    /// A cache says nothing about the catalog it belongs to.
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for RenderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let filled = self
            .0
            .lock()
            .map(|slot| slot.strong_count() > 0)
            .unwrap_or(false);
        f.debug_struct("RenderCache")
            .field("filled", &filled)
            .finish()
    }
}

/// The `model/list` result (the shape of [`ModelListResult`]) as already-serialized pieces.
#[derive(Debug, Clone)]
pub struct ModelListJson {
    rendered: Arc<RenderedModels>,
    /// Indexes into the rendered pieces, in answer order.
    selected: Vec<u32>,
}

impl ModelListJson {
    pub fn new(rendered: Arc<RenderedModels>, selected: Vec<u32>) -> Self {
        Self { rendered, selected }
    }

    pub fn len(&self) -> usize {
        self.selected.len()
    }

    pub fn is_empty(&self) -> bool {
        self.selected.is_empty()
    }

    fn pieces(&self) -> impl ExactSizeIterator<Item = &RawValue> + '_ {
        self.selected
            .iter()
            .map(|index| &*self.rendered.pieces[*index as usize])
    }
}

impl Serialize for ModelListJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Pieces<'a>(&'a ModelListJson);

        impl Serialize for Pieces<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.pieces())
            }
        }

        let mut result = serializer.serialize_struct("ModelListResult", 1)?;
        result.serialize_field("models", &Pieces(self))?;
        result.end()
    }
}

/// The same schema as [`ModelListResult`], whose shape this is.
impl JsonSchema for ModelListJson {
    fn inline_schema() -> bool {
        ModelListResult::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        ModelListResult::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        ModelListResult::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
        ModelListResult::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::auth_view::{AuthView, CredentialSource};
    use crate::catalog::query::{Capability, ModelListParams};
    use crate::catalog::snapshot::embedded_catalog;
    use crate::catalog::types::ModelStatus;
    use crate::config::SidecarConfig;

    fn openai_connected(id: &str) -> Option<CredentialSource> {
        (id == "openai").then_some(CredentialSource::Env)
    }

    fn json_of(catalog: &MergedCatalog, params: &ModelListParams, auth: &dyn AuthView) -> String {
        let answer = catalog.model_list_json(params, auth).expect("lists");
        serde_json::to_string(&answer).expect("serializes")
    }

    fn owned_json(
        catalog: &MergedCatalog,
        params: &ModelListParams,
        auth: &dyn AuthView,
    ) -> String {
        serde_json::to_string(&catalog.model_list(params, auth).expect("lists"))
            .expect("serializes")
    }

    #[test]
    fn rendered_answers_match_the_owned_descriptors_byte_for_byte() {
        let config: SidecarConfig = serde_json::from_value(serde_json::json!({
            "provider": {
                "anthropic": {"models": {
                    "claude-sonnet-4-5": {"name": "Renamed \"quoted\"", "variants": {"custom": {"x": 1}, "high": {"disabled": true}}},
                    "brand-new": {"name": "New", "limit": {"context": 5, "output": 2}}
                }},
                "corp": {"npm": "@ai-sdk/openai-compatible", "api": "http://127.0.0.1:9/v1",
                         "models": {"big": {"name": "Big é", "tool_call": true}}}
            }
        }))
        .expect("config");
        let catalog = MergedCatalog::build(&embedded_catalog(), &config);
        let all_statuses = ModelListParams {
            status: Some(vec![
                ModelStatus::Active,
                ModelStatus::Alpha,
                ModelStatus::Beta,
                ModelStatus::Deprecated,
            ]),
            ..Default::default()
        };
        let cases = [
            ModelListParams::default(),
            all_statuses,
            ModelListParams {
                provider_id: Some("anthropic".into()),
                ..Default::default()
            },
            ModelListParams {
                capabilities: vec![Capability::Vision, Capability::Tools, Capability::Pdf],
                ..Default::default()
            },
            ModelListParams {
                connected: Some(true),
                ..Default::default()
            },
        ];
        for params in &cases {
            assert_eq!(
                json_of(&catalog, params, &openai_connected),
                owned_json(&catalog, params, &openai_connected),
                "{params:?}"
            );
        }
        let full = json_of(&catalog, &cases[1], &openai_connected);
        assert!(full.contains(r#""name":"Renamed \"quoted\"""#));
        assert!(full.contains(r#""id":"corp/big""#));
        assert!(
            full.contains(r#""id":"aihubmix/gpt-5.4-fast""#),
            "modes listed"
        );
    }

    #[test]
    fn answers_in_use_share_one_render_per_connection_state() {
        let catalog = MergedCatalog::build(&embedded_catalog(), &SidecarConfig::default());
        let nobody = |_: &str| None;
        let first = catalog
            .model_list_json(&ModelListParams::default(), &nobody)
            .expect("lists");
        let filtered = catalog
            .model_list_json(
                &ModelListParams {
                    provider_id: Some("openai".into()),
                    ..Default::default()
                },
                &nobody,
            )
            .expect("lists");
        assert!(Arc::ptr_eq(&first.rendered, &filtered.rendered));
        assert!(filtered.len() < first.len() && !filtered.is_empty());

        let connected = catalog
            .model_list_json(&ModelListParams::default(), &openai_connected)
            .expect("lists");
        assert!(!Arc::ptr_eq(&first.rendered, &connected.rendered));
        let text = serde_json::to_string(&connected).expect("serializes");
        assert!(text.contains(r#""id":"openai/gpt-5","#));
        assert_eq!(
            text,
            owned_json(&catalog, &ModelListParams::default(), &openai_connected)
        );

        drop((first, filtered));
        assert!(format!("{:?}", catalog.rendered).contains("filled: true"));
        drop(connected);
        assert!(
            format!("{:?}", catalog.rendered).contains("filled: false"),
            "the pieces are not kept once no answer holds them"
        );
        let connected = catalog
            .model_list_json(&ModelListParams::default(), &openai_connected)
            .expect("lists");
        let copy = catalog.clone();
        let again = copy
            .model_list_json(&ModelListParams::default(), &openai_connected)
            .expect("lists");
        assert!(
            !Arc::ptr_eq(&again.rendered, &connected.rendered),
            "a clone renders its own"
        );
    }

    #[test]
    fn the_answer_has_the_model_list_schema() {
        let ours = schemars::schema_for!(ModelListJson);
        let theirs = schemars::schema_for!(ModelListResult);
        assert_eq!(ours, theirs);
    }
}
