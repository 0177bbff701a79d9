//! ChatGPT sign-in (OpenCode's `plugin/codex.ts`): its auth loader sends the calls of an OAuth
//! sign-in to the Codex endpoint with the access token and the account header, and its
//! `chat.params` leaves the output limit to the endpoint.

use async_trait::async_trait;

use crate::plugin::{
    AuthContext, AuthOptions, ChatContext, ChatParamsOutput, Endpoint, HookFailure, Plugin,
};
use crate::provider::Credential;
use crate::provider::profiles::openai;

pub struct Chatgpt;

#[async_trait]
impl Plugin for Chatgpt {
    fn name(&self) -> &str {
        "chatgpt"
    }

    /// An OAuth credential of provider `openai` (a ChatGPT sign-in, refreshed on use by the
    /// store): the Codex endpoint whatever the config's `baseURL` (OpenCode's fetch rewrites the
    /// URL), `Authorization: Bearer <access>`, `originator` and `ChatGPT-Account-Id`.
    async fn auth(
        &self,
        cx: &AuthContext<'_>,
        output: &mut AuthOptions,
    ) -> Result<(), HookFailure> {
        let Some(Credential::OAuth {
            access, account_id, ..
        }) = cx.credential
        else {
            return Ok(());
        };
        if !openai::is_openai(cx.provider_id) {
            return Ok(());
        }
        output.endpoint = Some(Endpoint {
            base_url: openai::CODEX_BASE_URL.to_string(),
            chat_url: openai::CODEX_RESPONSES_URL.to_string(),
        });
        output.bearer = Some(access.clone());
        output
            .headers
            .insert("originator".into(), cx.client.title.clone());
        if let Some(account) = account_id {
            output
                .headers
                .insert("ChatGPT-Account-Id".into(), account.clone());
        }
        Ok(())
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
