//! The method table: every method the sidecar answers, declared once.

mod chat;
mod discover;
mod lifecycle;
mod session;
mod testing;

use std::sync::Arc;

use super::method::MethodTable;
use super::state::ServerState;

pub use discover::DiscoverResult;
pub use lifecycle::{InitializeParams, InitializeResult};

/// Builds the table of every public method (plus the test-only ones when enabled).
pub fn build_table(state: Arc<ServerState>) -> MethodTable {
    let test_methods = state.settings().test_methods;
    let mut table = MethodTable::new(state);
    table
        .add::<lifecycle::Initialize>()
        .add::<lifecycle::Shutdown>()
        .add::<discover::Discover>()
        .add::<session::SessionOpen>()
        .add::<session::SessionUpdate>()
        .add::<session::SessionClose>()
        .add::<session::SessionList>()
        .add::<chat::ChatStream>()
        .add::<chat::ChatGenerate>()
        .add_notification::<chat::ChatDelta>(
            chat::DELTA,
            "One normalized stream part of a `chat/stream` request (`requestId` is its id).",
        );
    if test_methods {
        testing::register(&mut table);
    }
    table
}
