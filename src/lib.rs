//! provider-sidecar: the multi-provider LLM layer of a coding assistant, served over JSON-RPC 2.0 on stdio.
//!
//! Dependencies point downward: `rpc` → `session` → `provider`/`transform`/`protocol` →
//! `auth`/`catalog`/`config`. `catalog`, `config` and `auth` know nothing of RPC.

pub mod auth;
pub mod catalog;
pub mod config;
pub mod json_merge;
pub mod model_spec;
pub mod plugin;
pub mod protocol;
pub mod provider;
pub mod rpc;
pub mod search;
pub mod session;
pub mod transform;
