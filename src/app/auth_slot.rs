//! The server's [`AuthService`], opened off the request path: the keyring probe may take up to
//! two seconds, so it runs in the background at start (or on first use) and is reopened when
//! `initialize` moves the data dir or changes the `auth` config.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::auth_settings::AuthSettings;
use super::errors::auth_error;
use super::state::Settings;
use crate::auth::{AuthService, EnvSnapshot};
use crate::rpc::error::{ErrorKind, RpcError};

/// An opened service with the settings it was opened with.
#[derive(Clone)]
pub struct AuthHandle {
    pub service: AuthService,
    pub settings: Arc<AuthSettings>,
    pub env: Arc<EnvSnapshot>,
}

/// What the service was opened for: reopen when the data dir or the config's `auth` or `network`
/// section changes. Every chat asks, so the config is compared by pointer first (it is shared
/// until `initialize` replaces it) and section by section only after a replacement.
struct OpenKey {
    data_dir: PathBuf,
    config: Option<Arc<Value>>,
}

impl OpenKey {
    fn of(settings: &Settings) -> Self {
        Self {
            data_dir: settings.data_dir.clone(),
            config: settings.config.clone(),
        }
    }

    fn section(&self, name: &str) -> Option<&Value> {
        self.config.as_deref().and_then(|config| config.get(name))
    }
}

impl PartialEq for OpenKey {
    fn eq(&self, other: &Self) -> bool {
        let same_config = match (&self.config, &other.config) {
            (Some(mine), Some(theirs)) if Arc::ptr_eq(mine, theirs) => true,
            _ => ["auth", "network"]
                .iter()
                .all(|name| self.section(name) == other.section(name)),
        };
        self.data_dir == other.data_dir && same_config
    }
}

/// Holds the service once opened. Callers wait on the lock only while an open is under way.
#[derive(Default)]
pub struct AuthSlot {
    opened: tokio::sync::Mutex<Option<(OpenKey, AuthHandle)>>,
}

impl AuthSlot {
    /// Opens the service for `settings` in the background, so that the first auth request
    /// finds it ready. Never blocks the caller.
    pub fn warm_up(self: &Arc<Self>, settings: Settings, env: Arc<HashMap<String, String>>) {
        let slot = Arc::clone(self);
        tokio::spawn(async move {
            if let Err(err) = slot.get(&settings, &env).await {
                tracing::debug!(error = %err.message, "auth store not opened at start");
            }
        });
    }

    /// The service for the current settings, opening (or reopening) it when needed.
    pub async fn get(
        &self,
        settings: &Settings,
        env: &HashMap<String, String>,
    ) -> Result<AuthHandle, RpcError> {
        let key = OpenKey::of(settings);
        let mut opened = self.opened.lock().await;
        if let Some((current, handle)) = opened.as_mut()
            && *current == key
        {
            // The same sections in a replaced config: compared by pointer from now on.
            *current = key;
            return Ok(handle.clone());
        }
        let handle = open(&key.data_dir, settings.config.as_deref(), env).await?;
        *opened = Some((key, handle.clone()));
        Ok(handle)
    }
}

async fn open(
    data_dir: &Path,
    config: Option<&Value>,
    env: &HashMap<String, String>,
) -> Result<AuthHandle, RpcError> {
    let settings = AuthSettings::from_config(config).map_err(|err| {
        RpcError::new(ErrorKind::Config, err.to_string())
            .with_data(serde_json::json!({"field": err.field, "reason": err.reason}))
    })?;
    let mut auth_config = settings.auth_config(data_dir);
    auth_config.network = super::network::process_profile(config, env)?;
    let started = std::time::Instant::now();
    let service = AuthService::open_async(auth_config)
        .await
        .map_err(|err| auth_error(&err, None))?;
    tracing::debug!(
        store = ?service.store_kind(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "auth store opened"
    );
    Ok(AuthHandle {
        service,
        settings: Arc::new(settings),
        env: Arc::new(EnvSnapshot::new(env.clone())),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn settings(data_dir: &str, config: Option<Value>) -> Settings {
        Settings {
            data_dir: PathBuf::from(data_dir),
            max_message_bytes: 1024,
            test_methods: false,
            config: config.map(Arc::new),
        }
    }

    #[test]
    fn the_store_is_reopened_only_for_its_own_settings() {
        let config =
            json!({"auth": {"store": "file"}, "network": {"proxy": "http://p:1"}, "model": "a/b"});
        let opened = OpenKey::of(&settings("/d", Some(config.clone())));
        let same = |other: &Settings| OpenKey::of(other) == opened;
        assert!(
            same(&settings("/d", Some(config.clone()))),
            "an equal config"
        );
        let mut other_model = config.clone();
        other_model["model"] = json!("c/d");
        assert!(
            same(&settings("/d", Some(other_model))),
            "a section the store does not read"
        );
        let mut other_auth = config.clone();
        other_auth["auth"]["store"] = json!("keyring");
        assert!(!same(&settings("/d", Some(other_auth))));
        let mut other_network = config.clone();
        other_network["network"]["proxy"] = json!("http://q:2");
        assert!(!same(&settings("/d", Some(other_network))));
        assert!(
            !same(&settings("/e", Some(config.clone()))),
            "another data dir"
        );
        assert!(!same(&settings("/d", None)), "no config");
        assert!(
            OpenKey::of(&settings("/d", None)) == OpenKey::of(&settings("/d", Some(json!({})))),
            "no config is a config without the sections"
        );
    }
}
