//! Robustness of the HTTP path against the mock server: errors before and during the stream, retries,
//! dropped connections, timeouts, cancellation, concurrency.

use std::time::Duration;

use serde_json::json;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::WireFormat;
use super::error::RetryPolicy;
use super::execute::{
    ExecuteOptions, Execution, PreparedRequest, Timeouts, build_client, execute_stream,
};
use super::testing::{Ending, MockResponse, MockServer, fixture_lines, fixtures_dir, wire_chunks};
use super::types::{FinishReason, Part, StreamPart};

fn fast_options() -> ExecuteOptions {
    ExecuteOptions {
        timeouts: Timeouts {
            connect_ms: 2000,
            first_byte_ms: 2000,
            idle_ms: 2000,
        },
        retry: RetryPolicy {
            max_retries: 2,
            base_delay_ms: 20,
            max_delay_ms: 100,
            max_retry_after_ms: 5000,
        },
    }
}

fn fixture_chunks(folder: &str, file: &str) -> Vec<Vec<u8>> {
    let text =
        std::fs::read_to_string(fixtures_dir().join(folder).join(file)).expect("fixture exists");
    wire_chunks(folder, &fixture_lines(&text))
}

async fn run(
    server: &MockServer,
    format: WireFormat,
    options: &ExecuteOptions,
    cancel: &CancellationToken,
) -> (Vec<StreamPart>, Execution) {
    let client = build_client(&Default::default()).expect("client builds");
    let request = PreparedRequest::post_json(
        format!("{}/v1/chat", server.base_url),
        Default::default(),
        &json!({"model": "m"}),
    );
    let mut parts = Vec::new();
    let execution = execute_stream(&client, &request, format, options, cancel, &mut |part| {
        parts.push(part)
    })
    .await;
    (parts, execution)
}

fn text_of(execution: &Execution) -> String {
    execution
        .result
        .content
        .iter()
        .filter_map(|part| match part {
            Part::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn http_400_is_a_bad_request_and_not_retried() {
    let body = std::fs::read_to_string(
        fixtures_dir().join("openai-chat/reasoning-model-legacy-parameter-error.json"),
    )
    .expect("fixture exists");
    let server = MockServer::start(vec![MockResponse::error(400, &[], &body)])
        .await
        .expect("mock starts");
    let (parts, execution) = run(
        &server,
        WireFormat::OpenaiChat,
        &fast_options(),
        &CancellationToken::new(),
    )
    .await;
    assert_eq!(execution.attempts, 1);
    let error = execution.error.expect("fails");
    assert_eq!(error.kind(), "bad_request");
    assert!(
        matches!(&parts[0], StreamPart::Error { error } if error.status == Some(400) && !error.retryable)
    );
    assert!(matches!(
        parts.last(),
        Some(StreamPart::Finish {
            finish_reason: FinishReason::Error,
            ..
        })
    ));
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.requests()[0].path, "/v1/chat");
    assert_eq!(server.requests()[0].body, br#"{"model":"m"}"#);
}

#[tokio::test]
async fn http_5xx_is_retried_then_succeeds() {
    let server = MockServer::start(vec![
        MockResponse::error(503, &[], r#"{"error":{"message":"upstream unavailable"}}"#),
        MockResponse::stream(
            "text/event-stream",
            fixture_chunks("anthropic", "anthropic-text.chunks.txt"),
        ),
    ])
    .await
    .expect("mock starts");
    let (parts, execution) = run(
        &server,
        WireFormat::Anthropic,
        &fast_options(),
        &CancellationToken::new(),
    )
    .await;
    assert!(execution.error.is_none(), "{:?}", execution.error);
    assert_eq!(execution.attempts, 2);
    assert!(
        !parts.iter().any(|p| matches!(p, StreamPart::Error { .. })),
        "no error part for a retried failure"
    );
    assert_eq!(execution.result.finish_reason, FinishReason::Stop);
}

#[tokio::test]
async fn rate_limit_429_waits_for_retry_after_then_succeeds() {
    let server = MockServer::start(vec![
        MockResponse::error(
            429,
            &[("retry-after-ms", "300")],
            r#"{"error":{"message":"Rate limit reached","type":"requests"}}"#,
        ),
        MockResponse::stream(
            "text/event-stream",
            fixture_chunks("openai-chat", "mistral-tool-call.chunks.txt"),
        ),
    ])
    .await
    .expect("mock starts");
    let started = Instant::now();
    let (_, execution) = run(
        &server,
        WireFormat::OpenaiChat,
        &fast_options(),
        &CancellationToken::new(),
    )
    .await;
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "honoured retry-after-ms"
    );
    assert!(execution.error.is_none());
    assert_eq!(execution.attempts, 2);
    assert_eq!(execution.result.finish_reason, FinishReason::ToolCalls);
}

#[tokio::test]
async fn rate_limit_with_retry_after_seconds_header() {
    let server = MockServer::start(vec![
        MockResponse::error(
            429,
            &[("retry-after", "1")],
            r#"{"error":{"message":"slow down"}}"#,
        ),
        MockResponse::stream(
            "text/event-stream",
            fixture_chunks("openai-chat", "mistral-tool-call.chunks.txt"),
        ),
    ])
    .await
    .expect("mock starts");
    let started = Instant::now();
    let (_, execution) = run(
        &server,
        WireFormat::OpenaiChat,
        &fast_options(),
        &CancellationToken::new(),
    )
    .await;
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(execution.error.is_none());
}

#[tokio::test]
async fn retries_are_bounded_and_a_long_retry_info_is_returned_not_waited() {
    let body = std::fs::read_to_string(fixtures_dir().join("google/google-429-retry-info.json"))
        .expect("fixture");
    let server = MockServer::start(vec![MockResponse::error(429, &[], &body)])
        .await
        .expect("mock starts");
    let started = Instant::now();
    let (_, execution) = run(
        &server,
        WireFormat::Gemini,
        &fast_options(),
        &CancellationToken::new(),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        execution.attempts, 1,
        "34.4 s is over the 5 s the policy accepts to wait"
    );
    match execution.error {
        Some(super::ProtocolError::Provider(failure)) => {
            assert_eq!(failure.kind.as_str(), "rate_limited");
            assert_eq!(failure.retry_after_ms, Some(34_400));
        }
        other => panic!("expected a provider failure, got {other:?}"),
    }

    let server = MockServer::start(vec![MockResponse::error(500, &[], "")])
        .await
        .expect("mock starts");
    let (_, execution) = run(
        &server,
        WireFormat::OpenaiChat,
        &fast_options(),
        &CancellationToken::new(),
    )
    .await;
    assert_eq!(execution.attempts, 3, "1 try + max_retries 2, then give up");
    assert_eq!(server.requests().len(), 3);
    assert_eq!(execution.error.expect("fails").kind(), "provider_server");
}

#[tokio::test]
async fn context_overflow_is_never_retried() {
    let body = r#"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 250000 tokens > 200000 maximum"}}"#;
    let server = MockServer::start(vec![MockResponse::error(400, &[], body)])
        .await
        .expect("mock starts");
    let (_, execution) = run(
        &server,
        WireFormat::Anthropic,
        &fast_options(),
        &CancellationToken::new(),
    )
    .await;
    assert_eq!(execution.attempts, 1);
    assert_eq!(execution.error.expect("fails").kind(), "context_overflow");
}

#[tokio::test]
async fn error_event_mid_stream_keeps_the_partial_result() {
    let mut chunks = fixture_chunks("anthropic", "anthropic-text.chunks.txt");
    chunks.truncate(4);
    chunks.push(
        b"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"
            .to_vec(),
    );
    let server = MockServer::start(vec![MockResponse::stream("text/event-stream", chunks)])
        .await
        .expect("mock starts");
    let (parts, execution) = run(
        &server,
        WireFormat::Anthropic,
        &fast_options(),
        &CancellationToken::new(),
    )
    .await;
    assert_eq!(execution.attempts, 1, "no retry after the first byte");
    assert_eq!(
        execution.error.as_ref().expect("fails").kind(),
        "provider_server"
    );
    assert!(
        !text_of(&execution).is_empty(),
        "the text streamed before the error is kept"
    );
    assert_eq!(
        execution.result.usage.input_tokens, 12,
        "usage from message_start is kept"
    );
    let errors: Vec<_> = parts
        .iter()
        .filter(|p| matches!(p, StreamPart::Error { .. }))
        .collect();
    assert_eq!(errors.len(), 1);
    assert!(matches!(
        parts.last(),
        Some(StreamPart::Finish {
            finish_reason: FinishReason::Error,
            ..
        })
    ));
}

#[tokio::test]
async fn dropped_connection_ends_with_an_error_part_and_partial_result() {
    let mut chunks = fixture_chunks("openai-chat", "openai-text.chunks.txt");
    chunks.truncate(20);
    let server = MockServer::start(vec![
        MockResponse::stream("text/event-stream", chunks).with_ending(Ending::Drop),
    ])
    .await
    .expect("mock starts");
    let (parts, execution) = run(
        &server,
        WireFormat::OpenaiChat,
        &fast_options(),
        &CancellationToken::new(),
    )
    .await;
    assert_eq!(
        execution.error.as_ref().expect("fails").kind(),
        "stream_interrupted"
    );
    assert_eq!(execution.result.finish_reason, FinishReason::Error);
    let deltas = parts
        .iter()
        .filter(|p| matches!(p, StreamPart::TextDelta { .. }))
        .count();
    assert_eq!(deltas, 19, "the first chunk only opens the text");
    assert_eq!(
        text_of(&execution).len(),
        parts
            .iter()
            .map(|p| match p {
                StreamPart::TextDelta { delta, .. } => delta.len(),
                _ => 0,
            })
            .sum::<usize>()
    );
    assert!(
        parts
            .iter()
            .any(|p| matches!(p, StreamPart::TextEnd { .. })),
        "open blocks are closed"
    );
}

#[tokio::test]
async fn a_stream_ending_without_its_end_signal_is_interrupted() {
    let mut chunks = fixture_chunks("anthropic", "anthropic-tool-no-args.chunks.txt");
    chunks.truncate(9);
    let server = MockServer::start(vec![MockResponse::stream("text/event-stream", chunks)])
        .await
        .expect("mock starts");
    let (parts, execution) = run(
        &server,
        WireFormat::Anthropic,
        &fast_options(),
        &CancellationToken::new(),
    )
    .await;
    assert_eq!(
        execution.error.as_ref().expect("fails").kind(),
        "stream_interrupted"
    );
    assert!(
        parts
            .iter()
            .any(|p| matches!(p, StreamPart::ToolInputEnd { .. }))
    );
    assert!(
        !parts
            .iter()
            .any(|p| matches!(p, StreamPart::ToolCall { .. })),
        "no complete call is claimed"
    );
}

#[tokio::test]
async fn slow_chunks_hit_the_idle_timeout() {
    let chunks = fixture_chunks("cohere", "cohere-text.chunks.txt");
    let server = MockServer::start(vec![
        MockResponse::stream("text/event-stream", chunks).with_delay(Duration::from_millis(600)),
    ])
    .await
    .expect("mock starts");
    let mut options = fast_options();
    options.timeouts.idle_ms = 150;
    let started = Instant::now();
    let (_, execution) = run(
        &server,
        WireFormat::Cohere,
        &options,
        &CancellationToken::new(),
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_millis(550),
        "gave up at the idle timeout"
    );
    let error = execution.error.expect("fails");
    assert_eq!(error.kind(), "stream_interrupted");
    assert!(error.to_string().contains("idle timeout"));
    assert_eq!(execution.attempts, 1);
}

#[tokio::test]
async fn no_first_byte_is_retried_then_reported() {
    let server = MockServer::start(vec![
        MockResponse::stream("text/event-stream", vec![]).with_ending(Ending::Stall),
    ])
    .await
    .expect("mock starts");
    let mut options = fast_options();
    options.timeouts.first_byte_ms = 100;
    options.retry.max_retries = 1;
    let (_, execution) = run(
        &server,
        WireFormat::OpenaiChat,
        &options,
        &CancellationToken::new(),
    )
    .await;
    assert_eq!(execution.attempts, 2);
    let error = execution.error.expect("fails");
    assert_eq!(error.kind(), "stream_interrupted");
    assert!(error.to_string().contains("first-byte"));
}

#[tokio::test]
async fn cancel_mid_stream_closes_the_connection_at_once() {
    let chunks = fixture_chunks("anthropic", "anthropic-clear-thinking.1.chunks.txt");
    let server = MockServer::start(vec![
        MockResponse::stream("text/event-stream", chunks[..6].to_vec()).with_ending(Ending::Stall),
    ])
    .await
    .expect("mock starts");
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        trigger.cancel();
        Instant::now()
    });
    let (parts, execution) = run(&server, WireFormat::Anthropic, &fast_options(), &cancel).await;
    let cancelled_at = canceller.await.expect("canceller runs");
    assert!(matches!(
        execution.error,
        Some(super::ProtocolError::Cancelled)
    ));
    let closed_at = server
        .client_closed(Duration::from_secs(2))
        .await
        .expect("the mock saw the close");
    assert!(
        closed_at.duration_since(cancelled_at) < Duration::from_millis(100),
        "closed within 100 ms"
    );
    assert_eq!(
        execution.result.usage.input_tokens, 69,
        "partial usage known so far"
    );
    assert!(
        matches!(&execution.result.content[0], Part::Reasoning { text, .. } if text.starts_with("The previous"))
    );
    assert!(
        parts
            .iter()
            .any(|p| matches!(p, StreamPart::ReasoningEnd { .. })),
        "open blocks are closed"
    );
}

#[tokio::test]
async fn sixty_four_concurrent_streams() {
    let chunks = fixture_chunks("openai-chat", "groq-tool-call.chunks.txt");
    let server = MockServer::start(vec![MockResponse::stream("text/event-stream", chunks)])
        .await
        .expect("mock starts");
    let client = build_client(&Default::default()).expect("client builds");
    let request = PreparedRequest::post_json(
        format!("{}/c", server.base_url),
        Default::default(),
        &json!({}),
    );
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let (client, request) = (client.clone(), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut count = 0usize;
            let execution = execute_stream(
                &client,
                &request,
                WireFormat::OpenaiChat,
                &fast_options(),
                &CancellationToken::new(),
                &mut |_| count += 1,
            )
            .await;
            (count, execution)
        }));
    }
    for task in tasks {
        let (count, execution) = task.await.expect("task runs");
        assert!(execution.error.is_none());
        assert_eq!(count, 6);
        assert_eq!(execution.result.usage.input_tokens, 210);
    }
    assert_eq!(server.requests().len(), 64);
}

#[tokio::test]
async fn requests_go_through_a_configured_proxy() {
    let chunks = fixture_chunks("openai-chat", "groq-tool-call.chunks.txt");
    let proxy = MockServer::start(vec![MockResponse::stream("text/event-stream", chunks)])
        .await
        .expect("mock starts");
    let options = super::execute::ClientOptions {
        proxy: Some(proxy.base_url.clone()),
        no_proxy: Some("localhost".into()),
        ..Default::default()
    };
    let client = build_client(&options).expect("client builds");
    let wire = super::request::build_request(WireFormat::OpenaiChat, "llama", &Default::default())
        .expect("builds");
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in WireFormat::OpenaiChat.default_headers() {
        headers.insert(*name, reqwest::header::HeaderValue::from_static(value));
    }
    let request = PreparedRequest::for_wire("http://provider.invalid/v1/", headers, &wire);
    let execution = execute_stream(
        &client,
        &request,
        WireFormat::OpenaiChat,
        &fast_options(),
        &CancellationToken::new(),
        &mut |_| {},
    )
    .await;
    assert!(execution.error.is_none(), "{:?}", execution.error);
    let seen = &proxy.requests()[0];
    assert_eq!(seen.path, "http://provider.invalid/v1/chat/completions");
    assert!(
        seen.headers
            .iter()
            .any(|(k, v)| k == "accept" && v == "text/event-stream")
    );
    let body: serde_json::Value = serde_json::from_slice(&seen.body).expect("JSON body");
    assert_eq!(body["model"], "llama");
    assert_eq!(body["stream"], true);
}

#[test]
fn bad_client_settings_are_reported_without_their_values() {
    let options = super::execute::ClientOptions {
        extra_ca_pem: vec![b"not a certificate".to_vec()],
        ..Default::default()
    };
    let error = build_client(&options).expect_err("invalid PEM");
    assert_eq!(error.kind(), "internal");
    let options = super::execute::ClientOptions {
        proxy: Some("::user:secret@".into()),
        ..Default::default()
    };
    let error = build_client(&options).expect_err("invalid proxy");
    assert!(!error.to_string().contains("secret"));
}

#[test]
fn prepared_request_debug_hides_secrets() {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "authorization",
        reqwest::header::HeaderValue::from_static("Bearer sk-very-secret"),
    );
    let request = PreparedRequest::post_json(
        "https://g.example/v1?key=sk-other-secret",
        headers,
        &json!({"a": 1}),
    );
    let debug = format!("{request:?}");
    assert!(!debug.contains("secret"), "{debug}");
    assert!(debug.contains("authorization"));
}

#[tokio::test]
async fn a_json_error_with_status_200_is_classified() {
    let mut response = MockResponse::error(
        200,
        &[],
        r#"{"error":{"message":"Rate limit exceeded: free-models-per-day","code":429}}"#,
    );
    response.headers = vec![("content-type".into(), "application/json".into())];
    let server = MockServer::start(vec![response])
        .await
        .expect("mock starts");
    let mut options = fast_options();
    options.retry.max_retries = 0;
    let (parts, execution) = run(
        &server,
        WireFormat::OpenaiChat,
        &options,
        &CancellationToken::new(),
    )
    .await;
    assert_eq!(execution.error.expect("fails").kind(), "rate_limited");
    assert!(
        matches!(&parts[0], StreamPart::Error { error } if error.message.starts_with("Rate limit exceeded"))
    );
}
