//! `provider-sidecar doctor` and `doctor/report` over the real binary, in a clean environment
//! (nothing of the test runner's own keys or proxies): a healthy setup exits 0, each kind of
//! problem exits 1 with a sentence naming what to fix, the RPC method answers the same report as
//! data, and no secret shows in either.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use provider_sidecar::protocol::testing::MockServer;
use serde_json::{Value, json};

use crate::chat::{openai_chat_stream, runtime};
use crate::support::BIN;

const SECRET_KEY: &str = "sk-doctor-secret-4c1d";
const PROXY_PASSWORD: &str = "doctor-proxy-pw-77";

/// The binary with only the variables given (and PATH).
fn command(env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PROVIDER_SIDECAR_DISABLE_MODELS_FETCH", "1");
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

fn doctor(dir: &Path, config: &Value, env: &[(&str, &str)], extra: &[&str]) -> Output {
    let config_path = dir.join("config.json");
    std::fs::write(&config_path, config.to_string()).expect("write config");
    command(env)
        .arg("doctor")
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config")
        .arg(&config_path)
        .args(extra)
        .output()
        .expect("run doctor")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A config whose one provider (`corp`) is served by `base`.
fn config_with(base: &str) -> Value {
    json!({"auth": {"store": "file"},
           "provider": {"corp": {"options": {"baseURL": base}, "models": {"m": {}}}}})
}

#[test]
fn a_healthy_setup_reports_every_section_in_plain_words_and_exits_zero() {
    let rt = runtime();
    let provider = rt
        .block_on(MockServer::start(vec![openai_chat_stream("hi")]))
        .expect("mock provider");
    let dir = tempfile::tempdir().expect("temp dir");
    let output = doctor(
        dir.path(),
        &config_with(&format!("{}/v1", provider.base_url)),
        &[],
        &["--reachability", "--timeout-ms", "3000"],
    );
    let said = text(&output);
    assert_eq!(output.status.code(), Some(0), "{said}");
    for expected in [
        "data dir",
        "credential store",
        "the config asks for the file",
        "auth.json",
        "the snapshot built into this binary",
        "refresh is off",
        "no proxy: requests go direct",
        "1 connected: corp (config)",
        "/v1/models answered HTTP 404",
        "(no credential was sent)",
        "healthy",
    ] {
        assert!(said.contains(expected), "missing {expected:?} in:\n{said}");
    }
    // The reachability GET carried no credential.
    let requests = provider.requests();
    let get = requests
        .iter()
        .find(|r| r.method == "GET" && r.path == "/v1/models")
        .expect("the doctor tried the models endpoint");
    assert!(
        !get.headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("authorization")),
        "{:?}",
        get.headers
    );
}

#[test]
fn each_problem_exits_one_with_what_to_fix() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A provider nobody listens for, a CA file that is missing, a proxy with a password.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed_base = format!("http://{}/v1", closed.local_addr().expect("addr"));
    drop(closed);
    let mut config = config_with(&closed_base);
    let output = doctor(dir.path(), &config, &[], &["--reachability"]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains("FAILED") && said.contains("cannot be reached") && said.contains("baseURL"),
        "{said}"
    );
    assert!(said.contains("1 problem found"), "{said}");

    config["network"] = json!({
        "proxy": format!("http://alice:{PROXY_PASSWORD}@127.0.0.1:9"),
        "caCertificates": [dir.path().join("missing-root.pem")]
    });
    let output = doctor(dir.path(), &config, &[], &[]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains("network.caCertificates")
            && said.contains("missing-root.pem")
            && said.contains("fix the path"),
        "{said}"
    );
    assert!(!said.contains(PROXY_PASSWORD), "{said}");

    // A credential file others can read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).expect("data dir");
        let file = data.join("auth.json");
        std::fs::write(&file, "{}").expect("auth file");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let output = doctor(dir.path(), &config_with(&closed_base), &[], &[]);
        let said = text(&output);
        assert_eq!(output.status.code(), Some(1), "{said}");
        assert!(
            said.contains("other users can read it (mode 0644)") && said.contains("chmod 600"),
            "{said}"
        );
    }
}

/// `initialize` then `doctor/report` over stdio; returns the report.
fn report_over_rpc(data_dir: &Path, config: &Value, env: &[(&str, &str)], params: Value) -> Value {
    let mut child = command(env)
        .arg("--data-dir")
        .arg(data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"initializationOptions": {"config": config}}});
        let report =
            json!({"jsonrpc": "2.0", "id": 2, "method": "doctor/report", "params": params});
        writeln!(stdin, "{initialize}\n{report}").expect("write");
    }
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read");
    let _ = child.wait();
    let answer = out
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|m| m["id"] == 2)
        .unwrap_or_else(|| panic!("no answer to doctor/report in {out}"));
    answer["result"].clone()
}

/// The report without what differs between two runs (timings, ages).
fn comparable(mut report: Value) -> Value {
    for provider in report["providers"].as_array_mut().into_iter().flatten() {
        if let Some(reach) = provider.get_mut("reachability") {
            reach["elapsedMs"] = json!(0);
        }
    }
    for check in report["checks"].as_array_mut().into_iter().flatten() {
        if let Some(summary) = check["summary"].as_str()
            && summary.contains(" ms ")
        {
            check["summary"] = json!("(timed)");
        }
    }
    report
}

#[test]
fn doctor_report_answers_the_same_report_as_data() {
    let rt = runtime();
    let provider = rt
        .block_on(MockServer::start(vec![openai_chat_stream("hi")]))
        .expect("mock provider");
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("data");
    std::fs::create_dir_all(&data_dir).expect("data dir");
    // Private, as the credential store leaves it once opened (so both runs see the same mode).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    }
    let mut config = config_with(&format!("{}/v1", provider.base_url));
    config["network"] = json!({"noProxy": "localhost,127.0.0.1"});
    let env = [
        ("OPENAI_API_KEY", SECRET_KEY),
        (
            "HTTPS_PROXY",
            "http://alice:doctor-proxy-pw-77@proxy.invalid:3128",
        ),
    ];

    let report = report_over_rpc(&data_dir, &config, &env, json!({}));
    assert_eq!(report["healthy"], true, "{report}");
    assert_eq!(report["dataDir"]["exists"], true);
    assert_eq!(report["dataDir"]["writable"], true);
    assert_eq!(report["credentialStore"]["kind"], "file");
    assert_eq!(report["credentialStore"]["configured"], "file");
    assert_eq!(report["catalog"]["source"], "embedded");
    assert_eq!(report["catalog"]["fetchEnabled"], false);
    assert_eq!(report["network"]["proxy"], "http://***@proxy.invalid:3128");
    assert_eq!(report["network"]["proxyFrom"], "HTTPS_PROXY");
    assert_eq!(report["network"]["noProxy"], "localhost,127.0.0.1");
    let providers: Vec<&str> = report["providers"]
        .as_array()
        .expect("providers")
        .iter()
        .filter_map(|p| p["providerId"].as_str())
        .collect();
    assert_eq!(providers, ["corp", "openai"], "{report}");
    assert!(
        report["providers"][0].get("reachability").is_none(),
        "not asked for"
    );
    let names: Vec<&str> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "dataDir",
            "credentialStore",
            "catalog",
            "network",
            "providers"
        ]
    );
    assert_eq!(
        report["checks"][4]["summary"],
        "2 connected: corp (config), openai (env OPENAI_API_KEY)"
    );
    let text = report.to_string();
    assert!(
        !text.contains(SECRET_KEY) && !text.contains(PROXY_PASSWORD),
        "{text}"
    );

    // The command line's --json is the same report.
    let config_path = dir.path().join("config.json");
    std::fs::write(&config_path, config.to_string()).expect("write config");
    let output = command(&env)
        .args(["doctor", "--json", "--data-dir"])
        .arg(&data_dir)
        .arg("--config")
        .arg(&config_path)
        .output()
        .expect("doctor --json");
    let from_cli: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    assert_eq!(comparable(from_cli), comparable(report));

    // Reachability through the proxy from the environment is bypassed for 127.0.0.1 by
    // noProxy, and the provider answers.
    let report = report_over_rpc(
        &data_dir,
        &config,
        &env,
        json!({"checkReachability": true, "timeoutMs": 3000}),
    );
    let corp = &report["providers"][0];
    assert_eq!(corp["reachability"]["reachable"], true, "{report}");
    assert_eq!(corp["reachability"]["status"], 404, "{report}");
    let bad = report_over_rpc(&data_dir, &config, &env, json!({"timeoutMs": "soon"}));
    assert!(bad.is_null(), "invalid params give an error, not a report");
}
