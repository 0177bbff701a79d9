//! Prompt-cache marks (OpenCode's `applyCaching`): the first two system messages and the last two
//! other messages are marked, on the message itself or on its last part, in the form the
//! provider's profile names ([`crate::provider::CachePolicy`]); the wire builders write them.

use serde_json::{Map, json};

use super::CallContext;
use super::messages::part_options_mut;
use crate::json_merge::merge_deep_map;
use crate::protocol::types::{Content, Message, ProviderOptions};
use crate::provider::{CacheMarks, CachePolicy};

/// Marks the call's cache breakpoints where its provider takes them.
pub fn apply(cx: &CallContext<'_>, messages: &mut [Message]) {
    let Some(policy) = cx.profile().cache_policy(&cx.call_ref()) else {
        return;
    };
    let mark = mark(policy.marks);
    let system: Vec<usize> = messages
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m, Message::System { .. }))
        .map(|(at, _)| at)
        .take(2)
        .collect();
    let others: Vec<usize> = messages
        .iter()
        .enumerate()
        .filter(|(_, m)| !matches!(m, Message::System { .. }))
        .map(|(at, _)| at)
        .collect();
    let last_two = &others[others.len().saturating_sub(2)..];
    for &at in system.iter().chain(last_two) {
        place(&mut messages[at], &mark, policy);
    }
}

/// The providerOptions entry of one mark.
fn mark(marks: CacheMarks) -> ProviderOptions {
    let ephemeral = json!({"type": "ephemeral"});
    let (namespace, options) = match marks {
        CacheMarks::Anthropic => ("anthropic", json!({"cacheControl": ephemeral})),
        CacheMarks::Bedrock => ("bedrock", json!({"cachePoint": {"type": "default"}})),
        CacheMarks::OpenRouter => ("openrouter", json!({"cacheControl": ephemeral})),
        CacheMarks::Compatible => ("openaiCompatible", json!({"cache_control": ephemeral})),
        CacheMarks::Copilot => (
            "openaiCompatible",
            json!({"copilot_cache_control": ephemeral}),
        ),
    };
    Map::from_iter([(namespace.to_string(), options)])
}

/// On the message's last part when it has parts (and the provider does not want it on the
/// message), else on the message.
fn place(message: &mut Message, mark: &ProviderOptions, policy: CachePolicy) {
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
                Content::Parts(parts) => Some(parts),
                Content::Text(_) => None,
            },
        ),
        Message::Tool {
            content,
            provider_options,
        } => (provider_options, Some(content)),
    };
    let target = match parts.and_then(|parts| parts.last_mut()) {
        Some(last) if !policy.on_message => part_options_mut(last),
        _ => options,
    };
    merge_deep_map(target.get_or_insert_with(Map::new), mark);
}
