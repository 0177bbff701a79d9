//! Property tests: any byte sequence on stdin, and any params to any method, get JSON-RPC
//! answers or errors, never a panic or a stuck reader. The fuzz targets under `fuzz/` run the
//! same checks for millions of inputs; these run a few hundred in the normal suite.

use std::sync::OnceLock;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::in_process::{InProcessServer, parse_output};
use crate::rpc::lifecycle::StopReason;

/// A stuck reader shows as a run that does not end; a healthy one ends within the dispatcher's
/// EOF grace (under a second) even when a request still works at EOF.
const RUN_LIMIT: Duration = Duration::from_secs(20);

/// One runtime and one server for every case: building the catalog per case would dominate.
struct Harness {
    runtime: tokio::runtime::Runtime,
    server: InProcessServer,
    methods: Vec<&'static str>,
    vocabulary: Vec<String>,
    _data_dir: tempfile::TempDir,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let data_dir = tempfile::tempdir().expect("temp data dir");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let server = runtime.block_on(async { InProcessServer::offline(data_dir.path()) });
        let methods = server.method_names();
        let vocabulary = server.vocabulary();
        Harness {
            runtime,
            server,
            methods,
            vocabulary,
            _data_dir: data_dir,
        }
    })
}

fn serve(input: &[u8]) -> (StopReason, Vec<Value>) {
    let harness = harness();
    let served = harness
        .runtime
        .block_on(async { tokio::time::timeout(RUN_LIMIT, harness.server.serve(input)).await })
        .unwrap_or_else(|_| {
            panic!(
                "the server was still reading after {RUN_LIMIT:?}: {:?}",
                String::from_utf8_lossy(input)
            )
        });
    let messages = parse_output(&served.output).unwrap_or_else(|why| {
        panic!(
            "bad output for input {:?}: {why}",
            String::from_utf8_lossy(input)
        )
    });
    (served.reason, messages)
}

/// Pieces a byte stream is made of: noise, framing fragments and whole messages.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    let harness = harness();
    let methods = harness.methods.clone();
    let fragments = [
        "Content-Length: ",
        "content-length:",
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n",
        "\r\n",
        "\r\n\r\n",
        "\n",
        "{",
        "}",
        "[",
        "]",
        "\"jsonrpc\":\"2.0\"",
        ",\"id\":1",
        "\"method\":\"exit\"",
        "18446744073709551616",
        "4097",
        "\u{feff}",
        "\"\\ud800\"",
    ];
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..48),
        proptest::sample::select(fragments.to_vec()).prop_map(|f| f.as_bytes().to_vec()),
        (0u64..5000).prop_map(|n| format!("Content-Length: {n}\r\n\r\n").into_bytes()),
        (
            proptest::sample::select(methods),
            json_value(),
            any::<bool>(),
            any::<i32>()
        )
            .prop_map(|(method, params, lsp, id)| {
                let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
                    .to_string();
                if lsp {
                    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
                } else {
                    format!("{body}\n").into_bytes()
                }
            }),
    ]
}

/// JSON values whose object keys are the contract's own property names (or noise), so that
/// params get past "missing field" into the handlers.
fn json_value() -> impl Strategy<Value = Value> {
    let vocabulary = harness().vocabulary.clone();
    let words = [
        "openai",
        "anthropic",
        "github-copilot",
        "gpt-5",
        "claude-sonnet-4-5",
        "s1",
        "",
        "default",
        "../../etc/passwd",
        "\u{0}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-3i64..5).prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::from)),
        proptest::sample::select(words.to_vec()).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    let keys = prop_oneof![
        4 => proptest::sample::select(vocabulary),
        1 => "[a-zA-Z]{0,8}",
    ];
    leaf.prop_recursive(3, 24, 5, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(keys.clone(), inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        // `PROPTEST_CASES=100000` for a longer run by hand.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(192),
        // Failures are reported with their input; nothing is written into the source tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_byte_stream_gets_answers_or_errors_and_the_reader_reaches_its_end(
        pieces in proptest::collection::vec(piece(), 0..12)
    ) {
        let input: Vec<u8> = pieces.concat();
        let (reason, _messages) = serve(&input);
        prop_assert!(
            matches!(reason, StopReason::Eof | StopReason::Exit { .. }),
            "stopped for {reason:?}"
        );
    }

    #[test]
    fn any_params_to_any_method_get_exactly_one_answer_or_error(
        method in proptest::sample::select(harness().methods.clone()),
        params in json_value(),
    ) {
        let request = json!({"jsonrpc": "2.0", "id": "p", "method": method, "params": params});
        let (_, messages) = serve(format!("{request}\n").as_bytes());
        let answers: Vec<&Value> = messages
            .iter()
            .filter(|m| m.get("id") == Some(&json!("p")))
            .collect();
        prop_assert_eq!(answers.len(), 1, "{} answered {:?}", method, messages);
    }
}

#[test]
fn the_checks_catch_what_they_are_for() {
    // A well-formed exchange passes.
    let (reason, messages) =
        serve(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"catalog/status\"}\nContent-Length: 3\r\n\r\n{x}");
    assert_eq!(reason, StopReason::Eof);
    assert_eq!(messages.len(), 2, "{messages:?}");
    // Answers go out as they are ready, in any order.
    assert!(
        messages
            .iter()
            .any(|m| m["id"] == 1 && m["result"].is_object()),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m["error"]["code"] == -32700),
        "{messages:?}"
    );
    // A large result is checked as JSON without being built.
    let big = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{}0]}}\n",
        "1,".repeat(40_000)
    );
    let parsed = parse_output(big.as_bytes()).expect("valid");
    assert_eq!(parsed[0]["result"], "<80003 bytes of JSON>");
    assert!(parse_output(big.replace(",0]", ",]").as_bytes()).is_err());
    // And what the properties reject is rejected.
    assert!(parse_output(b"{\"jsonrpc\":\"2.0\",\"id\":1}\n").is_err());
    assert!(parse_output(b"Content-Length: 10\r\n\r\n{}").is_err());
    assert!(
        parse_output(
            br#"{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"x","data":{"kind":"internal_panic"}}}
"#
        )
        .is_err()
    );
}
