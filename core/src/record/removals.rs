//! Removed while edited: a list item (a household member, a mediation party) that one device
//! took out while another device edited it. Automerge applies both: the item is gone, and the
//! edit went into an object no one can reach any more — lost without a trace on the screen.
//! The same happens to an edit made while another device moved the item (a move is a removal
//! and a fresh insertion).
//!
//! Such edits are found in the history: a change that wrote inside the item and that the
//! removing change had not seen. They are surfaced as conflicts beside the field conflicts:
//! the removal (value `null`, or the item where it stands now after a move) against the item
//! as each editor left it. Keeping the removal or restoring the edited item writes a marker
//! under the root's `settled_removals`, so every device stops showing it once it syncs.

use std::collections::{HashMap, HashSet};

use automerge::legacy::{ElementId, Key, ObjectId, OpId, OpType};
use automerge::{
    ActorId, AutoCommit, Change, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, Value,
    transaction::Transactable,
};
use serde_json::Value as Json;

use super::conflicts::{Conflict, ConflictValue, child_path};
use super::json_doc;
use crate::error::{Error, Invalid, Result};

/// The root key holding settled removals: element id → "removed" or "restored".
pub const SETTLED: &str = "settled_removals";

/// A removal that swallowed someone's edit, as found in the history.
#[derive(Debug)]
pub struct Lost {
    pub conflict: Conflict,
    /// The list the item was in.
    list: ObjId,
    /// The removed element's id (`counter@actor`): the marker's key.
    element: String,
    /// The item's own `id` field, when it has one: finds it again after a move.
    item_id: Option<String>,
    /// The item as each editor left it, in the order of `conflict.values[1..]`.
    edited: Vec<Json>,
}

struct Removal {
    change: usize,
    list: ObjectId,
    element: OpId,
}

/// Every unsettled removal that swallowed an edit, sorted by path.
pub fn find(doc: &mut AutoCommit) -> Vec<Lost> {
    let changes = doc.get_changes(&[]);
    let (removals, edits) = scan(&changes);
    if removals.is_empty() {
        return Vec::new();
    }
    let settled = settled_keys(doc);
    let index: HashMap<ChangeHash, usize> = changes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.hash(), i))
        .collect();
    let mut seen_elements = HashSet::new();
    let mut out = Vec::new();
    for removal in removals {
        let element = format!(
            "{}@{}",
            removal.element.0,
            removal.element.1.to_hex_string()
        );
        // Two devices removing the same item concurrently: one finding is enough.
        if settled.contains(&element) || !seen_elements.insert(element.clone()) {
            continue;
        }
        let Some(touched) = edits.get(&removal.element) else {
            continue;
        };
        let known = ancestors(&changes, &index, removal.change);
        let unseen: Vec<usize> = touched
            .iter()
            .copied()
            .filter(|c| *c != removal.change && !known.contains(c))
            .collect();
        if unseen.is_empty() {
            continue;
        }
        if let Some(lost) = describe(doc, &changes, &removal, element, &unseen) {
            out.push(lost);
        }
    }
    out.sort_by(|a, b| a.conflict.path.cmp(&b.conflict.path));
    out
}

/// Removals of list elements, and for every object the changes that wrote in it or beneath it.
fn scan(changes: &[Change]) -> (Vec<Removal>, HashMap<OpId, Vec<usize>>) {
    let mut parent: HashMap<OpId, ObjectId> = HashMap::new();
    let mut edits: HashMap<OpId, Vec<usize>> = HashMap::new();
    let mut removals = Vec::new();
    for (ci, change) in changes.iter().enumerate() {
        let expanded = change.decode();
        let start = expanded.start_op.get();
        for (i, op) in expanded.operations.iter().enumerate() {
            let id = OpId(start + i as u64, expanded.actor_id.clone());
            if let OpType::Make(_) = op.action {
                parent.insert(id.clone(), op.obj.clone());
            }
            if let (OpType::Delete, Key::Seq(ElementId::Id(element))) = (&op.action, &op.key) {
                removals.push(Removal {
                    change: ci,
                    list: op.obj.clone(),
                    element: element.clone(),
                });
            }
            let mut obj = op.obj.clone();
            let mut depth = 0;
            // Depth-bounded: a malformed history must not loop.
            while let ObjectId::Id(o) = obj {
                let entry = edits.entry(o.clone()).or_default();
                if entry.last() != Some(&ci) {
                    entry.push(ci);
                }
                depth += 1;
                if depth > 64 {
                    break;
                }
                obj = parent.get(&o).cloned().unwrap_or(ObjectId::Root);
            }
        }
    }
    (removals, edits)
}

/// The changes `of` was built on (by index), itself excluded.
fn ancestors(changes: &[Change], index: &HashMap<ChangeHash, usize>, of: usize) -> HashSet<usize> {
    let mut seen = HashSet::new();
    let mut stack: Vec<usize> = changes[of]
        .deps()
        .iter()
        .filter_map(|h| index.get(h).copied())
        .collect();
    while let Some(c) = stack.pop() {
        if seen.insert(c) {
            stack.extend(
                changes[c]
                    .deps()
                    .iter()
                    .filter_map(|h| index.get(h).copied()),
            );
        }
    }
    seen
}

fn settled_keys(doc: &AutoCommit) -> HashSet<String> {
    // Two devices may have created the marker map concurrently: read every copy.
    doc.get_all(ROOT, SETTLED)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(v, id)| matches!(v, Value::Object(ObjType::Map)).then_some(id))
        .flat_map(|id| doc.keys(&id).collect::<Vec<_>>())
        .collect()
}

fn describe(
    doc: &mut AutoCommit,
    changes: &[Change],
    removal: &Removal,
    element: String,
    unseen: &[usize],
) -> Option<Lost> {
    let list = match &removal.list {
        ObjectId::Root => return None,
        ObjectId::Id(o) => doc
            .import_obj(&format!("{}@{}", o.0, o.1.to_hex_string()))
            .ok()?,
    };
    // A list that is itself gone has nowhere to restore to.
    let trail = doc.parents(&list).ok()?.visible_path()?;
    let mut list_path = String::new();
    for (_, prop) in &trail {
        list_path = child_path(&list_path, prop);
    }

    let remover = &changes[removal.change];
    // One value per editing device: the item as its unseen edits left it.
    let mut by_actor: Vec<(ActorId, Vec<usize>)> = Vec::new();
    for &c in unseen {
        let actor = changes[c].actor_id().clone();
        match by_actor.iter_mut().find(|(a, _)| *a == actor) {
            Some((_, cs)) => cs.push(c),
            None => by_actor.push((actor, vec![c])),
        }
    }
    let mut edited = Vec::new();
    let mut values = Vec::new();
    for (actor, cs) in &by_actor {
        let heads: Vec<ChangeHash> = cs.iter().map(|c| changes[*c].hash()).collect();
        let then = doc.fork_at(&heads).ok()?;
        let item = then.import_obj(&element).ok()?;
        let json = json_doc::read_obj(&then, &item);
        let last = cs
            .iter()
            .map(|c| &changes[*c])
            .max_by_key(|c| c.timestamp())?;
        values.push(ConflictValue {
            value: json.clone(),
            actor: actor.to_hex_string(),
            user: last.message().map(str::to_string),
            time: last.timestamp(),
            winner: false,
        });
        edited.push(json);
    }
    let item_id = edited
        .first()
        .and_then(|j| j.get("id"))
        .and_then(Json::as_str)
        .map(str::to_string);
    let now = item_id
        .as_deref()
        .and_then(|id| find_item(doc, &list, id))
        .map(|(_, obj)| json_doc::read_obj(doc, &obj))
        .unwrap_or(Json::Null);
    values.insert(
        0,
        ConflictValue {
            value: now,
            actor: remover.actor_id().to_hex_string(),
            user: remover.message().map(str::to_string),
            time: remover.timestamp(),
            winner: true,
        },
    );
    let path = format!(
        "{list_path}[id={}]",
        item_id.clone().unwrap_or_else(|| element.clone())
    );
    Some(Lost {
        conflict: Conflict { path, values },
        list,
        element,
        item_id,
        edited,
    })
}

/// The item of `list` whose `id` field is `id`: its index and object.
fn find_item(doc: &AutoCommit, list: &ObjId, id: &str) -> Option<(usize, ObjId)> {
    (0..doc.length(list)).find_map(|i| match doc.get(list, i).ok().flatten()? {
        (Value::Object(ObjType::Map), obj) => {
            let here = match doc.get(&obj, "id").ok().flatten()? {
                (Value::Scalar(s), _) => s.as_str().map(str::to_string),
                _ => None,
            };
            (here.as_deref() == Some(id)).then_some((i, obj))
        }
        _ => None,
    })
}

/// Settles a removal: `pick` 0 keeps it; `pick` k restores the item as editor k left it (onto
/// the item where it stands now, if it was moved rather than removed).
pub fn resolve(
    doc: &mut AutoCommit,
    lost: Lost,
    record: &str,
    pick: usize,
    text_paths: &[&str],
) -> Result<()> {
    let fail = |e: automerge::AutomergeError| Error::Document {
        id: record.to_string(),
        reason: e.to_string(),
    };
    let outcome = if pick == 0 {
        "removed"
    } else {
        let item = lost.edited.get(pick - 1).ok_or_else(|| {
            Error::Invalid(Invalid::new(
                "pick",
                format!("must be between 0 and {}", lost.edited.len()),
            ))
        })?;
        let list_path = lost
            .conflict
            .path
            .rsplit_once('[')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        let here = lost
            .item_id
            .as_deref()
            .and_then(|id| find_item(doc, &lost.list, id));
        match (here, item) {
            (Some((i, obj)), Json::Object(map)) => {
                json_doc::write_map(doc, &obj, map, &format!("{list_path}[{i}]"), text_paths)
                    .map_err(fail)?
            }
            (_, item) => {
                let end = doc.length(&lost.list);
                json_doc::insert_item(
                    doc,
                    &lost.list,
                    end,
                    item,
                    &format!("{list_path}[{end}]"),
                    text_paths,
                )
                .map_err(fail)?
            }
        }
        "restored"
    };
    let marks = match doc.get(ROOT, SETTLED).map_err(fail)? {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => doc.put_object(ROOT, SETTLED, ObjType::Map).map_err(fail)?,
    };
    doc.put(&marks, lost.element.as_str(), outcome)
        .map_err(fail)?;
    Ok(())
}
