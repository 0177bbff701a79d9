//! The whole server over byte buffers, in process (`rpc::in_process` with the application's
//! state and methods): bytes in as if on stdin, every byte the server wrote back out. For fuzz
//! targets and property tests, which run it many times per second, so the state (its catalog,
//! its search index) is built once and reused.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::mpsc;

use super::state::{ProcessEnv, ServerState, Settings};
use crate::app::methods::build_table;
use crate::rpc::dispatch::Dispatcher;
use crate::rpc::in_process::serve_bytes;
use crate::rpc::invoke::Handlers;
use crate::rpc::outbound::{Outbound, Queued};

pub use crate::rpc::in_process::{Served, parse_output};

/// A server whose state outlives each run; every run gets a fresh dispatcher.
pub struct InProcessServer {
    state: Arc<ServerState>,
    handlers: Handlers,
    written: tokio::sync::Mutex<mpsc::Receiver<Queued>>,
}

impl InProcessServer {
    /// Builds the state, with the data dir in `settings`; call inside a tokio runtime.
    /// `env` stands for the process environment (nothing of the real one is read).
    pub fn new(settings: Settings, env: ProcessEnv) -> InProcessServer {
        let (outbound, written) = Outbound::with_drain(|rx| rx);
        let state = Arc::new(ServerState::new(settings, env, outbound, None));
        let table = build_table(Arc::clone(&state));
        let _ = state.contract.set(table.contract());
        state.catalog.start(&state);
        InProcessServer {
            state,
            handlers: table.into_handlers(),
            written: tokio::sync::Mutex::new(written),
        }
    }

    /// A server whose every endpoint a valid-looking request could reach (catalog refresh,
    /// sign-in issuers) is a closed local port, with its data in `data_dir`.
    pub fn offline(data_dir: &Path) -> InProcessServer {
        let settings = Settings {
            data_dir: data_dir.to_path_buf(),
            max_message_bytes: 4096,
            test_methods: false,
            config: Some(std::sync::Arc::new(
                serde_json::json!({"auth": {"store": "file", "endpoints": {
                    "openaiIssuer": "http://127.0.0.1:9",
                    "openaiCallbackPort": 0,
                    "githubBase": "http://127.0.0.1:9"
                }}}),
            )),
        };
        let env = [
            ("PROVIDER_SIDECAR_MODELS_URL", "http://127.0.0.1:9/api.json"),
            ("PROVIDER_SIDECAR_DISABLE_MODELS_FETCH", "1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        InProcessServer::new(settings, env)
    }

    pub fn state(&self) -> &Arc<ServerState> {
        &self.state
    }

    /// Every public method's name.
    pub fn method_names(&self) -> Vec<&'static str> {
        self.state
            .contract
            .get()
            .map(|contract| contract.methods.clone())
            .unwrap_or_default()
    }

    /// Every property name of the contract's params and results (for structure-aware fuzzing:
    /// objects built from these keys reach past the decoder's first check).
    pub fn vocabulary(&self) -> Vec<String> {
        let mut names = std::collections::BTreeSet::new();
        if let Some(contract) = self.state.contract.get() {
            collect_property_names(&contract.document(), &mut names);
        }
        names.into_iter().collect()
    }

    /// Serves `input` until its end (or `exit`) and returns what was written meanwhile.
    /// A `shutdown` or a host watched in one run does not carry over to the next.
    pub async fn serve(&self, input: &[u8]) -> Served {
        let mut written = self.written.lock().await;
        self.state.lifecycle.reset();
        self.state.host.forget();
        let dispatcher = Dispatcher::new(
            self.handlers.clone(),
            self.state.outbound.clone(),
            Arc::clone(&self.state.lifecycle),
            self.state.settings().max_message_bytes,
        );
        serve_bytes(&dispatcher, input, &mut written).await
    }
}

fn collect_property_names(schema: &Value, names: &mut std::collections::BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                names.extend(properties.keys().cloned());
            }
            for value in map.values() {
                collect_property_names(value, names);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_property_names(item, names);
            }
        }
        _ => {}
    }
}
