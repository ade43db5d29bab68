//! A record moving to another grid (a household crossing the street, a boundary redrawn).
//!
//! A record's grid is written once, in its first change, and every phone and the relay file
//! the record under it; the feed that carries it is the grid's. So a move cannot be an edit.
//! It is a **new record** in the new grid — a fresh document holding today's winning values,
//! under a new id, with `moved_from` naming the old record and summing up its history — and
//! the old record leaves its grid as an erasure does (`store::erasure`, the relay's
//! `moves`). A new id, not the old one: a phone that reads both grids may receive the new
//! document before it learns the old one is gone, and two unrelated documents under one id
//! would merge into nonsense.
//!
//! The history itself does not move (it would bring along every value the record ever held,
//! which the new grid's workers have no need of); the summary says how much there was and
//! when, and the relay keeps the mapping from old id to new.

use automerge::{
    ActorId, AutoCommit, ROOT, ReadDoc, ScalarValue, Value, transaction::Transactable,
};
use serde::{Deserialize, Serialize};

use super::{Envelope, new_document, read_data, read_envelope};
use crate::error::{Error, Result};
use crate::ids::RecordId;

/// The message of a moved record's first change.
pub const MOVE_MESSAGE: &str = "move";

/// What a moved record keeps of where it came from. Ids, counts and times only: who wrote
/// what stays with the old grid's records of work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedFrom {
    pub record_id: String,
    pub grid: String,
    /// When the move was made (RFC 3339, the relay's clock).
    pub moved_at: String,
    /// How many changes the old record had.
    pub changes: u64,
    /// How many devices wrote them.
    pub devices: u64,
    /// Its first and last change, seconds since the epoch by the authors' clocks.
    pub first_change: i64,
    pub last_change: i64,
}

const KEY: &str = "moved_from";

fn bad(reason: impl Into<String>) -> Error {
    Error::Document {
        id: "move".into(),
        reason: reason.into(),
    }
}

/// The record in `saved`, moved to `grid` under the new id `to`: one change by `actor` at
/// `time` (seconds since the epoch), with the same kind, fields and `created_at`, and
/// `moved_from` at the root. Returns the document and the summary it holds.
pub fn relocate(
    saved: &[u8],
    to: RecordId,
    grid: &str,
    moved_at: &str,
    actor: ActorId,
    time: i64,
) -> Result<(AutoCommit, MovedFrom)> {
    let mut old = AutoCommit::load(saved).map_err(|e| bad(e.to_string()))?;
    let env = read_envelope(&old).ok_or_else(|| bad("the document has no envelope"))?;
    if env.grid == grid {
        return Err(bad("the record is already in that grid"));
    }
    let changes = old.get_changes(&[]);
    let mut actors: Vec<_> = changes.iter().map(|c| c.actor_id().clone()).collect();
    actors.sort();
    actors.dedup();
    let summary = MovedFrom {
        record_id: env.id.to_string(),
        grid: env.grid.clone(),
        moved_at: moved_at.to_string(),
        changes: changes.len() as u64,
        devices: actors.len() as u64,
        first_change: changes.iter().map(|c| c.timestamp()).min().unwrap_or(0),
        last_change: changes.iter().map(|c| c.timestamp()).max().unwrap_or(0),
    };
    let moved = Envelope {
        id: to,
        grid: grid.to_string(),
        ..env
    };
    let data = read_data(&old);
    let mut doc = new_document(&moved, &data, moved.kind.ops().text_fields(), actor)?;
    let err = |e: automerge::AutomergeError| bad(e.to_string());
    let from = doc
        .put_object(ROOT, KEY, automerge::ObjType::Map)
        .map_err(err)?;
    doc.put(&from, "record_id", summary.record_id.as_str())
        .map_err(err)?;
    doc.put(&from, "grid", summary.grid.as_str()).map_err(err)?;
    doc.put(&from, "moved_at", summary.moved_at.as_str())
        .map_err(err)?;
    doc.put(&from, "changes", ScalarValue::Uint(summary.changes))
        .map_err(err)?;
    doc.put(&from, "devices", ScalarValue::Uint(summary.devices))
        .map_err(err)?;
    doc.put(&from, "first_change", summary.first_change)
        .map_err(err)?;
    doc.put(&from, "last_change", summary.last_change)
        .map_err(err)?;
    doc.commit_with(
        automerge::transaction::CommitOptions::default()
            .with_message(MOVE_MESSAGE.to_string())
            .with_time(time),
    );
    Ok((doc, summary))
}

/// Where a record came from, if it moved here from another grid.
pub fn moved_from(doc: &AutoCommit) -> Option<MovedFrom> {
    let (Value::Object(_), obj) = doc.get(ROOT, KEY).ok().flatten()? else {
        return None;
    };
    let text = |key: &str| match doc.get(&obj, key).ok().flatten() {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Str(s) => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    };
    let number = |key: &str| match doc.get(&obj, key).ok().flatten() {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Uint(u) => i64::try_from(*u).ok(),
            ScalarValue::Int(i) => Some(*i),
            _ => None,
        },
        _ => None,
    };
    Some(MovedFrom {
        record_id: text("record_id")?,
        grid: text("grid")?,
        moved_at: text("moved_at").unwrap_or_default(),
        changes: number("changes").and_then(|n| u64::try_from(n).ok())?,
        devices: number("devices").and_then(|n| u64::try_from(n).ok())?,
        first_change: number("first_change").unwrap_or(0),
        last_change: number("last_change").unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Kind;
    use serde_json::json;

    fn household() -> Result<AutoCommit> {
        let env = Envelope {
            id: RecordId::new(),
            kind: Kind::Household,
            grid: "g-a".into(),
            schema_version: 1,
            archived: false,
            created_at: "2025-03-01T08:00:00Z".into(),
        };
        let data = json!({"address": {"building": "3", "room": "301"},
                          "members": [{"id": "m1", "name": "欧阳晓岚", "phone": "13912345678"}]});
        let mut doc = new_document(&env, &data, &[], ActorId::random())?;
        doc.commit_with(automerge::transaction::CommitOptions::default().with_time(1_700_000_000));
        let mut other = doc.fork().with_actor(ActorId::random());
        let members = match other.get(ROOT, "data").ok().flatten() {
            Some((_, d)) => d,
            None => return Err(bad("no data")),
        };
        other
            .put(&members, "tags", "独居")
            .map_err(|e| bad(e.to_string()))?;
        other
            .commit_with(automerge::transaction::CommitOptions::default().with_time(1_700_000_500));
        doc.merge(&mut other).map_err(|e| bad(e.to_string()))?;
        Ok(doc)
    }

    #[test]
    fn a_moved_record_keeps_its_values_under_a_new_id_and_grid_and_no_old_history() -> Result<()> {
        let mut old = household()?;
        let old_env = read_envelope(&old).ok_or_else(|| bad("no envelope"))?;
        let to = RecordId::new();
        let (mut moved, summary) = relocate(
            &old.save(),
            to,
            "g-b",
            "2026-12-07T08:00:00Z",
            ActorId::random(),
            1_800_000_000,
        )?;
        let env = read_envelope(&moved).ok_or_else(|| bad("no envelope"))?;
        assert_eq!(env.id, to);
        assert_eq!(env.grid, "g-b");
        assert_eq!(env.kind, Kind::Household);
        assert_eq!(env.created_at, old_env.created_at);
        assert_eq!(read_data(&moved), read_data(&old));
        assert_eq!(
            moved.get_changes(&[]).len(),
            1,
            "one change, no old history"
        );
        let old_hashes: Vec<_> = old.get_changes(&[]).iter().map(|c| c.hash()).collect();
        assert!(
            moved
                .get_changes(&[])
                .iter()
                .all(|c| !old_hashes.contains(&c.hash()))
        );
        assert_eq!(
            summary,
            MovedFrom {
                record_id: old_env.id.to_string(),
                grid: "g-a".into(),
                moved_at: "2026-12-07T08:00:00Z".into(),
                changes: 2,
                devices: 2,
                first_change: 1_700_000_000,
                last_change: 1_700_000_500,
            }
        );
        assert_eq!(moved_from(&moved), Some(summary));
        assert_eq!(moved_from(&old), None);
        Ok(())
    }

    #[test]
    fn moving_into_its_own_grid_or_from_garbage_is_refused() -> Result<()> {
        let mut old = household()?;
        let same = relocate(
            &old.save(),
            RecordId::new(),
            "g-a",
            "",
            ActorId::random(),
            0,
        );
        assert!(same.is_err());
        let garbage = relocate(
            b"not a document",
            RecordId::new(),
            "g-b",
            "",
            ActorId::random(),
            0,
        );
        assert!(garbage.is_err());
        Ok(())
    }
}
