//! Transport rules: both framings, bad input, batches, concurrency, cancellation, panics.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{Framing, Sidecar, error_kind, frame};

#[test]
fn answers_in_the_framing_the_client_used() {
    let mut sidecar = Sidecar::spawn();
    let lsp = sidecar.request_in(Framing::Lsp, "test/sleep", json!({"ms": 1}));
    assert_eq!(lsp.framing, Framing::Lsp);
    assert_eq!(lsp.value["result"]["sleptMs"], 1);
    let line = sidecar.request_in(Framing::Line, "test/sleep", json!({"ms": 2}));
    assert_eq!(line.framing, Framing::Line);
    assert_eq!(line.value["result"]["sleptMs"], 2);
    assert_eq!(line.value["jsonrpc"], "2.0");
}

#[test]
fn malformed_json_is_a_parse_error_and_serving_goes_on() {
    let mut sidecar = Sidecar::spawn();
    sidecar.send_raw(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\n");
    let error = sidecar.next_message().value;
    assert_eq!(error["error"]["code"], -32700);
    assert_eq!(error["id"], Value::Null);
    sidecar.send_raw(&frame(Framing::Lsp, b"{not json}"));
    let error = sidecar.next_message();
    assert_eq!(error.framing, Framing::Lsp);
    assert_eq!(error.value["error"]["code"], -32700);
    assert_eq!(sidecar.call("test/sleep", json!({"ms": 1}))["sleptMs"], 1);
}

#[test]
fn valid_json_that_is_not_a_request_is_invalid_request() {
    let mut sidecar = Sidecar::spawn();
    for (bad, id) in [
        (json!(42), Value::Null),
        (json!({"jsonrpc": "2.0", "id": 7}), json!(7)),
        (
            json!({"jsonrpc": "1.0", "id": 8, "method": "rpc.discover"}),
            json!(8),
        ),
        (json!({"jsonrpc": "2.0", "id": 9, "method": 5}), json!(9)),
        (
            json!({"jsonrpc": "2.0", "id": {"x": 1}, "method": "rpc.discover"}),
            Value::Null,
        ),
        (
            json!({"jsonrpc": "2.0", "id": 10, "method": "rpc.discover", "params": "x"}),
            json!(10),
        ),
    ] {
        sidecar.send(Framing::Lsp, &bad);
        let answer = sidecar.next_message().value;
        assert_eq!(answer["error"]["code"], -32600, "for {bad}: {answer}");
        assert_eq!(answer["id"], id, "for {bad}");
        assert_eq!(error_kind(&answer["error"]), "invalid_request");
    }
}

#[test]
fn unknown_method_is_method_not_found() {
    let mut sidecar = Sidecar::spawn();
    let error = sidecar.call_err("no/such", json!({}));
    assert_eq!(error["code"], -32601);
    assert_eq!(error["data"]["method"], "no/such");
}

#[test]
fn params_that_do_not_deserialize_name_the_field() {
    let mut sidecar = Sidecar::spawn();
    let error = sidecar.call_err("test/sleep", json!({"ms": "soon"}));
    assert_eq!(error["code"], -32602);
    assert_eq!(error["data"]["kind"], "invalid_params");
    assert_eq!(error["data"]["field"], "ms");
    assert!(
        error["data"]["reason"]
            .as_str()
            .expect("reason")
            .contains("invalid type")
    );
    let error = sidecar.call_err("test/sleep", json!({}));
    assert!(
        error["data"]["reason"]
            .as_str()
            .expect("reason")
            .contains("missing field `ms`")
    );
    let error = sidecar.call_err(
        "initialize",
        json!({"initializationOptions": {"logLevel": 3}}),
    );
    assert_eq!(error["data"]["field"], "initializationOptions.logLevel");
}

#[test]
fn oversized_messages_are_rejected_and_skipped_in_both_framings() {
    let mut sidecar =
        Sidecar::spawn_with(&["--enable-test-methods", "--max-message-bytes", "1024"]);
    let big = json!({"jsonrpc": "2.0", "id": 1, "method": "test/sleep", "params": {"ms": 1, "pad": "x".repeat(5000)}});
    sidecar.send(Framing::Lsp, &big);
    let error = sidecar.next_message();
    assert_eq!(error.framing, Framing::Lsp);
    assert_eq!(error.value["error"]["code"], -32600);
    assert_eq!(error_kind(&error.value["error"]), "message_too_large");
    assert_eq!(error.value["error"]["data"]["limit"], 1024);
    sidecar.send(Framing::Line, &big);
    let error = sidecar.next_message();
    assert_eq!(error.framing, Framing::Line);
    assert_eq!(error_kind(&error.value["error"]), "message_too_large");
    // The skipped bytes did not leak into the next message.
    let ok = sidecar.request_in(Framing::Lsp, "test/sleep", json!({"ms": 3}));
    assert_eq!(ok.value["result"]["sleptMs"], 3);
}

#[test]
fn garbage_and_bad_headers_resynchronise_at_the_next_header() {
    let mut sidecar = Sidecar::spawn();
    sidecar.send_raw(b"this is not a message\r\n");
    let error = sidecar.next_message().value;
    assert_eq!(error_kind(&error["error"]), "garbage_input");
    assert_eq!(error["error"]["code"], -32700);

    let mut bytes = b"Content-Length: twelve\r\n\r\n{\"lost\":1}".to_vec();
    bytes.extend(frame(
        Framing::Lsp,
        br#"{"jsonrpc":"2.0","id":"after-bad-header","method":"test/sleep","params":{"ms":1}}"#,
    ));
    sidecar.send_raw(&bytes);
    let error = sidecar.next_message().value;
    assert_eq!(error_kind(&error["error"]), "bad_header");
    let ok = sidecar.response_to(&json!("after-bad-header"));
    assert_eq!(ok.value["result"]["sleptMs"], 1);

    let mut bytes = b"noise".to_vec();
    bytes.extend(frame(
        Framing::Lsp,
        br#"{"jsonrpc":"2.0","id":"after-noise","method":"test/sleep","params":{"ms":1}}"#,
    ));
    sidecar.send_raw(&bytes);
    let error = sidecar.next_message().value;
    assert_eq!(error_kind(&error["error"]), "garbage_input");
    assert_eq!(error["error"]["data"]["skipped"], 5);
    let ok = sidecar.response_to(&json!("after-noise"));
    assert_eq!(ok.value["result"]["sleptMs"], 1);
}

#[test]
fn batches_answer_every_request_and_skip_notifications() {
    let mut sidecar = Sidecar::spawn();
    sidecar.send(
        Framing::Line,
        &json!([
            {"jsonrpc": "2.0", "id": "a", "method": "test/sleep", "params": {"ms": 30}},
            {"jsonrpc": "2.0", "method": "initialized"},
            {"jsonrpc": "2.0", "id": "b", "method": "no/such"},
            {"jsonrpc": "2.0", "id": "c", "method": "test/sleep", "params": {"ms": 1}},
            17
        ]),
    );
    let answer = sidecar.next_message();
    assert_eq!(answer.framing, Framing::Line);
    let items = answer.value.as_array().expect("a batch answer is an array");
    assert_eq!(items.len(), 4, "{items:?}");
    let by_id = |id: Value| items.iter().find(|i| i["id"] == id).cloned();
    assert_eq!(by_id(json!("a")).expect("a")["result"]["sleptMs"], 30);
    assert_eq!(by_id(json!("b")).expect("b")["error"]["code"], -32601);
    assert_eq!(by_id(json!("c")).expect("c")["result"]["sleptMs"], 1);
    assert_eq!(by_id(Value::Null).expect("17")["error"]["code"], -32600);

    sidecar.send(Framing::Lsp, &json!([]));
    let answer = sidecar.next_message().value;
    assert_eq!(answer["error"]["code"], -32600);

    sidecar.send(
        Framing::Lsp,
        &json!([{"jsonrpc": "2.0", "method": "initialized"}]),
    );
    sidecar.expect_silence(Duration::from_millis(300));
}

#[test]
fn concurrent_requests_are_answered_as_they_finish() {
    let mut sidecar = Sidecar::spawn();
    let slow = sidecar.start(Framing::Lsp, "test/sleep", json!({"ms": 600}));
    let fast = sidecar.start(Framing::Lsp, "test/sleep", json!({"ms": 5}));
    let first = sidecar.next_message().value;
    assert_eq!(
        first["id"], fast,
        "the fast request must not wait for the slow one"
    );
    let second = sidecar.next_message().value;
    assert_eq!(second["id"], slow);
}

#[test]
fn cancel_request_answers_request_cancelled_at_once() {
    let mut sidecar = Sidecar::spawn();
    let slow = sidecar.start(Framing::Lsp, "test/sleep", json!({"ms": 30_000}));
    std::thread::sleep(Duration::from_millis(50));
    let started = Instant::now();
    sidecar.notify(Framing::Lsp, "$/cancelRequest", json!({"id": slow}));
    let answer = sidecar.response_to(&json!(slow)).value;
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(answer["error"]["code"], -32800);
    assert_eq!(error_kind(&answer["error"]), "request_cancelled");
    // A cancel for something not in flight is ignored.
    sidecar.notify(Framing::Lsp, "$/cancelRequest", json!({"id": 999}));
    assert_eq!(sidecar.call("test/sleep", json!({"ms": 1}))["sleptMs"], 1);
}

#[test]
fn a_panicking_handler_fails_only_its_request() {
    let mut sidecar = Sidecar::spawn();
    let slow = sidecar.start(Framing::Lsp, "test/sleep", json!({"ms": 200}));
    let error = sidecar.call_err("test/panic", json!({}));
    assert_eq!(error["code"], -32603);
    assert_eq!(error_kind(&error), "internal_panic");
    assert_eq!(
        sidecar.response_to(&json!(slow)).value["result"]["sleptMs"],
        200
    );
    assert!(
        sidecar.stderr().contains("panic"),
        "the panic is logged to stderr"
    );
}

#[test]
fn notifications_from_concurrent_handlers_never_interleave() {
    let mut sidecar = Sidecar::spawn();
    let ids: Vec<i64> = (0..4)
        .map(|_| {
            sidecar.start(
                Framing::Lsp,
                "test/notify",
                json!({"count": 200, "payloadBytes": 20_000}),
            )
        })
        .collect();
    let mut seen = std::collections::HashMap::<i64, u64>::new();
    let mut answered = 0;
    while answered < ids.len() {
        // The reader fails the test on any byte that is not a well-framed message.
        let message = sidecar.next_message().value;
        if message["method"] == "test/event" {
            let id = message["params"]["requestId"]
                .as_i64()
                .expect("tagged with the request id");
            let seq = message["params"]["seq"].as_u64().expect("seq");
            let expected = seen.entry(id).or_default();
            assert_eq!(seq, *expected, "events of one request arrive in order");
            *expected += 1;
            assert_eq!(
                message["params"]["payload"].as_str().map(str::len),
                Some(20_000)
            );
        } else {
            let id = message["id"].as_i64().expect("an answer");
            assert_eq!(seen.get(&id), Some(&200), "all events precede the answer");
            assert_eq!(message["result"], 200);
            answered += 1;
        }
    }
}

#[test]
fn stdout_carries_only_protocol_messages_even_with_verbose_logs() {
    let mut sidecar = Sidecar::spawn_with(&["--enable-test-methods", "--log", "trace"]);
    for _ in 0..5 {
        sidecar.call("test/sleep", json!({"ms": 1}));
    }
    sidecar.send_raw(b"junk\n");
    let _ = sidecar.next_message();
    sidecar.close_stdin();
    let rest = sidecar.drain();
    assert!(rest.is_empty(), "nothing after the last answer: {rest:?}");
    assert!(sidecar.stderr().contains("DEBUG") || sidecar.stderr().contains("TRACE"));
}

/// The server asks the client (a server→client request, as plugin hooks will), matches the
/// client's answer by id, and drops answers to nothing it asked; an unanswered request times out
/// with `$/cancelRequest` sent for it, and one still waiting when stdin closes fails at once.
#[test]
fn the_server_asks_the_client_and_routes_its_answer() {
    let mut sidecar = Sidecar::spawn();
    for framing in [Framing::Lsp, Framing::Line] {
        let ask = sidecar.start(
            framing,
            "test/askClient",
            json!({"method": "host/question", "params": {"n": 1}, "timeoutMs": 10_000}),
        );
        let request = sidecar.wait_for(|m| m.value["method"] == "host/question");
        assert_eq!(request.framing, framing);
        assert_eq!(request.value["params"], json!({"n": 1}));
        let id = request.value["id"].clone();
        assert!(id.is_u64(), "{}", request.value);
        sidecar.send(
            framing,
            &json!({"jsonrpc": "2.0", "id": 1_000_000, "result": "nobody asked"}),
        );
        sidecar.send(
            framing,
            &json!({"jsonrpc": "2.0", "id": id, "result": {"answer": framing == Framing::Lsp}}),
        );
        let response = sidecar.response_to(&json!(ask));
        assert_eq!(response.framing, framing);
        assert_eq!(
            response.value["result"],
            json!({"answer": framing == Framing::Lsp})
        );
    }
    sidecar.expect_silence(Duration::from_millis(100));
    assert!(
        sidecar
            .stderr()
            .contains("a response to no pending request"),
        "the stray answer is logged"
    );

    let ask = sidecar.start(
        Framing::Lsp,
        "test/askClient",
        json!({"method": "host/slow", "timeoutMs": 50}),
    );
    let request = sidecar.wait_for(|m| m.value["method"] == "host/slow");
    let cancel = sidecar.wait_for(|m| m.value["method"] == "$/cancelRequest");
    assert_eq!(cancel.value["params"]["id"], request.value["id"]);
    let error = sidecar.response_to(&json!(ask)).value["error"].clone();
    assert_eq!(error["data"]["clientRequest"], "timeout", "{error}");

    let ask = sidecar.start(
        Framing::Lsp,
        "test/askClient",
        json!({"method": "host/never", "timeoutMs": 600_000}),
    );
    sidecar.wait_for(|m| m.value["method"] == "host/never");
    sidecar.close_stdin();
    let error = sidecar.response_to(&json!(ask)).value["error"].clone();
    assert_eq!(error["data"]["clientRequest"], "closed", "{error}");
    let (status, _) = sidecar.wait_exit(Duration::from_secs(5));
    assert!(status.success());
}
