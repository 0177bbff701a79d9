//! Splits a catalog's JSON text into a few JSON objects of about equal size, each holding whole
//! providers exactly as written, so that the parts can be parsed on several threads. Used by
//! `build.rs` for the embedded snapshot and by the cache load; needs nothing but serde_json.
//!
//! `build.rs` compiles this file through `#[path]`: it may use only the build script's
//! dependencies (`[build-dependencies]` in Cargo.toml) and nothing else of the crate.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

/// The providers of `text` (a JSON object of providers) in at most `parts` JSON objects.
pub fn split_providers(text: &str, parts: usize) -> serde_json::Result<Vec<String>> {
    let providers: BTreeMap<String, &RawValue> = serde_json::from_str(text)?;
    let providers: Vec<(String, &RawValue)> = providers
        .into_iter()
        .map(|(id, raw)| serde_json::to_string(&id).map(|key| (key, raw)))
        .collect::<serde_json::Result<_>>()?;
    let sizes: Vec<usize> = providers
        .iter()
        .map(|(key, raw)| key.len() + raw.get().len() + 2)
        .collect();
    Ok(split_evenly(&sizes, parts)
        .into_iter()
        .map(|range| {
            let mut json = String::with_capacity(sizes[range.clone()].iter().sum::<usize>() + 2);
            json.push('{');
            for (position, (key, raw)) in providers[range].iter().enumerate() {
                if position > 0 {
                    json.push(',');
                }
                json.push_str(key);
                json.push(':');
                json.push_str(raw.get());
            }
            json.push('}');
            json
        })
        .collect())
}

/// Consecutive index ranges over `sizes` of about `total / parts` each.
fn split_evenly(sizes: &[usize], parts: usize) -> Vec<std::ops::Range<usize>> {
    let target = sizes.iter().sum::<usize>().div_ceil(parts.max(1));
    let mut starts = vec![0];
    let mut size = 0;
    for (index, entry) in sizes.iter().enumerate() {
        if size >= target && starts.len() < parts {
            starts.push(index);
            size = 0;
        }
        size += entry;
    }
    let ends = starts.iter().skip(1).copied().chain([sizes.len()]);
    starts
        .iter()
        .zip(ends)
        .map(|(&start, end)| start..end)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_parts_hold_every_provider_once_as_written() {
        let text = r#"{"a": {"n": 1}, "b\"q": {"n": [1, 2.50]}, "c": {}, "d": {"n": "x"}}"#;
        let parts = split_providers(text, 2).expect("splits");
        assert_eq!(parts.len(), 2);
        let mut joined = serde_json::Map::new();
        for part in &parts {
            let Value::Object(providers) = serde_json::from_str(part).expect("a JSON object")
            else {
                panic!("{part}");
            };
            assert!(!providers.is_empty());
            joined.extend(providers);
        }
        assert_eq!(
            Value::Object(joined),
            serde_json::from_str::<Value>(text).expect("json")
        );
        assert!(
            parts.concat().contains("2.50"),
            "values are copied as written"
        );
        assert!(split_providers("[1]", 2).is_err());
        assert_eq!(split_providers("{}", 4).expect("splits"), vec!["{}"]);
    }
}
