//! The in-process server the dispatcher targets share: built once (its catalog and search
//! index take a while), fed one input per run.

// Each target uses its own part of the harness.
#![allow(dead_code)]

use std::sync::OnceLock;
use std::time::Duration;

use provider_sidecar::app::in_process::{InProcessServer, parse_output};
use provider_sidecar::rpc::lifecycle::StopReason;
use serde_json::Value;

/// A run still going after this is a stuck reader (a healthy one ends within the dispatcher's
/// sub-second EOF grace).
const RUN_LIMIT: Duration = Duration::from_secs(20);

pub struct Harness {
    runtime: tokio::runtime::Runtime,
    server: InProcessServer,
    pub methods: Vec<&'static str>,
    pub vocabulary: Vec<String>,
    _data_dir: tempfile::TempDir,
}

pub fn harness() -> &'static Harness {
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
        let vocabulary = server
            .vocabulary()
            .into_iter()
            .filter(|word| !is_unsafe_to_fuzz(word.as_bytes()))
            .collect();
        Harness {
            runtime,
            server,
            methods,
            vocabulary,
            _data_dir: data_dir,
        }
    })
}

/// `initialize.dataDir` would send the files a later request writes (auth.json, preferences,
/// the catalog cache) to whatever path the fuzzer made up, outside its temp dir.
pub fn is_unsafe_to_fuzz(input: &[u8]) -> bool {
    input.windows(7).any(|window| window == b"dataDir")
}

impl Harness {
    /// Serves `input`; panics (a finding) on a stuck reader, a malformed answer or a handler
    /// panic. Returns every message written.
    pub fn run(&self, input: &[u8]) -> (StopReason, Vec<Value>) {
        let served = self
            .runtime
            .block_on(async { tokio::time::timeout(RUN_LIMIT, self.server.serve(input)).await })
            .unwrap_or_else(|_| panic!("still reading after {RUN_LIMIT:?}"));
        let messages = parse_output(&served.output).unwrap_or_else(|why| panic!("{why}"));
        (served.reason, messages)
    }
}
