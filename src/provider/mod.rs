//! Provider runtime resolution: OpenCode's `CUSTOM_LOADERS` parity, one module per provider's
//! quirks, plus request authorization (SigV4, Z.AI JWT, Copilot headers).
//!
//! Pure and session-scoped: every input (options, credential, env snapshot) is passed in, and
//! nothing reads or writes the process environment.
//!
//! Typical use by the session layer:
//! 1. build a [`LoaderInput`] from the session context and call
//!    [`TokenBroker::resolve_runtime`] (or [`resolve`] when no token exchange can be needed);
//! 2. show [`ResolvedRuntime::redacted`] in `transform/preview`;
//! 3. for each outgoing request call [`RequestAuthorizer::authorize`] for the final headers.

pub mod authorize;
pub mod aws_profile;
pub mod clock;
pub mod common;
pub mod error;
pub mod exchange;
#[cfg(test)]
mod golden;
pub mod google_auth;
pub mod input;
pub mod loaders;
pub mod registry;
pub mod runtime;
pub mod secret;
pub mod sigv4;
pub mod zai;

pub use authorize::{OutgoingRequest, RequestAuthorizer};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::ProviderError;
pub use exchange::TokenBroker;
pub use input::{AwsCredentials, ClientIdentity, Credential, LoaderInput};
pub use registry::resolve;
pub use runtime::{
    AuthPreview, AuthScheme, DynamicHeaders, ProtocolFamily, ResolvedRuntime, RuntimePreview,
    redact_headers,
};
pub use secret::Secret;
pub use zai::ZaiRequestOptions;
