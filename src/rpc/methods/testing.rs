//! Test-only methods (`--enable-test-methods`): deliberately slow, panicking and chatty
//! handlers that let the integration tests exercise cancellation, panics and notifications.
//! They are never part of the published schema.

use std::sync::Arc;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::rpc::context::RequestContext;
use crate::rpc::error::RpcError;
use crate::rpc::method::{Method, MethodTable, NoParams};
use crate::rpc::state::ServerState;

pub fn register(table: &mut MethodTable) {
    table
        .add_unpublished::<Sleep>()
        .add_unpublished::<Panic>()
        .add_unpublished::<Notify>();
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

impl Method for Sleep {
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

impl Method for Panic {
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

impl Method for Notify {
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
