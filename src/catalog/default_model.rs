//! `model/default`: the default and small model, by OpenCode's rules (parity doc section 8):
//! explicit config model, else the stored preference, else the best model of a connected provider.

use std::cmp::Reverse;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::auth_view::{AuthView, resolve_connection};
use super::merge::{MergedCatalog, ResolvedModel, ResolvedProvider};
use super::query::popular_rank;
use super::types::ModelStatus;
use crate::config::{Preferences, SidecarConfig};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelRef {
    pub provider_id: String,
    pub model_id: String,
    /// `"<providerId>/<modelId>"`.
    pub id: String,
}

impl ModelRef {
    fn new(provider_id: &str, model_id: &str) -> Self {
        Self {
            provider_id: provider_id.to_owned(),
            model_id: model_id.to_owned(),
            id: format!("{provider_id}/{model_id}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DefaultModelSource {
    /// The config's `model`.
    Config,
    /// The stored preference (`selectedProviderId` / `selectedModelId`).
    Preference,
    /// The best model of a connected provider.
    Priority,
    /// Nothing usable is connected.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DefaultModelResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelRef>,
    pub source: DefaultModelSource,
    /// Model for small tasks (titles, summaries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub small_model: Option<ModelRef>,
}

/// Ids ranked by OpenCode's `sort()`: later entries of this list rank higher.
const PRIORITY: &[&str] = &["gpt-5", "claude-sonnet-4", "big-pickle", "gemini-3-pro"];

impl MergedCatalog {
    pub fn default_model(
        &self,
        config: &SidecarConfig,
        preferences: Option<&Preferences>,
        auth: &dyn AuthView,
    ) -> DefaultModelResult {
        let (model, source) =
            if let Some(found) = config.model.as_deref().and_then(|m| self.find_ref(m)) {
                (Some(found), DefaultModelSource::Config)
            } else if let Some(found) = preferences.and_then(|p| self.preferred(p)) {
                (Some(found), DefaultModelSource::Preference)
            } else if let Some(found) = self.best_connected(auth) {
                (Some(found), DefaultModelSource::Priority)
            } else {
                (None, DefaultModelSource::None)
            };
        let small_model = config
            .small_model
            .as_deref()
            .and_then(|m| self.find_ref(m))
            .or_else(|| {
                let provider = self.providers.get(&model.as_ref()?.provider_id)?;
                small_model_of(provider)
            });
        DefaultModelResult {
            model,
            source,
            small_model,
        }
    }

    /// `provider/model`, split at the first `/` (model ids may hold more).
    fn find_ref(&self, reference: &str) -> Option<ModelRef> {
        let (provider_id, model_id) = reference.split_once('/')?;
        let found = self
            .model(provider_id, model_id)
            .map(|_| ModelRef::new(provider_id, model_id));
        if found.is_none() {
            tracing::warn!(
                model = reference,
                "configured model not found in the catalog"
            );
        }
        found
    }

    fn preferred(&self, preferences: &Preferences) -> Option<ModelRef> {
        let provider_id = preferences.selected_provider_id.as_deref()?;
        let selected = preferences.selected_model_id.as_deref()?;
        let model_id = match selected
            .strip_prefix(provider_id)
            .and_then(|rest| rest.strip_prefix('/'))
        {
            Some(rest) if self.model(provider_id, rest).is_some() => rest,
            _ => selected,
        };
        self.model(provider_id, model_id)
            .map(|_| ModelRef::new(provider_id, model_id))
    }

    /// The first connected provider listed in config (any connected provider when config lists
    /// none; popular ones first, then by id), and its top model by [`rank_models`].
    fn best_connected(&self, auth: &dyn AuthView) -> Option<ModelRef> {
        let mut connected: Vec<&ResolvedProvider> = self
            .providers
            .values()
            .filter(|p| resolve_connection(p, auth).is_some() && p.models.values().any(usable))
            .collect();
        let configured: Vec<&ResolvedProvider> = connected
            .iter()
            .copied()
            .filter(|p| self.configured.contains(&p.id))
            .collect();
        if !configured.is_empty() {
            connected = configured;
        }
        connected.sort_by_key(|p| (popular_rank(&p.id).unwrap_or(usize::MAX), p.id.clone()));
        let provider = connected.first()?;
        let model = rank_models(provider.models.values().filter(|m| usable(m)))
            .into_iter()
            .next()?;
        Some(ModelRef::new(&provider.id, &model.id))
    }
}

fn usable(model: &ResolvedModel) -> bool {
    matches!(model.status(), ModelStatus::Active | ModelStatus::Beta)
}

/// OpenCode's `sort()`: by priority-list match (later entries first, non-matching last), then ids
/// containing `latest`, then id descending.
pub fn rank_models<'a>(models: impl Iterator<Item = &'a ResolvedModel>) -> Vec<&'a ResolvedModel> {
    let mut ranked: Vec<&ResolvedModel> = models.collect();
    ranked.sort_by_key(|m| {
        let priority = PRIORITY
            .iter()
            .rposition(|p| m.id.contains(p))
            .map_or(0, |i| i + 1);
        (
            Reverse(priority),
            !m.id.contains("latest"),
            Reverse(m.id.clone()),
        )
    });
    ranked
}

/// OpenCode's `getSmallModel` for one provider: family priority over models sorted by release
/// date then id (newest first); Bedrock prefers `global.` ids, then region-prefixed ones.
pub fn small_model_of(provider: &ResolvedProvider) -> Option<ModelRef> {
    if matches!(provider.id.as_str(), "azure" | "azure-cognitive-services") {
        return None;
    }
    let families: &[&str] = if provider.id.starts_with("opencode") {
        &["gpt-nano"]
    } else if provider.id == "github-copilot" {
        &["gpt-mini", "gemini-flash", "gpt-nano", "claude-haiku"]
    } else {
        &["gemini-flash", "gpt-nano", "claude-haiku"]
    };
    let mut models: Vec<&ResolvedModel> = provider.models.values().filter(|m| usable(m)).collect();
    models.sort_by_key(|m| {
        (
            bedrock_prefix_rank(&provider.id, &m.id),
            Reverse(m.info.release_date.clone().unwrap_or_default()),
            Reverse(m.id.clone()),
        )
    });
    let by_family = families.iter().find_map(|family| {
        models
            .iter()
            .find(|m| m.info.family.as_deref() == Some(*family))
    });
    // Older catalogs lack `family`: fall back to OpenCode's earlier id substrings.
    const ID_HINTS: &[&str] = &[
        "claude-haiku-4-5",
        "claude-haiku-4.5",
        "3-5-haiku",
        "3.5-haiku",
        "gemini-3-flash",
        "gemini-2.5-flash",
        "gpt-5-nano",
    ];
    let found = by_family.or_else(|| {
        ID_HINTS
            .iter()
            .find_map(|hint| models.iter().find(|m| m.id.contains(hint)))
    })?;
    Some(ModelRef::new(&provider.id, &found.id))
}

fn bedrock_prefix_rank(provider_id: &str, model_id: &str) -> u8 {
    if provider_id != "amazon-bedrock" {
        return 0;
    }
    if model_id.starts_with("global.") {
        0
    } else if ["us.", "eu.", "jp.", "apac.", "au."]
        .iter()
        .any(|p| model_id.starts_with(p))
    {
        1
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::auth_view::{CredentialSource, NoCredentials};
    use crate::catalog::snapshot::embedded_catalog;
    use serde_json::json;
    use std::collections::HashMap;

    fn config(value: serde_json::Value) -> SidecarConfig {
        SidecarConfig::from_value(value, &HashMap::new(), None).expect("config")
    }

    fn connected(ids: &'static [&'static str]) -> impl Fn(&str) -> Option<CredentialSource> {
        move |id| ids.contains(&id).then_some(CredentialSource::Env)
    }

    #[test]
    fn explicit_config_model_wins() {
        let cfg = config(
            json!({"model": "openrouter/anthropic/claude-sonnet-4.5", "small_model": "openai/gpt-5-nano"}),
        );
        let merged = MergedCatalog::build(&embedded_catalog(), &cfg);
        let prefs = Preferences {
            selected_provider_id: Some("zai".into()),
            selected_model_id: Some("glm-4.7".into()),
            ..Preferences::default()
        };
        let result = merged.default_model(&cfg, Some(&prefs), &NoCredentials);
        assert_eq!(result.source, DefaultModelSource::Config);
        let model = result.model.expect("model");
        assert_eq!(
            (model.provider_id.as_str(), model.model_id.as_str()),
            ("openrouter", "anthropic/claude-sonnet-4.5")
        );
        assert_eq!(
            result.small_model.map(|m| m.id).as_deref(),
            Some("openai/gpt-5-nano")
        );
    }

    #[test]
    fn preference_then_priority() {
        let cfg = SidecarConfig::default();
        let merged = MergedCatalog::build(&embedded_catalog(), &cfg);
        let prefs = Preferences {
            selected_provider_id: Some("zai".into()),
            selected_model_id: Some("zai/glm-4.7".into()),
            ..Preferences::default()
        };
        let result = merged.default_model(&cfg, Some(&prefs), &NoCredentials);
        assert_eq!(result.source, DefaultModelSource::Preference);
        assert_eq!(result.model.map(|m| m.id).as_deref(), Some("zai/glm-4.7"));

        let stale = Preferences {
            selected_model_id: Some("gone".into()),
            ..prefs
        };
        let result = merged.default_model(&cfg, Some(&stale), &connected(&["anthropic"]));
        assert_eq!(result.source, DefaultModelSource::Priority);
        let model = result.model.expect("model");
        assert_eq!(model.provider_id, "anthropic");
        assert!(model.model_id.contains("claude-sonnet-4"), "{model:?}");
        let small = result.small_model.expect("small");
        let family = merged
            .model("anthropic", &small.model_id)
            .and_then(|(_, m)| m.info.family.clone());
        assert_eq!(family.as_deref(), Some("claude-haiku"));

        let none = merged.default_model(&cfg, None, &NoCredentials);
        assert_eq!(
            (none.model, none.source, none.small_model),
            (None, DefaultModelSource::None, None)
        );
    }

    #[test]
    fn configured_connected_provider_preferred() {
        let cfg = config(json!({"provider": {"google": {"options": {"apiKey": "k"}}}}));
        let merged = MergedCatalog::build(&embedded_catalog(), &cfg);
        let result = merged.default_model(&cfg, None, &connected(&["anthropic", "openai"]));
        let model = result.model.expect("model");
        assert_eq!(model.provider_id, "google");
        assert!(model.model_id.contains("gemini-3-pro"), "{model:?}");
        let small = result.small_model.expect("small");
        let family = merged
            .model("google", &small.model_id)
            .and_then(|(_, m)| m.info.family.clone());
        assert_eq!(family.as_deref(), Some("gemini-flash"));
    }

    #[test]
    fn ranking_follows_opencode_sort() {
        let catalog = embedded_catalog();
        let merged = MergedCatalog::build(&catalog, &SidecarConfig::default());
        let openai = &merged.providers["openai"];
        let top = rank_models(openai.models.values());
        assert!(top[0].id.contains("gpt-5"), "{}", top[0].id);
        assert!(small_model_of(&merged.providers["azure"]).is_none());
        let bedrock = small_model_of(&merged.providers["amazon-bedrock"]).expect("bedrock small");
        assert!(bedrock.model_id.starts_with("global."), "{bedrock:?}");
    }
}
