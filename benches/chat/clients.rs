//! The clients that read the mock's streams in this process: a raw read (no parsing), the bare
//! reqwest client with the crate's SSE decoder and parser, and the in-process wire layer.

use std::time::{Duration, Instant};

use provider_sidecar::protocol::execute::{ExecuteOptions, PreparedRequest, execute_stream};
use provider_sidecar::protocol::sse::SseDecoder;
use provider_sidecar::protocol::{PartCollector, StreamPart, WireEvent, WireFormat};
use serde_json::json;
use tokio_util::sync::CancellationToken;

/// One client run: wall time, time to first text delta, text deltas seen.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub total: Duration,
    pub first: Duration,
    pub deltas: usize,
}

pub const REQUEST_BODY: &str =
    r#"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"#;

/// The floor: reads the body with reqwest and parses nothing.
pub async fn raw(client: &reqwest::Client, url: &str) -> Run {
    let started = Instant::now();
    let mut response = client
        .post(url)
        .header("content-type", "application/json")
        .body(REQUEST_BODY)
        .send()
        .await
        .expect("mock answers");
    let mut bytes = 0;
    let mut first = None;
    while let Some(chunk) = response.chunk().await.expect("body") {
        first.get_or_insert_with(|| started.elapsed());
        bytes += chunk.len();
    }
    assert!(bytes > 0);
    Run {
        total: started.elapsed(),
        first: first.unwrap_or_default(),
        deltas: 0,
    }
}

/// The baseline: reqwest, then the crate's SSE decoder and OpenAI-chat parser used as a library.
pub async fn bare(client: &reqwest::Client, url: &str) -> Run {
    let started = Instant::now();
    let mut response = client
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "text/event-stream")
        .body(REQUEST_BODY)
        .send()
        .await
        .expect("mock answers");
    let mut decoder = SseDecoder::new();
    let mut parser = WireFormat::OpenaiChat.parser();
    let mut collector = PartCollector::new();
    let mut events = Vec::new();
    let mut deltas = 0;
    let mut first = None;
    let mut count = |parts: Vec<StreamPart>| {
        for part in parts {
            if matches!(part, StreamPart::TextDelta { .. }) {
                deltas += 1;
                first.get_or_insert_with(|| started.elapsed());
            }
        }
    };
    while let Some(chunk) = response.chunk().await.expect("body") {
        decoder.feed(&chunk, &mut events);
        for event in events.drain(..) {
            let event = WireEvent {
                name: event.event,
                data: event.data,
                exception: false,
            };
            parser.on_event(&event, &mut collector);
        }
        count(collector.take_parts());
    }
    decoder.finish(&mut events);
    assert!(events.is_empty(), "the mock ends every event");
    assert!(parser.is_complete());
    parser.close(true, &mut collector);
    collector.finish();
    count(collector.take_parts());
    Run {
        total: started.elapsed(),
        first: first.unwrap_or_default(),
        deltas,
    }
}

/// The in-process wire layer (`execute_stream`: timeouts, cancel, result folding) without the RPC layer.
pub async fn in_process(client: &reqwest::Client, url: &str) -> Run {
    let started = Instant::now();
    let request = PreparedRequest::post_json(url, Default::default(), &json!({"model": "m"}));
    let mut deltas = 0;
    let mut first = None;
    let execution = execute_stream(
        client,
        &request,
        WireFormat::OpenaiChat,
        &ExecuteOptions::default(),
        &CancellationToken::new(),
        &mut |part| {
            if matches!(part, StreamPart::TextDelta { .. }) {
                deltas += 1;
                first.get_or_insert_with(|| started.elapsed());
            }
        },
    )
    .await;
    assert!(execution.error.is_none());
    Run {
        total: started.elapsed(),
        first: first.unwrap_or_default(),
        deltas,
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Reader {
    Raw,
    Bare,
    InProcess,
}

/// Runs a client as a task on the runtime's workers, where the sidecar's handlers run too: a future
/// driven by `block_on` on the main thread pays a cross-thread wake-up for every socket read.
pub fn on_worker(
    rt: &tokio::runtime::Runtime,
    client: &reqwest::Client,
    url: &str,
    reader: Reader,
) -> Run {
    let (client, url) = (client.clone(), url.to_string());
    rt.block_on(rt.spawn(async move {
        match reader {
            Reader::Raw => raw(&client, &url).await,
            Reader::Bare => bare(&client, &url).await,
            Reader::InProcess => in_process(&client, &url).await,
        }
    }))
    .expect("client task")
}

/// `n` bare clients at once; returns (wall time, deltas).
pub async fn bare_concurrent(client: &reqwest::Client, url: &str, n: usize) -> (Duration, usize) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (client, url) = (client.clone(), url.to_string());
            tokio::spawn(async move { bare(&client, &url).await.deltas })
        })
        .collect();
    let mut deltas = 0;
    for task in tasks {
        deltas += task.await.expect("bare client");
    }
    (started.elapsed(), deltas)
}
