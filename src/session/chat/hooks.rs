//! The plugin hooks of one attempt: `chat.params` over the sampled request, `chat.headers` over
//! the resolved headers, before the body is built and signed.

use crate::plugin::{
    ChatContext, ChatHeadersOutput, ChatHookInput, ChatParamsOutput, HookModel, HookReport,
    Registry,
};
use crate::protocol::ChatRequest;
use crate::provider::common::set_header;
use crate::session::error::ChatError;
use crate::session::prepare::sampled_request;
use crate::session::resolver::ResolvedCall;

use super::CallSpec;
use super::outcome::prepare_error;

/// The request the call sends (sampling defaults, then the `chat.params` hooks), with the
/// `chat.headers` hooks' headers set on `resolved`'s runtime.
pub(super) async fn apply_hooks(
    resolved: &mut ResolvedCall,
    request: &ChatRequest,
    call: &CallSpec<'_>,
    variant: Option<&str>,
    hooks: &Registry,
) -> Result<(ChatRequest, HookReport), ChatError> {
    let mut sampled = sampled_request(resolved, request, call.session_id).map_err(prepare_error)?;
    let input = hook_input(resolved, request, call, variant);
    let cx = ChatContext {
        input: &input,
        runtime: &resolved.runtime,
    };
    let mut report = HookReport::default();
    let mut params = ChatParamsOutput::of(&sampled);
    hooks.chat_params(&cx, &mut params, &mut report).await?;
    params.apply_to(&mut sampled);
    let mut headers = ChatHeadersOutput::default();
    hooks.chat_headers(&cx, &mut headers, &mut report).await?;
    for (name, value) in headers.headers {
        set_header(&mut resolved.runtime.headers, &name, value);
    }
    Ok((sampled, report))
}

/// What hooks see of the call: no credential, no header value.
fn hook_input<'a>(
    resolved: &ResolvedCall,
    request: &'a ChatRequest,
    call: &CallSpec<'_>,
    variant: Option<&str>,
) -> ChatHookInput<'a> {
    ChatHookInput {
        session_id: call.session_id.to_string(),
        model: HookModel {
            provider_id: resolved.runtime.provider_id.clone(),
            model_id: resolved.model.id.clone(),
            api_model_id: resolved.model.api_id.clone(),
            wire_format: resolved.format,
            npm: resolved.model.npm.to_string(),
        },
        variant: variant.map(str::to_string),
        small: call.small,
        request,
        header_names: resolved.runtime.headers.keys().cloned().collect(),
    }
}
