//! Taking in other devices' changes, and handing out ours. Applying a change twice is a
//! no-op; a change whose dependencies have not arrived waits in `pending_changes` and is
//! applied when they do — so any order, with any duplication, converges.

use std::collections::{BTreeMap, HashSet};

use automerge::{AutoCommit, Change, ChangeHash};
use rusqlite::{OptionalExtension, Transaction, params};

use super::Store;
use super::incarnation::{self, Actors};
use super::records::save_doc;
use crate::error::{Error, Result};
use crate::exchange::{ChangeSet, RecordChanges};
use crate::ids::RecordId;
use crate::record;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Changes newly applied (not counting ones already held).
    pub applied: usize,
    /// Changes held back until their dependencies arrive.
    pub waiting: usize,
    /// Records whose visible state may have changed, for screens to refresh.
    pub changed_records: Vec<String>,
}

impl Store {
    /// Every change of every record, or only those after `since` (record id → heads).
    pub fn changes(&mut self, since: Option<&BTreeMap<String, Vec<String>>>) -> Result<ChangeSet> {
        let mut set = ChangeSet::default();
        super::records::each_document(&self.conn, |doc, env| {
            let id = env.id.to_string();
            let have: Vec<ChangeHash> = since
                .and_then(|s| s.get(&id))
                .map(|hs| {
                    hs.iter()
                        .filter_map(|h| h.parse().ok())
                        .filter(|h| doc.get_change_by_hash(h).is_some())
                        .collect()
                })
                .unwrap_or_default();
            let changes: Vec<Vec<u8>> = doc
                .get_changes(&have)
                .iter()
                .map(|c| c.raw_bytes().to_vec())
                .collect();
            if !changes.is_empty() {
                set.records.push(RecordChanges {
                    record_id: id,
                    changes,
                });
            }
            Ok(())
        })?;
        Ok(set)
    }

    /// The heads of every record: what `changes(since)` takes to send only what is new.
    pub fn heads(&self) -> Result<BTreeMap<String, Vec<String>>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, heads FROM records ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (id, heads) = row?;
            out.insert(
                id,
                heads
                    .split(',')
                    .filter(|h| !h.is_empty())
                    .map(String::from)
                    .collect(),
            );
        }
        Ok(out)
    }

    /// Merges changes from elsewhere, all in one transaction: malformed input is rejected
    /// whole, before anything is written.
    pub fn apply_changes(&mut self, set: &ChangeSet) -> Result<ApplyReport> {
        let parsed = parse(set)?;
        self.apply_parsed_or_move_on(&parsed, false)
    }

    /// [`Store::apply_changes`] for changes the server sent.
    pub(super) fn apply_server_changes(&mut self, set: &ChangeSet) -> Result<ApplyReport> {
        let parsed = parse(set)?;
        self.apply_parsed_or_move_on(&parsed, true)
    }

    fn apply_parsed_or_move_on(
        &mut self,
        parsed: &[(RecordId, Vec<Change>)],
        from_server: bool,
    ) -> Result<ApplyReport> {
        match self.apply_parsed(parsed, from_server) {
            // A copy of this store wrote under its current actor: take a fresh actor, and
            // the colliding local changes are re-issued under it as the batch goes again.
            Err(Error::ActorReused { .. }) => {
                self.new_incarnation(super::IncarnationReason::ReusedSeq)?;
                self.apply_parsed(parsed, from_server)
            }
            other => other,
        }
    }

    fn apply_parsed(
        &mut self,
        parsed: &[(RecordId, Vec<Change>)],
        from_server: bool,
    ) -> Result<ApplyReport> {
        let mut actors = self.actors();
        actors.from_server = from_server;
        self.write(|tx| {
            let mut report = ApplyReport::default();
            for (id, changes) in parsed {
                // automerge can take a malformed change and panic later reading the document
                // it left (fuzz/change_file): the whole batch is refused and rolled back.
                crate::record::untrusted::guard(|| {
                    apply_record(tx, &actors, *id, changes, &mut report)
                })
                .map_err(|why| Error::BadChanges(format!("record {id}: {why}")))??;
            }
            Ok(report)
        })
    }
}

/// Parses everything first: a bad byte anywhere means nothing is stored.
fn parse(set: &ChangeSet) -> Result<Vec<(RecordId, Vec<Change>)>> {
    let mut parsed: Vec<(RecordId, Vec<Change>)> = Vec::with_capacity(set.records.len());
    for rec in &set.records {
        let id: RecordId = rec
            .record_id
            .parse()
            .map_err(|_| Error::BadChanges("a record id is not a UUID".into()))?;
        let mut changes = Vec::with_capacity(rec.changes.len());
        for (i, bytes) in rec.changes.iter().enumerate() {
            let change = crate::record::untrusted::change(bytes.clone())
                .map_err(|e| Error::BadChanges(format!("record {id}, change {i}: {e}")))?;
            changes.push(change);
        }
        parsed.push((id, changes));
    }
    Ok(parsed)
}

pub(super) fn apply_record(
    tx: &Transaction<'_>,
    actors: &Actors,
    id: RecordId,
    incoming: &[Change],
    report: &mut ApplyReport,
) -> Result<()> {
    let key = id.to_string();
    let existing: Option<Vec<u8>> = tx
        .prepare_cached("SELECT doc FROM records WHERE id = ?1")?
        .query_row([&key], |r| r.get(0))
        .optional()?;
    let mut doc = match &existing {
        Some(bytes) => AutoCommit::load(bytes).map_err(|e| Error::Document {
            id: key.clone(),
            reason: e.to_string(),
        })?,
        None => AutoCommit::new(),
    }
    .with_actor(actors.current.clone());
    let before = doc.get_heads();

    let mut waiting: Vec<Change> = {
        let mut stmt =
            tx.prepare_cached("SELECT bytes FROM pending_changes WHERE record_id = ?1")?;
        let rows = stmt.query_map([&key], |r| r.get::<_, Vec<u8>>(0))?;
        rows.filter_map(|b| b.ok().and_then(|b| Change::from_bytes(b).ok()))
            .collect()
    };
    let mut seen = HashSet::new();
    let mut candidates: Vec<Change> = Vec::new();
    for c in incoming.iter().cloned().chain(waiting.drain(..)) {
        if seen.insert(c.hash()) && doc.get_change_by_hash(&c.hash()).is_none() {
            candidates.push(c);
        }
    }
    if candidates.is_empty() {
        return Ok(());
    }
    // A copy of this store wrote under one of our former actors: our change of that
    // (actor, seq) is written again under the current actor, so theirs can land.
    let mut rebuilt = false;
    let colliding = incarnation::collisions(&mut doc, &candidates, actors, &key)?;
    if !colliding.skip.is_empty() {
        candidates.retain(|c| !colliding.skip.contains(&c.hash()));
    }
    if !colliding.reissue.is_empty()
        && let Some(env) = record::read_envelope(&doc)
    {
        let (fresh, _) =
            incarnation::reissue_in(tx, &actors.current, &env, &mut doc, &colliding.reissue)?;
        doc = fresh.with_actor(actors.current.clone());
        rebuilt = true;
    }
    if candidates.is_empty() && !rebuilt {
        return Ok(());
    }
    crate::record::untrusted::apply_changes(&mut doc, candidates.clone())
        .map_err(|e| Error::BadChanges(format!("record {key}: {e}")))?;

    let mut delete_pending =
        tx.prepare_cached("DELETE FROM pending_changes WHERE record_id = ?1 AND hash = ?2")?;
    let mut insert_pending = tx.prepare_cached(
        "INSERT OR IGNORE INTO pending_changes (record_id, hash, bytes) VALUES (?1, ?2, ?3)",
    )?;
    let mut applied_any = false;
    for c in &candidates {
        let hash = c.hash().to_string();
        if doc.get_change_by_hash(&c.hash()).is_some() {
            delete_pending.execute(params![key, hash])?;
            report.applied += 1;
            applied_any = true;
        } else {
            // A saved document drops queued changes, so they wait in their own table.
            insert_pending.execute(params![key, hash, c.raw_bytes()])?;
            report.waiting += 1;
        }
    }
    if !rebuilt && (!applied_any || doc.get_heads() == before) {
        return Ok(());
    }
    let env = record::read_envelope(&doc)
        .ok_or_else(|| Error::BadChanges(format!("record {key}: first change has no envelope")))?;
    if env.id != id {
        return Err(Error::BadChanges(format!(
            "record {key}: changes belong to another record"
        )));
    }
    if let Some(bytes) = &existing {
        let old = AutoCommit::load(bytes)
            .ok()
            .and_then(|d| record::read_envelope(&d));
        if old.is_some_and(|o| o.grid != env.grid || o.kind != env.kind) {
            return Err(Error::BadChanges(format!(
                "record {key}: a change moves it to another grid or kind"
            )));
        }
    }
    save_doc(tx, &mut doc, &env, None, None)?;
    report.changed_records.push(key);
    Ok(())
}
