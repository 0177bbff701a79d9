//! Provider profiles: one module per vendor family, the single place that knows a family's
//! provider ids and npm packages, the wire protocol each of its models is called with, its loader
//! (URL, headers, auth scheme), how its API spells reasoning settings and which reasoning presets
//! it offers. The catalog, the session layer and the request transforms ask the profile
//! ([`profile_of`]); nothing else matches on provider ids or npm package names.
//!
//! A profile is picked by provider id first (the provider's own quirks), then by the model's npm
//! package (a custom provider speaking a known SDK's API), else the generic OpenAI-compatible one.

pub mod alibaba;
pub mod anthropic;
pub mod attribution;
pub mod azure;
pub mod bedrock;
pub mod cerebras;
pub mod cloudflare;
pub mod cohere;
pub mod copilot;
pub mod gemini;
pub mod generic;
pub mod gitlab;
pub mod hosts;
pub mod known_npm;
pub mod openai;
pub mod openrouter;
pub mod options;
pub mod sap;
pub mod vercel;
pub mod vertex;
pub mod xai;
pub mod zai;
pub mod zen;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::common::join_url;
use super::error::ProviderError;
use super::input::LoaderInput;
use super::runtime::{AuthScheme, ResolvedRuntime, RuntimeProtocol};

/// The npm package of models that do not name one.
pub const OPENAI_COMPATIBLE_NPM: &str = "@ai-sdk/openai-compatible";

/// What a profile needs to know of a model: who serves it, through which SDK package, under which
/// upstream id.
#[derive(Debug, Clone, Copy)]
pub struct ServedModel<'a> {
    pub provider_id: &'a str,
    /// The model's npm package (its own override, else the provider's).
    pub npm: &'a str,
    /// The id sent upstream.
    pub api_id: &'a str,
}

/// A call as a profile's request-transform hooks see it: the model, what the catalog says of it,
/// and the runtime its loader resolved.
#[derive(Clone, Copy)]
pub struct CallRef<'a> {
    pub model: ServedModel<'a>,
    /// The catalog key of the model (what clients select; usually the api id).
    pub model_id: &'a str,
    /// The catalog says the model reasons.
    pub reasoning: bool,
    /// The catalog's output limit (0: unknown).
    pub output_limit: u64,
    pub runtime: &'a ResolvedRuntime,
    /// The session the call runs in (OpenCode's prompt-cache key).
    pub session_id: &'a str,
    /// The provider's `setCacheKey` option.
    pub set_cache_key: bool,
    /// The provider's or model's `setCacheControl` option: cache marks forced on or off.
    pub set_cache_control: Option<bool>,
}

/// What a family's API demands of the conversation (OpenCode's message rules that follow the
/// provider; the ones that follow the model live in `transform::messages`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageRules {
    /// Drop empty text, empty reasoning without a signature under this `providerOptions`
    /// namespace, and messages left empty (the Messages API and Bedrock reject them).
    pub drop_empty: Option<&'static str>,
    /// Put an assistant message's tool calls after its other parts (a Messages-API turn must end
    /// with its tool uses).
    pub tool_calls_last: bool,
    /// Mistral's 9-character alphanumeric tool-call ids and its `Done.` turn.
    pub mistral: bool,
    /// Send earlier reasoning back in the catalog's `interleaved` field (not OpenRouter, whose own
    /// package sends it its way).
    pub interleaved_field: bool,
    /// Tool schemas as Moonshot's validator takes them (a `$ref` alone, one schema for `items`).
    pub moonshot_schemas: bool,
    /// Tool schemas as Gemini takes them (string enums, `items` on arrays, ...).
    pub gemini_schemas: bool,
}

impl Default for MessageRules {
    fn default() -> Self {
        Self {
            drop_empty: None,
            tool_calls_last: false,
            mistral: false,
            interleaved_field: true,
            moonshot_schemas: false,
            gemini_schemas: false,
        }
    }
}

/// A call parameter the provider would refuse, caught before the request goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidParam {
    /// The offending field of the call's params (`modelId`, `tools[0].name`, …).
    pub field: String,
    pub reason: String,
}

impl InvalidParam {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// How prompt-cache marks are written for a family (OpenCode's `applyCaching` sets them under every
/// SDK's key at once; here only the one the call's API reads is set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheMarks {
    /// `anthropic.cacheControl` (Messages API `cache_control`).
    Anthropic,
    /// `bedrock.cachePoint` (a Converse `cachePoint` block).
    Bedrock,
    /// `openrouter.cacheControl` (OpenRouter's `cache_control` on content parts).
    OpenRouter,
    /// `openaiCompatible.cache_control` (spread onto the message or part).
    Compatible,
    /// `openaiCompatible.copilot_cache_control` (Copilot's own field).
    Copilot,
}

/// Where a family's cache marks go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicy {
    pub marks: CacheMarks,
    /// On the message itself rather than on its last part (Anthropic's own API, Bedrock).
    pub on_message: bool,
}

/// How a provider's API spells reasoning settings, before the model's own traits (Claude's
/// adaptive thinking, the vendor behind a Bedrock model) are added by the transform layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasoningApi {
    /// Chat completions: `reasoning_effort`.
    OpenaiChat,
    /// GitHub Copilot's chat completions: `reasoning_effort`, and `thinking_budget` for Claude.
    CopilotChat,
    /// OpenRouter: `reasoning: {effort | max_tokens | enabled}`.
    OpenRouter,
    /// Z.AI and Zhipu: `thinking: {type}` (plus `reasoning_effort` on models with effort levels).
    Zai,
    /// Alibaba DashScope's compatible mode: `enable_thinking` and `thinking_budget`.
    Alibaba,
    /// Responses API; `summary` adds `reasoning.summary: "auto"` and the encrypted-reasoning
    /// include (OpenAI, Azure, Copilot; not xAI).
    OpenaiResponses {
        summary: bool,
    },
    Anthropic,
    Gemini,
    Bedrock,
    Cohere,
}

impl ReasoningApi {
    /// The plain flavour of each protocol.
    pub fn of_protocol(protocol: RuntimeProtocol) -> Self {
        match protocol {
            RuntimeProtocol::OpenaiChat | RuntimeProtocol::Zai => Self::OpenaiChat,
            RuntimeProtocol::OpenaiResponses => Self::OpenaiResponses { summary: true },
            RuntimeProtocol::Anthropic => Self::Anthropic,
            RuntimeProtocol::Gemini => Self::Gemini,
            RuntimeProtocol::Bedrock => Self::Bedrock,
            RuntimeProtocol::Cohere => Self::Cohere,
        }
    }
}

/// Which of OpenCode's heuristic reasoning-preset tables (its `variants()`) a model gets when the
/// catalog has no `reasoning_options` for it; the tables themselves read the model id and live in
/// `transform::variants::heuristic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariantPresets {
    None,
    /// OpenAI's effort levels by model (`@ai-sdk/openai`, Bedrock Mantle).
    Openai,
    Azure,
    Copilot,
    OpenRouter,
    /// Claude budgets or adaptive efforts (Anthropic Messages; the Claude models on Bedrock).
    Claude,
    /// By the vendor behind the Bedrock model (Claude, Nova).
    Bedrock,
    /// Gemini 2.5 budgets, Gemini 3 levels.
    Gemini,
    /// `none, low, medium, high`.
    Groq,
    /// `high` for the few Mistral models that take it.
    Mistral,
    /// `low, medium, high` (plus `max` for DeepSeek V4).
    Compatible,
    /// Cloudflare AI Gateway: OpenAI's levels for `openai/*`, else `low, medium, high`.
    CloudflareGateway,
}

/// One vendor family. Every method but [`Profile::resolve`] has the behaviour of a plain
/// provider of its protocol; a family overrides what differs.
pub trait Profile: Sync {
    /// The family's name, for logs and tests.
    fn family(&self) -> &'static str;

    /// Whether `provider_id` belongs to this family (its own ids and aliases).
    fn claims_provider(&self, _provider_id: &str) -> bool {
        false
    }

    /// The npm packages whose API this family speaks, for providers it does not claim by id.
    fn packages(&self) -> &'static [&'static str] {
        &[]
    }

    /// The protocol a model of this family is called with (the model's `protocol` in the catalog;
    /// the loader may still pick another from the provider's options, as Azure's
    /// `useCompletionUrls`).
    fn protocol(&self, model: &ServedModel<'_>) -> RuntimeProtocol {
        protocol_of_package(model.npm, model.api_id)
    }

    /// The loader: URL, headers, auth scheme and default body fields of one call.
    fn resolve(&self, input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError>;

    /// How reasoning settings are spelled on `protocol` (the protocol the loader picked).
    fn reasoning_api(&self, protocol: RuntimeProtocol, _model: &ServedModel<'_>) -> ReasoningApi {
        ReasoningApi::of_protocol(protocol)
    }

    /// The heuristic reasoning presets for models without catalog `reasoning_options`.
    fn variant_presets(&self, api: ReasoningApi, _model: &ServedModel<'_>) -> VariantPresets {
        match api {
            ReasoningApi::OpenRouter => VariantPresets::OpenRouter,
            ReasoningApi::OpenaiResponses { summary: true } => VariantPresets::Openai,
            ReasoningApi::Anthropic => VariantPresets::Claude,
            ReasoningApi::Bedrock => VariantPresets::Bedrock,
            ReasoningApi::Gemini => VariantPresets::Gemini,
            ReasoningApi::Cohere => VariantPresets::None,
            ReasoningApi::OpenaiChat
            | ReasoningApi::CopilotChat
            | ReasoningApi::Zai
            | ReasoningApi::Alibaba
            | ReasoningApi::OpenaiResponses { summary: false } => VariantPresets::Compatible,
        }
    }

    /// Whether a call that names no output limit is sent OpenCode's default (`min(limit.output,
    /// 32000)`); Cloudflare's OpenAI reasoning models take none. (ChatGPT and Copilot's GPT
    /// models drop it too, in the built-in plugins that stand for OpenCode's sign-in plugins.)
    fn sends_default_output_limit(&self, _call: &CallRef<'_>) -> bool {
        true
    }

    /// OpenCode's `options()` for this family: the provider options every call of the model gets,
    /// in the AI SDK's spelling (the transform layer writes them as body fields).
    fn options(&self, call: &CallRef<'_>) -> Map<String, Value> {
        options::common(call, options::Gpt5Defaults::default())
    }

    /// What a small call (a title, a summary) gets besides the model's first reasoning preset
    /// (OpenCode's `smallOptions()`); `has_variant` tells whether the model has one.
    fn small_options(&self, _call: &CallRef<'_>, _has_variant: bool) -> Map<String, Value> {
        Map::new()
    }

    /// The `providerOptions` keys this family's AI SDK package reads (OpenCode's `sdkKey`), besides
    /// the provider id; a call's `providerOptions` under any of them apply.
    fn sdk_keys(&self, _call: &CallRef<'_>) -> &'static [&'static str] {
        &[]
    }

    /// Options this family's endpoint takes as a JSON object of their own instead of as body fields
    /// (the Vercel gateway's `providerOptions`), given in the AI SDK's spelling.
    fn envelope(
        &self,
        _call: &CallRef<'_>,
        _options: &Map<String, Value>,
    ) -> Option<Map<String, Value>> {
        None
    }

    /// What this family's API demands of the conversation; by default what the model's package
    /// demands (the Messages API's and Bedrock's empty-content rules).
    fn message_rules(&self, call: &CallRef<'_>) -> MessageRules {
        default_message_rules(call)
    }

    /// Whether and how the first two system messages and the last two others get prompt-cache
    /// marks: for Claude models (and the Anthropic and Alibaba packages), in the form the call's
    /// protocol reads. `setCacheControl` in the provider's or model's options forces it either way.
    fn cache_policy(&self, call: &CallRef<'_>) -> Option<CachePolicy> {
        default_cache_policy(call)
    }

    /// The system messages go in the body's `instructions` instead (the ChatGPT endpoint takes no
    /// system messages).
    fn system_as_instructions(&self, _call: &CallRef<'_>) -> bool {
        false
    }

    /// A call whose history has tool calls but which offers no tools gets a placeholder tool
    /// (Copilot rejects such a call otherwise).
    fn needs_placeholder_tool(&self, _call: &CallRef<'_>) -> bool {
        false
    }

    /// The call is paid for by a subscription, not by the token (a ChatGPT sign-in): its cost is 0.
    fn billed_by_subscription(&self, _runtime: &ResolvedRuntime) -> bool {
        false
    }

    /// Refuses a call the provider is known to refuse (a model a sign-in does not serve).
    fn validate(&self, _call: &CallRef<'_>) -> Result<(), InvalidParam> {
        Ok(())
    }

    /// Why the catalog's models of this family cannot be called, when that is so.
    fn catalog_note(&self) -> Option<&'static str> {
        None
    }
}

/// The message rules of a model's package (see [`Profile::message_rules`]), for profiles to build
/// on.
pub fn default_message_rules(call: &CallRef<'_>) -> MessageRules {
    let mut rules = MessageRules::default();
    match call.model.npm {
        "@ai-sdk/anthropic" => {
            rules.drop_empty = Some("anthropic");
            rules.tool_calls_last = true;
        }
        "@ai-sdk/google-vertex/anthropic" => rules.tool_calls_last = true,
        "@ai-sdk/amazon-bedrock" => rules.drop_empty = Some("bedrock"),
        _ => {}
    }
    rules
}

/// OpenCode's caching rule (see [`Profile::cache_policy`]), for profiles to build on.
pub fn default_cache_policy(call: &CallRef<'_>) -> Option<CachePolicy> {
    let model = &call.model;
    let claude = [model.api_id, call.model_id]
        .iter()
        .any(|id| id.contains("claude") || id.contains("anthropic"));
    let wanted = call.set_cache_control.unwrap_or(
        claude
            || matches!(model.npm, "@ai-sdk/anthropic" | "@ai-sdk/alibaba")
            || matches!(model.provider_id, "anthropic" | "google-vertex-anthropic"),
    );
    if !wanted {
        return None;
    }
    let marks = match call.runtime.protocol {
        RuntimeProtocol::Anthropic => CacheMarks::Anthropic,
        RuntimeProtocol::Bedrock => CacheMarks::Bedrock,
        RuntimeProtocol::OpenaiChat | RuntimeProtocol::Zai => CacheMarks::Compatible,
        _ => return None,
    };
    Some(CachePolicy {
        marks,
        on_message: model.provider_id == "anthropic"
            || model.provider_id.contains("bedrock")
            || model.npm == "@ai-sdk/amazon-bedrock",
    })
}

/// Families that claim providers by id, then by package; the generic profile is the fallback.
static PROFILES: &[&dyn Profile] = &[
    &anthropic::PROFILE,
    &openai::PROFILE,
    &azure::PROFILE,
    &bedrock::PROFILE,
    &gemini::PROFILE,
    &vertex::PROFILE,
    &vertex::ANTHROPIC_PROFILE,
    &copilot::PROFILE,
    &zai::PROFILE,
    &openrouter::PROFILE,
    &vercel::PROFILE,
    &attribution::PROFILE,
    &cerebras::PROFILE,
    &cloudflare::GATEWAY_PROFILE,
    &cloudflare::WORKERS_AI_PROFILE,
    &zen::PROFILE,
    &gitlab::PROFILE,
    &sap::PROFILE,
    &alibaba::PROFILE,
    &hosts::BASETEN_PROFILE,
    &hosts::VENICE_PROFILE,
    &hosts::MOONSHOT_PROFILE,
    &xai::PROFILE,
    &cohere::PROFILE,
    &known_npm::MISTRAL_PROFILE,
    &known_npm::GROQ_PROFILE,
    &known_npm::PACKAGES_PROFILE,
];

/// The profile of `provider_id` (by id), else of the model's `npm` package, else the generic
/// OpenAI-compatible one.
pub fn profile_of(provider_id: &str, npm: Option<&str>) -> &'static dyn Profile {
    if let Some(profile) = PROFILES.iter().find(|p| p.claims_provider(provider_id)) {
        return *profile;
    }
    if let Some(npm) = npm
        && let Some(profile) = PROFILES.iter().find(|p| p.packages().contains(&npm))
    {
        return *profile;
    }
    &generic::PROFILE
}

/// Resolves the runtime of one (session, provider, model) through its profile's loader.
pub fn resolve(input: &LoaderInput<'_>) -> Result<ResolvedRuntime, ProviderError> {
    profile_of(input.provider_id, input.npm).resolve(input)
}

/// The protocol of a model by its npm package alone (models.dev and OpenCode name the package; an
/// unknown one is taken to be OpenAI-compatible chat completions).
pub fn protocol_of_package(npm: &str, api_id: &str) -> RuntimeProtocol {
    match npm {
        "@ai-sdk/anthropic" | "@ai-sdk/google-vertex/anthropic" => RuntimeProtocol::Anthropic,
        "@ai-sdk/openai" | "@ai-sdk/azure" | "@ai-sdk/xai" => RuntimeProtocol::OpenaiResponses,
        "@ai-sdk/amazon-bedrock/mantle" if api_id.contains("gpt-oss-safeguard") => {
            RuntimeProtocol::OpenaiChat
        }
        "@ai-sdk/amazon-bedrock/mantle" => RuntimeProtocol::OpenaiResponses,
        "@ai-sdk/google" | "@ai-sdk/google-vertex" => RuntimeProtocol::Gemini,
        "@ai-sdk/amazon-bedrock" => RuntimeProtocol::Bedrock,
        "@ai-sdk/cohere" => RuntimeProtocol::Cohere,
        _ => RuntimeProtocol::OpenaiChat,
    }
}

/// The path of a streaming chat call for protocols whose URL does not embed the model.
pub fn chat_path(protocol: RuntimeProtocol) -> Option<&'static str> {
    match protocol {
        RuntimeProtocol::OpenaiChat | RuntimeProtocol::Zai => Some("chat/completions"),
        RuntimeProtocol::OpenaiResponses => Some("responses"),
        RuntimeProtocol::Anthropic => Some("messages"),
        RuntimeProtocol::Cohere => Some("chat"),
        RuntimeProtocol::Gemini | RuntimeProtocol::Bedrock => None,
    }
}

/// A runtime whose chat URL is `base_url` + the protocol's chat path.
pub fn runtime_at(
    input: &LoaderInput<'_>,
    protocol: RuntimeProtocol,
    base_url: String,
    headers: BTreeMap<String, String>,
    auth: AuthScheme,
) -> ResolvedRuntime {
    let chat_url = match chat_path(protocol) {
        Some(path) => join_url(&base_url, path),
        None => base_url.clone(),
    };
    ResolvedRuntime {
        provider_id: input.provider_id.to_string(),
        protocol,
        base_url,
        chat_url,
        headers,
        auth,
        default_options: serde_json::Map::new(),
        wire_model_id: input.model_id.trim().to_string(),
        model_in_body: !matches!(protocol, RuntimeProtocol::Gemini | RuntimeProtocol::Bedrock),
        dynamic_headers: None,
    }
}

/// Bearer with the session's key when there is one; keyless local servers get no auth.
pub fn bearer_or_none(input: &LoaderInput<'_>) -> AuthScheme {
    input
        .api_key()
        .filter(|key| !key.is_empty())
        .map_or(AuthScheme::None, AuthScheme::Bearer)
}

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(test)]
mod registry_tests;
