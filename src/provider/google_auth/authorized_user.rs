//! gcloud's user credentials (`gcloud auth application-default login`): a refresh token exchanged
//! at the token endpoint. A refused refresh token means the sign-in is over.

use serde::Deserialize;

use super::{AccessToken, DEFAULT_TOKEN_URI, post_form};
use crate::provider::clock::Clock;
use crate::provider::error::ProviderError;
use crate::provider::secret::Secret;

#[derive(Deserialize)]
pub struct AuthorizedUser {
    client_id: String,
    client_secret: Secret,
    refresh_token: Secret,
    /// Not written by gcloud; honoured as Google's libraries do (and how tests point it at a mock).
    #[serde(default)]
    token_uri: Option<String>,
}

impl std::fmt::Debug for AuthorizedUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizedUser")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl AuthorizedUser {
    pub async fn token(
        &self,
        http: &reqwest::Client,
        clock: &dyn Clock,
    ) -> Result<AccessToken, ProviderError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("refresh_token", self.refresh_token.expose()),
        ];
        let url = self.token_uri.as_deref().unwrap_or(DEFAULT_TOKEN_URI);
        post_form(http, url, &form, clock).await?.map_err(|refusal| {
            if refusal.error == "invalid_grant" || refusal.error == "invalid_rapt" {
                ProviderError::AuthExpired {
                    provider: "google-vertex".into(),
                    hint: "the gcloud application-default sign-in has expired or was revoked: run `gcloud auth application-default login`".into(),
                }
            } else {
                refusal.into_error("refreshing gcloud's application-default credentials failed")
            }
        })
    }
}
