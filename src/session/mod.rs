//! Sessions: one isolated runtime context per session id (config overlay, env overlay on the start-time
//! snapshot, in-memory credentials, default headers and options), the runtime resolution seam that turns a
//! (session, provider, model) into a ready-to-send call, and the chat runner on top of both.
//!
//! Nothing here reads or writes the process environment: every outgoing request is built from a
//! [`SessionSnapshot`] alone, so concurrent sessions cannot see each other's credentials.

pub mod chat;
pub mod credentials;
pub mod error;
pub mod network;
pub mod prepare;
mod pricing;
pub mod resolver;
#[cfg(test)]
mod resolver_tests;
mod secret;
pub mod sources;
pub mod store;

pub use chat::{CallSpec, ChatParams, ChatService, ChatTarget};
pub use error::{ChatError, ResolveError, SessionError};
pub use resolver::{ResolvedCall, resolve_call};
pub use sources::CallSources;
pub use store::{
    CredentialInput, SessionCloseParams, SessionInfo, SessionOpenParams, SessionOptions,
    SessionSnapshot, SessionStore,
};
