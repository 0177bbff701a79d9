//! The chat runner against mock providers: fallbacks, headers and options, cancellation.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::protocol::StreamPart;
use crate::protocol::testing::{Ending, MockResponse, MockServer};
use crate::session::store::{SessionOpenParams, SessionStore};
use crate::session::{CallSources, SessionError};

fn sources() -> CallSources {
    CallSources::new(Default::default(), Default::default())
}

fn text_stream(text: &str) -> MockResponse {
    let first = json!({"id": "c", "model": "m", "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
    let last = json!({"id": "c", "model": "m", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 2, "completion_tokens": 1}});
    MockResponse::stream(
        "text/event-stream",
        vec![
            format!("data: {first}\n\n").into_bytes(),
            format!("data: {last}\n\n").into_bytes(),
            b"data: [DONE]\n\n".to_vec(),
        ],
    )
}

fn open(store: &SessionStore, session: Value) -> SessionSnapshot {
    let params: SessionOpenParams = serde_json::from_value(session).expect("params");
    let id = params.session_id.clone();
    store.open(params).expect("opens");
    store.snapshot(&id, Default::default(), None).expect("open")
}

fn params(provider: &str, extra: Value) -> ChatParams {
    let mut value = json!({"sessionId": "s", "providerId": provider, "modelId": "m",
        "messages": [{"role": "user", "content": "hi"}]});
    if let (Some(target), Some(extra)) = (value.as_object_mut(), extra.as_object()) {
        target.extend(extra.clone());
    }
    serde_json::from_value(value).expect("chat params")
}

#[tokio::test]
async fn non_retryable_failures_do_not_fall_back() {
    let primary = MockServer::start(vec![MockResponse::error(
        400,
        &[],
        r#"{"error":{"message":"bad field"}}"#,
    )])
    .await
    .expect("mock");
    let backup = MockServer::start(vec![text_stream("backup")])
        .await
        .expect("mock");
    let store = SessionStore::new();
    let session = open(
        &store,
        json!({"sessionId": "s", "config": {"provider": {
        "a": {"options": {"baseURL": primary.base_url}},
        "b": {"options": {"baseURL": backup.base_url}}}}}),
    );
    let service = ChatService::new();
    let mut parts = Vec::new();
    let err = service
        .run(
            &session,
            &sources(),
            &params(
                "a",
                json!({"fallbacks": [{"providerId": "b", "modelId": "m"}]}),
            ),
            &crate::plugin::Registry::with_builtins(),
            &CancellationToken::new(),
            &mut |part| parts.push(part),
        )
        .await
        .expect_err("a 400 fails");
    assert_eq!(err.kind(), "provider_http");
    assert!(
        backup.requests().is_empty(),
        "no fallback after a non-retryable failure"
    );
    assert!(
        parts.iter().any(|p| matches!(p, StreamPart::Error { .. })),
        "the error part is streamed"
    );
}

#[tokio::test]
async fn call_headers_and_session_options_reach_the_request() {
    let server = MockServer::start(vec![text_stream("ok")])
        .await
        .expect("mock");
    let store = SessionStore::new();
    let session = open(
        &store,
        json!({"sessionId": "s",
        "config": {"provider": {"p": {"options": {"baseURL": server.base_url}}}},
        "headers": {"x-a": "session", "x-b": "session"},
        "options": {"providerOptions": {"openai": {"user": "u1"}}}}),
    );
    let service = ChatService::new();
    let call = params(
        "p",
        json!({"headers": {"x-b": "call", "authorization": "Bearer call-secret"}}),
    );
    assert!(!format!("{call:?}").contains("call-secret"));
    let result = service
        .run(
            &session,
            &sources(),
            &call,
            &crate::plugin::Registry::with_builtins(),
            &CancellationToken::new(),
            &mut |_| {},
        )
        .await
        .expect("succeeds");
    assert_eq!(result.usage.input_tokens, 2);
    let seen = &server.requests()[0];
    let header = |name: &str| {
        seen.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("x-a"), Some("session"));
    assert_eq!(header("x-b"), Some("call"));
    assert_eq!(header("authorization"), Some("Bearer call-secret"));
    let body: Value = serde_json::from_slice(&seen.body).expect("JSON body");
    assert_eq!(
        body["user"], "u1",
        "session providerOptions reach the body: {body}"
    );
}

#[tokio::test]
async fn closing_the_session_cancels_the_call_at_once() {
    let server = MockServer::start(vec![text_stream("partial").with_ending(Ending::Stall)])
        .await
        .expect("mock");
    let mut stalled = text_stream("partial");
    stalled.chunks.truncate(1);
    let server_stalled = MockServer::start(vec![stalled.with_ending(Ending::Stall)])
        .await
        .expect("mock");
    drop(server);
    let store = Arc::new(SessionStore::new());
    let session = open(
        &store,
        json!({"sessionId": "s", "config": {"provider": {
        "p": {"options": {"baseURL": server_stalled.base_url}}}}}),
    );
    let service = Arc::new(ChatService::new());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = {
        let (service, session) = (service.clone(), session.clone());
        tokio::spawn(async move {
            service
                .run(
                    &session,
                    &sources(),
                    &params("p", json!({})),
                    &crate::plugin::Registry::with_builtins(),
                    &CancellationToken::new(),
                    &mut |part| {
                        let _ = tx.send(part);
                    },
                )
                .await
        })
    };
    rx.recv().await.expect("a first part");
    store.close("s").expect("closes");
    let err = tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("ends promptly")
        .expect("joins")
        .expect_err("cancelled");
    let ChatError::Cancelled { partial } = err else {
        panic!("cancelled expected")
    };
    assert!(
        matches!(&partial.content[0], crate::protocol::Part::Text { text, .. } if text == "partial")
    );
    assert!(
        server_stalled
            .client_closed(Duration::from_millis(500))
            .await
            .is_some()
    );
    assert!(matches!(
        store.snapshot("s", Default::default(), None),
        Err(SessionError::NotFound(_))
    ));
}

#[tokio::test]
async fn a_rejected_stored_key_is_read_again_from_the_keyring() {
    use crate::auth::store::tests::MemoryVault;
    use crate::auth::store::{PutOptions, StoreMode, open_store_with_vault};
    use crate::auth::{AuthConfig, AuthService, Credential};

    let server = MockServer::start(vec![
        MockResponse::error(401, &[], r#"{"error":{"message":"invalid api key"}}"#),
        text_stream("ok"),
    ])
    .await
    .expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = AuthConfig::new(dir.path());
    config.store.mode = StoreMode::Keyring;
    let vault = Arc::new(MemoryVault::default());
    let opened = open_store_with_vault(&config.store, vault.clone()).expect("keyring store");
    opened
        .backend
        .put(
            "p",
            "default",
            &Credential::api_key("sk-wrong"),
            PutOptions::default(),
        )
        .expect("put");
    let auth = AuthService::with_parts(config, opened, reqwest::Client::new());
    let sources = sources().with_auth(Some(auth));
    let store = SessionStore::new();
    let session = open(
        &store,
        json!({"sessionId": "s",
        "config": {"provider": {"p": {"options": {"baseURL": server.base_url}}}}}),
    );
    let service = ChatService::new();
    let (call, hooks, cancel) = (
        params("p", json!({})),
        crate::plugin::Registry::with_builtins(),
        CancellationToken::new(),
    );
    let mut ignore = |_: StreamPart| {};
    let err = service
        .run(&session, &sources, &call, &hooks, &cancel, &mut ignore)
        .await
        .expect_err("the provider rejects the key");
    assert_eq!(err.kind(), "auth_failed");
    // Fixed by hand in a keyring manager, which stamps no record in the store's index.
    vault.entries.lock().expect("vault lock").insert(
        "p:default".into(),
        serde_json::to_string(&Credential::api_key("sk-fixed")).expect("json"),
    );
    service
        .run(&session, &sources, &call, &hooks, &cancel, &mut ignore)
        .await
        .expect("the fixed key is sent");
    let authorization = |request: &crate::protocol::testing::RecordedRequest| {
        request
            .headers
            .iter()
            .find(|(name, _)| name == "authorization")
            .map(|(_, value)| value.clone())
    };
    let requests = server.requests();
    assert_eq!(
        authorization(&requests[0]).as_deref(),
        Some("Bearer sk-wrong")
    );
    assert_eq!(
        authorization(&requests[1]).as_deref(),
        Some("Bearer sk-fixed")
    );
}
