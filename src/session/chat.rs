//! The chat runner: resolve → queue under the provider/model concurrency limit → stream, with fallbacks
//! on a retryable failure before the first byte, and cancellation by the caller or by session close.
//!
//! The call's params are in `params`, how an attempt's parts and errors become the answer (held-back
//! parts, fallbacks, cost) in `outcome`, the model's reasoning presets in `variants`.

mod hooks;
mod outcome;
mod params;
mod variants;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

pub use params::{CallSpec, ChatParams, ChatTarget};

use super::error::{ChatError, ResolveError};
use super::network::{NetworkProfile, NetworkSettings, profile_of};
use super::prepare::{CallShape, WireCall, authorized_request, wire_call_sampled};
use super::resolver::{ResolvedCall, resolve_call};
use super::sources::CallSources;
use super::store::SessionSnapshot;
use crate::json_merge::merge_deep_map;
use crate::net::{ClientPool, ClientSpec, NetError};
use crate::plugin::{HookReport, Registry};
use crate::protocol::execute::{
    ExecuteOptions, PartSink, PreparedRequest, Timeouts, execute_stream,
};
use crate::protocol::limits::ConcurrencyLimits;
use crate::protocol::{ChatRequest, ChatResult, ProtocolError};
use crate::provider::common::set_header;
use crate::provider::{RequestAuthorizer, TokenBroker};
use outcome::{Attempt, HoldBack, prepare_error, protocol_error, with_cost};
use variants::{first_variant, has_variant, variant_fields};

/// Shared by every chat call: token caches, the request authorizer, the concurrency limits and the HTTP
/// clients.
pub struct ChatService {
    /// One per network profile, built on first use: its HTTP client loads the root certificates,
    /// which start-up must not wait for.
    brokers: Mutex<HashMap<NetworkProfile, Arc<TokenBroker>>>,
    authorizer: RequestAuthorizer,
    limits: ConcurrencyLimits,
    /// One client per proxy and CA setting, so connections are pooled.
    clients: ClientPool,
}

impl Default for ChatService {
    fn default() -> Self {
        Self::new()
    }
}

impl ChatService {
    pub fn new() -> Self {
        ChatService {
            brokers: Mutex::new(HashMap::new()),
            authorizer: RequestAuthorizer::default(),
            limits: ConcurrencyLimits::new(),
            clients: ClientPool::default(),
        }
    }

    /// Resolves one (session, provider, model) through the auth loaders of `hooks`, with the
    /// call's own headers on top.
    pub async fn resolve(
        &self,
        session: &SessionSnapshot,
        sources: &CallSources,
        target: &ChatTarget,
        call_headers: Option<&BTreeMap<String, String>>,
        hooks: &Registry,
    ) -> Result<ResolvedCall, ResolveError> {
        let broker = self.broker_for(session, &sources.network)?;
        let mut resolved = resolve_call(
            session,
            sources,
            &broker,
            hooks,
            &target.provider_id,
            &target.model_id,
        )
        .await?;
        for (name, value) in call_headers.into_iter().flatten() {
            set_header(&mut resolved.runtime.headers, name, value.clone());
        }
        Ok(resolved)
    }

    /// The request a call sends (what `transform/preview` shows without sending it), after the
    /// plugin hooks of `hooks` (their headers are set on `resolved`). Holds secrets in its
    /// headers: callers redact them.
    pub async fn prepare(
        &self,
        resolved: &mut ResolvedCall,
        request: &ChatRequest,
        call: &CallSpec<'_>,
        hooks: &Registry,
    ) -> Result<PreparedCall, ChatError> {
        let variant = match (call.variant, call.small) {
            (None, true) => first_variant(resolved),
            (variant, _) => variant.map(str::to_string),
        };
        let variant_body = variant_fields(resolved, variant.as_deref())?;
        let (request, mut report) =
            hooks::apply_hooks(resolved, request, call, variant.as_deref(), hooks).await?;
        // The auth loaders ran first, when the call was resolved.
        let auth = resolved.auth_hooks.clone();
        report.changes.splice(0..0, auth.changes);
        report.warnings.splice(0..0, auth.warnings);
        let shape = CallShape {
            session_id: call.session_id,
            variant_body: variant_body.as_ref(),
            small: call.small,
        };
        let wire = wire_call_sampled(resolved, request, &shape).map_err(prepare_error)?;
        let prepared =
            authorized_request(resolved, &wire, &self.authorizer).map_err(prepare_error)?;
        Ok(PreparedCall {
            wire,
            request: prepared,
            hooks: report,
        })
    }

    /// The call's request with the session's default `providerOptions` under its own: the call's
    /// own request when the session has none (a conversation can be hundreds of KB, and each
    /// attempt copies it once anyway, with its sampling defaults).
    pub fn request_for<'a>(
        &self,
        session: &SessionSnapshot,
        params: &'a ChatParams,
    ) -> Cow<'a, ChatRequest> {
        let Some(defaults) = &session.options().provider_options else {
            return Cow::Borrowed(&params.request);
        };
        let mut request = params.request.clone();
        let mut merged = defaults.clone();
        if let Some(own) = &request.provider_options {
            merge_deep_map(&mut merged, own);
        }
        request.provider_options = Some(merged);
        Cow::Owned(request)
    }

    /// Runs one chat call for `session`; `sink` sees every part of the attempt that produced the answer
    /// (it must not block), flushed after each network read and before this returns. Cancelled by
    /// `cancel` or by the session's own token.
    pub async fn run(
        &self,
        session: &SessionSnapshot,
        sources: &CallSources,
        params: &ChatParams,
        hooks: &Registry,
        cancel: &CancellationToken,
        sink: &mut dyn PartSink,
    ) -> Result<ChatResult, ChatError> {
        let cancel = either(cancel, &session.cancel);
        // Ends the watcher task of `either` when the call returns.
        let _stop_watching = cancel.clone().drop_guard();
        let client = self.client_for(session, &sources.network)?;
        let request = self.request_for(session, params);
        let primary = ChatTarget {
            provider_id: params.provider_id.clone(),
            model_id: params.model_id.clone(),
        };
        let targets: Vec<&ChatTarget> = std::iter::once(&primary)
            .chain(params.fallbacks.iter())
            .collect();
        let mut last_error = None;
        let mut warnings = Vec::new();
        for (index, target) in targets.iter().enumerate() {
            let is_last = index + 1 == targets.len();
            // Resolving (auth loaders) and preparing (hooks, which may wait on the host) give way
            // to a cancel at once; dropping a host hook's request tells the host to drop it too.
            let resolving = self.resolve(session, sources, target, params.headers.as_ref(), hooks);
            let mut resolved = unless_cancelled(&cancel, resolving).await??;
            // A fallback takes the variant only when it offers one of that name.
            let variant = match (index, params.variant.as_deref()) {
                (0, variant) => variant,
                (_, Some(name)) if has_variant(&resolved, name) => Some(name),
                _ => None,
            };
            let spec = CallSpec {
                session_id: &params.session_id,
                variant,
                small: params.small,
            };
            let preparing = self.prepare(&mut resolved, &request, &spec, hooks);
            let call = unless_cancelled(&cancel, preparing).await??;
            warnings.extend(call.hooks.warnings);
            let prepared = call.request;
            let options = ExecuteOptions {
                timeouts: session
                    .options()
                    .timeouts
                    .clone()
                    .unwrap_or_else(|| resolved.timeouts.clone()),
                retry: session.options().retry.clone().unwrap_or_default(),
            };
            let attempt = self
                .attempt(
                    &client, target, &resolved, &prepared, &options, &cancel, sink, is_last,
                )
                .await;
            if let Some(auth) = &sources.auth
                && rejected_stored_credential(&attempt, &resolved)
            {
                auth.forget_known(&target.provider_id);
            }
            match attempt {
                Attempt::Done(result) => {
                    return with_cost(result, &resolved).map(|mut result| {
                        result.warnings = warnings;
                        result
                    });
                }
                Attempt::FallBack(err) => {
                    tracing::warn!(provider = %target.provider_id, model = %target.model_id,
                        kind = err.kind(), "chat failed before its first byte; trying the next fallback");
                    last_error = Some(err);
                }
            }
        }
        Err(last_error.unwrap_or_else(|| ChatError::InvalidRequest("no model to call".into())))
    }

    #[allow(clippy::too_many_arguments)]
    async fn attempt(
        &self,
        client: &reqwest::Client,
        target: &ChatTarget,
        resolved: &ResolvedCall,
        prepared: &PreparedRequest,
        options: &ExecuteOptions,
        cancel: &CancellationToken,
        sink: &mut dyn PartSink,
        is_last: bool,
    ) -> Attempt {
        let key = format!("{}/{}", target.provider_id, target.model_id);
        let Some(_permit) = self
            .limits
            .acquire(&key, resolved.max_concurrency, cancel)
            .await
        else {
            return Attempt::Done(Err(cancelled_before_sending()));
        };
        let mut held = HoldBack::new(sink);
        let execution = execute_stream(
            client,
            prepared,
            resolved.format,
            options,
            cancel,
            &mut held,
        )
        .await;
        let result = execution.result;
        match execution.error {
            Some(ProtocolError::Provider(failure))
                if failure.retryable && !held.streaming && !is_last =>
            {
                Attempt::FallBack(ChatError::Provider {
                    failure,
                    partial: Box::new(result),
                })
            }
            error => {
                held.release();
                match error {
                    None => Attempt::Done(Ok(result)),
                    Some(err) => Attempt::Done(Err(protocol_error(err, result))),
                }
            }
        }
    }

    /// The pooled HTTP client for this call's proxy and CA settings.
    fn client_for(
        &self,
        session: &SessionSnapshot,
        network: &NetworkSettings,
    ) -> Result<reqwest::Client, ChatError> {
        let spec = ClientSpec {
            tcp_nodelay: true,
            per_thread: true,
            ..default_connect_spec()
        };
        self.clients
            .get(&profile_of(session, network), &spec)
            .map_err(|err| ChatError::Resolve(network_error(err)))
    }

    /// The token exchanges (Vertex, SAP, GitLab) for this call's proxy and CA settings.
    fn broker_for(
        &self,
        session: &SessionSnapshot,
        network: &NetworkSettings,
    ) -> Result<Arc<TokenBroker>, ResolveError> {
        let profile = profile_of(session, network);
        let mut brokers = self
            .brokers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(broker) = brokers.get(&profile) {
            return Ok(Arc::clone(broker));
        }
        let client = self
            .clients
            .get(&profile, &default_connect_spec())
            .map_err(network_error)?;
        let broker = Arc::new(TokenBroker::new(client));
        brokers.insert(profile, Arc::clone(&broker));
        Ok(broker)
    }
}

/// A call ready to send: the body and URL, the signed request, and what the hooks did.
pub struct PreparedCall {
    pub wire: WireCall,
    /// Holds secrets in its headers.
    pub request: PreparedRequest,
    pub hooks: HookReport,
}

/// A client spec with the default connect timeout (reads are timed by the caller).
fn default_connect_spec() -> ClientSpec {
    ClientSpec {
        connect_timeout: Some(std::time::Duration::from_millis(
            Timeouts::default().connect_ms,
        )),
        ..ClientSpec::default()
    }
}

fn network_error(err: NetError) -> ResolveError {
    ResolveError::Config {
        field: err.field(),
        reason: err.to_string(),
    }
}

/// `work`'s output, or `Cancelled` (with an empty partial result) as soon as `cancel` fires.
async fn unless_cancelled<T>(
    cancel: &CancellationToken,
    work: impl std::future::Future<Output = T>,
) -> Result<T, ChatError> {
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(cancelled_before_sending()),
        output = work => Ok(output),
    }
}

fn cancelled_before_sending() -> ChatError {
    ChatError::Cancelled {
        partial: Box::new(crate::protocol::PartCollector::new().result()),
    }
}

/// A token cancelled when either `a` or `b` is.
fn either(a: &CancellationToken, b: &CancellationToken) -> CancellationToken {
    let combined = b.child_token();
    let (watch, source) = (combined.clone(), a.clone());
    tokio::spawn(async move {
        tokio::select! {
            _ = source.cancelled() => watch.cancel(),
            _ = watch.cancelled() => {}
        }
    });
    combined
}

/// Whether the provider rejected (401 or 403) a credential the call took from the credential store.
fn rejected_stored_credential(attempt: &Attempt, resolved: &ResolvedCall) -> bool {
    let rejected = matches!(
        attempt,
        Attempt::Done(Err(ChatError::Provider { failure, .. }))
            if failure.kind == crate::protocol::FailureKind::Auth
    );
    rejected && matches!(resolved.credential_source, "keyring" | "file" | "oauth")
}
