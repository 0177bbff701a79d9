//! `$/progress` (LSP work-done progress): the values `catalog/refresh` and a waiting sign-in
//! report, declared once so the contract describes what is sent.

use schemars::JsonSchema;
use serde::Serialize;

use super::catalog::ProgressToken;

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
