//! Provider profiles and runtime resolution: one profile per vendor family (`profiles/`, OpenCode's
//! `CUSTOM_LOADERS` parity and everything else a family needs), plus request authorization (SigV4,
//! Z.AI JWT, Copilot headers).
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
pub mod aws_credentials;
pub mod clock;
pub mod common;
pub mod error;
pub mod exchange;
#[cfg(test)]
mod golden;
pub mod google_auth;
pub mod input;
pub mod profiles;
pub mod runtime;
pub mod secret;
pub mod sigv4;

pub use authorize::{OutgoingRequest, RequestAuthorizer};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::ProviderError;
pub use exchange::TokenBroker;
pub use input::{AwsCredentials, ClientIdentity, Credential, LoaderInput};
pub use profiles::zai::ZaiRequestOptions;
pub use profiles::{
    CacheMarks, CachePolicy, CallRef, InvalidParam, MessageRules, Profile, ReasoningApi,
    ServedModel, VariantPresets, profile_of, resolve,
};
pub use runtime::{
    AuthPreview, AuthScheme, DynamicHeaders, ResolvedRuntime, RuntimePreview, RuntimeProtocol,
    redact_headers,
};
pub use secret::Secret;
