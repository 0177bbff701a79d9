//! The tantivy side of the model index: the schema, writing every model into one in-memory
//! segment, and collecting all matches with their scores.
//!
//! The catalog is written once per build and never updated, so the index is built with
//! tantivy's single-segment writer: no indexing or merge threads, no channel per document, no
//! commit protocol. With exactly one segment, tantivy's doc ids are the models' ordinals (the
//! order they were added in), so nothing is stored in tantivy besides the inverted index.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::directory::RamDirectory;
use tantivy::query::Query;
use tantivy::schema::{Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::store::Compressor;
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager, WhitespaceTokenizer};
use tantivy::{
    DocId, Index, IndexSettings, ReloadPolicy, Score, Searcher, SegmentReader, TantivyDocument,
    TantivyError,
};

use super::catalog_text::{CatalogTexts, DocTexts};
use super::types::SearchDoc;

/// Documents are pre-tokenized (see `text`); tantivy only splits on the spaces we join with.
const TOKENIZER: &str = "pretokenized";
/// Sizes the writer's initial term table (a third of it at most): 64k slots, a few times the
/// catalog's distinct terms. The table grows if ever needed; the default budgets would allocate
/// and fill megabytes per build.
const WRITER_MEMORY: usize = 2_000_000;

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The parts of the model id and name: BM25 with length normalization.
    pub model: Field,
    /// Every spelling of the id, name and family (joins, whole words), each once: matching only.
    pub model_all: Field,
    /// The provider id, untokenized.
    pub provider_key: Field,
}

impl Fields {
    fn schema() -> (Schema, Self) {
        let mut b = Schema::builder();
        let scored = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let unscored = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        );
        let fields = Self {
            model: b.add_text_field("model", scored),
            model_all: b.add_text_field("model_all", unscored),
            provider_key: b.add_text_field("provider_key", STRING),
        };
        (b.build(), fields)
    }

    /// The model's document; `scratch` holds buffers reused from one document to the next.
    fn document<'t>(
        &self,
        doc: &SearchDoc,
        t: &DocTexts,
        texts: &'t CatalogTexts,
        scratch: &mut Scratch<'t>,
    ) -> TantivyDocument {
        let (id, name, family) = (
            texts.text(t.model_id),
            texts.text(t.model_name),
            texts.text(t.family),
        );
        let model = &mut scratch.model;
        model.clear();
        for part in [id.tokens.parts_text(), name.tokens.parts_text()] {
            if !part.is_empty() {
                if !model.is_empty() {
                    model.push(' ');
                }
                model.push_str(part);
            }
        }
        // Each token once: BM25 on this field has no lengths but counts tokens for its average.
        let words = &mut scratch.words;
        words.extend([id, name, family].iter().flat_map(|x| x.tokens.all()));
        words.sort_unstable();
        words.dedup();
        let all = &mut scratch.model_all;
        all.clear();
        for w in words.drain(..) {
            if !all.is_empty() {
                all.push(' ');
            }
            all.push_str(w);
        }
        // Room for the texts plus tantivy's few bytes of framing per value.
        let mut d =
            TantivyDocument::with_capacity(model.len() + all.len() + doc.provider_id.len() + 32);
        d.add_text(self.model, model.as_str());
        d.add_text(self.model_all, all.as_str());
        d.add_text(self.provider_key, &doc.provider_id);
        d
    }
}

#[derive(Default)]
struct Scratch<'t> {
    model: String,
    model_all: String,
    words: Vec<&'t str>,
}

/// The searchable index of one catalog snapshot.
pub struct ModelSegment {
    pub fields: Fields,
    pub searcher: Searcher,
}

impl ModelSegment {
    /// Indexes the models in order: the i-th model becomes doc id i.
    pub fn write(docs: &[SearchDoc], texts: &CatalogTexts) -> Result<Self, TantivyError> {
        let (schema, fields) = Fields::schema();
        let tokenizers = TokenizerManager::default();
        tokenizers.register(
            TOKENIZER,
            TextAnalyzer::builder(WhitespaceTokenizer::default()).build(),
        );
        // Nothing is stored, so the (empty) doc store needs neither compression nor a thread.
        let settings = IndexSettings {
            docstore_compression: Compressor::None,
            docstore_compress_dedicated_thread: false,
            ..IndexSettings::default()
        };
        let mut writer = Index::builder()
            .schema(schema)
            .settings(settings)
            .tokenizers(tokenizers)
            .single_segment_index_writer(RamDirectory::create(), WRITER_MEMORY)?;
        let mut scratch = Scratch::default();
        for (doc, t) in docs.iter().zip(&texts.docs) {
            writer.add_document(fields.document(doc, t, texts, &mut scratch))?;
        }
        let index = writer.finalize()?;
        let reader: tantivy::IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            fields,
            searcher: reader.searcher(),
        })
    }

    /// Every match as (model ordinal, text score).
    pub fn matches(&self, query: &dyn Query) -> Result<Vec<(u32, f32)>, TantivyError> {
        // tantivy's automaton scorer panics on a segment without documents (an empty catalog).
        if self.searcher.num_docs() == 0 {
            return Ok(Vec::new());
        }
        self.searcher.search(query, &AllMatches)
    }

    /// Whether some model's id, name or family has this word (or, with `prefix`, a word
    /// starting with it).
    pub fn has_model_word(&self, word: &str, prefix: bool) -> Result<bool, TantivyError> {
        for segment in self.searcher.segment_readers() {
            let index = segment.inverted_index(self.fields.model_all)?;
            let terms = index.terms();
            let found = if prefix {
                let mut next = terms.range().ge(word).into_stream()?;
                next.advance() && next.key().starts_with(word.as_bytes())
            } else {
                terms.term_ord(word)?.is_some()
            };
            if found {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Collects every match as (model ordinal, text score).
struct AllMatches;

struct AllMatchesSegment(Vec<(u32, f32)>);

impl Collector for AllMatches {
    type Fruit = Vec<(u32, f32)>;
    type Child = AllMatchesSegment;

    fn for_segment(&self, segment: u32, _: &SegmentReader) -> tantivy::Result<Self::Child> {
        if segment != 0 {
            return Err(TantivyError::InternalError(
                "the model index has a single segment".into(),
            ));
        }
        Ok(AllMatchesSegment(Vec::new()))
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, f32)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for AllMatchesSegment {
    type Fruit = Vec<(u32, f32)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.0.push((doc, score));
    }

    fn harvest(self) -> Self::Fruit {
        self.0
    }
}
