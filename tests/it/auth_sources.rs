//! Where keys come from and whether they hold: the read-only import of OpenCode's `auth.json`
//! (over RPC and the CLI), config-only providers in `auth/status`, and `auth/set` validating
//! keys against the provider's models endpoint.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::auth_support::{API_KEY, AuthSidecar, cli_full, file_store};
use crate::support::error_kind;

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
