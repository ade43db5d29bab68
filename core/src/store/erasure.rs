//! A phone's half of an erasure (PIPL Art. 47): when the relay says a record was erased, every
//! byte of it this store holds goes — the document, its projection and search rows, queued
//! and set-aside changes, changes waiting for dependencies, drafts of it, attachments no other
//! record names — in one transaction, and the file is left without them (`secure_delete` on
//! the connection, FTS5's own `secure-delete`, the WAL truncated after).
//!
//! Unsent edits of an erased record cannot go anywhere: the relay refuses them
//! (`record_erased`). They are dropped here too, since they may hold the very values that were
//! erased, and the worker is told in `refused_changes` — one row per lost edit, with the
//! reason and no bytes — so the sync line shows what happened instead of a clean success.
//!
//! A record that **moved** to another grid (`moved_to`) leaves the same way, with two
//! differences: nothing was erased, so a copy holding work the relay lacks (queued or
//! set-aside edits, drafts, photos not uploaded) stays until that work has gone up and been
//! answered — the relay refuses it `record_moved`, and it is set aside with its bytes and the
//! worker told to ask the supervisor, as for a grid taken away (`store::reach`); and the
//! mapping from the old id to the new one is kept, so a visit naming the old id can say
//! where the household went.

use rusqlite::{OptionalExtension, Transaction, params};

use super::Store;
use crate::error::Result;
use crate::wire::WireErasure;

/// The relay's refusal of an edit to an erased record, and the code of the notice a phone
/// keeps for each edit it had to drop.
pub const RECORD_ERASED: &str = "record_erased";

/// The relay's refusal of an edit to a record that moved to another grid.
pub const RECORD_MOVED: &str = "record_moved";

const NOTICE: &str =
    "an administrator erased this record's personal data; this edit could not be kept";

/// What purging a record removed, for the round's report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purged {
    /// Records this store held and purged.
    pub records: usize,
    /// Unsent edits (and drafts) that were dropped with them; the worker is told of each.
    pub lost_edits: usize,
    /// Records that moved to another grid and were purged (counted in `records` too).
    pub moved_away: usize,
    /// Moved records kept because they hold work not yet answered by the relay.
    pub moved_kept: usize,
}

impl Store {
    /// Purges the records named in `erasures` in one transaction, then truncates the WAL so
    /// the purged pages do not linger in it.
    pub fn apply_erasures(&mut self, erasures: &[WireErasure]) -> Result<Purged> {
        if erasures.is_empty() {
            return Ok(Purged::default());
        }
        // Keystrokes held between draft writes go to the table first, so the purge below
        // takes them with the rest (and tells the worker), instead of a later flush writing
        // erased values back as a draft.
        self.flush_drafts()?;
        let purged = self.write(|tx| {
            let mut purged = Purged::default();
            for e in erasures {
                if let Some(to) = &e.moved_to {
                    tx.execute(
                        "INSERT OR REPLACE INTO moved_records (old_id, new_id, moved_seq)
                         VALUES (?1, ?2, ?3)",
                        params![e.record_id, to, e.seq as i64],
                    )?;
                    if holds_unsynced(tx, &e.record_id)? {
                        purged.moved_kept += 1;
                        continue;
                    }
                }
                let (held, lost) = purge(tx, &e.record_id)?;
                purged.records += usize::from(held);
                purged.lost_edits += lost;
                if e.moved_to.is_some() {
                    purged.moved_away += usize::from(held);
                }
            }
            Ok(purged)
        })?;
        self.truncate_wal()?;
        Ok(purged)
    }

    /// Forgets the notices of edits lost to erasures, once the worker has read them (they
    /// otherwise count as refused work, and sign-out asks about them); returns how many.
    pub fn dismiss_erasure_notices(&mut self) -> Result<usize> {
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM refused_changes WHERE code = ?1 AND length(bytes) = 0",
                [RECORD_ERASED],
            )?)
        })
    }

    /// The id a record moved to, when this phone was told it moved to another grid.
    pub fn moved_to(&self, record_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT new_id FROM moved_records WHERE old_id = ?1")?
            .query_row([record_id], |r| r.get(0))
            .optional()?)
    }

    /// Moved records still held for their unanswered work, once it has been answered: the
    /// relay refused it (`record_moved`) and the worker has dismissed it, or it was taken.
    /// Returns how many were purged.
    pub fn purge_moved_records(&mut self) -> Result<usize> {
        let n = self.write(|tx| {
            let ids: Vec<String> = tx
                .prepare_cached(
                    "SELECT m.old_id FROM moved_records m JOIN records r ON r.id = m.old_id",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut n = 0;
            for id in ids {
                if !holds_unsynced(tx, &id)? {
                    purge(tx, &id)?;
                    n += 1;
                }
            }
            Ok(n)
        })?;
        if n > 0 {
            self.truncate_wal()?;
        }
        Ok(n)
    }

    /// Moves every committed page into the database file and empties the WAL, whose frames
    /// would otherwise still hold the pages as they were before a purge.
    pub fn truncate_wal(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Whether this store holds work of a record the relay has not answered: queued or
/// set-aside edits, drafts, attachments not uploaded.
pub(super) fn holds_unsynced(tx: &Transaction<'_>, record_id: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE record_id = ?1)
                 OR EXISTS (SELECT 1 FROM refused_changes WHERE record_id = ?1)
                 OR EXISTS (SELECT 1 FROM drafts WHERE record_id = ?1)
                 OR EXISTS (SELECT 1 FROM record_blobs rb JOIN blobs b ON b.hash = rb.hash
                            WHERE rb.record_id = ?1 AND b.state = 'local')",
        )?
        .query_row([record_id], |r| r.get(0))?)
}

/// Removes one record from the store; returns whether it was held and how many unsent edits
/// and drafts were dropped.
pub(super) fn purge(tx: &Transaction<'_>, record_id: &str) -> Result<(bool, usize)> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let row: Option<(i64, String)> = tx
        .prepare_cached("SELECT rowid, kind FROM records WHERE id = ?1")?
        .query_row([record_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    // Unsent and set-aside edits become notices without their bytes.
    let mut lost = tx.execute(
        "INSERT OR REPLACE INTO refused_changes (hash, record_id, bytes, code, message, refused_at)
         SELECT hash, record_id, x'', ?2, ?3, ?4 FROM outbox WHERE record_id = ?1",
        params![record_id, RECORD_ERASED, NOTICE, now],
    )?;
    tx.execute("DELETE FROM outbox WHERE record_id = ?1", [record_id])?;
    lost += tx.execute(
        "UPDATE refused_changes SET bytes = x'', code = ?2, message = ?3, refused_at = ?4
         WHERE record_id = ?1 AND length(bytes) > 0",
        params![record_id, RECORD_ERASED, NOTICE, now],
    )?;
    lost += tx.execute(
        "INSERT OR REPLACE INTO refused_changes (hash, record_id, bytes, code, message, refused_at)
         SELECT 'draft:' || key, record_id, x'', ?2, ?3, ?4 FROM drafts WHERE record_id = ?1",
        params![record_id, RECORD_ERASED, NOTICE, now],
    )?;
    tx.execute("DELETE FROM drafts WHERE record_id = ?1", [record_id])?;
    tx.execute(
        "DELETE FROM pending_changes WHERE record_id = ?1",
        [record_id],
    )?;
    // Attachments only this record named go with it; one another record names stays.
    tx.execute(
        "DELETE FROM blobs WHERE hash IN (SELECT hash FROM record_blobs WHERE record_id = ?1)
         AND hash NOT IN (SELECT hash FROM record_blobs WHERE record_id <> ?1)",
        [record_id],
    )?;
    tx.execute("DELETE FROM record_blobs WHERE record_id = ?1", [record_id])?;
    let Some((rec, kind)) = row else {
        return Ok((false, lost));
    };
    if let Ok(kind) = kind.parse::<crate::Kind>() {
        for table in kind.ops().tables() {
            tx.execute(
                &format!("DELETE FROM {table} WHERE record_id = ?1"),
                [record_id],
            )?;
        }
    }
    tx.execute("DELETE FROM search_text WHERE rowid = ?1", [rec])?;
    tx.execute("DELETE FROM search_keys WHERE rec = ?1", [rec])?;
    tx.execute("DELETE FROM search_grams WHERE rec = ?1", [rec])?;
    tx.execute("DELETE FROM records WHERE id = ?1", [record_id])?;
    Ok((true, lost))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Kind;

    fn file_bytes(path: &std::path::Path) -> Vec<u8> {
        let mut all = std::fs::read(path).unwrap_or_default();
        all.extend(std::fs::read(format!("{}-wal", path.display())).unwrap_or_default());
        all
    }

    fn holds(hay: &[u8], needle: &str) -> bool {
        hay.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    #[test]
    fn a_purge_takes_document_rows_outbox_drafts_and_tells_the_worker() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("store.db");
        let mut store = Store::init(&path, Some("w1"))?;
        let gone = store.create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "9", "room": "909"},
                   "members": [{"name": "东方既白", "phone": "13855556666"}]}),
        )?;
        let kept = store.create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "8", "room": "808"},
                   "members": [{"name": "南宫望舒"}]}),
        )?;
        let id = gone.to_string();
        store.save_draft(
            "visit:x",
            "visit",
            Some(&id),
            "9栋 909",
            r#"{"note":"东方既白"}"#,
        )?;
        // Typed on, faster than drafts are written: held in memory, not in the file yet.
        store.keep_draft(
            "visit:x",
            "visit",
            Some(&id),
            "9栋 909",
            r#"{"note":"东方既白 13855556666"}"#,
        )?;
        assert!(holds(&file_bytes(&path), "13855556666"));

        let purged = store.apply_erasures(&[WireErasure {
            record_id: id.clone(),
            seq: 1,
            whole: true,
            moved_to: None,
        }])?;
        assert_eq!(
            purged,
            Purged {
                records: 1,
                lost_edits: 2,
                ..Purged::default()
            },
            "the creating edit and the draft"
        );
        assert!(store.get_json(gone, true).is_err());
        assert!(store.get_json(kept, true).is_ok());
        assert!(store.drafts()?.is_empty());
        assert_eq!(
            store.flush_drafts()?,
            0,
            "no held keystrokes left to write back"
        );
        assert!(store.search("东方", None, None, 10)?.is_empty());
        assert_eq!(
            store.outbox_len()?,
            1,
            "the other record's edit stays queued"
        );
        let told = store.refused_records()?;
        assert_eq!(told.len(), 1);
        assert_eq!((told[0].code.as_str(), told[0].changes), (RECORD_ERASED, 2));
        // Nothing to send again, and the notice stays.
        assert_eq!(store.requeue_refused()?, 0);
        assert_eq!(store.refused_records()?.len(), 1);
        assert_eq!(store.dismiss_erasure_notices()?, 2);
        assert!(store.refused_records()?.is_empty());
        let bytes = file_bytes(&path);
        for value in ["东方既白", "13855556666"] {
            assert!(!holds(&bytes, value), "{value} left in the file");
        }
        assert!(holds(&bytes, "南宫望舒"));
        // A second notice of the same erasure finds nothing more.
        let again = store.apply_erasures(&[WireErasure {
            record_id: id,
            seq: 1,
            whole: true,
            moved_to: None,
        }])?;
        assert_eq!(again, Purged::default());
        Ok(())
    }

    #[test]
    fn a_moved_record_leaves_unless_it_holds_unsent_work_and_its_new_id_is_kept() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let mut store = Store::init(dir.path().join("store.db"), Some("w1"))?;
        let synced = store.create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "2", "room": "201"}, "members": [{"name": "慕容秋"}]}),
        )?;
        let drafted = store.create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "2", "room": "202"}, "members": [{"name": "上官冬"}]}),
        )?;
        let sent: Vec<String> = store.outbox(100)?.into_iter().map(|e| e.hash).collect();
        store.acknowledge(&sent)?;
        store.save_draft(
            "visit:y",
            "visit",
            Some(&drafted.to_string()),
            "2栋 202",
            "{}",
        )?;
        let moved = |id: &str, to: &str| WireErasure {
            record_id: id.into(),
            seq: 7,
            whole: true,
            moved_to: Some(to.into()),
        };
        let purged = store.apply_erasures(&[
            moved(&synced.to_string(), "new-1"),
            moved(&drafted.to_string(), "new-2"),
        ])?;
        assert_eq!(
            purged,
            Purged {
                records: 1,
                lost_edits: 0,
                moved_away: 1,
                moved_kept: 1,
            }
        );
        assert!(store.get_json(synced, true).is_err());
        assert!(store.get_json(drafted, true).is_ok(), "its draft keeps it");
        assert_eq!(store.drafts()?.len(), 1, "the draft is not lost");
        assert!(
            store.refused_records()?.is_empty(),
            "a move is no erasure notice"
        );
        assert_eq!(
            store.moved_to(&synced.to_string())?.as_deref(),
            Some("new-1")
        );
        assert_eq!(store.moved_to("elsewhere")?, None);
        assert_eq!(store.purge_moved_records()?, 0, "the draft is still there");
        store.clear_draft("visit:y")?;
        assert_eq!(store.purge_moved_records()?, 1);
        assert!(store.get_json(drafted, true).is_err());
        assert_eq!(
            store.moved_to(&drafted.to_string())?.as_deref(),
            Some("new-2")
        );
        Ok(())
    }
}
