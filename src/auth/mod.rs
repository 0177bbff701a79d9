//! Credentials and sign-in: a credential store (OS keyring or an `auth.json` file), API keys,
//! environment credentials, OAuth PKCE and device flows, and refresh on use.
//!
//! Knows nothing of RPC: the handlers call [`AuthService`] (async) and map [`AuthError::kind`]
//! to `data.kind`. No result type holds a secret.

pub mod credential;
pub mod env;
pub mod error;
pub mod secret;
pub mod store;

pub use credential::{Credential, CredentialKind, DEFAULT_ACCOUNT, OAuthTokens};
pub use env::{EnvCredential, EnvSnapshot};
pub use error::{AuthError, AuthResult};
pub use secret::Secret;
