//! Params and results of the auth methods, in the desktop contract's shapes (supersets).
//! Results never hold a secret; a few params do (`token`, `code`) as [`Secret`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::api_key::KeyValidationReport;
use super::credential::CredentialKind;
use super::methods::{AuthMethodDescriptor, AuthMethodType};
use super::secret::Secret;
use super::store::StoreKind;

/// `auth/set`: store an API key (optionally as a named account, validated first).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetTokenParams {
    pub provider_id: String,
    pub token: Secret,
    /// Account name; `default` when omitted.
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    /// Make this the provider's active account (default true).
    #[serde(default)]
    pub activate: Option<bool>,
    /// Extra non-secret values kept with the key (OpenCode's `metadata`, e.g. Azure `resourceName`).
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// `auth/remove`: one account, or every account of the provider when `account` is omitted.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemoveParams {
    pub provider_id: String,
    #[serde(default)]
    pub account: Option<String>,
}

/// Choose which stored account a provider uses.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SelectAccountParams {
    pub provider_id: String,
    pub account: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OkResult {
    pub ok: bool,
}

impl OkResult {
    pub const OK: Self = Self { ok: true };
}

/// `auth/set`: `{ok: true}`, plus how the validation went when it was asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetKeyResult {
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<KeyValidationReport>,
    /// Set when the key was stored without being confirmed (the validation's warning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

impl SetKeyResult {
    pub fn stored(validation: Option<KeyValidationReport>) -> Self {
        Self {
            ok: true,
            warning: validation.as_ref().and_then(|v| v.warning.clone()),
            validation,
        }
    }
}

/// `auth/methods`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthMethodsResult {
    pub methods: BTreeMap<String, Vec<AuthMethodDescriptor>>,
}

/// `auth/oauth/authorize`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeParams {
    pub provider_id: String,
    /// Index into the provider's `auth/methods` list.
    pub method: usize,
    /// Answers to the method's prompts, by prompt key.
    #[serde(default)]
    pub inputs: Option<BTreeMap<String, String>>,
    /// Account name to store the result under; `default` when omitted.
    #[serde(default)]
    pub account: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OAuthFlowMethod {
    /// Finishes by itself (device code, local callback server): poll `auth/oauth/callback`.
    Auto,
    /// Needs the code the user pastes, passed to `auth/oauth/callback`.
    Code,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OAuthAuthorizeResult {
    pub provider_id: String,
    pub authorization_id: String,
    pub url: String,
    pub method: OAuthFlowMethod,
    pub instructions: String,
}

/// `auth/oauth/callback`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallbackParams {
    pub provider_id: String,
    pub method: usize,
    pub authorization_id: String,
    #[serde(default)]
    pub code: Option<Secret>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CallbackStatus {
    Pending,
    Connected,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OAuthCallbackResult {
    pub status: CallbackStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    Connected,
    Disconnected,
    Error,
    OauthRequired,
}

/// Where `auth/status` finds the credential in use: a store (keyring or file), the environment or
/// the config. (The catalog's `CredentialSource` adds how a provider is connected:
/// by OAuth, or by a session's own credentials.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CredentialLocation {
    Keyring,
    File,
    Env,
    /// The config: its `options.apiKey`, or a provider defined by config alone that needs no key.
    Config,
}

impl From<StoreKind> for CredentialLocation {
    fn from(kind: StoreKind) -> Self {
        match kind {
            StoreKind::Keyring => Self::Keyring,
            StoreKind::File => Self::File,
        }
    }
}

/// One provider's credential state (the desktop's `ProviderAuthState`, plus detail).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderAuthState {
    pub provider_id: String,
    pub status: ConnectionStatus,
    pub method: AuthMethodType,
    pub account_label: Option<String>,
    /// RFC 3339; the stored record's time, or now when nothing is stored.
    pub updated_at: String,
    pub source: Option<CredentialLocation>,
    /// The environment variable providing the credential, when `source` is `env`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_var: Option<String>,
    pub active_account: Option<String>,
    pub accounts: Vec<AccountSummary>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub name: String,
    pub kind: CredentialKind,
    pub label: Option<String>,
    pub active: bool,
    pub needs_reauth: bool,
    pub updated_at: String,
}

/// `auth/status`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthStatusResult {
    pub auth: BTreeMap<String, ProviderAuthState>,
    /// The store in use.
    pub store: StoreKind,
    /// Why `auto` mode fell back to the file, when it did.
    pub store_fallback_reason: Option<String>,
}

/// `auth/import`: which auth file to import.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ImportSource {
    /// OpenCode's `auth.json`.
    #[default]
    Opencode,
}

/// `auth/import` params. Nothing is imported unless asked: the sidecar never imports by itself.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportParams {
    /// `opencode` (the default).
    #[serde(default)]
    pub source: Option<ImportSource>,
    /// Absolute path of the file; OpenCode's own location under the XDG data home
    /// (`$XDG_DATA_HOME/opencode/auth.json`, else `~/.local/share/opencode/auth.json`) when omitted.
    #[serde(default)]
    pub path: Option<String>,
    /// Replace credentials already stored for a provider (default false: keep them).
    #[serde(default)]
    pub overwrite: Option<bool>,
}

/// Why an entry of the source file was not imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportSkipReason {
    /// The provider already has a stored credential (pass `overwrite` to replace it).
    AlreadyStored,
    /// The entry is not a credential this sidecar can read (dropped, as OpenCode does).
    InvalidEntry,
    /// The entry's key is not a usable provider id.
    InvalidProviderId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkippedImport {
    pub provider_id: String,
    pub reason: ImportSkipReason,
}

/// Result of an import: provider ids and reasons, never a credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// The file read (it is never written).
    pub path: String,
    /// Providers whose credential was stored (as their `default` account).
    pub imported: Vec<String>,
    pub skipped: Vec<SkippedImport>,
    /// The store the credentials went to.
    pub store: StoreKind,
}
