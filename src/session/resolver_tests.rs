//! The resolution chain against the real embedded catalog, a file-backed credential store and mock
//! servers on 127.0.0.1: credential order, account choice, refresh failure, session config, loaders.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::prepare::{final_headers, wire_call};
use super::resolver::{ResolvedCall, resolve_call};
use super::sources::CallSources;
use super::store::{SessionOpenParams, SessionSnapshot, SessionStore};
use crate::auth::store::PutOptions;
use crate::auth::{AuthConfig, AuthService, Credential as Stored, OAuthTokens, StoreMode};
use crate::config::SidecarConfig;
use crate::protocol::ChatRequest;
use crate::protocol::testing::{MockResponse, MockServer};
use crate::protocol::types::{Content, Message};
use crate::provider::{RequestAuthorizer, TokenBroker};

fn sources(config: Value, auth: Option<AuthService>) -> CallSources {
    let config = SidecarConfig::from_value(config, &HashMap::new(), None).expect("valid config");
    CallSources::new(crate::catalog::snapshot::embedded_catalog(), config).with_auth(auth)
}

fn session(store: &SessionStore, params: Value, env: &[(&str, &str)]) -> SessionSnapshot {
    let mut params = params;
    params["sessionId"] = json!("s");
    let params: SessionOpenParams = serde_json::from_value(params).expect("session params");
    store.open(params).expect("opens");
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    store.snapshot("s", Arc::new(env), None).expect("open")
}

fn file_store(dir: &std::path::Path, openai_issuer: Option<&str>) -> AuthService {
    let mut config = AuthConfig::new(dir);
    config.store.mode = StoreMode::File;
    if let Some(issuer) = openai_issuer {
        config.endpoints.openai_issuer = issuer.to_string();
    }
    AuthService::open(config).expect("file store opens")
}

async fn resolve(
    session: &SessionSnapshot,
    sources: &CallSources,
    provider: &str,
    model: &str,
) -> Result<ResolvedCall, super::error::ResolveError> {
    let broker = TokenBroker::new(reqwest::Client::new());
    let hooks = crate::plugin::Registry::with_builtins();
    resolve_call(session, sources, &broker, &hooks, provider, model).await
}

fn request() -> ChatRequest {
    ChatRequest {
        messages: vec![Message::User {
            content: Content::Text("hi".into()),
            provider_options: None,
        }],
        ..Default::default()
    }
}

/// The headers the request would carry, secrets included (tests only).
fn sent_headers(call: &ResolvedCall) -> HashMap<String, String> {
    let wire = wire_call(
        call,
        &request(),
        &crate::session::prepare::CallShape {
            session_id: "s",
            variant_body: None,
            small: false,
        },
    )
    .expect("builds");
    let body = serde_json::to_vec(&wire.body).expect("json");
    final_headers(call, &wire, &body, &RequestAuthorizer::default())
        .expect("authorizes")
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect()
}

#[tokio::test]
async fn catalog_provider_resolves_through_its_loader_with_the_env_key() {
    let store = SessionStore::new();
    let s = session(&store, json!({}), &[("ANTHROPIC_API_KEY", "sk-env")]);
    let call = resolve(
        &s,
        &sources(json!({}), None),
        "anthropic",
        "claude-sonnet-4-5",
    )
    .await
    .expect("resolves");
    assert_eq!(
        call.runtime.chat_url,
        "https://api.anthropic.com/v1/messages"
    );
    assert_eq!(call.credential_source, "env");
    assert_eq!(call.format, crate::protocol::WireFormat::Anthropic);
    let headers = sent_headers(&call);
    assert_eq!(headers["x-api-key"], "sk-env");
    assert!(
        headers.contains_key("anthropic-beta"),
        "{:?}",
        headers.keys()
    );
    assert!(call.cost.is_some(), "catalog prices are attached");
    assert!(!format!("{call:?}").contains("sk-env"), "Debug redacts");
}

#[tokio::test]
async fn credential_order_is_session_then_stored_then_env_then_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let auth = file_store(dir.path(), None);
    let sources = sources(
        json!({"provider": {"openai": {"options": {"apiKey": "sk-config"}}}}),
        Some(auth.clone()),
    );
    let env = [("OPENAI_API_KEY", "sk-env")];
    let store = SessionStore::new();

    let s = session(&store, json!({}), &[]);
    let call = resolve(&s, &sources, "openai", "gpt-5")
        .await
        .expect("resolves");
    assert_eq!(call.credential_source, "config");
    assert_eq!(sent_headers(&call)["authorization"], "Bearer sk-config");

    let s = session(&store, json!({}), &env);
    let call = resolve(&s, &sources, "openai", "gpt-5")
        .await
        .expect("resolves");
    assert_eq!(call.credential_source, "env");
    assert_eq!(sent_headers(&call)["authorization"], "Bearer sk-env");

    auth.put_credential(
        "openai",
        "default",
        Stored::api_key("sk-stored"),
        PutOptions::default(),
    )
    .await
    .expect("stores");
    let call = resolve(&s, &sources, "openai", "gpt-5")
        .await
        .expect("resolves");
    assert_eq!(call.credential_source, "file");
    assert_eq!(sent_headers(&call)["authorization"], "Bearer sk-stored");

    let s = session(
        &store,
        json!({"credentials": {"openai": {"apiKey": "sk-session"}}}),
        &env,
    );
    let call = resolve(&s, &sources, "openai", "gpt-5")
        .await
        .expect("resolves");
    assert_eq!(call.credential_source, "session");
    assert_eq!(sent_headers(&call)["authorization"], "Bearer sk-session");
}

#[tokio::test]
async fn a_session_picks_its_own_stored_account() {
    let dir = tempfile::tempdir().expect("tempdir");
    let auth = file_store(dir.path(), None);
    for (account, key) in [("personal", "sk-personal"), ("work", "sk-work")] {
        auth.put_credential(
            "openai",
            account,
            Stored::api_key(key),
            PutOptions::default(),
        )
        .await
        .expect("stores");
    }
    let sources = sources(json!({}), Some(auth));
    let store = SessionStore::new();
    let s = session(&store, json!({}), &[]);
    let call = resolve(&s, &sources, "openai", "gpt-5")
        .await
        .expect("resolves");
    assert_eq!(sent_headers(&call)["authorization"], "Bearer sk-personal");
    let s = session(&store, json!({"accounts": {"openai": "work"}}), &[]);
    let call = resolve(&s, &sources, "openai", "gpt-5")
        .await
        .expect("resolves");
    assert_eq!(sent_headers(&call)["authorization"], "Bearer sk-work");
    let s = session(&store, json!({"accounts": {"openai": "nobody"}}), &[]);
    let err = resolve(&s, &sources, "openai", "gpt-5")
        .await
        .expect_err("no such account");
    assert_eq!(err.kind(), "auth_failed");
}

#[tokio::test]
async fn an_expired_sign_in_whose_refresh_fails_is_auth_expired() {
    let issuer = MockServer::start(vec![MockResponse::error(
        401,
        &[],
        r#"{"error":"invalid_grant"}"#,
    )])
    .await
    .expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let auth = file_store(dir.path(), Some(&issuer.base_url));
    let tokens = OAuthTokens {
        refresh: "rt-old".into(),
        access: "at-old".into(),
        expires: 1,
        account_id: Some("acc".into()),
        enterprise_url: None,
    };
    auth.put_credential(
        "openai",
        "default",
        Stored::Oauth(tokens),
        PutOptions::default(),
    )
    .await
    .expect("stores");
    let sources = sources(json!({}), Some(auth));
    let store = SessionStore::new();
    let s = session(&store, json!({}), &[("OPENAI_API_KEY", "sk-env")]);
    let err = resolve(&s, &sources, "openai", "gpt-5")
        .await
        .expect_err("expired");
    assert_eq!(err.kind(), "auth_expired", "{err}");
    assert_eq!(issuer.requests().len(), 1, "one refresh attempt");
    let again = resolve(&s, &sources, "openai", "gpt-5")
        .await
        .expect_err("still expired");
    assert_eq!(again.kind(), "auth_expired");
    assert_eq!(issuer.requests().len(), 1, "marked: no second refresh");
}

#[tokio::test]
async fn unknown_providers_and_models_are_named() {
    let store = SessionStore::new();
    let s = session(&store, json!({}), &[]);
    let sources = sources(json!({}), None);
    let err = resolve(&s, &sources, "nope", "m")
        .await
        .expect_err("no provider");
    assert_eq!(err.kind(), "provider_not_found");
    let err = resolve(&s, &sources, "anthropic", "claude-none")
        .await
        .expect_err("no model");
    assert_eq!(err.kind(), "model_not_found");
    let err = resolve(&s, &sources, "anthropic", "claude-sonnet-4-5")
        .await
        .expect_err("no key");
    assert_eq!(err.kind(), "auth_missing");
}

#[tokio::test]
async fn session_config_overrides_the_base_url_of_a_catalog_provider() {
    let store = SessionStore::new();
    let s = session(
        &store,
        json!({"config": {"provider": {"anthropic": {"options": {"baseURL": "http://127.0.0.1:9/v1", "headers": {"x-team": "a"}}}}}}),
        &[("ANTHROPIC_API_KEY", "k")],
    );
    let call = resolve(
        &s,
        &sources(json!({}), None),
        "anthropic",
        "claude-sonnet-4-5",
    )
    .await
    .expect("resolves");
    assert_eq!(call.runtime.chat_url, "http://127.0.0.1:9/v1/messages");
    assert_eq!(sent_headers(&call)["x-team"], "a");
    let other = session(
        &SessionStore::new(),
        json!({}),
        &[("ANTHROPIC_API_KEY", "k")],
    );
    let call = resolve(
        &other,
        &sources(json!({}), None),
        "anthropic",
        "claude-sonnet-4-5",
    )
    .await
    .expect("resolves");
    assert_eq!(
        call.runtime.chat_url,
        "https://api.anthropic.com/v1/messages"
    );
}

#[tokio::test]
async fn bedrock_signs_each_request_with_the_session_aws_keys() {
    let store = SessionStore::new();
    let s = session(
        &store,
        json!({"credentials": {"amazon-bedrock": {"accessKeyId": "AKIDEXAMPLE", "secretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}},
               "config": {"provider": {"amazon-bedrock": {"options": {"region": "eu-west-1"}}}}}),
        &[],
    );
    let call = resolve(
        &s,
        &sources(json!({}), None),
        "amazon-bedrock",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
    )
    .await
    .expect("resolves");
    assert!(
        call.runtime
            .chat_url
            .starts_with("https://bedrock-runtime.eu-west-1.amazonaws.com/model/eu.anthropic"),
        "{}",
        call.runtime.chat_url
    );
    let headers = sent_headers(&call);
    assert!(
        headers["authorization"].starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
        "{}",
        headers["authorization"]
    );
    assert!(headers.contains_key("x-amz-date"));
    let wire = wire_call(
        &call,
        &request(),
        &crate::session::prepare::CallShape {
            session_id: "s",
            variant_body: None,
            small: false,
        },
    )
    .expect("builds");
    assert!(
        wire.body.get("model").is_none(),
        "Bedrock names the model in the URL"
    );
}

#[tokio::test]
async fn zai_keys_become_signed_jwts() {
    let store = SessionStore::new();
    let s = session(&store, json!({}), &[("ZHIPU_API_KEY", "key-id.key-secret")]);
    let call = resolve(&s, &sources(json!({}), None), "zai-coding-plan", "glm-4.7")
        .await
        .expect("resolves");
    assert_eq!(call.format, crate::protocol::WireFormat::OpenaiChat);
    assert_eq!(
        call.runtime.chat_url,
        "https://api.z.ai/api/coding/paas/v4/chat/completions"
    );
    let bearer = sent_headers(&call)["authorization"].clone();
    let token = bearer.strip_prefix("Bearer ").expect("bearer");
    assert_eq!(token.split('.').count(), 3, "a JWT: {token}");
    assert!(!token.contains("key-secret"));
}

#[tokio::test]
async fn custom_config_provider_takes_any_model_name() {
    let store = SessionStore::new();
    let s = session(&store, json!({}), &[]);
    let sources = sources(
        json!({"provider": {"local": {"npm": "@ai-sdk/openai-compatible", "options": {"baseURL": "http://127.0.0.1:9/v1/"}}}}),
        None,
    );
    let call = resolve(&s, &sources, "local", "qwen3:8b")
        .await
        .expect("resolves");
    assert_eq!(
        call.runtime.chat_url,
        "http://127.0.0.1:9/v1/chat/completions"
    );
    assert_eq!(call.credential_source, "none");
    assert!(
        !sent_headers(&call).contains_key("authorization"),
        "keyless local server"
    );
}

#[tokio::test]
async fn concurrent_calls_share_one_refresh_of_an_expiring_sign_in() {
    let issuer = MockServer::start(vec![MockResponse::error(
        200,
        &[],
        r#"{"access_token":"at-fresh","refresh_token":"rt-fresh","expires_in":3600}"#,
    )])
    .await
    .expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let auth = file_store(dir.path(), Some(&issuer.base_url));
    let tokens = OAuthTokens {
        refresh: "rt-old".into(),
        access: "at-old".into(),
        expires: 1,
        account_id: None,
        enterprise_url: None,
    };
    auth.put_credential(
        "openai",
        "default",
        Stored::Oauth(tokens),
        PutOptions::default(),
    )
    .await
    .expect("stores");
    let sources = Arc::new(sources(json!({}), Some(auth)));
    let store = SessionStore::new();
    let s = session(&store, json!({}), &[]);
    let calls = (0..20).map(|_| {
        let (sources, s) = (Arc::clone(&sources), s.clone());
        tokio::spawn(async move { resolve(&s, &sources, "openai", "gpt-5.2").await })
    });
    for call in calls {
        let call = call.await.expect("joins").expect("resolves");
        assert_eq!(call.credential_source, "oauth");
        assert!(call.subscription, "a ChatGPT sign-in is priced at 0");
        assert_eq!(
            sent_headers(&call)["authorization"],
            "Bearer at-fresh",
            "every call uses the refreshed token"
        );
    }
    assert_eq!(issuer.requests().len(), 1, "one refresh for 20 calls");
}

#[tokio::test]
async fn timeouts_come_from_the_provider_and_a_model_overrides_them() {
    let store = SessionStore::new();
    let s = session(&store, json!({}), &[]);
    let sources = sources(
        json!({"provider": {"local": {"npm": "@ai-sdk/openai-compatible",
            "options": {"baseURL": "http://127.0.0.1:9/v1", "headerTimeout": 120000, "chunkTimeout": 45000},
            "models": {"slow": {"options": {"chunkTimeout": false, "timeout": 600000}}, "fast": {}}}}}),
        None,
    );
    let fast = resolve(&s, &sources, "local", "fast")
        .await
        .expect("resolves");
    assert_eq!(
        (fast.timeouts.first_byte_ms, fast.timeouts.idle_ms),
        (120_000, 45_000)
    );
    let slow = resolve(&s, &sources, "local", "slow")
        .await
        .expect("resolves");
    assert_eq!(
        (slow.timeouts.first_byte_ms, slow.timeouts.idle_ms),
        (600_000, 0)
    );
}
