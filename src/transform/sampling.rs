//! Output limit and sampling defaults (OpenCode's `maxOutputTokens`, `temperature`, `topP` and
//! `topK`): applied only where the caller gave no value of its own.

use serde_json::{Map, Value};

use super::CallContext;
use crate::protocol::{ChatRequest, WireFormat};

/// Fills the call's unset sampling settings with the model's defaults and removes a temperature
/// the model does not take.
pub fn apply(cx: &CallContext<'_>, request: &mut ChatRequest) {
    let model = cx.model;
    let id = model.id.to_ascii_lowercase();
    if request.max_output_tokens.is_none()
        && cx.profile().sends_default_output_limit(&cx.call_ref())
    {
        request.max_output_tokens = Some(default_output_limit(
            model.limit().output,
            cx.settings.output_token_max,
        ));
    }
    match model.info.temperature {
        // A model that takes no temperature rejects one (OpenAI's reasoning models answer 400).
        Some(false) if request.temperature.take().is_some() => {
            tracing::debug!(model = %model.id, "temperature dropped: the model takes none");
        }
        Some(true) if request.temperature.is_none() => request.temperature = temperature(&id),
        _ => {}
    }
    if request.top_p.is_none() {
        request.top_p = top_p(&id);
    }
    if request.top_k.is_none() {
        request.top_k = top_k(&id);
    }
}

/// The seed under the name the call's API reads it by: Mistral's API spells it `random_seed`
/// (as `@ai-sdk/mistral` writes it).
pub fn spell_seed(cx: &CallContext<'_>, body: &mut Map<String, Value>) {
    let mistral = cx.profile().message_rules(&cx.call_ref()).mistral;
    if mistral
        && cx.runtime.protocol.wire_format() == WireFormat::OpenaiChat
        && let Some(seed) = body.remove("seed")
    {
        body.insert("random_seed".into(), seed);
    }
}

/// `min(limit.output, cap)`, or the cap when the catalog does not know the limit.
pub fn default_output_limit(catalog_output: u64, cap: u64) -> u32 {
    let limit = if catalog_output == 0 {
        cap
    } else {
        catalog_output.min(cap)
    };
    u32::try_from(limit).unwrap_or(u32::MAX)
}

/// OpenCode's temperature defaults by model id (lower case).
pub fn temperature(id: &str) -> Option<f64> {
    if id.contains("qwen") {
        return Some(0.55);
    }
    if id.contains("claude") {
        return None;
    }
    if id.contains("gemini") || id.contains("glm-4.6") || id.contains("glm-4.7") {
        return Some(1.0);
    }
    if id.contains("minimax-m2") {
        return Some(1.0);
    }
    if id.contains("kimi-k2") {
        let thinking = ["thinking", "k2.", "k2p", "k2-5"]
            .iter()
            .any(|s| id.contains(s));
        return Some(if thinking { 1.0 } else { 0.6 });
    }
    None
}

/// OpenCode's top-p defaults by model id (lower case).
pub fn top_p(id: &str) -> Option<f64> {
    if id.contains("qwen") {
        return Some(1.0);
    }
    let high = [
        "minimax-m2",
        "gemini",
        "kimi-k2.5",
        "kimi-k2p5",
        "kimi-k2-5",
    ];
    high.iter().any(|s| id.contains(s)).then_some(0.95)
}

/// OpenCode's top-k defaults by model id (lower case).
pub fn top_k(id: &str) -> Option<u32> {
    if id.contains("minimax-m2") {
        let newer = ["m2.", "m25", "m21"].iter().any(|s| id.contains(s));
        return Some(if newer { 40 } else { 20 });
    }
    id.contains("gemini").then_some(64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cases of OpenCode's `temperature`, `topP` and `topK` (transform.ts).
    #[test]
    fn defaults_by_model_id() {
        assert_eq!(temperature("qwen3-coder"), Some(0.55));
        assert_eq!(top_p("qwen3-coder"), Some(1.0));
        assert_eq!(temperature("claude-sonnet-4-5"), None);
        assert_eq!(temperature("gemini-2.5-pro"), Some(1.0));
        assert_eq!(top_p("gemini-2.5-pro"), Some(0.95));
        assert_eq!(top_k("gemini-2.5-pro"), Some(64));
        assert_eq!(temperature("glm-4.6"), Some(1.0));
        assert_eq!(temperature("glm-4.7"), Some(1.0));
        assert_eq!(temperature("glm-5"), None);
        assert_eq!(temperature("minimax-m2"), Some(1.0));
        assert_eq!(top_p("minimax-m2"), Some(0.95));
        assert_eq!(top_k("minimax-m2"), Some(20));
        assert_eq!(top_k("minimax-m2.1"), Some(40));
        assert_eq!(top_k("minimax-m25"), Some(40));
        assert_eq!(temperature("kimi-k2-thinking"), Some(1.0));
        assert_eq!(temperature("kimi-k2.5"), Some(1.0));
        assert_eq!(temperature("kimi-k2p5"), Some(1.0));
        assert_eq!(temperature("kimi-k2-5"), Some(1.0));
        assert_eq!(temperature("kimi-k2-instruct"), Some(0.6));
        assert_eq!(top_p("kimi-k2.5"), Some(0.95));
        assert_eq!(top_p("kimi-k2-instruct"), None);
        assert_eq!(temperature("gpt-5"), None);
        assert_eq!(top_p("gpt-5"), None);
        assert_eq!(top_k("gpt-5"), None);
    }

    /// OpenCode's `maxOutputTokens`: `min(limit.output, 32000) || 32000`.
    #[test]
    fn output_limit_is_capped() {
        assert_eq!(default_output_limit(64_000, 32_000), 32_000);
        assert_eq!(default_output_limit(8_192, 32_000), 8_192);
        assert_eq!(default_output_limit(0, 32_000), 32_000);
        assert_eq!(default_output_limit(128_000, 100_000), 100_000);
    }
}

#[cfg(test)]
mod call_tests {
    use super::*;
    use crate::transform::test_support::Call;

    fn applied(call: &Call, request: ChatRequest) -> ChatRequest {
        let mut request = request;
        apply(&call.cx(), &mut request);
        request
    }

    #[test]
    fn caller_values_win_and_unknowns_are_filled() {
        let gemini = Call::new("google", "gemini-2.5-pro");
        let filled = applied(&gemini, ChatRequest::default());
        assert_eq!(filled.max_output_tokens, Some(32_000));
        assert_eq!(
            (filled.temperature, filled.top_p, filled.top_k),
            (Some(1.0), Some(0.95), Some(64))
        );
        let own = ChatRequest {
            max_output_tokens: Some(100),
            temperature: Some(0.2),
            top_p: Some(0.5),
            top_k: Some(3),
            ..Default::default()
        };
        let kept = applied(&gemini, own.clone());
        assert_eq!(kept, own);
    }

    #[test]
    fn a_model_without_temperature_gets_none() {
        let gpt = Call::new("openai", "gpt-5");
        assert_eq!(gpt.model.info.temperature, Some(false));
        let request = applied(
            &gpt,
            ChatRequest {
                temperature: Some(0.7),
                ..Default::default()
            },
        );
        assert_eq!(request.temperature, None);
        assert_eq!(request.max_output_tokens, Some(32_000));
    }

    /// (Copilot's GPT models and ChatGPT get no default limit from the built-in plugins, after
    /// this: `plugin::builtin::tests`.)
    #[test]
    fn the_cap_is_configurable() {
        let mut claude = Call::new("anthropic", "claude-sonnet-4-5");
        claude.settings.output_token_max = 64_000;
        let request = applied(&claude, ChatRequest::default());
        assert_eq!(request.max_output_tokens, Some(64_000));
    }
}
