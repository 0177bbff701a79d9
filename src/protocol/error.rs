//! Provider error classification (HTTP errors and in-stream errors), retry-after parsing and the bounded
//! retry policy. Facts from the OpenCode parity inventory, section 7.

use std::sync::LazyLock;
use std::time::Duration;

use regex::RegexSet;
use reqwest::header::HeaderMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use super::types::StreamError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    RateLimited,
    ContextOverflow,
    Auth,
    BadRequest,
    ProviderServer,
    StreamInterrupted,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::RateLimited => "rate_limited",
            FailureKind::ContextOverflow => "context_overflow",
            FailureKind::Auth => "auth",
            FailureKind::BadRequest => "bad_request",
            FailureKind::ProviderServer => "provider_server",
            FailureKind::StreamInterrupted => "stream_interrupted",
        }
    }
}

/// A classified provider failure: what the RPC layer reports as `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Error)]
#[serde(rename_all = "camelCase")]
#[error("{}{}: {message}", kind.as_str(), status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
pub struct ProviderFailure {
    pub kind: FailureKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The provider's own message.
    pub message: String,
    /// The provider's error code or type, when it sent one (`insufficient_quota`, `overloaded_error`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub retryable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

impl ProviderFailure {
    pub fn new(
        kind: FailureKind,
        status: Option<u16>,
        message: impl Into<String>,
        retryable: bool,
    ) -> Self {
        ProviderFailure {
            kind,
            status,
            message: message.into(),
            code: None,
            retryable,
            retry_after_ms: None,
        }
    }

    pub fn interrupted(message: impl Into<String>) -> Self {
        Self::new(FailureKind::StreamInterrupted, None, message, true)
    }

    pub fn to_stream_error(&self) -> StreamError {
        StreamError {
            kind: self.kind.as_str().to_string(),
            message: self.message.clone(),
            status: self.status,
            retryable: self.retryable,
            retry_after_ms: self.retry_after_ms,
        }
    }
}

/// Errors of the wire layer; [`ProtocolError::kind`] is the RPC `data.kind`.
#[derive(Debug, Error)]
pub enum ProtocolError {
    #[error(transparent)]
    Provider(#[from] ProviderFailure),
    #[error("request cancelled")]
    Cancelled,
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("http client error: {0}")]
    Client(String),
}

impl ProtocolError {
    pub fn kind(&self) -> &'static str {
        match self {
            ProtocolError::Provider(failure) => failure.kind.as_str(),
            ProtocolError::Cancelled => "cancelled",
            ProtocolError::InvalidRequest(_) => "invalid_request",
            ProtocolError::Client(_) => "internal",
        }
    }
}

static OVERFLOW_PATTERNS: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        r"(?i)prompt is too long",
        r"(?i)input is too long for requested model",
        r"(?i)exceeds the context window",
        r"(?i)input token count.*exceeds the maximum",
        r"(?i)maximum prompt length is \d+",
        r"(?i)reduce the length of the messages",
        r"(?i)maximum context length is \d+ tokens",
        r"(?i)exceeds the limit of \d+",
        r"(?i)exceeds the available context size",
        r"(?i)greater than the context length",
        r"(?i)context window exceeds limit",
        r"(?i)exceeded model token limit",
        r"(?i)context[_ ]length[_ ]exceeded",
        r"(?i)request entity too large",
        r"(?i)context length is only \d+ tokens",
        r"(?i)input length.*exceeds.*context length",
        r"(?i)prompt too long; exceeded (max )?context length",
        r"(?i)too large for model with \d+ maximum context length",
        r"(?i)model_context_window_exceeded",
        r"(?i)^4(00|13)\s*(status code)?\s*\(no body\)",
    ])
    .expect("the overflow patterns are valid regexes")
});

/// True when a provider message says the prompt does not fit the model's context.
pub fn is_context_overflow_message(message: &str) -> bool {
    OVERFLOW_PATTERNS.is_match(message)
}

fn json_str<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    current.as_str()
}

/// The provider's message and code from an error body (`{error: {message, code|type|status}}`,
/// `{message}`, `{error: "..."}`), else a trimmed excerpt of the body.
fn message_and_code(status: Option<u16>, body: &str) -> (String, Option<String>) {
    let trimmed = body.trim();
    if let Ok(json) = serde_json::from_str::<Value>(trimmed) {
        let error = json.get("error").unwrap_or(&json);
        let message = json_str(error, &["message"])
            .or_else(|| error.as_str())
            .or_else(|| json_str(&json, &["message"]))
            .map(str::to_string);
        let code = ["code", "type", "status"]
            .iter()
            .find_map(|key| json_str(error, &[key]).map(str::to_string));
        if let Some(message) = message {
            return (message, code);
        }
        return (excerpt(trimmed), code);
    }
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with("<!doctype") || lower.starts_with("<html") {
        let text = match status {
            Some(401) => {
                "Unauthorized: the provider rejected the credentials (HTML error page)".to_string()
            }
            Some(403) => "Forbidden: the provider refused access (HTML error page)".to_string(),
            Some(code) => format!("HTTP {code} (HTML error page)"),
            None => "HTML error page".to_string(),
        };
        return (text, None);
    }
    if trimmed.is_empty() {
        let text = status.map_or("Unknown error".to_string(), |code| {
            format!("{code} status code (no body)")
        });
        return (text, None);
    }
    (excerpt(trimmed), None)
}

fn excerpt(text: &str) -> String {
    const MAX: usize = 2000;
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

fn mentions_rate_limit(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("rate limit")
        || lower.contains("too many requests")
        || lower.contains("rate increased too quickly")
}

/// Classifies a non-success HTTP response.
pub fn classify_http(status: u16, headers: &HeaderMap, body: &str) -> ProviderFailure {
    let (message, code) = message_and_code(Some(status), body);
    let body_json: Option<Value> = serde_json::from_str(body.trim()).ok();
    let overflow_code = body_json
        .as_ref()
        .and_then(|json| json_str(json, &["error", "code"]))
        .is_some_and(|code| code == "context_length_exceeded");
    let code_str = code.as_deref().unwrap_or("");
    let (kind, retryable) =
        if status == 413 || overflow_code || is_context_overflow_message(&message) {
            (FailureKind::ContextOverflow, false)
        } else if status == 401 || status == 403 {
            (FailureKind::Auth, false)
        } else if status == 429 {
            let quota_gone = matches!(code_str, "insufficient_quota" | "usage_not_included");
            (FailureKind::RateLimited, !quota_gone)
        } else if status == 408 || status == 409 || status >= 500 {
            (FailureKind::ProviderServer, true)
        } else if mentions_rate_limit(&message) || code_str.contains("rate_limit") {
            (FailureKind::RateLimited, true)
        } else {
            (FailureKind::BadRequest, false)
        };
    let retry_after_ms = retry_after_from_headers(headers)
        .or_else(|| body_json.as_ref().and_then(google_retry_delay_ms));
    ProviderFailure {
        kind,
        status: Some(status),
        message,
        code,
        retryable,
        retry_after_ms,
    }
}

/// Classifies an error object sent inside a stream (OpenAI responses `error` / `response.failed`,
/// Anthropic `error` events, `{error: {...}}` chunks of OpenAI-compatible servers).
pub fn classify_stream_error(value: &Value) -> ProviderFailure {
    let error = value
        .get("error")
        .filter(|e| e.is_object())
        .or_else(|| {
            value
                .get("response")
                .and_then(|r| r.get("error"))
                .filter(|e| e.is_object())
        })
        .unwrap_or(value);
    let message = json_str(error, &["message"])
        .unwrap_or("provider reported an error")
        .to_string();
    let code = json_str(error, &["code"])
        .or_else(|| json_str(error, &["type"]).filter(|t| *t != "error"))
        .map(str::to_string);
    let status = error
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok());
    let (kind, retryable) = match code.as_deref().unwrap_or("") {
        "context_length_exceeded" | "request_too_large" => (FailureKind::ContextOverflow, false),
        "insufficient_quota" | "usage_not_included" => (FailureKind::RateLimited, false),
        "rate_limit_error" | "rate_limit_exceeded" | "too_many_requests" => {
            (FailureKind::RateLimited, true)
        }
        "invalid_prompt" | "invalid_request_error" | "not_found_error" => {
            if is_context_overflow_message(&message) {
                (FailureKind::ContextOverflow, false)
            } else {
                (FailureKind::BadRequest, false)
            }
        }
        "authentication_error" | "permission_error" => (FailureKind::Auth, false),
        "server_is_overloaded" | "server_error" | "overloaded_error" | "api_error" => {
            (FailureKind::ProviderServer, true)
        }
        other => {
            if is_context_overflow_message(&message) {
                (FailureKind::ContextOverflow, false)
            } else if mentions_rate_limit(&message)
                || other.contains("exhausted")
                || other.contains("rate_limit")
            {
                (FailureKind::RateLimited, true)
            } else {
                (FailureKind::ProviderServer, true)
            }
        }
    };
    ProviderFailure {
        kind,
        status,
        message,
        code,
        retryable,
        retry_after_ms: None,
    }
}

/// `retry-after-ms` (milliseconds), else `retry-after` (seconds or an HTTP date).
pub fn retry_after_from_headers(headers: &HeaderMap) -> Option<u64> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
    {
        return Some(ms.round() as u64);
    }
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    parse_retry_after(value, chrono::Utc::now())
}

/// A `retry-after` value: seconds, or an HTTP date relative to `now`.
pub fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<u64> {
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| (seconds * 1000.0).round() as u64);
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let millis = (date.with_timezone(&chrono::Utc) - now).num_milliseconds();
    Some(millis.max(0) as u64)
}

/// Google's `google.rpc.RetryInfo` detail: `{"retryDelay": "34.4s"}` → 34400.
pub fn google_retry_delay_ms(body: &Value) -> Option<u64> {
    let details = body.get("error")?.get("details")?.as_array()?;
    details.iter().find_map(|detail| {
        let kind = detail.get("@type")?.as_str()?;
        if !kind.ends_with("google.rpc.RetryInfo") {
            return None;
        }
        let delay = detail
            .get("retryDelay")?
            .as_str()?
            .trim()
            .strip_suffix('s')?;
        let seconds = delay
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0)?;
        Some((seconds * 1000.0).round() as u64)
    })
}

/// Bounded retries before the first streamed byte.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    pub base_delay_ms: u64,
    /// Cap of the exponential delay.
    pub max_delay_ms: u64,
    /// A provider asking to wait longer than this is not retried: the failure goes back to the caller with
    /// its retry-after.
    pub max_retry_after_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay_ms: 2000,
            max_delay_ms: 30_000,
            max_retry_after_ms: 60_000,
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based) after `failure`, or `None` to give up.
    pub fn delay_for(&self, retry: u32, failure: &ProviderFailure) -> Option<Duration> {
        if !failure.retryable
            || failure.kind == FailureKind::ContextOverflow
            || retry > self.max_retries
        {
            return None;
        }
        if let Some(wait) = failure.retry_after_ms {
            return (wait <= self.max_retry_after_ms).then(|| Duration::from_millis(wait));
        }
        let exponential = self
            .base_delay_ms
            .saturating_mul(1u64 << retry.saturating_sub(1).min(20))
            .min(self.max_delay_ms);
        // Equal jitter: half fixed, half random, so concurrent clients spread out.
        let half = exponential / 2;
        Some(Duration::from_millis(half + fastrand::u64(0..=half)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn fixture(path: &str) -> String {
        let full = format!(
            "{}/fixtures/provider-streams/{path}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(full).expect("fixture exists")
    }

    #[test]
    fn google_429_is_rate_limited_with_retry_info() {
        let failure = classify_http(
            429,
            &HeaderMap::new(),
            &fixture("google/google-429-retry-info.json"),
        );
        assert_eq!(failure.kind, FailureKind::RateLimited);
        assert!(failure.retryable);
        assert_eq!(failure.retry_after_ms, Some(34_400));
        assert_eq!(failure.code.as_deref(), Some("RESOURCE_EXHAUSTED"));
        assert_eq!(
            failure.message,
            "You exceeded your current quota, please check your plan."
        );
    }

    #[test]
    fn openai_quota_429_is_not_retryable() {
        let failure = classify_http(
            429,
            &HeaderMap::new(),
            &fixture("openai-responses/openai-error.1.json"),
        );
        assert_eq!(failure.kind, FailureKind::RateLimited);
        assert!(!failure.retryable);
        assert_eq!(failure.code.as_deref(), Some("insufficient_quota"));
    }

    #[test]
    fn openai_unsupported_parameter_is_bad_request() {
        let body = fixture("openai-chat/reasoning-model-legacy-parameter-error.json");
        let failure = classify_http(400, &HeaderMap::new(), &body);
        assert_eq!(failure.kind, FailureKind::BadRequest);
        assert!(!failure.retryable);
        assert!(
            failure
                .message
                .starts_with("Unsupported parameter: 'max_tokens'")
        );
    }

    #[test]
    fn context_overflow_is_recognised_and_never_retried() {
        let cases = [
            (
                400,
                r#"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}"#,
            ),
            (
                400,
                r#"{"error":{"message":"This model's maximum context length is 128000 tokens.","code":"context_length_exceeded"}}"#,
            ),
            (
                400,
                r#"{"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}"#,
            ),
            (413, ""),
            (400, ""),
        ];
        for (status, body) in cases {
            let failure = classify_http(status, &HeaderMap::new(), body);
            assert_eq!(failure.kind, FailureKind::ContextOverflow, "{body}");
            assert!(!failure.retryable);
            assert_eq!(RetryPolicy::default().delay_for(1, &failure), None);
        }
    }

    #[test]
    fn statuses_map_to_kinds() {
        let empty = HeaderMap::new();
        assert_eq!(
            classify_http(401, &empty, "<html>nope</html>").kind,
            FailureKind::Auth
        );
        assert_eq!(classify_http(403, &empty, "{}").kind, FailureKind::Auth);
        let overloaded = classify_http(
            529,
            &empty,
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        );
        assert_eq!(
            (overloaded.kind, overloaded.retryable),
            (FailureKind::ProviderServer, true)
        );
        assert_eq!(overloaded.message, "Overloaded");
        assert_eq!(
            classify_http(404, &empty, "not found").kind,
            FailureKind::BadRequest
        );
        assert_eq!(
            classify_http(500, &empty, "").message,
            "500 status code (no body)"
        );
    }

    #[test]
    fn retry_after_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after_from_headers(&headers), Some(7000));
        headers.insert("retry-after-ms", HeaderValue::from_static("1500.4"));
        assert_eq!(retry_after_from_headers(&headers), Some(1500));
        let now = chrono::DateTime::parse_from_rfc2822("Wed, 21 Oct 2015 07:28:00 GMT")
            .expect("valid date")
            .with_timezone(&chrono::Utc);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(30_000)
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(0)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn stream_errors_are_classified() {
        let quota = classify_stream_error(
            &serde_json::json!({"type":"error","error":{"type":"insufficient_quota","code":"insufficient_quota","message":"You exceeded your current quota"}}),
        );
        assert_eq!(
            (quota.kind, quota.retryable),
            (FailureKind::RateLimited, false)
        );
        let overloaded = classify_stream_error(
            &serde_json::json!({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}),
        );
        assert_eq!(
            (overloaded.kind, overloaded.retryable),
            (FailureKind::ProviderServer, true)
        );
        let overflow = classify_stream_error(
            &serde_json::json!({"type":"error","code":"context_length_exceeded","message":"too long"}),
        );
        assert_eq!(overflow.kind, FailureKind::ContextOverflow);
    }

    #[test]
    fn backoff_is_bounded_exponential_with_jitter() {
        let policy = RetryPolicy::default();
        let failure = ProviderFailure::new(FailureKind::ProviderServer, Some(503), "x", true);
        for retry in 1..=3 {
            let full = (2000u64 << (retry - 1)).min(30_000);
            let delay = policy
                .delay_for(retry, &failure)
                .expect("retry allowed")
                .as_millis() as u64;
            assert!(delay >= full / 2 && delay <= full, "retry {retry}: {delay}");
        }
        assert_eq!(policy.delay_for(4, &failure), None);
        let capped = RetryPolicy {
            max_retries: 30,
            ..policy.clone()
        };
        assert!(capped.delay_for(25, &failure).expect("allowed") <= Duration::from_millis(30_000));
        let mut told = failure.clone();
        told.retry_after_ms = Some(1234);
        assert_eq!(
            policy.delay_for(1, &told),
            Some(Duration::from_millis(1234))
        );
        told.retry_after_ms = Some(3_600_000);
        assert_eq!(policy.delay_for(1, &told), None);
        assert_eq!(ProtocolError::from(failure).kind(), "provider_server");
    }
}
