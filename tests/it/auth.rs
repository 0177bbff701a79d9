//! `auth/*` over the real binary: the file store across a restart, the Copilot device flow
//! against a mock GitHub on 127.0.0.1, denial, the real Secret Service (when available), the
//! `auth` CLI, and a check that no secret reaches stderr logs or any stdout message.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{BIN, Sidecar, error_kind};

const API_KEY: &str = "sk-it-leakcheck-7f3a9c1d";
const DEVICE_CODE: &str = "devcode-it-leakcheck-51e2";
const GITHUB_TOKEN: &str = "gho_it_leakcheck_90ab77";
const USER_CODE: &str = "WDJB-MJHT";
#[cfg(unix)]
const ENV_KEY: &str = "sk-env-leakcheck-55aa";

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

/// A sidecar initialized with `data_dir` and an `auth` config; every response it gives is
/// kept so the leak check can scan them.
struct AuthSidecar {
    sidecar: Sidecar,
    responses: Vec<Value>,
}

impl AuthSidecar {
    fn start(data_dir: &Path, auth: Value) -> AuthSidecar {
        AuthSidecar::start_config(data_dir, json!({"auth": auth}))
    }

    /// A sidecar initialized with a whole config (`auth`, `provider`, ...).
    fn start_config(data_dir: &Path, config: Value) -> AuthSidecar {
        let mut sidecar = Sidecar::spawn_with(&[]);
        sidecar.call(
            "initialize",
            json!({"initializationOptions": {"dataDir": data_dir, "config": config}}),
        );
        AuthSidecar {
            sidecar,
            responses: Vec::new(),
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.sidecar.request(method, params);
        self.responses.push(response.clone());
        response
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        match response.get("result") {
            Some(result) => result.clone(),
            None => panic!(
                "{method} failed: {response}\nstderr:\n{}",
                self.sidecar.stderr()
            ),
        }
    }

    fn call_err(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        response
            .get("error")
            .cloned()
            .unwrap_or_else(|| panic!("{method} unexpectedly succeeded: {response}"))
    }

    /// Polls `auth/oauth/callback` as the desktop does until it is not `pending`.
    fn follow(&mut self, provider: &str, method: u64, authorization_id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let response = self.request(
                "auth/oauth/callback",
                json!({"providerId": provider, "method": method, "authorizationId": authorization_id}),
            );
            if response.get("error").is_some() || response["result"]["status"] != "pending" {
                return response;
            }
            assert!(Instant::now() < deadline, "sign-in still pending");
            thread::sleep(Duration::from_millis(30));
        }
    }

    /// Stops the sidecar; returns its stderr and every stdout message it wrote.
    fn finish(mut self) -> (String, Vec<Value>) {
        self.sidecar.close_stdin();
        let mut messages = self.responses;
        messages.extend(self.sidecar.drain().into_iter().map(|m| m.value));
        (self.sidecar.stderr(), messages)
    }
}

fn file_store() -> Value {
    json!({"store": "file"})
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

#[test]
fn set_status_remove_round_trip_persists_across_a_restart() {
    let dir = tempfile::tempdir().expect("data dir");
    let mut first = AuthSidecar::start(dir.path(), file_store());
    let before = first.call("auth/status", json!({}));
    assert_eq!(before["auth"]["anthropic"]["status"], "disconnected");
    assert_eq!(before["store"], "file");
    let set = first.call(
        "auth/set",
        json!({"providerId": "anthropic", "token": API_KEY}),
    );
    assert_eq!(set, json!({"ok": true}));
    let second_account = first.call(
        "auth/set",
        json!({"providerId": "anthropic", "token": "sk-second-account-key",
               "account": "work", "activate": false}),
    );
    assert_eq!(second_account, json!({"ok": true}));
    let status = first.call("auth/status", json!({}));
    let anthropic = &status["auth"]["anthropic"];
    assert_eq!(anthropic["status"], "connected");
    assert_eq!(anthropic["method"], "api");
    assert_eq!(anthropic["source"], "file");
    assert_eq!(anthropic["activeAccount"], "default");
    assert_eq!(anthropic["accounts"].as_array().map(Vec::len), Some(2));
    drop(first);

    let mut second = AuthSidecar::start(dir.path(), file_store());
    let status = second.call("auth/status", json!({}));
    assert_eq!(status["auth"]["anthropic"]["status"], "connected");
    second.call(
        "auth/accounts/select",
        json!({"providerId": "anthropic", "account": "work"}),
    );
    let status = second.call("auth/status", json!({}));
    assert_eq!(status["auth"]["anthropic"]["activeAccount"], "work");
    second.call(
        "auth/remove",
        json!({"providerId": "anthropic", "account": "work"}),
    );
    let status = second.call("auth/status", json!({}));
    assert_eq!(status["auth"]["anthropic"]["activeAccount"], "default");
    assert_eq!(
        second.call("auth/remove", json!({"providerId": "anthropic"})),
        json!({"ok": true})
    );
    let status = second.call("auth/status", json!({}));
    assert_eq!(status["auth"]["anthropic"]["status"], "disconnected");
    let err = second.call_err(
        "auth/accounts/select",
        json!({"providerId": "anthropic", "account": "nobody"}),
    );
    assert_eq!(error_kind(&err), "auth_missing", "{err}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("auth.json"))
            .expect("auth.json written in the data dir set by initialize")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn methods_list_every_catalog_provider_with_copilot_prompts() {
    let dir = tempfile::tempdir().expect("data dir");
    let mut sidecar = AuthSidecar::start(dir.path(), file_store());
    let methods = sidecar.call("auth/methods", json!({}))["methods"].clone();
    assert_eq!(
        methods["anthropic"],
        json!([{"type": "api", "label": "API key"}])
    );
    assert_eq!(methods["openai"][0]["type"], "oauth");
    assert_eq!(
        methods["github-copilot"][0]["prompts"][0]["key"],
        "deploymentType"
    );
    assert!(methods.as_object().map_or(0, |m| m.len()) > 50);

    let err = sidecar.call_err(
        "auth/oauth/authorize",
        json!({"providerId": "anthropic", "method": 0}),
    );
    assert_eq!(error_kind(&err), "invalid_params", "{err}");
    let err = sidecar.call_err(
        "auth/oauth/authorize",
        json!({"providerId": "github-copilot", "method": 7}),
    );
    assert_eq!(err["data"]["authKind"], "auth_method_not_found", "{err}");
    let err = sidecar.call_err(
        "auth/oauth/authorize",
        json!({"providerId": "no-such-provider", "method": 0}),
    );
    assert_eq!(error_kind(&err), "provider_not_found", "{err}");
    let err = sidecar.call_err(
        "auth/oauth/callback",
        json!({"providerId": "github-copilot", "method": 0, "authorizationId": "nope"}),
    );
    assert_eq!(error_kind(&err), "auth_failed", "{err}");
    assert_eq!(err["data"]["authKind"], "authorization_not_found");
}

#[test]
fn bad_auth_config_is_a_config_error() {
    let dir = tempfile::tempdir().expect("data dir");
    let mut sidecar = AuthSidecar::start(dir.path(), json!({"store": "vault"}));
    let err = sidecar.call_err("auth/status", json!({}));
    assert_eq!(error_kind(&err), "config", "{err}");
    assert_eq!(err["data"]["field"], "auth.store");
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

/// Points the `default` alias of a fresh gnome-keyring at its session collection (a desktop's
/// login keyring plays that part), so lookups have somewhere to go.
fn ensure_default_collection() -> Result<(), zbus::Error> {
    const DEST: &str = "org.freedesktop.secrets";
    const PATH: &str = "/org/freedesktop/secrets";
    const IFACE: &str = "org.freedesktop.Secret.Service";
    let conn = zbus::blocking::Connection::session()?;
    let reply = conn.call_method(Some(DEST), PATH, Some(IFACE), "ReadAlias", &("default",))?;
    let current: zbus::zvariant::OwnedObjectPath = reply.body().deserialize()?;
    if current.as_str() == "/" {
        let session =
            zbus::zvariant::ObjectPath::try_from("/org/freedesktop/secrets/collection/session")?;
        conn.call_method(
            Some(DEST),
            PATH,
            Some(IFACE),
            "SetAlias",
            &("default", session),
        )?;
    }
    Ok(())
}

/// Runs against a real Secret Service, which `scripts/test` starts before it runs the ignored tests.
#[test]
#[ignore = "needs a Secret Service: run scripts/test"]
fn keyring_store_round_trip_over_rpc() {
    ensure_default_collection().expect("prepare the Secret Service");
    let dir = tempfile::tempdir().expect("data dir");
    let auth = json!({"store": "keyring",
                      "keyringService": format!("provider-sidecar-it-{}", std::process::id())});
    let mut first = AuthSidecar::start(dir.path(), auth.clone());
    first.call(
        "auth/set",
        json!({"providerId": "anthropic", "token": API_KEY}),
    );
    let status = first.call("auth/status", json!({}));
    assert_eq!(status["store"], "keyring");
    assert_eq!(status["auth"]["anthropic"]["source"], "keyring");
    let (stderr, _) = first.finish();
    assert!(!stderr.contains(API_KEY));
    for entry in std::fs::read_dir(dir.path()).expect("data dir").flatten() {
        if entry.path().is_file() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            assert!(!text.contains(API_KEY), "key written to {:?}", entry.path());
        }
    }

    let mut second = AuthSidecar::start(dir.path(), auth);
    let status = second.call("auth/status", json!({}));
    assert_eq!(status["auth"]["anthropic"]["status"], "connected");
    second.call("auth/remove", json!({"providerId": "anthropic"}));
    let status = second.call("auth/status", json!({}));
    assert_eq!(status["auth"]["anthropic"]["status"], "disconnected");
}

/// Runs the `auth` CLI with a data dir and a config file; returns (code, stdout, stderr).
fn cli(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    cli_with(dir, file_store(), args, stdin)
}

fn cli_with(dir: &Path, auth: Value, args: &[&str], stdin: &str) -> (i32, String, String) {
    cli_full(dir, json!({"auth": auth}), args, stdin, &[])
}

/// The CLI with a whole config file and extra environment variables.
fn cli_full(
    dir: &Path,
    config_value: Value,
    args: &[&str],
    stdin: &str,
    envs: &[(&str, &Path)],
) -> (i32, String, String) {
    let config = dir.join("config.json");
    std::fs::write(&config, config_value.to_string()).expect("config");
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config")
        .arg(&config)
        .args(args)
        .env("PROVIDER_SIDECAR_LOG", "debug")
        .envs(envs.iter().map(|(k, v)| (*k, *v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the CLI");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("CLI output");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn cli_login_list_logout_never_print_the_key() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, out, err) = cli(
        dir.path(),
        &["auth", "login", "anthropic", "--key-stdin"],
        &format!("{API_KEY}\n"),
    );
    assert_eq!(code, 0, "login failed: {out}{err}");
    let (code, list, err) = cli(dir.path(), &["auth", "list"], "");
    assert_eq!(code, 0, "{err}");
    assert!(list.contains("anthropic"), "{list}");
    // The file store, or the keyring when a Secret Service runs (as under scripts/test).
    assert!(list.contains("file") || list.contains("keyring"), "{list}");
    let (code, out2, err2) = cli(dir.path(), &["auth", "logout", "anthropic"], "");
    assert_eq!(code, 0, "{err2}");
    let (_, after, _) = cli(dir.path(), &["auth", "list"], "");
    assert!(!after.contains("anthropic"), "{after}");
    let (code, _, missing) = cli(dir.path(), &["auth", "logout", "nobody-here"], "");
    assert_ne!(code, 0);
    assert!(!missing.is_empty());
    for text in [&out, &err, &list, &out2, &err2, &after] {
        assert!(!text.contains(API_KEY), "key printed: {text}");
    }
}

/// A keyring that never answers (a D-Bus socket that accepts and stays silent) must not delay
/// `initialize`: the store opens in the background, and `auth/status` then reports the file
/// fallback and why (and the credential found in the environment, never its value).
#[cfg(unix)]
#[test]
fn a_hanging_keyring_never_delays_initialize_and_falls_back_to_the_file() {
    use std::os::unix::net::UnixListener;
    let dir = tempfile::tempdir().expect("dir");
    let socket = dir.path().join("bus");
    let listener = UnixListener::bind(&socket).expect("bind fake bus");
    let (connected, bus_connection) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
            let _ = connected.send(());
        }
    });
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", socket.display()),
        )
        .env("PROVIDER_SIDECAR_DISABLE_MODELS_FETCH", "1")
        .env("ANTHROPIC_API_KEY", ENV_KEY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut exchange = |request: Value| -> (Value, Duration) {
        let started = Instant::now();
        writeln!(stdin, "{request}").expect("write");
        stdin.flush().expect("flush");
        let mut line = String::new();
        stdout.read_line(&mut line).expect("read");
        (
            serde_json::from_str(&line).expect("a JSON line"),
            started.elapsed(),
        )
    };
    // The store opens at start: once the sidecar is connected to the silent bus, the keyring is
    // hanging, and `initialize` must not wait for it.
    bus_connection
        .recv_timeout(Duration::from_secs(10))
        .expect("the sidecar connects to the session bus at start");
    let (init, took) =
        exchange(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}));
    assert!(init.get("result").is_some(), "{init}");
    assert!(
        took < Duration::from_millis(500),
        "initialize waited for the keyring: {took:?}"
    );
    let (status, _) = exchange(json!({"jsonrpc": "2.0", "id": 2, "method": "auth/status"}));
    assert_eq!(status["result"]["store"], "file", "{status}");
    assert!(
        status["result"]["storeFallbackReason"].is_string(),
        "{status}"
    );
    let anthropic = &status["result"]["auth"]["anthropic"];
    assert_eq!(anthropic["status"], "connected", "{status}");
    assert_eq!(anthropic["source"], "env");
    assert_eq!(anthropic["envVar"], "ANTHROPIC_API_KEY");
    assert!(!status.to_string().contains(ENV_KEY));
    let _ = child.kill();
    let _ = child.wait();
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

// ---- OpenCode import, config-only providers, key validation, concurrent and killed writers ----

const IMPORTED_KEY: &str = "sk-ant-imported-it-33c1";
const IMPORTED_REFRESH: &str = "rt-imported-it-8d02";
const CONFIG_KEY: &str = "sk-config-it-6b14";

/// An OpenCode `auth.json` with an API key, an OAuth record, a broken entry and one for a
/// provider that will already have a key.
fn opencode_auth_json() -> String {
    json!({
        "anthropic": {"type": "api", "key": IMPORTED_KEY},
        "openai": {"type": "oauth", "refresh": IMPORTED_REFRESH, "access": "at-imported",
                   "expires": 4_102_444_800_000u64, "accountId": "acct-1"},
        "broken": {"type": "api"},
        "groq": {"type": "api", "key": "gsk-imported-it-0c0c"}
    })
    .to_string()
}

/// Writes the file with an mtime in the past, so that any write would show.
fn write_source(path: &Path, text: &str) -> std::time::SystemTime {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("source dir");
    std::fs::write(path, text).expect("write source");
    let past = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open source")
        .set_modified(past)
        .expect("set mtime");
    std::fs::metadata(path)
        .expect("meta")
        .modified()
        .expect("mtime")
}

fn assert_untouched(path: &Path, text: &str, mtime: std::time::SystemTime) {
    assert_eq!(std::fs::read_to_string(path).expect("source"), text);
    let now = std::fs::metadata(path)
        .expect("meta")
        .modified()
        .expect("mtime");
    assert_eq!(now, mtime, "the source's mtime changed");
}

fn skipped_reason<'a>(report: &'a Value, provider: &str) -> &'a str {
    report["skipped"]
        .as_array()
        .and_then(|list| list.iter().find(|s| s["providerId"] == provider))
        .and_then(|s| s["reason"].as_str())
        .unwrap_or("")
}

#[test]
fn import_of_opencode_auth_json_over_rpc_is_read_only_and_reports_no_secret() {
    let dir = tempfile::tempdir().expect("dir");
    let source = dir.path().join("opencode").join("auth.json");
    let text = opencode_auth_json();
    let mtime = write_source(&source, &text);
    let data = dir.path().join("data");
    let mut sidecar = AuthSidecar::start(&data, file_store());
    // Nothing is imported by itself.
    let status = sidecar.call("auth/status", json!({}));
    assert_eq!(status["auth"]["anthropic"]["status"], "disconnected");
    sidecar.call(
        "auth/set",
        json!({"providerId": "groq", "token": "gsk-already-there-it"}),
    );

    let report = sidecar.call("auth/import", json!({"path": source}));
    let mut imported: Vec<&str> = report["imported"]
        .as_array()
        .expect("imported")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    imported.sort_unstable();
    assert_eq!(imported, ["anthropic", "openai"], "{report}");
    assert_eq!(
        skipped_reason(&report, "groq"),
        "already_stored",
        "{report}"
    );
    assert_eq!(
        skipped_reason(&report, "broken"),
        "invalid_entry",
        "{report}"
    );
    assert_eq!(report["store"], "file");
    assert_eq!(report["path"], source.display().to_string());
    assert_untouched(&source, &text, mtime);

    let status = sidecar.call("auth/status", json!({}));
    assert_eq!(status["auth"]["anthropic"]["status"], "connected");
    assert_eq!(status["auth"]["anthropic"]["source"], "file");
    assert_eq!(status["auth"]["openai"]["method"], "oauth");

    let again = sidecar.call(
        "auth/import",
        json!({"source": "opencode", "path": source, "overwrite": true}),
    );
    assert!(
        again["imported"]
            .as_array()
            .is_some_and(|l| l.contains(&json!("groq"))),
        "{again}"
    );
    assert_untouched(&source, &text, mtime);

    let err = sidecar.call_err("auth/import", json!({"path": "relative/auth.json"}));
    assert_eq!(error_kind(&err), "invalid_params", "{err}");
    assert_eq!(err["data"]["field"], "path");
    let err = sidecar.call_err(
        "auth/import",
        json!({"path": dir.path().join("missing.json")}),
    );
    assert_eq!(err["data"]["authKind"], "auth_import", "{err}");
    let err = sidecar.call_err("auth/import", json!({"source": "vscode"}));
    assert_eq!(error_kind(&err), "invalid_params", "{err}");

    let (stderr, messages) = sidecar.finish();
    for secret in [IMPORTED_KEY, IMPORTED_REFRESH, "gsk-imported-it-0c0c"] {
        assert!(!stderr.contains(secret), "secret in stderr");
        for message in &messages {
            assert!(!message.to_string().contains(secret), "{message}");
        }
    }
}

#[test]
fn cli_import_reads_opencode_under_the_xdg_data_home_by_default() {
    let dir = tempfile::tempdir().expect("dir");
    let xdg = dir.path().join("xdg");
    let source = xdg.join("opencode").join("auth.json");
    let text = opencode_auth_json();
    let mtime = write_source(&source, &text);
    let config = json!({"auth": file_store()});
    let envs = [("XDG_DATA_HOME", xdg.as_path())];
    let (code, out, err) = cli_full(dir.path(), config.clone(), &["auth", "import"], "", &envs);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Imported: anthropic, openai"), "{out}");
    assert!(out.contains("Skipped broken"), "{out}");
    assert_untouched(&source, &text, mtime);
    let (code, out2, err2) = cli_full(dir.path(), config.clone(), &["auth", "import"], "", &envs);
    assert_eq!(code, 0, "{err2}");
    assert!(out2.contains("Skipped anthropic: already stored"), "{out2}");
    let (_, list, _) = cli_full(dir.path(), config, &["auth", "list"], "", &envs);
    assert!(
        list.contains("anthropic") && list.contains("openai"),
        "{list}"
    );
    for text in [&out, &err, &out2, &err2, &list] {
        assert!(
            !text.contains(IMPORTED_KEY) && !text.contains(IMPORTED_REFRESH),
            "{text}"
        );
    }
}

/// A models-endpoint mock: `/v1/models` takes `API_KEY` as a bearer or `x-api-key`,
/// `/flaky/models` answers 500, `/hang/models` never answers.
struct ModelsMock {
    base: String,
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

impl ModelsMock {
    fn start() -> ModelsMock {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind mock");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                thread::spawn(move || answer_models(stream, &log));
            }
        });
        ModelsMock { base, seen }
    }

    fn requests(&self) -> Vec<(String, String)> {
        self.seen.lock().expect("lock").clone()
    }
}

fn answer_models(mut stream: TcpStream, log: &Mutex<Vec<(String, String)>>) {
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
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        headers.push_str(&line.to_ascii_lowercase());
    }
    log.lock()
        .expect("lock")
        .push((path.clone(), headers.clone()));
    let key = API_KEY.to_ascii_lowercase();
    let good = headers.contains(&format!("authorization: bearer {key}"))
        || headers.contains(&format!("x-api-key: {key}"));
    let status = match path.as_str() {
        "/hang/models" => {
            thread::sleep(Duration::from_secs(5));
            return;
        }
        "/flaky/models" => 500,
        "/v1/models" if good => 200,
        "/v1/models" => 401,
        _ => 404,
    };
    let body = r#"{"data":[]}"#;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// A config-only OpenAI-compatible provider at `base_url`.
fn custom_provider(base_url: &str) -> Value {
    json!({"npm": "@ai-sdk/openai-compatible", "name": "Custom",
           "options": {"baseURL": base_url}, "models": {"m1": {"name": "M1"}}})
}

fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}/v1")
}

#[test]
fn config_only_providers_appear_in_auth_status_with_their_source() {
    let dir = tempfile::tempdir().expect("dir");
    let mut keyed = custom_provider("http://127.0.0.1:9/v1");
    keyed["options"]["apiKey"] = json!(CONFIG_KEY);
    // The harness sets PROVIDER_SIDECAR_LOG for every sidecar: a variable known to be set.
    let mut from_env = custom_provider("http://127.0.0.1:9/v1");
    from_env["env"] = json!(["PROVIDER_SIDECAR_LOG"]);
    let config = json!({
        "auth": file_store(),
        "provider": {
            "my-local": custom_provider("http://127.0.0.1:9/v1"),
            "my-keyed": keyed,
            "my-env": from_env,
            "my-stored": custom_provider("http://127.0.0.1:9/v1"),
            "groq": {"options": {"apiKey": CONFIG_KEY}}
        }
    });
    let mut sidecar = AuthSidecar::start_config(dir.path(), config);
    sidecar.call(
        "auth/set",
        json!({"providerId": "my-stored", "token": API_KEY}),
    );
    let status = sidecar.call("auth/status", json!({}));
    let auth = &status["auth"];
    assert_eq!(auth["my-keyed"]["status"], "connected", "{status}");
    assert_eq!(auth["my-keyed"]["source"], "config");
    assert_eq!(auth["my-keyed"]["method"], "api");
    assert_eq!(auth["my-local"]["source"], "config");
    assert_eq!(auth["my-local"]["method"], "none");
    assert_eq!(auth["my-env"]["source"], "env");
    assert_eq!(auth["my-env"]["envVar"], "PROVIDER_SIDECAR_LOG");
    assert_eq!(auth["my-stored"]["source"], "file");
    assert_eq!(auth["groq"]["source"], "config");
    assert_eq!(auth["anthropic"]["status"], "disconnected");
    let methods = sidecar.call("auth/methods", json!({}));
    assert!(methods["methods"]["my-keyed"].is_array(), "{methods}");
    let (stderr, messages) = sidecar.finish();
    assert!(!stderr.contains(CONFIG_KEY) && !stderr.contains(API_KEY));
    for message in &messages {
        let text = message.to_string();
        assert!(
            !text.contains(CONFIG_KEY) && !text.contains(API_KEY),
            "{text}"
        );
    }
}

#[test]
fn auth_set_validates_keys_against_the_provider_models_endpoint() {
    let mock = ModelsMock::start();
    let dir = tempfile::tempdir().expect("dir");
    let config = json!({
        "auth": {"store": "file", "validationTimeoutMs": 300},
        "provider": {
            "anthropic": {"options": {"baseURL": format!("{}/v1", mock.base)}},
            "gateway": custom_provider(&format!("{}/v1", mock.base)),
            "down": custom_provider(&closed_port_url()),
            "slow": custom_provider(&format!("{}/hang", mock.base)),
            "flaky": custom_provider(&format!("{}/flaky", mock.base))
        }
    });
    let rejected = "sk-it-rejected-key-0042";
    let mut sidecar = AuthSidecar::start_config(dir.path(), config.clone());

    // OpenAI-compatible: GET {baseURL}/models with a bearer key.
    let err = sidecar.call_err(
        "auth/set",
        json!({"providerId": "gateway", "token": rejected, "validate": true}),
    );
    assert_eq!(error_kind(&err), "auth_failed", "{err}");
    assert_eq!(err["data"]["authKind"], "auth_invalid");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("not stored")),
        "{err}"
    );
    let ok = sidecar.call(
        "auth/set",
        json!({"providerId": "gateway", "token": API_KEY, "validate": true}),
    );
    assert_eq!(ok["ok"], true);
    assert_eq!(ok["validation"]["outcome"], "valid", "{ok}");
    assert!(ok.get("warning").is_none(), "{ok}");

    // Anthropic: GET {baseURL}/models with x-api-key and anthropic-version.
    let err = sidecar.call_err(
        "auth/set",
        json!({"providerId": "anthropic", "token": rejected, "validate": true}),
    );
    assert_eq!(err["data"]["authKind"], "auth_invalid", "{err}");
    let status = sidecar.call("auth/status", json!({}));
    assert_eq!(
        status["auth"]["anthropic"]["status"], "disconnected",
        "a rejected key is not stored"
    );
    let ok = sidecar.call(
        "auth/set",
        json!({"providerId": "anthropic", "token": API_KEY, "validate": true}),
    );
    assert_eq!(ok["validation"]["outcome"], "valid", "{ok}");
    let anthropic_calls: Vec<String> = mock
        .requests()
        .into_iter()
        .filter(|(_, headers)| headers.contains("x-api-key:"))
        .map(|(path, headers)| {
            assert!(
                headers.contains("anthropic-version: 2023-06-01"),
                "{headers}"
            );
            assert!(!headers.contains("authorization:"), "{headers}");
            path
        })
        .collect();
    assert_eq!(anthropic_calls, ["/v1/models", "/v1/models"]);

    // Unreachable, timed out, or an unexpected status: stored, with a warning.
    let started = Instant::now();
    for (provider, outcome) in [
        ("down", "unreachable"),
        ("slow", "unreachable"),
        ("flaky", "unexpected_status"),
    ] {
        let result = sidecar.call(
            "auth/set",
            json!({"providerId": provider, "token": API_KEY, "validate": true}),
        );
        assert_eq!(result["ok"], true);
        assert_eq!(result["validation"]["outcome"], outcome, "{result}");
        assert!(result["warning"].is_string(), "{result}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the validation timeout was not applied: {:?}",
        started.elapsed()
    );
    // No known models endpoint: not guessed at.
    let result = sidecar.call(
        "auth/set",
        json!({"providerId": "mistral", "token": API_KEY, "validate": true}),
    );
    assert_eq!(result["validation"]["outcome"], "not_supported", "{result}");
    assert!(result["warning"].is_string(), "{result}");
    let status = sidecar.call("auth/status", json!({}));
    for provider in ["gateway", "anthropic", "down", "slow", "flaky", "mistral"] {
        assert_eq!(
            status["auth"][provider]["status"], "connected",
            "{provider}"
        );
    }
    let (stderr, messages) = sidecar.finish();
    for secret in [API_KEY, rejected] {
        assert!(!stderr.contains(secret), "secret in stderr");
        for message in &messages {
            assert!(!message.to_string().contains(secret), "{message}");
        }
    }

    // The CLI checks the same way.
    let cli_dir = tempfile::tempdir().expect("dir");
    let (code, out, err) = cli_full(
        cli_dir.path(),
        config.clone(),
        &["auth", "login", "gateway", "--key-stdin", "--validate"],
        &format!("{rejected}\n"),
        &[],
    );
    assert_ne!(code, 0, "{out}");
    assert!(err.contains("rejected"), "{err}");
    let (code, out, err) = cli_full(
        cli_dir.path(),
        config,
        &["auth", "login", "gateway", "--key-stdin", "--validate"],
        &format!("{API_KEY}\n"),
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("valid"), "{out}");
    assert!(!out.contains(API_KEY) && !err.contains(API_KEY));
}

/// Pipelines `count` `auth/set` requests (each a locked file write), then waits for them all.
fn write_many(sidecar: &mut AuthSidecar, prefix: &str, count: usize) -> Vec<i64> {
    (0..count)
        .map(|i| {
            sidecar.sidecar.start(
                crate::support::Framing::Lsp,
                "auth/set",
                json!({"providerId": format!("{prefix}-{i}"), "token": format!("key-{prefix}-{i}")}),
            )
        })
        .collect()
}

#[test]
fn two_sidecars_writing_200_keys_each_at_once_lose_none() {
    let dir = tempfile::tempdir().expect("dir");
    let mut first = AuthSidecar::start(dir.path(), file_store());
    let mut second = AuthSidecar::start(dir.path(), file_store());
    let first_ids = write_many(&mut first, "one", 200);
    let second_ids = write_many(&mut second, "two", 200);
    for (sidecar, ids) in [(&mut first, first_ids), (&mut second, second_ids)] {
        for id in ids {
            let response = sidecar.sidecar.response_to(&json!(id)).value;
            assert_eq!(response["result"]["ok"], true, "{response}");
        }
    }
    let mut reader = AuthSidecar::start(dir.path(), file_store());
    let status = reader.call("auth/status", json!({}));
    for prefix in ["one", "two"] {
        for i in 0..200 {
            let id = format!("{prefix}-{i}");
            assert_eq!(status["auth"][&id]["source"], "file", "{id} lost");
        }
    }
    let text = std::fs::read_to_string(dir.path().join("auth.json")).expect("auth.json");
    assert!(text.contains("key-one-199") && text.contains("key-two-0"));
}

/// A sidecar killed with SIGKILL in the middle of a stream of writes leaves a valid
/// `auth.json` that the next sidecar reads and writes.
#[cfg(unix)]
#[test]
fn a_sidecar_killed_during_writes_leaves_a_valid_file() {
    let dir = tempfile::tempdir().expect("dir");
    let auth_file = dir.path().join("auth.json");
    let mut writer = AuthSidecar::start(dir.path(), file_store());
    writer.call("auth/set", json!({"providerId": "before", "token": "k0"}));
    let ids = write_many(&mut writer, "burst", 300);
    // Let some of the burst land, then kill mid-stream.
    let first = writer.sidecar.response_to(&json!(ids[20])).value;
    assert_eq!(first["result"]["ok"], true, "{first}");
    let killed = Command::new("kill")
        .args(["-9", &writer.sidecar.pid().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    drop(writer);

    let text = std::fs::read_to_string(&auth_file).expect("auth.json");
    let doc: Value = serde_json::from_str(&text).expect("valid JSON after kill -9");
    assert!(doc["providers"]["before"].is_object(), "{text}");
    let mut next = AuthSidecar::start(dir.path(), file_store());
    next.call("auth/set", json!({"providerId": "after", "token": "k1"}));
    let status = next.call("auth/status", json!({}));
    assert_eq!(status["auth"]["before"]["status"], "connected");
    assert_eq!(status["auth"]["after"]["status"], "connected");
    assert_eq!(status["auth"]["burst-0"]["status"], "connected");
}
