//! The one deep merge of JSON values, used wherever one layer of settings goes over another: config
//! over the catalog, a session's config over the global one, model options and variants, the
//! `providerOptions` of a session, a model and a call, and provider metadata gathered from a stream.
//!
//! The rule is OpenCode's `mergeDeep` (remeda's): where both sides hold an object the two merge key
//! by key; anywhere else the overlay's value replaces the base's. Arrays are replaced whole, and so
//! is anything under a `null`: a `null` in the overlay replaces the base value with `null` (it does
//! not mean "keep"). Where the merged JSON is then read into typed config, a `null` in an optional
//! field reads as "not set".

use serde_json::{Map, Value};

/// Merges `overlay` into `target` by OpenCode's `mergeDeep` rule (see the module docs).
pub fn merge_deep(target: &mut Value, overlay: &Value) {
    match (target, overlay) {
        (Value::Object(target), Value::Object(overlay)) => merge_deep_map(target, overlay),
        (target, overlay) => *target = overlay.clone(),
    }
}

/// [`merge_deep`] of two objects' maps: each overlay key merged into `target`'s.
pub fn merge_deep_map(target: &mut Map<String, Value>, overlay: &Map<String, Value>) {
    for (key, value) in overlay {
        match target.get_mut(key) {
            Some(existing) => merge_deep(existing, value),
            None => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn merged(mut base: Value, overlay: Value) -> Value {
        merge_deep(&mut base, &overlay);
        base
    }

    #[test]
    fn objects_merge_key_by_key_at_every_depth() {
        assert_eq!(
            merged(
                json!({"a": 1, "o": {"x": 1, "deep": {"k": "base", "keep": true}}}),
                json!({"b": 2, "o": {"y": 2, "deep": {"k": "top"}}})
            ),
            json!({"a": 1, "b": 2, "o": {"x": 1, "y": 2, "deep": {"k": "top", "keep": true}}})
        );
    }

    #[test]
    fn arrays_and_scalars_are_replaced_whole() {
        assert_eq!(
            merged(
                json!({"list": [1, 2, 3], "n": 1}),
                json!({"list": [9], "n": "s"})
            ),
            json!({"list": [9], "n": "s"})
        );
        assert_eq!(
            merged(json!({"o": {"x": 1}}), json!({"o": 5})),
            json!({"o": 5})
        );
        assert_eq!(
            merged(json!({"o": 5}), json!({"o": {"x": 1}})),
            json!({"o": {"x": 1}})
        );
    }

    #[test]
    fn null_replaces_like_any_other_value() {
        assert_eq!(
            merged(
                json!({"a": 1, "o": {"x": 1}}),
                json!({"a": null, "o": null})
            ),
            json!({"a": null, "o": null})
        );
        assert_eq!(merged(json!({"a": 1}), json!(null)), json!(null));
        assert_eq!(
            merged(json!({"a": 1}), json!({"b": null})),
            json!({"a": 1, "b": null})
        );
    }

    #[test]
    fn the_map_form_matches_the_value_form() {
        let base = json!({"anthropic": {"thinking": {"type": "enabled"}}, "x": [1]});
        let overlay = json!({"anthropic": {"thinking": {"budgetTokens": 1024}}, "x": null});
        let mut map = base.as_object().cloned().expect("object");
        merge_deep_map(&mut map, overlay.as_object().expect("object"));
        assert_eq!(Value::Object(map), merged(base, overlay));
    }
}
