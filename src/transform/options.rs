//! The provider options of one call, merged in OpenCode's order and written as body fields:
//!
//! 1. the profile's `options()` (or, for a small call, its `smallOptions()` extras);
//! 2. the loader's defaults from the provider's config (e.g. Z.AI's typed options);
//! 3. the model's config `options`;
//! 4. the reasoning variant (for a small call: the model's first one);
//! 5. the call's `providerOptions` (the session's defaults under the call's own), under the wire
//!    format's namespace, the AI SDK package's key or the provider id (OpenCode's remap).
//!
//! Each layer is translated from the AI SDK's spelling ([`super::sdk_options`]) before it is
//! deep-merged over the ones before it, so a later layer wins field by field.

use serde_json::{Map, Value};

use super::CallContext;
use super::sdk_options::translate;
use super::variants::dialect::Dialect;
use crate::json_merge::merge_deep_map;
use crate::protocol::types::ProviderOptions;

/// Keys of a model's or provider's `options` that configure the sidecar, not the request.
const SETTING_KEYS: &[&str] = &[
    "apiKey",
    "baseURL",
    "baseUrl",
    "chunkTimeout",
    "headerTimeout",
    "headers",
    "maxConcurrency",
    "outputTokenMax",
    "setCacheControl",
    "setCacheKey",
    "timeout",
];

/// What shapes one call's options besides its model.
#[derive(Clone, Copy, Default)]
pub struct Layers<'a> {
    /// The wire fields of the chosen variant (of the first variant for a small call).
    pub variant: Option<&'a Map<String, Value>>,
    /// A small call (title, summary): OpenCode's `smallOptions()` instead of `options()`.
    pub small: bool,
    /// The call's `providerOptions`.
    pub call: Option<&'a ProviderOptions>,
}

/// The body fields of every option layer, merged.
pub fn body_fields(cx: &CallContext<'_>, layers: Layers<'_>) -> Map<String, Value> {
    let profile = cx.profile();
    let call = cx.call_ref();
    let dialect = Dialect::of(cx.runtime.protocol, cx.provider_id, cx.model);
    let render = |options: &Map<String, Value>| -> Map<String, Value> {
        profile
            .envelope(&call, options)
            .unwrap_or_else(|| translate(options, dialect))
    };
    let mut body = Map::new();
    let base = if layers.small {
        profile.small_options(&call, layers.variant.is_some())
    } else {
        profile.options(&call)
    };
    merge_deep_map(&mut body, &render(&base));
    merge_deep_map(&mut body, &cx.runtime.default_options);
    merge_deep_map(&mut body, &render(&request_options(&cx.model.options)));
    if let Some(variant) = layers.variant {
        merge_deep_map(&mut body, variant);
    }
    if let Some(own) = layers.call {
        for key in option_keys(cx) {
            if let Some(Value::Object(options)) = own.get(&key) {
                merge_deep_map(&mut body, &render(options));
            }
        }
    }
    body
}

/// The model's config `options` that are request options.
fn request_options(options: &Map<String, Value>) -> Map<String, Value> {
    options
        .iter()
        .filter(|(key, _)| !SETTING_KEYS.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// The `providerOptions` keys a call's options are read from, in merge order: the wire format's
/// namespace (what this sidecar always read), the AI SDK package's keys, the provider id and, as
/// `@ai-sdk/openai-compatible` reads it, the provider id up to its first dot.
pub fn option_keys(cx: &CallContext<'_>) -> Vec<String> {
    let call = cx.call_ref();
    let mut keys: Vec<String> = Vec::new();
    let mut push = |key: &str| {
        if !key.is_empty() && !keys.iter().any(|k| k == key) {
            keys.push(key.to_string());
        }
    };
    push(cx.runtime.protocol.wire_format().options_namespace());
    for key in cx.profile().sdk_keys(&call) {
        push(key);
    }
    push(cx.provider_id);
    if let Some((head, _)) = cx.provider_id.split_once('.') {
        push(head);
    }
    keys
}
