//! The method table: every method the sidecar answers, declared once.

pub mod auth;
mod discover;
mod lifecycle;
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
        .add::<discover::Discover>();
    auth::register(&mut table);
    if test_methods {
        testing::register(&mut table);
    }
    table
}
