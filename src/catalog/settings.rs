//! Catalog fetch settings from config (`catalog.url`, `catalog.fetch`, `catalog.ttlMinutes`) and
//! the environment snapshot taken at start (`PROVIDER_SIDECAR_MODELS_URL`,
//! `PROVIDER_SIDECAR_DISABLE_MODELS_FETCH`). The env URL wins over config; the env switch only sets
//! the default, so a host that disables fetching for its process can still turn it on for a run
//! by an explicit `catalog.fetch: true` (with its own `catalog.url`).

use std::collections::HashMap;
use std::time::Duration;

use crate::config::CatalogConfig;
use crate::net::{NetError, NetworkProfile};

pub const DEFAULT_CATALOG_URL: &str = "https://models.dev/api.json";
pub const ENV_MODELS_URL: &str = "PROVIDER_SIDECAR_MODELS_URL";
pub const ENV_DISABLE_FETCH: &str = "PROVIDER_SIDECAR_DISABLE_MODELS_FETCH";
pub const DEFAULT_TTL: Duration = Duration::from_secs(60 * 60);
pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// A catalog larger than this is refused (today's is ~2.5 MB).
pub const MAX_CATALOG_BYTES: usize = 64 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogSettings {
    pub url: String,
    pub fetch_enabled: bool,
    /// Age after which a background refresh is due.
    pub ttl: Duration,
    /// Whole-request timeout of a fetch.
    pub timeout: Duration,
    pub user_agent: String,
    /// The proxy and CA settings a fetch goes through, or why they cannot be used (a fetch then
    /// fails with that error rather than going direct).
    pub network: Result<NetworkProfile, NetError>,
}

impl Default for CatalogSettings {
    fn default() -> Self {
        Self {
            url: DEFAULT_CATALOG_URL.to_owned(),
            fetch_enabled: true,
            ttl: DEFAULT_TTL,
            timeout: DEFAULT_FETCH_TIMEOUT,
            user_agent: format!("provider-sidecar/{}", env!("CARGO_PKG_VERSION")),
            network: Ok(NetworkProfile::default()),
        }
    }
}

impl CatalogSettings {
    pub fn resolve(config: &CatalogConfig, env: &HashMap<String, String>) -> Self {
        let url = env
            .get(ENV_MODELS_URL)
            .filter(|u| !u.trim().is_empty())
            .or(config.url.as_ref().filter(|u| !u.trim().is_empty()))
            .map(|u| normalize_url(u.trim()))
            .unwrap_or_else(|| DEFAULT_CATALOG_URL.to_owned());
        let disabled_by_env = env.get(ENV_DISABLE_FETCH).is_some_and(|v| is_truthy(v));
        Self {
            url,
            fetch_enabled: config.fetch.unwrap_or(!disabled_by_env),
            ttl: config
                .ttl_minutes
                .map_or(DEFAULT_TTL, |m| Duration::from_secs(m.saturating_mul(60))),
            ..Self::default()
        }
    }
}

fn is_truthy(value: &str) -> bool {
    !matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "0" | "false" | "no" | "off"
    )
}

/// A bare origin (as OpenCode's `OPENCODE_MODELS_URL` takes) gets `/api.json`.
fn normalize_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.path(), "" | "/") && parsed.query().is_none() => {
            format!("{}/api.json", url.trim_end_matches('/'))
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults() {
        let settings = CatalogSettings::resolve(&CatalogConfig::default(), &env(&[]));
        assert_eq!(settings.url, DEFAULT_CATALOG_URL);
        assert!(settings.fetch_enabled);
        assert_eq!(settings.ttl, Duration::from_secs(3600));
        assert_eq!(settings.timeout, Duration::from_secs(10));
    }

    #[test]
    fn config_then_env() {
        let config = CatalogConfig {
            url: Some("https://mirror.example".into()),
            fetch: None,
            ttl_minutes: Some(5),
        };
        let settings = CatalogSettings::resolve(&config, &env(&[]));
        assert_eq!(settings.url, "https://mirror.example/api.json");
        assert_eq!(settings.ttl, Duration::from_secs(300));
        let settings = CatalogSettings::resolve(
            &config,
            &env(&[
                (ENV_MODELS_URL, "http://127.0.0.1:9/custom.json"),
                (ENV_DISABLE_FETCH, "1"),
            ]),
        );
        assert_eq!(settings.url, "http://127.0.0.1:9/custom.json");
        assert!(!settings.fetch_enabled);
        assert!(CatalogSettings::resolve(&config, &env(&[(ENV_DISABLE_FETCH, "0")])).fetch_enabled);
        let explicit_on = CatalogConfig {
            fetch: Some(true),
            ..config.clone()
        };
        assert!(
            CatalogSettings::resolve(&explicit_on, &env(&[(ENV_DISABLE_FETCH, "1")])).fetch_enabled,
            "an explicit config `fetch: true` wins over the env default"
        );
        let off = CatalogConfig {
            fetch: Some(false),
            ..CatalogConfig::default()
        };
        assert!(!CatalogSettings::resolve(&off, &env(&[])).fetch_enabled);
    }
}
