//! Plugin hooks (OpenCode's `@opencode-ai/plugin` `Hooks`): code that adjusts every chat call
//! centrally, and supplies what a credential needs on the wire. A [`Plugin`] implements any of the hook points; the [`Registry`] runs them in a
//! fixed order (built-ins, then in-process registrations, then the host's hooks) and applies the
//! failure policy. `docs/hooks.md` is the guide.
//!
//! - `input`: what a hook sees of the call (session, resolved model, the caller's request, the
//!   header names; never a secret);
//! - `params`, `headers`: the outputs of `chat.params` and `chat.headers`, and the patches a host
//!   answers with;
//! - `auth`: what the auth loaders contribute to a call's runtime (endpoint, headers, bearer);
//! - `config`: the config hook's redacted view of the config, and the patch it answers with;
//! - `event`: the events observers are told of;
//! - `failure`: why a hook failed and what the call does about it;
//! - `hooks`: the [`Plugin`] trait; `registry`: the order and the policy;
//! - `host`: what a host declares in `initialize` (`capabilities.hooks`);
//! - `builtin`: the GitHub Copilot and ChatGPT quirks, as plugins.

mod auth;
mod builtin;
pub mod config;
mod event;
mod failure;
mod headers;
mod hooks;
pub mod host;
mod input;
mod params;
mod registry;

#[cfg(test)]
mod registry_tests;

pub use auth::{AuthContext, AuthOptions, Endpoint};
pub use config::{ConfigHookParams, ConfigPatch};
pub use event::{HookEvent, HookEventParams};
pub use failure::{HookFailed, HookFailure, HookPoint};
pub use headers::{ChatHeadersHookParams, ChatHeadersOutput, ChatHeadersPatch};
pub use hooks::Plugin;
pub use input::{ChatContext, ChatHookInput, HookModel};
pub use params::{ChatParamsHookParams, ChatParamsOutput, ChatParamsPatch};
pub use registry::{HookChange, HookReport, Registry};
