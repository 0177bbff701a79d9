//! The Python client in clients/python, run against the built binary: its generated types and
//! methods are checked fresh against schema/ (with the pinned generator in clients/python/.venv-dev,
//! which scripts/test installs), then its unittest suite runs on the stdlib alone.

use std::process::Command;

use crate::support::{client_test_binary, repo_path};

#[test]
fn python_client_generated_code_is_fresh() {
    let dir = repo_path("clients/python");
    let python = dir.join(".venv-dev/bin/python");
    assert!(
        python.exists(),
        "clients/python/.venv-dev is missing: scripts/test installs requirements-dev.txt there"
    );
    let output = Command::new(python)
        .args(["scripts/generate.py", "--check"])
        .current_dir(&dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("the dev environment's python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn python_client_tests_pass_against_the_binary() {
    let output = Command::new("python3")
        .args([
            "-W",
            "ignore::ResourceWarning",
            "-m",
            "unittest",
            "discover",
            "-v",
        ])
        .args(["-s", "tests", "-t", "."])
        .current_dir(repo_path("clients/python"))
        .env("PROVIDER_SIDECAR_BIN", client_test_binary())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 is needed for the client tests");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "python client tests failed:\n{stderr}"
    );
    assert!(stderr.contains("\nOK"), "{stderr}");
    assert!(!stderr.contains("Ran 0 tests"), "{stderr}");
}
