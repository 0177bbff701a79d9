//! Folds normalized stream parts into the final [`ChatResult`] as they are emitted, so a partial result is
//! known at any moment (cancel, dropped stream).

use std::collections::HashMap;

use serde_json::Value;

use super::error::ProviderFailure;
use super::shape::{ResponseShape, Shaper};
use super::types::{
    ChatResult, FinishReason, Part, ProviderOptions, ResponseInfo, StreamPart, Usage,
};
use crate::json_merge::merge_deep_map;

#[derive(Debug, Default)]
pub struct PartCollector {
    pending: Vec<StreamPart>,
    content: Vec<Part>,
    open_text: HashMap<String, usize>,
    open_reasoning: HashMap<String, usize>,
    usage: Usage,
    usage_emitted: Option<Usage>,
    finish_reason: Option<FinishReason>,
    response: ResponseInfo,
    provider_metadata: ProviderOptions,
    error: Option<ProviderFailure>,
    finished: bool,
    shaper: Shaper,
}

impl PartCollector {
    pub fn new() -> Self {
        Self::default()
    }

    /// A collector whose parts are shaped as the call asked ([`ResponseShape`]).
    pub fn shaped(shape: ResponseShape) -> Self {
        Self {
            shaper: Shaper::new(shape),
            ..Self::default()
        }
    }

    /// Records a part in the result and queues it for delivery.
    pub fn emit(&mut self, part: StreamPart) {
        // Most calls ask for no shaping: the part goes as it is, without a `Vec` of one per part.
        if self.shaper.is_plain() {
            self.record(part);
            return;
        }
        for part in self.shaper.shape(part) {
            self.record(part);
        }
    }

    fn record(&mut self, part: StreamPart) {
        self.apply(&part);
        self.pending.push(part);
    }

    /// Parts emitted since the last call.
    pub fn take_parts(&mut self) -> Vec<StreamPart> {
        std::mem::take(&mut self.pending)
    }

    /// Parts emitted since the last call, leaving the queue's room for the next ones (a stream
    /// hands its parts on after every network read).
    pub fn drain_parts(&mut self) -> std::vec::Drain<'_, StreamPart> {
        self.pending.drain(..)
    }

    /// Updates the usage; a `usage` part is emitted when it changed.
    pub fn set_usage(&mut self, usage: Usage) {
        self.usage = usage;
        if self.usage_emitted != Some(usage) {
            self.usage_emitted = Some(usage);
            self.pending.push(StreamPart::Usage { usage });
        }
    }

    pub fn usage(&self) -> Usage {
        self.usage
    }

    pub fn set_finish_reason(&mut self, reason: FinishReason) {
        self.finish_reason = Some(reason);
    }

    pub fn finish_reason(&self) -> Option<FinishReason> {
        self.finish_reason
    }

    pub fn set_response_id(&mut self, id: &str) {
        self.response.id = Some(id.to_string());
    }

    pub fn set_model_id(&mut self, model: &str) {
        self.response.model_id = Some(model.to_string());
    }

    pub fn add_provider_metadata(&mut self, metadata: &ProviderOptions) {
        merge_deep_map(&mut self.provider_metadata, metadata);
    }

    /// Emits an `error` part; the turn will finish with `error`.
    pub fn fail(&mut self, failure: ProviderFailure) {
        self.pending.push(StreamPart::Error {
            error: failure.to_stream_error(),
        });
        self.error = Some(failure);
    }

    pub fn error(&self) -> Option<&ProviderFailure> {
        self.error.as_ref()
    }

    pub fn has_finished(&self) -> bool {
        self.finished
    }

    /// Emits the `finish` part once.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        let finish_reason = self.final_reason();
        self.pending.push(StreamPart::Finish {
            finish_reason,
            usage: self.usage,
            provider_metadata: self.metadata(),
        });
    }

    /// The result as known now (partial before `finish`).
    pub fn result(&self) -> ChatResult {
        ChatResult {
            content: self.content.clone(),
            finish_reason: self.final_reason(),
            usage: self.usage,
            cost: None,
            response: self.response.clone(),
            provider_metadata: self.metadata(),
            warnings: Vec::new(),
        }
    }

    fn final_reason(&self) -> FinishReason {
        if self.error.is_some() {
            FinishReason::Error
        } else {
            self.finish_reason.map_or(FinishReason::Unknown, |reason| {
                self.shaper.finish_reason(reason)
            })
        }
    }

    fn metadata(&self) -> Option<ProviderOptions> {
        (!self.provider_metadata.is_empty()).then(|| self.provider_metadata.clone())
    }

    fn apply(&mut self, part: &StreamPart) {
        match part {
            StreamPart::TextStart {
                id,
                provider_metadata,
            } => {
                self.content.push(Part::Text {
                    text: String::new(),
                    provider_options: provider_metadata.clone(),
                });
                self.open_text.insert(id.clone(), self.content.len() - 1);
            }
            StreamPart::TextDelta { id, delta } => {
                let index = self.open_index(true, id);
                if let Some(Part::Text { text, .. }) = self.content.get_mut(index) {
                    text.push_str(delta);
                }
            }
            StreamPart::TextEnd {
                id,
                provider_metadata,
            } => {
                if let Some(index) = self.open_text.remove(id) {
                    merge_into(&mut self.content[index], provider_metadata.as_ref());
                }
            }
            StreamPart::ReasoningStart {
                id,
                provider_metadata,
            } => {
                self.content.push(Part::Reasoning {
                    text: String::new(),
                    provider_options: provider_metadata.clone(),
                });
                self.open_reasoning
                    .insert(id.clone(), self.content.len() - 1);
            }
            StreamPart::ReasoningDelta { id, delta } => {
                let index = self.open_index(false, id);
                if let Some(Part::Reasoning { text, .. }) = self.content.get_mut(index) {
                    text.push_str(delta);
                }
            }
            StreamPart::ReasoningEnd {
                id,
                provider_metadata,
            } => {
                if let Some(index) = self.open_reasoning.remove(id) {
                    merge_into(&mut self.content[index], provider_metadata.as_ref());
                }
            }
            StreamPart::ToolCall {
                tool_call_id,
                tool_name,
                input,
                provider_executed,
                provider_metadata,
            } => {
                self.content.push(Part::ToolCall {
                    tool_call_id: tool_call_id.clone(),
                    tool_name: tool_name.clone(),
                    input: input.clone(),
                    provider_executed: *provider_executed,
                    provider_options: provider_metadata.clone(),
                });
            }
            StreamPart::ToolResult {
                tool_call_id,
                tool_name,
                output,
                provider_executed,
            } => {
                self.content.push(Part::ToolResult {
                    tool_call_id: tool_call_id.clone(),
                    tool_name: tool_name.clone(),
                    output: output.clone(),
                    provider_executed: Some(*provider_executed),
                    provider_options: None,
                });
            }
            StreamPart::Source {
                source_type,
                id,
                url,
                title,
                media_type,
                filename,
                provider_metadata,
            } => {
                self.content.push(Part::Source {
                    source_type: source_type.clone(),
                    id: id.clone(),
                    url: url.clone(),
                    title: title.clone(),
                    media_type: media_type.clone(),
                    filename: filename.clone(),
                    provider_options: provider_metadata.clone(),
                });
            }
            StreamPart::ToolInputStart { .. }
            | StreamPart::ToolInputDelta { .. }
            | StreamPart::ToolInputEnd { .. }
            | StreamPart::Usage { .. }
            | StreamPart::Finish { .. }
            | StreamPart::Error { .. }
            | StreamPart::Raw { .. } => {}
        }
    }

    /// The content index of an open block; a delta for a block never started opens one (lenient).
    fn open_index(&mut self, text: bool, id: &str) -> usize {
        let open = if text {
            &self.open_text
        } else {
            &self.open_reasoning
        };
        if let Some(index) = open.get(id) {
            return *index;
        }
        let part = if text {
            Part::Text {
                text: String::new(),
                provider_options: None,
            }
        } else {
            Part::Reasoning {
                text: String::new(),
                provider_options: None,
            }
        };
        self.content.push(part);
        let index = self.content.len() - 1;
        let open = if text {
            &mut self.open_text
        } else {
            &mut self.open_reasoning
        };
        open.insert(id.to_string(), index);
        index
    }
}

fn merge_into(part: &mut Part, metadata: Option<&ProviderOptions>) {
    let Some(metadata) = metadata else { return };
    if let Part::Text {
        provider_options, ..
    }
    | Part::Reasoning {
        provider_options, ..
    } = part
    {
        merge_deep_map(
            provider_options.get_or_insert_with(Default::default),
            metadata,
        );
    }
}

/// Parses streamed tool arguments: empty means `{}`; text that is not JSON is kept as a string.
pub fn parse_tool_input(arguments: &str) -> Value {
    if arguments.trim().is_empty() {
        return Value::Object(Default::default());
    }
    serde_json::from_str(arguments).unwrap_or_else(|_| Value::String(arguments.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::provider_meta;
    use serde_json::json;

    #[test]
    fn builds_content_and_keeps_reasoning_signature() {
        let mut out = PartCollector::new();
        out.emit(StreamPart::ReasoningStart {
            id: "r".into(),
            provider_metadata: None,
        });
        out.emit(StreamPart::ReasoningDelta {
            id: "r".into(),
            delta: "thin".into(),
        });
        out.emit(StreamPart::ReasoningDelta {
            id: "r".into(),
            delta: "king".into(),
        });
        out.emit(StreamPart::ReasoningEnd {
            id: "r".into(),
            provider_metadata: Some(provider_meta("anthropic", "signature", "sig")),
        });
        out.emit(StreamPart::TextDelta {
            id: "t".into(),
            delta: "hi".into(),
        });
        out.emit(StreamPart::ToolCall {
            tool_call_id: "c".into(),
            tool_name: "f".into(),
            input: json!({}),
            provider_executed: None,
            provider_metadata: None,
        });
        out.set_usage(Usage {
            input_tokens: 3,
            ..Usage::default()
        });
        out.set_usage(Usage {
            input_tokens: 3,
            ..Usage::default()
        });
        out.set_finish_reason(FinishReason::ToolCalls);
        out.finish();
        out.finish();
        let parts = out.take_parts();
        assert_eq!(
            parts
                .iter()
                .filter(|p| matches!(p, StreamPart::Usage { .. }))
                .count(),
            1
        );
        assert_eq!(
            parts
                .iter()
                .filter(|p| matches!(p, StreamPart::Finish { .. }))
                .count(),
            1
        );
        let result = serde_json::to_value(out.result()).expect("serializes");
        assert_eq!(
            result["content"],
            json!([
                {"type": "reasoning", "text": "thinking", "providerOptions": {"anthropic": {"signature": "sig"}}},
                {"type": "text", "text": "hi"},
                {"type": "tool-call", "toolCallId": "c", "toolName": "f", "input": {}}
            ])
        );
        assert_eq!(result["finishReason"], "tool-calls");
        assert_eq!(result["usage"]["inputTokens"], 3);
    }

    #[test]
    fn an_error_makes_the_finish_reason_error() {
        let mut out = PartCollector::new();
        out.set_finish_reason(FinishReason::Stop);
        out.fail(ProviderFailure::interrupted("boom"));
        assert_eq!(out.result().finish_reason, FinishReason::Error);
    }

    #[test]
    fn tool_input_parsing_is_lenient() {
        assert_eq!(parse_tool_input(""), json!({}));
        assert_eq!(parse_tool_input("{\"a\":1}"), json!({"a": 1}));
        assert_eq!(parse_tool_input("{\"a\":"), json!("{\"a\":"));
    }
}
