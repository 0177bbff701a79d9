//! The provider layer's secrets are the auth layer's: one redacting, zeroizing type.

pub use crate::auth::secret::{REDACTED, Secret};
