//! Test-only methods (`--enable-test-methods`): deliberately slow, panicking and chatty
//! handlers, and one that asks the client, that let the integration tests exercise
//! cancellation, panics, notifications and server→client requests. They are never part of the
//! published schema.

use std::sync::Arc;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::app::state::ServerState;
use crate::rpc::context::RequestContext;
use crate::rpc::error::{ErrorKind, RpcError};
use crate::rpc::method::{Method, MethodTable, NoParams};

pub fn register(table: &mut MethodTable<ServerState>) {
    table
        .add_unpublished::<Sleep>()
        .add_unpublished::<Panic>()
        .add_unpublished::<Notify>()
        .add_unpublished::<AskClient>();
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SleepParams {
    pub ms: u64,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SleepResult {
    pub slept_ms: u64,
}

/// Sleeps, then answers; cancelled by `$/cancelRequest`.
pub struct Sleep;

impl Method<ServerState> for Sleep {
    const NAME: &'static str = "test/sleep";
    const SUMMARY: &'static str = "Sleeps for `ms` milliseconds.";
    type Params = SleepParams;
    type Result = SleepResult;

    async fn call(
        _state: Arc<ServerState>,
        params: SleepParams,
        _cx: RequestContext,
    ) -> Result<SleepResult, RpcError> {
        // `ms: 0` answers at once (a timer would round it up to the next millisecond tick).
        if params.ms > 0 {
            tokio::time::sleep(Duration::from_millis(params.ms)).await;
        }
        Ok(SleepResult {
            slept_ms: params.ms,
        })
    }
}

/// Panics inside the handler.
pub struct Panic;

impl Method<ServerState> for Panic {
    const NAME: &'static str = "test/panic";
    const SUMMARY: &'static str = "Panics.";
    type Params = NoParams;
    type Result = ();

    async fn call(
        _state: Arc<ServerState>,
        _params: NoParams,
        _cx: RequestContext,
    ) -> Result<(), RpcError> {
        panic!("test/panic was called");
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotifyParams {
    pub count: u32,
    /// Size of each notification's payload in bytes.
    #[serde(default)]
    pub payload_bytes: usize,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct NotifyEvent<'a> {
    request_id: &'a serde_json::Value,
    seq: u32,
    payload: &'a str,
}

/// Sends `count` `test/event` notifications tagged with the request id, then answers.
pub struct Notify;

impl Method<ServerState> for Notify {
    const NAME: &'static str = "test/notify";
    const SUMMARY: &'static str = "Sends notifications, then answers with their count.";
    type Params = NotifyParams;
    type Result = u32;

    async fn call(
        _state: Arc<ServerState>,
        params: NotifyParams,
        cx: RequestContext,
    ) -> Result<u32, RpcError> {
        let payload = "x".repeat(params.payload_bytes);
        for seq in 0..params.count {
            let event = NotifyEvent {
                request_id: &cx.id,
                seq,
                payload: &payload,
            };
            cx.notify("test/event", &event).await;
        }
        Ok(params.count)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AskClientParams {
    /// The method of the request sent to the client.
    pub method: String,
    #[serde(default)]
    pub params: serde_json::Value,
    pub timeout_ms: u64,
}

/// Sends the client a request and answers with the client's result; an unanswered request is an
/// internal error whose `data.clientRequest` says why (`timeout`, `closed`, `rejected`).
pub struct AskClient;

impl Method<ServerState> for AskClient {
    const NAME: &'static str = "test/askClient";
    const SUMMARY: &'static str = "Asks the client `method` and answers with its result.";
    type Params = AskClientParams;
    type Result = serde_json::Value;

    async fn call(
        _state: Arc<ServerState>,
        params: AskClientParams,
        cx: RequestContext,
    ) -> Result<serde_json::Value, RpcError> {
        let timeout = Duration::from_millis(params.timeout_ms);
        cx.request(&params.method, &params.params, timeout)
            .await
            .map_err(|err| {
                let code = match &err {
                    crate::rpc::ClientRequestError::Rejected { code, .. } => Some(*code),
                    _ => None,
                };
                RpcError::new(ErrorKind::Internal, err.to_string()).with_data(
                    serde_json::json!({ "clientRequest": err.kind(), "clientCode": code }),
                )
            })
    }
}
