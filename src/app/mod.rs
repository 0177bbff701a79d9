//! The application: the server state, the method handlers, and the services they and the CLI
//! share. `methods::build_table` registers every handler on the transport's `MethodTable` over
//! [`ServerState`]; `server::serve_stdio` hands the table to an `rpc` dispatcher over stdin and
//! stdout. Each handler (`methods/`) decodes its typed params once, calls the domain through the
//! services here, and returns a typed result; the CLI uses the same services (`config`,
//! `doctor`, `auth_settings`, `network`, `search_index`), never the handlers.

pub mod auth_settings;
pub mod auth_slot;
pub mod call_sources;
pub mod catalog_state;
pub mod chat_io;
pub mod config;
pub mod connections;
pub mod doctor;
pub mod errors;
pub mod host_hooks;
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
