//! History: every change of a record, oldest first, with its author and the fields it touched.
//! Computed from the document itself, so it reads the same for local and merged changes.

use std::collections::BTreeSet;

use automerge::{AutoCommit, Patch, PatchAction, Prop};
use serde::Serialize;

use super::conflicts::child_path;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    /// The change hash (hex): the same on every device and on the server.
    pub change: String,
    /// The device (Automerge actor, hex).
    pub actor: String,
    /// The person signed in on that device, as recorded in the change.
    pub user: Option<String>,
    /// Seconds since the Unix epoch, by the author's clock.
    pub time: i64,
    /// The record's fields this change set, added or removed (`members[0].phone`).
    pub fields: Vec<String>,
    /// A one-line account for a timeline: "created", "changed name, members[0].phone".
    pub summary: String,
}

pub fn list(doc: &mut AutoCommit) -> Vec<HistoryEntry> {
    let changes = doc.get_changes(&[]);
    let mut out = Vec::with_capacity(changes.len());
    for change in changes {
        let deps = change.deps().to_vec();
        let patches = doc.diff(&deps, &[change.hash()]);
        let fields = touched_fields(&patches);
        let summary = if deps.is_empty() {
            "created".to_string()
        } else if fields.is_empty() {
            "no visible change".to_string()
        } else {
            format!("changed {}", fields.join(", "))
        };
        out.push(HistoryEntry {
            change: change.hash().to_string(),
            actor: change.actor_id().to_hex_string(),
            user: change.message().map(str::to_string),
            time: change.timestamp(),
            fields,
            summary,
        });
    }
    out
}

fn touched_fields(patches: &[Patch]) -> Vec<String> {
    let mut set = BTreeSet::new();
    for patch in patches {
        let mut path = String::new();
        for (_, prop) in &patch.path {
            path = child_path(&path, prop);
        }
        let leaf = match &patch.action {
            PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => {
                Some(Prop::Map(key.clone()))
            }
            PatchAction::PutSeq { index, .. } | PatchAction::Insert { index, .. } => {
                Some(Prop::Seq(*index))
            }
            PatchAction::DeleteSeq { index, .. } => Some(Prop::Seq(*index)),
            _ => None,
        };
        let field = match leaf {
            Some(prop) => child_path(&path, &prop),
            None => path,
        };
        if !field.is_empty() {
            set.insert(field);
        }
    }
    set.into_iter().collect()
}
