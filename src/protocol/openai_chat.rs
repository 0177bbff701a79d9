//! OpenAI-compatible chat completions stream (`data: {chunk}` … `data: [DONE]`): content, `reasoning_content`
//! / `reasoning` deltas, Mistral's typed content arrays, tool calls by index in fragments, the usage-only last
//! chunk, Groq's `x_groq.usage`, DeepSeek's cache fields.

use serde_json::Value;

use super::collector::{PartCollector, parse_tool_input};
use super::error::classify_stream_error;
use super::types::{FinishReason, StreamPart, Usage};
use super::{StreamParser, WireEvent, parse_json, pass_raw, str_at, u64_at};

#[derive(Debug, Default)]
struct ToolState {
    index: u64,
    id: String,
    name: String,
    arguments: String,
    done: bool,
}

#[derive(Debug, Default)]
pub struct OpenAiChatParser {
    text_open: Option<String>,
    reasoning_open: Option<String>,
    blocks: usize,
    tools: Vec<ToolState>,
    done: bool,
    finished: bool,
}

impl OpenAiChatParser {
    fn text(&mut self, delta: &str, out: &mut PartCollector) {
        if delta.is_empty() {
            return;
        }
        self.close_reasoning(out);
        let id = match &self.text_open {
            Some(id) => id.clone(),
            None => {
                let id = format!("text-{}", self.blocks);
                self.blocks += 1;
                out.emit(StreamPart::TextStart {
                    id: id.clone(),
                    provider_metadata: None,
                });
                self.text_open = Some(id.clone());
                id
            }
        };
        out.emit(StreamPart::TextDelta {
            id,
            delta: delta.to_string(),
        });
    }

    fn reasoning(&mut self, delta: &str, out: &mut PartCollector) {
        if delta.is_empty() {
            return;
        }
        self.close_text(out);
        let id = match &self.reasoning_open {
            Some(id) => id.clone(),
            None => {
                let id = format!("reasoning-{}", self.blocks);
                self.blocks += 1;
                out.emit(StreamPart::ReasoningStart {
                    id: id.clone(),
                    provider_metadata: None,
                });
                self.reasoning_open = Some(id.clone());
                id
            }
        };
        out.emit(StreamPart::ReasoningDelta {
            id,
            delta: delta.to_string(),
        });
    }

    fn close_text(&mut self, out: &mut PartCollector) {
        if let Some(id) = self.text_open.take() {
            out.emit(StreamPart::TextEnd {
                id,
                provider_metadata: None,
            });
        }
    }

    fn close_reasoning(&mut self, out: &mut PartCollector) {
        if let Some(id) = self.reasoning_open.take() {
            out.emit(StreamPart::ReasoningEnd {
                id,
                provider_metadata: None,
            });
        }
    }

    fn tool_delta(&mut self, position: usize, call: &Value, out: &mut PartCollector) {
        // Mistral sends no `index`: its calls are told apart by position and id.
        let index = call
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(position as u64);
        let id = str_at(call, &["id"]).filter(|id| !id.is_empty());
        let existing = self.tools.iter().position(|tool| {
            tool.index == index && !tool.done && id.is_none_or(|id| id == tool.id)
        });
        let slot = match existing {
            Some(slot) => slot,
            None => {
                self.close_reasoning(out);
                self.close_text(out);
                let name = str_at(call, &["function", "name"])
                    .unwrap_or_default()
                    .to_string();
                let id = id.map_or_else(
                    || format!("call-{}-{}", self.tools.len(), index),
                    str::to_string,
                );
                out.emit(StreamPart::ToolInputStart {
                    id: id.clone(),
                    tool_name: name.clone(),
                    provider_executed: None,
                });
                self.tools.push(ToolState {
                    index,
                    id,
                    name,
                    arguments: String::new(),
                    done: false,
                });
                self.tools.len() - 1
            }
        };
        if let Some(fragment) = str_at(call, &["function", "arguments"]).filter(|f| !f.is_empty()) {
            let tool = &mut self.tools[slot];
            tool.arguments.push_str(fragment);
            out.emit(StreamPart::ToolInputDelta {
                id: tool.id.clone(),
                delta: fragment.to_string(),
            });
        }
    }

    fn flush_tools(&mut self, complete: bool, out: &mut PartCollector) {
        for tool in self.tools.iter_mut().filter(|tool| !tool.done) {
            tool.done = true;
            out.emit(StreamPart::ToolInputEnd {
                id: tool.id.clone(),
            });
            if !complete {
                continue;
            }
            out.emit(StreamPart::ToolCall {
                tool_call_id: tool.id.clone(),
                tool_name: tool.name.clone(),
                input: parse_tool_input(&tool.arguments),
                provider_executed: None,
                provider_metadata: None,
            });
        }
    }

    fn content(&mut self, content: &Value, out: &mut PartCollector) {
        match content {
            Value::String(text) => self.text(text, out),
            Value::Array(parts) => {
                for part in parts {
                    match str_at(part, &["type"]) {
                        Some("text") => self.text(str_at(part, &["text"]).unwrap_or_default(), out),
                        Some("thinking") => {
                            let thinking = part.get("thinking");
                            if let Some(Value::Array(pieces)) = thinking {
                                for piece in pieces {
                                    self.reasoning(
                                        str_at(piece, &["text"]).unwrap_or_default(),
                                        out,
                                    );
                                }
                            } else if let Some(Value::String(text)) = thinking {
                                self.reasoning(text, out);
                            }
                        }
                        _ => pass_raw(part, out),
                    }
                }
            }
            _ => {}
        }
    }
}

/// Chat-completions usage → normalized usage (also used for Groq's `x_groq.usage`).
pub fn convert_usage(usage: &Value) -> Usage {
    let input = u64_at(usage, &["prompt_tokens"]).unwrap_or(0);
    let completion = u64_at(usage, &["completion_tokens"]).unwrap_or(0);
    let reasoning = u64_at(usage, &["completion_tokens_details", "reasoning_tokens"]).unwrap_or(0);
    let total = u64_at(usage, &["total_tokens"]);
    // xAI counts reasoning outside completion_tokens (total = prompt + completion + reasoning).
    let output = if reasoning > 0 && total == Some(input + completion + reasoning) {
        completion + reasoning
    } else {
        completion
    };
    let cached = u64_at(usage, &["prompt_tokens_details", "cached_tokens"])
        .or_else(|| u64_at(usage, &["prompt_cache_hit_tokens"]))
        .unwrap_or(0);
    let cache_write = u64_at(usage, &["prompt_tokens_details", "cache_write_tokens"])
        .or_else(|| u64_at(usage, &["cache_creation_input_tokens"]))
        .unwrap_or(0);
    Usage {
        input_tokens: input,
        output_tokens: output,
        reasoning_tokens: reasoning,
        cached_input_tokens: cached,
        cache_write_tokens: cache_write,
    }
}

pub fn map_finish_reason(reason: &str) -> FinishReason {
    match reason {
        "stop" | "end_turn" => FinishReason::Stop,
        "length" | "max_tokens" => FinishReason::Length,
        "content_filter" => FinishReason::ContentFilter,
        "tool_calls" | "function_call" | "tool_use" => FinishReason::ToolCalls,
        _ => FinishReason::Other,
    }
}

impl StreamParser for OpenAiChatParser {
    fn on_event(&mut self, event: &WireEvent, out: &mut PartCollector) {
        if event.data.trim() == "[DONE]" {
            self.done = true;
            return;
        }
        let Some(chunk) = parse_json(event, out) else {
            return;
        };
        if chunk.get("error").is_some_and(|e| !e.is_null()) {
            out.fail(classify_stream_error(&chunk));
            return;
        }
        if let Some(id) = str_at(&chunk, &["id"]) {
            out.set_response_id(id);
        }
        if let Some(model) = str_at(&chunk, &["model"]) {
            out.set_model_id(model);
        }
        let choices = chunk
            .get("choices")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if choices.is_empty()
            && chunk.get("usage").is_none_or(Value::is_null)
            && chunk.get("choices").is_none()
        {
            pass_raw(&chunk, out);
            return;
        }
        if let Some(choice) = choices.first() {
            if let Some(delta) = choice.get("delta") {
                for key in ["reasoning_content", "reasoning"] {
                    if let Some(text) = str_at(delta, &[key]) {
                        self.reasoning(text, out);
                    }
                }
                if let Some(content) = delta.get("content") {
                    self.content(content, out);
                }
                if let Some(Value::Array(calls)) = delta.get("tool_calls") {
                    for (position, call) in calls.iter().enumerate() {
                        self.tool_delta(position, call, out);
                    }
                }
            }
            if let Some(reason) = str_at(choice, &["finish_reason"]) {
                self.close_reasoning(out);
                self.close_text(out);
                self.flush_tools(true, out);
                out.set_finish_reason(map_finish_reason(reason));
                self.finished = true;
            }
        }
        let usage = chunk.get("usage").filter(|u| u.is_object()).or_else(|| {
            chunk
                .get("x_groq")
                .and_then(|x| x.get("usage"))
                .filter(|u| u.is_object())
        });
        if let Some(usage) = usage {
            out.set_usage(convert_usage(usage));
        }
    }

    fn close(&mut self, complete: bool, out: &mut PartCollector) {
        self.close_reasoning(out);
        self.close_text(out);
        self.flush_tools(complete, out);
    }

    fn is_complete(&self) -> bool {
        self.done || self.finished
    }
}
