//! Anthropic Messages stream: `message_start` / `content_block_*` / `message_delta` / `message_stop`, with
//! thinking + signature, redacted thinking, tool use with partial JSON, server tools and their results,
//! citations as sources, cache usage, and the `message_delta` usage correction.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::collector::{PartCollector, parse_tool_input};
use super::error::classify_stream_error;
use super::types::{FinishReason, ProviderOptions, StreamPart, Usage, provider_meta};
use super::{StreamParser, WireEvent, parse_json, pass_raw, str_at, u64_at};

#[derive(Debug)]
enum Block {
    Text,
    Reasoning {
        signature: Option<String>,
        redacted: Option<String>,
    },
    Tool {
        id: String,
        name: String,
        json: String,
        initial: Value,
        provider_executed: bool,
    },
    Other,
}

#[derive(Debug, Default)]
struct RawUsage {
    input: u64,
    output: u64,
    cache_read: u64,
    cache_write: u64,
}

impl RawUsage {
    fn update(&mut self, usage: &Value) {
        if let Some(n) = u64_at(usage, &["input_tokens"]) {
            self.input = n;
        }
        if let Some(n) = u64_at(usage, &["output_tokens"]) {
            self.output = n;
        }
        if let Some(n) = u64_at(usage, &["cache_read_input_tokens"]) {
            self.cache_read = n;
        }
        if let Some(n) = u64_at(usage, &["cache_creation_input_tokens"]) {
            self.cache_write = n;
        }
    }

    fn normalized(&self) -> Usage {
        Usage {
            input_tokens: self.input + self.cache_read + self.cache_write,
            output_tokens: self.output,
            reasoning_tokens: 0,
            cached_input_tokens: self.cache_read,
            cache_write_tokens: self.cache_write,
        }
    }
}

#[derive(Debug, Default)]
pub struct AnthropicParser {
    blocks: HashMap<u64, Block>,
    /// Server tool names by id, to name their results.
    server_tools: HashMap<String, String>,
    usage: RawUsage,
    sources: usize,
    stopped: bool,
}

pub fn map_stop_reason(reason: &str) -> FinishReason {
    match reason {
        "end_turn" | "stop_sequence" | "pause_turn" => FinishReason::Stop,
        "max_tokens" | "model_context_window_exceeded" => FinishReason::Length,
        "tool_use" => FinishReason::ToolCalls,
        "refusal" => FinishReason::ContentFilter,
        _ => FinishReason::Other,
    }
}

fn block_id(index: u64) -> String {
    index.to_string()
}

impl AnthropicParser {
    fn block_start(&mut self, index: u64, block: &Value, out: &mut PartCollector) {
        let id = block_id(index);
        let kind = str_at(block, &["type"]).unwrap_or_default();
        let state = match kind {
            "text" => {
                out.emit(StreamPart::TextStart {
                    id: id.clone(),
                    provider_metadata: None,
                });
                if let Some(text) = str_at(block, &["text"]).filter(|t| !t.is_empty()) {
                    out.emit(StreamPart::TextDelta {
                        id,
                        delta: text.to_string(),
                    });
                }
                Block::Text
            }
            "thinking" => {
                out.emit(StreamPart::ReasoningStart {
                    id: id.clone(),
                    provider_metadata: None,
                });
                if let Some(text) = str_at(block, &["thinking"]).filter(|t| !t.is_empty()) {
                    out.emit(StreamPart::ReasoningDelta {
                        id,
                        delta: text.to_string(),
                    });
                }
                let signature = str_at(block, &["signature"])
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
                Block::Reasoning {
                    signature,
                    redacted: None,
                }
            }
            "redacted_thinking" => {
                let data = str_at(block, &["data"]).unwrap_or_default().to_string();
                out.emit(StreamPart::ReasoningStart {
                    id,
                    provider_metadata: Some(provider_meta(
                        "anthropic",
                        "redactedData",
                        data.clone(),
                    )),
                });
                Block::Reasoning {
                    signature: None,
                    redacted: Some(data),
                }
            }
            "tool_use" | "server_tool_use" | "mcp_tool_use" => {
                let provider_executed = kind != "tool_use";
                let tool_id = str_at(block, &["id"]).unwrap_or_default().to_string();
                let name = str_at(block, &["name"]).unwrap_or_default().to_string();
                if provider_executed {
                    self.server_tools.insert(tool_id.clone(), name.clone());
                }
                out.emit(StreamPart::ToolInputStart {
                    id: tool_id.clone(),
                    tool_name: name.clone(),
                    provider_executed: provider_executed.then_some(true),
                });
                Block::Tool {
                    id: tool_id,
                    name,
                    json: String::new(),
                    initial: block.get("input").cloned().unwrap_or_else(|| json!({})),
                    provider_executed,
                }
            }
            other if other.ends_with("_tool_result") => {
                let tool_call_id = str_at(block, &["tool_use_id"])
                    .unwrap_or_default()
                    .to_string();
                let tool_name = self
                    .server_tools
                    .get(&tool_call_id)
                    .cloned()
                    .unwrap_or_else(|| other.trim_end_matches("_tool_result").to_string());
                let content = block.get("content").cloned().unwrap_or(Value::Null);
                out.emit(StreamPart::ToolResult {
                    tool_call_id,
                    tool_name,
                    output: content.clone(),
                    provider_executed: true,
                });
                if other == "web_search_tool_result" {
                    self.search_results(&content, out);
                }
                Block::Other
            }
            _ => {
                pass_raw(
                    &json!({"type": "content_block_start", "index": index, "content_block": block}),
                    out,
                );
                Block::Other
            }
        };
        self.blocks.insert(index, state);
    }

    fn block_delta(&mut self, index: u64, delta: &Value, out: &mut PartCollector) {
        let id = block_id(index);
        match (
            str_at(delta, &["type"]).unwrap_or_default(),
            self.blocks.get_mut(&index),
        ) {
            ("text_delta", _) => {
                let text = str_at(delta, &["text"]).unwrap_or_default();
                if !text.is_empty() {
                    out.emit(StreamPart::TextDelta {
                        id,
                        delta: text.to_string(),
                    });
                }
            }
            ("thinking_delta", _) => {
                let text = str_at(delta, &["thinking"]).unwrap_or_default();
                if !text.is_empty() {
                    out.emit(StreamPart::ReasoningDelta {
                        id,
                        delta: text.to_string(),
                    });
                }
            }
            ("signature_delta", Some(Block::Reasoning { signature, .. })) => {
                let piece = str_at(delta, &["signature"]).unwrap_or_default();
                signature.get_or_insert_with(String::new).push_str(piece);
            }
            (
                "input_json_delta",
                Some(Block::Tool {
                    id: tool_id, json, ..
                }),
            ) => {
                let piece = str_at(delta, &["partial_json"]).unwrap_or_default();
                if !piece.is_empty() {
                    json.push_str(piece);
                    out.emit(StreamPart::ToolInputDelta {
                        id: tool_id.clone(),
                        delta: piece.to_string(),
                    });
                }
            }
            ("citations_delta", _) => {
                if let Some(citation) = delta.get("citation") {
                    self.citation(citation, out);
                }
            }
            _ => pass_raw(
                &json!({"type": "content_block_delta", "index": index, "delta": delta}),
                out,
            ),
        }
    }

    fn next_source_id(&mut self) -> String {
        let id = format!("source-{}", self.sources);
        self.sources += 1;
        id
    }

    /// A source per page a web search found (the AI SDK's), its age in the metadata.
    fn search_results(&mut self, content: &Value, out: &mut PartCollector) {
        let results = content.as_array().into_iter().flatten();
        for result in results.filter(|r| str_at(r, &["type"]) == Some("web_search_result")) {
            let page_age = result.get("page_age").cloned().unwrap_or(Value::Null);
            let id = self.next_source_id();
            out.emit(StreamPart::url_source(
                id,
                str_at(result, &["url"]).map(str::to_string),
                str_at(result, &["title"]).map(str::to_string),
                Some(provider_meta("anthropic", "pageAge", page_age)),
            ));
        }
    }

    fn citation(&mut self, citation: &Value, out: &mut PartCollector) {
        let url = str_at(citation, &["url"]).map(str::to_string);
        let title = str_at(citation, &["title"])
            .or_else(|| str_at(citation, &["document_title"]))
            .map(str::to_string);
        let mut meta = Map::new();
        if let Some(text) = str_at(citation, &["cited_text"]) {
            meta.insert("citedText".into(), Value::String(text.to_string()));
        }
        if let Some(kind) = str_at(citation, &["type"]) {
            meta.insert("citationType".into(), Value::String(kind.to_string()));
        }
        let mut provider_metadata = ProviderOptions::new();
        provider_metadata.insert("anthropic".into(), Value::Object(meta));
        let id = self.next_source_id();
        out.emit(match url {
            Some(url) => StreamPart::url_source(id, Some(url), title, Some(provider_metadata)),
            None => StreamPart::document_source(id, title, None, None, Some(provider_metadata)),
        });
    }

    fn block_stop(&mut self, index: u64, complete: bool, out: &mut PartCollector) {
        let id = block_id(index);
        match self.blocks.remove(&index) {
            Some(Block::Text) => out.emit(StreamPart::TextEnd {
                id,
                provider_metadata: None,
            }),
            Some(Block::Reasoning {
                signature,
                redacted,
            }) => {
                let provider_metadata = match (signature, redacted) {
                    (Some(signature), _) => {
                        Some(provider_meta("anthropic", "signature", signature))
                    }
                    (None, Some(data)) => Some(provider_meta("anthropic", "redactedData", data)),
                    (None, None) => None,
                };
                out.emit(StreamPart::ReasoningEnd {
                    id,
                    provider_metadata,
                });
            }
            Some(Block::Tool {
                id: tool_id,
                name,
                json,
                initial,
                provider_executed,
            }) => {
                out.emit(StreamPart::ToolInputEnd {
                    id: tool_id.clone(),
                });
                if complete {
                    let input = if json.trim().is_empty() {
                        initial
                    } else {
                        parse_tool_input(&json)
                    };
                    out.emit(StreamPart::ToolCall {
                        tool_call_id: tool_id,
                        tool_name: name,
                        input,
                        provider_executed: provider_executed.then_some(true),
                        provider_metadata: None,
                    });
                }
            }
            Some(Block::Other) | None => {}
        }
    }
}

impl StreamParser for AnthropicParser {
    fn on_event(&mut self, event: &WireEvent, out: &mut PartCollector) {
        let Some(value) = parse_json(event, out) else {
            return;
        };
        let index = u64_at(&value, &["index"]).unwrap_or(0);
        match str_at(&value, &["type"])
            .or(event.name.as_deref())
            .unwrap_or_default()
        {
            "message_start" => {
                let message = value.get("message").unwrap_or(&Value::Null);
                if let Some(id) = str_at(message, &["id"]) {
                    out.set_response_id(id);
                }
                if let Some(model) = str_at(message, &["model"]) {
                    out.set_model_id(model);
                }
                if let Some(usage) = message.get("usage") {
                    self.usage.update(usage);
                    out.set_usage(self.usage.normalized());
                }
            }
            "content_block_start" => {
                let block = value.get("content_block").cloned().unwrap_or(Value::Null);
                self.block_start(index, &block, out);
            }
            "content_block_delta" => {
                let delta = value.get("delta").cloned().unwrap_or(Value::Null);
                self.block_delta(index, &delta, out);
            }
            "content_block_stop" => self.block_stop(index, true, out),
            "message_delta" => {
                let delta = value.get("delta").unwrap_or(&Value::Null);
                if let Some(reason) = str_at(delta, &["stop_reason"]) {
                    out.set_finish_reason(map_stop_reason(reason));
                    out.add_provider_metadata(&provider_meta("anthropic", "stopReason", reason));
                }
                if let Some(sequence) = str_at(delta, &["stop_sequence"]) {
                    out.add_provider_metadata(&provider_meta(
                        "anthropic",
                        "stopSequence",
                        sequence,
                    ));
                }
                if let Some(details) = delta.get("stop_details").filter(|d| !d.is_null()) {
                    out.add_provider_metadata(&provider_meta(
                        "anthropic",
                        "stopDetails",
                        details.clone(),
                    ));
                }
                if let Some(usage) = value.get("usage") {
                    self.usage.update(usage);
                    out.set_usage(self.usage.normalized());
                    // Billing details: server tool requests, and per-model iterations after a fallback.
                    for (field, key) in [
                        ("server_tool_use", "serverToolUse"),
                        ("iterations", "iterations"),
                    ] {
                        if let Some(detail) = usage.get(field).filter(|d| !d.is_null()) {
                            out.add_provider_metadata(&provider_meta(
                                "anthropic",
                                key,
                                detail.clone(),
                            ));
                        }
                    }
                }
            }
            "message_stop" => self.stopped = true,
            "ping" => {}
            "error" => out.fail(classify_stream_error(&value)),
            _ => pass_raw(&value, out),
        }
    }

    fn close(&mut self, complete: bool, out: &mut PartCollector) {
        let mut open: Vec<u64> = self.blocks.keys().copied().collect();
        open.sort_unstable();
        for index in open {
            self.block_stop(index, complete, out);
        }
    }

    fn is_complete(&self) -> bool {
        self.stopped
    }
}
