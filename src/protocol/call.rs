//! The whole call in two steps for the session layer: [`prepare`] (body + path + the format's default
//! headers on top of the provider's endpoint; Bedrock's SigV4 signing goes between the two steps), then
//! [`crate::protocol::execute::execute_stream`]; or [`stream_chat`] for both at once.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio_util::sync::CancellationToken;

use super::WireFormat;
use super::error::ProtocolError;
use super::execute::{ExecuteOptions, Execution, PreparedRequest, execute_stream};
use super::request::build_request;
use super::types::{ChatRequest, StreamPart};

/// Where a provider is reached, as the provider layer resolved it (auth headers included).
#[derive(Clone)]
pub struct Endpoint {
    /// e.g. `https://api.anthropic.com/v1` (the wire path is appended).
    pub base_url: String,
    pub headers: HeaderMap,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field(
                "base_url",
                &self.base_url.split('?').next().unwrap_or_default(),
            )
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The exact HTTP request a chat call sends (also what `transform/preview` shows, after redaction).
pub fn prepare(
    endpoint: &Endpoint,
    format: WireFormat,
    model_id: &str,
    request: &ChatRequest,
) -> Result<PreparedRequest, ProtocolError> {
    let wire = build_request(format, model_id, request)?;
    let mut headers = endpoint.headers.clone();
    for (name, value) in format.default_headers() {
        let name = HeaderName::from_static(name);
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    Ok(PreparedRequest::for_wire(
        &endpoint.base_url,
        headers,
        &wire,
    ))
}

/// Builds and runs a streaming chat call; `on_part` sees every normalized part.
#[allow(clippy::too_many_arguments)]
pub async fn stream_chat(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    format: WireFormat,
    model_id: &str,
    request: &ChatRequest,
    options: &ExecuteOptions,
    cancel: &CancellationToken,
    on_part: &mut (dyn FnMut(StreamPart) + Send),
) -> Result<Execution, ProtocolError> {
    let prepared = prepare(endpoint, format, model_id, request)?;
    Ok(execute_stream(client, &prepared, format, options, cancel, on_part).await)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::protocol::execute::build_client;
    use crate::protocol::testing::{
        MockResponse, MockServer, fixture_lines, fixtures_dir, wire_chunks,
    };
    use crate::protocol::types::{Content, FinishReason, Message, Part};

    #[tokio::test]
    async fn anthropic_call_end_to_end() {
        let text =
            std::fs::read_to_string(fixtures_dir().join("anthropic/anthropic-text.chunks.txt"))
                .expect("fixture");
        let chunks = wire_chunks("anthropic", &fixture_lines(&text));
        let server = MockServer::start(vec![MockResponse::stream("text/event-stream", chunks)])
            .await
            .expect("mock");
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", HeaderValue::from_static("test-key"));
        let endpoint = Endpoint {
            base_url: format!("{}/v1", server.base_url),
            headers,
        };
        let request = ChatRequest {
            messages: vec![Message::User {
                content: Content::Text("hi".into()),
                provider_options: None,
            }],
            ..Default::default()
        };
        let client = build_client(&Default::default()).expect("client");
        let mut deltas = 0;
        let execution = stream_chat(
            &client,
            &endpoint,
            WireFormat::Anthropic,
            "claude-sonnet-4-5",
            &request,
            &ExecuteOptions::default(),
            &CancellationToken::new(),
            &mut |part| deltas += usize::from(matches!(part, StreamPart::TextDelta { .. })),
        )
        .await
        .expect("builds");
        assert!(execution.error.is_none());
        assert_eq!(deltas, 6);
        assert_eq!(execution.result.finish_reason, FinishReason::Stop);
        assert!(
            matches!(&execution.result.content[0], Part::Text { text, .. } if !text.is_empty())
        );
        let seen = &server.requests()[0];
        assert_eq!(seen.path, "/v1/messages");
        let header = |name: &str| {
            seen.headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(header("anthropic-version").as_deref(), Some("2023-06-01"));
        assert_eq!(header("x-api-key").as_deref(), Some("test-key"));
        assert_eq!(header("content-type").as_deref(), Some("application/json"));
        let body: serde_json::Value = serde_json::from_slice(&seen.body).expect("JSON");
        assert_eq!(
            body["messages"],
            json!([{"role": "user", "content": [{"type": "text", "text": "hi"}]}])
        );
        assert!(!format!("{endpoint:?}").contains("test-key"));
    }
}
