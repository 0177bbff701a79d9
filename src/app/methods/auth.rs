//! `auth/*`: credential state, API keys, accounts and the OAuth sign-in flows, as thin calls
//! into [`crate::auth::AuthService`]. No result or error carries a secret.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::progress::sign_in_progress;
use crate::app::auth_settings::credential_facts;
use crate::app::auth_slot::AuthHandle;
use crate::app::errors::auth_error;
use crate::app::state::ServerState;
use crate::auth::import::default_opencode_auth_path;
use crate::auth::types::{ImportParams, ImportReport, ImportSource, SetKeyResult};
use crate::auth::{
    AuthMethodsResult, AuthStatusResult, AuthorizeParams, CallbackParams, KeyValidation,
    OAuthAuthorizeResult, OAuthCallbackResult, OkResult, RemoveParams, SelectAccountParams,
    SetTokenParams,
};
use crate::catalog::MergedCatalog;
use crate::rpc::context::RequestContext;
use crate::rpc::error::{ErrorKind, RpcError};
use crate::rpc::method::{Method, MethodTable, NoParams};

pub fn register(table: &mut MethodTable<ServerState>) {
    table
        .add::<Methods>()
        .add::<Status>()
        .add::<Set>()
        .add::<Remove>()
        .add::<SelectAccount>()
        .add::<Authorize>()
        .add::<Callback>()
        .add::<Import>();
}

async fn auth(state: &ServerState) -> Result<AuthHandle, RpcError> {
    state.auth.get(&state.settings(), &state.env).await
}

/// The catalog the other methods serve (models.dev merged with the config), so that providers
/// defined by config alone are known here too.
async fn merged(state: &ServerState) -> Result<Arc<MergedCatalog>, RpcError> {
    Ok(state.catalog.runtime(state)?.merged().await)
}

pub struct Methods;

impl Method<ServerState> for Methods {
    const NAME: &'static str = "auth/methods";
    const SUMMARY: &'static str = "Sign-in methods of every provider; `method` in the OAuth calls is an index into a provider's list.";
    type Params = NoParams;
    type Result = AuthMethodsResult;

    async fn call(
        state: Arc<ServerState>,
        _params: NoParams,
        _cx: RequestContext,
    ) -> Result<AuthMethodsResult, RpcError> {
        let handle = auth(&state).await?;
        let merged = merged(&state).await?;
        Ok(handle
            .service
            .methods(merged.providers.keys().map(String::as_str), &state.env))
    }
}

pub struct Status;

impl Method<ServerState> for Status {
    const NAME: &'static str = "auth/status";
    const SUMMARY: &'static str = "Credential state of every provider, models.dev's and the config's (stored, from the environment, from the config, or none) and the store in use; never a secret.";
    type Params = NoParams;
    type Result = AuthStatusResult;

    async fn call(
        state: Arc<ServerState>,
        _params: NoParams,
        _cx: RequestContext,
    ) -> Result<AuthStatusResult, RpcError> {
        let handle = auth(&state).await?;
        let facts = credential_facts(merged(&state).await?.as_ref());
        handle
            .service
            .status_of(&handle.env, &facts)
            .await
            .map_err(|err| auth_error(&err, None))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetParams {
    #[serde(flatten)]
    pub token: SetTokenParams,
    /// Check the key against the provider's models endpoint first: a key it rejects (401/403)
    /// fails with `auth_failed` and is not stored; one it cannot check is stored with a warning.
    #[serde(default)]
    pub validate: Option<bool>,
}

pub struct Set;

impl Method<ServerState> for Set {
    const NAME: &'static str = "auth/set";
    const SUMMARY: &'static str = "Stores an API key for a provider (optionally as a named account, optionally validated first against its models endpoint).";
    type Params = SetParams;
    type Result = SetKeyResult;

    async fn call(
        state: Arc<ServerState>,
        params: SetParams,
        _cx: RequestContext,
    ) -> Result<SetKeyResult, RpcError> {
        let handle = auth(&state).await?;
        let provider_id = params.token.provider_id.clone();
        let validation = if params.validate.unwrap_or(false) {
            let merged = merged(&state).await?;
            handle
                .settings
                .validation_for(&provider_id, merged.provider(&provider_id))
        } else {
            KeyValidation::Skip
        };
        handle
            .service
            .set_api_key(params.token, validation)
            .await
            .map_err(|err| auth_error(&err, Some(&provider_id)))
    }
}

pub struct Remove;

impl Method<ServerState> for Remove {
    const NAME: &'static str = "auth/remove";
    const SUMMARY: &'static str = "Removes a provider's stored credential: one account, or all of them when `account` is omitted.";
    type Params = RemoveParams;
    type Result = OkResult;

    async fn call(
        state: Arc<ServerState>,
        params: RemoveParams,
        _cx: RequestContext,
    ) -> Result<OkResult, RpcError> {
        let provider_id = params.provider_id.clone();
        auth(&state)
            .await?
            .service
            .remove(params)
            .await
            .map_err(|err| auth_error(&err, Some(&provider_id)))
    }
}

pub struct SelectAccount;

impl Method<ServerState> for SelectAccount {
    const NAME: &'static str = "auth/accounts/select";
    const SUMMARY: &'static str = "Makes another stored account the provider's active one.";
    type Params = SelectAccountParams;
    type Result = OkResult;

    async fn call(
        state: Arc<ServerState>,
        params: SelectAccountParams,
        _cx: RequestContext,
    ) -> Result<OkResult, RpcError> {
        let provider_id = params.provider_id.clone();
        auth(&state)
            .await?
            .service
            .select_account(params)
            .await
            .map_err(|err| auth_error(&err, Some(&provider_id)))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeRpcParams {
    #[serde(flatten)]
    pub authorize: AuthorizeParams,
    /// Token of the `$/progress` notifications sent while a device flow waits; the
    /// authorization id when omitted.
    #[serde(default)]
    pub work_done_token: Option<Value>,
}

pub struct Authorize;

impl Method<ServerState> for Authorize {
    const NAME: &'static str = "auth/oauth/authorize";
    const SUMMARY: &'static str = "Starts a provider's OAuth sign-in (method = index into its auth/methods list): URL and instructions out; `$/progress` while a device flow waits.";
    type Params = AuthorizeRpcParams;
    type Result = OAuthAuthorizeResult;

    async fn call(
        state: Arc<ServerState>,
        params: AuthorizeRpcParams,
        cx: RequestContext,
    ) -> Result<OAuthAuthorizeResult, RpcError> {
        let handle = auth(&state).await?;
        let provider_id = params.authorize.provider_id.clone();
        let known = merged(&state).await?.provider(&provider_id).is_some()
            || handle
                .service
                .methods_for(&provider_id)
                .iter()
                .any(|m| m.kind == crate::auth::AuthMethodType::Oauth);
        if !known {
            return Err(RpcError::new(
                ErrorKind::ProviderNotFound,
                format!("no provider `{provider_id}`"),
            )
            .with_data(serde_json::json!({ "providerId": provider_id })));
        }
        let sink = sign_in_progress(cx, params.work_done_token);
        handle
            .service
            .authorize(params.authorize, Some(sink))
            .await
            .map_err(|err| auth_error(&err, Some(&provider_id)))
    }
}

pub struct Callback;

impl Method<ServerState> for Callback {
    const NAME: &'static str = "auth/oauth/callback";
    const SUMMARY: &'static str = "Follows a sign-in: `pending` until an \"auto\" flow finishes, or finishes a \"code\" flow with the pasted code.";
    type Params = CallbackParams;
    type Result = OAuthCallbackResult;

    async fn call(
        state: Arc<ServerState>,
        params: CallbackParams,
        _cx: RequestContext,
    ) -> Result<OAuthCallbackResult, RpcError> {
        let provider_id = params.provider_id.clone();
        auth(&state)
            .await?
            .service
            .callback(params)
            .await
            .map_err(|err| auth_error(&err, Some(&provider_id)))
    }
}

pub struct Import;

impl Method<ServerState> for Import {
    const NAME: &'static str = "auth/import";
    const SUMMARY: &'static str = "Imports the credentials of OpenCode's auth.json (read only; never done unless asked): imported providers and skipped ones with reasons, never a secret.";
    type Params = ImportParams;
    type Result = ImportReport;

    async fn call(
        state: Arc<ServerState>,
        params: ImportParams,
        _cx: RequestContext,
    ) -> Result<ImportReport, RpcError> {
        let handle = auth(&state).await?;
        let ImportSource::Opencode = params.source.unwrap_or_default();
        let path = match params.path {
            Some(path) if std::path::Path::new(&path).is_absolute() => path.into(),
            Some(_) => return Err(RpcError::invalid_params("path", "path must be absolute")),
            None => default_opencode_auth_path(&handle.env)
                .map_err(|err| RpcError::invalid_params("path", err.to_string()))?,
        };
        handle
            .service
            .import_opencode(&path, params.overwrite.unwrap_or(false))
            .await
            .map_err(|err| auth_error(&err, None))
    }
}
