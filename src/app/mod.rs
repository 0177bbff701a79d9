//! The application: server state and the method handlers, used by `rpc` and by the CLI.

pub mod chat_io;
pub mod methods;
