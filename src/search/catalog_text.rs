//! The catalog's texts, each distinct one tokenized once. Many providers serve the same model
//! under the same id and name (about half of all ids repeat), so an index build interns every
//! id, name and family and works on text numbers from then on.

use rustc_hash::FxHashMap;

use super::text::{IndexTokens, compact, index_tokens};
use super::types::SearchDoc;

/// One distinct text in the forms the index needs.
#[derive(Debug, Clone, Default)]
pub struct TextForms {
    pub tokens: IndexTokens,
    /// Lowercase alphanumerics only, for exact-name matches.
    pub compact: String,
}

impl TextForms {
    fn of(text: &str) -> Self {
        Self {
            tokens: index_tokens(text),
            compact: compact(text),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct DocTexts {
    pub model_id: u32,
    /// The model id after its last `/` (the vendor prefix of gateways is not the model); the
    /// same number as `model_id` when there is no `/`.
    pub short_id: u32,
    pub model_name: u32,
    pub family: u32,
}

#[derive(Debug, Clone, Default)]
pub struct CatalogTexts {
    texts: Vec<TextForms>,
    /// Per document, in document order.
    pub docs: Vec<DocTexts>,
}

impl CatalogTexts {
    pub fn of(docs: &[SearchDoc]) -> Self {
        let mut numbers: FxHashMap<&str, u32> = FxHashMap::default();
        numbers.reserve(docs.len() * 2);
        let mut texts: Vec<TextForms> = Vec::new();
        let mut intern = |text| {
            *numbers.entry(text).or_insert_with(|| {
                texts.push(TextForms::of(text));
                u32::try_from(texts.len() - 1).expect("fewer than 4 billion distinct texts")
            })
        };
        let docs = docs
            .iter()
            .map(|d| {
                let model_id = intern(&d.model_id);
                DocTexts {
                    model_id,
                    short_id: match d.model_id.rsplit_once('/') {
                        Some((_, short)) => intern(short),
                        None => model_id,
                    },
                    model_name: intern(&d.model_name),
                    family: intern(d.family.as_deref().unwrap_or("")),
                }
            })
            .collect();
        Self { texts, docs }
    }

    pub fn text(&self, number: u32) -> &TextForms {
        &self.texts[number as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(provider: &str, id: &str, name: &str) -> SearchDoc {
        SearchDoc {
            provider_id: provider.into(),
            model_id: id.into(),
            model_name: name.into(),
            ..SearchDoc::default()
        }
    }

    #[test]
    fn equal_texts_share_one_tokenization() {
        let docs = [
            doc("openai", "gpt-5", "GPT-5"),
            doc("azure", "gpt-5", "GPT-5"),
            doc("openrouter", "openai/gpt-5", "GPT-5"),
        ];
        let t = CatalogTexts::of(&docs);
        assert_eq!(t.docs[0].model_id, t.docs[1].model_id);
        assert_eq!(t.docs[0].model_name, t.docs[2].model_name);
        assert_ne!(t.docs[0].model_id, t.docs[2].model_id);
        assert_eq!(
            t.docs[2].short_id, t.docs[0].model_id,
            "gpt-5 after the slash"
        );
        assert_eq!(t.docs[0].short_id, t.docs[0].model_id);
        let id = t.text(t.docs[2].model_id);
        assert_eq!(id.compact, "openaigpt5");
        assert_eq!(id.tokens, index_tokens("openai/gpt-5"));
        assert_eq!(t.text(t.docs[0].family).compact, "");
    }
}
