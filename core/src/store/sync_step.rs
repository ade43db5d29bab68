//! The device's half of one `POST /v1/sync` round, without the network: building the request
//! from the outbox and the grid cursors, and taking in the response. Kept apart from any
//! transport so the relay's tests, the terminal client and the apps drive the same code.
//!
//! Order of effects when a response arrives: records first (changes, then snapshots), then
//! acknowledgements, then cursors. A process killed between them leaves the cursor behind the
//! data, never ahead of it, and the next round re-sends what was not acknowledged and
//! re-pulls what was not recorded — both harmless, since a change is stored and applied
//! once by hash.

use std::collections::BTreeMap;

use rusqlite::OptionalExtension;

use super::IncarnationReason;
use super::Store;
use super::bootstrap::Snapshot;
use crate::error::{Error, Result};
use crate::exchange::{ChangeSet, RecordChanges};
use crate::wire::{self, DocPush, PullCursor, SyncRequest, SyncResponse};

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// Local changes the server now holds.
    pub acknowledged: usize,
    /// Local changes the server refused, with its reason code. Those refused for good are set
    /// aside (`Store::refused_changes`); a missing dependency stays queued.
    pub rejected: Vec<(String, String)>,
    /// Changes from others applied here.
    pub applied: usize,
    /// Records received whole during a bootstrap.
    pub snapshots: usize,
    /// Records whose state may have changed, for screens to refresh.
    pub changed_records: Vec<String>,
    /// Whether any grid has more waiting.
    pub more: bool,
    /// During a bootstrap: how many records each grid holds, for progress.
    pub totals: BTreeMap<String, u64>,
    /// Checklist templates the server published that were installed in this round.
    pub templates_installed: Vec<(String, u32)>,
    /// Published templates this device could not take, with the reason.
    pub templates_refused: Vec<(String, u32, String)>,
    /// Where storing the snapshots' time went.
    pub ingest_times: super::bootstrap::IngestTimes,
    /// Whether this store took a fresh actor in this round (it is a copy of another).
    pub new_actor: bool,
    /// Local changes written again under the fresh actor because they repeated a sequence
    /// number the server already held from another copy.
    pub reissued: usize,
    /// Erased records (PIPL) purged from this store in this round, and unsent edits of them
    /// that had to go (each kept as a `record_erased` notice for the worker).
    pub purged: super::Purged,
    /// Grids handed to this phone's user or taken away, as the reply named its reach.
    pub reach: super::ReachChange,
}

/// The refusal of a change whose (actor, seq) the server already holds with other content:
/// this store is a copy of another, and the change is re-issued under a fresh actor.
pub const REUSED_SEQ: &str = "reused_seq";

impl Store {
    /// A request pushing up to `max_changes` of the outbox and pulling `grids` from their
    /// cursors.
    pub fn sync_request(&self, grids: &[String], max_changes: usize) -> Result<SyncRequest> {
        let mut push: Vec<DocPush> = Vec::new();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut kind_grid = self
            .conn
            .prepare_cached("SELECT kind, grid FROM records WHERE id = ?1")?;
        for entry in self.outbox(max_changes)? {
            let at = match index.get(&entry.record_id) {
                Some(&at) => at,
                None => {
                    // A change kept from a damaged store whose record could not be read: it
                    // goes once the record is back from the server (see `recovery`).
                    let Some((kind, grid)) = kind_grid
                        .query_row([&entry.record_id], |r| {
                            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                        })
                        .optional()?
                    else {
                        continue;
                    };
                    push.push(DocPush {
                        record_id: entry.record_id.clone(),
                        kind,
                        grid,
                        changes: Vec::new(),
                    });
                    index.insert(entry.record_id.clone(), push.len() - 1);
                    push.len() - 1
                }
            };
            push[at].changes.push(entry.bytes.into());
        }
        let mut pull = Vec::with_capacity(grids.len());
        for grid in grids {
            pull.push(PullCursor {
                grid: grid.clone(),
                cursor: self.cursor(grid)?.unwrap_or_default(),
                catch_up: self.catch_up(grid)?,
            });
        }
        Ok(SyncRequest {
            v: wire::VERSION,
            push,
            pull,
            limit: None,
            templates_seq: Some(self.templates_seq()?),
            actor: Some(self.actor_hex()),
            written: Some(self.written_under_actor()?),
            unsynced: Some(self.unsynced_counts(chrono::Utc::now())?),
        })
    }

    /// Takes in a response to a request built by [`Store::sync_request`].
    pub fn apply_sync_response(&mut self, resp: &SyncResponse) -> Result<RoundReport> {
        self.take_sync_response(resp.clone())
    }

    /// [`Store::apply_sync_response`] for a reply the caller no longer needs: its documents
    /// and fields move into the store instead of being copied (a bootstrap page is megabytes).
    pub fn take_sync_response(&mut self, resp: SyncResponse) -> Result<RoundReport> {
        if resp.v != wire::VERSION {
            return Err(Error::BadChanges(format!(
                "the server speaks sync protocol {}, this build {}",
                resp.v,
                wire::VERSION
            )));
        }
        let mut report = RoundReport::default();
        let reach = resp.reach.clone();
        let actor_at_start = self.actor.clone();
        // Another copy of this store has written under our actor (the server holds more of
        // its changes than we ever wrote), or a change of ours repeated a sequence number:
        // from now on we write under a fresh actor. This reply's feed left out that actor's
        // changes as "our own", so the cursors stay where they were and the next round pulls
        // the other copy's work under the fresh actor's view.
        let written = self.written_under_actor()?;
        let reused_current = resp.results.iter().any(|r| {
            r.rejected
                .as_ref()
                .is_some_and(|why| why.code == REUSED_SEQ)
                && self.outbox_actor(&r.hash).is_some_and(|a| a == self.actor)
        });
        let behind = resp.held.is_some_and(|held| held > written);
        if behind || reused_current {
            self.new_incarnation(if reused_current {
                IncarnationReason::ReusedSeq
            } else {
                IncarnationReason::BehindServer
            })?;
            report.new_actor = true;
        }
        // Re-issue before merging: the other copy's change of the same (actor, seq) may be in
        // this very reply, and a document cannot hold both.
        let mut reused: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in &resp.results {
            if r.rejected
                .as_ref()
                .is_some_and(|why| why.code == REUSED_SEQ)
            {
                reused
                    .entry(r.record_id.clone())
                    .or_default()
                    .push(r.hash.clone());
            }
        }
        for (record, hashes) in &reused {
            if let Ok(id) = record.parse() {
                report.reissued += self.reissue_changes(id, hashes)?;
            }
        }
        // Templates first: an inspection in this reply may name a version published with it.
        if !resp.templates.is_empty() {
            let delivered = self.install_delivered_templates(&resp.templates)?;
            report.templates_installed = delivered.installed;
            report.templates_refused = delivered.refused;
        }
        report.more |= resp.templates_more;
        // Erasures before anything else of the reply: a re-issued record's new document
        // follows its erasure in the feed and must not meet the old one here.
        let erasures: Vec<wire::WireErasure> = resp
            .grids
            .iter()
            .flat_map(|g| g.erasures.iter().cloned())
            .collect();
        report.purged = self.apply_erasures(&erasures)?;
        report
            .changed_records
            .extend(erasures.into_iter().map(|e| e.record_id));
        let mut set = ChangeSet::default();
        let mut snapshots = Vec::new();
        let mut cursors = Vec::with_capacity(resp.grids.len());
        for feed in resp.grids {
            report.more |= feed.more;
            if let Some(total) = feed.total {
                report.totals.insert(feed.grid.clone(), total);
            }
            for doc in feed.changes {
                set.records.push(RecordChanges {
                    record_id: doc.record_id,
                    changes: doc.changes.into_iter().map(|c| c.0).collect(),
                });
            }
            for snap in feed.snapshots {
                match snap.data {
                    Some(data) => snapshots.push(Snapshot {
                        record_id: snap.record_id,
                        kind: snap.kind,
                        grid: snap.grid,
                        archived: snap.archived,
                        schema_version: snap.schema_version,
                        created_at: snap.created_at,
                        saved: snap.saved.0,
                        heads: snap.heads,
                        data,
                    }),
                    // The server could not read it as its kind: merge it through the
                    // document, where this device's own checks apply.
                    None => {
                        let doc = crate::record::untrusted::load(&snap.saved.0).map_err(|e| {
                            Error::BadChanges(format!("snapshot of record {}: {e}", snap.record_id))
                        })?;
                        set.records.push(RecordChanges {
                            record_id: snap.record_id,
                            changes: doc
                                .clone()
                                .get_changes(&[])
                                .iter()
                                .map(|c| c.raw_bytes().to_vec())
                                .collect(),
                        });
                    }
                }
            }
            cursors.push((feed.grid, feed.cursor));
        }
        // With the phone's storage full, what others sent cannot be stored — but what the
        // server acknowledged can still leave the outbox, which frees space; the cursors stay,
        // so the next round fetches the rest again.
        let accepted: Vec<String> = resp
            .results
            .iter()
            .filter(|r| r.rejected.is_none())
            .map(|r| r.hash.clone())
            .collect();
        let taken = self.take_records(set, snapshots, &mut report);
        if matches!(taken, Err(Error::StorageFull)) {
            self.acknowledge(&accepted)?;
        }
        taken?;
        report.acknowledged = self.acknowledge(&accepted)?;
        let refused: Vec<(String, String, String)> = resp
            .results
            .iter()
            .filter_map(|r| {
                r.rejected
                    .as_ref()
                    .filter(|why| why.code != REUSED_SEQ)
                    .map(|why| (r.hash.clone(), why.code.clone(), why.message.clone()))
            })
            .collect();
        self.set_aside_refused(&refused)?;
        report.rejected = refused.into_iter().map(|(h, c, _)| (h, c)).collect();
        report.new_actor |= self.actor != actor_at_start;
        if report.new_actor {
            // Another round, from the old cursors, under the fresh actor.
            report.more = true;
        } else {
            for (grid, cursor) in &cursors {
                self.set_cursor(grid, cursor)?;
            }
        }
        // Last, after the cursors: a grid taken away loses its cursor for good.
        if let Some(reach) = reach {
            report.reach = self.take_reach(&reach)?;
            // A grid handed over is pulled in the next round.
            report.more |= !report.reach.added.is_empty();
        }
        // A moved record kept for its unsent work goes once that work has been answered.
        let gone = self.purge_moved_records()?;
        report.purged.records += gone;
        report.purged.moved_away += gone;
        Ok(report)
    }

    /// Stores what a reply brought: others' changes, then bootstrap snapshots.
    fn take_records(
        &mut self,
        set: ChangeSet,
        snapshots: Vec<Snapshot>,
        report: &mut RoundReport,
    ) -> Result<()> {
        if !set.records.is_empty() {
            // A copy that wrote under our current actor may show only here; applying takes a
            // fresh actor then (see `apply_changes`), which the check below notices.
            let applied = self.apply_server_changes(&set)?;
            report.applied = applied.applied;
            report.changed_records.extend(applied.changed_records);
        }
        if !snapshots.is_empty() {
            let ids: Vec<String> = snapshots.iter().map(|s| s.record_id.clone()).collect();
            match self.ingest_snapshots(snapshots) {
                Ok(ingested) => {
                    report.snapshots = ingested.stored + ingested.merged + ingested.unchanged;
                    report.ingest_times = ingested.times;
                    report.changed_records.extend(ids);
                }
                // Nothing of the page was stored; with a fresh actor and the cursors left
                // where they were, the next round fetches it again and merges it.
                Err(Error::ActorReused { .. }) => {
                    self.new_incarnation(IncarnationReason::ReusedSeq)?;
                    report.new_actor = true;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
