//! One declaration per method: its name, params and result types, and its handler.
//!
//! [`MethodTable::add`] registers the handler on the jsonrpsee `RpcModule` *and* records the
//! method's schema for the OpenRPC document from the same types, so the published contract
//! cannot drift from the code. The table is generic over the application's state `S`: the
//! application builds it by registering its handlers, the transport runs it (`Handlers`).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;

use jsonrpsee::core::server::RpcModule;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tokio::runtime::Handle;

use super::context::RequestContext;
use super::error::RpcError;
use super::invoke::{Handlers, PickRuntime};
use super::message::OutgoingMessage;
use super::openrpc::{MethodDoc, SchemaCollector};

/// A JSON-RPC method served with the application state `S`: its params are decoded once, from
/// the request's raw params, into `Params`; its `Result` is serialized once, into the response.
pub trait Method<S: Send + Sync + 'static>: Send + Sync + 'static {
    const NAME: &'static str;
    /// One line for the OpenRPC document.
    const SUMMARY: &'static str;
    /// When true the handler watches `cx.cancel` itself and answers -32800 with partial data;
    /// otherwise the dispatcher drops the handler and answers -32800 as soon as it is cancelled.
    const COOPERATIVE_CANCEL: bool = false;

    type Params: DeserializeOwned + JsonSchema + Send + 'static;
    type Result: Serialize + JsonSchema + Send + 'static;

    /// Writes the result's JSON into the response (a result that holds JSON already may hand
    /// over shared bytes instead of copying them).
    fn write_result(result: &Self::Result, out: &mut OutgoingMessage) -> serde_json::Result<()> {
        serde_json::to_writer(out.writer(), result)
    }

    fn call(
        state: Arc<S>,
        params: Self::Params,
        cx: RequestContext,
    ) -> impl Future<Output = Result<Self::Result, RpcError>> + Send;

    /// The runtime a call starts on; `None` (the default) is the dispatcher's. A method whose
    /// work runs on a runtime of its own anyway starts there and spares a hand-off between
    /// threads per call (asked once per call, so it may take runtimes in turn).
    fn runtime() -> Option<Handle> {
        None
    }
}

/// Params of a method that takes none; any object (or no params) is accepted.
#[derive(Debug, Default, serde::Deserialize, JsonSchema)]
pub struct NoParams {}

type DescribeMethod = fn(&mut SchemaCollector) -> MethodDoc;
type DescribeNotification = fn(&mut SchemaCollector, &'static str, &'static str);
type DescribeServerRequest = fn(&mut SchemaCollector, &'static str, &'static str);

fn describe_method<S: Send + Sync + 'static, M: Method<S>>(
    schemas: &mut SchemaCollector,
) -> MethodDoc {
    schemas.describe::<M::Params, M::Result>(M::NAME, M::SUMMARY)
}

fn describe_notification<P: JsonSchema>(
    schemas: &mut SchemaCollector,
    name: &'static str,
    summary: &'static str,
) {
    schemas.describe_notification::<P>(name, summary);
}

fn describe_server_request<P: JsonSchema, R: JsonSchema>(
    schemas: &mut SchemaCollector,
    name: &'static str,
    summary: &'static str,
) {
    schemas.describe_server_request::<P, R>(name, summary);
}

/// The published contract: method and notification names at once, and the OpenRPC document,
/// generated from the same declarations on first use (so start-up does not pay for schemas).
#[derive(Clone)]
pub struct Contract {
    pub methods: Vec<&'static str>,
    pub notifications: Vec<&'static str>,
    /// Requests the server may send the client (`x-serverRequests`).
    pub server_requests: Vec<&'static str>,
    describe_methods: Vec<DescribeMethod>,
    describe_notifications: Vec<(&'static str, &'static str, DescribeNotification)>,
    describe_server_requests: Vec<(&'static str, &'static str, DescribeServerRequest)>,
    document: Arc<std::sync::OnceLock<Arc<serde_json::Value>>>,
}

impl Contract {
    /// The OpenRPC document (built once).
    pub fn document(&self) -> Arc<serde_json::Value> {
        Arc::clone(self.document.get_or_init(|| {
            let mut schemas = SchemaCollector::new();
            let docs: Vec<MethodDoc> = self
                .describe_methods
                .iter()
                .map(|describe| describe(&mut schemas))
                .collect();
            for (name, summary, describe) in &self.describe_notifications {
                describe(&mut schemas, name, summary);
            }
            for (name, summary, describe) in &self.describe_server_requests {
                describe(&mut schemas, name, summary);
            }
            Arc::new(super::openrpc::document(&docs, &schemas))
        }))
    }
}

/// Every registered method, how to describe it, and how it is cancelled.
pub struct MethodTable<S> {
    module: RpcModule<S>,
    contract: Contract,
    cooperative: HashSet<&'static str>,
    runtimes: HashMap<&'static str, PickRuntime>,
}

impl<S: Send + Sync + 'static> MethodTable<S> {
    pub fn new(state: Arc<S>) -> Self {
        Self {
            module: RpcModule::from_arc(state),
            contract: Contract {
                methods: Vec::new(),
                notifications: Vec::new(),
                server_requests: Vec::new(),
                describe_methods: Vec::new(),
                describe_notifications: Vec::new(),
                describe_server_requests: Vec::new(),
                document: Arc::default(),
            },
            cooperative: HashSet::new(),
            runtimes: HashMap::new(),
        }
    }

    /// Registers a public method and describes it in the OpenRPC document.
    pub fn add<M: Method<S>>(&mut self) -> &mut Self {
        self.register::<M>();
        self.contract.methods.push(M::NAME);
        self.contract.describe_methods.push(describe_method::<S, M>);
        self
    }

    /// Describes a server-to-client notification in the OpenRPC document (`x-notifications`).
    pub fn add_notification<P: JsonSchema>(
        &mut self,
        name: &'static str,
        summary: &'static str,
    ) -> &mut Self {
        self.contract.notifications.push(name);
        self.contract
            .describe_notifications
            .push((name, summary, describe_notification::<P>));
        self
    }

    /// Describes a request the server sends the client (params `P`, the client's result `R`) in
    /// the document's `x-serverRequests`; sending it is the application's business.
    pub fn add_server_request<P: JsonSchema, R: JsonSchema>(
        &mut self,
        name: &'static str,
        summary: &'static str,
    ) -> &mut Self {
        self.contract.server_requests.push(name);
        self.contract.describe_server_requests.push((
            name,
            summary,
            describe_server_request::<P, R>,
        ));
        self
    }

    /// Registers a method that stays out of the published contract (test-only methods).
    pub fn add_unpublished<M: Method<S>>(&mut self) -> &mut Self {
        self.register::<M>();
        self
    }

    fn register<M: Method<S>>(&mut self) {
        if M::COOPERATIVE_CANCEL {
            self.cooperative.insert(M::NAME);
        }
        self.runtimes.insert(M::NAME, M::runtime);
        let result = self.module.register_async_method(
            M::NAME,
            |params: Params<'static>, state: Arc<S>, ext| async move {
                run_handler::<S, M>(params, state, ext)
                    .await
                    .map_err(ErrorObjectOwned::from)
            },
        );
        if let Err(err) = result {
            panic!("method {} registered twice: {err}", M::NAME);
        }
    }

    pub fn contract(&self) -> Contract {
        self.contract.clone()
    }

    /// The handlers, for the dispatcher.
    pub fn into_handlers(self) -> Handlers {
        Handlers::new(self.module.into(), self.cooperative).with_runtimes(self.runtimes)
    }
}

/// Decodes the params (the one parse of the request's params), calls the handler and leaves
/// its serialized response in the request's answer slot.
async fn run_handler<S: Send + Sync + 'static, M: Method<S>>(
    params: Params<'static>,
    state: Arc<S>,
    ext: jsonrpsee::Extensions,
) -> Result<Box<RawValue>, RpcError> {
    let cx = ext
        .get::<RequestContext>()
        .cloned()
        .ok_or_else(|| RpcError::internal("request dispatched without a context"))?;
    let params = decode_params::<M::Params>(params.as_str())?;
    let (id, answer) = (cx.id.clone(), cx.answer_slot().clone());
    let result = M::call(state, params, cx).await?;
    answer.put(success_response::<S, M>(&id, &result)?);
    // jsonrpsee would serialize the result into a string, then copy and re-validate it; the
    // dispatcher takes the response from the slot instead and never reads this placeholder.
    Ok(RawValue::NULL.to_owned())
}

/// Most answers fit without growing the buffer.
const RESPONSE_CAPACITY: usize = 1024;

/// The whole response `{"jsonrpc":"2.0","id":..,"result":..}`, serialized once.
fn success_response<S: Send + Sync + 'static, M: Method<S>>(
    id: &serde_json::Value,
    result: &M::Result,
) -> Result<OutgoingMessage, RpcError> {
    let write = || {
        let mut message = OutgoingMessage::with_capacity(RESPONSE_CAPACITY);
        message.push_bytes(br#"{"jsonrpc":"2.0","id":"#);
        serde_json::to_writer(message.writer(), id)?;
        message.push_bytes(br#","result":"#);
        M::write_result(result, &mut message)?;
        message.push_bytes(b"}");
        Ok::<_, serde_json::Error>(message)
    };
    write().map_err(|err| RpcError::internal(format!("result could not be serialized: {err}")))
}

/// Decodes by-name params (an object). No params, `null` and `[]` mean `{}`; `[{..}]` is
/// accepted as the object it holds. Errors name the offending field as a path.
pub fn decode_params<T: DeserializeOwned>(raw: Option<&str>) -> Result<T, RpcError> {
    let raw = raw.map(str::trim).unwrap_or("");
    let owned;
    let text = match raw {
        "" | "null" | "[]" => "{}",
        text if text.starts_with('[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text)
                .map_err(|err| RpcError::invalid_params("", err.to_string()))?;
            match items.as_slice() {
                [single] if single.get().trim_start().starts_with('{') => {
                    owned = single.get().to_string();
                    owned.as_str()
                }
                _ => {
                    return Err(RpcError::invalid_params(
                        "",
                        "params must be an object (by-name), or an array holding one object",
                    ));
                }
            }
        }
        text if text.starts_with('{') => text,
        _ => {
            return Err(RpcError::invalid_params(
                "",
                "params must be an object (by-name)",
            ));
        }
    };
    // Decoded plainly first: tracking the path costs a fifth of decoding a long conversation
    // (`chat/stream` params of 214 KB: 164 µs with it, 131 µs without). Only a decode that fails
    // runs again with the path tracked, to name the field; it fails the same way.
    if let Ok(params) = T::deserialize(&mut serde_json::Deserializer::from_str(text)) {
        return Ok(params);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let field = if path == "." { String::new() } else { path };
        RpcError::invalid_params(field, err.into_inner().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Sample {
        query: String,
        #[serde(default)]
        limit: Option<u32>,
        #[serde(default)]
        filters: Option<Filters>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Filters {
        min_context: u64,
    }

    #[test]
    fn decodes_objects_and_single_element_arrays() {
        let s: Sample = decode_params(Some(r#"{"query":"x","limit":3}"#)).expect("valid");
        assert_eq!((s.query.as_str(), s.limit), ("x", Some(3)));
        let s: Sample =
            decode_params(Some(r#"[{"query":"y","filters":{"minContext":5}}]"#)).expect("valid");
        assert_eq!(s.query, "y");
        assert_eq!(s.filters.map(|f| f.min_context), Some(5));
        let _: NoParams = decode_params(None).expect("no params is fine");
        let _: NoParams = decode_params(Some("[]")).expect("empty array is fine");
    }

    #[test]
    fn errors_name_the_field_and_reason() {
        let err = decode_params::<Sample>(Some(r#"{"query":"x","filters":{"minContext":"big"}}"#))
            .expect_err("wrong type");
        let data = err.data_value();
        assert_eq!(data["field"], "filters.minContext");
        assert!(
            data["reason"]
                .as_str()
                .expect("reason is a string")
                .contains("invalid type")
        );
        let err = decode_params::<Sample>(Some(r#"{}"#)).expect_err("missing field");
        assert!(
            err.message.contains("missing field `query`"),
            "{}",
            err.message
        );
        let err = decode_params::<Sample>(Some(r#"[1,2]"#)).expect_err("positional");
        assert_eq!(err.code(), -32602);
        let err = decode_params::<Sample>(Some(r#""text""#)).expect_err("a string");
        assert_eq!(err.code(), -32602);
    }
}
