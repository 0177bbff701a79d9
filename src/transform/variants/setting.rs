//! What a reasoning variant asks for, before it is written in a provider's wire format.

/// The intent behind one derived variant name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// A named effort level (`low`, `high`, `xhigh`, and `none` where the provider names it so).
    Effort(String),
    /// A thinking token budget.
    Budget(i64),
    /// Reasoning switched off.
    Off,
    /// Reasoning switched on; `budget` is used where "on" must name a budget (older Claude models).
    On { budget: Option<i64> },
}
