//! Replays every recorded provider stream through the mock server and the real HTTP path, and compares the
//! normalized parts and final result with the golden files under `fixtures/golden/` (regenerate with
//! `UPDATE_GOLDEN=1`).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::WireFormat;
use super::execute::{ExecuteOptions, PreparedRequest, build_client, execute_stream};
use super::testing::{
    MockResponse, MockServer, content_type_for, fixture_lines, fixtures_dir, split_responses,
    wire_chunks,
};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/golden")
}

/// One part per line, so a golden file reads (and diffs) event by event.
fn render(value: &Value) -> String {
    let mut out = String::from("{\n");
    let Some(object) = value.as_object() else {
        return value.to_string();
    };
    let last = object.len().saturating_sub(1);
    for (i, (key, entry)) in object.iter().enumerate() {
        out.push_str(&format!("  {}: ", Value::String(key.clone())));
        match entry {
            Value::Array(items) if key == "parts" => {
                out.push_str("[\n");
                for (j, item) in items.iter().enumerate() {
                    out.push_str("    ");
                    out.push_str(&item.to_string());
                    out.push_str(if j + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str("  ]");
            }
            Value::Array(items) if key == "responses" => {
                out.push_str("[\n");
                for (j, item) in items.iter().enumerate() {
                    let nested = render(item).replace('\n', "\n    ");
                    out.push_str("    ");
                    out.push_str(&nested);
                    out.push_str(if j + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str("  ]");
            }
            other => {
                let pretty = serde_json::to_string_pretty(other).expect("JSON values serialize");
                out.push_str(&pretty.replace('\n', "\n  "));
            }
        }
        out.push_str(if i < last { ",\n" } else { "\n" });
    }
    out.push('}');
    out
}

async fn run_one(format: WireFormat, response: MockResponse) -> Value {
    let server = MockServer::start(vec![response])
        .await
        .expect("mock server starts");
    let client = build_client(&Default::default()).expect("client builds");
    let request = PreparedRequest::post_json(
        format!("{}/stream", server.base_url),
        Default::default(),
        &json!({}),
    );
    let mut parts = Vec::new();
    let execution = execute_stream(
        &client,
        &request,
        format,
        &ExecuteOptions::default(),
        &CancellationToken::new(),
        &mut |part| parts.push(part),
    )
    .await;
    json!({
        "parts": parts,
        "result": execution.result,
        "error": execution.error.map(|e| json!({"kind": e.kind(), "message": e.to_string()})),
    })
}

fn check_golden(folder: &str, name: &str, actual: &Value) -> Result<(), String> {
    let path = golden_dir().join(folder).join(format!("{name}.json"));
    let text = render(actual) + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("golden files live in a folder"))
            .expect("create golden dir");
        std::fs::write(&path, text).expect("write golden");
        return Ok(());
    }
    let expected = std::fs::read_to_string(&path).map_err(|_| {
        format!(
            "{}: missing golden (run with UPDATE_GOLDEN=1)",
            path.display()
        )
    })?;
    let expected: Value =
        serde_json::from_str(&expected).map_err(|e| format!("{}: {e}", path.display()))?;
    if &expected != actual {
        let (want, got) = (render(&expected), render(actual));
        let first_diff = want
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .map(|line| {
                format!(
                    "line {}:\n  golden: {}\n  actual: {}",
                    line + 1,
                    want.lines().nth(line).unwrap_or_default(),
                    got.lines().nth(line).unwrap_or_default()
                )
            })
            .unwrap_or_else(|| "lengths differ".to_string());
        return Err(format!(
            "{}: differs from golden at {first_diff}",
            path.display()
        ));
    }
    Ok(())
}

async fn replay_folder(folder: &str, format: WireFormat) {
    let dir = fixtures_dir().join(folder);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixture folder exists")
        .filter_map(|entry| {
            entry
                .ok()
                .map(|e| e.file_name().to_string_lossy().into_owned())
        })
        .filter(|name| name.ends_with(".chunks.txt") || name.ends_with(".sse"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no fixtures in {folder}");
    let mut failures = Vec::new();
    for file in names {
        let text = std::fs::read_to_string(dir.join(&file)).expect("fixture readable");
        let name = file
            .trim_end_matches(".chunks.txt")
            .trim_end_matches(".sse")
            .to_string();
        let content_type = content_type_for(folder);
        let actual = if file.ends_with(".sse") {
            // Served as recorded, cut at odd places to exercise the decoder.
            let bytes = text.into_bytes();
            let chunks = bytes.chunks(37).map(<[u8]>::to_vec).collect();
            run_one(format, MockResponse::stream(content_type, chunks)).await
        } else {
            let lines = fixture_lines(&text);
            let groups = if folder == "openai-responses" {
                split_responses(&lines)
            } else {
                vec![lines]
            };
            let mut runs = Vec::new();
            for group in &groups {
                runs.push(
                    run_one(
                        format,
                        MockResponse::stream(content_type, wire_chunks(folder, group)),
                    )
                    .await,
                );
            }
            if runs.len() == 1 {
                runs.remove(0)
            } else {
                json!({ "responses": runs })
            }
        };
        if let Err(message) = check_golden(folder, &name, &actual) {
            failures.push(message);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn openai_chat_fixtures_match_goldens() {
    replay_folder("openai-chat", WireFormat::OpenaiChat).await;
}

#[tokio::test]
async fn anthropic_fixtures_match_goldens() {
    replay_folder("anthropic", WireFormat::Anthropic).await;
}

#[tokio::test]
async fn openai_responses_fixtures_match_goldens() {
    replay_folder("openai-responses", WireFormat::OpenaiResponses).await;
}

#[tokio::test]
async fn gemini_fixtures_match_goldens() {
    replay_folder("google", WireFormat::Gemini).await;
}

#[tokio::test]
async fn bedrock_fixtures_match_goldens() {
    replay_folder("bedrock", WireFormat::Bedrock).await;
}

#[tokio::test]
async fn cohere_fixtures_match_goldens() {
    replay_folder("cohere", WireFormat::Cohere).await;
}
