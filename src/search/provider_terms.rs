//! Which providers a query term names. Provider words are the same for every model of a
//! provider, so they are matched once per query against the few hundred distinct provider
//! words, instead of being indexed (and fuzzily searched) on every model document.

use std::collections::HashMap;

use super::aliases::ProviderAliases;
use super::query::QueryTerm;
use super::text::{all_index_tokens, compact};
use super::types::SearchDoc;

/// The whole provider id or name ("deepseek", "openrouter") vs one word of it ("gpt" of
/// nano-gpt, "bedrock" of amazon-bedrock) vs a word of an alias ("zen").
const BOOST_WHOLE: f32 = 2.5;
const BOOST_WORD: f32 = 1.2;
const BOOST_ALIAS: f32 = 1.6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Whole,
    Word,
    Alias,
}

/// How a term names a provider.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ProviderMatch {
    /// An exact word: scored like a term (BM25 over the provider's models) times this boost.
    Exact(f32),
    /// Within the typo budget or a prefix while typing: a constant score, given by the caller.
    Fuzzy,
    Prefix,
}

impl ProviderMatch {
    fn rank(self) -> f32 {
        match self {
            Self::Exact(boost) => 10.0 + boost,
            Self::Fuzzy => 2.0,
            Self::Prefix => 1.0,
        }
    }
}

/// One provider's words, for matching and for reporting matched fields.
#[derive(Debug, Clone)]
pub struct ProviderWords {
    pub id: String,
    pub id_tokens: Vec<String>,
    pub name_tokens: Vec<String>,
    pub alias_tokens: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ProviderVocab {
    providers: Vec<ProviderWords>,
    by_id: HashMap<String, usize>,
    /// Distinct words → (provider, kind).
    words: Vec<(String, Vec<(usize, Kind)>)>,
}

impl ProviderVocab {
    pub fn build(docs: &[SearchDoc], aliases: &ProviderAliases) -> Self {
        let mut vocab = Self::default();
        let mut words: HashMap<String, Vec<(usize, Kind)>> = HashMap::new();
        for doc in docs {
            if vocab.by_id.contains_key(&doc.provider_id) {
                continue;
            }
            let idx = vocab.providers.len();
            let p = ProviderWords {
                id: doc.provider_id.clone(),
                id_tokens: all_index_tokens(&doc.provider_id),
                name_tokens: all_index_tokens(&doc.provider_name),
                alias_tokens: all_index_tokens(&aliases.phrases_of(&doc.provider_id).join(" ")),
            };
            let mut add = |w: &str, kind: Kind| {
                let entry = words.entry(w.to_owned()).or_default();
                if !entry.contains(&(idx, kind)) {
                    entry.push((idx, kind));
                }
            };
            for whole in [compact(&doc.provider_id), compact(&doc.provider_name)] {
                add(&whole, Kind::Whole);
            }
            for w in p.id_tokens.iter().chain(&p.name_tokens) {
                add(w, Kind::Word);
            }
            for w in &p.alias_tokens {
                add(w, Kind::Alias);
            }
            vocab.by_id.insert(doc.provider_id.clone(), idx);
            vocab.providers.push(p);
        }
        vocab.words = words.into_iter().collect();
        vocab.words.sort_by(|a, b| a.0.cmp(&b.0));
        vocab
    }

    /// Whether some provider has this word (or, with `prefix`, a word starting with it).
    pub fn has_word(&self, word: &str, prefix: bool) -> bool {
        let from = self.words.partition_point(|(w, _)| w.as_str() < word);
        self.words.get(from).is_some_and(|(next, _)| {
            if prefix {
                next.starts_with(word)
            } else {
                next == word
            }
        })
    }

    pub fn words_of(&self, provider_id: &str) -> Option<&ProviderWords> {
        self.by_id.get(provider_id).map(|&i| &self.providers[i])
    }

    /// Every provider the term names, with its best kind of match.
    pub fn matches(&self, t: &QueryTerm) -> Vec<(&str, ProviderMatch)> {
        // Few providers match a term: a list beats a map here.
        let mut best: Vec<(usize, ProviderMatch)> = Vec::new();
        for (word, owners) in &self.words {
            let found = if *word == t.text {
                None
            } else if t.prefix && word.starts_with(&t.text) {
                Some(ProviderMatch::Prefix)
            } else if t.matches(word) {
                Some(
                    if t.prefix
                        && super::text::edit_distance_within(&t.text, word, t.fuzzy).is_none()
                    {
                        ProviderMatch::Prefix
                    } else {
                        ProviderMatch::Fuzzy
                    },
                )
            } else {
                continue;
            };
            for &(idx, kind) in owners {
                let m = found.unwrap_or(ProviderMatch::Exact(match kind {
                    Kind::Whole => BOOST_WHOLE,
                    Kind::Word => BOOST_WORD,
                    Kind::Alias => BOOST_ALIAS,
                }));
                match best.iter_mut().find(|(i, _)| *i == idx) {
                    Some((_, slot)) if m.rank() > slot.rank() => *slot = m,
                    Some(_) => {}
                    None => best.push((idx, m)),
                }
            }
        }
        let mut out: Vec<(&str, ProviderMatch)> = best
            .into_iter()
            .map(|(i, m)| (self.providers[i].id.as_str(), m))
            .collect();
        out.sort_by(|a, b| a.0.cmp(b.0));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(provider_id: &str, provider_name: &str) -> SearchDoc {
        SearchDoc {
            provider_id: provider_id.into(),
            provider_name: provider_name.into(),
            ..SearchDoc::default()
        }
    }

    fn term(text: &str, fuzzy: u8, prefix: bool) -> QueryTerm {
        QueryTerm {
            text: text.into(),
            fuzzy,
            prefix,
        }
    }

    #[test]
    fn whole_ids_outrank_words_and_approximations() {
        let docs = [
            doc("nano-gpt", "NanoGPT"),
            doc("deepseek", "DeepSeek"),
            doc("zai", "Z.AI"),
        ];
        let v = ProviderVocab::build(&docs, &ProviderAliases::built_in());
        assert_eq!(
            v.matches(&term("deepseek", 2, false)),
            [("deepseek", ProviderMatch::Exact(BOOST_WHOLE))]
        );
        assert_eq!(
            v.matches(&term("gpt", 0, false)),
            [("nano-gpt", ProviderMatch::Exact(BOOST_WORD))]
        );
        assert_eq!(
            v.matches(&term("zen", 0, false)),
            [("zai", ProviderMatch::Exact(BOOST_ALIAS))]
        );
        assert_eq!(
            v.matches(&term("deepsek", 1, false)),
            [("deepseek", ProviderMatch::Fuzzy)]
        );
        assert_eq!(
            v.matches(&term("na", 0, true)),
            [("nano-gpt", ProviderMatch::Prefix)]
        );
        assert!(v.matches(&term("claude", 1, false)).is_empty());
        assert_eq!(
            v.words_of("zai").map(|p| p.name_tokens.clone()),
            Some(vec!["ai".into(), "z".into()])
        );
    }
}
