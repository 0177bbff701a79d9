//! The request options every family shares (OpenCode's `options()` rules that follow the model,
//! not the provider), written in the AI SDK's spelling (`reasoningEffort`, `promptCacheKey`, …);
//! the transform layer turns them into each API's body fields.

use serde_json::{Map, Value, json};

use super::CallRef;

/// The OpenAI Responses `include` value that returns the encrypted reasoning state a stateless
/// (`store: false`) conversation sends back.
pub const ENCRYPTED_REASONING: &str = "reasoning.encrypted_content";

/// How a family takes OpenCode's GPT-5 defaults.
#[derive(Debug, Clone, Copy)]
pub struct Gpt5Defaults {
    /// Ask for the encrypted reasoning (OpenAI's own package and Bedrock Mantle).
    pub include_encrypted: bool,
    /// `textVerbosity: "low"` on GPT-5.x (not on Azure, whose models reject it).
    pub verbosity: bool,
}

impl Default for Gpt5Defaults {
    fn default() -> Self {
        Self {
            include_encrypted: false,
            verbosity: true,
        }
    }
}

/// The rules that apply to every family: the prompt-cache key when config asks for it
/// (`setCacheKey`), and the GPT-5 defaults.
pub fn common(call: &CallRef<'_>, gpt5: Gpt5Defaults) -> Map<String, Value> {
    let mut out = Map::new();
    if call.set_cache_key {
        out.insert("promptCacheKey".into(), json!(call.session_id));
    }
    gpt5_defaults(call.model.api_id, gpt5, &mut out);
    out
}

/// Whether OpenCode's GPT-5 defaults apply: a `gpt-5` model that is not `gpt-5-chat`.
pub fn is_gpt5(api_id: &str) -> bool {
    api_id.contains("gpt-5") && !api_id.contains("gpt-5-chat")
}

/// GPT-5 (not `gpt-5-chat`): medium effort with an automatic summary (not for `gpt-5-pro`, which
/// only takes `high`), and low verbosity on the versioned models that are neither Codex nor chat.
pub fn gpt5_defaults(api_id: &str, how: Gpt5Defaults, out: &mut Map<String, Value>) {
    if !is_gpt5(api_id) {
        return;
    }
    if !api_id.contains("gpt-5-pro") {
        out.insert("reasoningEffort".into(), json!("medium"));
        out.insert("reasoningSummary".into(), json!("auto"));
        if how.include_encrypted {
            out.insert("include".into(), json!([ENCRYPTED_REASONING]));
        }
    }
    if how.verbosity
        && api_id.contains("gpt-5.")
        && !api_id.contains("codex")
        && !api_id.contains("-chat")
    {
        out.insert("textVerbosity".into(), json!("low"));
    }
}

/// Claude's budget for "thinking on" when nothing else names one: `min(16000, out / 2 - 1)`.
pub fn half_output_budget(output_limit: u64) -> i64 {
    let out = i64::try_from(output_limit).unwrap_or(i64::MAX);
    (out / 2 - 1).min(16_000)
}

/// The Kimi K2.x models Moonshot serves on an Anthropic-compatible endpoint.
pub fn is_kimi_k2x(api_id: &str) -> bool {
    let id = api_id.to_ascii_lowercase();
    id.contains("k2p") || id.contains("kimi-k2.") || id.contains("kimi-k2p")
}
