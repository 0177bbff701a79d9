//! A chat call's `variant`: a named reasoning preset (OpenCode's variants) turned into the
//! request-body fields the provider's HTTP API takes. The caller deep-merges the result into the
//! outgoing body; the call's own provider options win over it.
//!
//! Names come from models.dev `reasoning_options` when the model has them
//! ([`reasoning_options`]), else from OpenCode's heuristics ([`heuristic`]); config variants add
//! names or deep-merge over a derived one ([`crate::transform::sdk_options`]); disabled names are
//! gone.

pub mod dialect;
pub mod family;
pub mod heuristic;
pub mod reasoning_options;
pub mod setting;
pub mod wire;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

use crate::catalog::ResolvedModel;
use crate::json_merge::merge_deep_map;
use crate::provider::RuntimeProtocol;
use dialect::Dialect;
use setting::Setting;

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum VariantError {
    #[error("unknown variant `{variant}` ({})", available_list(.available))]
    Unknown {
        variant: String,
        available: Vec<String>,
    },
}

fn available_list(names: &[String]) -> String {
    if names.is_empty() {
        "the model has no variants".to_owned()
    } else {
        format!("available: {}", names.join(", "))
    }
}

/// The wire-level body fields `variant` sets for `model` called through `protocol`.
///
/// A listed variant that the provider's API cannot express (e.g. a token budget on a plain
/// chat-completions server) yields an empty map: the call goes out unchanged.
pub fn variant_body(
    protocol: RuntimeProtocol,
    provider_id: &str,
    model: &ResolvedModel,
    variant: &str,
) -> Result<Map<String, Value>, VariantError> {
    let dialect = Dialect::of(protocol, provider_id, model);
    let derived = derived(protocol, provider_id, model);
    let configured = model.variants.get(variant);
    let setting = derived
        .iter()
        .find(|(name, _)| name == variant)
        .map(|(_, setting)| setting);
    if model.disabled_variants.contains(variant) || (setting.is_none() && configured.is_none()) {
        return Err(VariantError::Unknown {
            variant: variant.to_owned(),
            available: names(&derived, model),
        });
    }
    let mut body = setting.map_or_else(Map::new, |setting| wire::render(setting, dialect));
    if let Some(options) = configured {
        merge_deep_map(
            &mut body,
            &crate::transform::sdk_options::translate(options, dialect),
        );
    }
    Ok(body)
}

/// Every variant name `variant_body` accepts for `model` on `protocol`, in preset order.
pub fn available_variants(
    protocol: RuntimeProtocol,
    provider_id: &str,
    model: &ResolvedModel,
) -> Vec<String> {
    names(&derived(protocol, provider_id, model), model)
}

fn derived(
    protocol: RuntimeProtocol,
    provider_id: &str,
    model: &ResolvedModel,
) -> Vec<(String, Setting)> {
    match model.info.reasoning_options.as_deref() {
        Some(options) => reasoning_options::derive(options, model.limit().output),
        None => heuristic::derive(dialect::presets(protocol, provider_id, model), model),
    }
}

fn names(derived: &[(String, Setting)], model: &ResolvedModel) -> Vec<String> {
    let mut names: Vec<String> = derived.iter().map(|(name, _)| name.clone()).collect();
    for name in model.variants.keys() {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    names.retain(|name| !model.disabled_variants.contains(name));
    names
}

/// The Claude thinking budget a variant body sets (Messages API or Bedrock's pass-through), if
/// any. Claude rejects a request whose `max_tokens` is not above the budget, so the caller raises
/// its output limit to at least `budget + 1` (OpenCode sends `min(limit.output, 32000)`).
pub fn thinking_budget(body: &Map<String, Value>) -> Option<u64> {
    let thinking = body.get("thinking").or_else(|| {
        body.get("additionalModelRequestFields")
            .and_then(|fields| fields.get("thinking"))
    })?;
    thinking.get("budget_tokens")?.as_u64()
}
