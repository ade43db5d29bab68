//! Rebuilds every record's report rows from the stored documents: after an upgrade that
//! adds report columns, or for a database filled before reports existed.

use super::rows;
use super::sql::{SqlValue, Stmt};
use crate::storage::{Storage, StorageError};

const PAGE: usize = 500;
const CHANGES_PAGE: usize = 5_000;

/// Rewrites the report rows of every document, grid by grid; returns how many records.
pub async fn rebuild(storage: &dyn Storage) -> Result<u64, StorageError> {
    let mut done = 0u64;
    for grid in storage.grids().await? {
        let mut after: Option<String> = None;
        loop {
            let page = storage.snapshots(&grid.id, after.as_deref(), PAGE).await?;
            let Some(last) = page.last() else {
                break;
            };
            after = Some(last.record_id.clone());
            let stmts: Vec<_> = page.iter().flat_map(rows::statements).collect();
            storage.report_write(&stmts).await?;
            done += page.len() as u64;
            if page.len() < PAGE {
                break;
            }
        }
        worker_days(storage, &grid.id).await?;
    }
    Ok(done)
}

/// Rewrites a grid's worker days from its stored changes (who pushed which record when).
async fn worker_days(storage: &dyn Storage, grid: &str) -> Result<(), StorageError> {
    let mut after = 0i64;
    loop {
        let page = storage
            .report_query(&Stmt::new(
                format!("SELECT seq, device_id, record_id, received_at FROM changes WHERE grid = $1 AND seq > $2 ORDER BY seq LIMIT {CHANGES_PAGE}"),
                vec![grid.into(), SqlValue::Int(after)],
            ))
            .await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.first().map_or(after, SqlValue::int);
        let stmts: Vec<Stmt> = page
            .iter()
            .map(|r| {
                let t = |i: usize| r.get(i).map_or("", SqlValue::text);
                rows::worker_day(t(1), t(3), grid, t(2))
            })
            .collect();
        storage.report_write(&stmts).await?;
        if page.len() < CHANGES_PAGE {
            return Ok(());
        }
    }
}
