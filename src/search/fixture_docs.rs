//! Test and bench support: search documents from a models.dev `api.json`, and the relevance set.
//! Shared with `benches/search.rs` through `#[path]`, so it names its types through `super`.

use super::{ProviderDoc, SearchDoc};

pub const MODELS_DEV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/models-dev/api.json");
pub const RELEVANCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/search/relevance.json"
);

/// Every model and provider of a models.dev catalog, in the file's order.
pub fn load_models_dev(path: &str) -> (Vec<SearchDoc>, Vec<ProviderDoc>) {
    let text = std::fs::read_to_string(path).expect("models.dev fixture is readable");
    let root: serde_json::Value = serde_json::from_str(&text).expect("models.dev fixture is JSON");
    let mut models = Vec::new();
    let mut providers = Vec::new();
    for (key, p) in root.as_object().expect("catalog is an object of providers") {
        let id = p["id"].as_str().unwrap_or(key).to_owned();
        let name = p["name"].as_str().unwrap_or(&id).to_owned();
        let empty = serde_json::Map::new();
        let list = p["models"].as_object().unwrap_or(&empty);
        providers.push(ProviderDoc {
            id: id.clone(),
            name: name.clone(),
            model_count: list.len(),
            connected: false,
            aliases: Vec::new(),
        });
        for (model_key, m) in list {
            let text_of = |k: &str| m[k].as_str().map(str::to_owned);
            let input = m["modalities"]["input"].as_array();
            let image = input.is_some_and(|a| a.iter().any(|v| v == "image"));
            models.push(SearchDoc {
                provider_id: id.clone(),
                provider_name: name.clone(),
                model_id: text_of("id").unwrap_or_else(|| model_key.clone()),
                model_name: text_of("name").unwrap_or_else(|| model_key.clone()),
                family: text_of("family"),
                release_date: text_of("release_date"),
                // `active` when absent; a status this version does not know reads as `unknown`.
                status: serde::Deserialize::deserialize(&m["status"]).unwrap_or_default(),
                tool_call: m["tool_call"].as_bool().unwrap_or(false),
                reasoning: m["reasoning"].as_bool().unwrap_or(false),
                vision: image || m["attachment"].as_bool().unwrap_or(false),
                context_window: m["limit"]["context"].as_u64().unwrap_or(0),
                connected: false,
            });
        }
    }
    (models, providers)
}

/// One relevance query: every `expect` key (`providerId/modelId`) must be in the top 3.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RelevanceCase {
    pub query: String,
    pub expect: Vec<String>,
    #[serde(default)]
    pub kind: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct RelevanceSet {
    pub queries: Vec<RelevanceCase>,
}

pub fn load_relevance(path: &str) -> RelevanceSet {
    let text = std::fs::read_to_string(path).expect("relevance set is readable");
    serde_json::from_str(&text).expect("relevance set is valid")
}

/// Splits `providerId/modelId` at the first slash (model ids may contain more).
pub fn split_key(key: &str) -> (&str, &str) {
    key.split_once('/')
        .expect("relevance keys are providerId/modelId")
}
