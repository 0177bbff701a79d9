//! LSP-style lifecycle: `initialize` and `shutdown` (`initialized` and `exit` are notifications
//! handled by the dispatcher).

use std::path::PathBuf;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::app::state::{ClientSession, ServerState};
use crate::host_process::{HostPid, HostPidError};
use crate::rpc::context::RequestContext;
use crate::rpc::error::RpcError;
use crate::rpc::method::{Method, NoParams};

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InitializeParams {
    /// The host's process id. The sidecar checks every quarter second that this process still
    /// runs and exits when it does not (as if `exit` had come), even while its stdin stays open.
    /// Null when the sidecar cannot see the host's processes (e.g. another pid namespace).
    #[serde(default)]
    pub process_id: Option<i64>,
    #[serde(default)]
    pub client_info: Option<ClientInfo>,
    /// The host's capabilities: `hooks` declares the plugin hooks it implements (see
    /// `HostHooks` and docs/hooks.md); other keys are kept for later negotiation.
    #[serde(default)]
    #[schemars(with = "Option<ClientCapabilities>")]
    pub capabilities: Option<Value>,
    #[serde(default)]
    pub initialization_options: Option<InitializationOptions>,
}

/// The documented part of `initialize`'s `capabilities` (other keys are accepted and kept).
/// The schema only: `capabilities` is read as JSON, so that a host's own keys never fail
/// `initialize` (`host_hooks::parse_declaration` reads `hooks`).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ClientCapabilities {
    /// The plugin hooks the host implements: the sidecar calls them as server→client requests
    /// (`hook/chat.params`, `hook/chat.headers`) and sends `hook/event` notifications.
    #[serde(default)]
    pub hooks: Option<crate::plugin::host::HostHooks>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientInfo {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InitializationOptions {
    /// User config in OpenCode's format (`{"provider": {...}, "model": ..., ...}`).
    #[serde(default)]
    pub config: Option<Value>,
    /// Where the sidecar keeps its cache, preferences and credential fallback file.
    #[serde(default)]
    pub data_dir: Option<PathBuf>,
    /// A tracing filter such as `info` or `provider_sidecar=debug`.
    #[serde(default)]
    pub log_level: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InitializeResult {
    pub server_info: ServerInfo,
    pub capabilities: ServerCapabilities,
    /// The served catalog, when it has finished loading (`initialize` never waits for it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog: Option<crate::catalog::CatalogStatus>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerCapabilities {
    /// Every method this sidecar answers.
    pub methods: Vec<String>,
    /// Notifications the sidecar may send.
    pub notifications: Vec<String>,
    /// Framings accepted on stdin: `lsp` (Content-Length headers) and `line` (newline-delimited).
    pub framings: Vec<String>,
    /// Messages larger than this are rejected.
    pub max_message_bytes: usize,
    /// `$/cancelRequest` is honoured for every request.
    pub cancellation: bool,
    /// The data dir in use.
    pub data_dir: String,
    /// The host hooks the sidecar will call, from `capabilities.hooks` (`hook/chat.params`,
    /// `hook/chat.headers`, `hook/event`).
    pub hooks: Vec<String>,
}

pub struct Initialize;

impl Method<ServerState> for Initialize {
    const NAME: &'static str = "initialize";
    const SUMMARY: &'static str = "Optional handshake: client info, config, data dir and log level in; server info and capabilities out.";
    type Params = InitializeParams;
    type Result = InitializeResult;

    async fn call(
        state: Arc<ServerState>,
        params: InitializeParams,
        _cx: RequestContext,
    ) -> Result<InitializeResult, RpcError> {
        let host = match params.process_id.map(HostPid::parse).transpose() {
            Ok(host) => host,
            Err(HostPidError::Unsupported) => {
                tracing::warn!("processId ignored: {}", HostPidError::Unsupported);
                None
            }
            Err(err) => return Err(RpcError::invalid_params("processId", err.to_string())),
        };
        let hooks = crate::app::host_hooks::parse_declaration(params.capabilities.as_ref())
            .map_err(|(field, reason)| RpcError::invalid_params(&field, reason))?;
        let options = params.initialization_options.unwrap_or_default();
        if let Some(level) = options.log_level.as_deref() {
            match &state.log_reloader {
                Some(reload) => reload(level).map_err(|reason| {
                    RpcError::invalid_params("initializationOptions.logLevel", reason)
                })?,
                None => tracing::debug!("log level change ignored: no reloadable logger"),
            }
        }
        if let Some(config) = &options.config {
            crate::app::config::parse_config(Some(config), &state.env)?;
            crate::app::network::network_settings(Some(config))?;
        }
        // The config hooks (the host's `hook/config` among them) see the config being loaded.
        let settings = state.settings();
        let data_dir = options.data_dir.clone().unwrap_or(settings.data_dir);
        let own = options.config.map(Arc::new).or(settings.config.clone());
        let registry = crate::app::host_hooks::registry_with(&state, hooks.clone());
        let hooked =
            crate::app::config::with_config_hooks(own.as_deref(), &data_dir, &state.env, &registry)
                .await?;
        let config = hooked.map(Arc::new).or(own);
        state.update_settings(|settings| {
            settings.data_dir = data_dir;
            settings.config = config;
        });
        let catalog = state.catalog.runtime(&state)?.service.try_status();
        if let Some(pid) = host {
            state.host.watch(pid, state.lifecycle.host_exit());
        }
        *state.client.write().unwrap_or_else(|p| p.into_inner()) = Some(ClientSession {
            client_name: params.client_info.as_ref().map(|c| c.name.clone()),
            client_version: params.client_info.and_then(|c| c.version),
            capabilities: params.capabilities,
            hooks: hooks.clone(),
        });
        let settings = state.settings();
        let (methods, notifications) = state
            .contract
            .get()
            .map(|contract| {
                let names = |list: &[&str]| list.iter().map(|n| (*n).to_string()).collect();
                (names(&contract.methods), names(&contract.notifications))
            })
            .unwrap_or_default();
        Ok(InitializeResult {
            server_info: ServerInfo {
                name: env!("CARGO_PKG_NAME").to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            capabilities: ServerCapabilities {
                methods,
                notifications,
                framings: vec!["lsp".into(), "line".into()],
                max_message_bytes: settings.max_message_bytes,
                cancellation: true,
                data_dir: settings.data_dir.display().to_string(),
                hooks: hooks.map(|hooks| hooks.methods()).unwrap_or_default(),
            },
            catalog,
        })
    }
}

pub struct Shutdown;

impl Method<ServerState> for Shutdown {
    const NAME: &'static str = "shutdown";
    const SUMMARY: &'static str = "Prepares to exit: later requests fail with server_shutting_down; `exit` then ends the process with 0.";
    type Params = NoParams;
    type Result = ();

    async fn call(
        state: Arc<ServerState>,
        _params: NoParams,
        _cx: RequestContext,
    ) -> Result<(), RpcError> {
        state.lifecycle.request_shutdown();
        Ok(())
    }
}
