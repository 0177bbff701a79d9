//! A fuzzy or prefix term query whose Levenshtein automaton is built once and shared by every
//! field it runs on (tantivy's `FuzzyTermQuery` would rebuild it per field).

use std::sync::Arc;

use tantivy::Term;
use tantivy::query::{AutomatonWeight, DfaWrapper, EnableScoring, FuzzyTermQuery, Query, Weight};
use tantivy::schema::Field;

#[derive(Clone)]
pub struct SharedAutomaton(Arc<DfaWrapper>);

impl SharedAutomaton {
    /// Matches terms within `distance` edits of `text` (adjacent transpositions cost 1), or
    /// terms starting with such a string when `prefix` is set.
    pub fn new(field: Field, text: &str, distance: u8, prefix: bool) -> tantivy::Result<Self> {
        let term = Term::from_field_text(field, text);
        let query = if prefix {
            FuzzyTermQuery::new_prefix(term, distance, true)
        } else {
            FuzzyTermQuery::new(term, distance, true)
        };
        Ok(Self(Arc::new(query.automaton()?)))
    }

    /// A query running this automaton on `field`; every match scores a constant 1 (× boost).
    pub fn on(&self, field: Field) -> Box<dyn Query> {
        Box::new(AutomatonQuery {
            field,
            automaton: self.clone(),
        })
    }
}

#[derive(Clone)]
struct AutomatonQuery {
    field: Field,
    automaton: SharedAutomaton,
}

impl std::fmt::Debug for AutomatonQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AutomatonQuery")
            .field("field", &self.field)
            .finish_non_exhaustive()
    }
}

impl Query for AutomatonQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<DfaWrapper>::new(
            self.field,
            Arc::clone(&self.automaton.0),
        )))
    }
}
