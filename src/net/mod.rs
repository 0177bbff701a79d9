//! Every outgoing HTTP client, built one way: chats, sign-in and token refresh, catalog refresh,
//! model discovery and token exchanges all go through [`build_client`] with the network settings
//! in force, so a user behind a corporate proxy or TLS-inspecting gateway can do all of them.
//!
//! The settings in force ([`NetworkProfile`]) are config `network {proxy, noProxy,
//! caCertificates}` first, else the proxy variables of the environment view the caller passes
//! (the start-time snapshot, plus a session's own `env` for chats): `HTTPS_PROXY`, `ALL_PROXY`,
//! `HTTP_PROXY`, `NO_PROXY`, either case. Extra CA certificates are trusted besides the
//! platform's roots. The process environment is never read here: reqwest's own reading of the
//! proxy variables is turned off, so what the profile says is exactly what a client does.
//!
//! This module knows nothing else of the crate; `auth`, `catalog`, `protocol` and `session` use it.

mod client;

pub use client::{ClientPool, ClientSpec, NetError, build_client, check_ca_file};

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Config section `network`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkSettings {
    /// Proxy URL for every outgoing request (`http://`, `https://`, `socks5://`, `socks5h://`;
    /// `host:port` means `http://host:port`).
    #[serde(default)]
    pub proxy: Option<String>,
    /// Hosts that bypass the proxy (`NO_PROXY` syntax).
    #[serde(default)]
    pub no_proxy: Option<String>,
    /// PEM files of extra CA certificates to trust.
    #[serde(default)]
    pub ca_certificates: Vec<PathBuf>,
}

impl NetworkSettings {
    /// Reads `config.network`; no config or no `network` key gives the defaults. The error
    /// names the offending field (`network.caCertificates`, ...).
    pub fn from_config(config: Option<&Value>) -> Result<Self, NetError> {
        let section = match config.and_then(|c| c.get("network")) {
            None | Some(Value::Null) => return Ok(Self::default()),
            Some(section) => section,
        };
        serde_path_to_error::deserialize(section).map_err(|err| {
            let path = err.path().to_string();
            NetError::Config {
                field: if path == "." {
                    "network".to_owned()
                } else {
                    format!("network.{path}")
                },
                reason: err.into_inner().to_string(),
            }
        })
    }
}

/// Where a proxy setting came from: the config, or the environment variable that held it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettingSource {
    Config,
    Env(&'static str),
}

impl SettingSource {
    /// The name of what to fix: `network.proxy`, or the variable's name.
    pub fn name(self, config_field: &'static str) -> &'static str {
        match self {
            SettingSource::Config => config_field,
            SettingSource::Env(variable) => variable,
        }
    }
}

/// The proxy, bypass list and CA files that outgoing requests use; also the key under which
/// pooled clients are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct NetworkProfile {
    pub proxy: Option<(String, SettingSource)>,
    pub no_proxy: Option<(String, SettingSource)>,
    pub ca_certificates: Vec<PathBuf>,
}

const PROXY_VARIABLES: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "HTTP_PROXY",
    "http_proxy",
];
const NO_PROXY_VARIABLES: [&str; 2] = ["NO_PROXY", "no_proxy"];

impl NetworkProfile {
    /// Config first, else the environment view `env` (a variable set to blanks counts as unset).
    pub fn resolve<'a>(
        settings: &NetworkSettings,
        env: impl Fn(&str) -> Option<&'a str>,
    ) -> NetworkProfile {
        let from_env = |names: &[&'static str]| {
            names.iter().find_map(|name| {
                env(name)
                    .filter(|value| !value.trim().is_empty())
                    .map(|value| (value.trim().to_owned(), SettingSource::Env(name)))
            })
        };
        let configured = |value: &Option<String>| {
            value
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| (v.trim().to_owned(), SettingSource::Config))
        };
        NetworkProfile {
            proxy: configured(&settings.proxy).or_else(|| from_env(&PROXY_VARIABLES)),
            no_proxy: configured(&settings.no_proxy).or_else(|| from_env(&NO_PROXY_VARIABLES)),
            ca_certificates: settings.ca_certificates.clone(),
        }
    }

    /// The proxy URL without any user name or password, for reports and logs.
    pub fn proxy_for_display(&self) -> Option<String> {
        let (url, _) = self.proxy.as_ref()?;
        Some(client::redact_proxy(url))
    }
}

#[cfg(test)]
mod tests;
