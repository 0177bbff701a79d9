//! Provider aliases and the popular-provider list, as the desktop app defines them
//! (CONTRACT-desktop.md), plus any aliases the config adds.

use std::collections::HashMap;

use super::text::compact;
use crate::catalog::query::{POPULAR_PROVIDERS, PROVIDER_ALIASES};

/// Longest alias phrase, in query words ("z.ai coding plan" is three).
pub const MAX_ALIAS_WORDS: usize = 3;

/// Position of a provider in the app's popular list (0 = most popular), if it is popular;
/// "moonshot" (the app's id) and "moonshotai" (models.dev's) rank the same.
pub fn popular_rank(provider_id: &str) -> Option<usize> {
    let id = if provider_id == "moonshotai" {
        "moonshot"
    } else {
        provider_id
    };
    POPULAR_PROVIDERS.iter().position(|p| *p == id)
}

/// Alias phrases in both directions: phrase → providers, provider → phrases.
#[derive(Debug, Clone, Default)]
pub struct ProviderAliases {
    by_phrase: HashMap<String, Vec<String>>,
    by_provider: HashMap<String, Vec<String>>,
}

impl ProviderAliases {
    /// The app's aliases.
    pub fn built_in() -> Self {
        let mut aliases = Self::default();
        for (provider, phrases) in PROVIDER_ALIASES {
            for phrase in *phrases {
                aliases.add(provider, phrase);
            }
        }
        aliases
    }

    pub fn add(&mut self, provider_id: &str, phrase: &str) {
        let key = compact(phrase);
        if key.is_empty() {
            return;
        }
        let providers = self.by_phrase.entry(key).or_default();
        if !providers.iter().any(|p| p == provider_id) {
            providers.push(provider_id.to_owned());
        }
        let phrases = self.by_provider.entry(provider_id.to_owned()).or_default();
        if !phrases.iter().any(|p| p == phrase) {
            phrases.push(phrase.to_owned());
        }
    }

    /// Providers an alias phrase (any spelling: "z.ai", "Z AI", "zai") stands for.
    pub fn providers_for(&self, phrase: &str) -> &[String] {
        self.by_phrase
            .get(&compact(phrase))
            .map_or(&[], Vec::as_slice)
    }

    /// Alias phrases of a provider.
    pub fn phrases_of(&self, provider_id: &str) -> &[String] {
        self.by_provider.get(provider_id).map_or(&[], Vec::as_slice)
    }
}

/// A query cut into alias phrases and plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuerySegment {
    /// Words that together spell an alias of these providers.
    Alias {
        text: String,
        providers: Vec<String>,
    },
    Plain(String),
}

impl QuerySegment {
    /// The words as typed.
    pub fn text(&self) -> &str {
        match self {
            Self::Alias { text, .. } | Self::Plain(text) => text,
        }
    }
}

/// Splits a query on whitespace and `/`, then greedily takes the longest alias phrase at each
/// position ("z.ai coding plan glm" → alias(zai-coding-plan), "glm").
pub fn segment_query(query: &str, aliases: &ProviderAliases) -> Vec<QuerySegment> {
    let raw: Vec<&str> = query
        .split(|c: char| c.is_whitespace() || c == '/' || c == ',')
        .filter(|w| !compact(w).is_empty())
        .collect();
    let mut segments = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let longest = (1..=MAX_ALIAS_WORDS.min(raw.len() - i))
            .rev()
            .find_map(|n| {
                let text = raw[i..i + n].join(" ");
                let providers = aliases.providers_for(&text);
                (!providers.is_empty()).then(|| (n, text, providers.to_vec()))
            });
        match longest {
            Some((n, text, providers)) => {
                segments.push(QuerySegment::Alias { text, providers });
                i += n;
            }
            None => {
                segments.push(QuerySegment::Plain(raw[i].to_owned()));
                i += 1;
            }
        }
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(text: &str, providers: &[&str]) -> QuerySegment {
        QuerySegment::Alias {
            text: text.to_owned(),
            providers: providers.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn the_apps_aliases_resolve_in_any_spelling() {
        let a = ProviderAliases::built_in();
        assert_eq!(a.providers_for("Z.AI"), ["zai"]);
        assert_eq!(a.providers_for("z ai"), ["zai"]);
        assert_eq!(a.providers_for("zen"), ["zai"]);
        assert_eq!(a.providers_for("OpenCode Zen"), ["zai"]);
        assert_eq!(a.providers_for("coding plan"), ["zai-coding-plan"]);
        assert_eq!(a.providers_for("kimi"), ["moonshot", "moonshotai"]);
        assert!(a.providers_for("claude").is_empty());
        assert!(a.phrases_of("zai").iter().any(|p| p == "zen"));
    }

    #[test]
    fn longest_alias_phrase_wins() {
        let a = ProviderAliases::built_in();
        assert_eq!(
            segment_query("z.ai coding plan glm", &a),
            vec![
                alias("z.ai coding plan", &["zai-coding-plan"]),
                QuerySegment::Plain("glm".into())
            ]
        );
        assert_eq!(
            segment_query("z ai glm-4.7", &a),
            vec![
                alias("z ai", &["zai"]),
                QuerySegment::Plain("glm-4.7".into())
            ]
        );
        assert_eq!(
            segment_query("kimi/k2", &a),
            vec![
                alias("kimi", &["moonshot", "moonshotai"]),
                QuerySegment::Plain("k2".into())
            ]
        );
    }

    #[test]
    fn popular_order_follows_the_app() {
        assert_eq!(popular_rank("opencode"), Some(0));
        assert_eq!(popular_rank("moonshotai"), popular_rank("moonshot"));
        assert_eq!(popular_rank("groq"), None);
    }

    #[test]
    fn config_aliases_add_to_the_built_in_ones() {
        let mut a = ProviderAliases::built_in();
        a.add("my-proxy", "work gateway");
        assert_eq!(a.providers_for("Work-Gateway"), ["my-proxy"]);
    }
}
