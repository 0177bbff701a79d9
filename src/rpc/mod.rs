//! The JSON-RPC transport: message types, framing, the dispatcher, the stdio threads,
//! server→client requests and the OpenRPC assembly. It knows nothing of the domain: the
//! application (`app`) registers its handlers on a [`MethodTable`] over its own state and runs
//! them through a [`dispatch::Dispatcher`]. Everything here is testable in process over byte
//! buffers (`in_process`, `dispatch_tests`).

pub mod client_requests;
pub mod context;
pub mod dispatch;
#[cfg(test)]
mod dispatch_tests;
pub mod error;
pub mod framing;
#[cfg(any(test, feature = "test-support"))]
pub mod in_process;
pub mod incoming;
mod inflight;
pub mod invoke;
pub mod lifecycle;
pub mod lone_surrogates;
pub mod message;
pub mod method;
pub mod openrpc;
pub mod outbound;
pub mod stdio;

pub use client_requests::ClientRequestError;
pub use context::RequestContext;
pub use error::{ErrorKind, RpcError};
pub use lifecycle::{Lifecycle, StopReason};
pub use method::{Method, MethodTable, NoParams};
