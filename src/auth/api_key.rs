//! Optional validation of an API key against the provider's models endpoint.

use crate::auth::error::{AuthError, AuthResult};
use crate::auth::secret::Secret;

/// How to check a key: `GET url` with `header: prefix + key` (e.g. `Authorization: Bearer …`,
/// or `x-api-key: …` with an empty prefix) plus any fixed headers the provider needs.
#[derive(Clone, Debug)]
pub struct ApiKeyValidation {
    pub url: String,
    pub header: String,
    pub prefix: String,
    pub extra_headers: Vec<(String, String)>,
}

impl ApiKeyValidation {
    pub fn bearer(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            header: "Authorization".into(),
            prefix: "Bearer ".into(),
            extra_headers: Vec::new(),
        }
    }
}

/// 2xx accepts the key; 401/403 reject it; anything else is reported as an HTTP error.
pub async fn validate_api_key(
    http: &reqwest::Client,
    provider_id: &str,
    key: &Secret,
    validation: &ApiKeyValidation,
) -> AuthResult<()> {
    let mut request = http.get(&validation.url).header(
        validation.header.as_str(),
        format!("{}{}", validation.prefix, key.expose()),
    );
    for (name, value) in &validation.extra_headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = request
        .send()
        .await
        .map_err(|err| AuthError::network(&validation.url, err))?;
    let status = response.status().as_u16();
    match status {
        200..=299 => Ok(()),
        401 | 403 => Err(AuthError::InvalidCredential {
            provider: provider_id.to_owned(),
            status,
        }),
        _ => Err(super::flows::http_error(&validation.url, response).await),
    }
}
