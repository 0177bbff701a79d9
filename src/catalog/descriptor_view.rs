//! A model descriptor borrowed from the merged catalog: what `model/list` serializes without
//! copying a string, and the one place a descriptor's derived fields (capabilities, known
//! modalities, variant names, base URL) are worked out; [`ModelDescriptor`] is its owned copy.
//!
//! The view's fields, their order and their `serde` attributes mirror [`ModelDescriptor`] so that
//! both serialize to the same bytes (a test compares them over the whole catalog); `model/list`
//! writes the view with the hand-written `descriptor_json`, which a field added here must follow
//! (its tests compare it with serde's bytes).

use serde::Serialize;

use super::descriptors::{CallOptionSupport, ModelCapabilities, ModelDescriptor, ModelModalities};
use super::merge::{ModelOrigin, ResolvedModel, ResolvedProvider};
use super::protocol_family::RuntimeProtocol;
use super::types::{Cost, Interleaved, Limit, Modality, ModelStatus, ReasoningOption};
use crate::protocol::WireFormat;
use crate::protocol::support::{JsonAnswerMode, SamplingOption};

/// A model that states no modalities reads and writes text.
const TEXT_ONLY: &[Modality] = &[Modality::Text];

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelDescriptorView<'a> {
    pub id: QualifiedId<'a>,
    pub name: &'a str,
    pub provider_id: &'a str,
    pub provider_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_api_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_npm_package: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_env_vars: Option<&'a [String]>,
    pub context_window: u64,
    pub max_output_tokens: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modalities: Option<ModalitiesView<'a>>,
    pub capabilities: ModelCapabilities,
    pub model_id: &'a str,
    pub api_id: &'a str,
    pub protocol: RuntimeProtocol,
    pub connected: bool,
    pub status: ModelStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub knowledge: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_weights: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<&'a Cost>,
    pub limit: Limit,
    pub attachment: bool,
    pub temperature: bool,
    pub structured_output: bool,
    pub call_options: CallOptionsView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interleaved: Option<&'a Interleaved>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_options: Option<&'a [ReasoningOption]>,
    pub variants: Vec<&'a str>,
    pub origin: ModelOrigin,
}

/// [`CallOptionSupport`] without copying: worked out from the model's wire protocol and catalog
/// flags by [`crate::protocol::support`], the same answers the request transforms give.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallOptionsView {
    pub json_answer: JsonAnswerMode,
    pub seed: bool,
    pub presence_penalty: bool,
    pub frequency_penalty: bool,
    pub provider_tools: ProviderToolIds,
}

impl CallOptionsView {
    pub fn of(model: &ResolvedModel) -> Self {
        let format = model.protocol.wire_format();
        let takes = |option| format.refuses(option, &model.api_id).is_none();
        let structured = model.info.structured_output.unwrap_or(false);
        Self {
            json_answer: format.json_answer_mode(&model.api_id, structured, true),
            seed: takes(SamplingOption::Seed),
            presence_penalty: takes(SamplingOption::PresencePenalty),
            frequency_penalty: takes(SamplingOption::FrequencyPenalty),
            provider_tools: ProviderToolIds(model.tool_call().then_some(format)),
        }
    }

    pub fn to_support(self) -> CallOptionSupport {
        CallOptionSupport {
            json_answer: self.json_answer,
            seed: self.seed,
            presence_penalty: self.presence_penalty,
            frequency_penalty: self.frequency_penalty,
            provider_tools: self.provider_tools.iter().map(str::to_owned).collect(),
        }
    }
}

/// The provider-defined tool ids of a wire format (none for a model that calls no tools).
#[derive(Debug, Clone, Copy)]
pub struct ProviderToolIds(Option<WireFormat>);

impl ProviderToolIds {
    pub fn iter(&self) -> impl Iterator<Item = &'static str> {
        self.0
            .into_iter()
            .flat_map(crate::protocol::provider_tools::ids)
    }
}

impl Serialize for ProviderToolIds {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// `"<providerId>/<modelId>"`, written without building the string.
#[derive(Debug, Clone, Copy)]
pub struct QualifiedId<'a> {
    pub provider_id: &'a str,
    pub model_id: &'a str,
}

impl std::fmt::Display for QualifiedId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.provider_id, self.model_id)
    }
}

impl Serialize for QualifiedId<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The model's modalities without the ones this version does not know.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ModalitiesView<'a> {
    pub input: KnownModalities<'a>,
    pub output: KnownModalities<'a>,
}

#[derive(Debug, Clone, Copy)]
pub struct KnownModalities<'a>(&'a [Modality]);

impl KnownModalities<'_> {
    pub fn iter(&self) -> impl Iterator<Item = Modality> + '_ {
        self.0.iter().copied().filter(|m| *m != Modality::Unknown)
    }

    pub fn contains(&self, modality: Modality) -> bool {
        modality != Modality::Unknown && self.0.contains(&modality)
    }
}

impl Serialize for KnownModalities<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'a> ModelDescriptorView<'a> {
    pub fn new(provider: &'a ResolvedProvider, model: &'a ResolvedModel, connected: bool) -> Self {
        let info = &*model.info;
        let (input, output) = match &info.modalities {
            Some(modalities) => (
                KnownModalities(&modalities.input),
                KnownModalities(&modalities.output),
            ),
            None => (KnownModalities(TEXT_ONLY), KnownModalities(TEXT_ONLY)),
        };
        let text = input.contains(Modality::Text) || output.contains(Modality::Text);
        let tools = model.tool_call();
        let limit = model.limit();
        let api_url = provider
            .options
            .base_url
            .as_deref()
            .or(model.api_url.as_deref())
            .or(provider.api_url.as_deref());
        Self {
            id: QualifiedId {
                provider_id: &provider.id,
                model_id: &model.id,
            },
            name: &info.name,
            provider_id: &provider.id,
            provider_name: &provider.name,
            provider_api_url: api_url,
            provider_npm_package: Some(&*model.npm),
            provider_env_vars: Some(&provider.env),
            context_window: limit.context,
            max_output_tokens: limit.output,
            capabilities: ModelCapabilities {
                text,
                vision: input.contains(Modality::Image),
                tools,
                reasoning: info.reasoning.unwrap_or(false),
                plan: tools && output.contains(Modality::Text),
            },
            modalities: Some(ModalitiesView { input, output }),
            model_id: &model.id,
            api_id: &model.api_id,
            protocol: model.protocol,
            connected,
            status: model.status(),
            family: info.family.as_deref(),
            release_date: info.release_date.as_deref(),
            last_updated: info.last_updated.as_deref(),
            knowledge: info.knowledge.as_deref(),
            open_weights: info.open_weights,
            cost: info.cost.as_ref(),
            limit,
            attachment: info.attachment.unwrap_or(false),
            temperature: info.temperature.unwrap_or(false),
            structured_output: info.structured_output.unwrap_or(false),
            call_options: CallOptionsView::of(model),
            interleaved: info.interleaved.as_ref(),
            reasoning_options: info.reasoning_options.as_deref(),
            variants: variant_names(model),
            origin: model.origin,
        }
    }

    /// Whether the model reads this modality (an input the catalog names and this version knows).
    pub fn reads(&self, modality: Modality) -> bool {
        self.modalities
            .is_some_and(|modalities| modalities.input.contains(modality))
    }

    pub fn to_descriptor(&self) -> ModelDescriptor {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        ModelDescriptor {
            id: self.id.to_string(),
            name: self.name.to_owned(),
            provider_id: self.provider_id.to_owned(),
            provider_name: self.provider_name.to_owned(),
            provider_api_url: owned(self.provider_api_url),
            provider_npm_package: owned(self.provider_npm_package),
            provider_env_vars: self.provider_env_vars.map(<[String]>::to_vec),
            context_window: self.context_window,
            max_output_tokens: self.max_output_tokens,
            modalities: self.modalities.map(|m| ModelModalities {
                input: m.input.iter().collect(),
                output: m.output.iter().collect(),
            }),
            capabilities: self.capabilities,
            model_id: self.model_id.to_owned(),
            api_id: self.api_id.to_owned(),
            protocol: self.protocol,
            connected: self.connected,
            status: self.status,
            family: owned(self.family),
            release_date: owned(self.release_date),
            last_updated: owned(self.last_updated),
            knowledge: owned(self.knowledge),
            open_weights: self.open_weights,
            cost: self.cost.cloned(),
            limit: self.limit.clone(),
            attachment: self.attachment,
            temperature: self.temperature,
            structured_output: self.structured_output,
            call_options: self.call_options.to_support(),
            interleaved: self.interleaved.cloned(),
            reasoning_options: self.reasoning_options.map(<[ReasoningOption]>::to_vec),
            variants: self.variants.iter().map(|v| (*v).to_owned()).collect(),
            origin: self.origin,
        }
    }
}

/// Variant names: from models.dev `reasoning_options` (an effort per value, `null` → `none`;
/// toggle → `none` + `thinking`; a budget → `high` + `max`), then config variants; disabled ones
/// removed. The option values behind the names are the transform layer's business.
pub fn variant_names(model: &ResolvedModel) -> Vec<&str> {
    let options = model.info.reasoning_options.as_deref().unwrap_or_default();
    if options.is_empty() && model.variants.is_empty() {
        return Vec::new();
    }
    fn push<'a>(name: &'a str, names: &mut Vec<&'a str>) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut names: Vec<&str> = Vec::new();
    let has_effort = options
        .iter()
        .any(|o| matches!(o, ReasoningOption::Effort { .. }));
    for option in options {
        match option {
            ReasoningOption::Toggle => {
                push("none", &mut names);
                if !has_effort {
                    push("thinking", &mut names);
                }
            }
            ReasoningOption::Effort { values } => {
                for value in values {
                    push(value.as_deref().unwrap_or("none"), &mut names);
                }
            }
            ReasoningOption::BudgetTokens { .. } => {
                push("high", &mut names);
                push("max", &mut names);
            }
            ReasoningOption::Unknown => {}
        }
    }
    for name in model.variants.keys() {
        push(name, &mut names);
    }
    names.retain(|n| !model.disabled_variants.contains(*n));
    names
}
