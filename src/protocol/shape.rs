//! How the parts of an answer are handed on when the request asked for something the API spells
//! its own way: a JSON answer asked through a forced tool comes back as text, and the calls of a
//! provider-defined tool come back under the name the caller declared it with.
//!
//! The shaping sits between a wire format's parser and the [`super::PartCollector`], so the
//! streamed parts and the final result agree.

use super::types::{FinishReason, StreamPart};

/// What a call asks of its answer's parts beyond the wire format's own parsing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseShape {
    /// The tool a JSON answer was asked through (the forced-tool fallback): its input is the
    /// answer, handed on as text; other text of the turn is dropped (as the AI SDK does), so the
    /// text of the result is the JSON alone.
    pub json_tool: Option<String>,
    /// Provider-defined tools: the name the API calls them by → the name the call declared.
    pub tool_names: Vec<(String, String)>,
}

impl ResponseShape {
    pub fn is_plain(&self) -> bool {
        self.json_tool.is_none() && self.tool_names.is_empty()
    }
}

/// One streamed input of the JSON tool, handed on as a text block.
#[derive(Debug)]
struct JsonInput {
    id: String,
    has_text: bool,
    ended: bool,
}

/// The shaping state of one answer.
#[derive(Debug, Default)]
pub(crate) struct Shaper {
    shape: ResponseShape,
    /// The JSON tool's input blocks not yet called.
    json_inputs: Vec<JsonInput>,
    /// A tool call other than the JSON tool's was made (the turn really ends for tool calls).
    other_tool_call: bool,
    /// The JSON tool was called.
    json_called: bool,
}

impl Shaper {
    pub(crate) fn new(shape: ResponseShape) -> Self {
        Self {
            shape,
            ..Self::default()
        }
    }

    /// Whether every part stays as it is.
    pub(crate) fn is_plain(&self) -> bool {
        self.shape.is_plain()
    }

    /// The parts `part` becomes (none, itself, or the text of the JSON answer).
    pub(crate) fn shape(&mut self, part: StreamPart) -> Vec<StreamPart> {
        if self.shape.is_plain() {
            return vec![part];
        }
        let part = self.rename(part);
        let Some(json_tool) = self.shape.json_tool.clone() else {
            if matches!(&part, StreamPart::ToolCall { provider_executed, .. } if *provider_executed != Some(true))
            {
                self.other_tool_call = true;
            }
            return vec![part];
        };
        match part {
            // The parser's own text is not the answer (the JSON tool's text is made here).
            StreamPart::TextStart { .. }
            | StreamPart::TextDelta { .. }
            | StreamPart::TextEnd { .. } => vec![],
            StreamPart::ToolInputStart { id, tool_name, .. } if tool_name == json_tool => {
                self.json_inputs.push(JsonInput {
                    id: id.clone(),
                    has_text: false,
                    ended: false,
                });
                vec![StreamPart::TextStart {
                    id,
                    provider_metadata: None,
                }]
            }
            StreamPart::ToolInputDelta { id, delta } => match self.json_input(&id) {
                Some(input) => {
                    input.has_text = true;
                    vec![StreamPart::TextDelta { id, delta }]
                }
                None => vec![StreamPart::ToolInputDelta { id, delta }],
            },
            // The text ends with the input; an input with no text yet waits for its call, whose
            // whole input is then the text.
            StreamPart::ToolInputEnd { id } => match self.json_input(&id) {
                Some(input) if input.has_text => {
                    input.ended = true;
                    vec![StreamPart::TextEnd {
                        id,
                        provider_metadata: None,
                    }]
                }
                Some(_) => vec![],
                None => vec![StreamPart::ToolInputEnd { id }],
            },
            StreamPart::ToolCall {
                tool_call_id,
                tool_name,
                input,
                provider_executed: None | Some(false),
                ..
            } if tool_name == json_tool => {
                self.json_called = true;
                let streamed = self
                    .json_input(&tool_call_id)
                    .map(|open| (open.has_text, open.ended));
                self.json_inputs.retain(|open| open.id != tool_call_id);
                let text = |parts: &mut Vec<StreamPart>| {
                    parts.push(StreamPart::TextDelta {
                        id: tool_call_id.clone(),
                        delta: input.to_string(),
                    })
                };
                let end = StreamPart::TextEnd {
                    id: tool_call_id.clone(),
                    provider_metadata: None,
                };
                let mut parts = Vec::new();
                match streamed {
                    Some((_, true)) => {}
                    Some((true, false)) => parts.push(end),
                    Some((false, false)) => {
                        text(&mut parts);
                        parts.push(end);
                    }
                    None => {
                        parts.push(StreamPart::TextStart {
                            id: tool_call_id.clone(),
                            provider_metadata: None,
                        });
                        text(&mut parts);
                        parts.push(end);
                    }
                }
                parts
            }
            other => {
                if matches!(&other, StreamPart::ToolCall { provider_executed, .. } if *provider_executed != Some(true))
                {
                    self.other_tool_call = true;
                }
                vec![other]
            }
        }
    }

    /// The finish reason as the caller should see it: a turn that ended only to hand over the
    /// JSON tool's input is a finished answer.
    pub(crate) fn finish_reason(&self, reason: FinishReason) -> FinishReason {
        if reason == FinishReason::ToolCalls && self.json_called && !self.other_tool_call {
            FinishReason::Stop
        } else {
            reason
        }
    }

    fn json_input(&mut self, id: &str) -> Option<&mut JsonInput> {
        self.json_inputs.iter_mut().find(|open| open.id == id)
    }

    /// A provider-executed tool's parts under the name the call declared.
    fn rename(&self, mut part: StreamPart) -> StreamPart {
        if self.shape.tool_names.is_empty() {
            return part;
        }
        let name = match &mut part {
            StreamPart::ToolInputStart {
                tool_name,
                provider_executed: Some(true),
                ..
            }
            | StreamPart::ToolCall {
                tool_name,
                provider_executed: Some(true),
                ..
            }
            | StreamPart::ToolResult {
                tool_name,
                provider_executed: true,
                ..
            } => tool_name,
            _ => return part,
        };
        if let Some((_, declared)) = self.shape.tool_names.iter().find(|(wire, _)| wire == name) {
            *name = declared.clone();
        }
        part
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn json_shaper() -> Shaper {
        Shaper::new(ResponseShape {
            json_tool: Some("json".into()),
            tool_names: vec![],
        })
    }

    fn shaped(shaper: &mut Shaper, parts: Vec<StreamPart>) -> Vec<serde_json::Value> {
        parts
            .into_iter()
            .flat_map(|part| shaper.shape(part))
            .map(|part| serde_json::to_value(part).expect("serializes"))
            .collect()
    }

    #[test]
    fn a_json_tool_called_whole_becomes_text() {
        let mut shaper = json_shaper();
        let parts = shaped(
            &mut shaper,
            vec![
                StreamPart::TextStart {
                    id: "0".into(),
                    provider_metadata: None,
                },
                StreamPart::TextDelta {
                    id: "0".into(),
                    delta: "Here it is".into(),
                },
                StreamPart::TextEnd {
                    id: "0".into(),
                    provider_metadata: None,
                },
                StreamPart::ToolCall {
                    tool_call_id: "c1".into(),
                    tool_name: "json".into(),
                    input: json!({"a": 1}),
                    provider_executed: None,
                    provider_metadata: None,
                },
            ],
        );
        assert_eq!(
            parts,
            vec![
                json!({"type": "text-start", "id": "c1"}),
                json!({"type": "text-delta", "id": "c1", "delta": "{\"a\":1}"}),
                json!({"type": "text-end", "id": "c1"}),
            ]
        );
        assert_eq!(
            shaper.finish_reason(FinishReason::ToolCalls),
            FinishReason::Stop
        );
    }

    #[test]
    fn an_input_streamed_without_text_ends_with_its_calls_input() {
        let mut shaper = json_shaper();
        let parts = shaped(
            &mut shaper,
            vec![
                StreamPart::ToolInputStart {
                    id: "c1".into(),
                    tool_name: "json".into(),
                    provider_executed: None,
                },
                StreamPart::ToolInputEnd { id: "c1".into() },
                StreamPart::ToolCall {
                    tool_call_id: "c1".into(),
                    tool_name: "json".into(),
                    input: json!({}),
                    provider_executed: None,
                    provider_metadata: None,
                },
            ],
        );
        assert_eq!(
            parts,
            vec![
                json!({"type": "text-start", "id": "c1"}),
                json!({"type": "text-delta", "id": "c1", "delta": "{}"}),
                json!({"type": "text-end", "id": "c1"}),
            ]
        );
    }

    #[test]
    fn another_tool_call_keeps_the_turn_a_tool_turn() {
        let mut shaper = json_shaper();
        let parts = shaped(
            &mut shaper,
            vec![StreamPart::ToolCall {
                tool_call_id: "c1".into(),
                tool_name: "weather".into(),
                input: json!({}),
                provider_executed: None,
                provider_metadata: None,
            }],
        );
        assert_eq!(parts[0]["type"], "tool-call");
        assert_eq!(
            shaper.finish_reason(FinishReason::ToolCalls),
            FinishReason::ToolCalls
        );
    }

    #[test]
    fn provider_tools_come_back_under_their_declared_name() {
        let mut shaper = Shaper::new(ResponseShape {
            json_tool: None,
            tool_names: vec![("web_search".into(), "search".into())],
        });
        let parts = shaped(
            &mut shaper,
            vec![
                StreamPart::ToolCall {
                    tool_call_id: "s1".into(),
                    tool_name: "web_search".into(),
                    input: json!({}),
                    provider_executed: Some(true),
                    provider_metadata: None,
                },
                StreamPart::ToolCall {
                    tool_call_id: "c1".into(),
                    tool_name: "web_search".into(),
                    input: json!({}),
                    provider_executed: None,
                    provider_metadata: None,
                },
            ],
        );
        assert_eq!(parts[0]["toolName"], "search");
        assert_eq!(
            parts[1]["toolName"], "web_search",
            "a function tool keeps its name"
        );
    }
}
