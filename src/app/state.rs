//! State shared by every handler: settings, lifecycle flags and the domain services.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use serde_json::Value;

use super::auth_slot::AuthSlot;
use super::catalog_state::CatalogState;
use super::search_index::SearchState;
use crate::host_process::{HostPid, HostWatch};
use crate::rpc::lifecycle::Lifecycle;
use crate::rpc::method::Contract;
use crate::rpc::outbound::Outbound;

/// The process environment as read once at start (the auth layer wraps it as
/// [`crate::auth::EnvSnapshot`]). It is never written back.
pub type ProcessEnv = HashMap<String, String>;

/// Changes the log filter at run time (set by `initialize`'s `logLevel`).
pub type LogReloader = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// Settings fixed at spawn time by flags and the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub max_message_bytes: usize,
    /// Registers `test/*` methods (a slow method, a panicking one); never in the published schema.
    pub test_methods: bool,
    /// A config given with `--config FILE`, read at start, or by `initialize`. Shared: every call
    /// takes the settings, and comparing two of them is a pointer comparison while they are one.
    pub config: Option<Arc<Value>>,
}

/// What the client told us in `initialize`.
#[derive(Debug, Clone, Default)]
pub struct ClientSession {
    pub client_name: Option<String>,
    pub client_version: Option<String>,
    pub capabilities: Option<Value>,
    /// The hooks the host implements (`capabilities.hooks`).
    pub hooks: Option<crate::plugin::host::HostHooks>,
}

pub struct ServerState {
    pub settings: RwLock<Settings>,
    pub env: Arc<ProcessEnv>,
    pub outbound: Outbound,
    pub client: RwLock<Option<ClientSession>>,
    /// `initialized`, `shutdown` and the host's exit, shared with the dispatcher.
    pub lifecycle: Arc<Lifecycle>,
    pub log_reloader: Option<LogReloader>,
    /// The published contract, set once when the method table is complete.
    pub contract: OnceLock<Contract>,
    /// Catalog, config, preferences and model discovery; follows `settings.data_dir` and
    /// `settings.config`.
    pub catalog: CatalogState,
    pub search: SearchState,
    /// The credential store and sign-in flows, opened in the background (see `AuthSlot`).
    pub auth: Arc<AuthSlot>,
    /// Open sessions.
    pub sessions: Arc<crate::session::SessionStore>,
    /// Runs `chat/*` calls (token caches, request authorizer, concurrency limits, HTTP clients).
    pub chat: Arc<crate::session::ChatService>,
    /// The host process named in `initialize.processId`, watched while it runs.
    pub host: HostLink,
}

/// The watch on the host process, while one is named.
#[derive(Debug, Default)]
pub struct HostLink {
    watch: Mutex<Option<HostWatch>>,
}

impl HostLink {
    fn watch_slot(&self) -> std::sync::MutexGuard<'_, Option<HostWatch>> {
        self.watch.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Watches `pid` from now on, in place of any host watched before; `exited` is cancelled
    /// when it has gone.
    pub fn watch(&self, pid: HostPid, exited: tokio_util::sync::CancellationToken) {
        *self.watch_slot() = Some(HostWatch::start(pid, exited));
    }

    /// The host watched now, if any.
    pub fn pid(&self) -> Option<HostPid> {
        self.watch_slot().as_ref().map(HostWatch::pid)
    }

    /// Stops watching (an in-process server's next run).
    pub fn forget(&self) {
        *self.watch_slot() = None;
    }
}

impl ServerState {
    pub fn new(
        settings: Settings,
        env: ProcessEnv,
        outbound: Outbound,
        log_reloader: Option<LogReloader>,
    ) -> Self {
        Self {
            settings: RwLock::new(settings),
            env: Arc::new(env),
            outbound,
            client: RwLock::new(None),
            lifecycle: Arc::default(),
            log_reloader,
            contract: OnceLock::new(),
            catalog: CatalogState::new(),
            search: Default::default(),
            auth: Arc::new(AuthSlot::default()),
            sessions: Arc::new(crate::session::SessionStore::new()),
            chat: Arc::new(crate::session::ChatService::new()),
            host: HostLink::default(),
        }
    }

    /// A state whose notifications go nowhere, for use without a client (the CLI's `doctor`,
    /// the schema writer).
    pub fn detached(settings: Settings, env: ProcessEnv) -> Self {
        Self::new(settings, env, Outbound::detached(), None)
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub fn update_settings(&self, change: impl FnOnce(&mut Settings)) {
        let mut guard = self
            .settings
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        change(&mut guard);
    }

    pub fn is_shutting_down(&self) -> bool {
        self.lifecycle.is_shutting_down()
    }
}
