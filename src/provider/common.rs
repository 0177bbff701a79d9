//! Small helpers every loader uses: headers, base URLs, `${VAR}` substitution.

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::ProviderError;
use super::input::LoaderInput;

/// Inserts a header, replacing any existing one whose name differs only in case.
pub fn set_header(headers: &mut BTreeMap<String, String>, name: &str, value: impl Into<String>) {
    headers.retain(|existing, _| !existing.eq_ignore_ascii_case(name));
    headers.insert(name.to_string(), value.into());
}

pub fn remove_header(headers: &mut BTreeMap<String, String>, name: &str) {
    headers.retain(|existing, _| !existing.eq_ignore_ascii_case(name));
}

pub fn get_header<'h>(headers: &'h BTreeMap<String, String>, name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(existing, _)| existing.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Loader defaults, then config `options.headers`, then the session's headers (last wins).
pub fn merged_headers(
    input: &LoaderInput<'_>,
    loader_defaults: &[(&str, String)],
) -> BTreeMap<String, String> {
    let mut headers = BTreeMap::new();
    for (name, value) in loader_defaults {
        set_header(&mut headers, name, value.clone());
    }
    if let Some(Value::Object(config_headers)) = input.options.get("headers") {
        for (name, value) in config_headers {
            if let Some(value) = value.as_str() {
                set_header(&mut headers, name, value);
            }
        }
    }
    for (name, value) in input.session_headers {
        set_header(&mut headers, name, value.clone());
    }
    headers
}

/// Replaces `${NAME}` from `vars` first, then the env snapshot; unknown names are left as they are.
pub fn substitute_vars(template: &str, vars: &[(&str, String)], input: &LoaderInput<'_>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        let value = vars
            .iter()
            .find(|(var, _)| *var == name)
            .map(|(_, value)| value.as_str())
            .or_else(|| input.env_var(name));
        match value {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[start..start + 2 + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// `options.baseURL`, else the catalog `api` URL, else the loader's default; no trailing slash.
pub fn base_url(
    input: &LoaderInput<'_>,
    default: Option<&str>,
    vars: &[(&str, String)],
) -> Result<String, ProviderError> {
    let raw = input
        .option_str("baseURL")
        .or(input.api_url.map(str::trim).filter(|s| !s.is_empty()))
        .or(default)
        .ok_or_else(|| ProviderError::ConfigMissing {
            provider: input.provider_id.to_string(),
            setting: "baseURL",
            hint: "set provider.options.baseURL or the catalog `api` URL".into(),
        })?;
    let url = substitute_vars(raw, vars, input);
    let url = collapse_doubled_scheme(url);
    if url.contains("${") {
        return Err(ProviderError::ConfigMissing {
            provider: input.provider_id.to_string(),
            setting: "baseURL",
            hint: format!("unresolved variable in `{url}`"),
        });
    }
    validate_url(&url)?;
    Ok(url.trim_end_matches('/').to_string())
}

/// `https://${DATABRICKS_HOST}` with a host variable that already carries its scheme.
fn collapse_doubled_scheme(url: String) -> String {
    for outer in ["https://", "http://"] {
        if let Some(rest) = url.strip_prefix(outer)
            && (rest.starts_with("https://") || rest.starts_with("http://"))
        {
            return rest.to_string();
        }
    }
    url
}

pub fn validate_url(url: &str) -> Result<(), ProviderError> {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(())
    } else {
        Err(ProviderError::InvalidUrl {
            url: url.to_string(),
            reason: "expected an http(s) URL".into(),
        })
    }
}

/// Joins a base URL and a path with exactly one slash.
pub fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}
