//! `model/list` as JSON: every model of a merged catalog serialized once (on two threads) for its
//! connection state, and picked from for each query's filters; the answer is written straight
//! from the rendered text into the response.
//!
//! Each render thread writes its models into one contiguous buffer, sized up front from an
//! estimate, as `piece,piece,...`: an answer copies each run of consecutive selected models with
//! one copy, commas included, and no model costs an allocation of its own.
//!
//! The buffers are shared while some answer still holds them (concurrent `model/list` calls,
//! whatever their filters, render once) but not kept after: holding ~5 MB of JSON for the life of
//! the process would put the peak RSS over its budget, and a render costs ~10 ms.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Arc, Mutex, Weak};

use schemars::{JsonSchema, SchemaGenerator};
use serde::Serialize;
use serde::ser::SerializeStruct;

use super::descriptor_json::ProviderFields;
use super::descriptor_view::ModelDescriptorView;
use super::merge::{MergedCatalog, ResolvedModel, ResolvedProvider};
use super::query::ModelListResult;

/// Below this many models one thread serializes them all.
const PARALLEL_MIN_MODELS: usize = 512;
const RENDER_THREADS: usize = 2;

const ANSWER_OPEN: &[u8] = br#"{"models":["#;
const ANSWER_CLOSE: &[u8] = b"]}";

/// Every model's descriptor as JSON, in catalog order, for one connection state.
#[derive(Debug)]
pub struct RenderedModels {
    /// Per provider, in catalog order.
    connected: Vec<bool>,
    /// One per render thread, in catalog order.
    chunks: Vec<RenderedChunk>,
}

/// Consecutive models rendered into one buffer.
#[derive(Debug)]
struct RenderedChunk {
    /// Position of the chunk's first model among all the catalog's models.
    first: u32,
    /// The models' JSON separated by commas (UTF-8: written from strings; not checked again, as
    /// it only goes to stdout as bytes, except through [`Self::piece`]).
    /// Shared so an answer can be written to stdout straight from it.
    json: Arc<Vec<u8>>,
    /// Per model, the offset just past its JSON; the next model starts one byte (a comma) later.
    ends: Vec<u32>,
}

type Listed<'a> = (&'a ResolvedProvider, &'a ResolvedModel, bool);

impl RenderedChunk {
    fn render(first: usize, models: &[Listed<'_>]) -> Self {
        let estimate: usize = models
            .iter()
            .map(|(provider, model, _)| estimated_len(provider, model))
            .sum();
        let mut json = Vec::with_capacity(estimate);
        let mut ends = Vec::with_capacity(models.len());
        let mut provider_fields = ProviderFields::default();
        for (provider, model, connected) in models {
            if !ends.is_empty() {
                json.push(b',');
            }
            ModelDescriptorView::new(provider, model, *connected)
                .write_json_sharing(&mut json, &mut provider_fields);
            ends.push(offset(json.len()));
        }
        Self {
            first: offset(first),
            json: Arc::new(json),
            ends,
        }
    }

    /// The byte range of this chunk's models `first..=last` (chunk-local positions), with the
    /// commas between them.
    fn span(&self, first: usize, last: usize) -> Range<usize> {
        let start = match first {
            0 => 0,
            _ => self.ends[first - 1] as usize + 1,
        };
        start..self.ends[last] as usize
    }

    fn piece(&self, local: usize) -> &str {
        std::str::from_utf8(&self.json[self.span(local, local)])
            .expect("a model's JSON is written from UTF-8 strings and ASCII")
    }
}

fn offset(at: usize) -> u32 {
    u32::try_from(at).expect("a rendered chunk stays under 4 GiB")
}

/// About the length of a model's descriptor JSON, on the high side: the fixed keys and values
/// (~680 bytes), each string it holds (the model id three times), and room for costs,
/// reasoning options, variants and provider-defined tool ids. Too high costs only untouched
/// address space; too low a copy.
fn estimated_len(provider: &ResolvedProvider, model: &ResolvedModel) -> usize {
    const FIXED: usize = 760;
    let info = &*model.info;
    let optional = |s: &Option<String>| s.as_ref().map_or(0, |s| s.len() + 24);
    FIXED
        + info.name.len()
        + 3 * (provider.id.len() + model.id.len())
        + model.api_id.len()
        + provider.name.len()
        + model.npm.len()
        + provider
            .options
            .base_url
            .as_deref()
            .or(model.api_url.as_deref())
            .or(provider.api_url.as_deref())
            .map_or(0, str::len)
        + provider.env.iter().map(|e| e.len() + 3).sum::<usize>()
        + optional(&info.family)
        + optional(&info.release_date)
        + optional(&info.last_updated)
        + optional(&info.knowledge)
        + info
            .cost
            .as_ref()
            .map_or(0, |cost| 160 + 180 * cost.tiers.len())
        + info
            .cost
            .as_ref()
            .and_then(|c| c.context_over_200k.as_ref())
            .map_or(0, |_| 200)
        + info.reasoning_options.as_ref().map_or(0, |o| 40 * o.len())
        + 16 * (model.variants.len() + 4)
        + super::descriptor_view::CallOptionsView::of(model)
            .provider_tools
            .iter()
            .map(|id| id.len() + 3)
            .sum::<usize>()
}

impl RenderedModels {
    fn render(catalog: &MergedCatalog, connected: Vec<bool>) -> Self {
        let models: Vec<Listed<'_>> = catalog
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
        let threads =
            std::thread::available_parallelism().map_or(1, |n| n.get().min(RENDER_THREADS));
        let chunks = if threads < 2 || models.len() < PARALLEL_MIN_MODELS {
            vec![RenderedChunk::render(0, &models)]
        } else {
            let middle = models.len() / 2;
            let (first, second) = models.split_at(middle);
            std::thread::scope(|scope| {
                let helper = scope.spawn(|| RenderedChunk::render(middle, second));
                let first = RenderedChunk::render(0, first);
                let second = helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                vec![first, second]
            })
        };
        Self { connected, chunks }
    }

    /// The chunk holding model `index` (its position among all the catalog's models) and the
    /// model's position inside it.
    fn locate(&self, index: u32) -> (usize, usize) {
        let chunk = self
            .chunks
            .iter()
            .rposition(|chunk| chunk.first <= index)
            .expect("the first chunk starts at model 0");
        let local = (index - self.chunks[chunk].first) as usize;
        (chunk, local)
    }

    fn piece(&self, index: u32) -> &str {
        let (chunk, local) = self.locate(index);
        self.chunks[chunk].piece(local)
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
        let started = std::time::Instant::now();
        let rendered = Arc::new(RenderedModels::render(catalog, connected));
        tracing::debug!(
            elapsed_us = started.elapsed().as_micros() as u64,
            "model descriptors rendered"
        );
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

/// A piece of a `model/list` answer's JSON.
pub enum AnswerPiece {
    Literal(&'static [u8]),
    /// A byte range of a rendered buffer.
    Rendered(Arc<Vec<u8>>, Range<usize>),
}

impl AnswerPiece {
    pub fn len(&self) -> usize {
        match self {
            AnswerPiece::Literal(bytes) => bytes.len(),
            AnswerPiece::Rendered(_, range) => range.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

    /// The answer's JSON (the bytes of `serde_json::to_vec(self)`) as pieces to write one after
    /// the other, the rendered ones without copying them.
    pub fn answer_pieces(&self) -> Vec<AnswerPiece> {
        let mut pieces = vec![AnswerPiece::Literal(ANSWER_OPEN)];
        for (position, (chunk, span)) in self.runs().enumerate() {
            if position > 0 {
                pieces.push(AnswerPiece::Literal(b","));
            }
            let json = Arc::clone(&self.rendered.chunks[chunk].json);
            pieces.push(AnswerPiece::Rendered(json, span));
        }
        pieces.push(AnswerPiece::Literal(ANSWER_CLOSE));
        pieces
    }

    /// The selected models as runs of consecutive models of one chunk: `(chunk, byte range)`.
    fn runs(&self) -> impl Iterator<Item = (usize, Range<usize>)> + '_ {
        let mut selected = self
            .selected
            .iter()
            .map(|index| self.rendered.locate(*index));
        let mut current = selected.next().map(|(chunk, local)| (chunk, local, local));
        std::iter::from_fn(move || {
            let (chunk, first, mut last) = current?;
            current = None;
            for (next_chunk, local) in selected.by_ref() {
                if next_chunk == chunk && local == last + 1 {
                    last = local;
                } else {
                    current = Some((next_chunk, local, local));
                    break;
                }
            }
            Some((chunk, self.rendered.chunks[chunk].span(first, last)))
        })
    }

    fn pieces(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.selected
            .iter()
            .map(|index| self.rendered.piece(*index))
    }
}

impl Serialize for ModelListJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Pieces<'a>(&'a ModelListJson);

        impl Serialize for Pieces<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.pieces().map(Verbatim))
            }
        }

        let mut result = serializer.serialize_struct("ModelListResult", 1)?;
        result.serialize_field("models", &Pieces(self))?;
        result.end()
    }
}

/// A piece of JSON that serde_json writes as is: serialized the way serde_json's own
/// [`RawValue`](serde_json::value::RawValue) serializes (a struct named by its private token, which
/// its serializers write verbatim). Borrowing the piece as a `&RawValue` would do the same but
/// parse all ~5 MB of pieces again to check them, and serde_json wrote them. The byte-for-byte
/// tests hold this to `serde_json::to_vec` / `to_value` of the owned descriptors.
struct Verbatim<'a>(&'a str);

const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

impl Serialize for Verbatim<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut raw = serializer.serialize_struct(RAW_VALUE_TOKEN, 1)?;
        raw.serialize_field(RAW_VALUE_TOKEN, self.0)?;
        raw.end()
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
            let owned = owned_json(&catalog, params, &openai_connected);
            assert_eq!(
                json_of(&catalog, params, &openai_connected),
                owned,
                "{params:?}"
            );
            let answer = catalog
                .model_list_json(params, &openai_connected)
                .expect("lists");
            assert_eq!(joined_pieces(&answer), owned.as_bytes(), "{params:?}");
            assert_eq!(
                serde_json::to_vec(&answer).expect("serializes"),
                owned.as_bytes()
            );
            assert_eq!(
                serde_json::value::to_raw_value(&answer)
                    .expect("serializes")
                    .get(),
                owned
            );
            assert_eq!(
                serde_json::to_value(&answer).expect("to a value"),
                serde_json::from_str::<serde_json::Value>(&owned).expect("parses")
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
    fn runs_across_chunks_and_gaps_write_the_same_bytes_as_serde() {
        let catalog = MergedCatalog::build(&embedded_catalog(), &SidecarConfig::default());
        let rendered = catalog
            .rendered
            .get_or_render(&catalog, vec![false; catalog.providers.len()]);
        let total = u32::try_from(catalog.model_count()).expect("fits");
        let middle = rendered.chunks.last().expect("a chunk").first;
        let selections: [Vec<u32>; 6] = [
            Vec::new(),
            vec![0],
            vec![total - 1],
            (0..total).collect(),
            (middle.saturating_sub(3)..(middle + 3).min(total)).collect(),
            (0..total).filter(|i| i % 7 != 3 && i % 11 != 0).collect(),
        ];
        for selected in selections {
            let answer = ModelListJson::new(Arc::clone(&rendered), selected.clone());
            let expected = serde_json::to_vec(&answer).expect("serializes");
            let pieces: Vec<&str> = selected.iter().map(|i| rendered.piece(*i)).collect();
            assert_eq!(
                expected,
                format!("{{\"models\":[{}]}}", pieces.join(",")).into_bytes()
            );
            assert_eq!(
                joined_pieces(&answer),
                expected,
                "pieces of {} models",
                selected.len()
            );
        }
    }

    /// The answer's pieces written one after the other, as the RPC layer writes them.
    fn joined_pieces(answer: &ModelListJson) -> Vec<u8> {
        let mut joined = Vec::new();
        for piece in answer.answer_pieces() {
            match piece {
                AnswerPiece::Literal(bytes) => joined.extend_from_slice(bytes),
                AnswerPiece::Rendered(json, range) => {
                    joined.extend_from_slice(&json[range]);
                }
            }
        }
        joined
    }

    #[test]
    fn the_estimate_holds_every_chunk_without_growing() {
        let config: SidecarConfig = serde_json::from_value(serde_json::json!({
            "provider": {"corp": {"npm": "@ai-sdk/openai-compatible", "api": "http://127.0.0.1:9/v1",
                "models": {"big": {"name": "Big", "variants": {"a": {}, "b": {}, "c": {}}}}}}
        }))
        .expect("config");
        let catalog = MergedCatalog::build(&embedded_catalog(), &config);
        let models: Vec<Listed<'_>> = catalog
            .providers
            .values()
            .flat_map(|p| p.models.values().map(move |m| (p, m, true)))
            .collect();
        let chunk = RenderedChunk::render(0, &models);
        let estimate: usize = models.iter().map(|(p, m, _)| estimated_len(p, m)).sum();
        assert!(
            chunk.json.len() <= estimate,
            "{} > {estimate}",
            chunk.json.len()
        );
        assert!(
            estimate < chunk.json.len() * 3 / 2,
            "{estimate} wastes too much over {}",
            chunk.json.len()
        );
        for (index, (provider, model, _)) in models.iter().enumerate() {
            assert!(
                chunk.piece(index).len() <= estimated_len(provider, model),
                "{}/{}",
                provider.id,
                model.id
            );
        }
    }

    #[test]
    fn the_answer_has_the_model_list_schema() {
        let ours = schemars::schema_for!(ModelListJson);
        let theirs = schemars::schema_for!(ModelListResult);
        assert_eq!(ours, theirs);
    }
}
