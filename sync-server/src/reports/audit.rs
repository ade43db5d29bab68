//! Every export is written down: who, what, which scope and period, masked or whole, how
//! many rows. PIPL asks that access to personal information can be accounted for.

use super::sql::{SqlValue, Stmt};
use crate::storage::{Storage, StorageError};

#[derive(Debug, Clone)]
pub struct ExportEntry {
    pub user_id: String,
    /// `report:cases`, `list:members`, …
    pub what: String,
    /// The node, period and filters, as text.
    pub scope: String,
    pub format: String,
    pub masked: bool,
    pub rows: usize,
}

pub async fn record(storage: &dyn Storage, at: &str, e: &ExportEntry) -> Result<(), StorageError> {
    storage
        .report_write(&[Stmt::new(
            "INSERT INTO export_audit (id, at, user_id, what, scope, format, masked, row_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            vec![
                uuid::Uuid::now_v7().to_string().into(),
                at.into(),
                (&e.user_id).into(),
                (&e.what).into(),
                (&e.scope).into(),
                (&e.format).into(),
                e.masked.into(),
                SqlValue::Int(e.rows as i64),
            ],
        )])
        .await
}

/// The latest entries, newest first: (at, user_id, what, scope, format, masked, rows).
pub async fn recent(
    storage: &dyn Storage,
    limit: usize,
) -> Result<Vec<super::sql::Row>, StorageError> {
    storage
        .report_query(&Stmt::new(
            format!("SELECT at, user_id, what, scope, format, masked, row_count FROM export_audit ORDER BY at DESC, id DESC LIMIT {limit}"),
            vec![],
        ))
        .await
}
