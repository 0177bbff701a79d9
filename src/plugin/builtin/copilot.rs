//! GitHub Copilot (OpenCode's `plugin/copilot.ts` hooks): Copilot sets the output limit of its GPT
//! models itself, and its Claude models think interleaved with tool calls.

use async_trait::async_trait;

use super::carries_header;
use crate::plugin::{ChatContext, ChatHeadersOutput, ChatParamsOutput, HookFailure, Plugin};
use crate::protocol::WireFormat;
use crate::provider::profiles::copilot;

pub struct Copilot;

/// The beta Copilot's Claude models are sent unless the config or the session names its own.
pub const INTERLEAVED_THINKING: &str = "interleaved-thinking-2025-05-14";

#[async_trait]
impl Plugin for Copilot {
    fn name(&self) -> &str {
        "github-copilot"
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
