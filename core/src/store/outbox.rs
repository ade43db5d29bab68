//! The outbox (local changes the server has not acknowledged) and per-grid pull cursors.

use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::error::Result;

/// The refusal that can pass on its own: a change whose dependencies the server has not
/// received yet stays in the outbox and goes again.
pub const TRANSIENT_REFUSAL: &str = "missing_dependencies";

/// One local change waiting for the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub record_id: String,
    pub hash: String,
    pub bytes: Vec<u8>,
}

impl Store {
    /// Up to `limit` unacknowledged local changes, oldest first.
    pub fn outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT record_id, hash, bytes FROM outbox ORDER BY seq LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(OutboxEntry {
                record_id: r.get(0)?,
                hash: r.get(1)?,
                bytes: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The actor of a change waiting in the outbox (or set aside), if it is there.
    pub(super) fn outbox_actor(&self, hash: &str) -> Option<automerge::ActorId> {
        let bytes: Vec<u8> = self
            .conn
            .query_row(
                "SELECT bytes FROM outbox WHERE hash = ?1 UNION ALL SELECT bytes FROM refused_changes WHERE hash = ?1 LIMIT 1",
                [hash],
                |r| r.get(0),
            )
            .ok()?;
        automerge::Change::from_bytes(bytes)
            .ok()
            .map(|c| c.actor_id().clone())
    }

    pub fn outbox_len(&self) -> Result<usize> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// What this store holds that the server has not got, in counts, as a sync request
    /// reports it (`wire::Unsynced`): for an administrator deciding whether revoking the
    /// phone or handing its grid over strands work on it. `now` measures the oldest age.
    pub fn unsynced_counts(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::wire::Unsynced> {
        let count = |sql: &str| -> Result<u64> {
            let n: i64 = self.conn.query_row(sql, [], |r| r.get(0))?;
            Ok(n.max(0) as u64)
        };
        let oldest_age_secs = self
            .oldest_unsynced_at()?
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| (now - t.with_timezone(&chrono::Utc)).num_seconds().max(0) as u64);
        Ok(crate::wire::Unsynced {
            changes: count("SELECT count(*) FROM outbox")?,
            uploads: count("SELECT count(*) FROM blobs WHERE state = 'local'")?,
            // `drafts` includes those typed but not yet written: as lost with the phone.
            drafts: self.drafts()?.len() as u64,
            refused: count("SELECT count(*) FROM refused_changes")?,
            oldest_age_secs,
        })
    }

    /// When the oldest local change or attachment still waiting for the server was queued
    /// (RFC 3339, UTC); none when nothing waits.
    pub fn oldest_unsynced_at(&self) -> Result<Option<String>> {
        let change: Option<String> =
            self.conn
                .query_row("SELECT min(queued_at) FROM outbox", [], |r| r.get(0))?;
        let upload: Option<String> = self.conn.query_row(
            "SELECT min(added_at) FROM blobs WHERE state = 'local'",
            [],
            |r| r.get(0),
        )?;
        // Compared as instants: the two columns are written by different code.
        let instant = |t: &String| chrono::DateTime::parse_from_rfc3339(t).ok();
        Ok(match (change, upload) {
            (Some(a), Some(b)) => match (instant(&a), instant(&b)) {
                (Some(x), Some(y)) if y < x => Some(b),
                (None, Some(_)) => Some(b),
                _ => Some(a),
            },
            (a, b) => a.or(b),
        })
    }

    /// Drops changes the server has acknowledged (by hash); unknown hashes are ignored.
    pub fn acknowledge(&mut self, hashes: &[String]) -> Result<usize> {
        self.write(|tx| {
            let mut stmt = tx.prepare_cached("DELETE FROM outbox WHERE hash = ?1")?;
            let mut n = 0;
            for h in hashes {
                n += stmt.execute([h])?;
            }
            Ok(n)
        })
    }

    /// Moves changes the server refused for good out of the outbox, keeping them with the
    /// server's reason. Refusals that may pass (a dependency still on its way) stay queued.
    pub fn set_aside_refused(&mut self, refused: &[(String, String, String)]) -> Result<usize> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.write(|tx| {
            let mut n = 0;
            for (hash, code, message) in refused {
                if code == TRANSIENT_REFUSAL {
                    continue;
                }
                n += tx.execute(
                    "INSERT OR REPLACE INTO refused_changes (hash, record_id, bytes, code, message, refused_at)
                     SELECT hash, record_id, bytes, ?2, ?3, ?4 FROM outbox WHERE hash = ?1",
                    params![hash, code, message, now],
                )?;
                tx.execute("DELETE FROM outbox WHERE hash = ?1", [hash])?;
            }
            Ok(n)
        })
    }

    /// Changes the server refused for good: (record id, hash, reason code, reason).
    pub fn refused_changes(&self) -> Result<Vec<(String, String, String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT record_id, hash, code, message FROM refused_changes ORDER BY refused_at, hash",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Puts refused changes back in the outbox (after whatever made the server refuse them
    /// was put right); returns how many.
    pub fn requeue_refused(&mut self) -> Result<usize> {
        self.write(|tx| {
            let n = tx.execute(
                "INSERT OR IGNORE INTO outbox (record_id, hash, bytes) SELECT record_id, hash, bytes FROM refused_changes WHERE length(bytes) > 0 ORDER BY refused_at",
                [],
            )?;
            // An erased record's notices (no bytes, see `erasure`) stay until dismissed:
            // there is nothing to send again.
            tx.execute("DELETE FROM refused_changes WHERE length(bytes) > 0", [])?;
            Ok(n)
        })
    }

    pub fn cursor(&self, grid: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT cursor FROM cursors WHERE grid = ?1", [grid], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Stores a grid's cursor from a reply. The reply answered the grid's `catch_up` too, so
    /// the kinds asked for are done with in the same transaction.
    pub fn set_cursor(&mut self, grid: &str, cursor: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO cursors (grid, cursor) VALUES (?1, ?2)",
                params![grid, cursor],
            )?;
            tx.execute("DELETE FROM catch_up WHERE grid = ?1", [grid])?;
            Ok(())
        })
    }

    /// Kinds whose records this phone asks for from the start in a grid (see
    /// `wire::PullCursor::catch_up`).
    pub fn catch_up(&self, grid: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT kind FROM catch_up WHERE grid = ?1 ORDER BY kind")?;
        let kinds = stmt.query_map([grid], |r| r.get(0))?;
        Ok(kinds.collect::<rusqlite::Result<_>>()?)
    }
}
