//! The method table: every method the sidecar answers, declared once.

mod auth;
mod catalog;
mod chat;
mod config_import;
mod discover;
mod doctor;
mod lifecycle;
mod models;
mod preferences;
pub mod progress;
mod search;
mod session;
mod testing;
mod transform;

use std::sync::Arc;

use super::state::ServerState;
use crate::rpc::method::MethodTable;

use crate::app::catalog_state;

pub use discover::DiscoverResult;
pub use lifecycle::{InitializeParams, InitializeResult};

/// Builds the table of every public method (plus the test-only ones when enabled).
pub fn build_table(state: Arc<ServerState>) -> MethodTable<ServerState> {
    let test_methods = state.settings().test_methods;
    let mut table = MethodTable::new(state);
    table
        .add::<lifecycle::Initialize>()
        .add::<lifecycle::Shutdown>()
        .add::<discover::Discover>();
    table
        .add::<catalog::Status>()
        .add::<catalog::Refresh>()
        .add::<models::ProviderList>()
        .add::<models::ProviderCatalog>()
        .add::<models::ProviderGet>()
        .add::<models::ModelList>()
        .add::<models::ModelGet>()
        .add::<models::ModelDefault>()
        .add::<preferences::Get>()
        .add::<preferences::Update>()
        .add::<search::ModelSearch>()
        .add::<search::ProviderSearch>()
        .add_notification::<progress::ProgressParams>(
            progress::PROGRESS,
            "LSP work-done progress of `catalog/refresh` and of a device sign-in waiting in `auth/oauth/authorize`: `begin`, then `report`s, then `end`, under the request's `workDoneToken` (or one the sidecar made).",
        )
        .add_notification::<crate::catalog::CatalogDiff>(
            catalog_state::CATALOG_CHANGED,
            "The served catalog changed (after `catalog/refresh` or a background refresh): counts of providers and models added, removed and changed, and the new totals.",
        );
    auth::register(&mut table);
    table
        .add::<session::SessionOpen>()
        .add::<session::SessionUpdate>()
        .add::<session::SessionClose>()
        .add::<session::SessionList>()
        .add::<chat::ChatStream>()
        .add::<chat::ChatGenerate>()
        .add::<transform::Preview>()
        .add::<config_import::Import>()
        .add::<doctor::Report>()
        .add_notification::<chat::ChatDelta>(
            chat::DELTA,
            "One normalized stream part of a `chat/stream` request (`requestId` is its id).",
        );
    if test_methods {
        testing::register(&mut table);
    }
    table
}
