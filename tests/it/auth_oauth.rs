//! The Copilot device flow (`auth/oauth/*`) against a mock GitHub on 127.0.0.1: progress,
//! denial, expiry, `slow_down`, the `auth login` CLI, and a check that no secret reaches stderr
//! logs or any stdout message.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::auth_support::{API_KEY, AuthSidecar, cli_with};
use crate::support::error_kind;

const DEVICE_CODE: &str = "devcode-it-leakcheck-51e2";
const GITHUB_TOKEN: &str = "gho_it_leakcheck_90ab77";
const USER_CODE: &str = "WDJB-MJHT";

#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    Approve,
    Deny,
    /// The device code expires while pending.
    Expire,
    /// One `slow_down` (interval 3) after the pending answers, then the token.
    SlowThenApprove,
}

/// A GitHub (device code + access token) and models-endpoint mock on 127.0.0.1.
struct MockGithub {
    base: String,
    /// Every request seen: (path, body, headers in lower case).
    seen: Arc<Mutex<Vec<(String, String, String)>>>,
    /// When each token poll arrived.
    polls: Arc<Mutex<Vec<Instant>>>,
}

impl MockGithub {
    fn start(outcome: Outcome, pending_polls: usize) -> MockGithub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind mock");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let polls = Arc::new(Mutex::new(Vec::new()));
        let (log, times) = (Arc::clone(&seen), Arc::clone(&polls));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (log, times) = (Arc::clone(&log), Arc::clone(&times));
                thread::spawn(move || serve(stream, outcome, pending_polls, &log, &times));
            }
        });
        MockGithub { base, seen, polls }
    }

    fn paths(&self) -> Vec<String> {
        let seen = self.seen.lock().expect("lock");
        seen.iter().map(|(p, _, _)| p.clone()).collect()
    }
}

fn serve(
    mut stream: TcpStream,
    outcome: Outcome,
    pending_polls: usize,
    log: &Mutex<Vec<(String, String, String)>>,
    polls: &Mutex<Vec<Instant>>,
) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_owned();
    let mut headers = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        headers.push_str(&lower);
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let body = String::from_utf8_lossy(&body).into_owned();
    log.lock()
        .expect("lock")
        .push((path.clone(), body, headers.clone()));
    let (status, reply) = match path.as_str() {
        "/login/device/code" => (
            200,
            json!({"device_code": DEVICE_CODE, "user_code": USER_CODE,
                   "verification_uri": "https://github.com/login/device",
                   "interval": 1, "expires_in": 900}),
        ),
        "/login/oauth/access_token" => {
            let count = {
                let mut times = polls.lock().expect("lock");
                times.push(Instant::now());
                times.len()
            };
            if count <= pending_polls {
                (200, json!({"error": "authorization_pending"}))
            } else if outcome == Outcome::Expire {
                (200, json!({"error": "expired_token"}))
            } else if outcome == Outcome::SlowThenApprove && count == pending_polls + 1 {
                (200, json!({"error": "slow_down", "interval": 3}))
            } else if outcome == Outcome::Deny {
                (
                    200,
                    json!({"error": "access_denied", "error_description": "The user has denied your application access."}),
                )
            } else {
                (
                    200,
                    json!({"access_token": GITHUB_TOKEN, "token_type": "bearer", "scope": "read:user"}),
                )
            }
        }
        "/v1/models" if headers.contains(&format!("bearer {}", API_KEY.to_ascii_lowercase())) => {
            (200, json!({"data": []}))
        }
        "/v1/models" => (401, json!({"error": {"message": "bad key"}})),
        _ => (404, json!({"error": "not_found"})),
    };
    let text = reply.to_string();
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}

fn mocked(mock: &MockGithub) -> Value {
    json!({
        "store": "file",
        "endpoints": {"githubBase": mock.base,
                      "validation": {"anthropic": format!("{}/v1/models", mock.base),
                                     "openai": format!("{}/v1/models", mock.base)}},
        "polling": {"intervalUnitMs": 20, "safetyMarginMs": 0}
    })
}

/// Starts the Copilot device flow and follows it; returns the authorize result and the
/// callback's final response.
fn copilot_sign_in(sidecar: &mut AuthSidecar) -> (Value, Value) {
    let started = sidecar.call(
        "auth/oauth/authorize",
        json!({"providerId": "github-copilot", "method": 0,
               "inputs": {"deploymentType": "github.com"}}),
    );
    let id = started["authorizationId"]
        .as_str()
        .expect("authorizationId")
        .to_owned();
    let outcome = sidecar.follow("github-copilot", 0, &id);
    (started, outcome)
}

#[test]
fn copilot_device_flow_end_to_end_with_progress() {
    let mock = MockGithub::start(Outcome::Approve, 3);
    let dir = tempfile::tempdir().expect("data dir");
    let mut sidecar = AuthSidecar::start(dir.path(), mocked(&mock));
    let (started, outcome) = copilot_sign_in(&mut sidecar);
    assert_eq!(started["method"], "auto");
    assert_eq!(started["providerId"], "github-copilot");
    assert_eq!(started["url"], "https://github.com/login/device");
    assert!(
        started["instructions"]
            .as_str()
            .is_some_and(|t| t.contains(USER_CODE)),
        "{started}"
    );
    assert_eq!(
        outcome["result"],
        json!({"status": "connected"}),
        "{outcome}"
    );
    let id = started["authorizationId"].clone();
    let progress = sidecar
        .sidecar
        .wait_for(|m| m.value["method"] == "$/progress" && m.value["params"]["token"] == id);
    let value = &progress.value["params"]["value"];
    assert_eq!(value["kind"], "begin");
    assert_eq!(value["providerId"], "github-copilot");
    assert!(value["attempt"].as_u64().is_some_and(|a| a >= 1));
    let end = sidecar.sidecar.wait_for(|m| {
        m.value["method"] == "$/progress"
            && m.value["params"]["token"] == id
            && m.value["params"]["value"]["kind"] == "end"
    });
    assert_eq!(end.value["params"]["value"], json!({"kind": "end"}));

    let status = sidecar.call("auth/status", json!({}));
    let copilot = &status["auth"]["github-copilot"];
    assert_eq!(copilot["status"], "connected");
    assert_eq!(copilot["method"], "oauth");
    assert_eq!(copilot["accountLabel"], "github.com");
    let paths = mock.paths();
    assert_eq!(paths[0], "/login/device/code");
    let polls = paths
        .iter()
        .filter(|p| *p == "/login/oauth/access_token")
        .count();
    assert_eq!(polls, 4, "three pending answers, then the token");
    let seen = mock.seen.lock().expect("lock");
    assert!(
        seen.iter()
            .filter(|(p, _, _)| p == "/login/oauth/access_token")
            .all(|(_, body, _)| body.contains(DEVICE_CODE))
    );
}

#[test]
fn denied_device_flow_is_a_clear_auth_failed_error() {
    let mock = MockGithub::start(Outcome::Deny, 1);
    let dir = tempfile::tempdir().expect("data dir");
    let mut sidecar = AuthSidecar::start(dir.path(), mocked(&mock));
    let (_, outcome) = copilot_sign_in(&mut sidecar);
    let err = &outcome["error"];
    assert_eq!(error_kind(err), "auth_failed", "{outcome}");
    assert_eq!(err["data"]["authKind"], "oauth_denied");
    assert_eq!(err["data"]["providerId"], "github-copilot");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("denied")),
        "{err}"
    );
    let status = sidecar.call("auth/status", json!({}));
    assert_eq!(status["auth"]["github-copilot"]["status"], "disconnected");
}

#[test]
fn expired_device_code_is_a_clear_error_over_rpc() {
    let mock = MockGithub::start(Outcome::Expire, 1);
    let dir = tempfile::tempdir().expect("data dir");
    let mut sidecar = AuthSidecar::start(dir.path(), mocked(&mock));
    let (_, outcome) = copilot_sign_in(&mut sidecar);
    let err = &outcome["error"];
    assert_eq!(error_kind(err), "auth_failed", "{outcome}");
    assert_eq!(err["data"]["authKind"], "oauth_expired");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("expired")),
        "{err}"
    );
    let status = sidecar.call("auth/status", json!({}));
    assert_eq!(status["auth"]["github-copilot"]["status"], "disconnected");
}

/// `slow_down` with an interval of 3 (units of 20 ms here) stretches the wait before the
/// next poll; the sign-in then completes.
#[test]
fn slow_down_stretches_polling_and_the_sign_in_completes_over_rpc() {
    let mock = MockGithub::start(Outcome::SlowThenApprove, 1);
    let dir = tempfile::tempdir().expect("data dir");
    let mut sidecar = AuthSidecar::start(dir.path(), mocked(&mock));
    let (_, outcome) = copilot_sign_in(&mut sidecar);
    assert_eq!(outcome["result"]["status"], "connected", "{outcome}");
    let times = mock.polls.lock().expect("lock").clone();
    assert_eq!(times.len(), 3, "pending, slow_down, token");
    let after = times[2] - times[1];
    assert!(
        after >= Duration::from_millis(60),
        "the wait after slow_down follows its interval: {after:?}"
    );
}

#[test]
fn no_secret_reaches_stderr_or_any_result() {
    let approve = MockGithub::start(Outcome::Approve, 2);
    let dir = tempfile::tempdir().expect("data dir");
    let mut sidecar = AuthSidecar::start(dir.path(), mocked(&approve));
    // A rejected key, then an accepted one, both validated against the mock.
    let err = sidecar.call_err(
        "auth/set",
        json!({"providerId": "openai", "token": "sk-it-rejected-key-0042", "validate": true}),
    );
    assert_eq!(error_kind(&err), "auth_failed", "{err}");
    assert_eq!(err["data"]["authKind"], "auth_invalid");
    sidecar.call(
        "auth/set",
        json!({"providerId": "openai", "token": API_KEY, "validate": true}),
    );
    let (_, outcome) = copilot_sign_in(&mut sidecar);
    assert_eq!(outcome["result"]["status"], "connected");
    let status = sidecar.call("auth/status", json!({}));
    assert_eq!(status["auth"]["openai"]["status"], "connected");
    sidecar.call("auth/remove", json!({"providerId": "openai"}));
    let (stderr, messages) = sidecar.finish();
    assert!(
        stderr.contains("DEBUG") || stderr.contains("debug"),
        "debug logs captured"
    );

    let deny = MockGithub::start(Outcome::Deny, 0);
    let mut denied = AuthSidecar::start(dir.path(), mocked(&deny));
    let (_, outcome) = copilot_sign_in(&mut denied);
    assert!(outcome.get("error").is_some());
    let (denied_stderr, denied_messages) = denied.finish();

    let secrets = [
        API_KEY,
        "sk-it-rejected-key-0042",
        DEVICE_CODE,
        GITHUB_TOKEN,
    ];
    for secret in secrets {
        for text in [&stderr, &denied_stderr] {
            assert!(!text.contains(secret), "secret in stderr:\n{text}");
        }
        for message in messages.iter().chain(&denied_messages) {
            assert!(
                !message.to_string().contains(secret),
                "secret in a stdout message: {message}"
            );
        }
    }
    assert!(
        messages.len() >= 6,
        "every response was scanned: {}",
        messages.len()
    );
}

#[test]
fn cli_login_runs_the_copilot_device_flow() {
    let mock = MockGithub::start(Outcome::Approve, 1);
    let dir = tempfile::tempdir().expect("dir");
    let (code, out, err) = cli_with(
        dir.path(),
        mocked(&mock),
        &["auth", "login", "github-copilot"],
        "",
    );
    assert_eq!(code, 0, "login failed: {out}{err}");
    assert!(out.contains("https://github.com/login/device"), "{out}");
    assert!(out.contains(USER_CODE), "{out}");
    assert!(out.contains("Signed in to github-copilot"), "{out}");
    let (_, list, _) = cli_with(dir.path(), mocked(&mock), &["auth", "list"], "");
    assert!(list.contains("github-copilot"), "{list}");
    assert!(list.contains("oauth"), "{list}");
    for text in [&out, &err, &list] {
        assert!(
            !text.contains(GITHUB_TOKEN) && !text.contains(DEVICE_CODE),
            "{text}"
        );
    }
}
