//! `rpc.discover`: the OpenRPC document of every method.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::app::state::ServerState;
use crate::rpc::context::RequestContext;
use crate::rpc::error::RpcError;
use crate::rpc::method::{Method, NoParams};

/// An OpenRPC 1.x document (see <https://spec.open-rpc.org>).
#[derive(Debug, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct DiscoverResult(pub Value);

pub struct Discover;

impl Method<ServerState> for Discover {
    const NAME: &'static str = "rpc.discover";
    const SUMMARY: &'static str =
        "The OpenRPC document describing every method, its params, result and errors.";
    type Params = NoParams;
    type Result = DiscoverResult;

    async fn call(
        state: Arc<ServerState>,
        _params: NoParams,
        _cx: RequestContext,
    ) -> Result<DiscoverResult, RpcError> {
        let contract = state
            .contract
            .get()
            .ok_or_else(|| RpcError::internal("the method table is not built yet"))?;
        Ok(DiscoverResult(Value::clone(&contract.document())))
    }
}
