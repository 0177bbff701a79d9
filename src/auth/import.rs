//! Opt-in import of OpenCode's `auth.json` (read only; the source is never written).

use std::path::Path;

use super::credential::{Credential, DEFAULT_ACCOUNT, normalize_provider_id, validate_provider_id};
use super::error::{AuthError, AuthResult};
use super::service::AuthService;
use super::store::PutOptions;
use super::types::ImportReport;

/// OpenCode's default location under a data home (`$XDG_DATA_HOME` or `~/.local/share`).
pub fn opencode_auth_path(data_home: &Path) -> std::path::PathBuf {
    data_home.join("opencode").join("auth.json")
}

impl AuthService {
    /// Copies every decodable entry of OpenCode's `auth.json` into the store as the
    /// provider's `default` account. Providers that already have a credential are skipped
    /// unless `overwrite`. Entries that fail to decode are dropped, as OpenCode does.
    pub async fn import_opencode(&self, path: &Path, overwrite: bool) -> AuthResult<ImportReport> {
        let import_error = |message: String| AuthError::Import {
            path: path.to_owned(),
            message,
        };
        let text = tokio::fs::read_to_string(path)
            .await
            .map_err(|err| import_error(err.to_string()))?;
        let entries: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)
            .map_err(|err| import_error(format!("not a JSON object (line {})", err.line())))?;
        let mut report = ImportReport::default();
        for (key, value) in entries {
            let provider = normalize_provider_id(&key);
            let Ok(credential) = serde_json::from_value::<Credential>(value) else {
                report.invalid += 1;
                continue;
            };
            if validate_provider_id(&provider).is_err() {
                report.invalid += 1;
                continue;
            }
            if !overwrite && self.stored(&provider, None).await?.is_some() {
                report.skipped.push(provider);
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
        Ok(report)
    }
}
