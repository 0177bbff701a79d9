//! Opt-in import of OpenCode's `auth.json` (read only; the source is never written).

use std::path::{Path, PathBuf};

use super::credential::{Credential, DEFAULT_ACCOUNT, normalize_provider_id, validate_provider_id};
use super::env::EnvSnapshot;
use super::error::{AuthError, AuthResult};
use super::service::AuthService;
use super::store::PutOptions;
use super::types::{ImportReport, ImportSkipReason, SkippedImport};

/// OpenCode's default location under a data home (`$XDG_DATA_HOME` or `~/.local/share`).
pub fn opencode_auth_path(data_home: &Path) -> PathBuf {
    data_home.join("opencode").join("auth.json")
}

/// The data home OpenCode uses on every platform (it follows XDG even on macOS and Windows):
/// `$XDG_DATA_HOME` when set, else `~/.local/share`. `None` without either variable.
pub fn opencode_data_home(env: &EnvSnapshot) -> Option<PathBuf> {
    let set = |name: &str| {
        env.get(name)
            .filter(|v| !v.trim().is_empty())
            .map(PathBuf::from)
    };
    set("XDG_DATA_HOME").or_else(|| {
        let home = if cfg!(windows) {
            set("USERPROFILE").or_else(|| set("HOME"))
        } else {
            set("HOME")
        };
        home.map(|home| home.join(".local").join("share"))
    })
}

/// OpenCode's `auth.json` for this environment.
pub fn default_opencode_auth_path(env: &EnvSnapshot) -> AuthResult<PathBuf> {
    opencode_data_home(env)
        .map(|home| opencode_auth_path(&home))
        .ok_or_else(|| {
            AuthError::InvalidParams(
                "no path given, and neither XDG_DATA_HOME nor HOME is set to find OpenCode's \
                 auth.json"
                    .into(),
            )
        })
}

impl AuthService {
    /// Copies every decodable entry of OpenCode's `auth.json` into the store as the
    /// provider's `default` account. Providers that already have a credential are skipped
    /// unless `overwrite`. Entries that fail to decode are skipped, as OpenCode drops them.
    /// The source is only read.
    pub async fn import_opencode(&self, path: &Path, overwrite: bool) -> AuthResult<ImportReport> {
        let import_error = |message: String| AuthError::Import {
            path: path.to_owned(),
            message,
        };
        let text = tokio::fs::read_to_string(path)
            .await
            .map_err(|err| import_error(err.to_string()))?;
        // Decode errors name a line, never the text: the file is full of secrets.
        let entries: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)
            .map_err(|err| import_error(format!("not a JSON object (line {})", err.line())))?;
        drop(text);
        let mut report = ImportReport {
            path: path.display().to_string(),
            imported: Vec::new(),
            skipped: Vec::new(),
            store: self.store_kind(),
        };
        for (key, value) in entries {
            let provider = normalize_provider_id(&key);
            let skip = |reason| SkippedImport {
                provider_id: provider.clone(),
                reason,
            };
            if validate_provider_id(&provider).is_err() {
                report
                    .skipped
                    .push(skip(ImportSkipReason::InvalidProviderId));
                continue;
            }
            let Ok(credential) = serde_json::from_value::<Credential>(value) else {
                report.skipped.push(skip(ImportSkipReason::InvalidEntry));
                continue;
            };
            if !overwrite && self.stored(&provider, None).await?.is_some() {
                report.skipped.push(skip(ImportSkipReason::AlreadyStored));
                continue;
            }
            let options = PutOptions {
                label: Some("imported from OpenCode".into()),
                activate: true,
            };
            self.put_credential(&provider, DEFAULT_ACCOUNT, credential, options)
                .await?;
            report.imported.push(provider);
        }
        tracing::info!(
            imported = report.imported.len(),
            skipped = report.skipped.len(),
            "imported OpenCode credentials"
        );
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(vars: &[(&str, &str)]) -> EnvSnapshot {
        EnvSnapshot::new(
            vars.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<HashMap<_, _>>(),
        )
    }

    #[test]
    fn default_path_follows_xdg_then_home() {
        let xdg = env(&[("XDG_DATA_HOME", "/x/data"), ("HOME", "/home/u")]);
        assert_eq!(
            default_opencode_auth_path(&xdg).expect("xdg"),
            Path::new("/x/data/opencode/auth.json")
        );
        if !cfg!(windows) {
            let home = env(&[("XDG_DATA_HOME", ""), ("HOME", "/home/u")]);
            assert_eq!(
                default_opencode_auth_path(&home).expect("home"),
                Path::new("/home/u/.local/share/opencode/auth.json")
            );
        }
        let err = default_opencode_auth_path(&env(&[])).expect_err("nothing set");
        assert_eq!(err.kind(), "invalid_params");
    }
}
