//! Shared by the `auth*` test modules: a sidecar that keeps every response for the leak checks,
//! the file-store config, the `auth` CLI runner, and the API key the tests store.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{BIN, Sidecar};

pub const API_KEY: &str = "sk-it-leakcheck-7f3a9c1d";

/// A sidecar initialized with `data_dir` and an `auth` config; every response it gives is
/// kept so the leak check can scan them.
pub struct AuthSidecar {
    pub sidecar: Sidecar,
    responses: Vec<Value>,
}

impl AuthSidecar {
    pub fn start(data_dir: &Path, auth: Value) -> AuthSidecar {
        AuthSidecar::start_config(data_dir, json!({"auth": auth}))
    }

    /// A sidecar initialized with a whole config (`auth`, `provider`, ...).
    pub fn start_config(data_dir: &Path, config: Value) -> AuthSidecar {
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

    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        match response.get("result") {
            Some(result) => result.clone(),
            None => panic!(
                "{method} failed: {response}\nstderr:\n{}",
                self.sidecar.stderr()
            ),
        }
    }

    pub fn call_err(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        response
            .get("error")
            .cloned()
            .unwrap_or_else(|| panic!("{method} unexpectedly succeeded: {response}"))
    }

    /// Polls `auth/oauth/callback` as the desktop does until it is not `pending`.
    pub fn follow(&mut self, provider: &str, method: u64, authorization_id: &str) -> Value {
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
    pub fn finish(mut self) -> (String, Vec<Value>) {
        self.sidecar.close_stdin();
        let mut messages = self.responses;
        messages.extend(self.sidecar.drain().into_iter().map(|m| m.value));
        (self.sidecar.stderr(), messages)
    }
}

pub fn file_store() -> Value {
    json!({"store": "file"})
}

/// Runs the `auth` CLI with a data dir and a config file; returns (code, stdout, stderr).
pub fn cli(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    cli_with(dir, file_store(), args, stdin)
}

pub fn cli_with(dir: &Path, auth: Value, args: &[&str], stdin: &str) -> (i32, String, String) {
    cli_full(dir, json!({"auth": auth}), args, stdin, &[])
}

/// The CLI with a whole config file and extra environment variables.
pub fn cli_full(
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
