//! Gathers what a chat call is resolved against: the session's snapshot, the merged catalog, the raw
//! catalog, the global config, the network settings and the credential store (when it can be opened).

use std::sync::Arc;

use super::errors::session_error;
use super::state::ServerState;
use crate::rpc::error::RpcError;
use crate::session::{CallSources, SessionSnapshot};

/// The session's snapshot (`session_not_found` when it is not open) and the call's sources.
pub async fn session_call(
    state: &ServerState,
    session_id: &str,
) -> Result<(SessionSnapshot, CallSources), RpcError> {
    let global = state.settings().config;
    let snapshot = state
        .sessions
        .snapshot(session_id, state.env.clone(), global)
        .map_err(session_error)?;
    Ok((snapshot, call_sources(state).await?))
}

async fn call_sources(state: &ServerState) -> Result<CallSources, RpcError> {
    let runtime = state.catalog.runtime(state)?;
    let merged = runtime.merged().await;
    let catalog = runtime.service.catalog().await;
    let settings = state.settings();
    let auth = match state.auth.get(&settings, &state.env).await {
        Ok(handle) => Some(handle.service),
        Err(error) => {
            tracing::warn!(error = %error.message, "credential store unavailable; chats use session, env and config credentials");
            None
        }
    };
    let network = super::network::network_settings(settings.config.as_deref())?;
    Ok(CallSources {
        merged,
        catalog,
        config: Arc::clone(&runtime.config),
        auth,
        network,
    })
}
