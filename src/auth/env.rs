//! Credentials from the environment, read from one snapshot taken at start.

use std::collections::HashMap;
use std::fmt;

use super::secret::Secret;

/// An immutable copy of the process environment (or a session's overlay on it). The auth
/// domain never reads or writes `std::env`; the caller captures it once and passes it in.
#[derive(Clone, Default)]
pub struct EnvSnapshot {
    vars: HashMap<String, String>,
}

/// A credential found in the environment: the variable's name and its value.
#[derive(Clone, Debug)]
pub struct EnvCredential {
    pub var: String,
    pub value: Secret,
}

impl EnvSnapshot {
    pub fn new(vars: HashMap<String, String>) -> Self {
        Self { vars }
    }

    /// A snapshot with `overlay` layered over this one (a session's own `env`).
    pub fn with_overlay(&self, overlay: &HashMap<String, String>) -> Self {
        let mut vars = self.vars.clone();
        vars.extend(overlay.iter().map(|(k, v)| (k.clone(), v.clone())));
        Self { vars }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The first of a provider's models.dev `env` names that is set to a non-empty value.
    pub fn credential_for(&self, env_names: &[String]) -> Option<EnvCredential> {
        env_names.iter().find_map(|name| {
            self.get(name)
                .filter(|value| !value.trim().is_empty())
                .map(|value| EnvCredential {
                    var: name.clone(),
                    value: Secret::new(value),
                })
        })
    }
}

impl fmt::Debug for EnvSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.vars.keys().collect();
        names.sort();
        f.debug_struct("EnvSnapshot")
            .field("names", &names)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> EnvSnapshot {
        EnvSnapshot::new(HashMap::from([
            ("EMPTY_KEY".to_owned(), " ".to_owned()),
            ("SECOND_KEY".to_owned(), "value-2".to_owned()),
            ("THIRD_KEY".to_owned(), "value-3".to_owned()),
        ]))
    }

    #[test]
    fn first_non_empty_env_name_wins() {
        let names = vec![
            "MISSING".to_owned(),
            "EMPTY_KEY".to_owned(),
            "SECOND_KEY".to_owned(),
            "THIRD_KEY".to_owned(),
        ];
        let found = snapshot().credential_for(&names).expect("found");
        assert_eq!(found.var, "SECOND_KEY");
        assert_eq!(found.value.expose(), "value-2");
        assert!(snapshot().credential_for(&["NOPE".to_owned()]).is_none());
    }

    #[test]
    fn overlay_wins_and_debug_hides_values() {
        let env = snapshot().with_overlay(&HashMap::from([(
            "THIRD_KEY".to_owned(),
            "session-value".to_owned(),
        )]));
        assert_eq!(env.get("THIRD_KEY"), Some("session-value"));
        let debug = format!("{env:?}");
        assert!(debug.contains("THIRD_KEY"));
        assert!(!debug.contains("session-value") && !debug.contains("value-2"));
    }
}
