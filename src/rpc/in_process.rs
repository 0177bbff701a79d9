//! A dispatcher over byte buffers, in process: bytes in as if on stdin, every byte it wrote back
//! out, checked to be well-framed JSON-RPC. The transport's own tests and the application's
//! in-process server (fuzz targets, property tests) run on it.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::mpsc;

use super::dispatch::Dispatcher;
use super::lifecycle::StopReason;
use super::outbound::Queued;

/// What one run produced.
#[derive(Debug)]
pub struct Served {
    pub reason: StopReason,
    /// Every byte written, framed as on stdout.
    pub output: Vec<u8>,
}

/// Serves `input` with `dispatcher` until its end (or `exit`) and returns what was written
/// meanwhile through `written`, the receiving end of the dispatcher's outbound.
pub async fn serve_bytes(
    dispatcher: &Arc<Dispatcher>,
    input: &[u8],
    written: &mut mpsc::Receiver<Queued>,
) -> Served {
    // Leftovers of an earlier run (work that outlived its grace period) are not this run's.
    while written.try_recv().is_ok() {}
    let mut output = Vec::new();
    let serve = dispatcher.serve(input);
    tokio::pin!(serve);
    let reason = loop {
        tokio::select! {
            reason = &mut serve => break reason,
            Some(message) = written.recv() => write(message, &mut output),
        }
    };
    // Answers queued before the dispatcher returned (it waits for its tasks).
    while let Ok(message) = written.try_recv() {
        write(message, &mut output);
    }
    Served { reason, output }
}

fn write(queued: Queued, output: &mut Vec<u8>) {
    match queued {
        // Writing to a Vec cannot fail.
        Queued::Message(message) => {
            let _ = message.write_to(output);
        }
        // Everything queued before the marker is already in `output`.
        Queued::Flush(done) => {
            let _ = done.send(());
        }
    }
}

/// Results larger than this (a whole model list runs to megabytes) are checked as JSON but not
/// built into the returned messages: building them would cost more than serving them.
const KEPT_RESULT_BYTES: usize = 64 * 1024;

/// Splits stdout bytes into messages, checking that each is well framed JSON-RPC 2.0: a
/// response (`id` and exactly one of `result` or `error` with an integer `code` and a `message`)
/// or a notification (`method`), or a batch of responses. Describes the first violation. A result
/// over [`KEPT_RESULT_BYTES`] is returned as the string `"<N bytes of JSON>"`.
pub fn parse_output(mut output: &[u8]) -> Result<Vec<Value>, String> {
    let mut messages = Vec::new();
    while !output.is_empty() {
        let (body, rest) = if output.starts_with(b"Content-Length: ") {
            let header_end = find(output, b"\r\n\r\n").ok_or("LSP header without its end")?;
            let length: usize = std::str::from_utf8(&output[16..header_end])
                .ok()
                .and_then(|n| n.parse().ok())
                .ok_or("unreadable Content-Length")?;
            let start = header_end + 4;
            let end = start
                .checked_add(length)
                .filter(|end| *end <= output.len())
                .ok_or("LSP body shorter than its Content-Length")?;
            (&output[start..end], &output[end..])
        } else {
            let end = memchr::memchr(b'\n', output).ok_or("line message without its newline")?;
            (&output[..end], &output[end + 1..])
        };
        let value = parse_body(body).map_err(|err| {
            format!(
                "not JSON ({err}): {:?}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            )
        })?;
        match &value {
            Value::Array(items) if !items.is_empty() => {
                for item in items {
                    check_message(item)?;
                }
            }
            item => check_message(item)?,
        }
        messages.push(value);
        output = rest;
    }
    Ok(messages)
}

type RawObject = serde_json::Map<String, Value>;

/// A message as JSON; a large one's members are read raw (validated, not built) and its result
/// replaced by its size.
fn parse_body(body: &[u8]) -> serde_json::Result<Value> {
    if body.len() <= KEPT_RESULT_BYTES {
        return serde_json::from_slice(body);
    }
    type Raw = std::collections::BTreeMap<String, Box<serde_json::value::RawValue>>;
    let envelope = |raw: Raw| -> serde_json::Result<Value> {
        let mut object = RawObject::new();
        for (key, value) in raw {
            let value = if key == "result" && value.get().len() > KEPT_RESULT_BYTES {
                Value::String(format!("<{} bytes of JSON>", value.get().len()))
            } else {
                serde_json::from_str(value.get())?
            };
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    };
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        let items: Vec<Raw> = serde_json::from_slice(body)?;
        Ok(Value::Array(
            items.into_iter().map(envelope).collect::<Result<_, _>>()?,
        ))
    } else {
        envelope(serde_json::from_slice(body)?)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn check_message(message: &Value) -> Result<(), String> {
    let bad = |why: &str| Err(format!("{why}: {message}"));
    if message.get("jsonrpc") != Some(&Value::from("2.0")) {
        return bad("no jsonrpc 2.0");
    }
    if message.get("method").is_some_and(Value::is_string) {
        return Ok(());
    }
    if message.get("id").is_none() {
        return bad("a response without an id");
    }
    match (message.get("result"), message.get("error")) {
        (Some(_), None) => Ok(()),
        (None, Some(error)) => {
            if !error.get("code").is_some_and(Value::is_i64) {
                return bad("an error without an integer code");
            }
            if !error.get("message").is_some_and(Value::is_string) {
                return bad("an error without a message");
            }
            if error.pointer("/data/kind") == Some(&Value::from("internal_panic")) {
                return bad("a handler panicked");
            }
            Ok(())
        }
        _ => bad("a response needs exactly one of result and error"),
    }
}
