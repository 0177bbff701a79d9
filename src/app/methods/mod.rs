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

/// The host hooks (docs/hooks.md): server→client requests the host answers when it declared them
/// in `initialize`'s `capabilities.hooks`, and the `hook/event` notification.
fn register_host_hooks(table: &mut MethodTable<ServerState>) {
    use crate::plugin::{self, host};
    table
        .add_server_request::<plugin::ConfigHookParams, plugin::ConfigPatch>(
            host::CONFIG,
            "When `initialize` loads the config: the host sees the merged config, every secret-bearing value redacted, and may edit it. Answer with an object deep-merged into the config (a `\"[redacted]\"` value leaves the secret as it was) or null for no change.",
        )
        .add_server_request::<plugin::ChatParamsHookParams<'static>, plugin::ChatParamsPatch>(
            host::CHAT_PARAMS,
            "Before a chat call (and `transform/preview`) is sent: the host may change its sampling settings and provider options. Answer with the fields to replace (`null` removes one) or null for no change.",
        )
        .add_server_request::<plugin::ChatHeadersHookParams<'static>, plugin::ChatHeadersPatch>(
            host::CHAT_HEADERS,
            "Before a chat call (and `transform/preview`) is sent: the host may add headers. Answer with the headers to set (a `null` value removes one an earlier hook set) or null for no change.",
        )
        .add_notification::<plugin::HookEventParams>(
            host::EVENT,
            "A chat call started, finished or failed (sent when the host declared `capabilities.hooks.event`; never answered).",
        );
}

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
    register_host_hooks(&mut table);
    if test_methods {
        testing::register(&mut table);
    }
    table
}
