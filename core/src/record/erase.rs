//! Erasure of personal data (PIPL Art. 47): a record re-issued as a fresh Automerge document
//! that holds the record's current values minus the erased fields.
//!
//! Automerge keeps every past value in a document's history, so removing a field by an
//! ordinary edit leaves it readable in the change that wrote it. The only way to be rid of
//! it is a new document with no past: one change, written by whoever performs the erasure,
//! built from the winning values of today. The relay then deletes the old document and its
//! changes, and every phone does the same when it learns of the erasure (`store::erasure`).
//!
//! Fields are named by path, in the grammar conflicts and removals already use:
//! `members[id=…].id_number`, `members[id=…]` (the whole member), `photos`,
//! `timeline[id=…].photos`. A path that names nothing is refused, so an administrator never
//! believes something was erased that was not.

use std::collections::BTreeSet;

use automerge::{ActorId, AutoCommit, transaction::CommitOptions};
use serde_json::Value as Json;

use super::{Envelope, new_document, read_data, read_envelope};
use crate::error::{Error, Invalid, Result};

/// What a required text field holds once its value is erased (a member's name: the member
/// stays counted in the household, nameless).
pub const ERASED_PLACEHOLDER: &str = "（已删除）";

/// The message of a re-issued document's only change: its history says it was re-issued,
/// not by whom it was first written.
pub const REISSUE_MESSAGE: &str = "erasure";

/// One step of a field path: a key, optionally selecting a list item by its `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    key: String,
    item: Option<String>,
}

fn parse_path(path: &str) -> Result<Vec<Step>, Invalid> {
    let bad = || Invalid::new(path, "is not a field path (like members[id=…].phone)");
    let mut steps = Vec::new();
    for part in path.split('.') {
        let step = match part.split_once('[') {
            None => Step {
                key: part.to_string(),
                item: None,
            },
            Some((key, rest)) => {
                let id = rest
                    .strip_prefix("id=")
                    .and_then(|r| r.strip_suffix(']'))
                    .ok_or_else(bad)?;
                if id.is_empty() {
                    return Err(bad());
                }
                Step {
                    key: key.to_string(),
                    item: Some(id.to_string()),
                }
            }
        };
        if step.key.is_empty() || step.key.contains(']') {
            return Err(bad());
        }
        steps.push(step);
    }
    if steps.is_empty() {
        return Err(bad());
    }
    Ok(steps)
}

/// The object holding the last step of a path, walking list items by `id`.
fn parent_of<'a>(
    data: &'a mut Json,
    steps: &[Step],
) -> Option<&'a mut serde_json::Map<String, Json>> {
    let mut at = data;
    for step in steps {
        at = at.as_object_mut()?.get_mut(&step.key)?;
        if let Some(id) = &step.item {
            at = at
                .as_array_mut()?
                .iter_mut()
                .find(|v| v.get("id").and_then(Json::as_str) == Some(id.as_str()))?;
        }
    }
    at.as_object_mut()
}

/// Removes each named field (or list item) from `data`. With `placeholder`, a field that
/// held text keeps [`ERASED_PLACEHOLDER`] instead of going away (for required fields).
fn remove_fields(data: &mut Json, paths: &[String], placeholder: bool) -> Result<(), Invalid> {
    for path in paths {
        let steps = parse_path(path)?;
        let missing = || Invalid::new(path.as_str(), "names no field of this record");
        let (last, within) = steps.split_last().ok_or_else(missing)?;
        let parent = parent_of(data, within).ok_or_else(missing)?;
        match &last.item {
            None => {
                let old = parent.remove(&last.key).ok_or_else(missing)?;
                if placeholder && old.is_string() {
                    parent.insert(last.key.clone(), Json::from(ERASED_PLACEHOLDER));
                }
            }
            Some(id) => {
                let list = parent
                    .get_mut(&last.key)
                    .and_then(Json::as_array_mut)
                    .ok_or_else(missing)?;
                let before = list.len();
                list.retain(|v| v.get("id").and_then(Json::as_str) != Some(id.as_str()));
                if list.len() == before {
                    return Err(missing());
                }
            }
        }
    }
    Ok(())
}

/// The record's fields with `paths` erased, still valid for its kind: fields are removed,
/// and where the kind requires one (a member's name) it holds [`ERASED_PLACEHOLDER`].
pub fn erase_fields(env: &Envelope, data: &Json, paths: &[String]) -> Result<Json> {
    let ops = env.kind.ops();
    let mut removed = data.clone();
    remove_fields(&mut removed, paths, false)?;
    if ops.load(env, removed.clone()).is_ok() {
        return Ok(removed);
    }
    let mut kept = data.clone();
    remove_fields(&mut kept, paths, true)?;
    ops.load(env, kept.clone())?;
    Ok(kept)
}

/// A fresh document for the record in `saved`: the same envelope, its current fields minus
/// `paths`, in one change by `actor` at `time` (seconds since the epoch). The result shares
/// no history with the old document, so none of the old values are in it.
pub fn reissue(saved: &[u8], paths: &[String], actor: ActorId, time: i64) -> Result<AutoCommit> {
    let old = AutoCommit::load(saved).map_err(|e| Error::Document {
        id: "erasure".into(),
        reason: e.to_string(),
    })?;
    let env = read_envelope(&old).ok_or_else(|| Error::Document {
        id: "erasure".into(),
        reason: "the document has no envelope".into(),
    })?;
    let data = erase_fields(&env, &read_data(&old), paths)?;
    let mut doc = new_document(&env, &data, env.kind.ops().text_fields(), actor)?;
    doc.commit_with(
        CommitOptions::default()
            .with_message(REISSUE_MESSAGE.to_string())
            .with_time(time),
    );
    Ok(doc)
}

/// Attachment hashes (64 lowercase hex characters) anywhere in a record's fields: what a
/// re-issued record still references, so the blobs it no longer names can be purged.
pub fn attachment_hashes(data: &Json) -> BTreeSet<String> {
    fn walk(v: &Json, out: &mut BTreeSet<String>) {
        match v {
            Json::String(s)
                if s.len() == 64
                    && s.bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) =>
            {
                out.insert(s.clone());
            }
            Json::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Json::Object(m) => m.values().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(data, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_parse_and_garbage_is_refused() {
        assert_eq!(
            parse_path("members[id=m1].phone").ok(),
            Some(vec![
                Step {
                    key: "members".into(),
                    item: Some("m1".into())
                },
                Step {
                    key: "phone".into(),
                    item: None
                }
            ])
        );
        for bad in ["", "a..b", "members[m1]", "members[id=]", "x]"] {
            assert!(parse_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fields_and_items_go_and_unknown_paths_are_refused() -> Result<(), Invalid> {
        let mut data = json!({"members": [{"id": "a", "name": "x", "phone": "1"}, {"id": "b", "name": "y"}], "photos": ["p"]});
        remove_fields(
            &mut data,
            &[
                "members[id=a].phone".into(),
                "members[id=b]".into(),
                "photos".into(),
            ],
            false,
        )?;
        assert_eq!(data, json!({"members": [{"id": "a", "name": "x"}]}));
        assert!(remove_fields(&mut data, &["members[id=a].phone".into()], false).is_err());
        assert!(remove_fields(&mut data, &["members[id=zz].name".into()], false).is_err());
        Ok(())
    }

    #[test]
    fn hashes_are_found_anywhere() {
        let h = "a".repeat(64);
        let data = json!({"photos": [h], "timeline": [{"photos": ["b".repeat(64)], "note": "x"}]});
        assert_eq!(attachment_hashes(&data).len(), 2);
    }
}
