//! How chats reach providers on corporate networks: config `network {proxy, noProxy, caCertificates}`
//! first, else the proxy variables of the session's env view (`HTTPS_PROXY`, `ALL_PROXY`, `HTTP_PROXY`,
//! `NO_PROXY`, either case). Extra CA certificates are trusted besides the platform roots. The
//! clients themselves are built by [`crate::net`], as every other outgoing client is.

pub use crate::net::{NetworkProfile, NetworkSettings};

use super::store::SessionSnapshot;

/// The network settings a call of `session` uses: the config's, else the session's env view
/// (the start-time snapshot plus the session's own `env`).
pub fn profile_of(session: &SessionSnapshot, network: &NetworkSettings) -> NetworkProfile {
    NetworkProfile::resolve(network, |name| session.env(name))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use serde_json::json;

    use std::path::PathBuf;

    use super::*;
    use crate::net::SettingSource;
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
        let profile = profile_of(&session, &NetworkSettings::default());
        assert_eq!(
            profile.proxy,
            Some(("http://session:1".into(), SettingSource::Env("https_proxy")))
        );
        assert_eq!(
            profile.no_proxy,
            Some(("localhost".into(), SettingSource::Env("NO_PROXY")))
        );
        let network: NetworkSettings = serde_json::from_value(
            json!({"proxy": "http://corp:3128", "caCertificates": ["/etc/corp.pem"]}),
        )
        .expect("settings");
        let profile = profile_of(&session, &network);
        assert_eq!(
            profile.proxy,
            Some(("http://corp:3128".into(), SettingSource::Config))
        );
        assert_eq!(
            profile.ca_certificates,
            vec![PathBuf::from("/etc/corp.pem")]
        );
        assert!(serde_json::from_value::<NetworkSettings>(json!({"proxyy": "x"})).is_err());
    }
}
