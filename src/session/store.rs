//! The open sessions, keyed by id, and what each one holds.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::error::SessionError;
use super::secret::Secret;
use crate::json_merge::merge_deep;
use crate::protocol::error::RetryPolicy;
use crate::protocol::execute::Timeouts;
use crate::protocol::types::ProviderOptions;

/// A credential given for one provider; kept in memory only, wiped when the session closes.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CredentialInput {
    #[serde(rename_all = "camelCase")]
    OAuth {
        /// Always `"oauth"`.
        #[serde(rename = "type")]
        kind: OAuthTag,
        access: String,
        #[serde(default)]
        refresh: Option<String>,
        /// Expiry in milliseconds since the epoch.
        #[serde(default)]
        expires: Option<i64>,
    },
    #[serde(rename_all = "camelCase")]
    ApiKey { api_key: String },
    /// AWS access keys (Amazon Bedrock signs its requests with them: SigV4).
    #[serde(rename_all = "camelCase")]
    Aws {
        access_key_id: String,
        secret_access_key: String,
        #[serde(default)]
        session_token: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OAuthTag {
    Oauth,
}

/// A session's credential for one provider.
#[derive(Debug, Clone)]
pub(crate) enum SessionCredential {
    ApiKey(Secret),
    OAuth {
        access: Secret,
        #[allow(dead_code)]
        refresh: Option<Secret>,
        #[allow(dead_code)]
        expires: Option<i64>,
    },
    Aws(crate::provider::AwsCredentials),
}

impl From<CredentialInput> for SessionCredential {
    fn from(input: CredentialInput) -> Self {
        match input {
            CredentialInput::ApiKey { api_key } => SessionCredential::ApiKey(Secret::new(api_key)),
            CredentialInput::OAuth {
                access,
                refresh,
                expires,
                ..
            } => SessionCredential::OAuth {
                access: Secret::new(access),
                refresh: refresh.map(Secret::new),
                expires,
            },
            CredentialInput::Aws {
                access_key_id,
                secret_access_key,
                session_token,
            } => SessionCredential::Aws(crate::provider::AwsCredentials {
                access_key_id,
                secret_access_key: Secret::new(secret_access_key),
                session_token: session_token.map(Secret::new),
            }),
        }
    }
}

/// Defaults for every chat call of a session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionOptions {
    /// Merged under each call's `providerOptions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_options: Option<ProviderOptions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeouts: Option<Timeouts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryPolicy>,
}

/// `session/open` params (also `session/update`'s: there, fields present replace or extend the session's).
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionOpenParams {
    pub session_id: String,
    /// Config overlay in OpenCode's format (`{"provider": {...}}`), merged over the global config.
    #[serde(default)]
    pub config: Option<Value>,
    /// Environment variables on top of the sidecar's start-time snapshot, for this session only.
    #[serde(default)]
    pub env: Option<HashMap<String, String>>,
    /// Per provider id: `{apiKey}` or `{type: "oauth", access, refresh?, expires?}`.
    #[serde(default)]
    pub credentials: Option<HashMap<String, CredentialInput>>,
    /// Headers sent on every request of this session.
    #[serde(default)]
    pub headers: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub options: Option<SessionOptions>,
    /// Per provider id: the stored account this session uses instead of the provider's active one.
    #[serde(default)]
    pub accounts: Option<HashMap<String, String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionCloseParams {
    pub session_id: String,
}

/// What `session/list` shows of a session: names only, never values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub session_id: String,
    /// Providers the session holds a credential for.
    pub credential_providers: Vec<String>,
    /// Names of the session's env overlay variables.
    pub env_names: Vec<String>,
    pub header_names: Vec<String>,
    /// Provider ids of the session's config overlay.
    pub config_providers: Vec<String>,
    /// Provider id → the stored account the session uses instead of the active one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub accounts: BTreeMap<String, String>,
}

/// The data of a session at one moment; a chat call works on one snapshot from start to end.
#[derive(Debug, Clone, Default)]
pub(crate) struct SessionData {
    pub(crate) config: Value,
    pub(crate) env: HashMap<String, String>,
    pub(crate) credentials: HashMap<String, SessionCredential>,
    pub(crate) headers: BTreeMap<String, String>,
    pub(crate) options: SessionOptions,
    pub(crate) accounts: HashMap<String, String>,
}

impl SessionData {
    fn apply(&mut self, params: SessionOpenParams) -> Result<(), SessionError> {
        if let Some(config) = params.config {
            if !(config.is_object() || config.is_null()) {
                return Err(SessionError::Invalid {
                    field: "config".into(),
                    reason: "must be an object".into(),
                });
            }
            self.config = config;
        }
        if let Some(env) = params.env {
            self.env.extend(env);
        }
        if let Some(credentials) = params.credentials {
            self.credentials.extend(
                credentials
                    .into_iter()
                    .map(|(provider, input)| (provider, SessionCredential::from(input))),
            );
        }
        if let Some(headers) = params.headers {
            for name in headers.keys() {
                if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                    return Err(SessionError::Invalid {
                        field: format!("headers.{name}"),
                        reason: "not a valid header name".into(),
                    });
                }
            }
            self.headers.extend(headers);
        }
        if let Some(options) = params.options {
            self.options = options;
        }
        if let Some(accounts) = params.accounts {
            self.accounts.extend(accounts);
        }
        Ok(())
    }
}

struct Session {
    data: RwLock<Arc<SessionData>>,
    /// Cancelled when the session closes: every in-flight chat of the session watches a child of it.
    cancel: CancellationToken,
}

/// A session as one chat call sees it: its data, the process env snapshot under its overlay, the global
/// config under its config overlay, and its cancellation token.
#[derive(Debug, Clone)]
pub struct SessionSnapshot {
    pub session_id: String,
    pub(crate) data: Arc<SessionData>,
    base_env: Arc<HashMap<String, String>>,
    global_config: Option<Arc<Value>>,
    pub cancel: CancellationToken,
}

impl SessionSnapshot {
    /// An env variable: the session's overlay first, then the start-time snapshot.
    pub fn env(&self, name: &str) -> Option<&str> {
        self.data
            .env
            .get(name)
            .or_else(|| self.base_env.get(name))
            .map(String::as_str)
    }

    /// The global config with the session's overlay deep-merged over it by OpenCode's rule
    /// ([`crate::json_merge`]); a session without a config overlay (none, or `null`) sees the
    /// global config.
    pub fn merged_config(&self) -> Value {
        let mut merged = self
            .global_config
            .as_deref()
            .cloned()
            .unwrap_or(Value::Object(Default::default()));
        if self.data.config.is_object() {
            merge_deep(&mut merged, &self.data.config);
        }
        merged
    }

    pub fn headers(&self) -> &BTreeMap<String, String> {
        &self.data.headers
    }

    pub fn options(&self) -> &SessionOptions {
        &self.data.options
    }

    pub(crate) fn credential(&self, provider_id: &str) -> Option<&SessionCredential> {
        self.data.credentials.get(provider_id)
    }

    /// The stored account this session chose for a provider, if any.
    pub fn account(&self, provider_id: &str) -> Option<&str> {
        self.data.accounts.get(provider_id).map(String::as_str)
    }

    /// The session's own config overlay, when it has a non-empty one.
    pub fn config_overlay(&self) -> Option<&Value> {
        self.data
            .config
            .as_object()
            .filter(|config| !config.is_empty())
            .map(|_| &self.data.config)
    }

    /// The start-time snapshot with the session's overlay on top, as one map: the snapshot itself
    /// when the session sets no variable (copying the process's variables for every chat cost
    /// ~20 µs of a call's set-up).
    pub fn env_view(&self) -> Cow<'_, HashMap<String, String>> {
        if self.data.env.is_empty() {
            return Cow::Borrowed(&self.base_env);
        }
        let mut env = HashMap::clone(&self.base_env);
        env.extend(
            self.data
                .env
                .iter()
                .map(|(name, value)| (name.clone(), value.clone())),
        );
        Cow::Owned(env)
    }
}

/// Every open session.
#[derive(Default)]
pub struct SessionStore {
    sessions: RwLock<HashMap<String, Arc<Session>>>,
}

impl SessionStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens a session; an id already open is replaced (its in-flight chats are cancelled).
    pub fn open(&self, params: SessionOpenParams) -> Result<SessionInfo, SessionError> {
        if params.session_id.is_empty() {
            return Err(SessionError::Invalid {
                field: "sessionId".into(),
                reason: "must not be empty".into(),
            });
        }
        let id = params.session_id.clone();
        let mut data = SessionData::default();
        data.apply(params)?;
        let info = info_of(&id, &data);
        let session = Arc::new(Session {
            data: RwLock::new(Arc::new(data)),
            cancel: CancellationToken::new(),
        });
        let previous = self.write().insert(id, session);
        if let Some(previous) = previous {
            previous.cancel.cancel();
        }
        Ok(info)
    }

    /// Changes an open session; chats already running keep the snapshot they started with.
    pub fn update(&self, params: SessionOpenParams) -> Result<SessionInfo, SessionError> {
        let session = self.get(&params.session_id)?;
        let id = params.session_id.clone();
        let mut guard = session
            .data
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut data = SessionData::clone(&guard);
        data.apply(params)?;
        let info = info_of(&id, &data);
        *guard = Arc::new(data);
        Ok(info)
    }

    /// Closes a session: cancels its in-flight chats and drops (wipes) its credentials.
    pub fn close(&self, session_id: &str) -> Result<(), SessionError> {
        let session = self
            .write()
            .remove(session_id)
            .ok_or_else(|| SessionError::NotFound(session_id.to_string()))?;
        session.cancel.cancel();
        Ok(())
    }

    pub fn list(&self) -> Vec<SessionInfo> {
        let sessions = self
            .sessions
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut infos: Vec<SessionInfo> = sessions
            .iter()
            .map(|(id, session)| {
                let data = session
                    .data
                    .read()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                info_of(id, &data)
            })
            .collect();
        infos.sort_by(|a, b| a.session_id.cmp(&b.session_id));
        infos
    }

    /// The session's current state for one call.
    pub fn snapshot(
        &self,
        session_id: &str,
        base_env: Arc<HashMap<String, String>>,
        global_config: Option<Arc<Value>>,
    ) -> Result<SessionSnapshot, SessionError> {
        let session = self.get(session_id)?;
        let data = session
            .data
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        Ok(SessionSnapshot {
            session_id: session_id.to_string(),
            data,
            base_env,
            global_config,
            cancel: session.cancel.clone(),
        })
    }

    fn get(&self, session_id: &str) -> Result<Arc<Session>, SessionError> {
        self.sessions
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(session_id)
            .cloned()
            .ok_or_else(|| SessionError::NotFound(session_id.to_string()))
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Arc<Session>>> {
        self.sessions
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn info_of(id: &str, data: &SessionData) -> SessionInfo {
    let mut credential_providers: Vec<String> = data.credentials.keys().cloned().collect();
    credential_providers.sort();
    let mut env_names: Vec<String> = data.env.keys().cloned().collect();
    env_names.sort();
    let config_providers = data
        .config
        .get("provider")
        .and_then(Value::as_object)
        .map(|providers| providers.keys().cloned().collect())
        .unwrap_or_default();
    SessionInfo {
        session_id: id.to_string(),
        credential_providers,
        env_names,
        header_names: data.headers.keys().cloned().collect(),
        config_providers,
        accounts: data
            .accounts
            .iter()
            .map(|(provider, account)| (provider.clone(), account.clone()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn params(value: Value) -> SessionOpenParams {
        serde_json::from_value(value).expect("valid params")
    }

    #[test]
    fn open_update_list_close() {
        let store = SessionStore::new();
        store
            .open(params(json!({
                "sessionId": "a",
                "env": {"FOO": "1"},
                "credentials": {"openai": {"apiKey": "sk-a"}, "x": {"type": "oauth", "access": "tok"}},
                "headers": {"x-trace": "a"},
                "config": {"provider": {"p": {"npm": "@ai-sdk/openai-compatible"}}}
            })))
            .expect("opens");
        let listed = store.list();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].credential_providers, vec!["openai", "x"]);
        assert_eq!(listed[0].config_providers, vec!["p"]);
        let text = serde_json::to_string(&listed).expect("serializes");
        assert!(!text.contains("sk-a") && !text.contains("tok"));

        let base = Arc::new(HashMap::from([
            ("FOO".to_string(), "base".to_string()),
            ("BAR".to_string(), "b".to_string()),
        ]));
        let before = store.snapshot("a", base.clone(), None).expect("open");
        store
            .update(params(json!({"sessionId": "a", "env": {"BAR": "session"}})))
            .expect("updates");
        let after = store.snapshot("a", base.clone(), None).expect("open");
        assert_eq!(before.env("BAR"), Some("b"), "a snapshot does not change");
        assert_eq!(after.env("BAR"), Some("session"));
        assert_eq!(after.env("FOO"), Some("1"));
        assert!(
            after
                .credential("x")
                .is_some_and(|c| matches!(c, SessionCredential::OAuth { .. }))
        );
        assert!(!format!("{after:?}").contains("sk-a"));

        store.close("a").expect("closes");
        assert!(before.cancel.is_cancelled());
        assert_eq!(store.close("a"), Err(SessionError::NotFound("a".into())));
        assert!(matches!(
            store.snapshot("a", base, None),
            Err(SessionError::NotFound(_))
        ));
    }

    #[test]
    fn reopening_cancels_the_previous_session() {
        let store = SessionStore::new();
        store
            .open(params(json!({"sessionId": "s"})))
            .expect("opens");
        let first = store.snapshot("s", Default::default(), None).expect("open");
        store
            .open(params(json!({"sessionId": "s"})))
            .expect("reopens");
        assert!(first.cancel.is_cancelled());
        let second = store.snapshot("s", Default::default(), None).expect("open");
        assert!(!second.cancel.is_cancelled());
    }

    #[test]
    fn config_overlay_merges_over_global() {
        let store = SessionStore::new();
        store
            .open(params(json!({"sessionId": "s", "config": {"provider": {"p": {"options": {"baseURL": "http://session"}}}}})))
            .expect("opens");
        let global = Arc::new(
            json!({"provider": {"p": {"npm": "@ai-sdk/anthropic", "options": {"baseURL": "http://global", "apiKey": "k"}}}}),
        );
        let merged = store
            .snapshot("s", Default::default(), Some(global))
            .expect("open")
            .merged_config();
        assert_eq!(merged["provider"]["p"]["npm"], "@ai-sdk/anthropic");
        assert_eq!(
            merged["provider"]["p"]["options"]["baseURL"],
            "http://session"
        );
        assert_eq!(merged["provider"]["p"]["options"]["apiKey"], "k");
    }

    #[test]
    fn a_null_config_is_no_overlay_and_a_null_inside_one_replaces() {
        let global = Arc::new(json!({"provider": {"p": {"options": {"region": "eu", "k": 1}}}}));
        let store = SessionStore::new();
        store
            .open(params(json!({"sessionId": "s", "config": null})))
            .expect("opens");
        let snapshot = store.snapshot("s", Default::default(), Some(Arc::clone(&global)));
        assert_eq!(snapshot.expect("open").merged_config(), *global);
        store
            .open(params(json!({"sessionId": "s", "config": {"provider": {"p": {"options": {"region": null}}}}})))
            .expect("reopens");
        let merged = store
            .snapshot("s", Default::default(), Some(global))
            .expect("open")
            .merged_config();
        assert_eq!(
            merged["provider"]["p"]["options"],
            json!({"region": null, "k": 1})
        );
    }

    #[test]
    fn rejects_bad_header_names_and_empty_ids() {
        let store = SessionStore::new();
        let err = store
            .open(params(
                json!({"sessionId": "s", "headers": {"bad name": "v"}}),
            ))
            .expect_err("invalid header");
        assert_eq!(err.kind(), "invalid_params");
        assert!(store.open(params(json!({"sessionId": ""}))).is_err());
    }
}
