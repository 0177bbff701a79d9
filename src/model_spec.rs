//! The fields that describe a model, in models.dev's terms: costs and their context tiers, token
//! limits, modalities, lifecycle status, reasoning controls, interleaved reasoning and a model's own
//! provider override. Two layers use them: the catalog (`catalog::types`, which reads models.dev)
//! and the user config (`config::schema`, whose model entries override the same fields), so they
//! live below both. Like the catalog's types they read snake_case keys and write camelCase.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `interleaved`: `true`, or the response field that carries reasoning text.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Interleaved {
    Enabled(bool),
    Field { field: String },
}

// Hand-written (instead of `untagged`) so that loading the catalog does not buffer every value.
impl<'de> Deserialize<'de> for Interleaved {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InterleavedVisitor;

        impl<'de> serde::de::Visitor<'de> for InterleavedVisitor {
            type Value = Interleaved;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a boolean or an object with `field`")
            }

            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Interleaved, E> {
                Ok(Interleaved::Enabled(value))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Interleaved, A::Error> {
                let mut field = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "field" {
                        field = Some(map.next_value::<String>()?);
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                field
                    .map(|field| Interleaved::Field { field })
                    .ok_or_else(|| serde::de::Error::missing_field("field"))
            }
        }

        deserializer.deserialize_any(InterleavedVisitor)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Modalities {
    #[serde(default)]
    pub input: Vec<Modality>,
    #[serde(default)]
    pub output: Vec<Modality>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    Text,
    Audio,
    Image,
    Video,
    Pdf,
    /// A modality this version does not know; dropped from descriptors.
    #[serde(other)]
    Unknown,
}

impl Modality {
    /// The serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Audio => "audio",
            Self::Image => "image",
            Self::Video => "video",
            Self::Pdf => "pdf",
            Self::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModelStatus {
    #[default]
    Active,
    Alpha,
    Beta,
    Deprecated,
    #[serde(other)]
    Unknown,
}

impl ModelStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Alpha => "alpha",
            Self::Beta => "beta",
            Self::Deprecated => "deprecated",
            Self::Unknown => "unknown",
        }
    }
}

/// Prices in USD per million tokens.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct Cost {
    #[serde(default)]
    pub input: f64,
    #[serde(default)]
    pub output: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_audio: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_audio: Option<f64>,
    /// Legacy form of the first context tier (prices above 200k input tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_over_200k: Option<Box<Cost>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<CostTier>,
}

/// Prices that apply past a threshold (today always a context size).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct CostTier {
    #[serde(default)]
    pub input: f64,
    #[serde(default)]
    pub output: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_audio: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_audio: Option<f64>,
    #[serde(default)]
    pub tier: TierThreshold,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TierThreshold {
    /// `context` (the only kind so far).
    #[serde(default = "context_tier_type", rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub size: u64,
}

fn context_tier_type() -> String {
    "context".to_owned()
}

impl Default for TierThreshold {
    fn default() -> Self {
        Self {
            kind: context_tier_type(),
            size: 0,
        }
    }
}

/// Token limits; 0 means unknown.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Limit {
    #[serde(default)]
    pub context: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<u64>,
    #[serde(default)]
    pub output: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ModelProviderOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub npm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<ApiShape>,
}

/// Which OpenAI API a model answers on, where the provider offers both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApiShape {
    Responses,
    Completions,
    #[serde(other)]
    Unknown,
}

/// How a model's reasoning can be controlled.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReasoningOption {
    /// Reasoning can be switched on and off.
    Toggle,
    /// Named effort levels; `null` stands for "no reasoning".
    Effort {
        #[serde(default)]
        values: Vec<Option<String>>,
    },
    /// A token budget for thinking (`min` may be -1, "dynamic", on some providers).
    BudgetTokens {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// A kind this version does not know.
    Unknown,
}

// Hand-written (instead of an internally tagged derive) so that loading the catalog does not
// buffer each option before reading it.
impl<'de> Deserialize<'de> for ReasoningOption {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Kind {
            Toggle,
            Effort,
            BudgetTokens,
            #[serde(other)]
            Unknown,
        }

        #[derive(Deserialize)]
        struct Flat {
            #[serde(rename = "type")]
            kind: Kind,
            #[serde(default)]
            values: Vec<Option<String>>,
            #[serde(default)]
            min: Option<i64>,
            #[serde(default)]
            max: Option<i64>,
        }

        let flat = Flat::deserialize(deserializer)?;
        Ok(match flat.kind {
            Kind::Toggle => Self::Toggle,
            Kind::Effort => Self::Effort {
                values: flat.values,
            },
            Kind::BudgetTokens => Self::BudgetTokens {
                min: flat.min,
                max: flat.max,
            },
            Kind::Unknown => Self::Unknown,
        })
    }
}
