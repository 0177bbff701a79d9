//! OpenAI-compatible chat completions stream (`data: {chunk}` … `data: [DONE]`): content, `reasoning_content`
//! / `reasoning` deltas, Mistral's typed content arrays, tool calls by index in fragments, the usage-only last
//! chunk, Groq's `x_groq.usage`, DeepSeek's cache fields.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::collector::{PartCollector, parse_tool_input};
use super::error::classify_stream_error;
use super::types::{FinishReason, StreamPart, Usage};
use super::{StreamParser, WireEvent, parse_json, pass_raw, str_at, u64_at};

/// The common chunk, read without building a `Value` tree (most of the cost of a text delta): string
/// `content` / `reasoning_content` / `reasoning` deltas, a string `finish_reason`, an object `usage`.
/// A chunk that does not fit (typed content arrays, tool calls, an error, Groq's `x_groq`, no
/// `choices`, a field of another type) fails this parse or [`FastChunk::fits`] and takes the general
/// path, which has the same outcome for the chunks that fit.
#[derive(Deserialize)]
struct FastChunk<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow)]
    choices: Vec<FastChoice<'a>>,
    #[serde(default)]
    usage: Option<Value>,
    #[serde(borrow, default)]
    error: Option<&'a RawValue>,
    #[serde(borrow, default)]
    x_groq: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct FastChoice<'a> {
    #[serde(borrow, default)]
    delta: Option<FastDelta<'a>>,
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct FastDelta<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reasoning_content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reasoning: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tool_calls: Option<&'a RawValue>,
}

impl FastChunk<'_> {
    fn fits(&self) -> bool {
        self.error.is_none()
            && self.x_groq.is_none()
            && self
                .choices
                .first()
                .and_then(|choice| choice.delta.as_ref())
                .is_none_or(|delta| delta.tool_calls.is_none())
    }
}

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

impl OpenAiChatParser {
    /// The general path of [`StreamParser::on_event`] for a chunk that fits [`FastChunk`], in the same order.
    fn on_fast_chunk(&mut self, chunk: &FastChunk, out: &mut PartCollector) {
        if let Some(id) = &chunk.id {
            out.set_response_id(id);
        }
        if let Some(model) = &chunk.model {
            out.set_model_id(model);
        }
        if let Some(choice) = chunk.choices.first() {
            if let Some(delta) = &choice.delta {
                for text in [&delta.reasoning_content, &delta.reasoning]
                    .into_iter()
                    .flatten()
                {
                    self.reasoning(text, out);
                }
                if let Some(content) = &delta.content {
                    self.text(content, out);
                }
            }
            if let Some(reason) = &choice.finish_reason {
                self.finish(reason, out);
            }
        }
        if let Some(usage) = chunk.usage.as_ref().filter(|u| u.is_object()) {
            out.set_usage(convert_usage(usage));
        }
    }

    fn finish(&mut self, reason: &str, out: &mut PartCollector) {
        self.close_reasoning(out);
        self.close_text(out);
        self.flush_tools(true, out);
        out.set_finish_reason(map_finish_reason(reason));
        self.finished = true;
    }
}

impl StreamParser for OpenAiChatParser {
    fn on_event(&mut self, event: &WireEvent, out: &mut PartCollector) {
        if event.data.trim() == "[DONE]" {
            self.done = true;
            return;
        }
        if let Ok(chunk) = serde_json::from_str::<FastChunk>(&event.data)
            && chunk.fits()
        {
            self.on_fast_chunk(&chunk, out);
            return;
        }
        self.on_value_chunk(event, out);
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

impl OpenAiChatParser {
    /// The general path: any chunk, as a `Value`.
    fn on_value_chunk(&mut self, event: &WireEvent, out: &mut PartCollector) {
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
                self.finish(reason, out);
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::testing::{fixture_lines, fixtures_dir};

    /// Runs `chunks` through a parser, with the fast path when `fast`, else only the general path
    /// (`[DONE]` aside); returns every part and the final result.
    fn run(chunks: &[String], fast: bool) -> (Vec<StreamPart>, crate::protocol::ChatResult) {
        let mut parser = OpenAiChatParser::default();
        let mut out = PartCollector::new();
        let mut parts = Vec::new();
        for chunk in chunks {
            let event = WireEvent::data(None, chunk);
            if fast || chunk == "[DONE]" {
                parser.on_event(&event, &mut out);
            } else {
                parser.on_value_chunk(&event, &mut out);
            }
            parts.extend(out.take_parts());
        }
        parser.close(parser.is_complete(), &mut out);
        out.finish();
        parts.extend(out.take_parts());
        (parts, out.result())
    }

    #[test]
    fn fast_path_matches_the_general_path() {
        let mut streams: Vec<Vec<String>> = Vec::new();
        let folder = fixtures_dir().join("openai-chat");
        for entry in std::fs::read_dir(&folder).expect("fixture folder") {
            let path = entry.expect("entry").path();
            if path.to_string_lossy().ends_with(".chunks.txt") {
                let text = std::fs::read_to_string(&path).expect("fixture");
                streams.push(
                    fixture_lines(&text)
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                );
            }
        }
        assert!(streams.len() >= 5, "the recorded streams are there");
        let handmade = [
            r#"{"id":"a","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#,
            r#"{"id":"a","choices":[{"delta":{"reasoning_content":"think \"hard\" \u00e9"},"logprobs":null}]}"#,
            r#"{"id":"a","choices":[{"delta":{"reasoning":"more","content":null}}]}"#,
            r#"{"id":"a","choices":[{"delta":{"content":"line\nbreak 🙂"}}],"system_fingerprint":"x"}"#,
            r#"{"id":"a","choices":[{"delta":{"content":[{"type":"text","text":"typed"}]}}]}"#,
            r#"{"id":"a","choices":[{"delta":{"content":"x"}},{"delta":{"content":7}}]}"#,
            r#"{"id":"a","choices":[{"delta":{"tool_calls":[{"index":0,"id":"t","function":{"name":"f","arguments":"{}"}}]}}]}"#,
            r#"{"id":7,"choices":[{"delta":null,"finish_reason":null}]}"#,
            r#"{"choices":[{"delta":{},"finish_reason":"length"}],"usage":null}"#,
            r#"{"id":"a","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#,
            r#"{"id":"a","choices":[],"x_groq":{"usage":{"prompt_tokens":1,"completion_tokens":1}}}"#,
            r#"{"object":"unknown.event"}"#,
            r#"{"choices":null}"#,
            "not json",
            r#"{"error":{"message":"overloaded","type":"server_error"}}"#,
            "[DONE]",
        ];
        streams.push(handmade.iter().map(|c| c.to_string()).collect());
        // Each handmade chunk on its own too, so an early error or finish does not hide later ones.
        streams.extend(handmade.iter().map(|c| vec![c.to_string()]));
        for stream in &streams {
            assert_eq!(run(stream, true), run(stream, false), "stream {stream:?}");
        }
    }
}
