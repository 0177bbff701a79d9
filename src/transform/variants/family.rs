//! Model families read off the model id: Claude and GPT versions, Bedrock vendors.

/// `major.minor` as a comparable pair.
pub type Version = (u32, u32);

/// The version in a Claude id, wherever it sits: `claude-sonnet-4-5-20250929` → 4.5,
/// `claude-opus-4.6` → 4.6, `claude-3-7-sonnet` → 3.7, `claude-sonnet-4-20250514` → 4.0,
/// `claude-fable-5` → 5.0. Date stamps (6+ digits) are not versions.
pub fn claude_version(id: &str) -> Option<Version> {
    let lower = id.to_ascii_lowercase();
    let rest = &lower[lower.find("claude")? + "claude".len()..];
    let tokens: Vec<&str> = rest
        .split(['-', '.', '@', ':', '_', '/'])
        .filter(|t| !t.is_empty())
        .collect();
    let is_small_number = |t: &str| t.len() <= 2 && t.chars().all(|c| c.is_ascii_digit());
    let at = tokens.iter().position(|t| is_small_number(t))?;
    let major = tokens[at].parse().ok()?;
    let minor = tokens
        .get(at + 1)
        .filter(|t| is_small_number(t))
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    Some((major, minor))
}

/// Claude models that take adaptive thinking (4.6 and later; an id without a readable version,
/// such as `claude-fable-latest`, is taken to be current).
pub fn claude_is_adaptive(id: &str) -> bool {
    claude_version(id).is_none_or(|version| version >= (4, 6))
}

pub fn is_claude(id: &str) -> bool {
    let lower = id.to_ascii_lowercase();
    lower.contains("claude") || lower.contains("anthropic")
}

/// The version after `gpt-`: `gpt-5.2-codex` → 5.2, `gpt-5-mini` → 5.0, `openai/gpt-5.1` → 5.1.
pub fn gpt_version(id: &str) -> Option<Version> {
    let lower = id.to_ascii_lowercase();
    let rest = &lower[lower.find("gpt-")? + "gpt-".len()..];
    let mut parts = rest.split(['-', '/']).next()?.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
}

/// Who made a model served by Bedrock Converse, read off ids like `us.anthropic.claude-…`,
/// `amazon.nova-2-lite-v1:0` or `openai.gpt-oss-120b-1:0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BedrockVendor {
    Anthropic,
    Amazon,
    Openai,
    Other,
}

pub fn bedrock_vendor(api_id: &str) -> BedrockVendor {
    let lower = api_id.to_ascii_lowercase();
    if lower.contains("anthropic.") || lower.contains("claude") {
        BedrockVendor::Anthropic
    } else if lower.contains("amazon.") || lower.contains("nova") {
        BedrockVendor::Amazon
    } else if lower.contains("openai.") || lower.contains("gpt-oss") {
        BedrockVendor::Openai
    } else {
        BedrockVendor::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_versions_in_every_id_style() {
        assert_eq!(claude_version("claude-sonnet-4-5-20250929"), Some((4, 5)));
        assert_eq!(claude_version("anthropic/claude-opus-4.6"), Some((4, 6)));
        assert_eq!(claude_version("claude-3-7-sonnet-20250219"), Some((3, 7)));
        assert_eq!(claude_version("claude-sonnet-4-20250514"), Some((4, 0)));
        assert_eq!(
            claude_version("us.anthropic.claude-opus-4-1-20250805-v1:0"),
            Some((4, 1))
        );
        assert_eq!(claude_version("claude-opus-4-5@20251101"), Some((4, 5)));
        assert_eq!(claude_version("claude-4-5-sonnet"), Some((4, 5)));
        assert_eq!(claude_version("claude-fable-5"), Some((5, 0)));
        assert_eq!(claude_version("claude-fable-latest"), None);
        assert!(claude_is_adaptive("claude-sonnet-4-6"));
        assert!(!claude_is_adaptive("claude-opus-4-5"));
        assert!(claude_is_adaptive("~anthropic/claude-fable-latest"));
    }

    #[test]
    fn gpt_versions_and_bedrock_vendors() {
        assert_eq!(gpt_version("gpt-5.2-codex"), Some((5, 2)));
        assert_eq!(gpt_version("gpt-5-mini"), Some((5, 0)));
        assert_eq!(gpt_version("openai/gpt-5.1"), Some((5, 1)));
        assert_eq!(gpt_version("o3"), None);
        assert_eq!(
            bedrock_vendor("global.anthropic.claude-sonnet-4-6"),
            BedrockVendor::Anthropic
        );
        assert_eq!(
            bedrock_vendor("amazon.nova-2-lite-v1:0"),
            BedrockVendor::Amazon
        );
        assert_eq!(
            bedrock_vendor("openai.gpt-oss-120b-1:0"),
            BedrockVendor::Openai
        );
        assert_eq!(bedrock_vendor("deepseek.r1-v1:0"), BedrockVendor::Other);
    }
}
