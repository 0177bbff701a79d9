//! `Method::runtime`: a call starts on the runtime its method names.

use std::sync::Arc;

use serde_json::json;

use super::{App, Peer};
use crate::rpc::context::RequestContext;
use crate::rpc::error::RpcError;
use crate::rpc::lifecycle::StopReason;
use crate::rpc::method::{Method, NoParams};

/// Answers with the name of the thread it ran on; `Placed` starts on a runtime of its own.
pub(super) struct Unplaced;
impl Method<App> for Unplaced {
    const NAME: &'static str = "unplaced";
    const SUMMARY: &'static str = "Names the thread it ran on.";
    type Params = NoParams;
    type Result = Option<String>;
    async fn call(_: Arc<App>, _: NoParams, _: RequestContext) -> Result<Option<String>, RpcError> {
        Ok(std::thread::current().name().map(str::to_owned))
    }
}

pub(super) struct Placed;
impl Method<App> for Placed {
    const NAME: &'static str = "placed";
    const SUMMARY: &'static str = "Names the thread it ran on, a runtime of its own.";
    type Params = NoParams;
    type Result = Option<String>;
    async fn call(_: Arc<App>, _: NoParams, _: RequestContext) -> Result<Option<String>, RpcError> {
        Ok(std::thread::current().name().map(str::to_owned))
    }
    fn runtime() -> Option<tokio::runtime::Handle> {
        static PLACED: std::sync::OnceLock<tokio::runtime::Handle> = std::sync::OnceLock::new();
        let handle = PLACED.get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let handle = runtime.handle().clone();
            std::thread::Builder::new()
                .name("placed-rt".into())
                .spawn(move || runtime.block_on(std::future::pending::<()>()))
                .expect("thread");
            handle
        });
        Some(handle.clone())
    }
}

#[tokio::test]
async fn a_method_that_names_a_runtime_runs_there() {
    let mut peer = Peer::start();
    peer.request(json!(1), "placed", json!({})).await;
    assert_eq!(peer.next().await["result"], json!("placed-rt"));
    peer.request(json!(2), "unplaced", json!({})).await;
    assert_ne!(peer.next().await["result"], json!("placed-rt"));
    let (reason, rest) = peer.close().await;
    assert_eq!((reason, rest.len()), (StopReason::Eof, 0));
}
