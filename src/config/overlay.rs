//! One config over another: a session's config over the global one.

use super::SidecarConfig;
use crate::json_merge::merge_deep;

impl SidecarConfig {
    /// This config with `overlay` deep-merged on top by OpenCode's `mergeDeep` rule
    /// ([`crate::json_merge`]): session overrides over the global config. Both are typed already,
    /// so a field the overlay leaves unset (absent, or `null`) keeps this config's value.
    pub fn overlaid_with(&self, overlay: &SidecarConfig) -> SidecarConfig {
        let (Ok(mut base), Ok(top)) = (serde_json::to_value(self), serde_json::to_value(overlay))
        else {
            return self.clone();
        };
        merge_deep(&mut base, &top);
        serde_json::from_value(base).unwrap_or_else(|error| {
            tracing::warn!(%error, "session config overlay did not merge; using the global config");
            self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::{Value, json};

    use super::*;

    fn config(value: Value) -> SidecarConfig {
        SidecarConfig::from_value(value, &HashMap::new(), None).expect("valid config")
    }

    #[test]
    fn session_overlay_wins_over_global_config() {
        let global = config(
            json!({"model": "openai/gpt-5", "provider": {"openai": {"options": {"baseURL": "https://a", "headers": {"X-A": "1"}}}}}),
        );
        let session = config(
            json!({"provider": {"openai": {"options": {"headers": {"X-B": "2"}}}}, "small_model": "openai/gpt-5-nano"}),
        );
        let merged = global.overlaid_with(&session);
        assert_eq!(merged.model.as_deref(), Some("openai/gpt-5"));
        assert_eq!(merged.small_model.as_deref(), Some("openai/gpt-5-nano"));
        let options = &merged.provider["openai"].options;
        assert_eq!(options.base_url.as_deref(), Some("https://a"));
        assert_eq!(options.headers.0.len(), 2);
    }

    #[test]
    fn free_form_options_merge_deep_and_null_replaces_there() {
        let global = config(json!({"provider": {"openai": {
            "options": {"baseURL": "https://a", "region": "eu", "thinking": {"type": "enabled", "budget": 1}},
            "models": {"gpt-5": {"options": {"store": true, "reasoning": {"effort": "low"}}}}
        }}}));
        let session = config(json!({"provider": {"openai": {
            "options": {"baseURL": null, "region": null, "thinking": {"budget": 2}},
            "models": {"gpt-5": {"options": {"reasoning": {"summary": "auto"}}}}
        }}}));
        let merged = global.overlaid_with(&session);
        let openai = &merged.provider["openai"];
        // A typed field the overlay leaves unset (`null` reads as unset) keeps the global value.
        assert_eq!(openai.options.base_url.as_deref(), Some("https://a"));
        // In the free-form part of the options, `null` replaces, and objects merge key by key.
        assert_eq!(openai.options.extra["region"], Value::Null);
        assert_eq!(
            openai.options.extra["thinking"],
            json!({"type": "enabled", "budget": 2})
        );
        assert_eq!(
            Value::Object(openai.models["gpt-5"].options.clone()),
            json!({"store": true, "reasoning": {"effort": "low", "summary": "auto"}})
        );
    }
}
