//! User config in OpenCode's `provider` format plus the sidecar's own settings, and the app's
//! persisted preferences.

pub mod atomic_file;
pub mod jsonc;
pub mod load;
pub mod opencode_import;
mod overlay;
pub mod preferences;
pub mod schema;

pub use load::ConfigError;
pub use preferences::{Preferences, PreferencesError, PreferencesStore, PreferencesUpdate};
pub use schema::{
    CatalogConfig, Headers, ModelConfig, ProviderConfig, ProviderOptions, SidecarConfig,
    TimeoutSetting,
};
