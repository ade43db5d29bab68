//! Erasure of personal data (PIPL Art. 47), an administrator's act: a record is re-issued as
//! a fresh document without the chosen fields (same record id, so lists and reports keep
//! counting it), or removed whole. The old document, every change of it, its feed entries,
//! report rows and the blobs only it named are deleted in one transaction; the erasure takes a
//! position in the grid's feed, which tells every phone to purge its copy at its next sync
//! (core's `store::erasure`). Edits made to the old document are refused from then on
//! (`materialize::plan`, code `record_erased`), so a phone that was offline cannot bring
//! anything back.
//!
//! The same function serves `admin erase` and `POST /v1/admin/erasures`. What is audited:
//! who, when, which record, why, which field paths — never a value.

use std::sync::Arc;

use automerge::ActorId;
use axum::http::StatusCode;
use gridkeeper_core::record::{self, erase};
use serde::{Deserialize, Serialize};

use crate::admin::now;
use crate::error::ApiError;
use crate::materialize::{self, NewChange};
use crate::storage::{ErasureAudit, ErasureWrite, Storage, StorageError, User};
use crate::text;

/// A push landing between reading the record and erasing it sends us round again.
const ATTEMPTS: u32 = 5;

/// What an administrator asks for.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EraseRequest {
    pub record_id: String,
    /// Field paths to erase (`members[id=…].id_number`, `photos`); empty with `whole`.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Remove the whole record.
    #[serde(default)]
    pub whole: bool,
    /// Why (the legal ground, a ticket number): kept in the audit log.
    pub reason: String,
}

fn check(req: &EraseRequest) -> Result<(), ApiError> {
    if uuid::Uuid::parse_str(&req.record_id).is_err() {
        return Err(ApiError::bad_request(
            "invalid_record_id",
            "record_id is not a record id",
        ));
    }
    // Exactly one of the two: fields named, or the whole record.
    if req.whole != req.fields.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_erasure",
            "name the fields to erase, or ask for the whole record — one of the two",
        ));
    }
    if text::required(&req.reason, 500).is_none() {
        return Err(ApiError::bad_request(
            "invalid_reason",
            "the reason for an erasure is required (1–500 characters) and kept in the audit log",
        ));
    }
    Ok(())
}

/// Carries out an erasure and returns its audit entry.
pub async fn erase(
    storage: &Arc<dyn Storage>,
    by: &User,
    req: &EraseRequest,
) -> Result<ErasureAudit, ApiError> {
    check(req)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let write = prepare(storage, by, req).await?;
        match storage.erase(&write).await {
            Ok(seq) => {
                let mut audit = write.audit;
                audit.seq = seq;
                tracing::info!(
                    record = %audit.record_id,
                    grid = %audit.grid,
                    whole = audit.whole,
                    fields = audit.fields.len(),
                    by = %audit.erased_by,
                    "record erased"
                );
                return Ok(audit);
            }
            Err(StorageError::Changed(_)) if attempt < ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Reads the record and builds what the transaction writes.
async fn prepare(
    storage: &Arc<dyn Storage>,
    by: &User,
    req: &EraseRequest,
) -> Result<ErasureWrite, ApiError> {
    let doc = storage
        .document(&req.record_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("record {}", req.record_id)))?;
    let at = now();
    let (reissued, keep_blobs) = if req.whole {
        (None, Vec::new())
    } else {
        let time = chrono::Utc::now().timestamp();
        let mut am =
            erase::reissue(&doc.saved, &req.fields, ActorId::random(), time).map_err(refusal)?;
        let env = record::read_envelope(&am).ok_or_else(|| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the re-issued document has no envelope",
            )
        })?;
        let change = am.get_changes(&[]).first().map(|c| NewChange {
            hash: c.hash().to_string(),
            actor: c.actor_id().to_hex_string(),
            bytes: c.raw_bytes().to_vec(),
        });
        let Some(change) = change else {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the re-issued document has no change",
            ));
        };
        let state = materialize::doc_state(&mut am, &env);
        let keep = state
            .data
            .as_ref()
            .map(|d| erase::attachment_hashes(d).into_iter().collect())
            .unwrap_or_default();
        (Some((state, change)), keep)
    };
    Ok(ErasureWrite {
        record_id: doc.record_id.clone(),
        grid: doc.grid.clone(),
        kind: doc.kind.clone(),
        expected_heads: doc.heads.clone(),
        reissued,
        keep_blobs,
        audit: ErasureAudit {
            record_id: doc.record_id,
            grid: doc.grid,
            kind: doc.kind,
            fields: req.fields.clone(),
            whole: req.whole,
            reason: req.reason.trim().to_string(),
            erased_by: by.name.clone(),
            erased_at: at,
            seq: 0,
            moved_to: None,
        },
        moved: None,
    })
}

/// Core's refusal as the API's: a path that names nothing, or fields the kind then refuses,
/// with the path and rule, never a value.
fn refusal(e: gridkeeper_core::Error) -> ApiError {
    match e {
        gridkeeper_core::Error::Invalid(i) => {
            ApiError::bad_request("invalid_field", format!("{}: {}", i.field, i.reason))
        }
        _ => ApiError::new(
            StatusCode::CONFLICT,
            "stored_document_damaged",
            "the server's copy of this record cannot be read, so it cannot be re-issued",
        ),
    }
}

/// Every erasure of the grids named, oldest first (the audit log).
pub async fn log(
    storage: &Arc<dyn Storage>,
    grids: &[String],
) -> Result<Vec<ErasureAudit>, ApiError> {
    let mut out = Vec::new();
    for grid in grids {
        out.extend(storage.erasures(grid, 0, u64::MAX >> 1).await?);
    }
    out.sort_by(|a, b| a.erased_at.cmp(&b.erased_at));
    Ok(out)
}
