//! provider-sidecar: the multi-provider LLM layer of a coding assistant, served over JSON-RPC 2.0 on stdio.
//!
//! Dependencies point downward: `rpc` → `session` → `provider`/`transform`/`protocol` →
//! `auth`/`catalog`/`config`. `catalog`, `config` and `auth` know nothing of RPC.

pub mod auth;
pub mod catalog;
pub mod config;
pub mod heap;
pub mod host_process;
pub mod net;
pub mod plugin;
pub mod protocol;
pub mod provider;
pub mod rpc;
pub mod search;
pub mod session;
pub mod transform;

/// The unit tests run on the sidecar's allocator too.
#[cfg(test)]
#[global_allocator]
static ALLOCATOR: heap::SidecarAllocator = heap::SidecarAllocator;
