//! What a typed query means, before it becomes a tantivy query: required terms (each with its
//! typo budget and whether it is the word being typed) and alias phrases.

use super::aliases::{ProviderAliases, QuerySegment, segment_query};
use super::text::{compact, fuzzy_distance, parts, words};

/// One required piece of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    pub text: String,
    /// Edits allowed (0 = exact).
    pub fuzzy: u8,
    /// The last term of a query that does not end in a space: the user may still be typing it.
    pub prefix: bool,
}

impl QueryTerm {
    /// Whether an indexed token satisfies this term (the same rule tantivy applies).
    pub fn matches(&self, token: &str) -> bool {
        if token == self.text || (self.prefix && token.starts_with(&self.text)) {
            return true;
        }
        if self.fuzzy == 0 {
            return false;
        }
        let budget = usize::from(self.fuzzy);
        if token.is_ascii() && self.text.is_ascii() {
            // Cheap length checks first: most tokens are far longer or shorter.
            let (t, q) = (token.len(), self.text.len());
            if t + budget < q || (!self.prefix && t > q + budget) {
                return false;
            }
        }
        if self.prefix {
            super::text::prefix_within(&self.text, token, self.fuzzy)
        } else {
            super::text::edit_distance_within(&self.text, token, self.fuzzy).is_some()
        }
    }
}

/// A clause every result must satisfy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    Term(QueryTerm),
    /// Satisfied by the aliased providers' models, or by the phrase's own words anywhere.
    Alias {
        providers: Vec<String>,
        terms: Vec<QueryTerm>,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub clauses: Vec<Clause>,
    /// Query words made of several parts ("o3", "qwen3"): matching them whole ranks higher.
    pub whole_words: Vec<String>,
    /// The query without case or separators, for exact id/name matches.
    pub compact: String,
    /// The query's words and alias phrases, for provider-qualified exact matches.
    pub segments: Vec<QuerySegment>,
}

impl ParsedQuery {
    pub fn parse(query: &str, aliases: &ProviderAliases) -> Self {
        let still_typing = !query.ends_with(char::is_whitespace);
        let mut clauses = Vec::new();
        let mut whole_words = Vec::new();
        let segments = segment_query(query, aliases);
        for segment in &segments {
            match segment {
                QuerySegment::Plain(text) => {
                    clauses.extend(
                        terms_of(text, &mut whole_words)
                            .into_iter()
                            .map(Clause::Term),
                    );
                }
                QuerySegment::Alias { text, providers } => {
                    let terms = terms_of(text, &mut whole_words);
                    clauses.push(Clause::Alias {
                        providers: providers.clone(),
                        terms,
                    });
                }
            }
        }
        if still_typing {
            match clauses.last_mut() {
                Some(Clause::Term(term)) => term.prefix = true,
                Some(Clause::Alias { terms, .. }) => {
                    if let Some(term) = terms.last_mut() {
                        term.prefix = true;
                    }
                }
                None => {}
            }
        }
        Self {
            clauses,
            whole_words,
            compact: compact(query),
            segments,
        }
    }

    /// Every term, alias words included, for adjusting typo budgets.
    pub fn terms_mut(&mut self) -> impl Iterator<Item = &mut QueryTerm> {
        self.clauses.iter_mut().flat_map(|c| match c {
            Clause::Term(t) => std::slice::from_mut(t),
            Clause::Alias { terms, .. } => terms.as_mut_slice(),
        })
    }

    /// Every term, alias words included.
    pub fn terms(&self) -> impl Iterator<Item = &QueryTerm> {
        self.clauses.iter().flat_map(|c| match c {
            Clause::Term(t) => std::slice::from_ref(t),
            Clause::Alias { terms, .. } => terms.as_slice(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }
}

fn terms_of(text: &str, whole_words: &mut Vec<String>) -> Vec<QueryTerm> {
    let mut terms = Vec::new();
    for word in words(text) {
        let word_parts = parts(&word);
        if word_parts.len() > 1 {
            whole_words.push(word.clone());
        }
        terms.extend(word_parts.into_iter().map(|part| QueryTerm {
            text: part.to_owned(),
            fuzzy: fuzzy_distance(part),
            prefix: false,
        }));
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term_texts(q: &ParsedQuery) -> Vec<String> {
        q.clauses
            .iter()
            .flat_map(|c| match c {
                Clause::Term(t) => vec![t.text.clone()],
                Clause::Alias { terms, .. } => terms.iter().map(|t| t.text.clone()).collect(),
            })
            .collect()
    }

    #[test]
    fn version_spellings_parse_to_the_same_terms() {
        let a = ProviderAliases::built_in();
        let spellings = ["gpt5", "gpt-5", "GPT 5"];
        for s in spellings {
            assert_eq!(term_texts(&ParsedQuery::parse(s, &a)), ["gpt", "5"], "{s}");
        }
        assert_eq!(
            term_texts(&ParsedQuery::parse("sonnet 4.5", &a)),
            term_texts(&ParsedQuery::parse("sonnet 4-5", &a))
        );
        assert_eq!(
            term_texts(&ParsedQuery::parse("sonnet45", &a)),
            ["sonnet", "45"]
        );
    }

    #[test]
    fn only_the_last_term_is_a_prefix_and_only_while_typing() {
        let a = ProviderAliases::built_in();
        let q = ParsedQuery::parse("gemini fla", &a);
        let prefixes: Vec<bool> = q
            .clauses
            .iter()
            .map(|c| matches!(c, Clause::Term(t) if t.prefix))
            .collect();
        assert_eq!(prefixes, [false, true]);
        let done = ParsedQuery::parse("gemini flash ", &a);
        assert!(
            done.clauses
                .iter()
                .all(|c| !matches!(c, Clause::Term(t) if t.prefix))
        );
    }

    #[test]
    fn aliases_become_alias_clauses() {
        let a = ProviderAliases::built_in();
        let q = ParsedQuery::parse("kimi k2", &a);
        assert!(
            matches!(&q.clauses[0], Clause::Alias { providers, .. } if providers.contains(&"moonshotai".to_owned()))
        );
        assert_eq!(q.whole_words, ["k2"]);
        assert_eq!(q.compact, "kimik2");
    }

    #[test]
    fn term_matching_follows_the_typo_budget() {
        let t = QueryTerm {
            text: "sonet".into(),
            fuzzy: 1,
            prefix: false,
        };
        assert!(t.matches("sonnet"));
        assert!(!t.matches("sonar"));
        let p = QueryTerm {
            text: "fla".into(),
            fuzzy: 0,
            prefix: true,
        };
        assert!(p.matches("flash") && !p.matches("gemini"));
    }
}
