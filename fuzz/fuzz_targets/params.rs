//! The params of every method: one request per run to a method the input picks, with params
//! built from the contract's own property names (so most get past "missing field"); exactly one
//! answer comes back, a result or a well-formed error, never a handler panic.

#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

const WORDS: &[&str] = &[
    "openai",
    "anthropic",
    "github-copilot",
    "amazon-bedrock",
    "google-vertex",
    "gpt-5",
    "claude-sonnet-4-5",
    "s1",
    "default",
    "",
];

fn value(u: &mut Unstructured, vocabulary: &[String], depth: u32) -> Result<Value> {
    let kind = if depth == 0 {
        u.int_in_range(0..=5)?
    } else {
        u.int_in_range(0..=7)?
    };
    Ok(match kind {
        0 => Value::Null,
        1 => Value::from(u.arbitrary::<bool>()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 => serde_json::Number::from_f64(u.arbitrary::<f64>()?).map_or(Value::Null, Value::from),
        4 => Value::from(*u.choose(WORDS)?),
        5 => Value::from(u.arbitrary::<String>()?),
        6 => {
            let len = u.int_in_range(0..=4)?;
            let mut items = Vec::with_capacity(len);
            for _ in 0..len {
                items.push(value(u, vocabulary, depth - 1)?);
            }
            Value::Array(items)
        }
        _ => {
            let len = u.int_in_range(0..=5)?;
            let mut map = Map::new();
            for _ in 0..len {
                let key = if u.ratio(4, 5)? {
                    u.choose(vocabulary)?.clone()
                } else {
                    u.arbitrary::<String>()?
                };
                map.insert(key, value(u, vocabulary, depth - 1)?);
            }
            Value::Object(map)
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let harness = common::harness();
    let mut u = Unstructured::new(data);
    let (Ok(method), Ok(params)) = (
        u.choose(&harness.methods).copied(),
        value(&mut u, &harness.vocabulary, 3),
    ) else {
        return;
    };
    let request = json!({"jsonrpc": "2.0", "id": "f", "method": method, "params": params});
    let line = format!("{request}\n");
    if common::is_unsafe_to_fuzz(line.as_bytes()) {
        return;
    }
    let (_, messages) = harness.run(line.as_bytes());
    let answers = messages
        .iter()
        .filter(|m| m.get("id") == Some(&json!("f")))
        .count();
    assert_eq!(answers, 1, "{method} answered {messages:?}");
});
