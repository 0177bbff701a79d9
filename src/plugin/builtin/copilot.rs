//! GitHub Copilot (OpenCode's `plugin/copilot.ts`): its auth loader puts the GitHub token and the
//! editor headers on every call (to the GitHub Enterprise API for an Enterprise sign-in), Copilot
//! sets the output limit of its GPT models itself, and its Claude models think interleaved with
//! tool calls.

use async_trait::async_trait;

use super::carries_header;
use crate::plugin::{
    AuthContext, AuthOptions, ChatContext, ChatHeadersOutput, ChatParamsOutput, HookFailure, Plugin,
};
use crate::protocol::WireFormat;
use crate::provider::profiles::copilot;
use crate::provider::{Credential, DynamicHeaders};

pub struct Copilot;

/// The beta Copilot's Claude models are sent unless the config or the session names its own.
pub const INTERLEAVED_THINKING: &str = "interleaved-thinking-2025-05-14";

#[async_trait]
impl Plugin for Copilot {
    fn name(&self) -> &str {
        "github-copilot"
    }

    /// Every Copilot credential (the token is the GitHub token whether it was stored by the
    /// device flow or given as a key): the Enterprise API as the base URL when the sign-in (or the
    /// config's `enterpriseUrl`) names one, the OAuth access token as the bearer, `User-Agent` and
    /// `Openai-Intent`, and Copilot's body-dependent headers (`x-initiator`, vision) per request.
    async fn auth(
        &self,
        cx: &AuthContext<'_>,
        output: &mut AuthOptions,
    ) -> Result<(), HookFailure> {
        if !copilot::is_copilot_provider(cx.provider_id, cx.npm) {
            return Ok(());
        }
        let enterprise = match cx.credential {
            Some(Credential::OAuth {
                enterprise_url: Some(url),
                ..
            }) => Some(url.as_str()),
            _ => cx.option_str("enterpriseUrl"),
        };
        if let Some(url) = enterprise {
            output.base_url = Some(copilot::enterprise_base(url));
        }
        if let Some(Credential::OAuth { access, .. }) = cx.credential {
            output.bearer = Some(access.clone());
        }
        output
            .headers
            .insert("User-Agent".into(), cx.client.user_agent.clone());
        output
            .headers
            .insert("Openai-Intent".into(), copilot::OPENAI_INTENT.into());
        output.request_headers = Some(DynamicHeaders::Copilot);
        Ok(())
    }

    /// No default output limit for GPT models (a limit the caller set is kept).
    async fn chat_params(
        &self,
        cx: &ChatContext<'_>,
        output: &mut ChatParamsOutput,
    ) -> Result<(), HookFailure> {
        let caller_set = cx.input.request.max_output_tokens.is_some();
        if copilot::is_copilot(cx.runtime)
            && cx.input.model.api_model_id.contains("gpt")
            && !caller_set
        {
            output.max_output_tokens = None;
        }
        Ok(())
    }

    /// `anthropic-beta: interleaved-thinking-…` for the Messages API.
    async fn chat_headers(
        &self,
        cx: &ChatContext<'_>,
        output: &mut ChatHeadersOutput,
    ) -> Result<(), HookFailure> {
        if copilot::is_copilot(cx.runtime)
            && cx.input.model.wire_format == WireFormat::Anthropic
            && !carries_header(cx.input, "anthropic-beta")
        {
            output.set("anthropic-beta", INTERLEAVED_THINKING);
        }
        Ok(())
    }
}
