//! Compact spellings that name a model exactly: its id (whole and after the last `/`), its
//! name, and both qualified by the provider ("openaigpt5", "openaigpt5" from "OpenAI GPT-5").

use rustc_hash::FxHashMap;

use super::catalog_text::CatalogTexts;
use super::text::compact;
use super::types::SearchDoc;

#[derive(Debug, Clone, Default)]
pub struct ExactNames(FxHashMap<String, Vec<u32>>);

impl ExactNames {
    pub fn of(docs: &[SearchDoc], texts: &CatalogTexts) -> Self {
        let mut map: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        map.reserve(docs.len() * 3);
        // Documents come grouped by provider: its compact forms are computed once per run.
        let mut provider: Option<(&str, String, String)> = None;
        for (i, (d, t)) in docs.iter().zip(&texts.docs).enumerate() {
            let ord = u32::try_from(i).expect("catalog smaller than 4 billion models");
            if provider
                .as_ref()
                .is_none_or(|(id, ..)| *id != d.provider_id)
            {
                provider = Some((
                    &d.provider_id,
                    compact(&d.provider_id),
                    compact(&d.provider_name),
                ));
            }
            let (_, provider_id, provider_name) =
                provider.as_ref().expect("set for this document just above");
            let (id, short_id, name) = (
                &texts.text(t.model_id).compact,
                &texts.text(t.short_id).compact,
                &texts.text(t.model_name).compact,
            );
            for form in [id, short_id, name] {
                add(&mut map, form, ord);
            }
            for (prefix, rest) in [(provider_id, id), (provider_name, name)] {
                let mut form = String::with_capacity(prefix.len() + rest.len());
                form.push_str(prefix);
                form.push_str(rest);
                add(&mut map, &form, ord);
            }
        }
        Self(map)
    }

    /// Models named exactly by this compact text.
    pub fn get(&self, compact: &str) -> &[u32] {
        self.0.get(compact).map_or(&[], Vec::as_slice)
    }
}

/// Adds a model under one of its forms; each model is listed once per form (forms repeat:
/// a model's short id is often its id, its name often its id).
fn add(map: &mut FxHashMap<String, Vec<u32>>, form: &str, ord: u32) {
    if form.is_empty() {
        return;
    }
    if let Some(models) = map.get_mut(form) {
        if models.last() != Some(&ord) {
            models.push(ord);
        }
    } else {
        map.insert(form.to_owned(), vec![ord]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(provider: &str, provider_name: &str, id: &str, name: &str) -> SearchDoc {
        SearchDoc {
            provider_id: provider.into(),
            provider_name: provider_name.into(),
            model_id: id.into(),
            model_name: name.into(),
            ..SearchDoc::default()
        }
    }

    #[test]
    fn ids_names_and_provider_qualified_forms_name_models() {
        let docs = [
            doc("openai", "OpenAI", "gpt-5", "GPT-5"),
            doc("openrouter", "OpenRouter", "openai/gpt-5", "OpenAI: GPT-5"),
            doc("zai", "Z.AI", "glm-4.6", "GLM-4.6"),
        ];
        let exact = ExactNames::of(&docs, &CatalogTexts::of(&docs));
        assert_eq!(exact.get("gpt5"), [0, 1], "listed once although id = name");
        assert_eq!(exact.get("openaigpt5"), [0, 1]);
        assert_eq!(exact.get("openrouteropenaigpt5"), [1]);
        assert_eq!(exact.get("zaiglm46"), [2]);
        assert!(exact.get("glm").is_empty() && exact.get("").is_empty());
    }
}
