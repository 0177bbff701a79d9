//! The in-memory tantivy index over every model and the ranked search over it.

use rustc_hash::FxHashSet;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;

use super::aliases::{ProviderAliases, QuerySegment};
use super::automaton::SharedAutomaton;
use super::catalog_text::CatalogTexts;
use super::error::SearchError;
use super::exact_names::ExactNames;
use super::provider_terms::{ProviderMatch, ProviderVocab};
use super::query::{Clause, ParsedQuery, QueryTerm};
use super::rank::{Prior, by_key, default_order, priors};
use super::segment::ModelSegment;
use super::text::{compact, is_numeric};
use super::types::{MatchedField, SearchDoc, SearchFilters, SearchHit, SearchParams};

/// Exact-term boost on the model's id and name (BM25 scores are multiplied by it).
const BOOST_MODEL: f32 = 1.0;
/// Every spelling of the id, name and family (joins, whole words): no length normalization.
const BOOST_MODEL_EXTRA: f32 = 0.6;
/// A term counts its best match fully and others by this much: a word found in both the
/// model id and the provider name ("gpt" in nano-gpt) must not double its weight.
const TIE_BREAKER: f32 = 0.2;
/// Constant scores of approximate matches on the model's words.
const SCORE_FUZZY: f32 = 0.8;
const SCORE_PREFIX: f32 = 1.2;
/// On provider words: a misspelt provider ("antropic") is a strong hint, a short prefix ("op")
/// of one is not.
const PROVIDER_FUZZY_FACTOR: f32 = 0.9;
const PROVIDER_PREFIX_FACTOR: f32 = 0.5;
/// Being a model of the provider an alias names.
const BOOST_ALIAS_TARGET: f32 = 3.0;
const BOOST_WHOLE_WORD: f32 = 1.0;
/// A model id none of whose words the query accounts for keeps this much less of its score.
const COVERAGE_WEIGHT: f32 = 0.3;
const COVERAGE_SHORTLIST: usize = 64;

/// An immutable index over one catalog snapshot. Rebuild to change it.
pub struct ModelIndex {
    segment: ModelSegment,
    aliases: ProviderAliases,
    docs: Vec<SearchDoc>,
    /// Each document's id, name and family tokens, to report which fields a hit matched.
    texts: CatalogTexts,
    providers: ProviderVocab,
    priors: Vec<Prior>,
    exact: ExactNames,
    default_order: Vec<u32>,
}

impl std::fmt::Debug for ModelIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelIndex")
            .field("models", &self.docs.len())
            .finish_non_exhaustive()
    }
}

/// What a build derives besides the tantivy segment.
struct Derived {
    providers: ProviderVocab,
    priors: Vec<Prior>,
    exact: ExactNames,
    default_order: Vec<u32>,
}

impl Derived {
    fn of(docs: &[SearchDoc], texts: &CatalogTexts, aliases: &ProviderAliases) -> Self {
        let priors = priors(docs);
        let providers = ProviderVocab::build(docs, aliases);
        let default_order = default_order(docs, &priors);
        let exact = ExactNames::of(docs, texts);
        Self {
            providers,
            default_order,
            priors,
            exact,
        }
    }
}

impl ModelIndex {
    /// Indexes the models with the app's built-in provider aliases.
    pub fn build(docs: Vec<SearchDoc>) -> Result<Self, SearchError> {
        Self::build_with_aliases(docs, ProviderAliases::built_in())
    }

    pub fn build_with_aliases(
        docs: Vec<SearchDoc>,
        aliases: ProviderAliases,
    ) -> Result<Self, SearchError> {
        let texts = CatalogTexts::of(&docs);
        // tantivy indexes on a second thread while this one derives the ranking data; both
        // take about as long. Without a thread, both run here.
        let (segment, derived) = std::thread::scope(|scope| {
            let writer = std::thread::Builder::new()
                .name("search-index".into())
                .spawn_scoped(scope, || ModelSegment::write(&docs, &texts));
            let derived = Derived::of(&docs, &texts, &aliases);
            let segment = match writer {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(_) => ModelSegment::write(&docs, &texts),
            };
            (segment, derived)
        });
        Ok(Self {
            segment: segment?,
            aliases,
            docs,
            texts,
            providers: derived.providers,
            priors: derived.priors,
            exact: derived.exact,
            default_order: derived.default_order,
        })
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn aliases(&self) -> &ProviderAliases {
        &self.aliases
    }

    /// The indexed model with this key.
    pub fn doc(&self, provider_id: &str, model_id: &str) -> Option<&SearchDoc> {
        self.docs
            .iter()
            .find(|d| d.provider_id == provider_id && d.model_id == model_id)
    }

    /// Ranked models for a query; an empty query lists models in the default order.
    pub fn search(&self, params: &SearchParams) -> Result<Vec<SearchHit>, SearchError> {
        let limit = params.effective_limit();
        let filters = params.filters.clone().unwrap_or_default();
        let mut parsed = ParsedQuery::parse(&params.query, &self.aliases);
        for term in parsed.terms_mut() {
            self.trim_typo_budget(term)?;
        }
        if parsed.is_empty() || limit == 0 {
            return Ok(self.default_hits(&filters, limit));
        }
        let exact = self.exact_matches(&parsed);
        let strict = self.collect(&parsed, &filters, parsed.clauses.len())?;
        let mut ranked = self.rank(strict, &parsed, &exact, limit);
        if ranked.is_empty() && parsed.clauses.len() > 1 {
            // Nothing matches every word: show what matches all but one.
            let relaxed = self.collect(&parsed, &filters, parsed.clauses.len() - 1)?;
            ranked = self.rank(relaxed, &parsed, &exact, limit);
        }
        Ok(ranked
            .into_iter()
            .map(|(ord, score, is_exact)| self.hit(ord, score, is_exact, Some(&parsed)))
            .collect())
    }

    /// Models the query names exactly: by id or name, optionally after words naming the
    /// provider ("openai/gpt-5", "copilot gpt 5", "z.ai glm-4.6").
    fn exact_matches(&self, parsed: &ParsedQuery) -> FxHashSet<u32> {
        let mut out: FxHashSet<u32> = self.exact.get(&parsed.compact).iter().copied().collect();
        let segments = &parsed.segments;
        for split in 1..segments.len() {
            let rest: String = segments[split..]
                .iter()
                .map(|s| compact(s.text()))
                .collect();
            for &ord in self.exact.get(&rest) {
                if segments[..split]
                    .iter()
                    .all(|s| self.names_provider(ord, s))
                {
                    out.insert(ord);
                }
            }
        }
        out
    }

    /// Whether a query word or alias phrase names this model's provider.
    fn names_provider(&self, ord: u32, segment: &QuerySegment) -> bool {
        let doc = &self.docs[ord as usize];
        match segment {
            QuerySegment::Alias { providers, .. } => providers.contains(&doc.provider_id),
            QuerySegment::Plain(text) => {
                let word = compact(text);
                word == compact(&doc.provider_id)
                    || word == compact(&doc.provider_name)
                    || self.providers.words_of(&doc.provider_id).is_some_and(|p| {
                        p.id_tokens.iter().chain(&p.name_tokens).any(|x| *x == word)
                    })
            }
        }
    }

    /// A word spelt like an indexed word is taken as typed: no typo expansion (Lucene's
    /// "suggest when missing"). Fuzzy automata are the costliest part of a query, and a correct
    /// word's near neighbours are usually other models ("mini" vs "mimo").
    fn trim_typo_budget(&self, term: &mut QueryTerm) -> Result<(), SearchError> {
        if term.fuzzy > 0
            && (self.providers.has_word(&term.text, term.prefix)
                || self.segment.has_model_word(&term.text, term.prefix)?)
        {
            term.fuzzy = 0;
        }
        Ok(())
    }

    fn default_hits(&self, filters: &SearchFilters, limit: usize) -> Vec<SearchHit> {
        self.default_order
            .iter()
            .copied()
            .filter(|&o| self.allowed(o, filters))
            .take(limit)
            .map(|o| self.hit(o, 0.0, false, None))
            .collect()
    }

    /// Every matching model that passes the filters, with its text score.
    fn collect(
        &self,
        parsed: &ParsedQuery,
        filters: &SearchFilters,
        required: usize,
    ) -> Result<Vec<(u32, f32)>, SearchError> {
        let query = self.tantivy_query(parsed, required);
        let matches = self.segment.matches(query.as_ref())?;
        Ok(matches
            .into_iter()
            .filter(|&(o, _)| self.allowed(o, filters))
            .collect())
    }

    /// Orders matches: exact id/name matches first, then text score times the priors, then key.
    fn rank(
        &self,
        hits: Vec<(u32, f32)>,
        parsed: &ParsedQuery,
        exact: &FxHashSet<u32>,
        limit: usize,
    ) -> Vec<(u32, f32, bool)> {
        let mut hits: Vec<(u32, f32, bool)> = hits
            .into_iter()
            .map(|(ord, score)| {
                let factor = self.priors[ord as usize].factor;
                (ord, score * factor, exact.contains(&ord))
            })
            .collect();
        let cmp = |a: &(u32, f32, bool), b: &(u32, f32, bool)| {
            b.2.cmp(&a.2)
                .then(b.1.total_cmp(&a.1))
                .then_with(|| by_key(&self.docs[a.0 as usize], &self.docs[b.0 as usize]))
        };
        // Coverage only reorders near the top, so it is computed for a shortlist only.
        let shortlist = limit.max(COVERAGE_SHORTLIST);
        if hits.len() > shortlist {
            hits.select_nth_unstable_by(shortlist - 1, cmp);
            hits.truncate(shortlist);
        }
        let terms: Vec<&QueryTerm> = parsed.terms().collect();
        let query_has_number = terms.iter().any(|t| is_numeric(&t.text));
        for (ord, score, _) in &mut hits {
            let coverage = self.id_coverage(*ord, &terms, query_has_number);
            *score *= 1.0 - COVERAGE_WEIGHT * (1.0 - coverage);
        }
        hits.sort_unstable_by(cmp);
        hits.truncate(limit);
        hits
    }

    /// Share of the model id's words the query accounts for: "gpt-5 codex" covers all of
    /// gpt-5-codex but not the "3" of gpt-5.3-codex. Version numbers only count when the query
    /// has numbers, so "claude opus" does not prefer old unversioned ids.
    fn id_coverage(&self, ord: u32, terms: &[&QueryTerm], query_has_number: bool) -> f32 {
        let mut total = 0u32;
        let mut matched = 0u32;
        let short_id = self.texts.text(self.texts.docs[ord as usize].short_id);
        for part in short_id.tokens.parts() {
            if is_numeric(part) && !query_has_number {
                continue;
            }
            total += 1;
            if terms.iter().any(|t| t.matches(part)) {
                matched += 1;
            }
        }
        if total == 0 {
            1.0
        } else {
            matched as f32 / total as f32
        }
    }

    fn allowed(&self, ord: u32, f: &SearchFilters) -> bool {
        let d = &self.docs[ord as usize];
        f.provider_id.as_ref().is_none_or(|p| *p == d.provider_id)
            && f.tool_call.is_none_or(|v| v == d.tool_call)
            && f.reasoning.is_none_or(|v| v == d.reasoning)
            && f.vision.is_none_or(|v| v == d.vision)
            && f.min_context.is_none_or(|min| d.context_window >= min)
            && (!f.connected_only || d.connected)
    }

    fn hit(&self, ord: u32, score: f32, exact: bool, parsed: Option<&ParsedQuery>) -> SearchHit {
        let doc = &self.docs[ord as usize];
        SearchHit {
            provider_id: doc.provider_id.clone(),
            model_id: doc.model_id.clone(),
            score,
            exact,
            matched_fields: parsed.map_or_else(Vec::new, |p| self.matched_fields(ord, p)),
        }
    }

    fn matched_fields(&self, ord: u32, parsed: &ParsedQuery) -> Vec<MatchedField> {
        let doc = &self.docs[ord as usize];
        let t = &self.texts.docs[ord as usize];
        let tokens = |number| &self.texts.text(number).tokens;
        let mut out: Vec<MatchedField> = Vec::new();
        let provider = self.providers.words_of(&doc.provider_id);
        let mut mark = |term: &QueryTerm| {
            for (field, toks) in [
                (MatchedField::ModelId, tokens(t.model_id)),
                (MatchedField::ModelName, tokens(t.model_name)),
                (MatchedField::Family, tokens(t.family)),
            ] {
                if toks.all().any(|t| term.matches(t)) {
                    out.push(field);
                }
            }
            if let Some(p) = provider {
                for (field, toks) in [
                    (MatchedField::ProviderId, &p.id_tokens),
                    (MatchedField::ProviderName, &p.name_tokens),
                    (MatchedField::ProviderAlias, &p.alias_tokens),
                ] {
                    if toks.iter().any(|t| term.matches(t)) {
                        out.push(field);
                    }
                }
            }
        };
        let mut alias_hit = false;
        for clause in &parsed.clauses {
            match clause {
                Clause::Term(t) => mark(t),
                Clause::Alias { providers, terms } => {
                    alias_hit |= providers.contains(&doc.provider_id);
                    terms.iter().for_each(&mut mark);
                }
            }
        }
        if alias_hit {
            out.push(MatchedField::ProviderAlias);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn tantivy_query(&self, parsed: &ParsedQuery, required: usize) -> Box<dyn Query> {
        let mut clauses: Vec<Box<dyn Query>> = Vec::new();
        for clause in &parsed.clauses {
            clauses.push(match clause {
                Clause::Term(t) => self.term_query(t),
                Clause::Alias { providers, terms } => {
                    let mut should: Vec<(Occur, Box<dyn Query>)> = providers
                        .iter()
                        .map(|p| {
                            let term = Term::from_field_text(self.segment.fields.provider_key, p);
                            boosted(
                                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                                BOOST_ALIAS_TARGET,
                            )
                        })
                        .map(|q| (Occur::Should, q))
                        .collect();
                    if !terms.is_empty() {
                        let words: Vec<(Occur, Box<dyn Query>)> = terms
                            .iter()
                            .map(|t| (Occur::Must, self.term_query(t)))
                            .collect();
                        should.push((Occur::Should, Box::new(BooleanQuery::new(words))));
                    }
                    Box::new(BooleanQuery::new(should))
                }
            });
        }
        let occur = if required >= clauses.len() {
            Occur::Must
        } else {
            Occur::Should
        };
        let mut top: Vec<(Occur, Box<dyn Query>)> =
            clauses.into_iter().map(|q| (occur, q)).collect();
        let minimum = if occur == Occur::Should { required } else { 0 };
        if occur == Occur::Must {
            for word in &parsed.whole_words {
                let term = Term::from_field_text(self.segment.fields.model_all, word);
                top.push((
                    Occur::Should,
                    boosted(
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                        BOOST_WHOLE_WORD,
                    ),
                ));
            }
        }
        Box::new(BooleanQuery::with_minimum_required_clauses(top, minimum))
    }

    /// A term matches exactly in some model field (BM25, boosted per field), approximately in
    /// the model's words (within its typo budget, or as a prefix while typing: constant
    /// scores), or names the provider; the best of these counts fully, the others a little.
    fn term_query(&self, t: &QueryTerm) -> Box<dyn Query> {
        let f = &self.segment.fields;
        let mut alternatives: Vec<Box<dyn Query>> =
            [(f.model, BOOST_MODEL), (f.model_all, BOOST_MODEL_EXTRA)]
                .into_iter()
                .map(|(field, boost)| {
                    let term = Term::from_field_text(field, &t.text);
                    boosted(
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                        boost,
                    )
                })
                .collect();
        for (wanted, prefix, score) in [
            (t.fuzzy > 0, false, SCORE_FUZZY),
            (t.prefix, true, SCORE_PREFIX),
        ] {
            if !wanted {
                continue;
            }
            // The text is ours and the distance at most 2, so building cannot fail; if it did,
            // the term would simply match exactly only.
            if let Ok(automaton) = SharedAutomaton::new(f.model_all, &t.text, t.fuzzy, prefix) {
                alternatives.push(boosted(automaton.on(f.model_all), score));
            }
        }
        for (provider_id, how) in self.providers.matches(t) {
            let term = Term::from_field_text(f.provider_key, provider_id);
            let models = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
            alternatives.push(match how {
                ProviderMatch::Exact(boost) => boosted(models, boost),
                ProviderMatch::Fuzzy => Box::new(ConstScoreQuery::new(
                    models,
                    SCORE_FUZZY * PROVIDER_FUZZY_FACTOR,
                )),
                ProviderMatch::Prefix => Box::new(ConstScoreQuery::new(
                    models,
                    SCORE_PREFIX * PROVIDER_PREFIX_FACTOR,
                )),
            });
        }
        Box::new(DisjunctionMaxQuery::with_tie_breaker(
            alternatives,
            TIE_BREAKER,
        ))
    }
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, boost))
}
