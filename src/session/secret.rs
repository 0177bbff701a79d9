//! A credential string that is wiped from memory on drop and never shows in `Debug` output.
//! Private to the session layer; swap for `auth::Secret` once it lands.

use zeroize::Zeroizing;

#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(Zeroizing<String>);

impl Secret {
    pub(crate) fn new(value: String) -> Self {
        Secret(Zeroizing::new(value))
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.as_str()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("sk-very-secret".into());
        assert_eq!(secret.expose(), "sk-very-secret");
        assert!(!format!("{secret:?}").contains("very-secret"));
    }
}
