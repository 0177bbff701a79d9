//! The `Plugin` trait: one plugin implements any of the hook points (OpenCode's `Hooks`).

use async_trait::async_trait;

use serde_json::{Map, Value};

use super::{
    AuthContext, AuthOptions, ChatContext, ChatHeadersOutput, ChatParamsOutput, ConfigPatch,
    HookEvent, HookFailure,
};

/// A plugin. Each trigger hook edits its output in place, OpenCode's `trigger(name, input,
/// output)`: the registry hands every plugin the output the plugins before it left. A hook that
/// fails leaves the output as it found it (whatever it changed before failing is undone).
#[async_trait]
pub trait Plugin: Send + Sync {
    /// The plugin's name in warnings, errors and `transform/preview`'s list of changes.
    fn name(&self) -> &str;

    /// A failure of this plugin's hooks fails the call (`hook_failed`) instead of being skipped
    /// with a warning.
    fn fails_closed(&self) -> bool {
        false
    }

    /// `auth` (OpenCode's auth loader): the options the call's credential needs on the wire —
    /// endpoint, headers, bearer token, request-time headers. Runs when a call's runtime is
    /// resolved, before the profile's loader; in process only (it is handed the credential).
    async fn auth(
        &self,
        _cx: &AuthContext<'_>,
        _output: &mut AuthOptions,
    ) -> Result<(), HookFailure> {
        Ok(())
    }

    /// `config`: the merged config as it is loaded (`initialize`), every secret-bearing value
    /// redacted (`plugin::config::redacted`); the answer is deep-merged into it.
    async fn config(&self, _config: &Map<String, Value>) -> Result<ConfigPatch, HookFailure> {
        Ok(ConfigPatch::default())
    }

    /// `chat.params`: the sampling settings and provider options the call is about to send.
    async fn chat_params(
        &self,
        _cx: &ChatContext<'_>,
        _output: &mut ChatParamsOutput,
    ) -> Result<(), HookFailure> {
        Ok(())
    }

    /// `chat.headers`: headers to add to the call.
    async fn chat_headers(
        &self,
        _cx: &ChatContext<'_>,
        _output: &mut ChatHeadersOutput,
    ) -> Result<(), HookFailure> {
        Ok(())
    }

    /// `event`: observes a call's start and end. Must not block: a plugin that reports
    /// elsewhere hands the event on and returns.
    fn event(&self, _event: &HookEvent) {}
}
