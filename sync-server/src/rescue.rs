//! Importing a rescue file (core's `rescue`): the unsynced work of a phone that could not
//! reach the relay, carried in by an administrator and taken exactly as if the phone had
//! synced. The device named in the file's header gives the key (from its stored token hash);
//! nothing in the file is read before the seal is checked. The work then meets the checks of
//! `POST /v1/sync` through the same code (`crate::push`): the device's user and reach, its
//! actors, each change judged alone by `materialize::plan`; attachments meet the checks of
//! an upload (`http::blobs::accept`). A change the relay holds already is accepted again
//! without being stored twice, so importing a file twice, or the phone syncing the same work
//! later, is harmless.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use gridkeeper_core::rescue::{self, RescueError};
use gridkeeper_core::wire::DocPush;
use serde::{Deserialize, Serialize};

use crate::admin::now;
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::blobs;
use crate::push;
use crate::reports::audit::{self, ExportEntry};

/// Most changes one rescue file may carry. Ten days of a worker's edits are a few thousand;
/// the cap only bounds one transaction.
pub const MAX_RESCUE_CHANGES: usize = 100_000;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub device_id: String,
    /// When the phone wrote the file.
    pub written_at: String,
    /// Records and changes the file carried (outbox and earlier refused together).
    pub records: usize,
    pub changes: usize,
    /// Changes the relay now holds (new, or held already).
    pub accepted: usize,
    /// Changes refused, counted by reason code (as `/v1/sync` answers them).
    pub rejected: BTreeMap<String, usize>,
    /// Attachments stored now, held already, and refused by reason code.
    pub blobs_stored: usize,
    pub blobs_held: usize,
    pub blobs_rejected: BTreeMap<String, usize>,
}

/// The file's fault, as the API answers it; the message names the fault, not the contents.
fn file_error(e: RescueError) -> ApiError {
    let message = e.to_string();
    match e {
        RescueError::TooLarge(_) => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
        }
        RescueError::NotRescueFile => ApiError::bad_request("not_rescue_file", message),
        RescueError::UnsupportedVersion(_) => {
            ApiError::bad_request("unsupported_rescue_version", message)
        }
        RescueError::Truncated(_) => ApiError::bad_request("truncated_rescue_file", message),
        RescueError::BadDeviceId => ApiError::bad_request("bad_rescue_header", message),
        RescueError::Unauthentic => ApiError::bad_request("rescue_file_unauthentic", message),
        // Reading never meets the writer's faults (not enrolled, I/O, the store).
        RescueError::BadBody(_)
        | RescueError::NotEnrolled
        | RescueError::Io(_)
        | RescueError::Store(_) => ApiError::bad_request("bad_rescue_body", message),
    }
}

/// Imports a rescue file for the administrator `by` (a user id, or `console` for the
/// command line). Refused whole — nothing stored — when the file is not authentic, names an
/// unknown or revoked device, or fails a request-level check of a sync.
pub async fn import(state: &AppState, by: &str, file: &[u8]) -> Result<ImportSummary, ApiError> {
    let header = rescue::peek(file).map_err(file_error)?;
    let (device, user, token_hash) = state
        .storage
        .device_by_id(&header.device_id)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_device",
                "the device that wrote this rescue file is not enrolled on this server",
            )
        })?;
    if device.revoked_at.is_some() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "device_revoked",
            "the device that wrote this rescue file has been revoked; its work is not taken",
        ));
    }
    let body = rescue::open(file, &token_hash).map_err(file_error)?;

    let caller = Caller::for_device(state, device, user).await?;
    let enrolled = push::enrolled_actor(&caller)?;
    let docs = merge(body.refused, body.push);
    let checked = push::check(
        state,
        &caller,
        &enrolled,
        Some(&body.actor),
        &docs,
        MAX_RESCUE_CHANGES,
    )
    .await?;
    let results = checked.store(state, &caller).await?;

    let mut summary = ImportSummary {
        device_id: caller.device.id.clone(),
        written_at: body.written_at,
        records: docs.len(),
        changes: results.len(),
        ..ImportSummary::default()
    };
    for r in &results {
        match &r.rejected {
            None => summary.accepted += 1,
            Some(why) => *summary.rejected.entry(why.code.clone()).or_default() += 1,
        }
    }
    // After the changes: an attachment is taken only for a record the server holds.
    for blob in body.blobs {
        let outcome = match blobs::writable_record(state, &caller, &blob.record_id).await {
            Ok(()) => {
                blobs::accept(
                    state,
                    &caller,
                    blob.hash,
                    &blob.record_id,
                    Some(&blob.media_type),
                    blob.bytes.0,
                )
                .await
            }
            Err(e) => Err(e),
        };
        match outcome {
            Ok(true) => summary.blobs_held += 1,
            Ok(false) => summary.blobs_stored += 1,
            // The database failing is no verdict on the blob: stop, and let the
            // administrator import again (what went in already is taken again harmlessly).
            Err(e) if e.status.is_server_error() => return Err(e),
            Err(e) => {
                *summary
                    .blobs_rejected
                    .entry(e.code.to_string())
                    .or_default() += 1
            }
        }
    }
    record(state, by, &summary).await?;
    Ok(summary)
}

/// The set-aside changes and the outbox as one push: a record in both goes once, its earlier
/// refused changes first.
fn merge(refused: Vec<DocPush>, outbox: Vec<DocPush>) -> Vec<DocPush> {
    let mut docs = refused;
    for doc in outbox {
        match docs.iter_mut().find(|d| d.record_id == doc.record_id) {
            Some(same) => same.changes.extend(doc.changes),
            None => docs.push(doc),
        }
    }
    docs
}

/// Writes the import to the audit log the admin page shows (beside exports: both account
/// for personal data moving in or out) and to the server log — counts and ids, no contents.
async fn record(state: &AppState, by: &str, s: &ImportSummary) -> Result<(), ApiError> {
    let rejected: usize = s.rejected.values().sum();
    let blobs_rejected: usize = s.blobs_rejected.values().sum();
    tracing::info!(
        by,
        device = %s.device_id,
        changes = s.changes,
        accepted = s.accepted,
        rejected,
        blobs_stored = s.blobs_stored,
        blobs_held = s.blobs_held,
        blobs_rejected,
        "rescue file imported"
    );
    state
        .metrics
        .add("gridkeeper_rescue_imports_total", String::new(), 1);
    audit::record(
        state.storage.as_ref(),
        &now(),
        &ExportEntry {
            user_id: by.to_string(),
            what: "rescue:import".into(),
            scope: AuditCounts {
                device_id: s.device_id.clone(),
                changes: s.changes,
                accepted: s.accepted,
                refused: rejected,
                attachments_stored: s.blobs_stored,
                attachments_held: s.blobs_held,
                attachments_refused: blobs_rejected,
            }
            .to_scope(),
            format: "rescue".into(),
            masked: true,
            rows: s.changes,
        },
    )
    .await?;
    Ok(())
}

/// What a rescue import did, as its audit-log entry holds it: `key=value` pairs in the scope
/// column, so the admin page says it in the reader's language (`web::labels::export_scope`)
/// and the stored log stays plain to read without this program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCounts {
    pub device_id: String,
    pub changes: usize,
    pub accepted: usize,
    pub refused: usize,
    pub attachments_stored: usize,
    pub attachments_held: usize,
    pub attachments_refused: usize,
}

impl AuditCounts {
    const KEYS: [&str; 7] = [
        "device",
        "changes",
        "accepted",
        "refused",
        "attachments_stored",
        "attachments_held",
        "attachments_refused",
    ];

    pub fn to_scope(&self) -> String {
        let values = [
            self.device_id.clone(),
            self.changes.to_string(),
            self.accepted.to_string(),
            self.refused.to_string(),
            self.attachments_stored.to_string(),
            self.attachments_held.to_string(),
            self.attachments_refused.to_string(),
        ];
        Self::KEYS
            .iter()
            .zip(values)
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// `None` for a scope written otherwise (an entry from an older relay is shown as written).
    pub fn parse(scope: &str) -> Option<Self> {
        let mut values = Vec::with_capacity(Self::KEYS.len());
        let mut pairs = scope.split(' ');
        for key in Self::KEYS {
            let (k, v) = pairs.next()?.split_once('=')?;
            if k != key {
                return None;
            }
            values.push(v);
        }
        if pairs.next().is_some() {
            return None;
        }
        let n = |i: usize| values[i].parse::<usize>().ok();
        Some(AuditCounts {
            device_id: values[0].to_string(),
            changes: n(1)?,
            accepted: n(2)?,
            refused: n(3)?,
            attachments_stored: n(4)?,
            attachments_held: n(5)?,
            attachments_refused: n(6)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::AuditCounts;

    #[test]
    fn audit_counts_read_back_what_was_written() {
        let c = AuditCounts {
            device_id: "dev-1".into(),
            changes: 5,
            accepted: 3,
            refused: 2,
            attachments_stored: 1,
            attachments_held: 0,
            attachments_refused: 4,
        };
        let scope = c.to_scope();
        assert_eq!(
            scope,
            "device=dev-1 changes=5 accepted=3 refused=2 attachments_stored=1 attachments_held=0 attachments_refused=4"
        );
        assert_eq!(AuditCounts::parse(&scope), Some(c));
        assert_eq!(
            AuditCounts::parse("device dev-1: 3 accepted, 2 refused"),
            None
        );
        assert_eq!(AuditCounts::parse(&scope.replace("=5", "=five")), None);
        assert_eq!(AuditCounts::parse(&format!("{scope} extra=1")), None);
    }
}
