//! The outbox (local changes the server has not acknowledged) and per-grid pull cursors.

use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::error::Result;

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

    pub fn outbox_len(&self) -> Result<usize> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
        Ok(n as usize)
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

    pub fn cursor(&self, grid: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT cursor FROM cursors WHERE grid = ?1", [grid], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_cursor(&mut self, grid: &str, cursor: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO cursors (grid, cursor) VALUES (?1, ?2)",
                params![grid, cursor],
            )?;
            Ok(())
        })
    }
}
