//! Catalog prices (models.dev `cost`) in the shape the cost calculator takes.

use crate::catalog::types::Cost;
use crate::protocol::cost::{ModelCost, PriceTier, TierCondition, TokenPrices};

pub fn model_cost(cost: &Cost) -> ModelCost {
    ModelCost {
        base: TokenPrices {
            input: Some(cost.input),
            output: Some(cost.output),
            cache_read: cost.cache_read,
            cache_write: cost.cache_write,
            reasoning: cost.reasoning,
        },
        tiers: cost
            .tiers
            .iter()
            .map(|tier| PriceTier {
                prices: TokenPrices {
                    input: Some(tier.input),
                    output: Some(tier.output),
                    cache_read: tier.cache_read,
                    cache_write: tier.cache_write,
                    reasoning: None,
                },
                tier: TierCondition {
                    kind: tier.tier.kind.clone(),
                    size: tier.tier.size,
                },
            })
            .collect(),
        context_over_200k: cost.context_over_200k.as_deref().map(|over| TokenPrices {
            input: Some(over.input),
            output: Some(over.output),
            cache_read: over.cache_read,
            cache_write: over.cache_write,
            reasoning: over.reasoning,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::Usage;

    #[test]
    fn cache_reads_writes_and_context_tiers_are_priced() {
        let cost: Cost = serde_json::from_value(serde_json::json!({
            "input": 3.0, "output": 15.0, "cache_read": 0.3, "cache_write": 3.75,
            "context_over_200k": {"input": 6.0, "output": 22.5, "cache_read": 0.6, "cache_write": 7.5}
        }))
        .expect("a models.dev cost");
        let prices = model_cost(&cost);
        let usage = Usage {
            input_tokens: 100_000,
            output_tokens: 100_000,
            cached_input_tokens: 50_000,
            cache_write_tokens: 10_000,
            ..Default::default()
        };
        // 40k uncached × 3 + 50k × 0.3 + 10k × 3.75 + 100k × 15, per million.
        let small = prices.cost(&usage);
        assert!(
            (small - (0.12 + 0.015 + 0.0375 + 1.5)).abs() < 1e-9,
            "{small}"
        );
        let big = Usage {
            input_tokens: 300_000,
            ..Default::default()
        };
        assert!(
            (prices.cost(&big) - 1.8).abs() < 1e-9,
            "tier price 6.0 applies"
        );
    }
}
