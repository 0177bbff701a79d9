//! The application: server state and the method handlers, used by `rpc` and by the CLI.

pub mod auth_settings;
pub mod auth_slot;
pub mod call_sources;
pub mod catalog_state;
pub mod chat_io;
pub mod config;
pub mod connections;
pub mod doctor;
pub mod errors;
#[cfg(any(test, feature = "test-support"))]
pub mod in_process;
pub mod methods;
pub mod network;
#[cfg(test)]
mod robustness_tests;
pub mod search_index;
pub mod server;
pub mod state;

pub use server::{openrpc_document, serve_stdio};
pub use state::{LogReloader, ProcessEnv, ServerState, Settings};
