//! Session credentials use the auth layer's secret type: redacted everywhere, wiped on drop.

pub(crate) use crate::auth::secret::Secret;
