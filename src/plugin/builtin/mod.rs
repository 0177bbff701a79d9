//! The built-in plugins: the request quirks OpenCode ships as its own plugins (`plugin/copilot.ts`,
//! `plugin/codex.ts`), run through the same interface as any other plugin, first.

mod chatgpt;
mod copilot;

use std::sync::Arc;

use super::Plugin;

/// The built-in plugins, in the order they run.
pub fn plugins() -> Vec<Arc<dyn Plugin>> {
    vec![Arc::new(copilot::Copilot), Arc::new(chatgpt::Chatgpt)]
}

/// Whether the call's request names `name` (in any case) among its headers.
fn carries_header(input: &super::ChatHookInput, name: &str) -> bool {
    input
        .header_names
        .iter()
        .any(|existing| existing.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests;
