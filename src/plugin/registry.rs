//! The registry: which plugins run, in which order, and what a failure does.
//!
//! Order (OpenCode's: internal plugins load first, then the configured ones, and `trigger` runs
//! them one after another): the built-in plugins, then in-process registrations in the order
//! they were registered, then the host's hooks (added last by the server, per request). Each
//! sees the output the ones before it left.

use std::sync::Arc;

use serde_json::{Map, Value};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::failure::warning;
use super::{
    AuthContext, AuthOptions, ChatContext, ChatHeadersOutput, ChatParamsOutput, HookEvent,
    HookFailed, HookFailure, HookPoint, Plugin,
};
use crate::protocol::types::CallWarning;

/// What one plugin's hook changed (shown by `transform/preview`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HookChange {
    pub plugin: String,
    pub hook: HookPoint,
    /// The output fields (`temperature`, `providerOptions`, ...) or header names it changed.
    pub changed: Vec<String>,
}

/// What the hooks of one call did besides changing its output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HookReport {
    pub changes: Vec<HookChange>,
    /// Hooks that failed and were skipped.
    pub warnings: Vec<CallWarning>,
}

/// Whether a config a hook left still loads (why not, when it does not).
pub type ConfigCheck<'a> = dyn Fn(&Map<String, Value>) -> Result<(), String> + Sync + 'a;

/// The plugins of a call, in the order they run.
#[derive(Clone, Default)]
pub struct Registry {
    plugins: Vec<Arc<dyn Plugin>>,
}

impl Registry {
    /// No plugin at all.
    pub fn empty() -> Self {
        Registry::default()
    }

    /// The built-in plugins (the GitHub Copilot and ChatGPT quirks), in their order.
    pub fn with_builtins() -> Self {
        Registry {
            plugins: super::builtin::plugins(),
        }
    }

    /// Adds `plugin` after every plugin registered so far.
    pub fn register(&mut self, plugin: Arc<dyn Plugin>) -> &mut Self {
        self.plugins.push(plugin);
        self
    }

    /// The plugins' names, in the order they run.
    pub fn names(&self) -> Vec<&str> {
        self.plugins.iter().map(|plugin| plugin.name()).collect()
    }

    /// Runs every plugin's `config` hook in order over `config`: each sees it redacted and its
    /// patch is deep-merged in when the result passes `check` (else the answer is invalid).
    pub async fn config(
        &self,
        config: &mut Map<String, Value>,
        check: &ConfigCheck<'_>,
        report: &mut HookReport,
    ) -> Result<(), HookFailed> {
        for plugin in &self.plugins {
            let view = super::config::redacted(config);
            let mut patched = config.clone();
            let mut changed = Vec::new();
            let result = plugin.config(&view).await.and_then(|patch| {
                let patch = patch.without_placeholders();
                changed = patch.paths();
                crate::json_merge::merge_deep_map(&mut patched, &patch.0);
                check(&patched).map_err(HookFailure::InvalidAnswer)
            });
            if settle(plugin.as_ref(), HookPoint::Config, result, report, changed)? {
                *config = patched;
            }
        }
        Ok(())
    }

    /// Runs every plugin's `auth` loader in order; what they contribute.
    pub async fn auth(
        &self,
        cx: &AuthContext<'_>,
        report: &mut HookReport,
    ) -> Result<AuthOptions, HookFailed> {
        let mut output = AuthOptions::default();
        for plugin in &self.plugins {
            let before = output.clone();
            let result = plugin.auth(cx, &mut output).await;
            let changed = output.changed_since(&before);
            if !settle(plugin.as_ref(), HookPoint::Auth, result, report, changed)? {
                output = before;
            }
        }
        Ok(output)
    }

    /// Runs every plugin's `chat.params` in order over `output`.
    pub async fn chat_params(
        &self,
        cx: &ChatContext<'_>,
        output: &mut ChatParamsOutput,
        report: &mut HookReport,
    ) -> Result<(), HookFailed> {
        for plugin in &self.plugins {
            let before = output.clone();
            let result = plugin.chat_params(cx, output).await;
            let changed = output.changed_since(&before);
            if !settle(
                plugin.as_ref(),
                HookPoint::ChatParams,
                result,
                report,
                changed,
            )? {
                *output = before;
            }
        }
        Ok(())
    }

    /// Runs every plugin's `chat.headers` in order over `output`.
    pub async fn chat_headers(
        &self,
        cx: &ChatContext<'_>,
        output: &mut ChatHeadersOutput,
        report: &mut HookReport,
    ) -> Result<(), HookFailed> {
        for plugin in &self.plugins {
            let before = output.clone();
            let result = plugin.chat_headers(cx, output).await;
            let changed = output.changed_since(&before);
            if !settle(
                plugin.as_ref(),
                HookPoint::ChatHeaders,
                result,
                report,
                changed,
            )? {
                *output = before;
            }
        }
        Ok(())
    }

    /// Hands `event` to every plugin, in order; nothing waits for an answer.
    pub fn event(&self, event: &HookEvent) {
        for plugin in &self.plugins {
            plugin.event(event);
        }
    }
}

/// Applies the failure policy to one hook's result: `Ok(true)` keeps its change, `Ok(false)`
/// drops it (the call goes on, warned), `Err` fails the call (a fail-closed plugin; the caller
/// drops the call, and the output with it).
fn settle(
    plugin: &dyn Plugin,
    hook: HookPoint,
    result: Result<(), HookFailure>,
    report: &mut HookReport,
    changed: Vec<String>,
) -> Result<bool, HookFailed> {
    match result {
        Ok(()) => {
            if !changed.is_empty() {
                report.changes.push(HookChange {
                    plugin: plugin.name().to_string(),
                    hook,
                    changed,
                });
            }
            Ok(true)
        }
        Err(failure) if plugin.fails_closed() => {
            tracing::warn!(plugin = plugin.name(), %hook, reason = failure.reason(), %failure,
                "hook failed; the plugin fails closed, so the call fails");
            Err(HookFailed {
                plugin: plugin.name().to_string(),
                hook,
                failure,
            })
        }
        Err(failure) => {
            tracing::warn!(plugin = plugin.name(), %hook, reason = failure.reason(), %failure,
                "hook failed; the call goes on without its change");
            report.warnings.push(warning(plugin.name(), hook, &failure));
            Ok(false)
        }
    }
}
