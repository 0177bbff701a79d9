//! LSP-style lifecycle: initialize (optional), shutdown, exit, EOF and SIGTERM.

use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::support::{Framing, Sidecar, error_kind};

#[test]
fn initialize_returns_server_info_capabilities_and_methods() {
    let mut sidecar = Sidecar::spawn();
    let data_dir = sidecar.data_dir.path().join("from-initialize");
    let result = sidecar.call(
        "initialize",
        json!({
            "processId": std::process::id(),
            "clientInfo": {"name": "integration-test", "version": "1.0"},
            "capabilities": {},
            "initializationOptions": {
                "config": {"provider": {}},
                "dataDir": data_dir,
                "logLevel": "info"
            }
        }),
    );
    assert_eq!(result["serverInfo"]["name"], "provider-sidecar");
    assert_eq!(result["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
    let methods: Vec<&str> = result["capabilities"]["methods"]
        .as_array()
        .expect("methods")
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    for expected in ["initialize", "shutdown", "rpc.discover"] {
        assert!(
            methods.contains(&expected),
            "{expected} missing from {methods:?}"
        );
    }
    assert!(
        !methods.iter().any(|m| m.starts_with("test/")),
        "test methods stay unpublished"
    );
    assert_eq!(
        result["capabilities"]["dataDir"],
        data_dir.display().to_string()
    );
    assert_eq!(result["capabilities"]["cancellation"], true);
    sidecar.notify(Framing::Lsp, "initialized", json!({}));
    assert_eq!(sidecar.call("test/sleep", json!({"ms": 1}))["sleptMs"], 1);
}

#[test]
fn initialize_is_optional() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let document = sidecar.call("rpc.discover", json!({}));
    assert!(
        document["openrpc"]
            .as_str()
            .expect("openrpc")
            .starts_with("1.")
    );
}

#[test]
fn an_invalid_log_filter_is_invalid_params() {
    let mut sidecar = Sidecar::spawn();
    let error = sidecar.call_err(
        "initialize",
        json!({"initializationOptions": {"logLevel": "[[[not a filter"}}),
    );
    assert_eq!(error["code"], -32602);
    assert_eq!(error["data"]["field"], "initializationOptions.logLevel");
}

#[test]
fn shutdown_then_exit_exits_zero_and_rejects_requests_in_between() {
    let mut sidecar = Sidecar::spawn();
    assert_eq!(sidecar.call("shutdown", json!(null)), json!(null));
    let error = sidecar.call_err("test/sleep", json!({"ms": 1}));
    assert_eq!(error["code"], -32600);
    assert_eq!(error_kind(&error), "server_shutting_down");
    sidecar.notify(Framing::Lsp, "exit", json!(null));
    let (status, elapsed) = sidecar.wait_exit(Duration::from_secs(2));
    assert_eq!(status.code(), Some(0));
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
}

#[test]
fn exit_without_shutdown_exits_one() {
    let mut sidecar = Sidecar::spawn();
    sidecar.notify(Framing::Line, "exit", json!(null));
    let (status, _) = sidecar.wait_exit(Duration::from_secs(2));
    assert_eq!(status.code(), Some(1));
}

#[test]
fn stdin_eof_cancels_in_flight_work_and_exits_zero_within_a_second() {
    let mut sidecar = Sidecar::spawn();
    let slow = sidecar.start(Framing::Lsp, "test/sleep", json!({"ms": 60_000}));
    // An answer to a later request means the slow one was read and is being handled.
    assert_eq!(sidecar.call("test/sleep", json!({"ms": 0}))["sleptMs"], 0);
    sidecar.close_stdin();
    let (status, elapsed) = sidecar.wait_exit(Duration::from_secs(3));
    assert_eq!(status.code(), Some(0));
    assert!(elapsed < Duration::from_secs(1), "exit took {elapsed:?}");
    let rest = sidecar.drain();
    let answer = rest
        .iter()
        .find(|m| m.value["id"] == slow)
        .expect("the in-flight request is answered");
    assert_eq!(answer.value["error"]["code"], -32800);
}

#[test]
fn stdin_eof_still_answers_a_quick_piped_request() {
    let mut sidecar = Sidecar::spawn();
    let id = sidecar.start(Framing::Line, "test/sleep", json!({"ms": 20}));
    sidecar.close_stdin();
    let (status, _) = sidecar.wait_exit(Duration::from_secs(3));
    assert_eq!(status.code(), Some(0));
    let rest = sidecar.drain();
    let answer = rest.iter().find(|m| m.value["id"] == id).expect("answered");
    assert_eq!(answer.value["result"]["sleptMs"], 20);
}

#[test]
fn sigterm_cancels_in_flight_work_and_exits_zero_within_a_second() {
    let mut sidecar = Sidecar::spawn();
    let slow = sidecar.start(Framing::Lsp, "test/sleep", json!({"ms": 60_000}));
    // Wait until the sidecar is serving (the request is being handled).
    assert_eq!(sidecar.call("test/sleep", json!({"ms": 1}))["sleptMs"], 1);
    let status = Command::new("kill")
        .args(["-TERM", &sidecar.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let (status, elapsed) = sidecar.wait_exit(Duration::from_secs(3));
    assert_eq!(status.code(), Some(0));
    assert!(elapsed < Duration::from_secs(1), "exit took {elapsed:?}");
    let answer = sidecar.response_to(&json!(slow));
    assert_eq!(answer.value["error"]["code"], -32800);
}
