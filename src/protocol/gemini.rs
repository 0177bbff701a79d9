//! Gemini `streamGenerateContent?alt=sse`: text and thought parts, thought signatures (kept on the block
//! they close, for round-trips), whole function calls and calls streamed as `partialArgs`, grounding
//! sources, `usageMetadata`.

use serde_json::{Map, Value};

use super::collector::PartCollector;
use super::error::classify_stream_error;
use super::types::{FinishReason, StreamPart, Usage, provider_meta};
use super::{StreamParser, WireEvent, parse_json, pass_raw, str_at, u64_at};

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum BlockKind {
    Text,
    Reasoning,
}

#[derive(Debug)]
struct OpenBlock {
    kind: BlockKind,
    id: String,
    signature: Option<String>,
}

#[derive(Debug)]
struct StreamedCall {
    id: String,
    name: String,
    args: Value,
    signature: Option<String>,
}

#[derive(Debug, Default)]
pub struct GeminiParser {
    block: Option<OpenBlock>,
    blocks: usize,
    calls: usize,
    streamed: Option<StreamedCall>,
    response_id: Option<String>,
    saw_call: bool,
    sources: usize,
    finished: bool,
}

pub fn convert_usage(usage: &Value) -> Usage {
    let thoughts = u64_at(usage, &["thoughtsTokenCount"]).unwrap_or(0);
    Usage {
        input_tokens: u64_at(usage, &["promptTokenCount"]).unwrap_or(0),
        output_tokens: u64_at(usage, &["candidatesTokenCount"]).unwrap_or(0) + thoughts,
        reasoning_tokens: thoughts,
        cached_input_tokens: u64_at(usage, &["cachedContentTokenCount"]).unwrap_or(0),
        cache_write_tokens: 0,
    }
}

fn map_finish_reason(reason: &str, saw_call: bool) -> FinishReason {
    match reason {
        "STOP" if saw_call => FinishReason::ToolCalls,
        "STOP" => FinishReason::Stop,
        "MAX_TOKENS" => FinishReason::Length,
        "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY" => {
            FinishReason::ContentFilter
        }
        "MALFORMED_FUNCTION_CALL" | "UNEXPECTED_TOOL_CALL" => FinishReason::Error,
        _ => FinishReason::Other,
    }
}

/// Writes a `partialArgs` entry into `args` at its `jsonPath` (`$.a.b`, `$.list[0]`); string values
/// with `willContinue` arrive in pieces and are appended.
fn apply_partial_arg(args: &mut Value, partial: &Value) {
    let Some(path) = str_at(partial, &["jsonPath"]) else {
        return;
    };
    let value = [
        "stringValue",
        "numberValue",
        "boolValue",
        "nullValue",
        "structValue",
        "listValue",
    ]
    .iter()
    .find_map(|key| partial.get(*key).map(|v| (*key, v.clone())));
    let Some((key, value)) = value else { return };
    let value = if key == "nullValue" {
        Value::Null
    } else {
        value
    };
    let mut steps = Vec::new();
    for segment in path
        .trim_start_matches('$')
        .split('.')
        .filter(|s| !s.is_empty())
    {
        let (name, rest) = segment.split_once('[').unwrap_or((segment, ""));
        if !name.is_empty() {
            steps.push(Err(name.to_string()));
        }
        for index in rest
            .split('[')
            .filter_map(|i| i.trim_end_matches(']').parse::<usize>().ok())
        {
            steps.push(Ok(index));
        }
    }
    let mut slot = args;
    for step in steps {
        slot = match step {
            Err(name) => {
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                let Value::Object(map) = slot else { return };
                map.entry(name).or_insert(Value::Null)
            }
            Ok(index) => {
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                let Value::Array(list) = slot else { return };
                if list.len() <= index {
                    list.resize(index + 1, Value::Null);
                }
                &mut list[index]
            }
        };
    }
    match (slot, value) {
        (Value::String(existing), Value::String(piece)) if key == "stringValue" => {
            existing.push_str(&piece)
        }
        (slot, value) => *slot = value,
    }
}

impl GeminiParser {
    fn close_block(&mut self, out: &mut PartCollector) {
        if let Some(block) = self.block.take() {
            let provider_metadata = block
                .signature
                .map(|s| provider_meta("google", "thoughtSignature", s));
            out.emit(match block.kind {
                BlockKind::Text => StreamPart::TextEnd {
                    id: block.id,
                    provider_metadata,
                },
                BlockKind::Reasoning => StreamPart::ReasoningEnd {
                    id: block.id,
                    provider_metadata,
                },
            });
        }
    }

    fn text(
        &mut self,
        kind: BlockKind,
        text: &str,
        signature: Option<&str>,
        out: &mut PartCollector,
    ) {
        let reusable = self
            .block
            .as_ref()
            .is_some_and(|b| b.kind == kind && (signature.is_none() || b.signature.is_none()));
        if text.is_empty() && !reusable {
            // An empty part carrying only a signature belongs to the block it follows.
            if let (Some(block), Some(signature)) = (self.block.as_mut(), signature)
                && block.signature.is_none()
            {
                block.signature = Some(signature.to_string());
            }
            return;
        }
        if !reusable {
            self.close_block(out);
            let id = format!(
                "{}-{}",
                if kind == BlockKind::Text {
                    "text"
                } else {
                    "reasoning"
                },
                self.blocks
            );
            self.blocks += 1;
            out.emit(match kind {
                BlockKind::Text => StreamPart::TextStart {
                    id: id.clone(),
                    provider_metadata: None,
                },
                BlockKind::Reasoning => StreamPart::ReasoningStart {
                    id: id.clone(),
                    provider_metadata: None,
                },
            });
            self.block = Some(OpenBlock {
                kind,
                id,
                signature: None,
            });
        }
        let Some(block) = self.block.as_mut() else {
            return;
        };
        if let Some(signature) = signature {
            block.signature = Some(signature.to_string());
        }
        if !text.is_empty() {
            let (id, delta) = (block.id.clone(), text.to_string());
            out.emit(match kind {
                BlockKind::Text => StreamPart::TextDelta { id, delta },
                BlockKind::Reasoning => StreamPart::ReasoningDelta { id, delta },
            });
        }
    }

    fn next_call_id(&mut self) -> String {
        let id = format!(
            "{}-call-{}",
            self.response_id.as_deref().unwrap_or("gemini"),
            self.calls
        );
        self.calls += 1;
        id
    }

    fn emit_call(&mut self, call: StreamedCall, out: &mut PartCollector) {
        let arguments = call.args.to_string();
        out.emit(StreamPart::ToolInputDelta {
            id: call.id.clone(),
            delta: arguments,
        });
        out.emit(StreamPart::ToolInputEnd {
            id: call.id.clone(),
        });
        self.saw_call = true;
        out.emit(StreamPart::ToolCall {
            tool_call_id: call.id,
            tool_name: call.name,
            input: call.args,
            provider_executed: None,
            provider_metadata: call
                .signature
                .map(|s| provider_meta("google", "thoughtSignature", s)),
        });
    }

    fn function_call(&mut self, call: &Value, signature: Option<&str>, out: &mut PartCollector) {
        let name = str_at(call, &["name"]);
        let continues = call
            .get("willContinue")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let partials = call.get("partialArgs").and_then(Value::as_array);
        if let Some(streamed) = self.streamed.as_mut() {
            if let Some(partials) = partials {
                for partial in partials {
                    apply_partial_arg(&mut streamed.args, partial);
                }
            }
            if signature.is_some() && streamed.signature.is_none() {
                streamed.signature = signature.map(str::to_string);
            }
            if name.is_none()
                && !continues
                && let Some(done) = self.streamed.take()
            {
                self.emit_call(done, out);
            }
            if name.is_none() {
                return;
            }
            // A named call while another is streaming: the previous one is complete.
            if let Some(done) = self.streamed.take() {
                self.emit_call(done, out);
            }
        }
        let Some(name) = name else {
            if partials.is_none() && !continues {
                return;
            }
            pass_raw(&serde_json::json!({"functionCall": call}), out);
            return;
        };
        self.close_block(out);
        let id = self.next_call_id();
        out.emit(StreamPart::ToolInputStart {
            id: id.clone(),
            tool_name: name.to_string(),
            provider_executed: None,
        });
        let mut args = call
            .get("args")
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()));
        if let Some(partials) = partials {
            for partial in partials {
                apply_partial_arg(&mut args, partial);
            }
        }
        let state = StreamedCall {
            id,
            name: name.to_string(),
            args,
            signature: signature.map(str::to_string),
        };
        if continues {
            self.streamed = Some(state);
        } else {
            self.emit_call(state, out);
        }
    }

    /// Google Search grounding (and URL context): a source per grounding chunk; the metadata
    /// itself (search queries, the search entry point, supports) in `providerMetadata.google`.
    fn grounding(&mut self, metadata: &Value, out: &mut PartCollector) {
        out.add_provider_metadata(&provider_meta(
            "google",
            "groundingMetadata",
            metadata.clone(),
        ));
        let Some(chunks) = metadata.get("groundingChunks").and_then(Value::as_array) else {
            return;
        };
        for chunk in chunks {
            let Some(web) = chunk.get("web").or_else(|| chunk.get("retrievedContext")) else {
                continue;
            };
            let id = format!("source-{}", self.sources);
            self.sources += 1;
            out.emit(StreamPart::url_source(
                id,
                str_at(web, &["uri"]).map(str::to_string),
                str_at(web, &["title"]).map(str::to_string),
                None,
            ));
        }
    }
}

impl StreamParser for GeminiParser {
    fn on_event(&mut self, event: &WireEvent, out: &mut PartCollector) {
        let Some(chunk) = parse_json(event, out) else {
            return;
        };
        if chunk.get("error").is_some_and(Value::is_object) {
            out.fail(classify_stream_error(&chunk));
            return;
        }
        if let Some(id) = str_at(&chunk, &["responseId"]) {
            self.response_id = Some(id.to_string());
            out.set_response_id(id);
        }
        if let Some(model) = str_at(&chunk, &["modelVersion"]) {
            out.set_model_id(model);
        }
        let candidates = chunk.get("candidates").and_then(Value::as_array);
        if candidates.is_none()
            && chunk.get("usageMetadata").is_none()
            && chunk.get("promptFeedback").is_none()
        {
            pass_raw(&chunk, out);
            return;
        }
        if let Some(candidate) = candidates.and_then(|c| c.first()) {
            let parts = candidate
                .get("content")
                .and_then(|c| c.get("parts"))
                .and_then(Value::as_array);
            for part in parts.into_iter().flatten() {
                let signature = str_at(part, &["thoughtSignature"]);
                if let Some(call) = part.get("functionCall") {
                    self.function_call(call, signature, out);
                } else if let Some(text) = str_at(part, &["text"]) {
                    let thought = part
                        .get("thought")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    let kind = if thought {
                        BlockKind::Reasoning
                    } else {
                        BlockKind::Text
                    };
                    self.text(kind, text, signature, out);
                } else {
                    pass_raw(part, out);
                }
            }
            if let Some(metadata) = candidate.get("groundingMetadata") {
                self.grounding(metadata, out);
            }
            if let Some(metadata) = candidate.get("urlContextMetadata") {
                out.add_provider_metadata(&provider_meta(
                    "google",
                    "urlContextMetadata",
                    metadata.clone(),
                ));
            }
            if let Some(reason) = str_at(candidate, &["finishReason"]) {
                if let Some(done) = self.streamed.take() {
                    self.emit_call(done, out);
                }
                out.set_finish_reason(map_finish_reason(reason, self.saw_call));
                self.finished = true;
            }
        }
        if let Some(reason) = str_at(&chunk, &["promptFeedback", "blockReason"]) {
            out.set_finish_reason(FinishReason::ContentFilter);
            out.add_provider_metadata(&provider_meta("google", "blockReason", reason));
            self.finished = true;
        }
        if let Some(usage) = chunk
            .get("usageMetadata")
            .filter(|u| u.get("promptTokenCount").is_some())
        {
            out.set_usage(convert_usage(usage));
        }
    }

    fn close(&mut self, complete: bool, out: &mut PartCollector) {
        self.close_block(out);
        if let Some(call) = self.streamed.take() {
            if complete {
                self.emit_call(call, out);
            } else {
                out.emit(StreamPart::ToolInputEnd { id: call.id });
            }
        }
    }

    fn is_complete(&self) -> bool {
        self.finished
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn partial_args_build_nested_values() {
        let mut args = json!({});
        apply_partial_arg(
            &mut args,
            &json!({"jsonPath": "$.a.b", "stringValue": "Bo", "willContinue": true}),
        );
        apply_partial_arg(
            &mut args,
            &json!({"jsonPath": "$.a.b", "stringValue": "ston"}),
        );
        apply_partial_arg(
            &mut args,
            &json!({"jsonPath": "$.list[1]", "numberValue": 3}),
        );
        apply_partial_arg(&mut args, &json!({"jsonPath": "$.flag", "boolValue": true}));
        assert_eq!(
            args,
            json!({"a": {"b": "Boston"}, "list": [null, 3], "flag": true})
        );
    }

    /// Google Search grounding. Hand-written after the Gemini API's documented
    /// `groundingMetadata` (the AI SDK holds no recorded grounding stream): each web chunk is a
    /// source, the metadata goes into `providerMetadata.google`.
    #[test]
    fn grounding_chunks_are_sources() {
        let metadata = json!({
            "webSearchQueries": ["tech news today"],
            "searchEntryPoint": {"renderedContent": "<div>chips</div>"},
            "groundingChunks": [
                {"web": {"uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/a", "title": "techcrunch.com"}},
                {"web": {"uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/b", "title": "wired.com"}}
            ],
            "groundingSupports": [{"segment": {"startIndex": 0, "endIndex": 9, "text": "Big news."}, "groundingChunkIndices": [0, 1]}]
        });
        let chunks = [
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Big news."}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": ""}]}, "finishReason": "STOP",
                "groundingMetadata": metadata}],
                "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 3, "totalTokenCount": 8}}),
        ];
        let body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
        let (parts, result) = crate::protocol::execute::parse_body(
            crate::protocol::WireFormat::Gemini,
            body.as_bytes(),
        );
        let sources: Vec<(&str, Option<&str>)> = parts
            .iter()
            .filter_map(|part| match part {
                StreamPart::Source {
                    source_type, title, ..
                } => Some((source_type.as_str(), title.as_deref())),
                _ => None,
            })
            .collect();
        assert_eq!(
            sources,
            [("url", Some("techcrunch.com")), ("url", Some("wired.com"))]
        );
        assert_eq!(
            result.provider_metadata.expect("metadata")["google"]["groundingMetadata"],
            metadata
        );
        assert!(
            result
                .content
                .iter()
                .filter(|p| matches!(p, crate::protocol::Part::Source { .. }))
                .count()
                == 2
        );
    }
}
