//! Wire clients: one module per provider wire format, each turning the provider's stream into the normalized
//! [`types::StreamPart`]s and final [`types::ChatResult`], and building its request body from a
//! [`types::ChatRequest`].
//!
//! Flow for the session layer (`session::prepare`): [`request::build_request`] for the wire body →
//! the provider layer's URL and authorized headers → [`execute::execute_stream`] with a client from
//! [`execute::build_client`], a `CancellationToken` and a part callback. [`limits::ConcurrencyLimits`]
//! queues requests per provider/model, [`cost::ModelCost`] prices the final usage from models.dev.

pub mod anthropic;
pub mod bedrock;
pub mod cohere;
pub mod collector;
pub mod cost;
pub mod error;
pub mod eventstream;
pub mod execute;
pub mod gemini;
pub mod limits;
pub mod openai_chat;
pub mod openai_responses;
pub mod provider_tools;
pub mod request;
pub mod shape;
pub mod sse;
pub mod support;
pub mod types;

#[cfg(any(test, feature = "test-support"))]
pub mod testing;

#[cfg(test)]
mod execute_tests;
#[cfg(test)]
mod golden_tests;
#[cfg(test)]
mod lenient_tests;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use collector::PartCollector;
pub use error::{FailureKind, ProtocolError, ProviderFailure, RetryPolicy};
pub use types::{ChatRequest, ChatResult, FinishReason, Message, Part, StreamPart, Usage};

/// The provider wire formats the sidecar speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WireFormat {
    OpenaiChat,
    OpenaiResponses,
    Anthropic,
    Gemini,
    Bedrock,
    Cohere,
}

impl WireFormat {
    /// How the response body is framed.
    pub fn framing(self) -> EventFraming {
        match self {
            WireFormat::Bedrock => EventFraming::AwsEventStream,
            _ => EventFraming::Sse,
        }
    }

    /// Headers the wire format itself needs (auth and provider-specific headers are the provider layer's).
    pub fn default_headers(self) -> &'static [(&'static str, &'static str)] {
        match self {
            WireFormat::Anthropic => &[
                ("anthropic-version", "2023-06-01"),
                ("accept", "text/event-stream"),
            ],
            WireFormat::Bedrock => &[("accept", "application/vnd.amazon.eventstream")],
            _ => &[("accept", "text/event-stream")],
        }
    }

    /// A fresh stream parser for one response.
    pub fn parser(self) -> Box<dyn StreamParser> {
        match self {
            WireFormat::OpenaiChat => Box::new(openai_chat::OpenAiChatParser::default()),
            WireFormat::OpenaiResponses => Box::new(openai_responses::ResponsesParser::default()),
            WireFormat::Anthropic => Box::new(anthropic::AnthropicParser::default()),
            WireFormat::Gemini => Box::new(gemini::GeminiParser::default()),
            WireFormat::Bedrock => Box::new(bedrock::BedrockParser::default()),
            WireFormat::Cohere => Box::new(cohere::CohereParser::default()),
        }
    }
}

/// How a streaming response body frames its events (not the RPC transport's message framing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventFraming {
    Sse,
    AwsEventStream,
}

/// One decoded event of a response body: an SSE event, or an AWS event-stream message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireEvent {
    /// SSE `event:` field, or the AWS `:event-type` (`:exception-type` for exceptions).
    pub name: Option<String>,
    pub data: String,
    /// An AWS `:message-type=exception` (or `error`) message.
    pub exception: bool,
}

impl WireEvent {
    pub fn data(name: Option<&str>, data: &str) -> Self {
        WireEvent {
            name: name.map(str::to_string),
            data: data.to_string(),
            exception: false,
        }
    }
}

/// A wire format's stream state machine.
pub trait StreamParser: Send {
    fn on_event(&mut self, event: &WireEvent, out: &mut PartCollector);
    /// Called once at the end of the body: close open blocks; when `complete`, flush pending tool calls
    /// (an interrupted stream ends their input without claiming a complete call).
    fn close(&mut self, complete: bool, out: &mut PartCollector);
    /// True once the provider's end-of-message signal was seen.
    fn is_complete(&self) -> bool;
}

/// Parses an event's JSON; data that is not JSON is passed on as a `raw` part.
pub(crate) fn parse_json(event: &WireEvent, out: &mut PartCollector) -> Option<Value> {
    match serde_json::from_str::<Value>(&event.data) {
        Ok(value) => Some(value),
        Err(err) => {
            tracing::warn!(error = %err, event = ?event.name, "stream event is not JSON; passed through as raw");
            out.emit(StreamPart::Raw {
                raw_value: Value::String(event.data.clone()),
            });
            None
        }
    }
}

/// Logs an event the parser does not know and passes it through as a `raw` part.
pub(crate) fn pass_raw(value: &Value, out: &mut PartCollector) {
    tracing::debug!(kind = ?value.get("type"), "unknown stream event passed through as raw");
    out.emit(StreamPart::Raw {
        raw_value: value.clone(),
    });
}

pub(crate) fn u64_at(value: &Value, path: &[&str]) -> Option<u64> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    current
        .as_u64()
        .or_else(|| current.as_f64().map(|f| f as u64))
}

pub(crate) fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    current.as_str()
}
