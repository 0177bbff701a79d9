//! What a host declares in `initialize` (`capabilities.hooks`): the hooks it implements, how long
//! the sidecar waits for each answer, and whether a failed hook fails the call.

use std::time::Duration;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::HookFailure;

/// The server→client request of `chat.params`.
pub const CHAT_PARAMS: &str = "hook/chat.params";
/// The server→client request of `chat.headers`.
pub const CHAT_HEADERS: &str = "hook/chat.headers";
/// The server→client request of `config`.
pub const CONFIG: &str = "hook/config";
/// The notification of `event` (never answered).
pub const EVENT: &str = "hook/event";

/// How long a host hook may take when `timeoutMs` is not given.
pub const DEFAULT_TIMEOUT_MS: u64 = 5_000;
/// The longest `timeoutMs` accepted.
pub const MAX_TIMEOUT_MS: u64 = 120_000;

/// `capabilities.hooks` of `initialize`. Hook names the sidecar does not know are ignored
/// (`initialize`'s result lists the ones it will call).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostHooks {
    /// The host answers `hook/config` (when `initialize` loads the config).
    #[serde(default)]
    pub config: bool,
    /// The host answers `hook/chat.params`.
    #[serde(default)]
    pub chat_params: bool,
    /// The host answers `hook/chat.headers`.
    #[serde(default)]
    pub chat_headers: bool,
    /// The host wants `hook/event` notifications.
    #[serde(default)]
    pub event: bool,
    /// How long the sidecar waits for each hook's answer, in ms (default 5000, at most 120000).
    /// Past it the sidecar sends `$/cancelRequest` and applies the failure policy.
    #[serde(default)]
    #[schemars(range(min = 1, max = 120000))]
    pub timeout_ms: Option<u64>,
    /// A hook that fails, times out or answers garbage fails the call with `hook_failed`
    /// (nothing is sent upstream). By default the call goes on without the hook's change, with a
    /// warning in its result.
    #[serde(default)]
    pub fail_closed: bool,
}

impl HostHooks {
    /// A timeout out of range, as `(field, reason)` under `capabilities.hooks`.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        match self.timeout_ms {
            Some(ms) if ms == 0 || ms > MAX_TIMEOUT_MS => Err((
                "timeoutMs",
                format!("{ms} is out of range (1 to {MAX_TIMEOUT_MS})"),
            )),
            _ => Ok(()),
        }
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS))
    }

    /// The server→client methods the sidecar will use: `hook/config` first (it runs when the
    /// config is loaded), then in the order they run in a call.
    pub fn methods(&self) -> Vec<String> {
        [
            (self.config, CONFIG),
            (self.chat_params, CHAT_PARAMS),
            (self.chat_headers, CHAT_HEADERS),
            (self.event, EVENT),
        ]
        .into_iter()
        .filter(|(declared, _)| *declared)
        .map(|(_, method)| method.to_string())
        .collect()
    }
}

/// A host's answer to a hook request: `null` is "no change"; anything but an object of the
/// patch's shape is an invalid answer.
pub fn decode_answer<P: DeserializeOwned + Default>(answer: Value) -> Result<P, HookFailure> {
    match answer {
        Value::Null => Ok(P::default()),
        Value::Object(_) => serde_json::from_value(answer)
            .map_err(|err| HookFailure::InvalidAnswer(err.to_string())),
        other => Err(HookFailure::InvalidAnswer(format!(
            "expected an object or null, not {}",
            kind_of(&other)
        ))),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::ChatParamsPatch;
    use serde_json::json;

    #[test]
    fn answers_other_than_an_object_or_null_are_invalid() {
        let none: ChatParamsPatch = decode_answer(Value::Null).expect("null is no change");
        assert_eq!(none, ChatParamsPatch::default());
        for garbage in [
            json!([0.1, 0.2]),
            json!("0.3"),
            json!(true),
            json!({"topK": "x"}),
        ] {
            let err = decode_answer::<ChatParamsPatch>(garbage.clone()).expect_err("garbage");
            assert_eq!(err.reason(), "invalid_answer", "{garbage}");
        }
    }

    #[test]
    fn the_declaration_names_the_methods_and_checks_its_timeout() {
        let hooks: HostHooks =
            serde_json::from_value(json!({"chatHeaders": true, "event": true, "auth": true}))
                .expect("unknown hooks are ignored");
        assert_eq!(hooks.methods(), [CHAT_HEADERS, EVENT]);
        assert_eq!(hooks.timeout(), Duration::from_millis(DEFAULT_TIMEOUT_MS));
        for bad in [0, MAX_TIMEOUT_MS + 1] {
            let hooks = HostHooks {
                timeout_ms: Some(bad),
                ..HostHooks::default()
            };
            assert_eq!(hooks.check().expect_err("out of range").0, "timeoutMs");
        }
    }
}
