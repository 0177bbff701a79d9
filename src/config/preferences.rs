//! The app's persisted choices (`preferences/get`, `preferences/update`): selected provider and
//! model, and the hybrid vision model. Stored as JSON in the data dir, replaced atomically.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use tokio::sync::Mutex;

use super::atomic_file::write_atomic;

pub const PREFERENCES_FILE: &str = "preferences.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    #[serde(default)]
    pub selected_provider_id: Option<String>,
    #[serde(default)]
    pub selected_model_id: Option<String>,
    #[serde(default = "default_true")]
    pub hybrid_enabled: bool,
    #[serde(default)]
    pub hybrid_vision_provider_id: Option<String>,
    #[serde(default)]
    pub hybrid_vision_model_id: Option<String>,
    /// RFC 3339; when nothing was ever stored, the time of the read.
    #[serde(default)]
    pub updated_at: String,
}

fn default_true() -> bool {
    true
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            selected_provider_id: None,
            selected_model_id: None,
            hybrid_enabled: true,
            hybrid_vision_provider_id: None,
            hybrid_vision_model_id: None,
            updated_at: String::new(),
        }
    }
}

/// A partial update: an absent field keeps its value, `null` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreferencesUpdate {
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub selected_provider_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub selected_model_id: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hybrid_enabled: Option<bool>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub hybrid_vision_provider_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub hybrid_vision_model_id: Option<Option<String>>,
}

/// Distinguishes a present `null` (`Some(None)`) from an absent field (`None`, via `default`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Debug, thiserror::Error)]
pub enum PreferencesError {
    #[error("cannot store preferences: {0}")]
    Storage(#[from] std::io::Error),
    #[error("cannot encode preferences: {0}")]
    Encode(#[from] serde_json::Error),
}

impl PreferencesError {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Storage(_) => "preferences_storage",
            Self::Encode(_) => "preferences_encode",
        }
    }
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The preferences file of one data dir. Updates are serialized by a lock.
pub struct PreferencesStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl PreferencesStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(PREFERENCES_FILE),
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored preferences, or defaults (with `updatedAt` = now) when none are stored or the
    /// file is unreadable.
    pub async fn get(&self) -> Preferences {
        let _guard = self.lock.lock().await;
        self.read().await
    }

    pub async fn update(&self, update: PreferencesUpdate) -> Result<Preferences, PreferencesError> {
        let _guard = self.lock.lock().await;
        let mut preferences = self.read().await;
        if let Some(value) = update.selected_provider_id {
            preferences.selected_provider_id = value;
        }
        if let Some(value) = update.selected_model_id {
            preferences.selected_model_id = value;
        }
        if let Some(value) = update.hybrid_enabled {
            preferences.hybrid_enabled = value;
        }
        if let Some(value) = update.hybrid_vision_provider_id {
            preferences.hybrid_vision_provider_id = value;
        }
        if let Some(value) = update.hybrid_vision_model_id {
            preferences.hybrid_vision_model_id = value;
        }
        preferences.updated_at = now_rfc3339();
        let bytes = serde_json::to_vec_pretty(&preferences)?;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || write_atomic(&path, &bytes))
            .await
            .map_err(std::io::Error::other)??;
        Ok(preferences)
    }

    async fn read(&self) -> Preferences {
        match tokio::fs::read(&self.path).await {
            Ok(bytes) => match serde_json::from_slice::<Preferences>(&bytes) {
                Ok(mut preferences) => {
                    if preferences.updated_at.is_empty() {
                        preferences.updated_at = now_rfc3339();
                    }
                    preferences
                }
                Err(error) => {
                    tracing::warn!(path = %self.path.display(), %error, "ignoring unreadable preferences file");
                    Preferences {
                        updated_at: now_rfc3339(),
                        ..Preferences::default()
                    }
                }
            },
            Err(_) => Preferences {
                updated_at: now_rfc3339(),
                ..Preferences::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn defaults_then_partial_updates_persist() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = PreferencesStore::new(dir.path());
        let initial = store.get().await;
        assert!(initial.hybrid_enabled);
        assert_eq!(initial.selected_model_id, None);
        assert!(chrono::DateTime::parse_from_rfc3339(&initial.updated_at).is_ok());
        let json = serde_json::to_value(&initial).expect("json");
        assert_eq!(
            json.as_object().expect("object").keys().collect::<Vec<_>>(),
            vec![
                "selectedProviderId",
                "selectedModelId",
                "hybridEnabled",
                "hybridVisionProviderId",
                "hybridVisionModelId",
                "updatedAt"
            ]
        );
        assert!(json["selectedProviderId"].is_null());

        let update: PreferencesUpdate = serde_json::from_value(
            json!({"selectedProviderId": "zai", "selectedModelId": "glm-4.7"}),
        )
        .expect("update");
        let updated = store.update(update).await.expect("update");
        assert_eq!(updated.selected_provider_id.as_deref(), Some("zai"));
        assert!(updated.hybrid_enabled);

        let update: PreferencesUpdate =
            serde_json::from_value(json!({"hybridEnabled": false, "selectedModelId": null}))
                .expect("update");
        let updated = store.update(update).await.expect("update");
        assert_eq!(
            updated.selected_provider_id.as_deref(),
            Some("zai"),
            "absent field kept"
        );
        assert_eq!(updated.selected_model_id, None, "null clears");
        assert!(!updated.hybrid_enabled);

        let reopened = PreferencesStore::new(dir.path()).get().await;
        assert_eq!(reopened, updated);
    }

    #[tokio::test]
    async fn corrupt_file_reads_as_defaults_and_is_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(PREFERENCES_FILE), b"{not json").expect("write");
        let store = PreferencesStore::new(dir.path());
        assert!(store.get().await.hybrid_enabled);
        let update = PreferencesUpdate {
            selected_provider_id: Some(Some("openai".into())),
            ..Default::default()
        };
        store.update(update).await.expect("update");
        let text = std::fs::read_to_string(store.path()).expect("read");
        assert!(serde_json::from_str::<Preferences>(&text).is_ok());
    }
}
