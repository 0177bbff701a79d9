//! Cost of a call from models.dev prices (USD per million tokens), with cache reads and writes priced on
//! their own and context tiers (`tiers`, or the older `context_over_200k`) chosen by the prompt size.
//! [`ModelCost`] deserializes straight from a models.dev model's `cost` object.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::Usage;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TokenPrices {
    #[serde(default)]
    pub input: Option<f64>,
    #[serde(default)]
    pub output: Option<f64>,
    #[serde(default)]
    pub cache_read: Option<f64>,
    #[serde(default)]
    pub cache_write: Option<f64>,
    #[serde(default)]
    pub reasoning: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TierCondition {
    #[serde(rename = "type")]
    pub kind: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PriceTier {
    #[serde(flatten)]
    pub prices: TokenPrices,
    pub tier: TierCondition,
}

/// A models.dev `cost` object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelCost {
    #[serde(flatten)]
    pub base: TokenPrices,
    #[serde(default)]
    pub tiers: Vec<PriceTier>,
    #[serde(default)]
    pub context_over_200k: Option<TokenPrices>,
}

impl ModelCost {
    /// The prices that apply to a prompt of `prompt_tokens` (the largest context tier it exceeds).
    pub fn prices_for(&self, prompt_tokens: u64) -> TokenPrices {
        let tier = self
            .tiers
            .iter()
            .filter(|t| t.tier.kind == "context" && prompt_tokens > t.tier.size)
            .max_by_key(|t| t.tier.size)
            .map(|t| &t.prices)
            .or_else(|| {
                self.context_over_200k
                    .as_ref()
                    .filter(|_| self.tiers.is_empty() && prompt_tokens > 200_000)
            });
        let Some(tier) = tier else {
            return self.base.clone();
        };
        TokenPrices {
            input: tier.input.or(self.base.input),
            output: tier.output.or(self.base.output),
            cache_read: tier.cache_read.or(self.base.cache_read),
            cache_write: tier.cache_write.or(self.base.cache_write),
            reasoning: tier.reasoning.or(self.base.reasoning),
        }
    }

    /// USD for `usage` (see the token convention in [`crate::protocol::types`]).
    pub fn cost(&self, usage: &Usage) -> f64 {
        let prices = self.prices_for(usage.input_tokens);
        let input = prices.input.unwrap_or(0.0);
        let output = prices.output.unwrap_or(0.0);
        let uncached = usage
            .input_tokens
            .saturating_sub(usage.cached_input_tokens + usage.cache_write_tokens);
        let reasoning = usage.reasoning_tokens.min(usage.output_tokens);
        let (plain_output, reasoning_price) = match prices.reasoning {
            Some(price) => (usage.output_tokens - reasoning, price),
            None => (usage.output_tokens, 0.0),
        };
        let reasoning_tokens = if prices.reasoning.is_some() {
            reasoning
        } else {
            0
        };
        let total = uncached as f64 * input
            + usage.cached_input_tokens as f64 * prices.cache_read.unwrap_or(input)
            + usage.cache_write_tokens as f64 * prices.cache_write.unwrap_or(input)
            + plain_output as f64 * output
            + reasoning_tokens as f64 * reasoning_price;
        total / 1_000_000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog_cost(provider: &str, model: &str) -> ModelCost {
        let path = format!(
            "{}/fixtures/models-dev/api.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let catalog: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("catalog exists"))
                .expect("catalog is JSON");
        serde_json::from_value(catalog[provider]["models"][model]["cost"].clone())
            .expect("cost parses")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn cache_reads_and_writes_are_priced_apart() {
        let cost = catalog_cost("anthropic", "claude-opus-4-7");
        let usage = Usage {
            input_tokens: 10_000,
            output_tokens: 1_000,
            reasoning_tokens: 0,
            cached_input_tokens: 6_000,
            cache_write_tokens: 2_000,
        };
        // 2000 × 5 + 6000 × 0.5 + 2000 × 6.25 + 1000 × 25, per million.
        assert!(close(
            cost.cost(&usage),
            (10_000.0 + 3_000.0 + 12_500.0 + 25_000.0) / 1e6
        ));
    }

    #[test]
    fn context_tier_applies_over_its_size() {
        let cost = catalog_cost("302ai", "claude-opus-4-7");
        let usage = Usage {
            input_tokens: 250_000,
            output_tokens: 100,
            ..Usage::default()
        };
        assert!(close(
            cost.cost(&usage),
            (250_000.0 * 10.0 + 100.0 * 37.5) / 1e6
        ));
        let usage = Usage {
            input_tokens: 150_000,
            output_tokens: 100,
            ..Usage::default()
        };
        assert!(close(
            cost.cost(&usage),
            (150_000.0 * 5.0 + 100.0 * 25.0) / 1e6
        ));
        // The tier list wins over the older `context_over_200k` (which says 200k where the tier says 256k).
        let cost = catalog_cost("alibaba", "qwen3.6-plus");
        let usage = Usage {
            input_tokens: 220_000,
            output_tokens: 0,
            ..Usage::default()
        };
        assert!(close(cost.cost(&usage), 220_000.0 * 0.5 / 1e6));
        let usage = Usage {
            input_tokens: 300_000,
            output_tokens: 0,
            ..Usage::default()
        };
        assert!(close(cost.cost(&usage), 300_000.0 * 2.0 / 1e6));
        let legacy = ModelCost {
            base: TokenPrices {
                input: Some(1.0),
                output: Some(2.0),
                ..Default::default()
            },
            tiers: vec![],
            context_over_200k: Some(TokenPrices {
                input: Some(3.0),
                ..Default::default()
            }),
        };
        let usage = Usage {
            input_tokens: 300_000,
            output_tokens: 10,
            ..Usage::default()
        };
        assert!(close(
            legacy.cost(&usage),
            (300_000.0 * 3.0 + 10.0 * 2.0) / 1e6
        ));
    }

    #[test]
    fn reasoning_has_its_own_price_when_listed() {
        let cost = ModelCost {
            base: TokenPrices {
                input: Some(1.0),
                output: Some(4.0),
                reasoning: Some(2.0),
                ..Default::default()
            },
            ..Default::default()
        };
        let usage = Usage {
            input_tokens: 0,
            output_tokens: 300,
            reasoning_tokens: 100,
            ..Usage::default()
        };
        assert!(close(cost.cost(&usage), (200.0 * 4.0 + 100.0 * 2.0) / 1e6));
    }
}
