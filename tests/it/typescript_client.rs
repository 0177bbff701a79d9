//! The TypeScript client in clients/typescript, run against the built binary: its generated
//! types are checked fresh against schema/, it compiles, and its node:test suite passes.
//! Needs Node 20+ and its dependencies installed (`npm ci` there; scripts/test does it).

use std::process::Command;

use crate::support::{client_test_binary, repo_path};

#[test]
fn typescript_client_tests_pass_against_the_binary() {
    let dir = repo_path("clients/typescript");
    assert!(
        dir.join("node_modules").is_dir(),
        "clients/typescript has no node_modules: run `npm ci` there (scripts/test does)"
    );
    let output = Command::new("npm")
        .args(["test", "--silent"])
        .current_dir(&dir)
        .env("PROVIDER_SIDECAR_BIN", client_test_binary())
        .output()
        .expect("npm (Node 20+) is needed for the TypeScript client tests");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "TypeScript client tests failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("# fail 0"), "{stdout}\n{stderr}");
    assert!(!stdout.contains("# pass 0\n"), "no test ran:\n{stdout}");
}
