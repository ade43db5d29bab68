//! Rebuilds every record's report rows from the stored documents: after an upgrade that
//! adds report columns, or for a database filled before reports existed.

use super::rows;
use crate::storage::{Storage, StorageError};

const PAGE: usize = 500;

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
    }
    Ok(done)
}
