//! The dispatcher in process, over byte pipes: a test plays the client, writing framed bytes into
//! the server's input and reading the framed bytes it writes back, one exchange at a time (which
//! a server→client request needs: its id is known only once the server has sent it).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::dispatch::{Dispatcher, StopReason};
use super::framing::Framing;
use super::outbound::{Outbound, Queued};
use crate::app::in_process::parse_output;
use crate::app::methods::build_table;
use crate::app::state::{ProcessEnv, ServerState, Settings};

/// Long enough for a loaded machine; a healthy exchange takes milliseconds.
const WAIT: Duration = Duration::from_secs(10);

/// The client's end of an in-process server.
pub struct Peer {
    input: Option<tokio::io::DuplexStream>,
    written: mpsc::Receiver<Queued>,
    read: VecDeque<Value>,
    serving: JoinHandle<StopReason>,
}

impl Peer {
    /// A server with the test methods, serving from now on (inside a tokio runtime).
    pub fn start() -> Peer {
        let (outbound, written) = Outbound::with_drain(|rx| rx);
        let settings = Settings {
            data_dir: std::env::temp_dir().join("provider-sidecar-peer-tests"),
            max_message_bytes: 64 * 1024,
            test_methods: true,
            config: None,
        };
        let state = Arc::new(ServerState::new(
            settings,
            ProcessEnv::new(),
            outbound,
            None,
        ));
        let (methods, cooperative) = build_table(Arc::clone(&state)).into_parts();
        let dispatcher = Dispatcher::new(methods, cooperative, state);
        let (client, server) = tokio::io::duplex(64 * 1024);
        let serving =
            tokio::spawn(async move { dispatcher.serve(tokio::io::BufReader::new(server)).await });
        Peer {
            input: Some(client),
            written,
            read: VecDeque::new(),
            serving,
        }
    }

    /// Writes one message in `framing`.
    pub async fn send(&mut self, framing: Framing, message: &Value) {
        let body = message.to_string();
        let bytes = match framing {
            Framing::Lsp => format!("Content-Length: {}\r\n\r\n{body}", body.len()),
            Framing::Line => format!("{body}\n"),
        };
        let input = self.input.as_mut().expect("input still open");
        input.write_all(bytes.as_bytes()).await.expect("writes");
    }

    /// A request `{jsonrpc, id, method, params}` in line framing.
    pub async fn request(&mut self, id: Value, method: &str, params: Value) {
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send(Framing::Line, &message).await;
    }

    /// The next message the server wrote (a batch counts as one).
    pub async fn next(&mut self) -> Value {
        loop {
            if let Some(message) = self.read.pop_front() {
                return message;
            }
            let queued = tokio::time::timeout(WAIT, self.written.recv())
                .await
                .expect("the server wrote something in time")
                .expect("the server's output is open");
            if let Queued::Message(message) = queued {
                let messages = parse_output(message.bytes()).expect("well-framed JSON-RPC");
                self.read.extend(messages);
            }
        }
    }

    /// Closes the server's input and waits for it to stop; returns why, and what it wrote
    /// meanwhile.
    pub async fn close(mut self) -> (StopReason, Vec<Value>) {
        self.input = None;
        let reason = tokio::time::timeout(WAIT, &mut self.serving)
            .await
            .expect("the server stopped in time")
            .expect("the server did not panic");
        let mut rest: Vec<Value> = self.read.drain(..).collect();
        while let Ok(queued) = self.written.try_recv() {
            if let Queued::Message(message) = queued {
                rest.extend(parse_output(message.bytes()).expect("well-framed JSON-RPC"));
            }
        }
        (reason, rest)
    }
}

fn ask(method: &str, timeout_ms: u64) -> Value {
    json!({"method": method, "params": {"question": 42}, "timeoutMs": timeout_ms})
}

#[tokio::test]
async fn a_server_request_is_answered_by_the_client_in_either_framing() {
    for framing in [Framing::Line, Framing::Lsp] {
        let mut peer = Peer::start();
        let ask = json!({"jsonrpc": "2.0", "id": 7, "method": "test/askClient",
            "params": ask("host/question", 5_000)});
        peer.send(framing, &ask).await;
        let request = peer.next().await;
        assert_eq!(request["method"], "host/question");
        assert_eq!(request["params"], json!({"question": 42}));
        let id = request["id"].clone();
        assert!(id.is_u64(), "{request}");
        // An answer to something never asked is dropped without a word.
        let stray = json!({"jsonrpc": "2.0", "id": 999, "result": "stray"});
        peer.send(framing, &stray).await;
        let answer = json!({"jsonrpc": "2.0", "id": id, "result": {"answer": "yes"}});
        peer.send(framing, &answer).await;
        let response = peer.next().await;
        assert_eq!(
            response,
            json!({"jsonrpc": "2.0", "id": 7, "result": {"answer": "yes"}})
        );
        let (reason, rest) = peer.close().await;
        assert_eq!(reason, StopReason::Eof);
        assert!(rest.is_empty(), "{rest:?}");
    }
}

#[tokio::test]
async fn answers_in_a_batch_reach_their_requests_and_ids_are_not_reused() {
    let mut peer = Peer::start();
    peer.request(json!("a"), "test/askClient", ask("host/a", 5_000))
        .await;
    peer.request(json!("b"), "test/askClient", ask("host/b", 5_000))
        .await;
    let (first, second) = (peer.next().await, peer.next().await);
    assert_ne!(first["id"], second["id"]);
    let answers = json!([
        {"jsonrpc": "2.0", "id": second["id"], "result": second["method"]},
        {"jsonrpc": "2.0", "id": first["id"], "result": first["method"]},
    ]);
    peer.send(Framing::Line, &answers).await;
    let mut results = [peer.next().await, peer.next().await];
    results.sort_by_key(|r| r["id"].to_string());
    assert_eq!(
        results[0],
        json!({"jsonrpc": "2.0", "id": "a", "result": "host/a"})
    );
    assert_eq!(
        results[1],
        json!({"jsonrpc": "2.0", "id": "b", "result": "host/b"})
    );
    // A batch of responses gets no answer of its own.
    let (_, rest) = peer.close().await;
    assert!(rest.is_empty(), "{rest:?}");
}

#[tokio::test]
async fn a_client_error_is_the_requests_error() {
    let mut peer = Peer::start();
    peer.request(json!(1), "test/askClient", ask("host/refuse", 5_000))
        .await;
    let request = peer.next().await;
    let refusal = json!({"jsonrpc": "2.0", "id": request["id"],
        "error": {"code": -32601, "message": "no such hook"}});
    peer.send(Framing::Line, &refusal).await;
    let response = peer.next().await;
    assert_eq!(response["id"], 1);
    assert_eq!(response["error"]["data"]["clientRequest"], "rejected");
    assert_eq!(response["error"]["data"]["clientCode"], -32601);
    let message = response["error"]["message"].as_str().expect("message");
    assert!(message.contains("no such hook"), "{message}");
}

#[tokio::test]
async fn an_unanswered_request_times_out_and_is_cancelled_at_the_client() {
    let mut peer = Peer::start();
    peer.request(json!(1), "test/askClient", ask("host/slow", 30))
        .await;
    let request = peer.next().await;
    let cancel = peer.next().await;
    assert_eq!(
        cancel,
        json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": request["id"]}})
    );
    let response = peer.next().await;
    assert_eq!(response["id"], 1);
    assert_eq!(response["error"]["data"]["clientRequest"], "timeout");
    // The answer that comes too late is dropped.
    let late = json!({"jsonrpc": "2.0", "id": request["id"], "result": "late"});
    peer.send(Framing::Line, &late).await;
    let (_, rest) = peer.close().await;
    assert!(rest.is_empty(), "{rest:?}");
}

#[tokio::test]
async fn closing_the_input_fails_a_waiting_request_at_once() {
    let mut peer = Peer::start();
    peer.request(json!(1), "test/askClient", ask("host/never", 600_000))
        .await;
    let _request = peer.next().await;
    let started = std::time::Instant::now();
    let (reason, rest) = peer.close().await;
    assert_eq!(reason, StopReason::Eof);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(rest.len(), 1, "{rest:?}");
    assert_eq!(rest[0]["id"], 1);
    assert_eq!(rest[0]["error"]["data"]["clientRequest"], "closed");
}

#[tokio::test]
async fn requests_fail_when_nothing_can_carry_them() {
    let detached = Outbound::detached();
    let error = detached
        .request("host/x", &json!({}), Duration::from_secs(1))
        .await
        .expect_err("no client");
    assert_eq!(error.kind(), "closed");
    let (outbound, written) = Outbound::with_drain(|rx| rx);
    drop(written);
    let error = outbound
        .request("host/x", &json!({}), Duration::from_secs(1))
        .await
        .expect_err("the writer has stopped");
    assert_eq!(error.kind(), "closed");
    assert_eq!(outbound.client_requests().pending(), 0);
    let unserializable = std::collections::HashMap::from([((1, 2), 3)]);
    let error = outbound
        .request("host/x", &unserializable, Duration::from_secs(1))
        .await
        .expect_err("a map with tuple keys is no JSON");
    assert_eq!(error.kind(), "params");
}
