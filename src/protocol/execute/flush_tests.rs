//! When the stream loop flushes its sink (per network read, not per part), and that a burst whose
//! data never runs dry still sees a cancellation at once.

use std::time::Duration;

use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::{ExecuteOptions, PartSink, PreparedRequest, build_client, execute_stream};
use crate::protocol::testing::{MockResponse, MockServer};
use crate::protocol::{StreamPart, WireFormat};

#[derive(Debug, PartialEq)]
enum Seen {
    Text,
    Other,
    Flush,
}

/// Records parts and flushes; the first part stalls the stream loop for `stall_first`.
struct Recorder {
    seen: Vec<Seen>,
    stall_first: Duration,
}

impl PartSink for Recorder {
    fn part(&mut self, part: StreamPart) {
        if self.seen.is_empty() {
            std::thread::sleep(self.stall_first);
        }
        self.seen.push(match part {
            StreamPart::TextDelta { .. } => Seen::Text,
            _ => Seen::Other,
        });
    }

    fn flush(&mut self) {
        self.seen.push(Seen::Flush);
    }
}

fn text_chunks(count: usize) -> Vec<Vec<u8>> {
    let mut chunks: Vec<Vec<u8>> = (0..count)
        .map(|i| {
            let event = json!({"id": "c", "model": "m", "choices": [{"index": 0,
                "delta": {"content": format!("t{i}")}, "finish_reason": null}]});
            format!("data: {event}\n\n").into_bytes()
        })
        .collect();
    let last = json!({"id": "c", "model": "m",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
    chunks.push(format!("data: {last}\n\ndata: [DONE]\n\n").into_bytes());
    chunks
}

/// Streams `response` on a single-threaded runtime (as chats run), the mock on a runtime of its own.
fn record(response: MockResponse, stall_first: Duration) -> Vec<Seen> {
    let server_runtime = tokio::runtime::Runtime::new().expect("server runtime");
    let server = server_runtime
        .block_on(MockServer::start(vec![response]))
        .expect("mock starts");
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let mut recorder = Recorder {
        seen: Vec::new(),
        stall_first,
    };
    client_runtime.block_on(async {
        let client = build_client(&Default::default()).expect("client builds");
        let request = PreparedRequest::post_json(&server.base_url, Default::default(), &json!({}));
        let execution = execute_stream(
            &client,
            &request,
            WireFormat::OpenaiChat,
            &ExecuteOptions::default(),
            &CancellationToken::new(),
            &mut recorder,
        )
        .await;
        assert!(execution.error.is_none(), "{:?}", execution.error);
    });
    recorder.seen
}

#[test]
fn parts_of_data_already_received_are_flushed_together() {
    const CHUNKS: usize = 2000;
    // While the first part stalls the loop, the whole body arrives and waits in the socket.
    let seen = record(
        MockResponse::stream("text/event-stream", text_chunks(CHUNKS)),
        Duration::from_millis(300),
    );
    let texts = seen.iter().filter(|s| **s == Seen::Text).count();
    let flushes = seen.iter().filter(|s| **s == Seen::Flush).count();
    assert_eq!(texts, CHUNKS);
    assert!(
        flushes < CHUNKS / 8,
        "{flushes} flushes for {CHUNKS} chunks received at once"
    );
    assert_eq!(seen.last(), Some(&Seen::Flush), "the end is flushed");
}

#[test]
fn a_burst_passes_its_first_parts_on_before_the_rest_is_parsed() {
    const CHUNKS: usize = 2000;
    let seen = record(
        MockResponse::stream("text/event-stream", text_chunks(CHUNKS)),
        Duration::ZERO,
    );
    let first_flush = seen
        .iter()
        .position(|s| *s == Seen::Flush)
        .expect("a flush");
    let texts_before = seen[..first_flush]
        .iter()
        .filter(|s| **s == Seen::Text)
        .count();
    assert!(
        (1..CHUNKS / 8).contains(&texts_before),
        "{texts_before} text parts before the first flush"
    );
}

#[test]
fn each_part_of_a_paced_stream_is_flushed_before_the_next_wait() {
    let seen = record(
        MockResponse::stream("text/event-stream", text_chunks(3))
            .with_delay(Duration::from_millis(30)),
        Duration::ZERO,
    );
    let texts: Vec<usize> = (0..seen.len()).filter(|&i| seen[i] == Seen::Text).collect();
    assert_eq!(texts.len(), 3);
    for i in texts {
        assert_eq!(seen.get(i + 1), Some(&Seen::Flush), "{seen:?}");
    }
}

/// The loop waits for cancellation only where it waits for data, and looks at the token once per
/// chunk besides: a burst stops within a few parts of a cancel.
#[test]
fn a_burst_is_cancelled_at_once_though_its_data_never_runs_dry() {
    const CHUNKS: usize = 2000;
    const CANCEL_AT: usize = 10;
    let server_runtime = tokio::runtime::Runtime::new().expect("server runtime");
    let server = server_runtime
        .block_on(MockServer::start(vec![MockResponse::stream(
            "text/event-stream",
            text_chunks(CHUNKS),
        )]))
        .expect("mock starts");
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let cancel = CancellationToken::new();
    let mut texts = 0;
    let trigger = cancel.clone();
    let mut sink = |part: StreamPart| {
        if matches!(part, StreamPart::TextDelta { .. }) {
            texts += 1;
            if texts == 1 {
                // The whole body arrives and waits in the socket meanwhile.
                std::thread::sleep(Duration::from_millis(300));
            }
            if texts == CANCEL_AT {
                trigger.cancel();
            }
        }
    };
    let execution = client_runtime.block_on(async {
        let client = build_client(&Default::default()).expect("client builds");
        let request = PreparedRequest::post_json(&server.base_url, Default::default(), &json!({}));
        execute_stream(
            &client,
            &request,
            WireFormat::OpenaiChat,
            &ExecuteOptions::default(),
            &cancel,
            &mut sink,
        )
        .await
    });
    assert!(
        matches!(execution.error, Some(super::ProtocolError::Cancelled)),
        "{:?}",
        execution.error
    );
    // The parts of the chunk being handed on still go; then the loop stops.
    assert!(
        (CANCEL_AT..CANCEL_AT + 8).contains(&texts),
        "{texts} text parts of {CHUNKS} after a cancel at {CANCEL_AT}"
    );
}
