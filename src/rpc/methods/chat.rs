//! `chat/stream` (with `chat/delta` notifications) and `chat/generate`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::session::session_error;
use crate::protocol::{ChatResult, StreamPart};
use crate::rpc::context::RequestContext;
use crate::rpc::error::{ErrorKind, RpcError};
use crate::rpc::message::FramedMessage;
use crate::rpc::method::Method;
use crate::rpc::outbound::notification;
use crate::rpc::state::ServerState;
use crate::session::{ChatError, ChatParams, ResolveError};

pub const DELTA: &str = "chat/delta";

/// `chat/delta` params: one normalized stream part of the request `requestId`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatDelta {
    pub request_id: Value,
    pub part: StreamPart,
}

pub struct ChatStream;

impl Method for ChatStream {
    const NAME: &'static str = "chat/stream";
    const SUMMARY: &'static str = "Streams a chat turn: `chat/delta` notifications tagged with the request id, then the final result. Cancel answers -32800 with data.partial.";
    const COOPERATIVE_CANCEL: bool = true;
    type Params = ChatParams;
    type Result = ChatResult;

    async fn call(
        state: Arc<ServerState>,
        params: ChatParams,
        cx: RequestContext,
    ) -> Result<ChatResult, RpcError> {
        run(state, params, cx, true).await
    }
}

pub struct ChatGenerate;

impl Method for ChatGenerate {
    const NAME: &'static str = "chat/generate";
    const SUMMARY: &'static str = "Runs a chat turn and answers with the final result only. Cancel answers -32800 with data.partial.";
    const COOPERATIVE_CANCEL: bool = true;
    type Params = ChatParams;
    type Result = ChatResult;

    async fn call(
        state: Arc<ServerState>,
        params: ChatParams,
        cx: RequestContext,
    ) -> Result<ChatResult, RpcError> {
        run(state, params, cx, false).await
    }
}

async fn run(
    state: Arc<ServerState>,
    params: ChatParams,
    cx: RequestContext,
    stream: bool,
) -> Result<ChatResult, RpcError> {
    let (snapshot, sources) = super::call_sources::session_call(&state, &params.session_id).await?;
    let service = state.chat.clone();
    // Each part is serialized as it is parsed and queued for stdout at once. Only when the queue
    // is full (the client reads slowly) do deltas wait here, in order, for the forwarder.
    let (overflow_tx, mut overflow_rx) = mpsc::unbounded_channel::<FramedMessage>();
    let overflowing = Arc::new(AtomicUsize::new(0));
    let cancel = cx.cancel.clone();
    let call = {
        let outbound = cx.outbound().clone();
        let (framing, request_id) = (cx.framing(), cx.id.clone());
        let overflowing = Arc::clone(&overflowing);
        async move {
            let mut on_part = move |part: StreamPart| {
                if !stream {
                    return;
                }
                let delta = ChatDelta {
                    request_id: request_id.clone(),
                    part,
                };
                let Some(message) = notification(framing, DELTA, &delta) else {
                    return;
                };
                let message = if overflowing.load(Ordering::Acquire) == 0 {
                    match outbound.try_queue(message) {
                        Ok(()) => return,
                        Err(message) => message,
                    }
                } else {
                    message
                };
                overflowing.fetch_add(1, Ordering::AcqRel);
                let _ = overflow_tx.send(message);
            };
            service
                .run(&snapshot, &sources, &params, &cancel, &mut on_part)
                .await
        }
    };
    let forward = async {
        while let Some(message) = overflow_rx.recv().await {
            cx.outbound().queue(message).await;
            overflowing.fetch_sub(1, Ordering::AcqRel);
        }
    };
    let (result, ()) = tokio::join!(crate::rpc::chat_io::run(call), forward);
    match result {
        Ok(result) => result.map_err(chat_error),
        Err(join_error) if join_error.is_panic() => {
            std::panic::resume_unwind(join_error.into_panic())
        }
        Err(_) => Err(RpcError::cancelled()),
    }
}

pub(super) fn chat_error(err: ChatError) -> RpcError {
    let message = err.to_string();
    match err {
        ChatError::Session(err) => session_error(err),
        ChatError::Resolve(err) => resolve_error(err),
        ChatError::Cancelled { partial } => {
            RpcError::cancelled().with_data(json!({ "partial": *partial }))
        }
        ChatError::Provider {
            ref failure,
            ref partial,
        } => {
            let kind = ErrorKind::from_kind_str(err.kind()).unwrap_or(ErrorKind::ProviderHttp);
            RpcError::new(kind, message).with_data(json!({
                "status": failure.status,
                "providerMessage": failure.message,
                "providerCode": failure.code,
                "retryable": failure.retryable,
                "retryAfterMs": failure.retry_after_ms,
                "partial": partial,
            }))
        }
        ChatError::InvalidRequest(reason) => RpcError::invalid_params("", reason),
        ChatError::Client(_) => RpcError::internal(message),
    }
}

fn resolve_error(err: ResolveError) -> RpcError {
    let message = err.to_string();
    match err {
        ResolveError::ProviderNotFound(provider_id) => {
            RpcError::new(ErrorKind::ProviderNotFound, message)
                .with_data(json!({ "providerId": provider_id }))
        }
        ResolveError::ModelNotFound {
            provider_id,
            model_id,
        } => RpcError::new(ErrorKind::ModelNotFound, message)
            .with_data(json!({ "providerId": provider_id, "modelId": model_id })),
        ResolveError::AuthMissing(provider_id) => RpcError::new(ErrorKind::AuthMissing, message)
            .with_data(json!({ "providerId": provider_id })),
        ResolveError::Config { field, reason } => RpcError::new(ErrorKind::Config, message)
            .with_data(json!({ "field": field, "reason": reason })),
        ResolveError::AuthExpired(provider_id) => RpcError::new(ErrorKind::AuthExpired, message)
            .with_data(json!({ "providerId": provider_id })),
        ResolveError::AuthFailed { provider_id, .. } => {
            RpcError::new(ErrorKind::AuthFailed, message)
                .with_data(json!({ "providerId": provider_id }))
        }
        ResolveError::UnknownVariant {
            variant, available, ..
        } => RpcError::invalid_params("variant", message.clone()).with_data(json!({
            "field": "variant",
            "reason": message,
            "variant": variant,
            "available": available,
        })),
    }
}
