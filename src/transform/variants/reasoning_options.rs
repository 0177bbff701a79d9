//! Variants from models.dev `reasoning_options` (OpenCode's `reasoningVariants`): an effort per
//! value (`null` → `none`), `none` + `thinking` for a toggle, `high` + `max` for a token budget.
//! The names and their order match [`crate::catalog::descriptor_view::variant_names`].

use super::setting::Setting;
use crate::catalog::types::ReasoningOption;

/// The cap OpenCode puts on any thinking budget.
pub const BUDGET_CAP: i64 = 31_999;

/// `(name, setting)` per variant, first occurrence of a name wins.
pub fn derive(options: &[ReasoningOption], output_limit: u64) -> Vec<(String, Setting)> {
    let has_effort = options
        .iter()
        .any(|o| matches!(o, ReasoningOption::Effort { .. }));
    let budget = options.iter().find_map(|o| match o {
        ReasoningOption::BudgetTokens { min, max } => Some(budgets(*min, *max, output_limit)),
        _ => None,
    });
    let mut variants: Vec<(String, Setting)> = Vec::new();
    let mut push = |name: &str, setting: Setting| {
        if !variants.iter().any(|(n, _)| n == name) {
            variants.push((name.to_owned(), setting));
        }
    };
    for option in options {
        match option {
            ReasoningOption::Toggle => {
                push("none", Setting::Off);
                if !has_effort {
                    push(
                        "thinking",
                        Setting::On {
                            budget: budget.map(|(high, _)| high),
                        },
                    );
                }
            }
            ReasoningOption::Effort { values } => {
                for value in values {
                    let name = value.as_deref().unwrap_or("none");
                    push(name, Setting::Effort(name.to_owned()));
                }
            }
            ReasoningOption::BudgetTokens { min, max } => {
                let (high, max) = budgets(*min, *max, output_limit);
                push("high", Setting::Budget(high));
                push("max", Setting::Budget(max));
            }
            ReasoningOption::Unknown => {}
        }
    }
    variants
}

/// `(high, max)`: `max = min(option.max ?? 31999, output - 1, 31999)` (an unknown output limit,
/// 0, caps nothing), `high = max(min, floor((max + 1) / 2))`, never above `max`.
pub fn budgets(min: Option<i64>, max: Option<i64>, output_limit: u64) -> (i64, i64) {
    let mut top = max.unwrap_or(BUDGET_CAP).min(BUDGET_CAP);
    if output_limit > 0 {
        let by_output = i64::try_from(output_limit - 1).unwrap_or(i64::MAX);
        top = top.min(by_output);
    }
    let half = (top + 1).div_euclid(2);
    let high = min.map_or(half, |min| half.max(min)).min(top);
    (high, top)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_math_follows_the_documented_rule() {
        assert_eq!(budgets(Some(1024), None, 64_000), (16_000, 31_999));
        assert_eq!(budgets(Some(128), Some(32_768), 65_536), (16_000, 31_999));
        assert_eq!(budgets(Some(1024), Some(31_999), 32_000), (16_000, 31_999));
        assert_eq!(budgets(Some(0), Some(24_576), 65_536), (12_288, 24_576));
        assert_eq!(budgets(Some(1024), None, 8_192), (4_096, 8_191));
        assert_eq!(budgets(Some(5_000), None, 4_096), (4_095, 4_095));
        assert_eq!(budgets(None, None, 0), (16_000, 31_999));
    }

    #[test]
    fn toggle_with_effort_gives_none_from_the_toggle() {
        let options = vec![
            ReasoningOption::Toggle,
            ReasoningOption::Effort {
                values: vec![Some("low".into()), Some("high".into())],
            },
        ];
        let derived = derive(&options, 128_000);
        assert_eq!(
            derived,
            vec![
                ("none".to_owned(), Setting::Off),
                ("low".to_owned(), Setting::Effort("low".into())),
                ("high".to_owned(), Setting::Effort("high".into())),
            ]
        );
        let nulls = vec![ReasoningOption::Effort {
            values: vec![None, Some("high".into())],
        }];
        assert_eq!(
            derive(&nulls, 0)[0],
            ("none".to_owned(), Setting::Effort("none".into()))
        );
    }
}
