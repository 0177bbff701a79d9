//! `auth`: OpenCode's auth loader (`auth.loader(getAuth, provider) → options`). Given the
//! provider, the credential the session chose and the provider's catalog and config options, a
//! loader contributes what the credential needs on the wire: the endpoint, headers, the bearer
//! token and request-time behaviour (OpenCode's custom `fetch`). The profile's loader resolves the
//! runtime as for an API key; the auth loaders' options then go over it.
//!
//! In process only: what a loader is handed holds the credential, which a host must never be
//! sent. A host supplies credentials through `auth/set` and `session/open`'s `credentials`.

use std::collections::BTreeMap;

use crate::provider::common::{get_header, join_url, set_header};
use crate::provider::{AuthScheme, DynamicHeaders, LoaderInput, ResolvedRuntime, Secret};

/// What an auth loader is handed: the provider and model, the credential the session chose
/// (session → stored, refreshed on use → env), its stored metadata, the provider's merged catalog
/// and config options, the env view and the client's identity.
pub type AuthContext<'a> = LoaderInput<'a>;

/// The chat URL every call goes to whatever the config's `baseURL` (OpenCode's fetch rewriting
/// the URL), with the base URL it is shown under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub base_url: String,
    pub chat_url: String,
}

/// The options the auth loaders contribute, each loader editing what the ones before it left.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthOptions {
    /// The base URL when the config names none (`options.baseURL` wins over it).
    pub base_url: Option<String>,
    /// Where every chat call goes, whatever the config says.
    pub endpoint: Option<Endpoint>,
    /// Headers under the config's and the session's headers of the same name.
    pub headers: BTreeMap<String, String>,
    /// `Authorization: Bearer <token>` in place of the profile's auth.
    pub bearer: Option<Secret>,
    /// Headers computed per request from its body (Copilot's `x-initiator` and vision headers).
    pub request_headers: Option<DynamicHeaders>,
}

impl AuthOptions {
    /// Whether no loader contributed anything.
    pub fn is_empty(&self) -> bool {
        *self == AuthOptions::default()
    }

    /// The names of what differs from `before` (`baseUrl`, `endpoint`, `bearer`,
    /// `requestHeaders`, and the header names), for `transform/preview`.
    pub fn changed_since(&self, before: &AuthOptions) -> Vec<String> {
        let mut changed = Vec::new();
        let mut note = |differs: bool, name: &str| {
            if differs {
                changed.push(name.to_string());
            }
        };
        note(self.base_url != before.base_url, "baseUrl");
        note(self.endpoint != before.endpoint, "endpoint");
        note(self.bearer != before.bearer, "bearer");
        note(
            self.request_headers != before.request_headers,
            "requestHeaders",
        );
        for (name, value) in &self.headers {
            note(before.headers.get(name) != Some(value), name);
        }
        for name in before.headers.keys() {
            note(!self.headers.contains_key(name), name);
        }
        changed
    }

    /// The provider options the profile's loader resolves with: the loader's base URL as
    /// `baseURL` when the config sets none.
    pub fn loader_options(
        &self,
        options: &serde_json::Map<String, serde_json::Value>,
    ) -> Option<serde_json::Map<String, serde_json::Value>> {
        let base = self.base_url.as_ref()?;
        let configured = options
            .get("baseURL")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|url| !url.trim().is_empty());
        if configured {
            return None;
        }
        let mut options = options.clone();
        options.insert("baseURL".into(), base.clone().into());
        Some(options)
    }

    /// Puts the rest over the runtime the profile resolved: the endpoint, the headers (the
    /// runtime's own, config and session headers already in it, win), the bearer token and the
    /// request-time headers.
    pub fn apply_to(self, runtime: &mut ResolvedRuntime) {
        if let Some(endpoint) = self.endpoint {
            runtime.base_url = endpoint.base_url;
            runtime.chat_url = endpoint.chat_url;
        }
        for (name, value) in self.headers {
            if get_header(&runtime.headers, &name).is_none() {
                set_header(&mut runtime.headers, &name, value);
            }
        }
        if let Some(token) = self.bearer {
            runtime.auth = AuthScheme::Bearer(token);
        }
        if self.request_headers.is_some() {
            runtime.dynamic_headers = self.request_headers;
        }
    }
}

impl Endpoint {
    /// `base_url` and the protocol's chat path under it.
    pub fn at(base_url: &str, path: &str) -> Self {
        Endpoint {
            base_url: base_url.to_string(),
            chat_url: join_url(base_url, path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_configs_base_url_and_headers_win_over_the_loaders() {
        let options = AuthOptions {
            base_url: Some("https://loader.example".into()),
            headers: BTreeMap::from([
                ("X-Loader".into(), "l".into()),
                ("x-shared".into(), "loader".into()),
            ]),
            ..AuthOptions::default()
        };
        let configured = json!({"baseURL": "https://config.example"});
        assert!(
            options
                .loader_options(configured.as_object().expect("object"))
                .is_none()
        );
        let bare = serde_json::Map::new();
        assert_eq!(
            options.loader_options(&bare).expect("set")["baseURL"],
            "https://loader.example"
        );

        let fixture = crate::provider::profiles::test_support::Fixture::new("p", "m")
            .option("baseURL", json!("https://config.example"))
            .session_header("X-Shared", "session");
        let mut runtime = crate::provider::resolve(&fixture.input()).expect("resolves");
        options.apply_to(&mut runtime);
        assert_eq!(get_header(&runtime.headers, "x-shared"), Some("session"));
        assert_eq!(get_header(&runtime.headers, "x-loader"), Some("l"));
        assert_eq!(runtime.base_url, "https://config.example");
    }

    #[test]
    fn changes_are_named() {
        let before = AuthOptions::default();
        let after = AuthOptions {
            endpoint: Some(Endpoint::at("https://e.example/api", "responses")),
            bearer: Some("t".into()),
            headers: BTreeMap::from([("originator".into(), "x".into())]),
            ..AuthOptions::default()
        };
        assert_eq!(
            after.changed_since(&before),
            ["endpoint", "bearer", "originator"]
        );
        assert_eq!(
            after.endpoint.expect("set").chat_url,
            "https://e.example/api/responses"
        );
    }
}
