//! The messages a client sends — requests, notifications, and answers to the server's own
//! requests — read from a frame's body and checked against JSON-RPC 2.0.
//!
//! The body is read once: its members are taken as raw JSON slices, so a request's params stay
//! the text they arrived as until the handler decodes them into its typed params (one parse).
//! Only the small members (`jsonrpc`, `id`, `method`) are parsed here.

use jsonrpsee::types::Params;
use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::client_requests::{ClientAnswer, client_error};
use super::error::{ErrorKind, RpcError};

/// One message from the client.
#[derive(Debug)]
pub enum Incoming {
    Request {
        /// A number, a string or null.
        id: Value,
        method: String,
        params: Params<'static>,
    },
    Notification {
        method: String,
        params: Params<'static>,
    },
    /// The client's answer to one of the server's own requests.
    Response { id: Value, answer: ClientAnswer },
}

/// A message that is not valid JSON-RPC: answered with `error` under `id` (the request's id when
/// it has a usable one, else null).
#[derive(Debug)]
pub struct Invalid {
    pub id: Value,
    pub error: RpcError,
}

/// One message, checked.
pub type Checked = Result<Incoming, Box<Invalid>>;

/// What a frame's body holds.
#[derive(Debug)]
pub enum Body {
    Single(Checked),
    /// A batch's messages in order; never empty.
    Batch(Vec<Checked>),
}

/// Reads a frame's body: `Err` when it is not JSON at all; an empty batch or a body that is not
/// an object is one invalid message.
pub fn read_body(body: &[u8]) -> Result<Body, serde_json::Error> {
    Ok(match serde_json::from_slice::<Shape<'_>>(body)? {
        Shape::Object(fields) => Body::Single(fields.check()),
        Shape::Batch(items) if items.is_empty() => Body::Single(Err(Box::new(Invalid {
            id: Value::Null,
            error: RpcError::new(ErrorKind::InvalidRequest, "empty batch"),
        }))),
        Shape::Batch(items) => Body::Batch(
            items
                .into_iter()
                .map(|item| match item {
                    Item::Object(fields) => fields.check(),
                    Item::Other => Err(not_an_object()),
                })
                .collect(),
        ),
        Shape::Other => Body::Single(Err(not_an_object())),
    })
}

fn not_an_object() -> Box<Invalid> {
    Box::new(Invalid {
        id: Value::Null,
        error: RpcError::new(ErrorKind::InvalidRequest, "a request must be a JSON object"),
    })
}

/// The members of a message object as raw JSON (a member given twice: the last one).
#[derive(Default)]
struct Fields<'a> {
    jsonrpc: Option<&'a RawValue>,
    id: Option<&'a RawValue>,
    method: Option<&'a RawValue>,
    params: Option<&'a RawValue>,
    result: Option<&'a RawValue>,
    error: Option<&'a RawValue>,
}

impl Fields<'_> {
    /// Checks the members in the order a reader would: `jsonrpc`, `method` (or an answer),
    /// `params`, `id`.
    fn check(self) -> Checked {
        let id = self.id.map(parse_value);
        let id_for_error = match &id {
            Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
            _ => Value::Null,
        };
        let invalid = |reason: &str| {
            Err(Box::new(Invalid {
                id: id_for_error.clone(),
                error: RpcError::new(
                    ErrorKind::InvalidRequest,
                    format!("invalid request: {reason}"),
                ),
            }))
        };
        if self
            .jsonrpc
            .map(parse_value)
            .as_ref()
            .and_then(Value::as_str)
            != Some("2.0")
        {
            return invalid("`jsonrpc` must be \"2.0\"");
        }
        let method = match self.method.map(parse_value) {
            Some(Value::String(method)) => method,
            Some(_) => return invalid("`method` must be a string"),
            None if self.result.is_some() || self.error.is_some() => {
                let answer = match self.error {
                    Some(error) => Err(client_error(parse_value(error))),
                    None => Ok(self.result.map(parse_value).unwrap_or(Value::Null)),
                };
                return Ok(Incoming::Response {
                    id: id.unwrap_or(Value::Null),
                    answer,
                });
            }
            None => return invalid("`method` is missing"),
        };
        let params = match self.params.map(RawValue::get) {
            None | Some("null") => Params::new(None),
            Some(raw) if raw.starts_with(['{', '[']) => Params::new(Some(raw)).into_owned(),
            Some(_) => return invalid("`params` must be an object or an array"),
        };
        match id {
            None => Ok(Incoming::Notification { method, params }),
            Some(id @ (Value::Number(_) | Value::String(_) | Value::Null)) => {
                Ok(Incoming::Request { id, method, params })
            }
            Some(_) => invalid("`id` must be a number, a string or null"),
        }
    }
}

/// A member already read as valid JSON.
fn parse_value(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or(Value::Null)
}

/// A body: an object, a batch, or JSON of another kind.
enum Shape<'a> {
    Object(Fields<'a>),
    Batch(Vec<Item<'a>>),
    Other,
}

/// A batch's element.
enum Item<'a> {
    Object(Fields<'a>),
    Other,
}

/// The member names a message may have; any other is skipped.
enum Key {
    Jsonrpc,
    Id,
    Method,
    Params,
    Result,
    Error,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
                Ok(match name {
                    "jsonrpc" => Key::Jsonrpc,
                    "id" => Key::Id,
                    "method" => Key::Method,
                    "params" => Key::Params,
                    "result" => Key::Result,
                    "error" => Key::Error,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

fn read_fields<'de, A: MapAccess<'de>>(mut map: A) -> Result<Fields<'de>, A::Error> {
    let mut fields = Fields::default();
    while let Some(key) = map.next_key::<Key>()? {
        let slot = match key {
            Key::Jsonrpc => &mut fields.jsonrpc,
            Key::Id => &mut fields.id,
            Key::Method => &mut fields.method,
            Key::Params => &mut fields.params,
            Key::Result => &mut fields.result,
            Key::Error => &mut fields.error,
            Key::Other => {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
        };
        *slot = Some(map.next_value::<&'de RawValue>()?);
    }
    Ok(fields)
}

/// Visits any JSON value, keeping objects (and, at the top, arrays); the rest is `Other`.
struct ShapeVisitor<const TOP: bool>;

/// What [`ShapeVisitor`] found: at the top a [`Shape`], in a batch an [`Item`].
enum Found<'a> {
    Object(Fields<'a>),
    Batch(Vec<Item<'a>>),
    Other,
}

impl<'de, const TOP: bool> Visitor<'de> for ShapeVisitor<TOP> {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON-RPC message")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Found<'de>, A::Error> {
        read_fields(map).map(Found::Object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Found<'de>, A::Error> {
        if !TOP {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Found::Other);
        }
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Item<'de>>()? {
            items.push(item);
        }
        Ok(Found::Batch(items))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Found<'de>, E> {
        Ok(Found::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Found<'de>, E> {
        Ok(Found::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Found<'de>, E> {
        Ok(Found::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Found<'de>, E> {
        Ok(Found::Other)
    }
    fn visit_str<E>(self, _: &str) -> Result<Found<'de>, E> {
        Ok(Found::Other)
    }
    fn visit_unit<E>(self) -> Result<Found<'de>, E> {
        Ok(Found::Other)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Shape<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match deserializer.deserialize_any(ShapeVisitor::<true>)? {
            Found::Object(fields) => Shape::Object(fields),
            Found::Batch(items) => Shape::Batch(items),
            Found::Other => Shape::Other,
        })
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Item<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match deserializer.deserialize_any(ShapeVisitor::<false>)? {
            Found::Object(fields) => Item::Object(fields),
            Found::Batch(_) | Found::Other => Item::Other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn single(body: &str) -> Checked {
        match read_body(body.as_bytes()).expect("JSON") {
            Body::Single(message) => message,
            Body::Batch(_) => panic!("a batch: {body}"),
        }
    }

    fn invalid(body: &str) -> (Value, String) {
        let invalid = single(body).expect_err("invalid");
        assert_eq!(invalid.error.kind, ErrorKind::InvalidRequest, "{body}");
        (invalid.id, invalid.error.message)
    }

    #[test]
    fn requests_keep_their_params_as_sent() {
        let body = r#"{"jsonrpc":"2.0","id":"a","method":"m","params":{"b": [1, 2.50]},"x":1}"#;
        let Ok(Incoming::Request { id, method, params }) = single(body) else {
            panic!("a request");
        };
        assert_eq!((id, method.as_str()), (json!("a"), "m"));
        assert_eq!(params.as_str(), Some(r#"{"b": [1, 2.50]}"#));
        for body in [
            r#"{"jsonrpc":"2.0","id":null,"method":"m"}"#,
            r#"{"jsonrpc":"2.0","id":null,"method":"m","params":null}"#,
        ] {
            let Ok(Incoming::Request { id, params, .. }) = single(body) else {
                panic!("a request: {body}");
            };
            assert!(id.is_null() && params.as_str().is_none(), "{body}");
        }
        let Ok(Incoming::Request { params, .. }) =
            single(r#"{"jsonrpc":"2.0","id":1.5,"method":"m","params":[{"x":1}]}"#)
        else {
            panic!("a request");
        };
        assert_eq!(params.as_str(), Some(r#"[{"x":1}]"#));
    }

    #[test]
    fn members_are_read_by_name_escapes_and_repeats_included() {
        let body = r#"{"\u006Dethod":"first","jsonrpc":"2.0","method":"m\u00e9","params":{}}"#;
        let Ok(Incoming::Notification { method, params }) = single(body) else {
            panic!("a notification");
        };
        assert_eq!(method, "mé", "the last `method` wins");
        assert_eq!(params.as_str(), Some("{}"));
    }

    #[test]
    fn answers_to_the_server_are_responses() {
        let Ok(Incoming::Response { id, answer }) =
            single(r#"{"jsonrpc":"2.0","id":3,"result":{"ok":true}}"#)
        else {
            panic!("a response");
        };
        assert_eq!((id, answer), (json!(3), Ok(json!({"ok": true}))));
        let Ok(Incoming::Response { answer, .. }) =
            single(r#"{"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"no","data":[1]}}"#)
        else {
            panic!("a response");
        };
        let error = answer.expect_err("an error");
        assert_eq!((error.code, error.data), (-1, Some(json!([1]))));
        let Ok(Incoming::Response { id, answer }) = single(r#"{"jsonrpc":"2.0","result":null}"#)
        else {
            panic!("a response");
        };
        assert_eq!((id, answer), (Value::Null, Ok(Value::Null)));
    }

    #[test]
    fn invalid_messages_say_why_under_the_id_they_can_keep() {
        let cases = [
            (
                r#"{"id":1,"method":"m"}"#,
                json!(1),
                "`jsonrpc` must be \"2.0\"",
            ),
            (
                r#"{"jsonrpc":"1.0","id":"x","method":"m"}"#,
                json!("x"),
                "`jsonrpc`",
            ),
            (
                r#"{"jsonrpc":"2.0","id":2,"method":7}"#,
                json!(2),
                "`method` must be a string",
            ),
            (
                r#"{"jsonrpc":"2.0","id":2,"method":null}"#,
                json!(2),
                "`method` must be",
            ),
            (
                r#"{"jsonrpc":"2.0","id":2}"#,
                json!(2),
                "`method` is missing",
            ),
            (
                r#"{"jsonrpc":"2.0","id":2,"method":"m","params":3}"#,
                json!(2),
                "`params` must",
            ),
            (
                r#"{"jsonrpc":"2.0","id":[2],"method":"m"}"#,
                Value::Null,
                "`id` must be",
            ),
            (
                r#"{"jsonrpc":"2.0","id":true,"method":"m"}"#,
                Value::Null,
                "`id` must be",
            ),
        ];
        for (body, id, reason) in cases {
            let (got_id, message) = invalid(body);
            assert_eq!(got_id, id, "{body}");
            assert!(message.contains(reason), "{body}: {message}");
        }
        for body in ["3", "\"text\"", "null", "true"] {
            let (id, message) = invalid(body);
            assert_eq!(id, Value::Null);
            assert_eq!(message, "a request must be a JSON object");
        }
        assert_eq!(invalid("[]").1, "empty batch");
    }

    #[test]
    fn batches_check_each_element() {
        let body = r#"[{"jsonrpc":"2.0","method":"n"}, 5, [1, {}], {"jsonrpc":"2.0","id":1,"method":"m"}]"#;
        let Body::Batch(items) = read_body(body.as_bytes()).expect("JSON") else {
            panic!("a batch");
        };
        assert_eq!(items.len(), 4);
        assert!(matches!(items[0], Ok(Incoming::Notification { .. })));
        assert!(items[1].is_err() && items[2].is_err(), "not objects");
        assert!(matches!(items[3], Ok(Incoming::Request { .. })));
    }

    #[test]
    fn json_errors_are_the_parsers() {
        for body in ["{", "{\"a\":1} x", "[1,", "[{\"a\":[}]", "\u{feff}{}", ""] {
            let error = read_body(body.as_bytes()).expect_err(body);
            let from_value = serde_json::from_str::<Value>(body).expect_err(body);
            assert_eq!(error.to_string(), from_value.to_string(), "{body}");
        }
    }
}
