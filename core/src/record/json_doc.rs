//! Records as JSON-shaped Automerge documents, written by *diff*.
//!
//! Why not reconcile the whole struct (autosurgeon's way)? Reconciling writes every scalar
//! again, and since automerge 0.12 writing a field's current value where two values conflict
//! resolves the conflict in favour of the deterministic winner. A worker editing one phone
//! number would silently settle an unrelated conflict on another member's name. So the writer
//! here touches only what differs, leaving every other field — and its conflicts — alone.
//!
//! Maps are written key by key. Lists of objects are matched by each item's `id`, so members
//! added, removed or edited on two devices merge by identity, not position; lists of scalars
//! (tags) are matched by value. Fields named in `text_paths` are Automerge text, edited by a
//! character diff so two people can both add to a narrative.

use std::collections::HashMap;

use automerge::{
    AutoCommit, ObjId, ObjType, Prop, ReadDoc, ScalarValue, TextEncoding, Value, hydrate,
    transaction::Transactable,
};
use serde_json::{Map, Number, Value as Json};

pub type DocResult<T> = Result<T, automerge::AutomergeError>;

/// The visible (winning) state of an object as JSON.
///
/// One `hydrate` walks the object's ops once; reading key by key (`keys` then `get`) sought
/// each key from the top again, and was the largest single cost of the relay's ingest.
pub fn read_obj(doc: &AutoCommit, obj: &ObjId) -> Json {
    match doc.hydrate(obj, None) {
        Ok(v) => hydrated_to_json(&v),
        Err(_) => Json::Null,
    }
}

fn hydrated_to_json(v: &hydrate::Value) -> Json {
    match v {
        hydrate::Value::Scalar(s) => scalar_to_json(s),
        hydrate::Value::Map(m) => Json::Object(
            m.iter()
                .map(|(k, mv)| (k.clone(), hydrated_to_json(&mv.value)))
                .collect(),
        ),
        hydrate::Value::List(l) => {
            Json::Array(l.iter().map(|lv| hydrated_to_json(&lv.value)).collect())
        }
        hydrate::Value::Text(t) => Json::String(t.to_string()),
    }
}

pub fn read_value(doc: &AutoCommit, (value, id): (Value<'_>, ObjId)) -> Json {
    match value {
        Value::Object(_) => read_obj(doc, &id),
        Value::Scalar(s) => scalar_to_json(&s),
    }
}

pub fn scalar_to_json(s: &ScalarValue) -> Json {
    match s {
        ScalarValue::Str(s) => Json::String(s.to_string()),
        ScalarValue::Int(i) => Json::Number((*i).into()),
        ScalarValue::Uint(u) => Json::Number((*u).into()),
        ScalarValue::F64(f) => Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        ScalarValue::Boolean(b) => Json::Bool(*b),
        ScalarValue::Timestamp(t) => Json::Number((*t).into()),
        ScalarValue::Counter(c) => Json::Number(i64::from(c).into()),
        ScalarValue::Bytes(b) => Json::String(hex::encode(b)),
        _ => Json::Null,
    }
}

fn json_to_scalar(v: &Json) -> ScalarValue {
    match v {
        Json::String(s) => ScalarValue::Str(s.as_str().into()),
        Json::Bool(b) => ScalarValue::Boolean(*b),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                ScalarValue::Int(i)
            } else if let Some(u) = n.as_u64() {
                ScalarValue::Uint(u)
            } else {
                ScalarValue::F64(n.as_f64().unwrap_or_default())
            }
        }
        _ => ScalarValue::Null,
    }
}

/// Writes `new` as the content of map `obj`, touching only what differs.
/// `path` is the dotted path of `obj` (empty at the record's data root), matched against
/// `text_paths` to decide which strings are Automerge text.
pub fn write_map(
    doc: &mut AutoCommit,
    obj: &ObjId,
    new: &Map<String, Json>,
    path: &str,
    text_paths: &[&str],
) -> DocResult<()> {
    let stale: Vec<String> = doc.keys(obj).filter(|k| !new.contains_key(k)).collect();
    for key in stale {
        doc.delete(obj, key.as_str())?;
    }
    for (key, value) in new {
        let child_path = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        write_prop(
            doc,
            obj,
            Prop::Map(key.clone()),
            value,
            &child_path,
            text_paths,
        )?;
    }
    Ok(())
}

fn write_prop(
    doc: &mut AutoCommit,
    obj: &ObjId,
    prop: Prop,
    new: &Json,
    path: &str,
    text_paths: &[&str],
) -> DocResult<()> {
    let current = doc.get(obj, prop.clone())?;
    match new {
        Json::Object(map) => match current {
            Some((Value::Object(ObjType::Map), id)) => write_map(doc, &id, map, path, text_paths),
            _ => create(doc, obj, prop, new, path, text_paths, false),
        },
        Json::Array(items) => match current {
            Some((Value::Object(ObjType::List), id)) => {
                write_list(doc, &id, items, path, text_paths)
            }
            _ => create(doc, obj, prop, new, path, text_paths, false),
        },
        Json::String(s) if is_text_path(path, text_paths) => {
            let target = match current {
                Some((Value::Object(ObjType::Text), id)) => id,
                _ => doc.put_object(obj, prop, ObjType::Text)?,
            };
            doc.update_text(&target, s.as_str())
        }
        scalar => {
            let sv = json_to_scalar(scalar);
            if let Some((Value::Scalar(existing), _)) = &current
                && existing.as_ref() == &sv
            {
                return Ok(());
            }
            doc.put(obj, prop, sv)
        }
    }
}

/// Text paths are written without list indices (`sessions.notes` matches `sessions[3].notes`).
fn is_text_path(path: &str, text_paths: &[&str]) -> bool {
    if text_paths.is_empty() {
        return false;
    }
    let mut plain = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    text_paths.contains(&plain.as_str())
}

/// The identity of a list item: an object's `id`, or a scalar's own value.
fn item_key(v: &Json) -> String {
    match v {
        Json::Object(m) => match m.get("id") {
            Some(Json::String(s)) => format!("id:{s}"),
            _ => format!("obj:{v}"),
        },
        other => format!("val:{other}"),
    }
}

fn current_key(doc: &AutoCommit, list: &ObjId, index: usize) -> Option<String> {
    match doc.get(list, index).ok().flatten()? {
        (Value::Object(ObjType::Map), id) => match doc.get(&id, "id").ok().flatten() {
            Some((Value::Scalar(s), _)) => match s.as_ref() {
                ScalarValue::Str(s) => Some(format!("id:{s}")),
                _ => None,
            },
            _ => None,
        },
        (Value::Scalar(s), _) => Some(format!("val:{}", scalar_to_json(&s))),
        _ => None,
    }
}

fn write_list(
    doc: &mut AutoCommit,
    list: &ObjId,
    new: &[Json],
    path: &str,
    text_paths: &[&str],
) -> DocResult<()> {
    let wanted: std::collections::HashSet<String> = new.iter().map(item_key).collect();
    // Drop items that are gone (or repeated), from the end so indices stay valid.
    let mut seen = std::collections::HashSet::new();
    let keys: Vec<Option<String>> = (0..doc.length(list))
        .map(|i| current_key(doc, list, i))
        .collect();
    let mut keep = vec![false; keys.len()];
    for (i, k) in keys.iter().enumerate() {
        if let Some(k) = k {
            keep[i] = wanted.contains(k) && seen.insert(k.clone());
        }
    }
    for i in (0..keys.len()).rev() {
        if !keep[i] {
            doc.delete(list, i)?;
        }
    }
    for (i, item) in new.iter().enumerate() {
        let key = item_key(item);
        let item_path = format!("{path}[{i}]");
        let here = if i < doc.length(list) {
            current_key(doc, list, i)
        } else {
            None
        };
        if here.as_deref() != Some(key.as_str()) {
            // Moved: take it out of its later position and re-insert here.
            let later = (i + 1..doc.length(list))
                .find(|j| current_key(doc, list, *j).as_deref() == Some(key.as_str()));
            if let Some(j) = later {
                doc.delete(list, j)?;
            }
            insert_item(doc, list, i, item, &item_path, text_paths)?;
            continue;
        }
        if let Json::Object(map) = item
            && let Some((Value::Object(ObjType::Map), id)) = doc.get(list, i)?
        {
            write_map(doc, &id, map, &item_path, text_paths)?;
        }
    }
    Ok(())
}

pub(crate) fn insert_item(
    doc: &mut AutoCommit,
    list: &ObjId,
    index: usize,
    item: &Json,
    path: &str,
    text_paths: &[&str],
) -> DocResult<()> {
    match item {
        Json::Object(_) | Json::Array(_) => {
            create(doc, list, Prop::Seq(index), item, path, text_paths, true)
        }
        scalar => doc.insert(list, index, json_to_scalar(scalar)),
    }
}

/// Writes a whole new object in one batch: far cheaper than one operation at a time, since
/// each single operation re-splices Automerge's columnar op set.
fn create(
    doc: &mut AutoCommit,
    obj: &ObjId,
    prop: Prop,
    value: &Json,
    path: &str,
    text_paths: &[&str],
    insert: bool,
) -> DocResult<()> {
    let encoding = doc.document().text_encoding();
    let tree = to_hydrate(value, path, text_paths, encoding);
    doc.batch_create_object(obj, prop, &tree, insert)?;
    Ok(())
}

/// JSON as an Automerge value tree, with strings at text paths as Automerge text.
pub fn to_hydrate(
    value: &Json,
    path: &str,
    text_paths: &[&str],
    encoding: TextEncoding,
) -> hydrate::Value {
    match value {
        Json::Object(map) => {
            let entries: HashMap<String, hydrate::Value> = map
                .iter()
                .map(|(k, v)| {
                    let child = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    (k.clone(), to_hydrate(v, &child, text_paths, encoding))
                })
                .collect();
            hydrate::Value::Map(entries.into())
        }
        Json::Array(items) => {
            let values: Vec<hydrate::Value> = items
                .iter()
                .enumerate()
                .map(|(i, v)| to_hydrate(v, &format!("{path}[{i}]"), text_paths, encoding))
                .collect();
            values.into()
        }
        Json::String(s) if is_text_path(path, text_paths) => hydrate::Value::text(encoding, s),
        scalar => hydrate::Value::Scalar(json_to_scalar(scalar)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    /// The key-by-key reading `read_obj` replaced, kept as the oracle.
    fn read_by_key(doc: &AutoCommit, obj: &ObjId) -> Json {
        match doc.object_type(obj) {
            Ok(ObjType::Map) | Ok(ObjType::Table) => Json::Object(
                doc.keys(obj)
                    .filter_map(|k| {
                        let (v, id) = doc.get(obj, k.as_str()).ok()??;
                        Some((k, by_key_value(doc, v, &id)))
                    })
                    .collect(),
            ),
            Ok(ObjType::List) => Json::Array(
                (0..doc.length(obj))
                    .filter_map(|i| {
                        let (v, id) = doc.get(obj, i).ok()??;
                        Some(by_key_value(doc, v, &id))
                    })
                    .collect(),
            ),
            Ok(ObjType::Text) => Json::String(doc.text(obj).unwrap_or_default()),
            Err(_) => Json::Null,
        }
    }

    fn by_key_value(doc: &AutoCommit, v: Value<'_>, id: &ObjId) -> Json {
        match v {
            Value::Object(_) => read_by_key(doc, id),
            Value::Scalar(s) => scalar_to_json(&s),
        }
    }

    #[test]
    fn one_pass_reading_matches_key_by_key_reading_with_conflicts_text_and_lists() {
        let start = json!({
            "address": {"building": "3", "room": "101"},
            "narrative": "楼道堆放杂物",
            "members": [{"id": "m1", "name": "甲", "tags": ["elderly"]}, {"id": "m2", "name": "乙"}],
            "count": 2, "ratio": 0.5, "ok": true,
        });
        let write = |doc: &mut AutoCommit, v: &Json| {
            write_map(
                doc,
                &automerge::ROOT,
                v.as_object().unwrap(),
                "",
                &["narrative"],
            )
            .unwrap()
        };
        let mut a = AutoCommit::new();
        write(&mut a, &start);
        let mut b = a.fork();
        // Two devices set the same fields differently (conflicts), edit the text, and one
        // removes a member while the other edits it.
        let mut on_a = start.clone();
        on_a["address"]["room"] = json!("102");
        on_a["narrative"] = json!("楼道堆放杂物，已清理");
        on_a["members"] = json!([{"id": "m1", "name": "甲", "tags": ["elderly", "disabled"]}]);
        let mut on_b = start.clone();
        on_b["address"]["room"] = json!("201");
        on_b["count"] = json!(3);
        on_b["members"][1]["name"] = json!("乙二");
        write(&mut a, &on_a);
        write(&mut b, &on_b);
        a.merge(&mut b).unwrap();

        let (_, room_id) = a.get(automerge::ROOT, "address").unwrap().unwrap();
        let room = a.get_all(&room_id, "room").unwrap();
        assert_eq!(room.len(), 2, "a real conflict");
        assert_eq!(
            read_obj(&a, &automerge::ROOT),
            read_by_key(&a, &automerge::ROOT)
        );
        assert_eq!(read_obj(&a, &room_id), read_by_key(&a, &room_id));
    }
}
