//! `catalog/status` and `catalog/refresh` (with `$/progress` and `catalog/changed`).

use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::progress::WorkDoneProgress;
use crate::app::catalog_state::CATALOG_CHANGED;
use crate::app::errors::catalog_error;
use crate::app::state::ServerState;
use crate::catalog::{CatalogStatus, RefreshProgress, RefreshResult};
use crate::rpc::context::RequestContext;
use crate::rpc::error::RpcError;
use crate::rpc::method::{Method, NoParams};

pub struct Status;

impl Method<ServerState> for Status {
    const NAME: &'static str = "catalog/status";
    const SUMMARY: &'static str = "The served catalog: source (embedded, cache, remote), fetch time, provider and model counts, refresh settings and the last refresh error.";
    type Params = NoParams;
    type Result = CatalogStatus;

    async fn call(
        state: Arc<ServerState>,
        _params: NoParams,
        _cx: RequestContext,
    ) -> Result<CatalogStatus, RpcError> {
        let runtime = state.catalog.runtime(&state)?;
        Ok(runtime.service.status().await)
    }
}

/// An LSP progress token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ProgressToken {
    Number(i64),
    String(String),
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshCatalogParams {
    /// Fetch even when the served catalog is younger than the TTL (default true).
    #[serde(default)]
    pub force: Option<bool>,
    /// Token for the `$/progress` notifications; one is generated when absent.
    #[serde(default)]
    pub work_done_token: Option<ProgressToken>,
}

pub struct Refresh;

impl Method<ServerState> for Refresh {
    const NAME: &'static str = "catalog/refresh";
    const SUMMARY: &'static str = "Fetches the catalog now (conditionally); reports `$/progress` and sends `catalog/changed` when the served catalog changed. A failure leaves the served catalog intact.";
    type Params = RefreshCatalogParams;
    type Result = RefreshResult;

    async fn call(
        state: Arc<ServerState>,
        params: RefreshCatalogParams,
        cx: RequestContext,
    ) -> Result<RefreshResult, RpcError> {
        let runtime = state.catalog.runtime(&state)?;
        let token = match params.work_done_token {
            Some(ProgressToken::Number(n)) => serde_json::Value::from(n),
            Some(ProgressToken::String(s)) => serde_json::Value::from(s),
            None => serde_json::Value::from(format!("catalog/refresh/{}", cx.id)),
        };
        let force = params.force.unwrap_or(true);
        cx.progress(
            &token,
            &WorkDoneProgress::Begin {
                title: "Refreshing the model catalog".into(),
                cancellable: Some(true),
                message: None,
                percentage: None,
                sign_in: None,
            },
        )
        .await;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<RefreshProgress>();
        let service = Arc::clone(&runtime.service);
        let refresh = async move {
            let hook = move |step: RefreshProgress| {
                let _ = tx.send(step);
            };
            service.refresh(force, &hook).await
        };
        tokio::pin!(refresh);
        let report = |step: RefreshProgress| WorkDoneProgress::Report {
            message: Some(step.message),
            percentage: step.percentage,
            sign_in: None,
        };
        let result = loop {
            tokio::select! {
                result = &mut refresh => break result,
                Some(step) = rx.recv() => cx.progress(&token, &report(step)).await,
            }
        };
        while let Ok(step) = rx.try_recv() {
            cx.progress(&token, &report(step)).await;
        }
        let end = match &result {
            Ok(done) => format!("Catalog {:?}", done.outcome).to_lowercase(),
            Err(error) => format!("Catalog refresh failed: {error}"),
        };
        cx.progress(&token, &WorkDoneProgress::End { message: Some(end) })
            .await;
        let result = result.map_err(catalog_error)?;
        if let Some(diff) = &result.diff {
            cx.notify(CATALOG_CHANGED, diff).await;
        }
        Ok(result)
    }
}
