//! `session/open`, `session/update`, `session/close`, `session/list`.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::app::errors::session_error;
use crate::app::state::ServerState;
use crate::rpc::context::RequestContext;
use crate::rpc::error::RpcError;
use crate::rpc::method::{Method, NoParams};
use crate::session::{SessionCloseParams, SessionInfo, SessionOpenParams};

pub struct SessionOpen;

impl Method<ServerState> for SessionOpen {
    const NAME: &'static str = "session/open";
    const SUMMARY: &'static str = "Opens (or replaces) a session: config overlay, env overlay, in-memory credentials, default headers and options.";
    type Params = SessionOpenParams;
    type Result = SessionInfo;

    async fn call(
        state: Arc<ServerState>,
        params: SessionOpenParams,
        _cx: RequestContext,
    ) -> Result<SessionInfo, RpcError> {
        state.sessions.open(params).map_err(session_error)
    }
}

pub struct SessionUpdate;

impl Method<ServerState> for SessionUpdate {
    const NAME: &'static str = "session/update";
    const SUMMARY: &'static str = "Changes an open session: `config` and `options` are replaced, `env`, `credentials` and `headers` extended key by key; running chats keep their snapshot.";
    type Params = SessionOpenParams;
    type Result = SessionInfo;

    async fn call(
        state: Arc<ServerState>,
        params: SessionOpenParams,
        _cx: RequestContext,
    ) -> Result<SessionInfo, RpcError> {
        state.sessions.update(params).map_err(session_error)
    }
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionCloseResult {
    pub closed: bool,
}

pub struct SessionClose;

impl Method<ServerState> for SessionClose {
    const NAME: &'static str = "session/close";
    const SUMMARY: &'static str =
        "Closes a session: cancels its in-flight chats (-32800) and wipes its credentials.";
    type Params = SessionCloseParams;
    type Result = SessionCloseResult;

    async fn call(
        state: Arc<ServerState>,
        params: SessionCloseParams,
        _cx: RequestContext,
    ) -> Result<SessionCloseResult, RpcError> {
        state
            .sessions
            .close(&params.session_id)
            .map_err(session_error)?;
        Ok(SessionCloseResult { closed: true })
    }
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionListResult {
    pub sessions: Vec<SessionInfo>,
}

pub struct SessionList;

impl Method<ServerState> for SessionList {
    const NAME: &'static str = "session/list";
    const SUMMARY: &'static str =
        "The open sessions: ids and the names of what they hold, never secret values.";
    type Params = NoParams;
    type Result = SessionListResult;

    async fn call(
        state: Arc<ServerState>,
        _params: NoParams,
        _cx: RequestContext,
    ) -> Result<SessionListResult, RpcError> {
        Ok(SessionListResult {
            sessions: state.sessions.list(),
        })
    }
}
