//! A model's reasoning presets as a chat call picks them.

use super::super::error::{ChatError, ResolveError};
use super::super::resolver::ResolvedCall;

/// The model's first reasoning preset (a small call's, as OpenCode's `smallOptions()` takes it).
pub(super) fn first_variant(resolved: &ResolvedCall) -> Option<String> {
    crate::transform::variants::available_variants(
        resolved.runtime.protocol,
        &resolved.runtime.provider_id,
        &resolved.model,
    )
    .into_iter()
    .next()
}

pub(super) fn has_variant(resolved: &ResolvedCall, name: &str) -> bool {
    crate::transform::variants::available_variants(
        resolved.runtime.protocol,
        &resolved.runtime.provider_id,
        &resolved.model,
    )
    .iter()
    .any(|n| n == name)
}

/// The wire fields of the chosen variant; an unknown name is the caller's mistake.
pub(super) fn variant_fields(
    resolved: &ResolvedCall,
    variant: Option<&str>,
) -> Result<Option<serde_json::Map<String, serde_json::Value>>, ChatError> {
    let Some(name) = variant else {
        return Ok(None);
    };
    crate::transform::variants::variant_body(
        resolved.runtime.protocol,
        &resolved.runtime.provider_id,
        &resolved.model,
        name,
    )
    .map(Some)
    .map_err(|err| {
        ChatError::Resolve(ResolveError::UnknownVariant {
            provider_id: resolved.runtime.provider_id.clone(),
            model_id: resolved.model.id.clone(),
            variant: name.to_string(),
            available: match err {
                crate::transform::variants::VariantError::Unknown { available, .. } => available,
            },
        })
    })
}
