//! Sending a request and waiting for its first body byte: the status, error bodies, and the
//! transport failures a retry decides on.

use tokio::time::{Instant, timeout_at};
use tokio_util::sync::CancellationToken;

use super::PreparedRequest;
use crate::protocol::EventFraming;
use crate::protocol::error::{FailureKind, ProviderFailure, classify_http};

/// The largest error body read from a failed response.
const MAX_ERROR_BODY: usize = 256 * 1024;
pub(super) enum Opened {
    Response(reqwest::Response, Option<bytes::Bytes>),
    Failed(ProviderFailure),
    Cancelled,
}

/// Sends the request and waits for the status and the first body chunk, all before `deadline`.
pub(super) async fn open_stream(
    client: &reqwest::Client,
    request: &PreparedRequest,
    framing: EventFraming,
    deadline: Instant,
    cancel: &CancellationToken,
) -> Opened {
    let mut builder = client
        .request(request.method.clone(), &request.url)
        .headers(request.headers.clone());
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    let sent = tokio::select! {
        biased;
        _ = cancel.cancelled() => return Opened::Cancelled,
        sent = timeout_at(deadline, builder.send()) => sent,
    };
    let mut response = match sent {
        Err(_) => {
            return Opened::Failed(ProviderFailure::interrupted(
                "no response from the provider before the first-byte timeout",
            ));
        }
        Ok(Err(err)) => return Opened::Failed(transport_failure(err)),
        Ok(Ok(response)) => response,
    };
    let status = response.status();
    let json_instead_of_stream = framing == EventFraming::Sse
        && response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
    if !status.is_success() || json_instead_of_stream {
        let headers = response.headers().clone();
        let Some(body) = read_error_body(&mut response, deadline, cancel).await else {
            return Opened::Cancelled;
        };
        let text = String::from_utf8_lossy(&body);
        if status.is_success() {
            // Some gateways answer a streaming request with a plain JSON error and status 200.
            let failure = match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(json) if json.get("error").is_some() => {
                    crate::protocol::error::classify_stream_error(&json)
                }
                _ => ProviderFailure::new(
                    FailureKind::BadRequest,
                    Some(status.as_u16()),
                    "the provider answered with a JSON body instead of an event stream",
                    false,
                ),
            };
            return Opened::Failed(failure);
        }
        return Opened::Failed(classify_http(status.as_u16(), &headers, &text));
    }
    let first = tokio::select! {
        biased;
        _ = cancel.cancelled() => return Opened::Cancelled,
        first = timeout_at(deadline, response.chunk()) => first,
    };
    match first {
        Err(_) => Opened::Failed(ProviderFailure::interrupted(
            "no data from the provider before the first-byte timeout",
        )),
        Ok(Err(err)) => Opened::Failed(transport_failure(err)),
        Ok(Ok(chunk)) => Opened::Response(response, chunk),
    }
}

/// Reads a (bounded) error body; `None` when cancelled.
async fn read_error_body(
    response: &mut reqwest::Response,
    deadline: Instant,
    cancel: &CancellationToken,
) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let next = tokio::select! {
            biased;
            _ = cancel.cancelled() => return None,
            next = timeout_at(deadline, response.chunk()) => next,
        };
        match next {
            Ok(Ok(Some(chunk))) if body.len() < MAX_ERROR_BODY => body.extend_from_slice(&chunk),
            _ => return Some(body),
        }
    }
}

pub(super) fn transport_failure(err: reqwest::Error) -> ProviderFailure {
    let connect = err.is_connect();
    // `without_url`: a URL may carry a key (Gemini's `?key=`).
    let err = err.without_url();
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    if connect {
        ProviderFailure::new(
            FailureKind::ProviderServer,
            None,
            format!("could not connect: {text}"),
            true,
        )
    } else {
        ProviderFailure::interrupted(format!("connection failed: {text}"))
    }
}
