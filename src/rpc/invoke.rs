//! Calling one handler: the method registered on the jsonrpsee module runs in a task of its own,
//! with a [`RequestContext`] in the call's `Extensions`; a panic is contained to its request and
//! cancellation is a token the task races against.
//!
//! jsonrpsee has no stdio transport, and `RpcModule::raw_json_request` is not enough for one: it
//! gives the handler no per-request data (no request id to tag notifications with, no
//! cancellation token) and a batch or a notification cannot go through it. So the transport owns
//! the JSON-RPC envelope and calls the handlers through their `MethodCallback` here.

use std::collections::{HashMap, HashSet};

use jsonrpsee::core::server::{MethodCallback, Methods};
use jsonrpsee::types::{Id, Params};
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;

use super::context::RequestContext;
use super::error::{ErrorKind, RpcError};
use super::framing::Framing;
use super::message::OutgoingMessage;
use super::outbound::Outbound;

/// The registered methods, as the dispatcher calls them.
#[derive(Clone)]
pub struct Handlers {
    methods: Methods,
    /// Methods that watch their cancellation token themselves (and answer with partial data).
    cooperative: HashSet<&'static str>,
    /// Where each method's calls start (`Method::runtime`).
    runtimes: HashMap<&'static str, PickRuntime>,
}

/// Picks the runtime a call starts on (`None`: the dispatcher's).
pub type PickRuntime = fn() -> Option<Handle>;

/// One call: who asked, what, and how it is cancelled.
pub(super) struct Call {
    pub id: Value,
    pub method: String,
    pub params: Params<'static>,
    pub framing: Framing,
    pub cancel: CancellationToken,
}

impl Handlers {
    pub fn new(methods: Methods, cooperative: HashSet<&'static str>) -> Self {
        Self {
            methods,
            cooperative,
            runtimes: HashMap::new(),
        }
    }

    /// Where the calls of each method start, for methods that name a runtime of their own.
    pub fn with_runtimes(mut self, runtimes: HashMap<&'static str, PickRuntime>) -> Self {
        self.runtimes = runtimes;
        self
    }

    /// The runtime a call of `method` starts on, when not the dispatcher's.
    pub fn runtime_for(&self, method: &str) -> Option<Handle> {
        self.runtimes.get(method).and_then(|pick| pick())
    }

    /// Whether `method` is registered.
    pub fn has(&self, method: &str) -> bool {
        self.methods.method(method).is_some()
    }

    /// Runs one call to its end and returns its serialized response: the result, the handler's
    /// error, method-not-found, -32800 once cancelled (a cooperative method answers itself), or
    /// internal_panic.
    pub(super) async fn call(&self, call: Call, outbound: &Outbound) -> OutgoingMessage {
        let error = |error: RpcError| error_message(&error, &call.id);
        let Some((name, callback)) = self.methods.method_with_name(&call.method) else {
            return error(
                RpcError::new(
                    ErrorKind::MethodNotFound,
                    format!("method not found: {}", call.method),
                )
                .with_data(serde_json::json!({ "method": call.method })),
            );
        };
        let MethodCallback::Async(callback) = callback else {
            return error(RpcError::internal(format!(
                "method {name} is not an async method"
            )));
        };
        let callback = callback.clone();
        let cx = RequestContext::new(
            call.id.clone(),
            call.cancel.clone(),
            call.framing,
            outbound.clone(),
        );
        let answer = cx.answer_slot().clone();
        let mut extensions = jsonrpsee::Extensions::new();
        extensions.insert(cx);
        let rpc_id = to_rpc_id(&call.id);
        let exact_id = rpc_id.is_some();
        let params = call.params;
        let handler = tokio::spawn(async move {
            let response = (callback)(
                rpc_id.unwrap_or(Id::Null),
                params,
                jsonrpsee::ConnectionId(0),
                usize::MAX,
                extensions,
            )
            .await;
            response.into_parts().0
        });
        let abort = handler.abort_handle();

        let outcome = if self.cooperative.contains(name) {
            handler.await
        } else {
            tokio::select! {
                joined = handler => joined,
                _ = call.cancel.cancelled() => {
                    abort.abort();
                    return error(RpcError::cancelled());
                }
            }
        };

        match outcome {
            Ok(raw) => match answer.take() {
                Some(success) => success,
                None if exact_id => text(String::from(Box::<str>::from(raw))),
                None => text(with_id(&raw, &call.id)),
            },
            Err(join_error) if join_error.is_panic() => {
                tracing::error!(method = %name, "handler panicked");
                error(RpcError::new(
                    ErrorKind::InternalPanic,
                    format!("internal error in {name}"),
                ))
            }
            Err(_) => error(RpcError::cancelled()),
        }
    }
}

fn text(text: String) -> OutgoingMessage {
    OutgoingMessage::from_body(text.as_bytes())
}

/// The error response to the request `id`.
pub(super) fn error_message(error: &RpcError, id: &Value) -> OutgoingMessage {
    text(error.to_response(id).to_string())
}

/// jsonrpsee ids are u64 numbers, strings or null; other ids are patched into the response.
fn to_rpc_id(id: &Value) -> Option<Id<'static>> {
    match id {
        Value::Null => Some(Id::Null),
        Value::String(s) => Some(Id::Str(s.clone().into())),
        Value::Number(n) => n.as_u64().map(Id::Number),
        _ => None,
    }
}

fn with_id(raw: &RawValue, id: &Value) -> String {
    match serde_json::from_str::<Value>(raw.get()) {
        Ok(Value::Object(mut object)) => {
            object.insert("id".into(), id.clone());
            Value::Object(object).to_string()
        }
        _ => raw.get().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::rpc::method::{Method, MethodTable, NoParams};

    struct Echo;
    impl Method<()> for Echo {
        const NAME: &'static str = "echo";
        const SUMMARY: &'static str = "Answers its params.";
        type Params = Value;
        type Result = Value;
        async fn call(_: Arc<()>, params: Value, _: RequestContext) -> Result<Value, RpcError> {
            Ok(params)
        }
    }

    struct Fail;
    impl Method<()> for Fail {
        const NAME: &'static str = "fail";
        const SUMMARY: &'static str = "Fails, or panics.";
        type Params = Value;
        type Result = ();
        async fn call(_: Arc<()>, params: Value, _: RequestContext) -> Result<(), RpcError> {
            if params["panic"] == true {
                panic!("asked to");
            }
            Err(RpcError::new(ErrorKind::ModelNotFound, "no such model"))
        }
    }

    struct Wait;
    impl Method<()> for Wait {
        const NAME: &'static str = "wait";
        const SUMMARY: &'static str = "Waits until cancelled.";
        type Params = NoParams;
        type Result = ();
        async fn call(_: Arc<()>, _: NoParams, _: RequestContext) -> Result<(), RpcError> {
            std::future::pending().await
        }
    }

    /// Answers its own cancellation, with partial data.
    struct Cooperate;
    impl Method<()> for Cooperate {
        const NAME: &'static str = "cooperate";
        const SUMMARY: &'static str = "Waits until cancelled, then says how far it got.";
        const COOPERATIVE_CANCEL: bool = true;
        type Params = NoParams;
        type Result = ();
        async fn call(_: Arc<()>, _: NoParams, cx: RequestContext) -> Result<(), RpcError> {
            cx.cancel.cancelled().await;
            Err(RpcError::cancelled().with_data(json!({"partial": "half"})))
        }
    }

    fn handlers() -> Handlers {
        let mut table = MethodTable::new(Arc::new(()));
        table
            .add::<Echo>()
            .add::<Fail>()
            .add::<Wait>()
            .add::<Cooperate>();
        table.into_handlers()
    }

    async fn call(handlers: &Handlers, id: Value, method: &str, params: Option<&str>) -> Value {
        call_with(handlers, id, method, params, CancellationToken::new()).await
    }

    async fn call_with(
        handlers: &Handlers,
        id: Value,
        method: &str,
        params: Option<&str>,
        cancel: CancellationToken,
    ) -> Value {
        let call = Call {
            id,
            method: method.to_owned(),
            params: Params::new(params).into_owned(),
            framing: Framing::Line,
            cancel,
        };
        let answer = handlers.call(call, &Outbound::detached()).await;
        serde_json::from_slice(answer.body()).expect("JSON")
    }

    #[tokio::test]
    async fn results_and_errors_carry_the_request_id_whatever_its_kind() {
        let handlers = handlers();
        for id in [json!(1), json!("one"), json!(null), json!(-1), json!(2.5)] {
            let answer = call(&handlers, id.clone(), "echo", Some(r#"{"a":1}"#)).await;
            assert_eq!(
                answer,
                json!({"jsonrpc": "2.0", "id": id, "result": {"a": 1}})
            );
            let answer = call(&handlers, id.clone(), "fail", None).await;
            assert_eq!(answer["id"], id, "{answer}");
            assert_eq!(answer["error"]["code"], ErrorKind::ModelNotFound.code());
            assert_eq!(answer["error"]["data"]["kind"], "model_not_found");
        }
    }

    #[tokio::test]
    async fn unknown_methods_panics_and_bad_params_are_errors() {
        let handlers = handlers();
        assert!(handlers.has("echo") && !handlers.has("nope"));
        let answer = call(&handlers, json!(1), "nope", None).await;
        assert_eq!(answer["error"]["code"], -32601);
        assert_eq!(answer["error"]["data"]["method"], "nope");
        let answer = call(&handlers, json!(2), "fail", Some(r#"{"panic":true}"#)).await;
        assert_eq!(answer["error"]["data"]["kind"], "internal_panic");
        assert_eq!(answer["id"], 2);
        let answer = call(&handlers, json!(3), "wait", Some(r#""text""#)).await;
        assert_eq!(answer["error"]["code"], -32602);
    }

    #[tokio::test]
    async fn cancellation_answers_at_once_or_lets_a_cooperative_method_answer() {
        let handlers = handlers();
        let cancel = CancellationToken::new();
        let answer = call_with(&handlers, json!(1), "wait", None, cancel.clone());
        tokio::pin!(answer);
        assert!(
            tokio::time::timeout(Duration::from_millis(20), &mut answer)
                .await
                .is_err(),
            "waits"
        );
        cancel.cancel();
        let answer = answer.await;
        assert_eq!(answer["error"]["code"], -32800);
        let cancel = CancellationToken::new();
        cancel.cancel();
        let answer = call_with(&handlers, json!(2), "cooperate", None, cancel).await;
        assert_eq!(answer["error"]["code"], -32800);
        assert_eq!(answer["error"]["data"]["partial"], "half");
    }
}
