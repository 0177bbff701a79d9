//! Variants for models without `reasoning_options` (OpenCode's heuristic `variants()`), for the
//! cases that matter in practice: OpenAI, Azure and Copilot GPT efforts, Claude budgets and
//! adaptive efforts, Gemini 2.5 budgets and Gemini 3 levels, OpenRouter, Bedrock, and the
//! OpenAI-compatible `reasoning_effort` providers.

use super::family::{BedrockVendor, bedrock_vendor, claude_version, gpt_version};
use super::reasoning_options::BUDGET_CAP;
use super::setting::Setting;
use crate::catalog::ResolvedModel;
use crate::provider::VariantPresets;

/// Ids whose reasoning cannot be tuned (or is tuned another way).
const NO_VARIANTS: &[&str] = &[
    "deepseek-chat",
    "deepseek-reasoner",
    "deepseek-r1",
    "deepseek-v3",
    "minimax",
    "glm",
    "kimi",
    "k2p",
    "qwen",
    "big-pickle",
];

const LOW_MEDIUM_HIGH: &[&str] = &["low", "medium", "high"];

pub fn derive(presets: VariantPresets, model: &ResolvedModel) -> Vec<(String, Setting)> {
    if !model.info.reasoning.unwrap_or(false) {
        return Vec::new();
    }
    let id = model.api_id.to_ascii_lowercase();
    if id.contains("grok-3-mini") {
        return efforts(&["low", "high"]);
    }
    if NO_VARIANTS.iter().any(|word| id.contains(word)) || id.contains("grok") {
        return Vec::new();
    }
    let release = model.info.release_date.as_deref().unwrap_or("");
    let out = model.limit().output;
    match presets {
        VariantPresets::None => Vec::new(),
        VariantPresets::OpenRouter => {
            if id.contains("gpt") {
                efforts(&openai_efforts(&id, release))
            } else if id.contains("gemini-3") || id.contains("claude") {
                efforts(&["none", "minimal", "low", "medium", "high", "xhigh"])
            } else {
                Vec::new()
            }
        }
        VariantPresets::Copilot => copilot(&id),
        VariantPresets::Azure => azure(&id),
        VariantPresets::Openai => efforts(&openai_efforts(&id, release)),
        VariantPresets::Claude => claude(&id, out),
        VariantPresets::Bedrock => match bedrock_vendor(&model.api_id) {
            BedrockVendor::Anthropic => claude(&id, out),
            BedrockVendor::Amazon if id.contains("nova") => efforts(LOW_MEDIUM_HIGH),
            _ => Vec::new(),
        },
        VariantPresets::Gemini => gemini(&id),
        VariantPresets::Groq => efforts(&["none", "low", "medium", "high"]),
        VariantPresets::Mistral => {
            let tunable = [
                "mistral-small-2603",
                "mistral-small-latest",
                "mistral-medium-3.5",
                "mistral-medium-2604",
            ];
            if tunable.iter().any(|m| id.contains(m)) {
                efforts(&["high"])
            } else {
                Vec::new()
            }
        }
        VariantPresets::Compatible => {
            if id.contains("deepseek-v4") {
                efforts(&["low", "medium", "high", "max"])
            } else {
                efforts(LOW_MEDIUM_HIGH)
            }
        }
        VariantPresets::CloudflareGateway if id.starts_with("openai/") => {
            efforts(&openai_efforts(&id, ""))
        }
        VariantPresets::CloudflareGateway => efforts(LOW_MEDIUM_HIGH),
    }
}

fn efforts(names: &[&str]) -> Vec<(String, Setting)> {
    names
        .iter()
        .map(|name| ((*name).to_owned(), Setting::Effort((*name).to_owned())))
        .collect()
}

/// OpenAI's effort levels by model, first match wins.
pub fn openai_efforts(id: &str, release_date: &str) -> Vec<&'static str> {
    let version = gpt_version(id);
    let at_least = |v: (u32, u32)| version.is_some_and(|have| have >= v);
    let codex = id.contains("codex");
    if id.contains("deep-research") {
        return vec!["medium"];
    }
    if id.contains("gpt-5") && id.contains("-chat") {
        return if id.contains("gpt-5-chat") {
            vec![]
        } else {
            vec!["medium"]
        };
    }
    if id.contains("gpt-5-pro") {
        return vec!["high"];
    }
    if id.contains("gpt-5.") && id.contains("-pro") {
        return vec!["medium", "high", "xhigh"];
    }
    if codex && at_least((5, 3)) {
        return vec!["none", "low", "medium", "high", "xhigh"];
    }
    if codex && (id.contains("codex-max") || version == Some((5, 2))) {
        return vec!["low", "medium", "high", "xhigh"];
    }
    if codex {
        return LOW_MEDIUM_HIGH.to_vec();
    }
    if version == Some((5, 1)) {
        return vec!["none", "low", "medium", "high"];
    }
    if at_least((5, 2)) {
        return vec!["none", "low", "medium", "high", "xhigh"];
    }
    let mut names = Vec::new();
    if release_date >= "2025-11-13" {
        names.push("none");
    }
    if id.contains("gpt-5") {
        names.push("minimal");
    }
    names.extend_from_slice(LOW_MEDIUM_HIGH);
    if release_date >= "2025-12-04" {
        names.push("xhigh");
    }
    names
}

fn azure(id: &str) -> Vec<(String, Setting)> {
    if id.contains("o1-mini") {
        return Vec::new();
    }
    let unversioned_gpt5 = id.contains("gpt-5") && !id.contains("gpt-5.");
    if unversioned_gpt5 {
        efforts(&["minimal", "low", "medium", "high"])
    } else {
        efforts(LOW_MEDIUM_HIGH)
    }
}

fn copilot(id: &str) -> Vec<(String, Setting)> {
    if id.contains("gemini") {
        return Vec::new();
    }
    if id.contains("claude") {
        return efforts(LOW_MEDIUM_HIGH);
    }
    let version = gpt_version(id);
    let xhigh = id.contains("5.1-codex-max") || matches!(version, Some((5, 2)) | Some((5, 3)));
    if xhigh {
        efforts(&["low", "medium", "high", "xhigh"])
    } else {
        efforts(LOW_MEDIUM_HIGH)
    }
}

fn claude(id: &str, output_limit: u64) -> Vec<(String, Setting)> {
    let version = claude_version(id).unwrap_or((0, 0));
    let opus = id.contains("opus");
    if opus && version >= (4, 7) {
        return efforts(&["low", "medium", "high", "xhigh", "max"]);
    }
    if (opus || id.contains("sonnet")) && version == (4, 6) {
        return efforts(&["low", "medium", "high", "max"]);
    }
    if opus && version == (4, 5) {
        return efforts(LOW_MEDIUM_HIGH);
    }
    let out = i64::try_from(output_limit).unwrap_or(i64::MAX);
    let (high, max) = if out > 0 {
        ((out / 2 - 1).min(16_000), (out - 1).min(BUDGET_CAP))
    } else {
        (16_000, BUDGET_CAP)
    };
    vec![
        ("high".to_owned(), Setting::Budget(high)),
        ("max".to_owned(), Setting::Budget(max)),
    ]
}

fn gemini(id: &str) -> Vec<(String, Setting)> {
    if id.contains("2.5") {
        let max = if id.contains("2.5-pro") {
            32_768
        } else {
            24_576
        };
        return vec![
            ("high".to_owned(), Setting::Budget(16_000)),
            ("max".to_owned(), Setting::Budget(max)),
        ];
    }
    let levels: &[&str] = if !id.contains("gemini-3") {
        &["low", "high"]
    } else if id.contains("flash-image") {
        &["minimal", "high"]
    } else if id.contains("pro-image") {
        &["high"]
    } else if id.contains("flash") {
        &["minimal", "low", "medium", "high"]
    } else {
        LOW_MEDIUM_HIGH
    };
    efforts(levels)
}
