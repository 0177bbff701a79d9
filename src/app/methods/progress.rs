//! `$/progress` (LSP work-done progress): the values `catalog/refresh` and a waiting sign-in
//! report, declared once so the contract describes what is sent, and the sink that turns a
//! sign-in's steps into them.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::catalog::ProgressToken;
use crate::auth::{AuthProgress, ProgressSink};
use crate::rpc::context::RequestContext;

/// The `$/progress` notification name.
pub const PROGRESS: &str = "$/progress";

/// The params of a `$/progress` notification: the token the request named (or one the sidecar
/// made up) and one step of the work.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProgressParams {
    pub token: ProgressToken,
    pub value: WorkDoneProgress,
}

/// One step: `begin` first, then `report`s, then `end`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum WorkDoneProgress {
    /// The first step, with the work's title.
    #[serde(rename_all = "camelCase")]
    Begin {
        title: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        cancellable: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        percentage: Option<u32>,
        /// Set while a device sign-in waits.
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        sign_in: Option<SignInStep>,
    },
    /// A step on the way.
    #[serde(rename_all = "camelCase")]
    Report {
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        percentage: Option<u32>,
        /// Set while a device sign-in waits.
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        sign_in: Option<SignInStep>,
    },
    /// The work is over (done, failed or abandoned).
    End {
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
}

/// Which sign-in a step is about, and how many times its token endpoint was polled.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignInStep {
    pub provider_id: String,
    pub authorization_id: String,
    pub attempt: u32,
}

/// A progress sink that forwards, in order, to `$/progress` until the flow drops it.
pub fn sign_in_progress(cx: RequestContext, token: Option<Value>) -> ProgressSink {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<AuthProgress>();
    tokio::spawn(async move {
        let mut begun: Option<Value> = None;
        while let Some(progress) = rx.recv().await {
            let token = token
                .clone()
                .unwrap_or_else(|| Value::String(progress.authorization_id.clone()));
            let step = SignInStep {
                provider_id: progress.provider_id,
                authorization_id: progress.authorization_id,
                attempt: progress.attempt,
            };
            let value = if begun.is_none() {
                WorkDoneProgress::Begin {
                    title: "Waiting for sign-in".into(),
                    cancellable: None,
                    message: Some(progress.message),
                    percentage: None,
                    sign_in: Some(step),
                }
            } else {
                WorkDoneProgress::Report {
                    message: Some(progress.message),
                    percentage: None,
                    sign_in: Some(step),
                }
            };
            cx.progress(&token, &value).await;
            begun = Some(token);
        }
        // The flow is over (signed in, failed or abandoned): close the progress.
        if let Some(token) = begun {
            cx.progress(&token, &WorkDoneProgress::End { message: None })
                .await;
        }
    });
    Arc::new(move |progress| {
        // The forwarder ends only when this sink is dropped, so a send cannot fail earlier.
        let _ = tx.send(progress);
    })
}
