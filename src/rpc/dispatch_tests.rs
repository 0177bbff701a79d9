//! The dispatcher in process, over byte pipes, with a small application of its own: a test plays
//! the client, writing framed bytes into the server's input and reading the framed bytes it
//! writes back, one exchange at a time (as a server→client request needs: its id is known only
//! once the server has sent it).

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::context::RequestContext;
use super::dispatch::Dispatcher;
use super::error::{ErrorKind, RpcError};
use super::framing::Framing;
use super::in_process::parse_output;
use super::lifecycle::{Lifecycle, StopReason};
use super::method::{Method, MethodTable, NoParams};
use super::outbound::{Outbound, Queued};

mod placement;

/// Long enough for a loaded machine; a healthy exchange takes milliseconds.
const WAIT: Duration = Duration::from_secs(10);
/// The test server's message size limit.
const LIMIT: usize = 1024;

#[derive(Default)]
struct App {
    lifecycle: Arc<Lifecycle>,
    counted: AtomicU32,
}

struct Echo;
impl Method<App> for Echo {
    const NAME: &'static str = "echo";
    const SUMMARY: &'static str = "Answers its params.";
    type Params = Value;
    type Result = Value;
    async fn call(_: Arc<App>, params: Value, _: RequestContext) -> Result<Value, RpcError> {
        Ok(params)
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
struct SleepParams {
    ms: u64,
}

struct Sleep;
impl Method<App> for Sleep {
    const NAME: &'static str = "sleep";
    const SUMMARY: &'static str = "Sleeps, then answers.";
    type Params = SleepParams;
    type Result = u64;
    async fn call(_: Arc<App>, params: SleepParams, _: RequestContext) -> Result<u64, RpcError> {
        tokio::time::sleep(Duration::from_millis(params.ms)).await;
        Ok(params.ms)
    }
}

struct Count;
impl Method<App> for Count {
    const NAME: &'static str = "count";
    const SUMMARY: &'static str = "Counts its calls.";
    type Params = NoParams;
    type Result = u32;
    async fn call(app: Arc<App>, _: NoParams, _: RequestContext) -> Result<u32, RpcError> {
        Ok(app.counted.fetch_add(1, Ordering::SeqCst) + 1)
    }
}

/// Takes a while, then sets the count (as a real `initialize` sets the configuration).
struct Initialize;
impl Method<App> for Initialize {
    const NAME: &'static str = "initialize";
    const SUMMARY: &'static str = "Sets the count to 100, slowly.";
    type Params = NoParams;
    type Result = ();
    async fn call(app: Arc<App>, _: NoParams, _: RequestContext) -> Result<(), RpcError> {
        tokio::time::sleep(Duration::from_millis(50)).await;
        app.counted.store(100, Ordering::SeqCst);
        Ok(())
    }
}

struct Shutdown;
impl Method<App> for Shutdown {
    const NAME: &'static str = "shutdown";
    const SUMMARY: &'static str = "Refuses later requests.";
    type Params = NoParams;
    type Result = ();
    async fn call(app: Arc<App>, _: NoParams, _: RequestContext) -> Result<(), RpcError> {
        app.lifecycle.request_shutdown();
        Ok(())
    }
}

struct Notify;
impl Method<App> for Notify {
    const NAME: &'static str = "notify";
    const SUMMARY: &'static str = "Notifies, then answers.";
    type Params = NoParams;
    type Result = &'static str;
    async fn call(_: Arc<App>, _: NoParams, cx: RequestContext) -> Result<&'static str, RpcError> {
        cx.notify("event", &json!({"requestId": cx.id})).await;
        Ok("done")
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct AskParams {
    method: String,
    timeout_ms: u64,
}

/// Asks the client and answers with its result.
struct Ask;
impl Method<App> for Ask {
    const NAME: &'static str = "ask";
    const SUMMARY: &'static str = "Asks the client.";
    type Params = AskParams;
    type Result = Value;
    async fn call(_: Arc<App>, params: AskParams, cx: RequestContext) -> Result<Value, RpcError> {
        let timeout = Duration::from_millis(params.timeout_ms);
        let question = json!({"question": 42});
        cx.request(&params.method, &question, timeout)
            .await
            .map_err(|err| {
                let code = match &err {
                    super::ClientRequestError::Rejected { code, .. } => Some(*code),
                    _ => None,
                };
                RpcError::new(ErrorKind::Internal, err.to_string())
                    .with_data(json!({"clientRequest": err.kind(), "clientCode": code}))
            })
    }
}

/// The client's end of an in-process server.
struct Peer {
    app: Arc<App>,
    input: Option<tokio::io::DuplexStream>,
    written: mpsc::Receiver<Queued>,
    read: VecDeque<(Framing, Value)>,
    serving: JoinHandle<StopReason>,
}

impl Peer {
    /// A server of the test methods, serving from now on (inside a tokio runtime).
    fn start() -> Peer {
        let app = Arc::new(App::default());
        let mut table = MethodTable::new(Arc::clone(&app));
        table
            .add::<Echo>()
            .add::<Sleep>()
            .add::<Count>()
            .add::<Initialize>()
            .add::<Shutdown>()
            .add::<Notify>()
            .add::<Ask>()
            .add::<placement::Unplaced>()
            .add::<placement::Placed>();
        let (outbound, written) = Outbound::with_drain(|rx| rx);
        let dispatcher = Dispatcher::new(
            table.into_handlers(),
            outbound,
            Arc::clone(&app.lifecycle),
            LIMIT,
        );
        let (client, server) = tokio::io::duplex(64 * 1024);
        let serving =
            tokio::spawn(async move { dispatcher.serve(tokio::io::BufReader::new(server)).await });
        Peer {
            app,
            input: Some(client),
            written,
            read: VecDeque::new(),
            serving,
        }
    }

    async fn send_raw(&mut self, bytes: &[u8]) {
        let input = self.input.as_mut().expect("input still open");
        input.write_all(bytes).await.expect("writes");
    }

    /// Writes one message in `framing`.
    async fn send(&mut self, framing: Framing, message: &Value) {
        let body = message.to_string();
        let bytes = match framing {
            Framing::Lsp => format!("Content-Length: {}\r\n\r\n{body}", body.len()),
            Framing::Line => format!("{body}\n"),
        };
        self.send_raw(bytes.as_bytes()).await;
    }

    /// A request `{jsonrpc, id, method, params}` in line framing.
    async fn request(&mut self, id: Value, method: &str, params: Value) {
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send(Framing::Line, &message).await;
    }

    async fn notify(&mut self, method: &str, params: Value) {
        let message = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send(Framing::Line, &message).await;
    }

    /// The next message the server wrote, with its framing (a batch counts as one).
    async fn next_framed(&mut self) -> (Framing, Value) {
        loop {
            if let Some(message) = self.read.pop_front() {
                return message;
            }
            let queued = tokio::time::timeout(WAIT, self.written.recv())
                .await
                .expect("the server wrote something in time")
                .expect("the server's output is open");
            self.take(queued);
        }
    }

    async fn next(&mut self) -> Value {
        self.next_framed().await.1
    }

    fn take(&mut self, queued: Queued) {
        if let Queued::Message(message) = queued {
            let bytes = message.bytes();
            let framing = match bytes.starts_with(b"Content-Length: ") {
                true => Framing::Lsp,
                false => Framing::Line,
            };
            let messages = parse_output(bytes).expect("well-framed JSON-RPC");
            self.read.extend(messages.into_iter().map(|m| (framing, m)));
        }
    }

    /// Closes the server's input and waits for it to stop; returns why, and what it wrote
    /// meanwhile.
    async fn close(mut self) -> (StopReason, Vec<Value>) {
        self.input = None;
        self.finish().await
    }

    /// Waits for the server to stop by itself.
    async fn finish(mut self) -> (StopReason, Vec<Value>) {
        let reason = tokio::time::timeout(WAIT, &mut self.serving)
            .await
            .expect("the server stopped in time")
            .expect("the server did not panic");
        while let Ok(queued) = self.written.try_recv() {
            self.take(queued);
        }
        (reason, self.read.drain(..).map(|(_, m)| m).collect())
    }
}

fn kind(response: &Value) -> &str {
    response["error"]["data"]["kind"]
        .as_str()
        .unwrap_or("<none>")
}

#[tokio::test]
async fn answers_go_out_in_the_framing_of_their_request() {
    let mut peer = Peer::start();
    for (id, framing) in [(1, Framing::Lsp), (2, Framing::Line)] {
        let request = json!({"jsonrpc": "2.0", "id": id, "method": "echo", "params": {"n": id}});
        peer.send(framing, &request).await;
        let (got, response) = peer.next_framed().await;
        assert_eq!(got, framing);
        assert_eq!(
            response,
            json!({"jsonrpc": "2.0", "id": id, "result": {"n": id}})
        );
    }
    let (reason, rest) = peer.close().await;
    assert_eq!((reason, rest.len()), (StopReason::Eof, 0));
}

#[tokio::test]
async fn bad_input_gets_its_error_and_serving_goes_on() {
    let mut peer = Peer::start();
    let body = "{\"jsonrpc\": \"2.0\",\n  x}";
    let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
    peer.send_raw(framed.as_bytes()).await;
    let error = peer.next().await;
    assert_eq!(
        (error["id"].clone(), kind(&error)),
        (Value::Null, "parse_error")
    );
    assert_eq!(error["error"]["data"]["line"], 2);
    peer.send_raw(b"[]\n[5]\n").await;
    assert_eq!(peer.next().await["error"]["message"], "empty batch");
    let batch = peer.next().await;
    assert_eq!(kind(&batch[0]), "invalid_request", "{batch}");
    peer.send_raw(br#"{"jsonrpc":"1.0","id":"v","method":"echo"}"#)
        .await;
    peer.send_raw(b"\n").await;
    let error = peer.next().await;
    assert_eq!(
        (error["id"].clone(), kind(&error)),
        (json!("v"), "invalid_request")
    );
    peer.request(json!(3), "nope", json!({})).await;
    let error = peer.next().await;
    assert_eq!(error["error"]["code"], -32601);
    peer.request(json!(4), "sleep", json!({"ms": "soon"})).await;
    let error = peer.next().await;
    assert_eq!(
        (
            error["error"]["code"].clone(),
            error["error"]["data"]["field"].clone()
        ),
        (json!(-32602), json!("ms"))
    );
    // Too large for the limit, in LSP framing: skipped, answered in LSP framing.
    let big = format!(
        "Content-Length: {}\r\n\r\n{}",
        LIMIT + 1,
        "x".repeat(LIMIT + 1)
    );
    peer.send_raw(big.as_bytes()).await;
    let (framing, error) = peer.next_framed().await;
    assert_eq!((framing, kind(&error)), (Framing::Lsp, "message_too_large"));
    peer.send_raw(b"Content-Length: abc\r\n\r\n").await;
    assert_eq!(kind(&peer.next().await), "bad_header");
    // The reader resynchronises at the next header.
    let echo = json!({"jsonrpc": "2.0", "id": 5, "method": "echo", "params": {"still": "serving"}});
    peer.send(Framing::Lsp, &echo).await;
    assert_eq!(peer.next().await["result"], json!({"still": "serving"}));
}

#[tokio::test]
async fn a_batch_gets_one_answer_holding_its_requests_answers() {
    let mut peer = Peer::start();
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "echo", "params": {"a": 1}},
        {"jsonrpc": "2.0", "method": "count"},
        5,
        {"jsonrpc": "2.0", "id": 2, "method": "count"},
    ]);
    peer.send(Framing::Lsp, &batch).await;
    let (framing, answer) = peer.next_framed().await;
    assert_eq!(framing, Framing::Lsp);
    let answers = answer.as_array().expect("a batch answer");
    assert_eq!(answers.len(), 3, "{answer}");
    let by_id = |id: Value| answers.iter().find(|a| a["id"] == id).cloned();
    assert_eq!(by_id(json!(1)).expect("1")["result"], json!({"a": 1}));
    assert!(by_id(json!(2)).expect("2")["result"].is_u64());
    assert_eq!(
        kind(&by_id(Value::Null).expect("the invalid one")),
        "invalid_request"
    );
    // A batch of notifications only gets no answer: the next message answers the next request.
    let notifications =
        json!([{"jsonrpc": "2.0", "method": "count"}, {"jsonrpc": "2.0", "method": "nope"}]);
    peer.send(Framing::Line, &notifications).await;
    peer.request(json!(3), "count", json!({})).await;
    let counted = peer.next().await;
    assert_eq!(counted["id"], 3);
    assert_eq!(counted["result"], 4, "every notification to `count` ran");
    assert_eq!(peer.app.counted.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn cancel_request_answers_the_request_at_once() {
    let mut peer = Peer::start();
    peer.request(json!("slow"), "sleep", json!({"ms": 600_000}))
        .await;
    peer.notify("$/cancelRequest", json!({"id": "unknown"}))
        .await;
    peer.notify("$/cancelRequest", json!({})).await;
    peer.notify("$/cancelRequest", json!({"id": "slow"})).await;
    let answer = peer.next().await;
    assert_eq!(answer["id"], "slow");
    assert_eq!(answer["error"]["code"], -32800);
    let (reason, rest) = peer.close().await;
    assert_eq!((reason, rest.len()), (StopReason::Eof, 0));
}

#[tokio::test]
async fn a_handlers_notifications_go_before_its_answer() {
    let mut peer = Peer::start();
    peer.request(json!(9), "notify", json!({})).await;
    assert_eq!(
        peer.next().await,
        json!({"jsonrpc": "2.0", "method": "event", "params": {"requestId": 9}})
    );
    assert_eq!(peer.next().await["result"], "done");
}

#[tokio::test]
async fn shutdown_refuses_later_requests_and_exit_stops_serving() {
    let mut peer = Peer::start();
    peer.notify("initialized", json!({})).await;
    peer.request(json!(1), "shutdown", json!(null)).await;
    assert_eq!(
        peer.next().await,
        json!({"jsonrpc": "2.0", "id": 1, "result": null})
    );
    assert!(peer.app.lifecycle.is_initialized());
    peer.request(json!(2), "echo", json!({})).await;
    let refused = peer.next().await;
    assert_eq!(
        (refused["error"]["code"].clone(), kind(&refused)),
        (json!(-32600), "server_shutting_down")
    );
    peer.notify("exit", json!(null)).await;
    let (reason, _) = peer.finish().await;
    assert_eq!(
        reason,
        StopReason::Exit {
            after_shutdown: true
        }
    );

    let mut peer = Peer::start();
    peer.notify("exit", json!(null)).await;
    let (reason, _) = peer.finish().await;
    assert_eq!(
        reason,
        StopReason::Exit {
            after_shutdown: false
        }
    );
}

#[tokio::test]
async fn the_hosts_exit_stops_serving_and_cancels_what_runs() {
    let mut peer = Peer::start();
    peer.request(json!(1), "sleep", json!({"ms": 600_000}))
        .await;
    peer.request(json!(2), "echo", json!({"reached": true}))
        .await;
    assert_eq!(peer.next().await["result"], json!({"reached": true}));
    peer.app.lifecycle.host_exit().cancel();
    let (reason, rest) = peer.finish().await;
    assert_eq!(
        reason,
        StopReason::HostExited {
            after_shutdown: false
        }
    );
    assert_eq!(rest.len(), 1, "{rest:?}");
    assert_eq!(
        (rest[0]["id"].clone(), rest[0]["error"]["code"].clone()),
        (json!(1), json!(-32800))
    );
}

#[tokio::test]
async fn at_eof_short_work_finishes_and_long_work_is_cancelled() {
    let mut peer = Peer::start();
    peer.request(json!("short"), "sleep", json!({"ms": 20}))
        .await;
    peer.request(json!("long"), "sleep", json!({"ms": 600_000}))
        .await;
    let (reason, rest) = peer.close().await;
    assert_eq!(reason, StopReason::Eof);
    let by_id = |id: &str| rest.iter().find(|m| m["id"] == id).cloned().expect(id);
    assert_eq!(by_id("short")["result"], 20);
    assert_eq!(by_id("long")["error"]["code"], -32800);
}

fn ask(method: &str, timeout_ms: u64) -> Value {
    json!({"method": method, "timeoutMs": timeout_ms})
}

#[tokio::test]
async fn a_server_request_is_answered_by_the_client_in_either_framing() {
    for framing in [Framing::Line, Framing::Lsp] {
        let mut peer = Peer::start();
        let ask = json!({"jsonrpc": "2.0", "id": 7, "method": "ask",
            "params": ask("host/question", 5_000)});
        peer.send(framing, &ask).await;
        let (got, request) = peer.next_framed().await;
        assert_eq!(
            got, framing,
            "asked in the framing of the request it serves"
        );
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
    peer.request(json!("a"), "ask", ask("host/a", 5_000)).await;
    peer.request(json!("b"), "ask", ask("host/b", 5_000)).await;
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
    peer.request(json!(1), "ask", ask("host/refuse", 5_000))
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
    peer.request(json!(1), "ask", ask("host/slow", 30)).await;
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
    peer.request(json!(1), "ask", ask("host/never", 600_000))
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

/// Requests and notifications sent right behind `initialize`, before its answer, run after it.
#[tokio::test]
async fn what_follows_initialize_runs_once_it_is_answered() {
    let mut peer = Peer::start();
    let pipelined = concat!(
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize"}"#,
        "\n",
        r#"{"jsonrpc":"2.0","method":"count"}"#,
        "\n",
        r#"{"jsonrpc":"2.0","id":2,"method":"count"}"#,
        "\n",
    );
    peer.send_raw(pipelined.as_bytes()).await;
    let mut answers = vec![peer.next().await, peer.next().await];
    answers.sort_by_key(|answer| answer["id"].as_u64());
    assert_eq!(answers[0]["id"], 1, "{answers:?}");
    // Both counts run after initialize, in either order between themselves.
    let counted = answers[1]["result"].as_u64().expect("a count");
    assert!(counted == 101 || counted == 102, "{answers:?}");
    let both_counted = async {
        while peer.app.counted.load(Ordering::SeqCst) < 102 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    tokio::time::timeout(WAIT, both_counted)
        .await
        .expect("the notification's count ran");
    // Later messages do not wait.
    peer.request(json!(3), "count", json!({})).await;
    assert_eq!(peer.next().await["result"], 103);
}
