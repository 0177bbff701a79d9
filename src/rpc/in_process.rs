//! The whole server over byte buffers, in process: bytes in as if on stdin, every byte the
//! server wrote back out. For fuzz targets and property tests, which run it many times per
//! second, so the state (its catalog, its search index) is built once and reused.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use jsonrpsee::core::server::Methods;
use serde_json::Value;
use tokio::sync::mpsc;

use super::dispatch::{Dispatcher, StopReason};
use super::methods::build_table;
use super::outbound::{Outbound, Queued};
use super::state::{ProcessEnv, ServerState, Settings};

/// What one run produced.
#[derive(Debug)]
pub struct Served {
    pub reason: StopReason,
    /// Every byte written, framed as on stdout.
    pub output: Vec<u8>,
}

/// A server whose state outlives each run; every run gets a fresh dispatcher.
pub struct InProcessServer {
    state: Arc<ServerState>,
    methods: Methods,
    cooperative: HashSet<&'static str>,
    written: tokio::sync::Mutex<mpsc::Receiver<Queued>>,
}

impl InProcessServer {
    /// Builds the state, with the data dir in `settings`; call inside a tokio runtime.
    /// `env` stands for the process environment (nothing of the real one is read).
    pub fn new(settings: Settings, env: ProcessEnv) -> InProcessServer {
        let (outbound, written) = Outbound::with_drain(|rx| rx);
        let state = Arc::new(ServerState::new(settings, env, outbound, None));
        let table = build_table(Arc::clone(&state));
        let _ = state.contract.set(table.contract());
        state.catalog.start(&state);
        let (methods, cooperative) = table.into_parts();
        InProcessServer {
            state,
            methods,
            cooperative,
            written: tokio::sync::Mutex::new(written),
        }
    }

    /// A server whose every endpoint a valid-looking request could reach (catalog refresh,
    /// sign-in issuers) is a closed local port, with its data in `data_dir`.
    pub fn offline(data_dir: &Path) -> InProcessServer {
        let settings = Settings {
            data_dir: data_dir.to_path_buf(),
            max_message_bytes: 4096,
            test_methods: false,
            config: Some(serde_json::json!({"auth": {"store": "file", "endpoints": {
                "openaiIssuer": "http://127.0.0.1:9",
                "openaiCallbackPort": 0,
                "githubBase": "http://127.0.0.1:9"
            }}})),
        };
        let env = [
            ("PROVIDER_SIDECAR_MODELS_URL", "http://127.0.0.1:9/api.json"),
            ("PROVIDER_SIDECAR_DISABLE_MODELS_FETCH", "1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        InProcessServer::new(settings, env)
    }

    pub fn state(&self) -> &Arc<ServerState> {
        &self.state
    }

    /// Every public method's name.
    pub fn method_names(&self) -> Vec<&'static str> {
        self.state
            .contract
            .get()
            .map(|contract| contract.methods.clone())
            .unwrap_or_default()
    }

    /// Every property name of the contract's params and results (for structure-aware fuzzing:
    /// objects built from these keys reach past the decoder's first check).
    pub fn vocabulary(&self) -> Vec<String> {
        let mut names = std::collections::BTreeSet::new();
        if let Some(contract) = self.state.contract.get() {
            collect_property_names(&contract.document(), &mut names);
        }
        names.into_iter().collect()
    }

    /// Serves `input` until its end (or `exit`) and returns what was written meanwhile.
    /// A `shutdown` or a host watched in one run does not carry over to the next.
    pub async fn serve(&self, input: &[u8]) -> Served {
        let mut written = self.written.lock().await;
        // Leftovers of an earlier run (work that outlived its grace period) are not this run's.
        while written.try_recv().is_ok() {}
        self.state.shutdown_requested.store(false, Ordering::SeqCst);
        self.state.host.forget();
        let dispatcher = Dispatcher::new(
            self.methods.clone(),
            self.cooperative.clone(),
            Arc::clone(&self.state),
        );
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
}

fn collect_property_names(schema: &Value, names: &mut std::collections::BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                names.extend(properties.keys().cloned());
            }
            for value in map.values() {
                collect_property_names(value, names);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_property_names(item, names);
            }
        }
        _ => {}
    }
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
