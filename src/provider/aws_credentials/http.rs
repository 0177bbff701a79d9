//! The AWS SDK's HTTP goes through our reqwest client (rustls, the session's network settings once
//! the client carries them), so the SDK brings no TLS stack of its own.

use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

/// An SDK HTTP client over `http`, applying the SDK's connect and read timeouts per request.
pub fn sdk_http_client(http: reqwest::Client) -> SharedHttpClient {
    http_client_fn(move |settings, _components| {
        SharedHttpConnector::new(ReqwestConnector {
            http: http.clone(),
            timeout: request_timeout(settings),
        })
    })
}

/// reqwest has one whole-request timeout: the sum of the SDK's connect and read timeouts.
fn request_timeout(settings: &HttpConnectorSettings) -> Option<Duration> {
    match (settings.connect_timeout(), settings.read_timeout()) {
        (None, None) => None,
        (connect, read) => Some(connect.unwrap_or_default() + read.unwrap_or_default()),
    }
}

#[derive(Debug)]
struct ReqwestConnector {
    http: reqwest::Client,
    timeout: Option<Duration>,
}

impl HttpConnector for ReqwestConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let built = build(&self.http, &request, self.timeout);
        HttpConnectorFuture::new(async move {
            let response = built?.send().await.map_err(connector_error)?;
            let status = StatusCode::try_from(response.status().as_u16())
                .map_err(|error| ConnectorError::other(error.into(), None))?;
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(connector_error)?;
            let mut out = HttpResponse::new(status, SdkBody::from(body));
            for (name, value) in &headers {
                if let Ok(value) = value.to_str() {
                    out.headers_mut()
                        .append(name.as_str().to_string(), value.to_string());
                }
            }
            Ok(out)
        })
    }
}

fn build(
    http: &reqwest::Client,
    request: &HttpRequest,
    timeout: Option<Duration>,
) -> Result<reqwest::RequestBuilder, ConnectorError> {
    let method = reqwest::Method::from_bytes(request.method().as_bytes())
        .map_err(|error| ConnectorError::user(error.into()))?;
    let mut builder = http.request(method, request.uri());
    for (name, value) in request.headers() {
        builder = builder.header(name, value);
    }
    // Credential providers send small in-memory bodies; a streaming body is not expected here.
    let body = request.body().bytes().ok_or_else(|| {
        ConnectorError::user("the AWS SDK sent a streaming body to a credential endpoint".into())
    })?;
    builder = builder.body(body.to_vec());
    if let Some(timeout) = timeout {
        builder = builder.timeout(timeout);
    }
    Ok(builder)
}

fn connector_error(error: reqwest::Error) -> ConnectorError {
    if error.is_timeout() {
        ConnectorError::timeout(error.into())
    } else if error.is_connect() || error.is_request() || error.is_body() {
        ConnectorError::io(error.into())
    } else {
        ConnectorError::other(error.into(), None)
    }
}
