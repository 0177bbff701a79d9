//! The conversation as each provider accepts it (OpenCode's `message()` pipeline, in its order):
//!
//! 1. attachments the model cannot read become a text part saying so (user messages only);
//! 2. empty text and unsigned empty reasoning are dropped where the API rejects them (the Messages
//!    API, Bedrock), with the messages left empty;
//! 3. Claude's tool-call ids are reduced to `[a-zA-Z0-9_-]`;
//! 4. a Messages-API assistant turn gets its tool calls last;
//! 5. Mistral's tool-call ids are made 9 alphanumerics and a tool result directly followed by a
//!    user message gets an assistant `Done.` between them (and nothing below applies);
//! 6. DeepSeek assistant turns all carry a reasoning part, empty when they had none;
//! 7. a model whose catalog entry names an `interleaved` field gets its earlier reasoning there
//!    (`providerOptions.openaiCompatible[field]`, which the chat builder writes on the message);
//! 8. prompt-cache marks on the first two system and the last two other messages
//!    ([`super::caching`]);
//! 9. message and part options under the provider id move to the provider's SDK key.
//!
//! Lone UTF-16 surrogates (OpenCode's first normalization) cannot reach this point: Rust strings
//! are UTF-8, and the RPC reader replaces lone surrogate escapes with U+FFFD before it parses.

use serde_json::{Map, Value, json};

use super::CallContext;
use crate::catalog::types::{Interleaved, Modality};
use crate::json_merge::merge_deep_map;
use crate::protocol::WireFormat;
use crate::protocol::types::{Content, Message, Part, ProviderOptions};

/// The text an empty base64 image becomes.
pub const EMPTY_IMAGE_TEXT: &str =
    "ERROR: Image file is empty or corrupted. Please provide a valid image.";

/// Applies every message rule of the call's provider and model.
pub fn apply(cx: &CallContext<'_>, messages: Vec<Message>) -> Vec<Message> {
    let call = cx.call_ref();
    let profile = cx.profile();
    let rules = profile.message_rules(&call);
    let api_id = cx.model.api_id.as_str();
    let mut messages = unsupported_parts(cx, messages);
    if let Some(namespace) = rules.drop_empty {
        messages = drop_empty(messages, namespace);
    }
    if api_id.contains("claude") {
        map_tool_ids(&mut messages, claude_tool_id);
    }
    if rules.tool_calls_last {
        messages = tool_calls_last(messages);
    }
    let lower = api_id.to_ascii_lowercase();
    if rules.mistral || lower.contains("mistral") || lower.contains("devstral") {
        map_tool_ids(&mut messages, mistral_tool_id);
        messages = done_after_tool_results(messages);
    } else {
        if lower.contains("deepseek") {
            reasoning_on_every_assistant_turn(&mut messages);
        }
        let chat = cx.runtime.protocol.wire_format() == WireFormat::OpenaiChat;
        if let (Some(Interleaved::Field { field }), true, true) =
            (&cx.model.info.interleaved, rules.interleaved_field, chat)
        {
            reasoning_into_field(&mut messages, field);
        }
    }
    super::caching::apply(cx, &mut messages);
    if let Some(key) = profile.sdk_keys(&call).first() {
        remap_options(&mut messages, cx.provider_id, key);
    }
    messages
}

/// The modality a media type belongs to, as the catalog names them.
fn modality_of(media_type: &str) -> Option<Modality> {
    if media_type.starts_with("image/") {
        Some(Modality::Image)
    } else if media_type.starts_with("audio/") {
        Some(Modality::Audio)
    } else if media_type.starts_with("video/") {
        Some(Modality::Video)
    } else if media_type == "application/pdf" {
        Some(Modality::Pdf)
    } else {
        None
    }
}

/// A `data:` URL with no data after its comma.
fn is_empty_data_url(value: &str) -> bool {
    value
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(','))
        .is_some_and(|(header, data)| header.ends_with(";base64") && data.is_empty())
}

/// Images and files the model cannot read become a text part telling it so (it then tells the
/// user); an empty base64 image becomes an error text. Only where the catalog lists the model's
/// input modalities: an unknown model gets its attachments as they are.
fn unsupported_parts(cx: &CallContext<'_>, messages: Vec<Message>) -> Vec<Message> {
    let known = cx.model.info.modalities.as_ref().map(|m| m.input.clone());
    messages
        .into_iter()
        .map(|message| match message {
            Message::User {
                content: Content::Parts(parts),
                provider_options,
            } => Message::User {
                content: Content::Parts(
                    parts
                        .into_iter()
                        .map(|part| readable(part, known.as_deref()))
                        .collect(),
                ),
                provider_options,
            },
            other => other,
        })
        .collect()
}

fn readable(part: Part, input: Option<&[Modality]>) -> Part {
    let (modality, name) = match &part {
        Part::Image { image, .. } if is_empty_data_url(image) => return text(EMPTY_IMAGE_TEXT),
        Part::Image { .. } => (Modality::Image, None),
        Part::File {
            media_type,
            filename,
            ..
        } => match modality_of(media_type) {
            Some(modality) => (modality, filename.clone()),
            None => return part,
        },
        _ => return part,
    };
    match input {
        Some(input) if !input.contains(&modality) => {
            let modality = modality.as_str();
            let name = name.map_or_else(|| modality.to_string(), |name| format!("\"{name}\""));
            text(&format!(
                "ERROR: Cannot read {name} (this model does not support {modality} input). Inform the user."
            ))
        }
        _ => part,
    }
}

fn text(text: &str) -> Part {
    Part::Text {
        text: text.to_string(),
        provider_options: None,
    }
}

/// Drops empty text, reasoning that is blank and unsigned (no `signature` / `redactedData` under
/// `namespace`), and messages left with nothing.
fn drop_empty(messages: Vec<Message>, namespace: &str) -> Vec<Message> {
    let keep = |part: &Part| match part {
        Part::Text { text, .. } => !text.is_empty(),
        Part::Reasoning {
            text,
            provider_options,
        } => {
            let signed = provider_options
                .as_ref()
                .and_then(|o| o.get(namespace))
                .is_some_and(|o| {
                    o.get("signature").is_some_and(|v| !v.is_null())
                        || o.get("redactedData").is_some_and(|v| !v.is_null())
                });
            !text.trim().is_empty() || signed
        }
        _ => true,
    };
    let content = |content: Content| -> Option<Content> {
        match content {
            Content::Text(text) if text.is_empty() => None,
            Content::Text(text) => Some(Content::Text(text)),
            Content::Parts(parts) => {
                let parts: Vec<Part> = parts.into_iter().filter(keep).collect();
                (!parts.is_empty()).then_some(Content::Parts(parts))
            }
        }
    };
    messages
        .into_iter()
        .filter_map(|message| match message {
            Message::System {
                content,
                provider_options,
            } => (!content.is_empty()).then_some(Message::System {
                content,
                provider_options,
            }),
            Message::User {
                content: own,
                provider_options,
            } => content(own).map(|content| Message::User {
                content,
                provider_options,
            }),
            Message::Assistant {
                content: own,
                provider_options,
            } => content(own).map(|content| Message::Assistant {
                content,
                provider_options,
            }),
            Message::Tool {
                content,
                provider_options,
            } => Some(Message::Tool {
                content,
                provider_options,
            }),
        })
        .collect()
}

/// Claude accepts tool-use ids of `[a-zA-Z0-9_-]` only.
pub fn claude_tool_id(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Mistral requires tool-call ids of exactly 9 alphanumerics.
pub fn mistral_tool_id(id: &str) -> String {
    let mut out: String = id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(9)
        .collect();
    while out.len() < 9 {
        out.push('0');
    }
    out
}

/// Rewrites the tool-call ids of assistant tool calls and of tool results.
fn map_tool_ids(messages: &mut [Message], rewrite: fn(&str) -> String) {
    let fix = |part: &mut Part| {
        if let Part::ToolCall { tool_call_id, .. } | Part::ToolResult { tool_call_id, .. } = part {
            *tool_call_id = rewrite(tool_call_id);
        }
    };
    for message in messages {
        match message {
            Message::Assistant {
                content: Content::Parts(parts),
                ..
            } => parts.iter_mut().for_each(fix),
            Message::Tool { content, .. } => content.iter_mut().for_each(fix),
            _ => {}
        }
    }
}

/// An assistant turn with tool calls followed by other parts becomes the other parts, then the
/// tool calls (two turns, which the Messages builder joins with the tool uses last). A call the
/// provider ran (a server tool use) stays where it is, before its result.
fn tool_calls_last(messages: Vec<Message>) -> Vec<Message> {
    let mut out = Vec::with_capacity(messages.len());
    for message in messages {
        let (parts, provider_options) = match message {
            Message::Assistant {
                content: Content::Parts(parts),
                provider_options,
            } => (parts, provider_options),
            other => {
                out.push(other);
                continue;
            }
        };
        let is_call = |part: &Part| matches!(part, Part::ToolCall { provider_executed, .. } if *provider_executed != Some(true));
        let first_call = parts.iter().position(is_call);
        let other_after_call =
            first_call.is_some_and(|at| parts[at..].iter().any(|part| !is_call(part)));
        if !other_after_call {
            out.push(Message::Assistant {
                content: Content::Parts(parts),
                provider_options,
            });
            continue;
        }
        let (calls, others): (Vec<Part>, Vec<Part>) = parts.into_iter().partition(is_call);
        out.push(Message::Assistant {
            content: Content::Parts(others),
            provider_options: provider_options.clone(),
        });
        out.push(Message::Assistant {
            content: Content::Parts(calls),
            provider_options,
        });
    }
    out
}

/// Mistral rejects a user message right after tool results: an assistant `Done.` goes between.
fn done_after_tool_results(messages: Vec<Message>) -> Vec<Message> {
    let mut out = Vec::with_capacity(messages.len());
    let mut iter = messages.into_iter().peekable();
    while let Some(message) = iter.next() {
        let tool = matches!(message, Message::Tool { .. });
        out.push(message);
        if tool && matches!(iter.peek(), Some(Message::User { .. })) {
            out.push(Message::Assistant {
                content: Content::Parts(vec![text("Done.")]),
                provider_options: None,
            });
        }
    }
    out
}

/// DeepSeek wants reasoning on every assistant turn: one without gets an empty reasoning part.
fn reasoning_on_every_assistant_turn(messages: &mut [Message]) {
    for message in messages {
        let Message::Assistant { content, .. } = message else {
            continue;
        };
        let empty_reasoning = Part::Reasoning {
            text: String::new(),
            provider_options: None,
        };
        match content {
            Content::Parts(parts) => {
                if !parts.iter().any(|p| matches!(p, Part::Reasoning { .. })) {
                    parts.push(empty_reasoning);
                }
            }
            Content::Text(own) => {
                let mut parts = Vec::new();
                if !own.is_empty() {
                    parts.push(text(own));
                }
                parts.push(empty_reasoning);
                *content = Content::Parts(parts);
            }
        }
    }
}

/// The assistant's reasoning parts leave the content; their joined text goes to
/// `providerOptions.openaiCompatible[field]`, empty included (DeepSeek wants it back even so).
fn reasoning_into_field(messages: &mut [Message], field: &str) {
    for message in messages {
        let Message::Assistant {
            content: Content::Parts(parts),
            provider_options,
        } = message
        else {
            continue;
        };
        let mut reasoning = String::new();
        parts.retain(|part| match part {
            Part::Reasoning { text, .. } => {
                reasoning.push_str(text);
                false
            }
            _ => true,
        });
        let options = provider_options.get_or_insert_with(Map::new);
        merge_deep_map(
            options,
            &ProviderOptions::from_iter([(
                "openaiCompatible".to_string(),
                json!({ field: reasoning }),
            )]),
        );
    }
}

/// Options stored under the provider id go under the provider's SDK key, on messages and parts.
fn remap_options(messages: &mut [Message], provider_id: &str, key: &str) {
    if provider_id == key {
        return;
    }
    let remap = |options: &mut Option<ProviderOptions>| {
        if let Some(options) = options
            && let Some(own) = options.remove(provider_id)
        {
            match (options.get_mut(key), own) {
                (Some(Value::Object(existing)), Value::Object(own)) => {
                    merge_deep_map(existing, &own)
                }
                (_, own) => {
                    options.insert(key.to_string(), own);
                }
            }
        }
    };
    for message in messages {
        let (options, parts) = match message {
            Message::System {
                provider_options, ..
            } => (provider_options, None),
            Message::User {
                content,
                provider_options,
            }
            | Message::Assistant {
                content,
                provider_options,
            } => (
                provider_options,
                match content {
                    Content::Parts(parts) => Some(parts.as_mut_slice()),
                    Content::Text(_) => None,
                },
            ),
            Message::Tool {
                content,
                provider_options,
            } => (provider_options, Some(content.as_mut_slice())),
        };
        remap(options);
        for part in parts.into_iter().flatten() {
            remap(part_options_mut(part));
        }
    }
}

/// A part's `providerOptions`.
pub fn part_options_mut(part: &mut Part) -> &mut Option<ProviderOptions> {
    match part {
        Part::Text {
            provider_options, ..
        }
        | Part::Image {
            provider_options, ..
        }
        | Part::File {
            provider_options, ..
        }
        | Part::Reasoning {
            provider_options, ..
        }
        | Part::ToolCall {
            provider_options, ..
        }
        | Part::ToolResult {
            provider_options, ..
        }
        | Part::Source {
            provider_options, ..
        } => provider_options,
    }
}

#[cfg(test)]
#[path = "messages_tests.rs"]
mod tests;
