//! `provider/search`: a small catalog (a few hundred providers), so a linear scan with the same
//! term rules as model search is both simplest and fast.

use std::cmp::Ordering;

use super::aliases::{ProviderAliases, popular_rank};
use super::query::{Clause, ParsedQuery, QueryTerm};
use super::text::{all_index_tokens, compact};
use super::types::{
    DEFAULT_LIMIT, MAX_LIMIT, MatchedField, ProviderDoc, ProviderHit, ProviderSearchParams,
};

/// Scores of one term's best match in a field.
const EXACT: f32 = 3.0;
const PREFIX: f32 = 2.0;
const FUZZY: f32 = 1.0;
/// Naming an alias of the provider counts like an exact id.
const ALIAS_TARGET: f32 = 4.0;
/// Alias words match a little weaker than the provider's own id and name.
const ALIAS_WORD_FACTOR: f32 = 0.9;
/// The whole query is the provider's id, name or an alias.
const WHOLE_MATCH: f32 = 100.0;

struct Entry {
    doc: ProviderDoc,
    id: Vec<String>,
    name: Vec<String>,
    alias: Vec<String>,
    whole: Vec<String>,
    popular: Option<usize>,
}

pub struct ProviderIndex {
    entries: Vec<Entry>,
    aliases: ProviderAliases,
}

impl std::fmt::Debug for ProviderIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderIndex")
            .field("providers", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl ProviderIndex {
    pub fn build(providers: Vec<ProviderDoc>, aliases: ProviderAliases) -> Self {
        let entries = providers
            .into_iter()
            .map(|doc| {
                let phrases = aliases.phrases_of(&doc.id);
                let mut whole: Vec<String> = vec![compact(&doc.id), compact(&doc.name)];
                whole.extend(phrases.iter().map(|p| compact(p)));
                Entry {
                    id: all_index_tokens(&doc.id),
                    name: all_index_tokens(&doc.name),
                    alias: all_index_tokens(&phrases.join(" ")),
                    whole,
                    popular: popular_rank(&doc.id),
                    doc,
                }
            })
            .collect();
        Self { entries, aliases }
    }

    pub fn search(&self, params: &ProviderSearchParams) -> Vec<ProviderHit> {
        let limit = params.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
        let parsed = ParsedQuery::parse(&params.query, &self.aliases);
        let mut hits: Vec<(&Entry, f32, Vec<MatchedField>)> = if parsed.is_empty() {
            self.entries.iter().map(|e| (e, 0.0, Vec::new())).collect()
        } else {
            self.entries
                .iter()
                .filter_map(|e| score(e, &parsed).map(|(s, f)| (e, s, f)))
                .collect()
        };
        hits.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(b.0.doc.connected.cmp(&a.0.doc.connected))
                .then(by_popularity(a.0, b.0))
                .then_with(|| {
                    a.0.doc
                        .name
                        .to_lowercase()
                        .cmp(&b.0.doc.name.to_lowercase())
                })
                .then_with(|| a.0.doc.id.cmp(&b.0.doc.id))
        });
        hits.into_iter()
            .take(limit)
            .map(|(e, score, matched_fields)| ProviderHit {
                provider_id: e.doc.id.clone(),
                score,
                matched_fields,
            })
            .collect()
    }
}

fn by_popularity(a: &Entry, b: &Entry) -> Ordering {
    a.popular
        .unwrap_or(usize::MAX)
        .cmp(&b.popular.unwrap_or(usize::MAX))
}

/// Every clause must match some field (the score sums each term's best match), or the query
/// without separators spells the id, name or an alias ("open router"), or starts one.
fn score(e: &Entry, parsed: &ParsedQuery) -> Option<(f32, Vec<MatchedField>)> {
    let by_terms = term_scores(e, parsed);
    if e.whole.contains(&parsed.compact) {
        let (s, f) = by_terms.unwrap_or_default();
        return Some((s + WHOLE_MATCH, f));
    }
    by_terms.or_else(|| {
        e.whole
            .iter()
            .any(|w| w.starts_with(&parsed.compact))
            .then(|| (PREFIX, vec![MatchedField::ProviderId]))
    })
}

fn term_scores(e: &Entry, parsed: &ParsedQuery) -> Option<(f32, Vec<MatchedField>)> {
    let mut total = 0.0;
    let mut fields = Vec::new();
    for clause in &parsed.clauses {
        match clause {
            Clause::Term(t) => total += term_score(e, t, &mut fields)?,
            Clause::Alias { providers, terms } => {
                if providers.contains(&e.doc.id) {
                    total += ALIAS_TARGET;
                    fields.push(MatchedField::ProviderAlias);
                } else {
                    for t in terms {
                        total += term_score(e, t, &mut fields)?;
                    }
                }
            }
        }
    }
    fields.sort_unstable();
    fields.dedup();
    Some((total, fields))
}

fn term_score(e: &Entry, t: &QueryTerm, fields: &mut Vec<MatchedField>) -> Option<f32> {
    let mut best: Option<f32> = None;
    for (field, tokens, weight) in [
        (MatchedField::ProviderId, &e.id, 1.0),
        (MatchedField::ProviderName, &e.name, 1.0),
        (MatchedField::ProviderAlias, &e.alias, ALIAS_WORD_FACTOR),
    ] {
        let s = tokens
            .iter()
            .filter_map(|tok| token_score(t, tok))
            .fold(None, |m: Option<f32>, s| Some(m.map_or(s, |m| m.max(s))));
        if let Some(s) = s.map(|s| s * weight) {
            fields.push(field);
            best = Some(best.map_or(s, |b| b.max(s)));
        }
    }
    best
}

fn token_score(t: &QueryTerm, token: &str) -> Option<f32> {
    if token == t.text {
        Some(EXACT)
    } else if t.prefix && token.starts_with(&t.text) {
        Some(PREFIX)
    } else if t.matches(token) {
        Some(FUZZY)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: &str, name: &str, connected: bool) -> ProviderDoc {
        ProviderDoc {
            id: id.into(),
            name: name.into(),
            connected,
            ..ProviderDoc::default()
        }
    }

    fn index() -> ProviderIndex {
        ProviderIndex::build(
            vec![
                p("zai", "Z.AI", false),
                p("zai-coding-plan", "Z.AI Coding Plan", false),
                p("moonshotai", "Moonshot AI", false),
                p("openai", "OpenAI", false),
                p("openrouter", "OpenRouter", false),
                p("opencode", "OpenCode Zen", false),
                p("groq", "Groq", true),
                p("alibaba-coding-plan", "Alibaba Coding Plan", false),
            ],
            ProviderAliases::built_in(),
        )
    }

    fn ids(hits: &[ProviderHit]) -> Vec<&str> {
        hits.iter().map(|h| h.provider_id.as_str()).collect()
    }

    fn search(q: &str) -> Vec<ProviderHit> {
        index().search(&ProviderSearchParams {
            query: q.into(),
            limit: None,
        })
    }

    #[test]
    fn empty_query_lists_connected_then_popular_then_by_name() {
        assert_eq!(
            ids(&search("")),
            [
                "groq",
                "opencode",
                "zai",
                "zai-coding-plan",
                "openai",
                "openrouter",
                "moonshotai",
                "alibaba-coding-plan"
            ]
        );
    }

    #[test]
    fn aliases_find_their_providers_first() {
        assert_eq!(ids(&search("kimi"))[0], "moonshotai");
        assert_eq!(ids(&search("z.ai"))[0], "zai");
        assert_eq!(ids(&search("zen"))[0], "zai");
        let coding = search("coding plan");
        assert_eq!(ids(&coding)[0], "zai-coding-plan");
        assert!(ids(&coding).contains(&"alibaba-coding-plan"));
        assert!(
            coding[0]
                .matched_fields
                .contains(&MatchedField::ProviderAlias)
        );
    }

    #[test]
    fn prefixes_and_typos_match() {
        let open = search("open");
        assert_eq!(ids(&open)[..3], ["opencode", "openai", "openrouter"]);
        assert_eq!(ids(&search("openruter"))[0], "openrouter");
        assert_eq!(ids(&search("OpenAI"))[0], "openai");
    }

    #[test]
    fn limit_is_respected() {
        let hits = index().search(&ProviderSearchParams {
            query: String::new(),
            limit: Some(2),
        });
        assert_eq!(hits.len(), 2);
    }
}
