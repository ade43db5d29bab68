//! Bootstrap from snapshots: a fresh device receives each record of its grid as the saved
//! document plus the record's fields as the sender materialized them, and stores both without
//! loading a single Automerge document. Loading costs ~0.4 ms a document — four seconds for a
//! grid of 10,000 records — while inserting the bytes and projection rows costs a fraction of
//! that. A document is loaded only where it must be merged with what the device already
//! holds.
//!
//! Trust, but keep it checkable: the projections come from the sender's `data`, and
//! `Store::rebuild` recomputes them from the documents; a test compares the two.

use std::time::{Duration, Instant};

use automerge::Change;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::Store;
use super::projection;
use crate::error::{Error, Result};
use crate::ids::RecordId;
use crate::kinds::Kind;
use crate::record::{self, Envelope};

/// One record as a bootstrap sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub record_id: String,
    pub kind: String,
    pub grid: String,
    pub archived: bool,
    pub schema_version: u64,
    pub created_at: String,
    /// The document's saved (compacted) form.
    #[serde(with = "serde_bytes_hex")]
    pub saved: Vec<u8>,
    /// The heads `saved` holds, hex.
    pub heads: Vec<String>,
    /// The record's fields, as materialized by the sender: what the projections are built from.
    pub data: Json,
}

/// Saved bytes travel as hex inside JSON; the binary wire format carries them raw.
mod serde_bytes_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        hex::decode(text).map_err(serde::de::Error::custom)
    }
}

/// What a bootstrap page did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// Records stored straight from their snapshot.
    pub stored: usize,
    /// Records merged with a copy this device already had (the slow path).
    pub merged: usize,
    /// Records this device already held at the very heads sent (its own work, pushed in the
    /// same sync, coming back in its first pull): nothing to store or merge.
    pub unchanged: usize,
    /// Where the page's time went.
    pub times: IngestTimes,
}

/// Where a bootstrap page's time went, for benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestTimes {
    /// Checking each snapshot: its id and kind, and its fields read as the kind's struct.
    pub check: Duration,
    /// Inserting the documents (and merging any this device already held).
    pub documents: Duration,
    /// The kind's projection rows (households, members, places, …).
    pub projection: Duration,
    /// The search rows: full text, pinyin keys, name pieces (and attachment references).
    pub search: Duration,
    /// Committing the transaction.
    pub commit: Duration,
}

impl IngestTimes {
    pub fn add(&mut self, other: &IngestTimes) {
        self.check += other.check;
        self.documents += other.documents;
        self.projection += other.projection;
        self.search += other.search;
        self.commit += other.commit;
    }
}

impl Store {
    /// Every record as a snapshot: what a peer (or, later, the relay) sends a fresh device.
    pub fn snapshots(&mut self) -> Result<Vec<Snapshot>> {
        let mut out = Vec::new();
        super::records::each_document(&self.conn, |doc, env| {
            let data = env.kind.ops().load(&env, record::read_data(doc))?;
            out.push(Snapshot {
                record_id: env.id.to_string(),
                kind: env.kind.as_str().to_string(),
                grid: env.grid.clone(),
                archived: env.archived,
                schema_version: env.schema_version,
                created_at: env.created_at.clone(),
                heads: doc.get_heads().iter().map(|h| h.to_string()).collect(),
                saved: doc.save(),
                data,
            });
            Ok(())
        })?;
        Ok(out)
    }

    /// Stores a page of snapshots in one transaction. A snapshot of a record this device
    /// does not hold is stored as sent; one it already holds (or holds changes waiting for)
    /// is merged through the document. Malformed snapshots reject the page before anything
    /// is written.
    pub fn ingest_snapshots(&mut self, page: Vec<Snapshot>) -> Result<IngestReport> {
        let checking = Instant::now();
        let mut checked = Vec::with_capacity(page.len());
        // Taken by value: a page is thousands of records, and its documents and fields move
        // into the store instead of being copied.
        for snap in page {
            let Snapshot {
                record_id,
                kind,
                grid,
                archived,
                schema_version,
                created_at,
                saved,
                heads,
                data,
            } = snap;
            let bad =
                |why: &str| Error::BadChanges(format!("snapshot of record {record_id}: {why}"));
            let id: RecordId = record_id.parse().map_err(|_| bad("id is not a UUID"))?;
            let kind: Kind = kind.parse().map_err(|_| bad("unknown kind"))?;
            if saved.is_empty() || heads.is_empty() {
                return Err(bad("no document"));
            }
            let env = Envelope {
                id,
                kind,
                grid,
                schema_version,
                archived,
                created_at,
            };
            let data = kind
                .ops()
                .load(&env, data)
                .map_err(|_| bad("fields do not match the kind"))?;
            checked.push((env, data, saved, heads));
        }
        let check = checking.elapsed();
        let mut actors = self.actors();
        actors.from_server = true;
        let writing = Instant::now();
        let mut report = self.write(|tx| {
            let mut report = IngestReport::default();
            for (env, data, saved, heads) in checked {
                let inserting = Instant::now();
                let key = env.id.to_string();
                let held: bool = tx
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM records WHERE id = ?1) OR EXISTS (SELECT 1 FROM pending_changes WHERE record_id = ?1)")?
                    .query_row([&key], |r| r.get(0))?;
                if held {
                    let stored: Option<String> = tx
                        .prepare_cached("SELECT heads FROM records WHERE id = ?1")?
                        .query_row([&key], |r| r.get(0))
                        .optional()?;
                    // Heads this store wrote are heads its document once had, so it holds
                    // every change the snapshot does: merging would load the document, find
                    // nothing new and rewrite its rows (and the search index) as they were.
                    if stored.is_some_and(|s| same_heads(&s, &heads)) {
                        report.unchanged += 1;
                        report.times.documents += inserting.elapsed();
                        continue;
                    }
                    // Merge through the document, like any other incoming changes.
                    let doc = crate::record::untrusted::load(&saved).map_err(|e| Error::BadChanges(format!("snapshot of record {key}: {e}")))?;
                    let changes: Vec<Change> = doc.clone().get_changes(&[]);
                    super::exchange_ops::apply_record(tx, &actors, env.id, &changes, &mut Default::default())?;
                    report.merged += 1;
                    report.times.documents += inserting.elapsed();
                    continue;
                }
                let one_author = crate::record::authors::single_author(&saved);
                tx.prepare_cached(
                    "INSERT INTO records (id, kind, grid, archived, schema_version, doc, heads, tail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)",
                )?
                .execute(params![key, env.kind.as_str(), env.grid, env.archived, env.schema_version as i64, saved, heads.join(",")])?;
                report.times.documents += inserting.elapsed();
                let projecting = Instant::now();
                let search_before = report.times.search;
                // Finding conflicts means loading the document, which a bootstrap exists to
                // avoid: a document with more than one author waits for the sync's later
                // reading (`check_unread_conflicts`), or its next edit or merge. One written
                // by a single device can hold neither a conflict nor a review
                // (`record::authors`), and is never read for them.
                if !one_author {
                    tx.prepare_cached("INSERT OR IGNORE INTO conflicts_unchecked (record_id) VALUES (?1)")?
                        .execute([&key])?;
                }
                projection::insert_new(tx, &env, data, &mut report.times.search)?;
                report.times.projection +=
                    projecting.elapsed() - (report.times.search - search_before);
                report.stored += 1;
            }
            Ok(report)
        })?;
        let t = &mut report.times;
        t.check = check;
        t.commit = writing
            .elapsed()
            .saturating_sub(t.documents + t.projection + t.search);
        Ok(report)
    }

    /// The heads stored for a record, if any (what a resumed bootstrap compares against).
    pub fn stored_heads(&self, id: RecordId) -> Result<Option<Vec<String>>> {
        let heads: Option<String> = self
            .conn
            .query_row(
                "SELECT heads FROM records WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(heads.map(|h| {
            h.split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        }))
    }
}

/// Whether `stored` (as `records.heads` keeps them, comma-separated) names the same heads as
/// `sent`, in any order.
fn same_heads(stored: &str, sent: &[String]) -> bool {
    let mut mine: Vec<&str> = stored.split(',').filter(|h| !h.is_empty()).collect();
    let mut theirs: Vec<&str> = sent.iter().map(String::as_str).collect();
    mine.sort_unstable();
    theirs.sort_unstable();
    !mine.is_empty() && mine == theirs
}
