//! ChatGPT sign-in (OpenCode's `plugin/codex.ts` hooks): the Codex endpoint sets the output limit
//! itself.

use async_trait::async_trait;

use crate::plugin::{ChatContext, ChatParamsOutput, HookFailure, Plugin};
use crate::provider::profiles::openai;

pub struct Chatgpt;

#[async_trait]
impl Plugin for Chatgpt {
    fn name(&self) -> &str {
        "chatgpt"
    }

    /// No default output limit (a limit the caller set is kept).
    async fn chat_params(
        &self,
        cx: &ChatContext<'_>,
        output: &mut ChatParamsOutput,
    ) -> Result<(), HookFailure> {
        if openai::is_chatgpt(cx.runtime) && cx.input.request.max_output_tokens.is_none() {
            output.max_output_tokens = None;
        }
        Ok(())
    }
}
