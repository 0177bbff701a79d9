//! The application: server state and the method handlers, used by `rpc` and by the CLI.

pub mod chat_io;
#[cfg(any(test, feature = "test-support"))]
pub mod in_process;
pub mod methods;
#[cfg(test)]
mod robustness_tests;
pub mod server;
pub mod state;

pub use state::{LogReloader, ProcessEnv, ServerState, Settings};
