//! A request as the provider layer prepared it.

use reqwest::header::HeaderMap;

/// A request as the provider layer prepared it (URL, headers with auth, body). Its `Debug` output shows no
/// header values and no body.
#[derive(Clone)]
pub struct PreparedRequest {
    pub method: reqwest::Method,
    pub url: String,
    pub headers: HeaderMap,
    pub body: Option<bytes::Bytes>,
    /// How the answer's parts are handed on (a JSON answer asked through a tool, provider tools'
    /// declared names).
    pub shape: crate::protocol::shape::ResponseShape,
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = self.url.split('?').next().unwrap_or_default();
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &url)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl PreparedRequest {
    /// A POST of a JSON body.
    pub fn post_json(url: impl Into<String>, headers: HeaderMap, body: &serde_json::Value) -> Self {
        let mut headers = headers;
        headers.entry(reqwest::header::CONTENT_TYPE).or_insert(
            reqwest::header::HeaderValue::from_static("application/json"),
        );
        PreparedRequest {
            method: reqwest::Method::POST,
            url: url.into(),
            headers,
            body: Some(bytes::Bytes::from(body.to_string())),
            shape: Default::default(),
        }
    }
}

impl PreparedRequest {
    /// A POST of a built wire request to `base_url` + its path (`base_url` without a trailing slash).
    pub fn for_wire(
        base_url: &str,
        headers: HeaderMap,
        wire: &crate::protocol::request::WireRequest,
    ) -> Self {
        Self::post_json(
            format!("{}{}", base_url.trim_end_matches('/'), wire.path),
            headers,
            &wire.body,
        )
    }
}
