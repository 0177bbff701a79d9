//! Cohere v2 chat stream: `message-start`, `content-start/delta/end` (text and thinking), `tool-plan-delta`
//! (the model's plan, surfaced as reasoning marked `cohere.toolPlan`), `tool-call-start/delta/end`,
//! `message-end` with billed units.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::collector::{PartCollector, parse_tool_input};
use super::error::classify_stream_error;
use super::types::{FinishReason, StreamPart, Usage, provider_meta};
use super::{StreamParser, WireEvent, parse_json, pass_raw, str_at, u64_at};

const TOOL_PLAN_ID: &str = "tool-plan";

#[derive(Debug)]
enum Block {
    Text,
    Reasoning,
}

#[derive(Debug)]
struct ToolState {
    id: String,
    name: String,
    arguments: String,
}

#[derive(Debug, Default)]
pub struct CohereParser {
    blocks: HashMap<u64, Block>,
    tools: HashMap<u64, ToolState>,
    plan_open: bool,
    ended: bool,
}

/// Cohere bills `billed_units`; the raw `tokens` (with the system preamble) go to provider metadata.
pub fn convert_usage(usage: &Value) -> Usage {
    Usage {
        input_tokens: u64_at(usage, &["billed_units", "input_tokens"]).unwrap_or(0),
        output_tokens: u64_at(usage, &["billed_units", "output_tokens"]).unwrap_or(0),
        reasoning_tokens: 0,
        cached_input_tokens: 0,
        cache_write_tokens: 0,
    }
}

fn map_finish_reason(reason: &str) -> FinishReason {
    match reason {
        "COMPLETE" | "STOP_SEQUENCE" => FinishReason::Stop,
        "MAX_TOKENS" => FinishReason::Length,
        "TOOL_CALL" => FinishReason::ToolCalls,
        "ERROR" => FinishReason::Error,
        _ => FinishReason::Other,
    }
}

impl CohereParser {
    fn close_plan(&mut self, out: &mut PartCollector) {
        if self.plan_open {
            self.plan_open = false;
            out.emit(StreamPart::ReasoningEnd {
                id: TOOL_PLAN_ID.into(),
                provider_metadata: Some(provider_meta("cohere", "toolPlan", true)),
            });
        }
    }

    fn end_block(&mut self, index: u64, out: &mut PartCollector) {
        let id = index.to_string();
        match self.blocks.remove(&index) {
            Some(Block::Text) => out.emit(StreamPart::TextEnd {
                id,
                provider_metadata: None,
            }),
            Some(Block::Reasoning) => out.emit(StreamPart::ReasoningEnd {
                id,
                provider_metadata: None,
            }),
            None => {}
        }
    }

    fn end_tool(&mut self, index: u64, complete: bool, out: &mut PartCollector) {
        if let Some(tool) = self.tools.remove(&index) {
            out.emit(StreamPart::ToolInputEnd {
                id: tool.id.clone(),
            });
            if complete {
                out.emit(StreamPart::ToolCall {
                    tool_call_id: tool.id,
                    tool_name: tool.name,
                    input: parse_tool_input(&tool.arguments),
                    provider_executed: None,
                    provider_metadata: None,
                });
            }
        }
    }
}

impl StreamParser for CohereParser {
    fn on_event(&mut self, event: &WireEvent, out: &mut PartCollector) {
        let Some(value) = parse_json(event, out) else {
            return;
        };
        let index = u64_at(&value, &["index"]).unwrap_or(0);
        let message = value
            .get("delta")
            .and_then(|d| d.get("message"))
            .cloned()
            .unwrap_or(Value::Null);
        match str_at(&value, &["type"])
            .or(event.name.as_deref())
            .unwrap_or_default()
        {
            "message-start" => {
                if let Some(id) = str_at(&value, &["id"]) {
                    out.set_response_id(id);
                }
            }
            "content-start" => {
                self.close_plan(out);
                let id = index.to_string();
                let content = message.get("content").cloned().unwrap_or(Value::Null);
                if str_at(&content, &["type"]) == Some("thinking") {
                    out.emit(StreamPart::ReasoningStart {
                        id: id.clone(),
                        provider_metadata: None,
                    });
                    self.blocks.insert(index, Block::Reasoning);
                    if let Some(text) = str_at(&content, &["thinking"]).filter(|t| !t.is_empty()) {
                        out.emit(StreamPart::ReasoningDelta {
                            id,
                            delta: text.to_string(),
                        });
                    }
                } else {
                    out.emit(StreamPart::TextStart {
                        id: id.clone(),
                        provider_metadata: None,
                    });
                    self.blocks.insert(index, Block::Text);
                    if let Some(text) = str_at(&content, &["text"]).filter(|t| !t.is_empty()) {
                        out.emit(StreamPart::TextDelta {
                            id,
                            delta: text.to_string(),
                        });
                    }
                }
            }
            "content-delta" => {
                let id = index.to_string();
                if let Some(text) =
                    str_at(&message, &["content", "thinking"]).filter(|t| !t.is_empty())
                {
                    out.emit(StreamPart::ReasoningDelta {
                        id,
                        delta: text.to_string(),
                    });
                } else if let Some(text) =
                    str_at(&message, &["content", "text"]).filter(|t| !t.is_empty())
                {
                    out.emit(StreamPart::TextDelta {
                        id,
                        delta: text.to_string(),
                    });
                }
            }
            "content-end" => self.end_block(index, out),
            "tool-plan-delta" => {
                if let Some(text) = str_at(&message, &["tool_plan"]).filter(|t| !t.is_empty()) {
                    if !self.plan_open {
                        self.plan_open = true;
                        out.emit(StreamPart::ReasoningStart {
                            id: TOOL_PLAN_ID.into(),
                            provider_metadata: Some(provider_meta("cohere", "toolPlan", true)),
                        });
                    }
                    out.emit(StreamPart::ReasoningDelta {
                        id: TOOL_PLAN_ID.into(),
                        delta: text.to_string(),
                    });
                }
            }
            "tool-call-start" => {
                self.close_plan(out);
                let call = message.get("tool_calls").cloned().unwrap_or(Value::Null);
                let id =
                    str_at(&call, &["id"]).map_or_else(|| format!("call-{index}"), str::to_string);
                let name = str_at(&call, &["function", "name"])
                    .unwrap_or_default()
                    .to_string();
                out.emit(StreamPart::ToolInputStart {
                    id: id.clone(),
                    tool_name: name.clone(),
                    provider_executed: None,
                });
                let arguments = str_at(&call, &["function", "arguments"])
                    .unwrap_or_default()
                    .to_string();
                if !arguments.is_empty() {
                    out.emit(StreamPart::ToolInputDelta {
                        id: id.clone(),
                        delta: arguments.clone(),
                    });
                }
                self.tools.insert(
                    index,
                    ToolState {
                        id,
                        name,
                        arguments,
                    },
                );
            }
            "tool-call-delta" => {
                let piece =
                    str_at(&message, &["tool_calls", "function", "arguments"]).unwrap_or_default();
                if let Some(tool) = self.tools.get_mut(&index).filter(|_| !piece.is_empty()) {
                    tool.arguments.push_str(piece);
                    out.emit(StreamPart::ToolInputDelta {
                        id: tool.id.clone(),
                        delta: piece.to_string(),
                    });
                }
            }
            "tool-call-end" => self.end_tool(index, true, out),
            "message-end" => {
                let delta = value.get("delta").cloned().unwrap_or(Value::Null);
                if let Some(reason) = str_at(&delta, &["finish_reason"]) {
                    out.set_finish_reason(map_finish_reason(reason));
                }
                if let Some(usage) = delta.get("usage") {
                    out.set_usage(convert_usage(usage));
                    let mut meta = provider_meta(
                        "cohere",
                        "tokens",
                        usage.get("tokens").cloned().unwrap_or(Value::Null),
                    );
                    if let Some(cached) = usage.get("cached_tokens") {
                        crate::json_merge::merge_deep_map(
                            &mut meta,
                            &provider_meta("cohere", "cachedTokens", cached.clone()),
                        );
                    }
                    out.add_provider_metadata(&meta);
                }
                if let Some(error) = delta.get("error").and_then(Value::as_str) {
                    out.fail(classify_stream_error(&json!({"message": error})));
                }
                self.ended = true;
            }
            "error" => out.fail(classify_stream_error(&value)),
            _ => pass_raw(&value, out),
        }
    }

    fn close(&mut self, complete: bool, out: &mut PartCollector) {
        self.close_plan(out);
        let mut blocks: Vec<u64> = self.blocks.keys().copied().collect();
        blocks.sort_unstable();
        for index in blocks {
            self.end_block(index, out);
        }
        let mut tools: Vec<u64> = self.tools.keys().copied().collect();
        tools.sort_unstable();
        for index in tools {
            self.end_tool(index, complete, out);
        }
    }

    fn is_complete(&self) -> bool {
        self.ended
    }
}
