//! The framing reader alone: any byte stream ends in EOF after finitely many events, no
//! message body exceeds the limit, and LSP frames round-trip exactly.

#![no_main]

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use provider_sidecar::rpc::framing::{FrameReader, Framing, ReadEvent};

const LIMIT: usize = 1024;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
    })
}

/// Every event of the stream, checking that each one moves the stream on.
fn events(input: &[u8]) -> Vec<ReadEvent> {
    runtime().block_on(async {
        let mut reader = FrameReader::new(input, LIMIT);
        let mut events = Vec::new();
        loop {
            match reader.next().await.expect("reading a slice cannot fail") {
                ReadEvent::Eof => return events,
                event => events.push(event),
            }
            // Each event consumes input, except that garbage may hand a header line it found
            // to the next event: never more than two events per byte.
            assert!(
                events.len() <= 2 * input.len() + 2,
                "{} events from {} bytes: the reader is not making progress",
                events.len(),
                input.len()
            );
        }
    })
}

fuzz_target!(|data: &[u8]| {
    for event in events(data) {
        if let ReadEvent::Message(frame) = event {
            assert!(frame.body.len() <= LIMIT + 2, "a body over the limit");
        }
    }
    // Whatever bodies the same bytes make, framed with Content-Length, come back exactly.
    let mut unstructured = Unstructured::new(data);
    let Ok(bodies) = Vec::<Vec<u8>>::arbitrary(&mut unstructured) else {
        return;
    };
    let bodies: Vec<Vec<u8>> = bodies.into_iter().filter(|b| b.len() <= LIMIT).collect();
    let stream: Vec<u8> = bodies
        .iter()
        .flat_map(|body| Framing::Lsp.encode(body))
        .collect();
    let read: Vec<Vec<u8>> = events(&stream)
        .into_iter()
        .map(|event| match event {
            ReadEvent::Message(frame) => frame.body,
            other => panic!("a well-framed stream gave {other:?}"),
        })
        .collect();
    assert_eq!(read, bodies);
});
