//! `chat.headers`: headers a hook adds to the call (OpenCode's `{headers}`, which starts empty).

use std::collections::BTreeMap;

use reqwest::header::{HeaderName, HeaderValue};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The output of `chat.headers`: the headers the hooks add so far. They go over the loader's,
/// the config's, the session's and the call's headers (names compare without case); auth
/// headers are computed after the hooks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatHeadersOutput {
    pub headers: BTreeMap<String, String>,
}

impl ChatHeadersOutput {
    /// Sets `name`, replacing a header of the same name in any case.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.headers
            .retain(|existing, _| !existing.eq_ignore_ascii_case(name));
        self.headers.insert(name.to_string(), value.into());
    }

    /// The names whose value differs from `before` (for `transform/preview`).
    pub fn changed_since(&self, before: &ChatHeadersOutput) -> Vec<String> {
        let mut names: Vec<String> = self
            .headers
            .iter()
            .filter(|(name, value)| before.headers.get(*name) != Some(value))
            .map(|(name, _)| name.clone())
            .collect();
        names.extend(
            before
                .headers
                .keys()
                .filter(|name| !self.headers.contains_key(*name))
                .cloned(),
        );
        names
    }
}

/// A host's answer to `hook/chat.headers`: headers to set (a `null` value removes a header an
/// earlier hook set). `null` as the whole answer changes nothing; names and values must be valid
/// HTTP.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatHeadersPatch {
    #[serde(default)]
    pub headers: BTreeMap<String, Option<String>>,
}

impl ChatHeadersPatch {
    pub fn check(&self) -> Result<(), String> {
        for (name, value) in &self.headers {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("{name:?} is not a valid header name"))?;
            if let Some(value) = value {
                HeaderValue::from_str(value)
                    .map_err(|_| format!("the value of {name} is not a valid header value"))?;
            }
        }
        Ok(())
    }

    pub fn apply(self, output: &mut ChatHeadersOutput) {
        for (name, value) in self.headers {
            match value {
                Some(value) => output.set(&name, value),
                None => output
                    .headers
                    .retain(|existing, _| !existing.eq_ignore_ascii_case(&name)),
            }
        }
    }
}

/// The params of `hook/chat.headers`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatHeadersHookParams<'a> {
    pub input: &'a super::ChatHookInput<'a>,
    pub output: &'a ChatHeadersOutput,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_patch_sets_and_removes_without_regard_to_case() {
        let mut output = ChatHeadersOutput::default();
        output.set("X-Team", "a");
        output.set("x-old", "b");
        let patch: ChatHeadersPatch =
            serde_json::from_value(json!({"headers": {"x-team": "c", "X-OLD": null}}))
                .expect("valid");
        patch.check().expect("valid HTTP");
        patch.apply(&mut output);
        assert_eq!(
            output.headers,
            BTreeMap::from([("x-team".into(), "c".into())])
        );
    }

    #[test]
    fn invalid_http_is_refused() {
        for bad in [
            json!({"headers": {"bad name": "v"}}),
            json!({"headers": {"x": "a\nb"}}),
        ] {
            let patch: ChatHeadersPatch = serde_json::from_value(bad.clone()).expect("shape");
            assert!(patch.check().is_err(), "{bad}");
        }
        assert!(serde_json::from_value::<ChatHeadersPatch>(json!({"headers": {"x": 1}})).is_err());
    }
}
