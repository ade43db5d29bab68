//! Conflicts: fields two devices set concurrently. Automerge keeps every concurrent value and
//! shows a deterministic winner; we surface all of them, with who set each and when, so a
//! person can choose. Choosing writes the chosen value as a new change that supersedes all.

use automerge::{
    AutoCommit, ObjId, ObjType, Prop, ROOT, ReadDoc, Value, transaction::Transactable,
};
use serde::Serialize;
use serde_json::Value as Json;

use super::json_doc::{read_value, scalar_to_json};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictValue {
    pub value: Json,
    /// The device (Automerge actor, hex) that set this value.
    pub actor: String,
    /// The person signed in on that device when they set it, as recorded in the change.
    pub user: Option<String>,
    /// Seconds since the Unix epoch, by that device's clock.
    pub time: i64,
    /// Whether this is the value shown until someone resolves the conflict.
    pub winner: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// The field's path within the record (`members[0].phone`, or `archived`).
    pub path: String,
    pub values: Vec<ConflictValue>,
}

struct Found {
    conflict: Conflict,
    obj: ObjId,
    prop: Prop,
    raw: Vec<Value<'static>>,
}

/// Fields set concurrently, then list items removed (or moved) while someone edited them
/// (see [`super::removals`]).
pub fn list(doc: &mut AutoCommit) -> Vec<Conflict> {
    let mut out: Vec<Conflict> = find(doc).into_iter().map(|f| f.conflict).collect();
    out.extend(super::removals::find(doc).into_iter().map(|l| l.conflict));
    out
}

/// Settles the conflict at `path` (as listed by [`list`]) with the value at position `pick`.
/// `text_paths` are the kind's narrative fields, for an item restored with its text.
pub fn resolve(
    doc: &mut AutoCommit,
    record: &str,
    path: &str,
    pick: usize,
    text_paths: &[&str],
) -> Result<()> {
    let no_conflict = || Error::NoConflict {
        id: record.to_string(),
        path: path.to_string(),
    };
    let Some(found) = find(doc).into_iter().find(|f| f.conflict.path == path) else {
        let lost = super::removals::find(doc)
            .into_iter()
            .find(|l| l.conflict.path == path)
            .ok_or_else(no_conflict)?;
        return super::removals::resolve(doc, lost, record, pick, text_paths);
    };
    let count = found.raw.len();
    let chosen = found.raw.get(pick).ok_or_else(|| {
        Error::Invalid(crate::error::Invalid::new(
            "pick",
            format!("must be between 0 and {}", count - 1),
        ))
    })?;
    let fail = |e: automerge::AutomergeError| Error::Document {
        id: record.to_string(),
        reason: e.to_string(),
    };
    match chosen {
        Value::Scalar(s) => doc
            .put(&found.obj, found.prop, s.as_ref().clone())
            .map_err(fail),
        Value::Object(_) => Err(Error::Invalid(crate::error::Invalid::new(
            path,
            "both values are whole objects; edit the record to keep the right one",
        ))),
    }
}

fn find(doc: &mut AutoCommit) -> Vec<Found> {
    let mut out = Vec::new();
    let mut stack: Vec<(ObjId, String)> = vec![(ROOT, String::new())];
    while let Some((obj, path)) = stack.pop() {
        let props: Vec<Prop> = match doc.object_type(&obj) {
            Ok(ObjType::Map) | Ok(ObjType::Table) => doc.keys(&obj).map(Prop::Map).collect(),
            Ok(ObjType::List) => (0..doc.length(&obj)).map(Prop::Seq).collect(),
            _ => continue,
        };
        for prop in props {
            // Bookkeeping of settled removals, not a field anyone edits.
            if path.is_empty() && prop == Prop::Map(super::removals::SETTLED.into()) {
                continue;
            }
            let child = child_path(&path, &prop);
            let all: Vec<(Value<'static>, ObjId)> = doc
                .get_all(&obj, prop.clone())
                .unwrap_or_default()
                .into_iter()
                .map(|(v, id)| (v.into_owned(), id))
                .collect();
            if all.len() > 1 {
                let mut values = Vec::new();
                let mut raw = Vec::new();
                for (i, (value, id)) in all.iter().enumerate() {
                    let json = match value {
                        Value::Scalar(s) => scalar_to_json(s),
                        Value::Object(_) => read_value(doc, (value.clone(), id.clone())),
                    };
                    let (actor, user, time) = author_of(doc, id);
                    // get_all lists values in op order; the last one is what `get` returns.
                    values.push(ConflictValue {
                        value: json,
                        actor,
                        user,
                        time,
                        winner: i + 1 == all.len(),
                    });
                    raw.push(value.clone());
                }
                out.push(Found {
                    conflict: Conflict {
                        path: child.clone(),
                        values,
                    },
                    obj: obj.clone(),
                    prop: prop.clone(),
                    raw,
                });
            }
            if let Ok(Some((Value::Object(t), id))) = doc.get(&obj, prop)
                && t != ObjType::Text
            {
                stack.push((id, child));
            }
        }
    }
    out.sort_by(|a, b| a.conflict.path.cmp(&b.conflict.path));
    out
}

fn author_of(doc: &mut AutoCommit, op: &automerge::ObjId) -> (String, Option<String>, i64) {
    let actor = match op {
        automerge::ObjId::Id(_, actor, _) => actor.to_hex_string(),
        automerge::ObjId::Root => String::new(),
    };
    let change = doc
        .hash_for_opid(op)
        .and_then(|h| doc.get_change_by_hash(&h));
    match change {
        Some(c) => (actor, c.message().map(str::to_string), c.timestamp()),
        None => (actor, None, 0),
    }
}

/// Paths as a person reads them: the `data.` prefix every field has is dropped.
pub fn child_path(parent: &str, prop: &Prop) -> String {
    match prop {
        Prop::Map(key) if parent.is_empty() => key.to_string(),
        Prop::Map(key) if parent == "data" => key.to_string(),
        Prop::Map(key) => format!("{parent}.{key}"),
        Prop::Seq(i) if parent == "data" => format!("[{i}]"),
        Prop::Seq(i) => format!("{parent}[{i}]"),
    }
}
