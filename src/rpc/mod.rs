//! JSON-RPC transport, method table, errors and the OpenRPC document.

pub mod client_requests;
pub mod context;
pub mod dispatch;
pub mod error;
pub mod framing;
pub mod lone_surrogates;
pub mod message;
pub mod method;
pub mod openrpc;
pub mod outbound;
#[cfg(test)]
mod peer_tests;
pub mod stdio;

pub use client_requests::ClientRequestError;
pub use context::RequestContext;
pub use error::{ErrorKind, RpcError};
pub use method::{Method, MethodTable, NoParams};
