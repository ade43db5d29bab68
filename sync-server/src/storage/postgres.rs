//! PostgreSQL backend (being written on its own branch).

use std::sync::Arc;

use super::{Result, Storage, StorageError};

pub async fn open(_url: &str) -> Result<Arc<dyn Storage>> {
    Err(StorageError::Database(
        "PostgreSQL support is not built yet".into(),
    ))
}
