//! Credentials and sign-in: a credential store (OS keyring or an `auth.json` file), API keys,
//! environment credentials, OAuth PKCE and device flows, and refresh on use.
//!
//! Knows nothing of RPC: the handlers call [`AuthService`] (async) and map [`AuthError::kind`]
//! to `data.kind`. No result type holds a secret.

pub mod api_key;
pub mod authorization;
pub mod credential;
pub mod env;
pub mod error;
pub mod flows;
pub mod import;
pub mod methods;
mod refresh;
pub mod resolve;
pub mod secret;
pub mod service;
pub mod status;
pub mod store;
pub mod types;

pub use api_key::{ApiKeyValidation, KeyValidation, KeyValidationOutcome, KeyValidationReport};
pub use credential::{Credential, CredentialKind, DEFAULT_ACCOUNT, OAuthTokens};
pub use env::{EnvCredential, EnvSnapshot};
pub use error::{AuthError, AuthResult};
pub use flows::{AuthEndpoints, AuthProgress, PollTiming, ProgressSink};
pub use methods::{AuthMethodDescriptor, AuthMethodType, auth_methods};
pub use resolve::ResolvedCredential;
pub use secret::Secret;
pub use service::{AuthConfig, AuthService};
pub use status::{ConfigCredential, ProviderCredentialFacts};
pub use store::{StoreKind, StoreMode, StoredCredential};
pub use types::*;

#[cfg(test)]
mod flow_tests;
#[cfg(test)]
mod service_tests;
#[cfg(test)]
mod test_support;
