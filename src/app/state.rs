//! State shared by every handler: settings, lifecycle flags and the domain services.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::auth_slot::AuthSlot;
use super::catalog_state::CatalogState;
use super::search_index::SearchState;
use crate::host_process::{HostPid, HostWatch};
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
    /// A config given with `--config FILE`, read at start.
    pub config: Option<Value>,
}

/// What the client told us in `initialize`.
#[derive(Debug, Clone, Default)]
pub struct ClientSession {
    pub client_name: Option<String>,
    pub client_version: Option<String>,
    pub capabilities: Option<Value>,
}

pub struct ServerState {
    pub settings: RwLock<Settings>,
    pub env: Arc<ProcessEnv>,
    pub outbound: Outbound,
    pub client: RwLock<Option<ClientSession>>,
    pub initialized: AtomicBool,
    pub shutdown_requested: AtomicBool,
    pub log_reloader: Option<LogReloader>,
    /// The published contract, set once when the method table is complete.
    pub contract: OnceLock<crate::rpc::method::Contract>,
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

/// The link to the host process: the watch on it, and the signal that it has gone.
#[derive(Debug, Default)]
pub struct HostLink {
    watched: Mutex<Watched>,
}

#[derive(Debug, Default)]
struct Watched {
    watch: Option<HostWatch>,
    gone: CancellationToken,
}

impl HostLink {
    fn watched(&self) -> std::sync::MutexGuard<'_, Watched> {
        self.watched.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Watches `pid` from now on, in place of any host watched before.
    pub fn watch(&self, pid: HostPid) {
        let mut watched = self.watched();
        watched.watch = Some(HostWatch::start(pid, watched.gone.clone()));
    }

    /// The host watched now, if any.
    pub fn pid(&self) -> Option<HostPid> {
        self.watched().watch.as_ref().map(HostWatch::pid)
    }

    /// Stops watching and forgets a host that has gone (an in-process server's next run).
    pub fn forget(&self) {
        *self.watched() = Watched::default();
    }

    /// Resolves once the watched host process has exited.
    pub async fn gone(&self) {
        let gone = self.watched().gone.clone();
        gone.cancelled().await;
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
            initialized: AtomicBool::new(false),
            shutdown_requested: AtomicBool::new(false),
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
        self.shutdown_requested.load(Ordering::SeqCst)
    }
}
