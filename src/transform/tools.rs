//! The tools a call offers: a placeholder where the provider needs one, then each schema as the
//! provider's validator takes it ([`super::schema`]).

use serde_json::json;

use super::CallContext;
use crate::protocol::ChatRequest;
use crate::protocol::types::{Content, Message, Part, Tool};

/// The placeholder's name (OpenCode's).
pub const PLACEHOLDER_TOOL: &str = "_noop";

/// Adds the placeholder tool where the provider wants one, and sanitizes every tool's schema.
pub fn apply(cx: &CallContext<'_>, request: &mut ChatRequest) {
    if request.tools.is_empty()
        && cx.profile().needs_placeholder_tool(&cx.call_ref())
        && history_has_tool_calls(&request.messages)
    {
        request.tools.push(Tool::function(
            PLACEHOLDER_TOOL,
            Some(
                "Placeholder: the conversation used tools, none are offered now; do not call it."
                    .into(),
            ),
            json!({"type": "object", "properties": {}}),
        ));
    }
    super::schema::apply(cx, &mut request.tools);
}

fn history_has_tool_calls(messages: &[Message]) -> bool {
    messages.iter().any(|message| match message {
        Message::Assistant {
            content: Content::Parts(parts),
            ..
        } => parts.iter().any(|p| matches!(p, Part::ToolCall { .. })),
        Message::Tool { .. } => true,
        _ => false,
    })
}

/// The system messages taken out of the conversation, joined (for an endpoint that takes them as
/// `instructions`).
pub fn take_instructions(messages: &mut Vec<Message>) -> String {
    let mut instructions = Vec::new();
    messages.retain(|message| match message {
        Message::System { content, .. } => {
            instructions.push(content.clone());
            false
        }
        _ => true,
    });
    instructions.join("\n\n")
}
