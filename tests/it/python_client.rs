//! The stdlib-only Python client in clients/python, run against the built binary.

use std::process::Command;

use crate::support::{BIN, repo_path};

#[test]
fn python_client_tests_pass_against_the_binary() {
    let output = Command::new("python3")
        .args(["-m", "unittest", "-v", "test_client"])
        .current_dir(repo_path("clients/python"))
        .env("PROVIDER_SIDECAR_BIN", BIN)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 is needed for the client tests");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "python client tests failed:\n{stderr}"
    );
    assert!(stderr.contains("OK"), "{stderr}");
}
