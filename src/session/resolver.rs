//! The runtime resolution chain: (session, provider, model) → everything a wire call needs.
//!
//! 1. The model is looked up in the merged catalog (models.dev ← global config ← the session's config).
//! 2. The credential is chosen in order: session → stored auth (refreshed on use) → environment
//!    (snapshot + session overlay) → config `apiKey` (read by the loader) — see [`super::credentials`].
//! 3. The plugins' auth loaders (`auth` hook: the ChatGPT and Copilot sign-ins) say what the
//!    credential needs on the wire; the provider's loader
//!    ([`crate::provider::TokenBroker::resolve_runtime`]) turns all that into a
//!    [`ResolvedRuntime`]: URL, headers, auth scheme and default body options, with the auth
//!    loaders' options over it.
//!
//! Request authorization that needs the exact body (SigV4, Z.AI JWT, Copilot headers) happens per
//! outgoing request, in [`super::prepare`].

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::credentials::{aws_sdk_credential, choose_credential};
use super::error::ResolveError;
use super::sources::CallSources;
use super::store::SessionSnapshot;
use crate::catalog::{MergedCatalog, ModelOrigin, ResolvedModel, ResolvedProvider};
use crate::config::TimeoutSetting;
use crate::plugin::{HookReport, Registry};
use crate::protocol::WireFormat;
use crate::protocol::cost::ModelCost;
use crate::protocol::execute::Timeouts;
use crate::provider::{ClientIdentity, LoaderInput, ProviderError, ResolvedRuntime, TokenBroker};
use crate::transform::TransformSettings;

/// A call ready for [`super::prepare::prepare_call`].
#[derive(Debug, Clone)]
pub struct ResolvedCall {
    pub format: WireFormat,
    /// URL, headers, auth scheme and default options (secrets only inside `auth`; `Debug` redacts).
    pub runtime: ResolvedRuntime,
    /// Concurrent requests allowed for this provider/model (0: unlimited).
    pub max_concurrency: usize,
    /// Catalog prices, when the catalog knows them.
    pub cost: Option<ModelCost>,
    /// Where the credential came from (`session`, `keyring`, `file`, `oauth`, `env`, `config`,
    /// `none`), never the value.
    pub credential_source: &'static str,
    /// The merged catalog entry (variants, limits, capabilities).
    pub model: ResolvedModel,
    /// From the provider's `timeout` / `headerTimeout` / `chunkTimeout` options; a session's own
    /// timeouts replace them.
    pub timeouts: Timeouts,
    /// The provider's and model's settings of the request transforms (`outputTokenMax`,
    /// `setCacheKey`, `setCacheControl`).
    pub transform: TransformSettings,
    /// Paid by a subscription (a ChatGPT sign-in): the call costs 0.
    pub subscription: bool,
    /// What the auth loaders contributed (for `transform/preview`) and which of them failed.
    pub auth_hooks: HookReport,
}

/// Resolves one (session, provider, model) through the whole chain.
pub async fn resolve_call(
    session: &SessionSnapshot,
    sources: &CallSources,
    broker: &TokenBroker,
    hooks: &Registry,
    provider_id: &str,
    model_id: &str,
) -> Result<ResolvedCall, ResolveError> {
    let merged = session_catalog(session, sources, provider_id)?;
    let provider = merged
        .provider(provider_id)
        .ok_or_else(|| ResolveError::ProviderNotFound(provider_id.to_string()))?;
    let model = find_model(provider, model_id, sources, provider_id)?;

    let env = session.env_view();
    let mut chosen = choose_credential(session, sources, provider, &model, &env).await?;
    let options = provider_options(provider);
    let api_url = model_api_url(provider, &model);
    let mut session_headers = model.headers.0.clone();
    session_headers.extend(
        session
            .headers()
            .iter()
            .map(|(name, value)| (name.clone(), value.clone())),
    );
    let client = ClientIdentity::default();
    let from_sdk_chain;
    let mut input = LoaderInput {
        provider_id,
        model_id: &model.api_id,
        npm: Some(&*model.npm),
        api_url: api_url.as_deref(),
        options: &options,
        session_headers: &session_headers,
        credential: chosen.credential.as_ref(),
        credential_metadata: &chosen.metadata,
        env: &env,
        client: &client,
    };
    if input.credential.is_none() {
        from_sdk_chain = aws_sdk_credential(broker, &input)
            .await
            .map_err(|error| provider_error(provider_id, error))?;
        if from_sdk_chain.is_some() {
            input.credential = from_sdk_chain.as_ref();
            chosen.source = "aws-sdk";
        }
    }
    let mut auth_hooks = HookReport::default();
    let auth = hooks.auth(&input, &mut auth_hooks).await?;
    let with_base = auth.loader_options(&options);
    let input = LoaderInput {
        options: with_base.as_ref().unwrap_or(&options),
        ..input
    };
    let mut runtime = broker
        .resolve_runtime(&input)
        .await
        .map_err(|error| provider_error(provider_id, error))?;
    auth.apply_to(&mut runtime);
    let max_concurrency = model
        .options
        .get("maxConcurrency")
        .or_else(|| options.get("maxConcurrency"))
        .and_then(Value::as_u64)
        .unwrap_or(0) as usize;
    let subscription =
        crate::provider::profile_of(provider_id, Some(&model.npm)).billed_by_subscription(&runtime);
    Ok(ResolvedCall {
        format: runtime.protocol.wire_format(),
        runtime,
        max_concurrency,
        cost: model.info.cost.as_ref().map(super::pricing::model_cost),
        credential_source: chosen.source,
        timeouts: call_timeouts(provider, &model),
        transform: TransformSettings::from_options(&options, &model.options),
        subscription,
        auth_hooks,
        model,
    })
}

/// OpenCode's provider timeouts: `headerTimeout` (else `timeout`) bounds the wait for the first byte,
/// `chunkTimeout` the silence between chunks; `false` disables one. A model's own `options` win over
/// its provider's.
fn call_timeouts(provider: &ResolvedProvider, model: &ResolvedModel) -> Timeouts {
    let mut timeouts = Timeouts::default();
    let provider_first_byte = provider.options.header_timeout.or(provider.options.timeout);
    let model_setting = |key: &str| {
        model
            .options
            .get(key)
            .and_then(|value| serde_json::from_value::<TimeoutSetting>(value.clone()).ok())
    };
    let first_byte = model_setting("headerTimeout")
        .or_else(|| model_setting("timeout"))
        .or(provider_first_byte);
    match first_byte {
        Some(TimeoutSetting::Millis(ms)) => timeouts.first_byte_ms = ms,
        Some(TimeoutSetting::Enabled(false)) => timeouts.first_byte_ms = 0,
        Some(TimeoutSetting::Enabled(true)) | None => {}
    }
    let idle = model_setting("chunkTimeout")
        .or(provider.options.chunk_timeout.map(TimeoutSetting::Millis));
    match idle {
        Some(TimeoutSetting::Millis(ms)) => timeouts.idle_ms = ms,
        Some(TimeoutSetting::Enabled(false)) => timeouts.idle_ms = 0,
        Some(TimeoutSetting::Enabled(true)) | None => {}
    }
    timeouts
}

/// The merged catalog this session sees: the shared one, or — when the session brings its own config —
/// the requested provider merged again with the session's config on top.
fn session_catalog(
    session: &SessionSnapshot,
    sources: &CallSources,
    provider_id: &str,
) -> Result<Arc<MergedCatalog>, ResolveError> {
    let Some(overlay) = session.config_overlay() else {
        return Ok(Arc::clone(&sources.merged));
    };
    let env = session.env_view();
    let overlay =
        crate::config::SidecarConfig::from_value(overlay.clone(), &env, None).map_err(|error| {
            ResolveError::Config {
                field: "session.config".into(),
                reason: error.to_string(),
            }
        })?;
    let config = sources.config.overlaid_with(&overlay);
    let mut only_this = crate::catalog::Catalog::default();
    if let Some(provider) = sources.catalog.providers.get(provider_id) {
        only_this
            .providers
            .insert(provider_id.to_string(), provider.clone());
    }
    let mut merged = MergedCatalog::build(&only_this, &config);
    // Models found by discovery live in the shared catalog only.
    if let (Some(own), Some(shared)) = (
        merged.providers.get_mut(provider_id),
        sources.merged.provider(provider_id),
    ) {
        for (id, model) in &shared.models {
            if model.origin == ModelOrigin::Discovered {
                own.models
                    .entry(id.clone())
                    .or_insert_with(|| model.clone());
            }
        }
    }
    Ok(Arc::new(merged))
}

/// The catalog entry, or — for a provider config points at its own endpoint — an ad-hoc model (as
/// OpenAI-compatible servers take any model name).
fn find_model(
    provider: &ResolvedProvider,
    model_id: &str,
    sources: &CallSources,
    provider_id: &str,
) -> Result<ResolvedModel, ResolveError> {
    if let Some(model) = provider.models.get(model_id) {
        return Ok(model.clone());
    }
    let has_own_endpoint = provider.options.base_url.is_some()
        || (provider.api_url.is_some() && !sources.catalog.providers.contains_key(provider_id));
    if !has_own_endpoint {
        return Err(ResolveError::ModelNotFound {
            provider_id: provider_id.to_string(),
            model_id: model_id.to_string(),
        });
    }
    let template = crate::catalog::types::CatalogModel {
        id: model_id.to_string(),
        name: model_id.to_string(),
        ..Default::default()
    };
    Ok(ResolvedModel {
        id: model_id.to_string(),
        api_id: model_id.to_string(),
        npm: provider.npm.clone(),
        api_url: provider.api_url.clone(),
        shape: None,
        protocol: crate::catalog::protocol_family::runtime_protocol(
            provider_id,
            &provider.npm,
            model_id,
            None,
        ),
        origin: ModelOrigin::Config,
        info: Arc::new(template),
        options: Map::new(),
        headers: Default::default(),
        variants: BTreeMap::new(),
        disabled_variants: Default::default(),
    })
}

/// A model-level `provider.api` override wins; else the provider's URL (config `api`/`baseURL`, else
/// the catalog's).
fn model_api_url(provider: &ResolvedProvider, model: &ResolvedModel) -> Option<String> {
    let model_override = model
        .info
        .provider
        .as_ref()
        .and_then(|p| p.api.clone())
        .filter(|url| !url.trim().is_empty());
    model_override
        .or_else(|| provider.api_url.as_deref().map(str::to_owned))
        .or_else(|| model.api_url.as_deref().map(str::to_owned))
}

fn provider_options(provider: &ResolvedProvider) -> Map<String, Value> {
    match serde_json::to_value(&provider.options) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn provider_error(provider_id: &str, error: ProviderError) -> ResolveError {
    let reason = error.to_string();
    match error {
        ProviderError::AuthMissing { hint, .. } => ResolveError::AuthMissing {
            provider_id: provider_id.to_string(),
            hint,
        },
        ProviderError::AuthExpired { hint, .. } => ResolveError::AuthExpired {
            provider_id: provider_id.to_string(),
            hint,
        },
        ProviderError::AuthFailed { reason, .. } => ResolveError::AuthFailed {
            provider_id: provider_id.to_string(),
            reason,
        },
        ProviderError::ConfigMissing { setting, .. } => ResolveError::Config {
            field: format!("provider.{provider_id}.options.{setting}"),
            reason,
        },
        ProviderError::InvalidOption { option, .. } => ResolveError::Config {
            field: format!("provider.{provider_id}.options.{option}"),
            reason,
        },
        ProviderError::InvalidUrl { .. } => ResolveError::Config {
            field: format!("provider.{provider_id}.options.baseURL"),
            reason,
        },
        ProviderError::Unsupported { .. } => ResolveError::Config {
            field: format!("provider.{provider_id}.npm"),
            reason,
        },
        ProviderError::TokenExchange(_) | ProviderError::Signing(_) => ResolveError::AuthFailed {
            provider_id: provider_id.to_string(),
            reason,
        },
    }
}
