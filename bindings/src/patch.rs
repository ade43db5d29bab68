//! The RFC 7396 merge patch that turns one JSON value into another: what an edit changed,
//! and nothing else.

use serde_json::{Map, Value};

/// The patch that, applied to `before`, gives `after`. Objects are compared key by key;
/// anything else that differs is replaced whole (a patch cannot address list elements).
pub fn merge_patch_between(before: &Value, after: &Value) -> Value {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let mut patch = Map::new();
            for (key, old) in b {
                match a.get(key) {
                    None => {
                        patch.insert(key.clone(), Value::Null);
                    }
                    Some(new) if new != old => {
                        let inner = if new.is_object() && old.is_object() {
                            merge_patch_between(old, new)
                        } else {
                            new.clone()
                        };
                        patch.insert(key.clone(), inner);
                    }
                    Some(_) => {}
                }
            }
            for (key, new) in a {
                if !b.contains_key(key) {
                    patch.insert(key.clone(), new.clone());
                }
            }
            Value::Object(patch)
        }
        _ => after.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::merge_patch_between;
    use serde_json::json;

    #[test]
    fn only_what_changed_is_in_the_patch() {
        let before = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1], "f": "x"});
        let after = json!({"a": 1, "b": {"c": 2, "d": 4}, "e": [1, 2], "g": true});
        assert_eq!(
            merge_patch_between(&before, &after),
            json!({"b": {"d": 4}, "e": [1, 2], "f": null, "g": true})
        );
        assert_eq!(merge_patch_between(&before, &before), json!({}));
    }
}
