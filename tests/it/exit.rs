//! Exit is part of the protocol: every answer produced before stdin closed is written whole while
//! the host keeps reading, however slowly.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::support::BIN;

/// Pipes one `model/list` request and closes stdin at once, then starts reading only after a pause
/// and slowly: the whole multi-megabyte answer must arrive, then the process exits 0.
fn one_request_with_a_slow_reader(framed: Vec<u8>) -> Vec<u8> {
    let data_dir = tempfile::tempdir().expect("temp data dir");
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir.path())
        .env("PROVIDER_SIDECAR_DISABLE_MODELS_FETCH", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the sidecar binary");
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(&framed).expect("write the request");
    drop(stdin);
    let mut stdout = child.stdout.take().expect("piped stdout");
    // Longer than the sidecar's grace for in-flight requests after EOF.
    std::thread::sleep(Duration::from_millis(1200));
    let mut output = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let n = stdout.read(&mut chunk).expect("read stdout");
        if n == 0 {
            break;
        }
        output.extend_from_slice(&chunk[..n]);
        std::thread::sleep(Duration::from_millis(1));
    }
    let status = child.wait().expect("the sidecar exits");
    assert!(status.success(), "{status}");
    output
}

fn model_list_answer(body: &[u8]) -> Value {
    let answer: Value = serde_json::from_slice(body).expect("one whole JSON answer");
    assert_eq!(answer["id"], 1);
    let models = answer["result"]["models"].as_array().expect("models");
    assert!(models.len() > 1000, "{} models", models.len());
    answer
}

const REQUEST: &str = r#"{"jsonrpc":"2.0","id":1,"method":"model/list"}"#;

#[test]
fn a_slow_reader_gets_the_whole_answer_after_eof_in_lines() {
    let output = one_request_with_a_slow_reader(format!("{REQUEST}\n").into_bytes());
    assert!(output.len() > 1_000_000, "{} bytes", output.len());
    assert_eq!(output.last(), Some(&b'\n'));
    model_list_answer(&output[..output.len() - 1]);
}

#[test]
fn a_slow_reader_gets_the_whole_answer_after_eof_in_lsp_framing() {
    let output = one_request_with_a_slow_reader(
        format!("Content-Length: {}\r\n\r\n{REQUEST}", REQUEST.len()).into_bytes(),
    );
    let text = String::from_utf8(output).expect("utf8");
    let (header, body) = text.split_once("\r\n\r\n").expect("a header block");
    let length: usize = header
        .strip_prefix("Content-Length: ")
        .and_then(|n| n.parse().ok())
        .expect("a Content-Length header");
    assert_eq!(body.len(), length, "the body is whole");
    model_list_answer(body.as_bytes());
}
