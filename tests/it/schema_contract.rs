//! The published contract: `schema/` is what the code generates, and `rpc.discover` serves it.

use std::process::Command;

use serde_json::{Value, json};

use crate::support::{BIN, Sidecar, repo_path};

#[test]
fn committed_schema_matches_the_code() {
    let output = Command::new(BIN)
        .args(["schema", "--check", "--out"])
        .arg(repo_path("schema"))
        .output()
        .expect("run schema --check");
    assert!(
        output.status.success(),
        "schema/ is stale: run `cargo run -q -- schema --out schema`\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn rpc_discover_serves_the_committed_document() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let served = sidecar.call("rpc.discover", json!({}));
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_path("schema/openrpc.json")).expect("schema/openrpc.json"),
    )
    .expect("valid JSON");
    assert_eq!(served, committed);
}

#[test]
fn the_document_is_well_formed_openrpc() {
    let mut sidecar = Sidecar::spawn_with(&[]);
    let document = sidecar.call("rpc.discover", json!({}));
    assert!(
        document["openrpc"]
            .as_str()
            .expect("version")
            .starts_with("1.")
    );
    let methods = document["methods"].as_array().expect("methods");
    assert!(methods.len() >= 3);
    let mut names = std::collections::HashSet::new();
    for method in methods {
        let name = method["name"].as_str().expect("name");
        assert!(names.insert(name), "{name} listed twice");
        assert!(method["params"].is_array(), "{name} params");
        assert!(method["result"]["schema"].is_object(), "{name} result");
        assert!(!method["summary"].as_str().expect("summary").is_empty());
    }
    let errors = document["components"]["errors"]
        .as_object()
        .expect("errors");
    assert_eq!(errors["invalid_params"]["code"], -32602);
    assert_eq!(errors["request_cancelled"]["code"], -32800);
    // Every $ref resolves inside the document.
    let mut refs = Vec::new();
    collect_refs(&document, &mut refs);
    for reference in refs {
        let pointer = reference.strip_prefix('#').expect("local ref");
        assert!(document.pointer(pointer).is_some(), "dangling {reference}");
    }
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    if let Some(r) = child.as_str() {
                        out.push(r.to_string());
                    }
                } else {
                    collect_refs(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, out)),
        _ => {}
    }
}
