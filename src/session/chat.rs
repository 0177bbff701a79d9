//! The chat runner: resolve → queue under the provider/model concurrency limit → stream, with fallbacks
//! on a retryable failure before the first byte, and cancellation by the caller or by session close.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::error::{ChatError, ResolveError};
use super::network::{NetworkProfile, NetworkSettings, profile_of};
use super::prepare::{CallShape, PrepareError, WireCall, authorized_request, wire_call};
use super::resolver::{ResolvedCall, resolve_call};
use super::sources::CallSources;
use super::store::SessionSnapshot;
use crate::json_merge::merge_deep_map;
use crate::net::{ClientPool, ClientSpec, NetError};
use crate::protocol::execute::{
    ExecuteOptions, PartSink, PreparedRequest, Timeouts, execute_stream,
};
use crate::protocol::limits::ConcurrencyLimits;
use crate::protocol::{ChatRequest, ChatResult, ProtocolError, StreamPart};
use crate::provider::common::set_header;
use crate::provider::{RequestAuthorizer, TokenBroker};

/// A provider and model a chat call tries: the call's own, then each of its `fallbacks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatTarget {
    pub provider_id: String,
    pub model_id: String,
}

/// `chat/stream` and `chat/generate` params.
// `Debug` is written by hand: it shows header names only (a call may carry its own `authorization`).
#[derive(Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatParams {
    pub session_id: String,
    pub provider_id: String,
    pub model_id: String,
    /// A reasoning preset of the model (`model/get` lists them, e.g. `low`, `high`, `max`); an unknown
    /// name is invalid params with `data.available`.
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(flatten)]
    pub request: ChatRequest,
    /// Headers for this call only, on top of the session's.
    #[serde(default)]
    pub headers: Option<BTreeMap<String, String>>,
    /// Tried in order when the call fails retryably before its first streamed byte.
    #[serde(default)]
    pub fallbacks: Vec<ChatTarget>,
    /// A small call (a title, a summary): the model's small-call options (OpenCode's
    /// `smallOptions()`: its first reasoning preset, `store: false` where that applies) instead of
    /// the full ones. A `variant` given with it still wins.
    #[serde(default)]
    pub small: bool,
}

impl std::fmt::Debug for ChatParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatParams")
            .field("session_id", &self.session_id)
            .field("provider_id", &self.provider_id)
            .field("model_id", &self.model_id)
            .field("variant", &self.variant)
            .field("messages", &self.request.messages.len())
            .field(
                "headers",
                &self.headers.as_ref().map(|h| h.keys().collect::<Vec<_>>()),
            )
            .field("fallbacks", &self.fallbacks)
            .field("small", &self.small)
            .finish_non_exhaustive()
    }
}

/// What a call asks for beyond its request: whose session it runs in, its reasoning preset, and
/// whether it is a small call.
#[derive(Debug, Clone, Copy)]
pub struct CallSpec<'a> {
    pub session_id: &'a str,
    pub variant: Option<&'a str>,
    pub small: bool,
}

/// Shared by every chat call: token caches, the request authorizer, the concurrency limits and the HTTP
/// clients.
pub struct ChatService {
    /// One per network profile, built on first use: its HTTP client loads the root certificates,
    /// which start-up must not wait for.
    brokers: Mutex<HashMap<NetworkProfile, Arc<TokenBroker>>>,
    authorizer: RequestAuthorizer,
    limits: ConcurrencyLimits,
    /// One client per proxy and CA setting, so connections are pooled.
    clients: ClientPool,
}

impl Default for ChatService {
    fn default() -> Self {
        Self::new()
    }
}

impl ChatService {
    pub fn new() -> Self {
        ChatService {
            brokers: Mutex::new(HashMap::new()),
            authorizer: RequestAuthorizer::default(),
            limits: ConcurrencyLimits::new(),
            clients: ClientPool::default(),
        }
    }

    /// Resolves one (session, provider, model) with the call's own headers on top.
    pub async fn resolve(
        &self,
        session: &SessionSnapshot,
        sources: &CallSources,
        target: &ChatTarget,
        call_headers: Option<&BTreeMap<String, String>>,
    ) -> Result<ResolvedCall, ResolveError> {
        let broker = self.broker_for(session, &sources.network)?;
        let mut resolved = resolve_call(
            session,
            sources,
            &broker,
            &target.provider_id,
            &target.model_id,
        )
        .await?;
        for (name, value) in call_headers.into_iter().flatten() {
            set_header(&mut resolved.runtime.headers, name, value.clone());
        }
        Ok(resolved)
    }

    /// The request a call would send, without sending it (`transform/preview`). Holds secrets in its
    /// headers: callers redact them.
    pub fn prepare(
        &self,
        resolved: &ResolvedCall,
        request: &ChatRequest,
        call: &CallSpec<'_>,
    ) -> Result<(WireCall, PreparedRequest), ChatError> {
        let variant = match (call.variant, call.small) {
            (None, true) => first_variant(resolved),
            (variant, _) => variant.map(str::to_string),
        };
        let variant_body = variant_fields(resolved, variant.as_deref())?;
        let shape = CallShape {
            session_id: call.session_id,
            variant_body: variant_body.as_ref(),
            small: call.small,
        };
        let wire = wire_call(resolved, request, &shape).map_err(prepare_error)?;
        let prepared =
            authorized_request(resolved, &wire, &self.authorizer).map_err(prepare_error)?;
        Ok((wire, prepared))
    }

    /// The call's request with the session's default `providerOptions` under its own.
    pub fn request_for(&self, session: &SessionSnapshot, params: &ChatParams) -> ChatRequest {
        let mut request = params.request.clone();
        if let Some(defaults) = &session.options().provider_options {
            let mut merged = defaults.clone();
            if let Some(own) = &request.provider_options {
                merge_deep_map(&mut merged, own);
            }
            request.provider_options = Some(merged);
        }
        request
    }

    /// Runs one chat call for `session`; `sink` sees every part of the attempt that produced the answer
    /// (it must not block), flushed after each network read and before this returns. Cancelled by
    /// `cancel` or by the session's own token.
    pub async fn run(
        &self,
        session: &SessionSnapshot,
        sources: &CallSources,
        params: &ChatParams,
        cancel: &CancellationToken,
        sink: &mut dyn PartSink,
    ) -> Result<ChatResult, ChatError> {
        let cancel = either(cancel, &session.cancel);
        // Ends the watcher task of `either` when the call returns.
        let _stop_watching = cancel.clone().drop_guard();
        let client = self.client_for(session, &sources.network)?;
        let request = self.request_for(session, params);
        let primary = ChatTarget {
            provider_id: params.provider_id.clone(),
            model_id: params.model_id.clone(),
        };
        let targets: Vec<&ChatTarget> = std::iter::once(&primary)
            .chain(params.fallbacks.iter())
            .collect();
        let mut last_error = None;
        for (index, target) in targets.iter().enumerate() {
            let is_last = index + 1 == targets.len();
            let resolved = self
                .resolve(session, sources, target, params.headers.as_ref())
                .await?;
            // A fallback takes the variant only when it offers one of that name.
            let variant = match (index, params.variant.as_deref()) {
                (0, variant) => variant,
                (_, Some(name)) if has_variant(&resolved, name) => Some(name),
                _ => None,
            };
            let spec = CallSpec {
                session_id: &params.session_id,
                variant,
                small: params.small,
            };
            let (_, prepared) = self.prepare(&resolved, &request, &spec)?;
            let options = ExecuteOptions {
                timeouts: session
                    .options()
                    .timeouts
                    .clone()
                    .unwrap_or_else(|| resolved.timeouts.clone()),
                retry: session.options().retry.clone().unwrap_or_default(),
            };
            match self
                .attempt(
                    &client, target, &resolved, &prepared, &options, &cancel, sink, is_last,
                )
                .await
            {
                Attempt::Done(result) => return with_cost(result, &resolved),
                Attempt::FallBack(err) => {
                    tracing::warn!(provider = %target.provider_id, model = %target.model_id,
                        kind = err.kind(), "chat failed before its first byte; trying the next fallback");
                    last_error = Some(err);
                }
            }
        }
        Err(last_error.unwrap_or_else(|| ChatError::InvalidRequest("no model to call".into())))
    }

    #[allow(clippy::too_many_arguments)]
    async fn attempt(
        &self,
        client: &reqwest::Client,
        target: &ChatTarget,
        resolved: &ResolvedCall,
        prepared: &PreparedRequest,
        options: &ExecuteOptions,
        cancel: &CancellationToken,
        sink: &mut dyn PartSink,
        is_last: bool,
    ) -> Attempt {
        let key = format!("{}/{}", target.provider_id, target.model_id);
        let Some(_permit) = self
            .limits
            .acquire(&key, resolved.max_concurrency, cancel)
            .await
        else {
            return Attempt::Done(Err(ChatError::Cancelled {
                partial: Box::new(crate::protocol::PartCollector::new().result()),
            }));
        };
        let mut held = HoldBack::new(sink);
        let execution = execute_stream(
            client,
            prepared,
            resolved.format,
            options,
            cancel,
            &mut held,
        )
        .await;
        let result = execution.result;
        match execution.error {
            Some(ProtocolError::Provider(failure))
                if failure.retryable && !held.streaming && !is_last =>
            {
                Attempt::FallBack(ChatError::Provider {
                    failure,
                    partial: Box::new(result),
                })
            }
            error => {
                held.release();
                match error {
                    None => Attempt::Done(Ok(result)),
                    Some(err) => Attempt::Done(Err(protocol_error(err, result))),
                }
            }
        }
    }

    /// The pooled HTTP client for this call's proxy and CA settings.
    fn client_for(
        &self,
        session: &SessionSnapshot,
        network: &NetworkSettings,
    ) -> Result<reqwest::Client, ChatError> {
        let spec = ClientSpec {
            tcp_nodelay: true,
            per_thread: true,
            ..default_connect_spec()
        };
        self.clients
            .get(&profile_of(session, network), &spec)
            .map_err(|err| ChatError::Resolve(network_error(err)))
    }

    /// The token exchanges (Vertex, SAP, GitLab) for this call's proxy and CA settings.
    fn broker_for(
        &self,
        session: &SessionSnapshot,
        network: &NetworkSettings,
    ) -> Result<Arc<TokenBroker>, ResolveError> {
        let profile = profile_of(session, network);
        let mut brokers = self
            .brokers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(broker) = brokers.get(&profile) {
            return Ok(Arc::clone(broker));
        }
        let client = self
            .clients
            .get(&profile, &default_connect_spec())
            .map_err(network_error)?;
        let broker = Arc::new(TokenBroker::new(client));
        brokers.insert(profile, Arc::clone(&broker));
        Ok(broker)
    }
}

/// A client spec with the default connect timeout (reads are timed by the caller).
fn default_connect_spec() -> ClientSpec {
    ClientSpec {
        connect_timeout: Some(std::time::Duration::from_millis(
            Timeouts::default().connect_ms,
        )),
        ..ClientSpec::default()
    }
}

fn network_error(err: NetError) -> ResolveError {
    ResolveError::Config {
        field: err.field(),
        reason: err.to_string(),
    }
}

/// Error and finish parts are held back until real content arrives: if an attempt fails before its first
/// byte and a fallback follows, the caller never sees the failed attempt.
struct HoldBack<'a> {
    sink: &'a mut dyn PartSink,
    held: Vec<StreamPart>,
    /// Content arrived: parts go straight on.
    streaming: bool,
}

impl<'a> HoldBack<'a> {
    fn new(sink: &'a mut dyn PartSink) -> Self {
        HoldBack {
            sink,
            held: Vec::new(),
            streaming: false,
        }
    }

    /// The attempt's answer stands: the held parts go on, and everything is flushed.
    fn release(mut self) {
        for part in self.held.drain(..) {
            self.sink.part(part);
        }
        self.sink.flush();
    }
}

impl PartSink for HoldBack<'_> {
    fn part(&mut self, part: StreamPart) {
        if self.streaming {
            self.sink.part(part);
        } else if matches!(part, StreamPart::Error { .. } | StreamPart::Finish { .. }) {
            self.held.push(part);
        } else {
            self.streaming = true;
            for held in self.held.drain(..) {
                self.sink.part(held);
            }
            self.sink.part(part);
        }
    }

    fn flush(&mut self) {
        if self.streaming {
            self.sink.flush();
        }
    }
    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        self.sink.poll_ready(cx)
    }
}

enum Attempt {
    Done(Result<ChatResult, ChatError>),
    FallBack(ChatError),
}

/// The call's cost from catalog prices, on the answer and on a partial result alike.
fn with_cost(
    result: Result<ChatResult, ChatError>,
    resolved: &ResolvedCall,
) -> Result<ChatResult, ChatError> {
    let free = resolved.subscription;
    if resolved.cost.is_none() && !free {
        return result;
    }
    let price = |result: &mut ChatResult| {
        result.cost = if free {
            Some(0.0)
        } else {
            resolved
                .cost
                .as_ref()
                .map(|prices| prices.cost(&result.usage))
        }
    };
    match result {
        Ok(mut result) => {
            price(&mut result);
            Ok(result)
        }
        Err(ChatError::Cancelled { mut partial }) => {
            price(&mut partial);
            Err(ChatError::Cancelled { partial })
        }
        Err(ChatError::Provider {
            failure,
            mut partial,
        }) => {
            price(&mut partial);
            Err(ChatError::Provider { failure, partial })
        }
        Err(other) => Err(other),
    }
}

/// The model's first reasoning preset (a small call's, as OpenCode's `smallOptions()` takes it).
fn first_variant(resolved: &ResolvedCall) -> Option<String> {
    crate::transform::variants::available_variants(
        resolved.runtime.protocol,
        &resolved.runtime.provider_id,
        &resolved.model,
    )
    .into_iter()
    .next()
}

fn has_variant(resolved: &ResolvedCall, name: &str) -> bool {
    crate::transform::variants::available_variants(
        resolved.runtime.protocol,
        &resolved.runtime.provider_id,
        &resolved.model,
    )
    .iter()
    .any(|n| n == name)
}

/// The wire fields of the chosen variant; an unknown name is the caller's mistake.
fn variant_fields(
    resolved: &ResolvedCall,
    variant: Option<&str>,
) -> Result<Option<serde_json::Map<String, serde_json::Value>>, ChatError> {
    let Some(name) = variant else {
        return Ok(None);
    };
    crate::transform::variants::variant_body(
        resolved.runtime.protocol,
        &resolved.runtime.provider_id,
        &resolved.model,
        name,
    )
    .map(Some)
    .map_err(|err| {
        ChatError::Resolve(ResolveError::UnknownVariant {
            provider_id: resolved.runtime.provider_id.clone(),
            model_id: resolved.model.id.clone(),
            variant: name.to_string(),
            available: match err {
                crate::transform::variants::VariantError::Unknown { available, .. } => available,
            },
        })
    })
}

fn prepare_error(err: PrepareError) -> ChatError {
    match err {
        PrepareError::Protocol(err) => protocol_error(err, empty_result()),
        PrepareError::Resolve(err) => ChatError::Resolve(err),
        PrepareError::Invalid(invalid) => ChatError::InvalidParam {
            field: invalid.field,
            reason: invalid.reason,
        },
    }
}

fn empty_result() -> ChatResult {
    crate::protocol::PartCollector::new().result()
}

fn protocol_error(err: ProtocolError, partial: ChatResult) -> ChatError {
    match err {
        ProtocolError::Provider(failure) => ChatError::Provider {
            failure,
            partial: Box::new(partial),
        },
        ProtocolError::Cancelled => ChatError::Cancelled {
            partial: Box::new(partial),
        },
        ProtocolError::InvalidRequest(reason) => ChatError::InvalidRequest(reason),
        ProtocolError::Client(reason) => ChatError::Client(reason),
    }
}

/// A token cancelled when either `a` or `b` is.
fn either(a: &CancellationToken, b: &CancellationToken) -> CancellationToken {
    let combined = b.child_token();
    let (watch, source) = (combined.clone(), a.clone());
    tokio::spawn(async move {
        tokio::select! {
            _ = source.cancelled() => watch.cancel(),
            _ = watch.cancelled() => {}
        }
    });
    combined
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use serde_json::{Value, json};

    use super::*;
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
}
