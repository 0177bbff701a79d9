//! From a resolved call and a chat request to the exact HTTP request: the wire body (with the loader's
//! default options under the call's own), the loader's URL, then the headers the authorizer computes
//! over those exact bytes (SigV4, Z.AI JWT, Copilot's body-dependent headers).

use std::collections::BTreeMap;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value};

use super::error::ResolveError;
use super::resolver::ResolvedCall;
use crate::json_merge::merge_deep_map;
use crate::protocol::execute::PreparedRequest;
use crate::protocol::request::build_request;
use crate::protocol::shape::ResponseShape;
use crate::protocol::{ChatRequest, ProtocolError};
use crate::provider::common::get_header;
use crate::provider::{InvalidParam, OutgoingRequest, RequestAuthorizer};
use crate::transform::CallContext;
use crate::transform::options::{self, Layers};
use crate::transform::response_format::{self, ResponseFormatPlan};

#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// A parameter the provider would refuse.
    #[error("invalid {}: {}", .0.field, .0.reason)]
    Invalid(InvalidParam),
}

/// The request body and URL, before authorization: what `transform/preview` shows.
#[derive(Debug, Clone)]
pub struct WireCall {
    pub url: String,
    pub body: Value,
    /// Headers of the format and the call (content type, accept), under the loader's.
    pub headers: BTreeMap<String, String>,
    /// How a JSON answer is asked for, when the call asks for one.
    pub response_format: Option<ResponseFormatPlan>,
    /// How the answer's parts are handed on.
    pub shape: ResponseShape,
}

/// What shapes a call beyond its request.
#[derive(Debug, Clone, Copy)]
pub struct CallShape<'a> {
    /// The session the call runs in (the prompt-cache key).
    pub session_id: &'a str,
    /// The wire fields of the reasoning variant.
    pub variant_body: Option<&'a Map<String, Value>>,
    /// A small call (title, summary): OpenCode's `smallOptions()`.
    pub small: bool,
}

/// Builds the body and URL: the call's request after the transforms, with its provider options
/// (profile defaults, config, variant, the call's own) merged over the built body.
pub fn wire_call(
    call: &ResolvedCall,
    request: &ChatRequest,
    shape: &CallShape<'_>,
) -> Result<WireCall, PrepareError> {
    let sampled = sampled_request(call, request, shape.session_id)?;
    wire_call_sampled(call, sampled, shape)
}

fn call_context<'a>(call: &'a ResolvedCall, session_id: &'a str) -> CallContext<'a> {
    CallContext {
        provider_id: &call.runtime.provider_id,
        model: &call.model,
        runtime: &call.runtime,
        session_id,
        settings: &call.transform,
    }
}

/// The caller's request, checked, with the model's sampling defaults and output limit where the
/// caller set none: what the `chat.params` hooks start from.
pub fn sampled_request(
    call: &ResolvedCall,
    request: &ChatRequest,
    session_id: &str,
) -> Result<ChatRequest, PrepareError> {
    let cx = call_context(call, session_id);
    crate::transform::validate::check(&cx, request).map_err(PrepareError::Invalid)?;
    let mut request = request.clone();
    crate::transform::sampling::apply(&cx, &mut request);
    Ok(request)
}

/// [`wire_call`] of a request [`sampled_request`] (and the hooks after it) gave: its sampling
/// settings are sent as they are.
pub fn wire_call_sampled(
    call: &ResolvedCall,
    mut request: ChatRequest,
    shape: &CallShape<'_>,
) -> Result<WireCall, PrepareError> {
    let runtime = &call.runtime;
    let cx = call_context(call, shape.session_id);
    request.messages =
        crate::transform::messages::apply(&cx, std::mem::take(&mut request.messages));
    let answer = response_format::apply(&cx, &mut request).map_err(PrepareError::Invalid)?;
    let provider_tools = crate::transform::provider_tools::apply(&cx, &mut request);
    crate::transform::tools::apply(&cx, &mut request);
    let instructions = cx
        .profile()
        .system_as_instructions(&cx.call_ref())
        .then(|| crate::transform::tools::take_instructions(&mut request.messages));
    let call_options = request.provider_options.take();
    let wire = build_request(call.format, &runtime.wire_model_id, &request)?;
    let mut body = match wire.body {
        Value::Object(body) => body,
        _ => {
            return Err(ProtocolError::InvalidRequest(
                "the request body is not a JSON object".into(),
            )
            .into());
        }
    };
    let layers = Layers {
        variant: shape.variant_body,
        small: shape.small,
        call: call_options.as_ref(),
    };
    merge_deep_map(&mut body, &options::body_fields(&cx, layers));
    merge_deep_map(&mut body, &answer.body);
    response_format::check_thinking(&answer, &body).map_err(PrepareError::Invalid)?;
    crate::transform::sampling::spell_seed(&cx, &mut body);
    crate::transform::provider_tools::add_include(&provider_tools, &mut body);
    if let Some(instructions) = instructions {
        body.insert("instructions".into(), Value::String(instructions));
    }
    fit_output_to_thinking(&mut body, call);
    if !runtime.model_in_body {
        body.remove("model");
    }
    let mut headers = BTreeMap::new();
    headers.insert("content-type".to_string(), "application/json".to_string());
    // The loader's own headers (e.g. its `anthropic-version`) win over the format's defaults.
    for (name, value) in call.format.default_headers() {
        if !runtime
            .headers
            .keys()
            .any(|own| own.eq_ignore_ascii_case(name))
        {
            headers.insert((*name).to_string(), (*value).to_string());
        }
    }
    let loader_betas = get_header(&runtime.headers, "anthropic-beta");
    if let Some(betas) =
        crate::transform::provider_tools::beta_header(&provider_tools, loader_betas)
    {
        headers.insert("anthropic-beta".to_string(), betas);
    }
    let mut shape = answer.shape;
    shape.tool_names = provider_tools.tool_names;
    Ok(WireCall {
        url: runtime.chat_url.clone(),
        body: Value::Object(body),
        headers,
        response_format: answer.plan,
        shape,
    })
}

/// The final request: the wire call with every header, auth included. Holds secrets.
pub fn authorized_request(
    call: &ResolvedCall,
    wire: &WireCall,
    authorizer: &RequestAuthorizer,
) -> Result<PreparedRequest, PrepareError> {
    let body = serde_json::to_vec(&wire.body)
        .map_err(|error| ProtocolError::InvalidRequest(error.to_string()))?;
    let headers = final_headers(call, wire, &body, authorizer)?;
    let mut header_map = HeaderMap::new();
    for (name, value) in &headers {
        let invalid = |reason: &str| ResolveError::Config {
            field: format!("headers.{name}"),
            reason: reason.to_string(),
        };
        let name =
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("invalid header name"))?;
        let mut value =
            HeaderValue::from_str(value).map_err(|_| invalid("invalid header value"))?;
        value.set_sensitive(true);
        header_map.insert(name, value);
    }
    Ok(PreparedRequest {
        method: reqwest::Method::POST,
        url: wire.url.clone(),
        headers: header_map,
        body: Some(body.into()),
        shape: wire.shape.clone(),
    })
}

/// Every header the request carries (secrets included: never log the result).
pub fn final_headers(
    call: &ResolvedCall,
    wire: &WireCall,
    body: &[u8],
    authorizer: &RequestAuthorizer,
) -> Result<BTreeMap<String, String>, ResolveError> {
    let outgoing = OutgoingRequest {
        method: "POST",
        url: &wire.url,
        headers: &wire.headers,
        body,
    };
    authorizer
        .authorize(&call.runtime, &outgoing)
        .map_err(|error| ResolveError::AuthFailed {
            provider_id: call.runtime.provider_id.clone(),
            reason: error.to_string(),
        })
}

/// Claude rejects a thinking budget that does not leave room for the answer, and sampling settings
/// while it thinks: with a budget, the output limit becomes at least OpenCode's `min(limit.output,
/// 32000)` and above the budget, and `temperature` / `top_k` are dropped.
fn fit_output_to_thinking(body: &mut Map<String, Value>, call: &ResolvedCall) {
    let Some(budget) = crate::transform::variants::thinking_budget(body) else {
        return;
    };
    let catalog_output = call.model.limit().output;
    let wanted = if catalog_output > 0 {
        catalog_output.min(32_000)
    } else {
        32_000
    };
    let (target, key, dropped): (&mut Map<String, Value>, &str, &[&str]) = match call.format {
        crate::protocol::WireFormat::Anthropic => (body, "max_tokens", &["temperature", "top_k"]),
        crate::protocol::WireFormat::Bedrock => {
            let inference = body
                .entry("inferenceConfig")
                .or_insert_with(|| Value::Object(Map::new()));
            let Some(inference) = inference.as_object_mut() else {
                return;
            };
            (inference, "maxTokens", &["temperature"])
        }
        _ => return,
    };
    let current = target.get(key).and_then(Value::as_u64).unwrap_or(0);
    if current <= budget {
        target.insert(key.to_string(), Value::from(wanted.max(budget + 1)));
    }
    for name in dropped {
        target.remove(*name);
    }
}
