//! OpenAI Responses stream (OpenAI, Azure, Copilot): output items keyed by `output_index` (Copilot rotates
//! item ids between events of one item), reasoning summaries with encrypted content, function and custom
//! tool calls with argument deltas, URL citations, usage in `response.completed`, in-stream `error` and
//! `response.failed`.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::collector::{PartCollector, parse_tool_input};
use super::error::classify_stream_error;
use super::types::{FinishReason, ProviderOptions, StreamPart, Usage, provider_meta};
use super::{StreamParser, WireEvent, parse_json, pass_raw, str_at, u64_at};

#[derive(Debug)]
enum Item {
    Message {
        id: String,
    },
    Reasoning {
        item_id: String,
        open: Vec<String>,
        encrypted: Option<String>,
    },
    Tool {
        call_id: String,
        name: String,
        arguments: String,
        custom: bool,
        item_id: String,
    },
    /// A tool the provider runs (web search, file search): its call is reported when the item
    /// starts, its result when it is done.
    ServerTool {
        id: String,
        name: &'static str,
    },
}

#[derive(Debug, Default)]
pub struct ResponsesParser {
    items: HashMap<u64, Item>,
    saw_tool_call: bool,
    sources: usize,
    done: bool,
}

fn reasoning_meta(item_id: &str, encrypted: Option<&str>) -> ProviderOptions {
    let mut inner = Map::new();
    inner.insert("itemId".into(), Value::String(item_id.to_string()));
    if let Some(encrypted) = encrypted {
        inner.insert(
            "reasoningEncryptedContent".into(),
            Value::String(encrypted.to_string()),
        );
    }
    let mut outer = ProviderOptions::new();
    outer.insert("openai".into(), Value::Object(inner));
    outer
}

/// Responses usage → normalized usage.
pub fn convert_usage(usage: &Value) -> Usage {
    Usage {
        input_tokens: u64_at(usage, &["input_tokens"]).unwrap_or(0),
        output_tokens: u64_at(usage, &["output_tokens"]).unwrap_or(0),
        reasoning_tokens: u64_at(usage, &["output_tokens_details", "reasoning_tokens"])
            .unwrap_or(0),
        cached_input_tokens: u64_at(usage, &["input_tokens_details", "cached_tokens"]).unwrap_or(0),
        cache_write_tokens: u64_at(usage, &["input_tokens_details", "cache_write_tokens"])
            .unwrap_or(0),
    }
}

/// A provider-executed call (its input is empty: the provider decides what to search).
fn server_call(id: &str, name: &str) -> StreamPart {
    StreamPart::ToolCall {
        tool_call_id: id.to_string(),
        tool_name: name.to_string(),
        input: Value::Object(Map::new()),
        provider_executed: Some(true),
        provider_metadata: None,
    }
}

/// A server tool's result in the AI SDK's shape: a web search's action (`search` with its query
/// and, when asked with `include`, its sources; `openPage`; `findInPage`), a file search's
/// queries and results.
fn server_output(name: &str, item: &Value) -> Value {
    if name == "file_search" {
        let results = item
            .get("results")
            .and_then(Value::as_array)
            .map(|results| {
                results
                    .iter()
                    .map(|result| {
                        json!({
                            "attributes": result.get("attributes"),
                            "fileId": result.get("file_id"),
                            "filename": result.get("filename"),
                            "score": result.get("score"),
                            "text": result.get("text"),
                        })
                    })
                    .collect::<Vec<_>>()
            });
        return json!({"queries": item.get("queries"), "results": results});
    }
    let Some(action) = item.get("action").filter(|a| a.is_object()) else {
        return json!({});
    };
    let mut shown = Map::new();
    let mut sources = None;
    match str_at(action, &["type"]).unwrap_or_default() {
        "search" => {
            shown.insert("type".into(), json!("search"));
            for key in ["query", "queries"] {
                if let Some(value) = action.get(key).filter(|v| !v.is_null()) {
                    shown.insert(key.into(), value.clone());
                }
            }
            sources = action.get("sources").filter(|v| !v.is_null()).cloned();
        }
        "open_page" => {
            shown.insert("type".into(), json!("openPage"));
            shown.insert("url".into(), action.get("url").cloned().unwrap_or_default());
        }
        "find_in_page" => {
            shown.insert("type".into(), json!("findInPage"));
            shown.insert("url".into(), action.get("url").cloned().unwrap_or_default());
            shown.insert(
                "pattern".into(),
                action.get("pattern").cloned().unwrap_or_default(),
            );
        }
        _ => return json!({"action": action}),
    }
    let mut output = Map::new();
    output.insert("action".into(), Value::Object(shown));
    if let Some(sources) = sources {
        output.insert("sources".into(), sources);
    }
    Value::Object(output)
}

impl ResponsesParser {
    fn item_added(&mut self, index: u64, item: &Value, out: &mut PartCollector) {
        let id = str_at(item, &["id"]).unwrap_or_default().to_string();
        let state = match str_at(item, &["type"]).unwrap_or_default() {
            "message" => {
                out.emit(StreamPart::TextStart {
                    id: id.clone(),
                    provider_metadata: Some(provider_meta("openai", "itemId", id.clone())),
                });
                Item::Message { id }
            }
            "reasoning" => {
                let part_id = format!("{id}:0");
                let encrypted = str_at(item, &["encrypted_content"]).map(str::to_string);
                out.emit(StreamPart::ReasoningStart {
                    id: part_id.clone(),
                    provider_metadata: Some(reasoning_meta(&id, encrypted.as_deref())),
                });
                Item::Reasoning {
                    item_id: id,
                    open: vec![part_id],
                    encrypted,
                }
            }
            "web_search_call" => {
                // The call has no input of its own: the provider decides the search.
                out.emit(StreamPart::ToolInputStart {
                    id: id.clone(),
                    tool_name: "web_search".into(),
                    provider_executed: Some(true),
                });
                out.emit(StreamPart::ToolInputEnd { id: id.clone() });
                out.emit(server_call(&id, "web_search"));
                Item::ServerTool {
                    id,
                    name: "web_search",
                }
            }
            "file_search_call" => {
                out.emit(server_call(&id, "file_search"));
                Item::ServerTool {
                    id,
                    name: "file_search",
                }
            }
            kind @ ("function_call" | "custom_tool_call") => {
                let call_id = str_at(item, &["call_id"]).unwrap_or(&id).to_string();
                let name = str_at(item, &["name"]).unwrap_or_default().to_string();
                out.emit(StreamPart::ToolInputStart {
                    id: call_id.clone(),
                    tool_name: name.clone(),
                    provider_executed: None,
                });
                Item::Tool {
                    call_id,
                    name,
                    arguments: String::new(),
                    custom: kind == "custom_tool_call",
                    item_id: id,
                }
            }
            _ => {
                pass_raw(
                    &serde_json::json!({"type": "response.output_item.added", "output_index": index, "item": item}),
                    out,
                );
                return;
            }
        };
        self.items.insert(index, state);
    }

    fn item_done(&mut self, index: u64, item: &Value, out: &mut PartCollector) {
        match self.items.remove(&index) {
            Some(Item::Message { id }) => out.emit(StreamPart::TextEnd {
                id,
                provider_metadata: None,
            }),
            Some(Item::Reasoning {
                item_id,
                open,
                encrypted,
            }) => {
                let encrypted = str_at(item, &["encrypted_content"])
                    .map(str::to_string)
                    .or(encrypted);
                for id in open {
                    out.emit(StreamPart::ReasoningEnd {
                        id,
                        provider_metadata: Some(reasoning_meta(&item_id, encrypted.as_deref())),
                    });
                }
            }
            Some(Item::Tool {
                call_id,
                name,
                arguments,
                custom,
                item_id,
            }) => {
                out.emit(StreamPart::ToolInputEnd {
                    id: call_id.clone(),
                });
                let input = if custom {
                    Value::String(str_at(item, &["input"]).map_or(arguments, str::to_string))
                } else {
                    parse_tool_input(str_at(item, &["arguments"]).unwrap_or(&arguments))
                };
                self.saw_tool_call = true;
                out.emit(StreamPart::ToolCall {
                    tool_call_id: call_id,
                    tool_name: name,
                    input,
                    provider_executed: None,
                    provider_metadata: Some(provider_meta("openai", "itemId", item_id)),
                });
            }
            Some(Item::ServerTool { id, name }) => out.emit(StreamPart::ToolResult {
                tool_call_id: id,
                tool_name: name.to_string(),
                output: server_output(name, item),
                provider_executed: true,
            }),
            None => pass_raw(
                &serde_json::json!({"type": "response.output_item.done", "output_index": index, "item": item}),
                out,
            ),
        }
    }

    /// A source per citation: a web page (`url_citation`) or a file (`file_citation`,
    /// `container_file_citation`, `file_path`), as the AI SDK reports them.
    fn annotation(&mut self, annotation: &Value, out: &mut PartCollector) {
        let id = format!("source-{}", self.sources);
        self.sources += 1;
        let kind = str_at(annotation, &["type"]).unwrap_or_default();
        if kind == "url_citation" || (kind.is_empty() && annotation.get("url").is_some()) {
            out.emit(StreamPart::url_source(
                id,
                str_at(annotation, &["url"]).map(str::to_string),
                str_at(annotation, &["title"]).map(str::to_string),
                None,
            ));
            return;
        }
        let mut meta = Map::new();
        meta.insert("type".into(), Value::String(kind.to_string()));
        for (field, key) in [
            ("file_id", "fileId"),
            ("container_id", "containerId"),
            ("index", "index"),
        ] {
            if let Some(value) = annotation.get(field) {
                meta.insert(key.into(), value.clone());
            }
        }
        let file_id = str_at(annotation, &["file_id"]).map(str::to_string);
        let filename = str_at(annotation, &["filename"])
            .map(str::to_string)
            .or(file_id);
        let media_type = if kind == "file_path" {
            "application/octet-stream"
        } else {
            "text/plain"
        };
        let mut provider_metadata = ProviderOptions::new();
        provider_metadata.insert("openai".into(), Value::Object(meta));
        out.emit(StreamPart::document_source(
            id,
            filename.clone(),
            Some(media_type.to_string()),
            filename,
            Some(provider_metadata),
        ));
    }

    fn finish_response(&mut self, response: &Value, out: &mut PartCollector) {
        if let Some(usage) = response.get("usage").filter(|u| u.is_object()) {
            out.set_usage(convert_usage(usage));
        }
        let reason = match str_at(response, &["status"]) {
            Some("incomplete") => match str_at(response, &["incomplete_details", "reason"]) {
                Some("max_output_tokens") => FinishReason::Length,
                Some("content_filter") => FinishReason::ContentFilter,
                _ => FinishReason::Other,
            },
            _ if self.saw_tool_call => FinishReason::ToolCalls,
            _ => FinishReason::Stop,
        };
        out.set_finish_reason(reason);
        if let Some(tier) = str_at(response, &["service_tier"]) {
            out.add_provider_metadata(&provider_meta("openai", "serviceTier", tier));
        }
        self.done = true;
    }
}

impl StreamParser for ResponsesParser {
    fn on_event(&mut self, event: &WireEvent, out: &mut PartCollector) {
        let Some(value) = parse_json(event, out) else {
            return;
        };
        let index = u64_at(&value, &["output_index"]).unwrap_or(0);
        match str_at(&value, &["type"])
            .or(event.name.as_deref())
            .unwrap_or_default()
        {
            "response.created" => {
                if let Some(id) = str_at(&value, &["response", "id"]) {
                    out.set_response_id(id);
                }
                if let Some(model) = str_at(&value, &["response", "model"]) {
                    out.set_model_id(model);
                }
            }
            "response.output_item.added" => {
                let item = value.get("item").cloned().unwrap_or(Value::Null);
                self.item_added(index, &item, out);
            }
            "response.output_item.done" => {
                let item = value.get("item").cloned().unwrap_or(Value::Null);
                self.item_done(index, &item, out);
            }
            "response.output_text.delta" => {
                if let (Some(Item::Message { id }), Some(delta)) =
                    (self.items.get(&index), str_at(&value, &["delta"]))
                {
                    out.emit(StreamPart::TextDelta {
                        id: id.clone(),
                        delta: delta.to_string(),
                    });
                }
            }
            "response.output_text.annotation.added" => {
                let annotation = value.get("annotation").cloned().unwrap_or(Value::Null);
                self.annotation(&annotation, out);
            }
            "response.reasoning_summary_part.added" => {
                let summary = u64_at(&value, &["summary_index"]).unwrap_or(0);
                if let Some(Item::Reasoning {
                    item_id,
                    open,
                    encrypted,
                }) = self.items.get_mut(&index)
                    && summary > 0
                {
                    let id = format!("{item_id}:{summary}");
                    open.push(id.clone());
                    out.emit(StreamPart::ReasoningStart {
                        id,
                        provider_metadata: Some(reasoning_meta(item_id, encrypted.as_deref())),
                    });
                }
            }
            "response.reasoning_summary_text.delta" => {
                let summary = u64_at(&value, &["summary_index"]).unwrap_or(0);
                if let (Some(Item::Reasoning { item_id, .. }), Some(delta)) =
                    (self.items.get(&index), str_at(&value, &["delta"]))
                {
                    out.emit(StreamPart::ReasoningDelta {
                        id: format!("{item_id}:{summary}"),
                        delta: delta.to_string(),
                    });
                }
            }
            "response.function_call_arguments.delta" | "response.custom_tool_call_input.delta" => {
                if let (
                    Some(Item::Tool {
                        call_id, arguments, ..
                    }),
                    Some(delta),
                ) = (self.items.get_mut(&index), str_at(&value, &["delta"]))
                {
                    arguments.push_str(delta);
                    out.emit(StreamPart::ToolInputDelta {
                        id: call_id.clone(),
                        delta: delta.to_string(),
                    });
                }
            }
            "response.completed" | "response.incomplete" => {
                let response = value.get("response").cloned().unwrap_or(Value::Null);
                self.finish_response(&response, out);
            }
            "response.failed" => {
                if out.error().is_none() {
                    out.fail(classify_stream_error(&value));
                }
                self.done = true;
            }
            "error" => out.fail(classify_stream_error(&value)),
            "response.in_progress"
            | "response.queued"
            | "response.content_part.added"
            | "response.content_part.done"
            | "response.output_text.done"
            | "response.reasoning_summary_part.done"
            | "response.reasoning_summary_text.done"
            | "response.function_call_arguments.done"
            | "response.custom_tool_call_input.done"
            | "response.web_search_call.in_progress"
            | "response.web_search_call.searching"
            | "response.web_search_call.completed"
            | "response.file_search_call.in_progress"
            | "response.file_search_call.searching"
            | "response.file_search_call.completed" => {}
            _ => pass_raw(&value, out),
        }
    }

    fn close(&mut self, complete: bool, out: &mut PartCollector) {
        let mut open: Vec<u64> = self.items.keys().copied().collect();
        open.sort_unstable();
        for index in open {
            match self.items.remove(&index) {
                Some(Item::Message { id }) => out.emit(StreamPart::TextEnd {
                    id,
                    provider_metadata: None,
                }),
                Some(Item::Reasoning {
                    item_id,
                    open,
                    encrypted,
                }) => {
                    for id in open {
                        out.emit(StreamPart::ReasoningEnd {
                            id,
                            provider_metadata: Some(reasoning_meta(&item_id, encrypted.as_deref())),
                        });
                    }
                }
                Some(Item::Tool {
                    call_id,
                    name,
                    arguments,
                    custom,
                    ..
                }) => {
                    out.emit(StreamPart::ToolInputEnd {
                        id: call_id.clone(),
                    });
                    if complete {
                        let input = if custom {
                            Value::String(arguments)
                        } else {
                            parse_tool_input(&arguments)
                        };
                        out.emit(StreamPart::ToolCall {
                            tool_call_id: call_id,
                            tool_name: name,
                            input,
                            provider_executed: None,
                            provider_metadata: None,
                        });
                    }
                }
                // An interrupted search has no result.
                Some(Item::ServerTool { .. }) | None => {}
            }
        }
    }

    fn is_complete(&self) -> bool {
        self.done
    }
}
