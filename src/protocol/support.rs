//! What each wire format takes of the AI SDK's call options: how it is asked for a JSON answer,
//! which sampling options it has a field for, and which provider-defined tools it offers. The
//! request transforms refuse what a format has no field for, and model descriptors report the
//! same answers (`callOptions`), so a host learns ahead what a call would be refused.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::WireFormat;

/// How a JSON answer (`responseFormat: {type: "json"}`) is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum JsonAnswerMode {
    /// The API constrains the answer to the schema: OpenAI `json_schema` (strict), Gemini
    /// `responseSchema`, the Messages API's `output_config.format`, Cohere `json_schema`.
    Schema,
    /// The API's JSON mode: valid JSON, the schema not enforced (OpenAI `json_object`, Gemini
    /// `responseMimeType` alone, Cohere `json_object`).
    JsonObject,
    /// A forced tool named `json` whose input is the answer, handed back as text (the Messages
    /// API and Bedrock when the model has no structured output, or no schema was given).
    Tool,
}

impl JsonAnswerMode {
    /// The serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            JsonAnswerMode::Schema => "schema",
            JsonAnswerMode::JsonObject => "json-object",
            JsonAnswerMode::Tool => "tool",
        }
    }
}

/// An AI SDK sampling option with a wire field in some formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SamplingOption {
    Seed,
    PresencePenalty,
    FrequencyPenalty,
}

impl SamplingOption {
    /// The call parameter's name.
    pub fn field(self) -> &'static str {
        match self {
            SamplingOption::Seed => "seed",
            SamplingOption::PresencePenalty => "presencePenalty",
            SamplingOption::FrequencyPenalty => "frequencyPenalty",
        }
    }
}

/// OpenAI's reasoning models (`o1`, `o3`, `o4`, `gpt-5`; also under a `vendor/` prefix): they
/// take `max_completion_tokens`, and refuse the penalties.
pub fn is_openai_reasoning_model(model_id: &str) -> bool {
    let id = model_id.rsplit('/').next().unwrap_or(model_id);
    ["o1", "o3", "o4", "gpt-5"]
        .iter()
        .any(|prefix| id.starts_with(prefix))
}

/// Whether a Bedrock model is a Claude (its Messages API fields pass through Converse).
pub fn is_claude(model_id: &str) -> bool {
    let id = model_id.to_ascii_lowercase();
    id.contains("anthropic.") || id.contains("claude")
}

impl WireFormat {
    /// How a JSON answer is asked of `model_id`, given whether the catalog says the model has
    /// structured output and whether the call gave a schema.
    pub fn json_answer_mode(
        self,
        model_id: &str,
        structured_output: bool,
        with_schema: bool,
    ) -> JsonAnswerMode {
        let native = structured_output && with_schema;
        match self {
            WireFormat::Anthropic if native => JsonAnswerMode::Schema,
            WireFormat::Bedrock if native && is_claude(model_id) => JsonAnswerMode::Schema,
            WireFormat::Anthropic | WireFormat::Bedrock => JsonAnswerMode::Tool,
            WireFormat::OpenaiChat
            | WireFormat::OpenaiResponses
            | WireFormat::Gemini
            | WireFormat::Cohere => {
                if native {
                    JsonAnswerMode::Schema
                } else {
                    JsonAnswerMode::JsonObject
                }
            }
        }
    }

    /// Why this format cannot send `option` for `model_id`, or `None` when it sends it.
    pub fn refuses(self, option: SamplingOption, model_id: &str) -> Option<&'static str> {
        use SamplingOption::*;
        match (self, option) {
            (WireFormat::Gemini | WireFormat::Cohere, _) => None,
            (WireFormat::OpenaiChat, Seed) => None,
            (WireFormat::OpenaiChat, PresencePenalty | FrequencyPenalty) => {
                is_openai_reasoning_model(model_id)
                    .then_some("OpenAI's reasoning models (o-series, GPT-5) take no penalties")
            }
            (WireFormat::OpenaiResponses, _) => {
                Some("the OpenAI Responses API has no seed or penalty parameters")
            }
            (WireFormat::Anthropic, _) => {
                Some("the Anthropic Messages API has no seed or penalty parameters")
            }
            (WireFormat::Bedrock, _) => {
                Some("the Bedrock Converse API has no seed or penalty parameters")
            }
        }
    }

    /// The range of a penalty this format takes.
    pub fn penalty_range(self) -> (f64, f64) {
        match self {
            WireFormat::Cohere => (0.0, 1.0),
            _ => (-2.0, 2.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_answers_follow_the_catalog() {
        use JsonAnswerMode::*;
        let mode = |format: WireFormat, model: &str, so: bool, schema: bool| {
            format.json_answer_mode(model, so, schema)
        };
        assert_eq!(mode(WireFormat::OpenaiChat, "gpt-4.1", true, true), Schema);
        assert_eq!(
            mode(WireFormat::OpenaiChat, "deepseek-chat", false, true),
            JsonObject
        );
        assert_eq!(
            mode(WireFormat::OpenaiResponses, "gpt-5", true, false),
            JsonObject
        );
        assert_eq!(
            mode(WireFormat::Gemini, "gemini-2.5-pro", true, true),
            Schema
        );
        assert_eq!(
            mode(WireFormat::Anthropic, "claude-sonnet-4-5", true, true),
            Schema
        );
        assert_eq!(
            mode(WireFormat::Anthropic, "claude-sonnet-4-5", false, true),
            Tool
        );
        assert_eq!(
            mode(WireFormat::Anthropic, "claude-sonnet-4-5", true, false),
            Tool
        );
        assert_eq!(
            mode(
                WireFormat::Bedrock,
                "anthropic.claude-sonnet-4-5",
                true,
                true
            ),
            Schema
        );
        assert_eq!(
            mode(WireFormat::Bedrock, "amazon.nova-pro-v1:0", true, true),
            Tool
        );
        assert_eq!(
            mode(WireFormat::Cohere, "command-a-03-2025", false, true),
            JsonObject
        );
    }

    #[test]
    fn mode_names_are_the_serialized_ones() {
        for mode in [
            JsonAnswerMode::Schema,
            JsonAnswerMode::JsonObject,
            JsonAnswerMode::Tool,
        ] {
            assert_eq!(
                serde_json::to_value(mode).expect("serializes"),
                mode.as_str()
            );
        }
    }

    #[test]
    fn sampling_options_by_format() {
        use SamplingOption::*;
        assert!(WireFormat::OpenaiChat.refuses(Seed, "gpt-5").is_none());
        assert!(
            WireFormat::OpenaiChat
                .refuses(PresencePenalty, "gpt-5")
                .is_some()
        );
        assert!(
            WireFormat::OpenaiChat
                .refuses(PresencePenalty, "gpt-4.1")
                .is_none()
        );
        assert!(
            WireFormat::OpenaiChat
                .refuses(FrequencyPenalty, "openai/o3-mini")
                .is_some()
        );
        assert!(WireFormat::Anthropic.refuses(Seed, "claude").is_some());
        assert!(
            WireFormat::Gemini
                .refuses(FrequencyPenalty, "gemini-2.5-pro")
                .is_none()
        );
        assert!(
            WireFormat::OpenaiResponses
                .refuses(Seed, "gpt-4.1")
                .is_some()
        );
    }
}
