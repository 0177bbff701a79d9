//! `config`: OpenCode's `config(cfg)` hook. When the config is loaded (`initialize`), each plugin
//! sees the merged config — with every secret-bearing value redacted — and answers with a patch,
//! deep-merged into the config (`json_merge::merge_deep_map`), as any config layer is.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::provider::runtime::is_sensitive_header;
use crate::provider::secret::REDACTED;

/// The params of `hook/config`: the merged config (the sidecar's own over the imported OpenCode
/// config), secrets redacted.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigHookParams {
    /// OpenCode's config format (`provider`, `model`, `disabled_providers`, ...). Every value
    /// that may hold a credential is `"[redacted]"`: keys naming a key, token, secret, password
    /// or credential, every header value, and the user and password of URLs.
    pub config: Value,
}

/// A host's answer to `hook/config`: an object deep-merged into the config (objects merge key by
/// key, anything else replaces), or `null` for no change. A `"[redacted]"` value in it leaves the
/// value it stands for as it was, so a host may send back what it was sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct ConfigPatch(pub Map<String, Value>);

impl ConfigPatch {
    /// The patch without the `"[redacted]"` placeholders (which must not overwrite the secrets they
    /// stand for).
    pub fn without_placeholders(mut self) -> Self {
        strip_placeholders(&mut self.0);
        self
    }

    /// The dotted paths of the values it sets (for logs).
    pub fn paths(&self) -> Vec<String> {
        let mut paths = Vec::new();
        collect_paths(&self.0, "", &mut paths);
        paths
    }
}

fn strip_placeholders(map: &mut Map<String, Value>) {
    map.retain(|_, value| match value {
        Value::String(text) => text != REDACTED,
        Value::Object(inner) => {
            strip_placeholders(inner);
            true
        }
        _ => true,
    });
}

fn collect_paths(map: &Map<String, Value>, prefix: &str, out: &mut Vec<String>) {
    for (key, value) in map {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) if !inner.is_empty() => collect_paths(inner, &path, out),
            _ => out.push(path),
        }
    }
}

/// `config` with every value that may hold a credential replaced by `"[redacted]"`: strings
/// under keys that name a key, token, secret, password, credential or authorization (`apiKey`,
/// `accessKeyId`, ...), every string under a `headers` object, the user and password of URLs.
pub fn redacted(config: &Map<String, Value>) -> Map<String, Value> {
    config
        .iter()
        .map(|(key, value)| (key.clone(), redact_value(key, value, false)))
        .collect()
}

fn redact_value(key: &str, value: &Value, in_headers: bool) -> Value {
    match value {
        Value::String(_) if in_headers || is_secret_key(key) => Value::String(REDACTED.into()),
        Value::String(text) => Value::String(without_userinfo(text)),
        Value::Object(map) => {
            let headers =
                in_headers || key.eq_ignore_ascii_case("headers") || key.ends_with("Headers");
            Value::Object(
                map.iter()
                    .map(|(inner, value)| (inner.clone(), redact_value(inner, value, headers)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| redact_value(key, item, in_headers))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn is_secret_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    is_sensitive_header(key)
        || ["password", "credential", "passphrase", "private"]
            .iter()
            .any(|word| lower.contains(word))
}

/// `https://user:pass@host/...` → `https://[redacted]@host/...`.
fn without_userinfo(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{REDACTED}{}", &rest[at..]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_redacted_and_the_rest_is_kept() {
        let config = json!({
            "model": "corp/big",
            "provider": {"corp": {
                "npm": "@ai-sdk/openai-compatible",
                "options": {"baseURL": "https://u:pw-S3CRET@corp.example/v1", "apiKey": "sk-S3CRET",
                            "setCacheKey": true, "headers": {"x-team": "team-S3CRET"},
                            "accessKeyId": "AKID-S3CRET", "secretAccessKey": "aws-S3CRET"},
                "models": {"big": {"headers": {"x-model": "model-S3CRET"}, "name": "Big"}}}},
            "network": {"proxy": "http://user:proxy-S3CRET@proxy:3128"},
        });
        let shown = Value::Object(redacted(config.as_object().expect("object")));
        let text = shown.to_string();
        assert!(!text.contains("S3CRET"), "{text}");
        assert_eq!(shown["model"], "corp/big");
        let options = &shown["provider"]["corp"]["options"];
        assert_eq!(options["apiKey"], REDACTED);
        assert_eq!(options["setCacheKey"], true);
        assert_eq!(options["baseURL"], "https://[redacted]@corp.example/v1");
        assert_eq!(shown["provider"]["corp"]["models"]["big"]["name"], "Big");
    }

    #[test]
    fn placeholders_in_a_patch_leave_the_secret_alone() {
        let patch: ConfigPatch = serde_json::from_value(json!({
            "provider": {"corp": {"options": {"apiKey": REDACTED, "headers": {"x-new": "1"}}}},
            "disabled_providers": ["other"],
        }))
        .expect("an object");
        let patch = patch.without_placeholders();
        assert_eq!(
            patch.paths(),
            ["provider.corp.options.headers.x-new", "disabled_providers"]
        );
        assert!(serde_json::from_value::<ConfigPatch>(json!([1])).is_err());
    }
}
