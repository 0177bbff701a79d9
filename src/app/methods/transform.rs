//! `transform/preview`: the exact request a chat call would send, with every secret redacted,
//! after the plugin hooks (the host's too), with what each hook changed.

use std::collections::BTreeMap;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::chat::chat_error;
use crate::app::state::ServerState;
use crate::plugin::HookChange;
use crate::protocol::types::CallWarning;
use crate::provider::{AuthScheme, RuntimePreview, redact_headers};
use crate::rpc::context::RequestContext;
use crate::rpc::error::RpcError;
use crate::rpc::method::Method;
use crate::session::{CallSpec, ChatError, ChatParams, ChatTarget};
use crate::transform::response_format::ResponseFormatPlan;

/// What `chat/*` with the same params would send first (fallbacks are not shown).
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransformPreview {
    pub method: String,
    pub url: String,
    /// Every header of the request, auth included, with credential values replaced by `[redacted]`.
    pub headers: BTreeMap<String, String>,
    /// The JSON body exactly as sent.
    pub body: Value,
    /// The loader's resolved runtime (protocol, base URL, auth scheme, default options).
    pub runtime: RuntimePreview,
    /// Where the credential comes from: `session`, `keyring`, `file`, `oauth`, `env`, `aws-sdk`,
    /// `config` or `none`.
    pub credential_source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// How a JSON answer (`responseFormat: {type: "json"}`) is asked of this model: its schema
    /// enforced, the API's JSON mode, or a forced `json` tool; with the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<ResponseFormatPlan>,
    /// What each plugin hook changed, in the order they ran (built-ins, then the host's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hooks: Vec<HookChange>,
    /// Hooks that failed and were skipped (the preview shows the request without their change).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<CallWarning>,
}

pub struct Preview;

impl Method<ServerState> for Preview {
    const NAME: &'static str = "transform/preview";
    const SUMMARY: &'static str = "The exact request (method, URL, headers with secrets redacted, body) `chat/*` would send for these params, without sending it.";
    type Params = ChatParams;
    type Result = TransformPreview;

    async fn call(
        state: Arc<ServerState>,
        params: ChatParams,
        _cx: RequestContext,
    ) -> Result<TransformPreview, RpcError> {
        let (snapshot, sources) =
            crate::app::call_sources::session_call(&state, &params.session_id).await?;
        let target = ChatTarget {
            provider_id: params.provider_id.clone(),
            model_id: params.model_id.clone(),
        };
        let hooks = crate::app::host_hooks::registry(&state);
        let mut resolved = state
            .chat
            .resolve(
                &snapshot,
                &sources,
                &target,
                params.headers.as_ref(),
                &hooks,
            )
            .await
            .map_err(|err| chat_error(ChatError::Resolve(err)))?;
        let request = state.chat.request_for(&snapshot, &params);
        let call = state
            .chat
            .prepare(
                &mut resolved,
                &request,
                &CallSpec {
                    session_id: &params.session_id,
                    variant: params.variant.as_deref(),
                    small: params.small,
                },
                &hooks,
            )
            .await
            .map_err(chat_error)?;
        let (wire, prepared) = (call.wire, call.request);
        let sent: BTreeMap<String, String> = prepared
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        Ok(TransformPreview {
            method: prepared.method.to_string(),
            url: wire.url,
            headers: redact_known_secrets(redact_headers(&sent), &resolved.runtime.auth),
            body: wire.body,
            runtime: resolved.runtime.redacted(),
            credential_source: resolved.credential_source.to_string(),
            variant: params.variant,
            response_format: wire.response_format,
            hooks: call.hooks.changes,
            warnings: call.hooks.warnings,
        })
    }
}

/// Name-based redaction misses a credential sent under an unusual header name: any value holding the
/// resolved secret is redacted too.
fn redact_known_secrets(
    headers: BTreeMap<String, String>,
    auth: &AuthScheme,
) -> BTreeMap<String, String> {
    let secrets: Vec<&str> = match auth {
        AuthScheme::None => Vec::new(),
        AuthScheme::Bearer(secret) | AuthScheme::ZaiKey(secret) => vec![secret.expose()],
        AuthScheme::Header { value, .. } => vec![value.expose()],
        AuthScheme::SigV4 { credentials, .. } => {
            let mut secrets = vec![credentials.secret_access_key.expose()];
            secrets.extend(credentials.session_token.as_ref().map(|t| t.expose()));
            secrets
        }
    };
    headers
        .into_iter()
        .map(|(name, value)| {
            let leaks = secrets
                .iter()
                .any(|secret| !secret.is_empty() && value.contains(secret));
            let shown = if leaks {
                crate::provider::secret::REDACTED.to_string()
            } else {
                value
            };
            (name, shown)
        })
        .collect()
}
