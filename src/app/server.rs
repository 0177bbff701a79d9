//! Wires the application into the transport: the state, its method table, and a dispatcher over
//! stdin and stdout.

use std::sync::Arc;

use serde_json::Value;

use super::methods::build_table;
use super::state::{LogReloader, ProcessEnv, ServerState, Settings};
use crate::rpc::dispatch::Dispatcher;
use crate::rpc::lifecycle::StopReason;
use crate::rpc::outbound::Outbound;
use crate::rpc::stdio;

/// Serves JSON-RPC on stdin/stdout until EOF, `exit`, a signal or the host's exit.
pub async fn serve_stdio(
    settings: Settings,
    env: ProcessEnv,
    log_reloader: Option<LogReloader>,
) -> StopReason {
    let (outbound, writer) = Outbound::with_drain(stdio::spawn_stdout_writer);
    let outbound = outbound.with_write_now(writer.write_now());
    let max_message_bytes = settings.max_message_bytes;
    let state = Arc::new(ServerState::new(
        settings,
        env,
        outbound.clone(),
        log_reloader,
    ));
    let table = build_table(Arc::clone(&state));
    if state.contract.set(table.contract()).is_err() {
        unreachable!("the contract is set once, here");
    }
    state.catalog.start(&state);
    state.auth.warm_up(state.settings(), Arc::clone(&state.env));
    let dispatcher = Dispatcher::new(
        table.into_handlers(),
        outbound,
        Arc::clone(&state.lifecycle),
        max_message_bytes,
    );
    let reason = dispatcher.serve(stdio::stdin_reader()).await;
    // Every answer produced so far is written whole before the process exits, while the host reads.
    let flushed = state.outbound.flushed();
    drop(dispatcher);
    drop(state);
    if !writer.wait_while_writing(flushed).await {
        tracing::debug!("exiting with output unwritten");
    }
    reason
}

/// The OpenRPC document of the public methods, as `rpc.discover` serves it.
pub fn openrpc_document() -> Value {
    let settings = Settings {
        data_dir: std::path::PathBuf::new(),
        max_message_bytes: 0,
        test_methods: false,
        config: None,
    };
    let state = Arc::new(ServerState::detached(settings, ProcessEnv::new()));
    let table = build_table(state);
    Value::clone(&table.contract().document())
}
