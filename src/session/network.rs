//! How chats reach providers on corporate networks: config `network {proxy, noProxy, caCertificates}`
//! first, else the proxy variables of the session's env view (`HTTPS_PROXY`, `ALL_PROXY`, `HTTP_PROXY`,
//! `NO_PROXY`, either case). Extra CA certificates are trusted besides the platform roots.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::store::SessionSnapshot;

/// Config section `network`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkSettings {
    /// Proxy URL for every provider request (`http://`, `https://` or `socks5://`).
    #[serde(default)]
    pub proxy: Option<String>,
    /// Hosts that bypass the proxy (`NO_PROXY` syntax).
    #[serde(default)]
    pub no_proxy: Option<String>,
    /// PEM files of extra CA certificates to trust.
    #[serde(default)]
    pub ca_certificates: Vec<PathBuf>,
}

/// The proxy, bypass list and CA files one call uses, and the thread it runs on; the key of the
/// pooled HTTP client.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientKey {
    pub proxy: Option<String>,
    pub no_proxy: Option<String>,
    pub ca_certificates: Vec<PathBuf>,
    /// A pooled connection is driven by the runtime that opened it. A chat runs whole on one
    /// single-threaded chat-I/O runtime (`rpc::chat_io`): with one pool per thread it reuses only
    /// connections of its own runtime, so no chunk crosses threads on its way in.
    pub thread: std::thread::ThreadId,
}

impl ClientKey {
    pub fn of(session: &SessionSnapshot, network: &NetworkSettings) -> Self {
        let from_env = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| session.env(name).filter(|v| !v.trim().is_empty()))
                .map(str::to_string)
        };
        let proxy = network.proxy.clone().or_else(|| {
            from_env(&[
                "HTTPS_PROXY",
                "https_proxy",
                "ALL_PROXY",
                "all_proxy",
                "HTTP_PROXY",
                "http_proxy",
            ])
        });
        let no_proxy = network
            .no_proxy
            .clone()
            .or_else(|| from_env(&["NO_PROXY", "no_proxy"]));
        ClientKey {
            proxy,
            no_proxy,
            ca_certificates: network.ca_certificates.clone(),
            thread: std::thread::current().id(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::session::store::{SessionOpenParams, SessionStore};

    #[test]
    fn config_wins_over_the_session_env_and_env_fills_in() {
        let store = SessionStore::new();
        let params: SessionOpenParams = serde_json::from_value(
            json!({"sessionId": "s", "env": {"https_proxy": "http://session:1"}}),
        )
        .expect("params");
        store.open(params).expect("opens");
        let env = HashMap::from([("NO_PROXY".to_string(), "localhost".to_string())]);
        let session = store.snapshot("s", Arc::new(env), None).expect("open");
        let key = ClientKey::of(&session, &NetworkSettings::default());
        assert_eq!(key.proxy.as_deref(), Some("http://session:1"));
        assert_eq!(key.no_proxy.as_deref(), Some("localhost"));
        let network: NetworkSettings = serde_json::from_value(
            json!({"proxy": "http://corp:3128", "caCertificates": ["/etc/corp.pem"]}),
        )
        .expect("settings");
        let key = ClientKey::of(&session, &network);
        assert_eq!(key.proxy.as_deref(), Some("http://corp:3128"));
        assert_eq!(key.ca_certificates, vec![PathBuf::from("/etc/corp.pem")]);
        assert!(serde_json::from_value::<NetworkSettings>(json!({"proxyy": "x"})).is_err());
    }
}
