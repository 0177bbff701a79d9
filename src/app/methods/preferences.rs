//! `preferences/get` and `preferences/update`: the app's persisted choices in the data dir.

use std::sync::Arc;

use crate::app::errors::preferences_error;
use crate::app::state::ServerState;
use crate::config::{Preferences, PreferencesUpdate};
use crate::rpc::context::RequestContext;
use crate::rpc::error::RpcError;
use crate::rpc::method::{Method, NoParams};

pub struct Get;

impl Method<ServerState> for Get {
    const NAME: &'static str = "preferences/get";
    const SUMMARY: &'static str =
        "The selected provider and model and the hybrid vision choice (defaults when none stored).";
    type Params = NoParams;
    type Result = Preferences;

    async fn call(
        state: Arc<ServerState>,
        _params: NoParams,
        _cx: RequestContext,
    ) -> Result<Preferences, RpcError> {
        let runtime = state.catalog.runtime(&state)?;
        Ok(runtime.preferences.get().await)
    }
}

pub struct Update;

impl Method<ServerState> for Update {
    const NAME: &'static str = "preferences/update";
    const SUMMARY: &'static str = "Partial update (an absent field is kept, `null` clears it), persisted atomically; returns the stored preferences.";
    type Params = PreferencesUpdate;
    type Result = Preferences;

    async fn call(
        state: Arc<ServerState>,
        params: PreferencesUpdate,
        _cx: RequestContext,
    ) -> Result<Preferences, RpcError> {
        let runtime = state.catalog.runtime(&state)?;
        runtime
            .preferences
            .update(params)
            .await
            .map_err(preferences_error)
    }
}
