//! `config/import`: OpenCode users' `opencode.json(c)` (global, and a project's) copied into the
//! data dir under the sidecar's own config. Read only, never done unless asked.

use std::sync::Arc;

use crate::app::errors::import_error;
use crate::app::state::ServerState;
use crate::config::opencode_import::{self, ConfigImportParams, ConfigImportReport};
use crate::rpc::context::RequestContext;
use crate::rpc::error::RpcError;
use crate::rpc::method::Method;

pub struct Import;

impl Method<ServerState> for Import {
    const NAME: &'static str = "config/import";
    const SUMMARY: &'static str = "Imports OpenCode's opencode.json(c) (global, and a project's given `directory`; read only, never done unless asked) under the sidecar's own config: the files read, the providers and settings taken, what was skipped and why; never a value.";
    type Params = ConfigImportParams;
    type Result = ConfigImportReport;

    async fn call(
        state: Arc<ServerState>,
        params: ConfigImportParams,
        _cx: RequestContext,
    ) -> Result<ConfigImportReport, RpcError> {
        let relative = params
            .paths
            .iter()
            .chain(params.directory.as_ref())
            .any(|path| !path.is_absolute());
        if relative {
            return Err(RpcError::invalid_params(
                "paths",
                "paths and directory must be absolute",
            ));
        }
        let data_dir = state.settings().data_dir.clone();
        let env = Arc::clone(&state.env);
        let report =
            tokio::task::spawn_blocking(move || opencode_import::import(&params, &env, &data_dir))
                .await
                .map_err(|error| RpcError::internal(error.to_string()))?
                .map_err(import_error)?;
        if report.stored_at.is_some() {
            state.catalog.imported_config_changed();
        }
        Ok(report)
    }
}
