//! The grids a phone pulls follow its user's reach on the relay. A grid handed to this
//! worker (`admin grid reassign`, a scope widened) is pulled from the start — a bootstrap —
//! from the next round; a grid taken away is no longer pulled, and its records leave the
//! phone (PIPL's minimum: a worker holds the residents of the grids they serve). A record
//! with work the relay does not have yet — queued or set-aside edits, drafts, photos not
//! uploaded — stays: its edits go up and are refused `out_of_scope`, set aside and shown to
//! the worker with what to do, as any refusal is; nothing unsynced is dropped here.

use rusqlite::params;

use super::Store;
use super::erasure::purge;
use crate::error::Result;

/// Where the grids this phone pulls are kept (set at enrolment, then by each reply that
/// names the user's reach).
pub(crate) const SYNC_GRIDS: &str = "sync_grids";

/// What a change of reach did to this store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReachChange {
    /// Grids pulled from now on, from the start.
    pub added: Vec<String>,
    /// Grids no longer pulled.
    pub removed: Vec<String>,
    /// Records of the removed grids that left the phone.
    pub purged: usize,
    /// Records of the removed grids kept for their unsynced work.
    pub kept: usize,
}

fn split(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

impl Store {
    /// The grids this phone pulls.
    pub fn sync_grids(&self) -> Result<Vec<String>> {
        Ok(self
            .meta(SYNC_GRIDS)?
            .map(|g| split(&g))
            .unwrap_or_default())
    }

    /// Takes the relay's word on the grids this phone's user may read now (see the module).
    pub fn take_reach(&mut self, reach: &[String]) -> Result<ReachChange> {
        let held = self.sync_grids()?;
        let mut change = ReachChange {
            added: reach
                .iter()
                .filter(|g| !held.contains(g))
                .cloned()
                .collect(),
            removed: held
                .iter()
                .filter(|g| !reach.contains(g))
                .cloned()
                .collect(),
            ..ReachChange::default()
        };
        change.added.sort();
        change.added.dedup();
        if change.added.is_empty() && change.removed.is_empty() {
            return Ok(change);
        }
        // Keystrokes held between draft writes count as unsynced work of their record.
        self.flush_drafts()?;
        let mut grids: Vec<String> = reach.to_vec();
        grids.sort();
        grids.dedup();
        let removed = change.removed.clone();
        let (purged, kept) = self.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                params![SYNC_GRIDS, grids.join(",")],
            )?;
            let (mut purged, mut kept) = (0, 0);
            for grid in &removed {
                // A grid given back later starts over: its records are gone from here.
                tx.execute("DELETE FROM cursors WHERE grid = ?1", [grid])?;
                let mut stmt = tx.prepare_cached(
                    "SELECT r.id,
                            EXISTS (SELECT 1 FROM outbox o WHERE o.record_id = r.id)
                         OR EXISTS (SELECT 1 FROM refused_changes f WHERE f.record_id = r.id)
                         OR EXISTS (SELECT 1 FROM drafts d WHERE d.record_id = r.id)
                         OR EXISTS (SELECT 1 FROM record_blobs rb JOIN blobs b ON b.hash = rb.hash
                                    WHERE rb.record_id = r.id AND b.state = 'local')
                     FROM records r WHERE r.grid = ?1",
                )?;
                let rows: Vec<(String, bool)> = stmt
                    .query_map([grid], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                for (id, unsynced) in rows {
                    if unsynced {
                        kept += 1;
                    } else {
                        purge(tx, &id)?;
                        purged += 1;
                    }
                }
            }
            Ok((purged, kept))
        })?;
        change.purged = purged;
        change.kept = kept;
        if purged > 0 {
            self.truncate_wal()?;
        }
        Ok(change)
    }
}
