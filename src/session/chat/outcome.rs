//! How an attempt's parts and errors become the call's answer: parts held back until content
//! arrives (so that a fallback hides a failed attempt), protocol errors as chat errors, and the cost.

use super::super::error::ChatError;
use super::super::prepare::PrepareError;
use super::super::resolver::ResolvedCall;
use crate::protocol::execute::PartSink;
use crate::protocol::{ChatResult, ProtocolError, StreamPart};

/// Error and finish parts are held back until real content arrives: if an attempt fails before its first
/// byte and a fallback follows, the caller never sees the failed attempt.
pub(super) struct HoldBack<'a> {
    sink: &'a mut dyn PartSink,
    held: Vec<StreamPart>,
    /// Content arrived: parts go straight on.
    pub(super) streaming: bool,
}

impl<'a> HoldBack<'a> {
    pub(super) fn new(sink: &'a mut dyn PartSink) -> Self {
        HoldBack {
            sink,
            held: Vec::new(),
            streaming: false,
        }
    }

    /// The attempt's answer stands: the held parts go on, and everything is flushed.
    pub(super) fn release(mut self) {
        for part in self.held.drain(..) {
            self.sink.part(part);
        }
        self.sink.flush();
    }
}

impl PartSink for HoldBack<'_> {
    fn part(&mut self, part: StreamPart) {
        if self.streaming {
            self.sink.part(part);
        } else if matches!(part, StreamPart::Error { .. } | StreamPart::Finish { .. }) {
            self.held.push(part);
        } else {
            self.streaming = true;
            for held in self.held.drain(..) {
                self.sink.part(held);
            }
            self.sink.part(part);
        }
    }

    fn flush(&mut self) {
        if self.streaming {
            self.sink.flush();
        }
    }
    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        self.sink.poll_ready(cx)
    }
}

pub(super) enum Attempt {
    Done(Result<ChatResult, ChatError>),
    FallBack(ChatError),
}

/// The call's cost from catalog prices, on the answer and on a partial result alike.
pub(super) fn with_cost(
    result: Result<ChatResult, ChatError>,
    resolved: &ResolvedCall,
) -> Result<ChatResult, ChatError> {
    let free = resolved.subscription;
    if resolved.cost.is_none() && !free {
        return result;
    }
    let price = |result: &mut ChatResult| {
        result.cost = if free {
            Some(0.0)
        } else {
            resolved
                .cost
                .as_ref()
                .map(|prices| prices.cost(&result.usage))
        }
    };
    match result {
        Ok(mut result) => {
            price(&mut result);
            Ok(result)
        }
        Err(ChatError::Cancelled { mut partial }) => {
            price(&mut partial);
            Err(ChatError::Cancelled { partial })
        }
        Err(ChatError::Provider {
            failure,
            mut partial,
        }) => {
            price(&mut partial);
            Err(ChatError::Provider { failure, partial })
        }
        Err(other) => Err(other),
    }
}

pub(super) fn prepare_error(err: PrepareError) -> ChatError {
    match err {
        PrepareError::Protocol(err) => protocol_error(err, empty_result()),
        PrepareError::Resolve(err) => ChatError::Resolve(err),
        PrepareError::Invalid(invalid) => ChatError::InvalidParam {
            field: invalid.field,
            reason: invalid.reason,
        },
    }
}

fn empty_result() -> ChatResult {
    crate::protocol::PartCollector::new().result()
}

pub(super) fn protocol_error(err: ProtocolError, partial: ChatResult) -> ChatError {
    match err {
        ProtocolError::Provider(failure) => ChatError::Provider {
            failure,
            partial: Box::new(partial),
        },
        ProtocolError::Cancelled => ChatError::Cancelled {
            partial: Box::new(partial),
        },
        ProtocolError::InvalidRequest(reason) => ChatError::InvalidRequest(reason),
        ProtocolError::Client(reason) => ChatError::Client(reason),
    }
}
