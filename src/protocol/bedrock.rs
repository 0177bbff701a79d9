//! Bedrock ConverseStream (AWS event-stream frames, one JSON payload each): text, reasoning content with
//! signature or redacted content, tool use with streamed input, `messageStop`, `metadata` usage, and the
//! exception events.

use std::collections::HashMap;

use serde_json::Value;

use super::collector::{PartCollector, parse_tool_input};
use super::error::{FailureKind, ProviderFailure};
use super::types::{FinishReason, StreamPart, Usage, provider_meta};
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
        input: String,
    },
}

#[derive(Debug, Default)]
pub struct BedrockParser {
    blocks: HashMap<u64, Block>,
    stopped: bool,
}

pub fn convert_usage(usage: &Value) -> Usage {
    let read = u64_at(usage, &["cacheReadInputTokens"]).unwrap_or(0);
    let write = u64_at(usage, &["cacheWriteInputTokens"]).unwrap_or(0);
    Usage {
        input_tokens: u64_at(usage, &["inputTokens"]).unwrap_or(0) + read + write,
        output_tokens: u64_at(usage, &["outputTokens"]).unwrap_or(0),
        reasoning_tokens: 0,
        cached_input_tokens: read,
        cache_write_tokens: write,
    }
}

fn map_stop_reason(reason: &str) -> FinishReason {
    match reason {
        "end_turn" | "stop_sequence" => FinishReason::Stop,
        "max_tokens" | "model_context_window_exceeded" => FinishReason::Length,
        "tool_use" => FinishReason::ToolCalls,
        "content_filtered" | "guardrail_intervened" => FinishReason::ContentFilter,
        _ => FinishReason::Other,
    }
}

fn exception_failure(name: &str, payload: &Value) -> ProviderFailure {
    let message = str_at(payload, &["message"])
        .or(str_at(payload, &["Message"]))
        .unwrap_or(name)
        .to_string();
    let (kind, retryable) = match name {
        "throttlingException" | "ThrottlingException" => (FailureKind::RateLimited, true),
        "validationException" | "ValidationException" => {
            if super::error::is_context_overflow_message(&message) {
                (FailureKind::ContextOverflow, false)
            } else {
                (FailureKind::BadRequest, false)
            }
        }
        "accessDeniedException" | "AccessDeniedException" => (FailureKind::Auth, false),
        _ => (FailureKind::ProviderServer, true),
    };
    let mut failure = ProviderFailure::new(kind, None, message, retryable);
    failure.code = Some(name.to_string());
    failure
}

impl BedrockParser {
    fn ensure(&mut self, index: u64, wanted: &Value, out: &mut PartCollector) {
        if self.blocks.contains_key(&index) {
            return;
        }
        let id = index.to_string();
        let block = if wanted.get("reasoningContent").is_some() {
            out.emit(StreamPart::ReasoningStart {
                id,
                provider_metadata: None,
            });
            Block::Reasoning {
                signature: None,
                redacted: None,
            }
        } else {
            out.emit(StreamPart::TextStart {
                id,
                provider_metadata: None,
            });
            Block::Text
        };
        self.blocks.insert(index, block);
    }

    fn stop_block(&mut self, index: u64, complete: bool, out: &mut PartCollector) {
        let id = index.to_string();
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
                    (Some(signature), _) => Some(provider_meta("bedrock", "signature", signature)),
                    (None, Some(data)) => Some(provider_meta("bedrock", "redactedData", data)),
                    (None, None) => None,
                };
                out.emit(StreamPart::ReasoningEnd {
                    id,
                    provider_metadata,
                });
            }
            Some(Block::Tool { id, name, input }) => {
                out.emit(StreamPart::ToolInputEnd { id: id.clone() });
                if complete {
                    out.emit(StreamPart::ToolCall {
                        tool_call_id: id,
                        tool_name: name,
                        input: parse_tool_input(&input),
                        provider_executed: None,
                        provider_metadata: None,
                    });
                }
            }
            None => {}
        }
    }

    fn delta(&mut self, index: u64, delta: &Value, out: &mut PartCollector) {
        if let Some(Block::Tool { id, input, .. }) = self.blocks.get_mut(&index) {
            if let Some(piece) = str_at(delta, &["toolUse", "input"]).filter(|p| !p.is_empty()) {
                input.push_str(piece);
                out.emit(StreamPart::ToolInputDelta {
                    id: id.clone(),
                    delta: piece.to_string(),
                });
            }
            return;
        }
        self.ensure(index, delta, out);
        let id = index.to_string();
        if let Some(text) = str_at(delta, &["text"]) {
            if !text.is_empty() {
                out.emit(StreamPart::TextDelta {
                    id,
                    delta: text.to_string(),
                });
            }
        } else if let Some(reasoning) = delta.get("reasoningContent") {
            if let Some(text) = str_at(reasoning, &["text"]).filter(|t| !t.is_empty()) {
                out.emit(StreamPart::ReasoningDelta {
                    id,
                    delta: text.to_string(),
                });
            }
            if let Some(Block::Reasoning {
                signature,
                redacted,
            }) = self.blocks.get_mut(&index)
            {
                if let Some(piece) = str_at(reasoning, &["signature"]) {
                    signature.get_or_insert_with(String::new).push_str(piece);
                }
                if let Some(data) = str_at(reasoning, &["redactedContent"]) {
                    redacted.get_or_insert_with(String::new).push_str(data);
                }
            }
        } else {
            pass_raw(
                &serde_json::json!({"contentBlockDelta": {"contentBlockIndex": index, "delta": delta}}),
                out,
            );
        }
    }
}

impl StreamParser for BedrockParser {
    fn on_event(&mut self, event: &WireEvent, out: &mut PartCollector) {
        let Some(payload) = parse_json(event, out) else {
            return;
        };
        let name = event.name.as_deref().unwrap_or_default();
        if event.exception {
            out.fail(exception_failure(name, &payload));
            return;
        }
        let index = u64_at(&payload, &["contentBlockIndex"]).unwrap_or(0);
        match name {
            "messageStart" => {}
            "contentBlockStart" => {
                if let Some(tool) = payload.get("start").and_then(|s| s.get("toolUse")) {
                    let id = str_at(tool, &["toolUseId"]).unwrap_or_default().to_string();
                    let name = str_at(tool, &["name"]).unwrap_or_default().to_string();
                    out.emit(StreamPart::ToolInputStart {
                        id: id.clone(),
                        tool_name: name.clone(),
                        provider_executed: None,
                    });
                    self.blocks.insert(
                        index,
                        Block::Tool {
                            id,
                            name,
                            input: String::new(),
                        },
                    );
                }
            }
            "contentBlockDelta" => {
                let delta = payload.get("delta").cloned().unwrap_or(Value::Null);
                self.delta(index, &delta, out);
            }
            "contentBlockStop" => self.stop_block(index, true, out),
            "messageStop" => {
                if let Some(reason) = str_at(&payload, &["stopReason"]) {
                    out.set_finish_reason(map_stop_reason(reason));
                    out.add_provider_metadata(&provider_meta("bedrock", "stopReason", reason));
                }
                self.stopped = true;
            }
            "metadata" => {
                if let Some(usage) = payload.get("usage") {
                    out.set_usage(convert_usage(usage));
                }
                if let Some(trace) = payload.get("trace") {
                    out.add_provider_metadata(&provider_meta("bedrock", "trace", trace.clone()));
                }
            }
            other if other.ends_with("Exception") => out.fail(exception_failure(other, &payload)),
            _ => pass_raw(&serde_json::json!({ name: payload }), out),
        }
    }

    fn close(&mut self, complete: bool, out: &mut PartCollector) {
        let mut open: Vec<u64> = self.blocks.keys().copied().collect();
        open.sort_unstable();
        for index in open {
            self.stop_block(index, complete, out);
        }
    }

    fn is_complete(&self) -> bool {
        self.stopped
    }
}
