//! `doctor/report`: the health report (`app::doctor`), as `provider-sidecar doctor --json` prints it.

use std::sync::Arc;

use crate::app::doctor::{DoctorParams, DoctorReport, report};
use crate::app::state::ServerState;
use crate::rpc::context::RequestContext;
use crate::rpc::error::RpcError;
use crate::rpc::method::Method;

pub struct Report;

impl Method<ServerState> for Report {
    const NAME: &'static str = "doctor/report";
    const SUMMARY: &'static str = "A health report in plain words and as data: data dir, credential store and why, catalog source and age, proxy and CA settings in force, and (when asked) whether each connected provider answers; never a secret.";
    type Params = DoctorParams;
    type Result = DoctorReport;

    async fn call(
        state: Arc<ServerState>,
        params: DoctorParams,
        _cx: RequestContext,
    ) -> Result<DoctorReport, RpcError> {
        Ok(report(&state, &params).await)
    }
}
