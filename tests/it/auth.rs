//! `auth/*` over the real binary for stored keys: set, status, accounts and remove with the file
//! store across a restart, the methods list, a bad config, the real Secret Service (when
//! available), a hanging keyring, the `auth` CLI with keys, and concurrent and killed writers.

use serde_json::json;

use crate::auth_support::{API_KEY, AuthSidecar, cli, file_store};
use crate::support::error_kind;

// Only the Unix tests (a hanging keyring, a killed writer) spawn the binary by hand.
#[cfg(unix)]
use std::io::{BufRead, BufReader, Write};
#[cfg(unix)]
use std::process::{Command, Stdio};
#[cfg(unix)]
use std::thread;
#[cfg(unix)]
use std::time::{Duration, Instant};

#[cfg(unix)]
use serde_json::Value;

#[cfg(unix)]
use crate::support::BIN;

#[cfg(unix)]
const ENV_KEY: &str = "sk-env-leakcheck-55aa";

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
