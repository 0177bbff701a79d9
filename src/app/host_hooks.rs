//! The host's hooks as a plugin: each hook the host declared in `initialize` is a server→client
//! request (`hook/config`, `hook/chat.params`, `hook/chat.headers`) whose answer is checked before
//! it is applied, and `event` is the `hook/event` notification.

use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::app::state::ServerState;
use crate::plugin::host::{self, HostHooks};
use crate::plugin::{
    ChatContext, ChatHeadersHookParams, ChatHeadersOutput, ChatHeadersPatch, ChatParamsHookParams,
    ChatParamsOutput, ChatParamsPatch, ConfigHookParams, ConfigPatch, HookEvent, HookEventParams,
    HookFailure, Plugin, Registry,
};
use crate::rpc::client_requests::ClientRequestError;
use crate::rpc::outbound::Outbound;

/// The plugins of a call: the built-ins, then the host's hooks when it declared any.
pub fn registry(state: &ServerState) -> Registry {
    registry_with(state, declared(state))
}

/// The built-ins, then the host's `hooks` (those `initialize` is declaring).
pub fn registry_with(state: &ServerState, hooks: Option<HostHooks>) -> Registry {
    let mut registry = Registry::with_builtins();
    if let Some(hooks) = hooks.filter(|hooks| !hooks.methods().is_empty()) {
        registry.register(Arc::new(HostPlugin {
            hooks,
            outbound: state.outbound.clone(),
        }));
    }
    registry
}

/// The hooks the host declared in `initialize`, if any.
fn declared(state: &ServerState) -> Option<HostHooks> {
    let client = state.client.read().unwrap_or_else(|p| p.into_inner());
    client
        .as_ref()?
        .hooks
        .clone()
        .filter(|hooks| !hooks.methods().is_empty())
}

struct HostPlugin {
    hooks: HostHooks,
    outbound: Outbound,
}

impl HostPlugin {
    /// Asks the host and decodes its answer; `null` is "no change".
    async fn ask<Q: Serialize, P: DeserializeOwned + Default>(
        &self,
        method: &str,
        params: &Q,
    ) -> Result<P, HookFailure> {
        let timeout = self.hooks.timeout();
        let answer = self
            .outbound
            .request(method, params, timeout)
            .await
            .map_err(|err| match err {
                ClientRequestError::Timeout { timeout, .. } => HookFailure::Timeout {
                    timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
                },
                ClientRequestError::Closed { .. } => HookFailure::Closed,
                ClientRequestError::Rejected { code, message, .. } => {
                    HookFailure::Rejected { code, message }
                }
                ClientRequestError::Params { reason, .. } => HookFailure::Failed(reason),
            })?;
        host::decode_answer(answer)
    }
}

#[async_trait]
impl Plugin for HostPlugin {
    fn name(&self) -> &str {
        "host"
    }

    fn fails_closed(&self) -> bool {
        self.hooks.fail_closed
    }

    /// The host is sent the config already redacted (the registry hands every plugin that view).
    async fn config(&self, config: &Map<String, Value>) -> Result<ConfigPatch, HookFailure> {
        if !self.hooks.config {
            return Ok(ConfigPatch::default());
        }
        let params = ConfigHookParams {
            config: Value::Object(config.clone()),
        };
        self.ask(host::CONFIG, &params).await
    }

    async fn chat_params(
        &self,
        cx: &ChatContext<'_>,
        output: &mut ChatParamsOutput,
    ) -> Result<(), HookFailure> {
        if !self.hooks.chat_params {
            return Ok(());
        }
        let params = ChatParamsHookParams {
            input: cx.input,
            output,
        };
        let patch: ChatParamsPatch = self.ask(host::CHAT_PARAMS, &params).await?;
        patch.check().map_err(HookFailure::InvalidAnswer)?;
        patch.apply(output);
        Ok(())
    }

    async fn chat_headers(
        &self,
        cx: &ChatContext<'_>,
        output: &mut ChatHeadersOutput,
    ) -> Result<(), HookFailure> {
        if !self.hooks.chat_headers {
            return Ok(());
        }
        let params = ChatHeadersHookParams {
            input: cx.input,
            output,
        };
        let patch: ChatHeadersPatch = self.ask(host::CHAT_HEADERS, &params).await?;
        patch.check().map_err(HookFailure::InvalidAnswer)?;
        patch.apply(output);
        Ok(())
    }

    /// Queued as a notification from a task of its own: the call never waits for it.
    fn event(&self, event: &HookEvent) {
        if !self.hooks.event {
            return;
        }
        let outbound = self.outbound.clone();
        let params = HookEventParams {
            event: event.clone(),
        };
        tokio::spawn(async move {
            let framing = outbound.client_framing();
            outbound.notify(framing, host::EVENT, &params).await;
        });
    }
}

/// `capabilities.hooks` of `initialize`'s params, checked.
pub fn parse_declaration(
    capabilities: Option<&Value>,
) -> Result<Option<HostHooks>, (String, String)> {
    let Some(hooks) = capabilities.and_then(|c| c.get("hooks")) else {
        return Ok(None);
    };
    let field = |name: &str| format!("capabilities.hooks{name}");
    let hooks: HostHooks =
        serde_json::from_value(hooks.clone()).map_err(|err| (field(""), err.to_string()))?;
    hooks
        .check()
        .map_err(|(name, reason)| (field(&format!(".{name}")), reason))?;
    Ok(Some(hooks))
}
