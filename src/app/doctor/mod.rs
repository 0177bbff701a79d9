//! The health report of `doctor/report` and `provider-sidecar doctor`: what the sidecar runs with and whether it
//! can work, in plain words and as data — the data dir, the credential store in use and why, the
//! catalog's source and age, the proxy and CA settings in force and, when asked, whether each
//! connected provider answers. Never a secret: no credential, no proxy password, no URL query.

mod checks;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::state::ServerState;

/// How long each provider gets to answer when reachability is checked.
pub const DEFAULT_REACH_TIMEOUT_MS: u64 = 5_000;

#[derive(Debug, Default, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DoctorParams {
    /// Also check that each connected provider answers: one GET of its models endpoint, with no
    /// credential sent (any HTTP answer, even 401, means it is reachable).
    #[serde(default)]
    pub check_reachability: bool,
    /// How long each provider may take to answer (default 5000).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    /// Works, but something deserves a look.
    Warning,
    /// Something the sidecar needs does not work; the report is not healthy.
    Failed,
    /// Not checked (not asked for, or nothing to check it against).
    Skipped,
}

/// One finding, in plain words.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DoctorCheck {
    /// What was checked: `dataDir`, `credentialStore`, `catalog`, `network`, or `provider:<id>`.
    pub name: String,
    pub status: CheckStatus,
    /// A sentence saying what was found and, when something is wrong, what to do.
    pub summary: String,
}

impl DoctorCheck {
    fn new(name: impl Into<String>, status: CheckStatus, summary: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            status,
            summary: summary.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DoctorReport {
    /// No check failed (warnings allowed).
    pub healthy: bool,
    /// Every finding, in the order of the sections below.
    pub checks: Vec<DoctorCheck>,
    pub data_dir: DataDirReport,
    pub credential_store: CredentialStoreReport,
    pub catalog: CatalogReport,
    pub network: NetworkReport,
    /// Connected providers (a credential stored, in the environment or in the config).
    pub providers: Vec<ProviderReport>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataDirReport {
    pub path: String,
    pub exists: bool,
    /// A file could be created in it (or, when it does not exist yet, in its nearest parent).
    pub writable: bool,
    /// Unix permission bits in octal, e.g. `0700`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CredentialStoreReport {
    /// `keyring`, `file`, or absent when the store could not be opened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<crate::auth::StoreKind>,
    /// What the config asks for (`auto` unless `auth.store` says otherwise).
    pub configured: crate::auth::StoreMode,
    /// Why this store is the one in use.
    pub reason: String,
    /// The credential file, when the file store is in use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The credential file's permission bits in octal (`0600` expected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_mode: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CatalogReport {
    /// `embedded`, `cache` or `remote`; absent when the catalog could not be served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::catalog::CatalogSource>,
    /// RFC 3339; absent for the embedded snapshot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_minutes: Option<u64>,
    pub provider_count: usize,
    pub model_count: usize,
    /// Where refreshes come from (without any query string).
    pub url: String,
    pub fetch_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NetworkReport {
    /// The proxy in force, its user name and password masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// Where the proxy comes from: `network.proxy` or an environment variable's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_proxy: Option<String>,
    pub ca_certificates: Vec<CaFileReport>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaFileReport {
    pub path: String,
    /// Certificates found in it.
    pub certificates: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderReport {
    pub provider_id: String,
    /// Where its credential comes from: `keyring`, `file`, `oauth`, `env`, `config`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_source: Option<crate::auth::types::CredentialLocation>,
    /// The environment variable holding the credential, when it comes from the environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_var: Option<String>,
    /// Present when reachability was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reachability: Option<Reachability>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Reachability {
    /// The endpoint tried (without any query string); absent when none is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub reachable: bool,
    /// The HTTP status it answered with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub elapsed_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Runs every check (the providers' reachability only when asked).
pub async fn report(state: &ServerState, params: &DoctorParams) -> DoctorReport {
    let settings = state.settings();
    let mut found = Vec::new();
    let data_dir = checks::data_dir(&settings.data_dir, &mut found);
    let (credential_store, auth) = checks::credential_store(state, &settings, &mut found).await;
    let catalog = checks::catalog(state, &mut found).await;
    let (network, profile) = checks::network(&settings, &state.env, &mut found);
    let providers = checks::providers(state, auth, profile, params, &mut found).await;
    DoctorReport {
        healthy: found.iter().all(|c| c.status != CheckStatus::Failed),
        checks: found,
        data_dir,
        credential_store,
        catalog,
        network,
        providers,
    }
}
