//! The host dies, the sidecar leaves: `initialize.processId` is watched even while the sidecar's
//! stdin stays open (as when a grandchild inherited the pipe).

use std::net::TcpStream;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{Sidecar, error_kind};

/// A stand-in host: a process whose pid the sidecar is told to watch.
fn stand_in_host() -> Child {
    Command::new("sleep")
        .arg("60")
        .spawn()
        .expect("spawn the stand-in host")
}

/// Kills the host, reaps it, and returns when it died.
fn kill(mut host: Child) -> Instant {
    host.kill().expect("kill the stand-in host");
    let died = Instant::now();
    host.wait().expect("reap the stand-in host");
    died
}

#[test]
fn the_sidecar_exits_within_a_second_of_the_host_dying_with_stdin_still_open() {
    let host = stand_in_host();
    let mut sidecar = Sidecar::spawn_with(&[]);
    sidecar.call("initialize", json!({"processId": host.id()}));
    // Serving normally while the host lives (longer than a few polls).
    std::thread::sleep(Duration::from_millis(700));
    sidecar.call("catalog/status", json!({}));

    let died = kill(host);
    let (status, _) = sidecar.wait_exit(Duration::from_secs(5));
    let took = died.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "exited {took:?} after the host died"
    );
    // Like `exit` without `shutdown`: the host went away without saying goodbye.
    assert_eq!(status.code(), Some(1), "stderr:\n{}", sidecar.stderr());
    assert!(
        sidecar.stderr().contains("the host process exited"),
        "{}",
        sidecar.stderr()
    );
}

#[test]
fn after_shutdown_the_host_dying_exits_zero() {
    let host = stand_in_host();
    let mut sidecar = Sidecar::spawn_with(&[]);
    sidecar.call("initialize", json!({"processId": host.id()}));
    sidecar.call("shutdown", json!({}));
    kill(host);
    let (status, _) = sidecar.wait_exit(Duration::from_secs(5));
    assert_eq!(status.code(), Some(0), "stderr:\n{}", sidecar.stderr());
}

#[test]
fn an_oauth_callback_server_goes_with_the_sidecar() {
    let host = stand_in_host();
    let data_dir = tempfile::tempdir().expect("data dir");
    let mut sidecar = Sidecar::spawn_with(&[]);
    sidecar.call(
        "initialize",
        json!({"processId": host.id(), "initializationOptions": {
            "dataDir": data_dir.path(),
            "config": {"auth": {"store": "file", "endpoints": {"openaiCallbackPort": 0}}}
        }}),
    );
    // OpenAI's first method is the browser sign-in, which listens for the redirect locally.
    let started = sidecar.call(
        "auth/oauth/authorize",
        json!({"providerId": "openai", "method": 0}),
    );
    let url = started["url"].as_str().expect("authorize url");
    let port = url
        .split("localhost%3A")
        .nth(1)
        .and_then(|rest| rest.split("%2F").next())
        .and_then(|port| port.parse::<u16>().ok())
        .unwrap_or_else(|| panic!("no callback port in {url}"));
    TcpStream::connect(("127.0.0.1", port)).expect("the callback server listens");

    kill(host);
    sidecar.wait_exit(Duration::from_secs(5));
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the callback server outlived the sidecar"
    );
}

#[test]
fn a_process_id_that_names_no_running_process_is_invalid_params() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    for bad in [json!(0), json!(-1), json!(1_u64 << 40)] {
        let err = sidecar.call_err("initialize", json!({"processId": bad}));
        assert_eq!(error_kind(&err), "invalid_params", "{err}");
        assert_eq!(err["data"]["field"], "processId", "{err}");
    }
    let host = stand_in_host();
    let pid = host.id();
    kill(host);
    let err = sidecar.call_err("initialize", json!({"processId": pid}));
    assert_eq!(err["data"]["field"], "processId", "{err}");
    assert!(
        err["data"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("no process") && r.contains("null")),
        "{err}"
    );
    // Still serving, and a null processId watches nothing.
    sidecar.call("initialize", json!({"processId": null}));
    sidecar.call("catalog/status", json!({}));
}
