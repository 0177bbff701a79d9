//! provider-sidecar: the multi-provider LLM layer of a coding assistant, served over JSON-RPC 2.0 on stdio.
//!
//! Dependencies point downward (`docs/architecture.md` has the exact graph): `app` → `session` →
//! `transform` → `catalog` → `provider` → `protocol`/`auth` → `net` and the leaves. `app` (the
//! server state and the method handlers) plugs its handlers into `rpc`, the JSON-RPC transport,
//! which knows nothing of the domain. `catalog`, `config` and `auth` know nothing of RPC.

pub mod app;
pub mod auth;
pub mod catalog;
pub mod config;
pub mod host_process;
pub mod json_merge;
pub mod model_spec;
pub mod net;
pub mod plugin;
pub mod protocol;
pub mod provider;
pub mod rpc;
pub mod search;
pub mod session;
pub mod transform;
