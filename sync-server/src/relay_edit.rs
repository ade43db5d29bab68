//! Edits the relay itself writes into a record on a person's behalf — a conflict settled
//! from the record's page, a supervisor's review — stored through the push path like a
//! phone's, so they reach every phone in the grid's feed.
//!
//! Supervisors' phones never push, so such an edit is written by a device of the person's
//! own, `web-<user id>` (listed with the devices, revocable), under a fresh actor each time:
//! two relays behind one database editing the same record at once can then never reuse a
//! sequence number.

use automerge::AutoCommit;
use automerge::transaction::CommitOptions;
use axum::http::StatusCode;
use gridkeeper_core::Kind;

use crate::admin::now;
use crate::app::AppState;
use crate::auth;
use crate::error::ApiError;
use crate::materialize::{DocState, PreparedChange, PreparedDoc};
use crate::storage::{Device, NewDevice, StorageError};

/// The person's web device, made on their first resolution. Its token is never handed
/// out: it signs nothing in, it only names who wrote a change.
pub async fn web_device(state: &AppState, user_id: &str) -> Result<String, ApiError> {
    let id = format!("web-{user_id}");
    if let Some((device, _, _)) = state.storage.device_by_id(&id).await? {
        // Revoked by an administrator: this person settles nothing more from the pages.
        if device.revoked_at.is_some() {
            return Err(ApiError::forbidden("your web device was revoked"));
        }
        return Ok(id);
    }
    let made = state
        .storage
        .add_device(&NewDevice {
            device: Device {
                id: id.clone(),
                user_id: user_id.to_string(),
                actor: Some(automerge::ActorId::random().to_hex_string()),
                created_at: now(),
                last_seen: None,
                revoked_at: None,
            },
            token_hash: auth::hash_secret(&auth::new_token()),
        })
        .await;
    match made {
        // Made meanwhile by the same person's other tab.
        Ok(()) | Err(StorageError::Exists(_)) => Ok(id),
        Err(e) => Err(e.into()),
    }
}

/// Commits an edit the relay made to a record on behalf of `user_name` (a resolution from
/// the page, a supervisor's review) and stores it through the push path, under `device`
/// (the person's web device) and the fresh `actor` the edit was written with, so it reaches
/// every phone in the grid's feed like any other edit.
pub async fn commit_and_store(
    state: &AppState,
    device: &str,
    user_name: &str,
    doc: &DocState,
    kind: Kind,
    am: AutoCommit,
    actor: &automerge::ActorId,
) -> Result<(), ApiError> {
    let written = Written {
        record_id: &doc.record_id,
        grid: &doc.grid,
        kind,
        before: &doc.heads,
    };
    store(state, device, user_name, written, am, actor).await
}

/// A record the relay writes from nothing on a person's behalf (a supervisor's task): the
/// whole document is its first change, stored through the push path like an edit.
pub async fn create_and_store(
    state: &AppState,
    device: &str,
    user_name: &str,
    record: Written<'_>,
    am: AutoCommit,
    actor: &automerge::ActorId,
) -> Result<(), ApiError> {
    store(state, device, user_name, record, am, actor).await
}

/// Which record an edit is of, and the heads it was made on (none for a new record).
#[derive(Debug)]
pub struct Written<'a> {
    pub record_id: &'a str,
    pub grid: &'a str,
    pub kind: Kind,
    pub before: &'a [String],
}

async fn store(
    state: &AppState,
    device: &str,
    user_name: &str,
    written: Written<'_>,
    mut am: AutoCommit,
    actor: &automerge::ActorId,
) -> Result<(), ApiError> {
    am.commit_with(
        CommitOptions::default()
            .with_message(user_name.to_string())
            .with_time(chrono::Utc::now().timestamp()),
    );
    // Every change made since the stored document, not only the last: writing the fields
    // may close Automerge's transaction part-way (reading a map's keys does), so one edit can
    // be more than one change.
    let before: Vec<automerge::ChangeHash> = written
        .before
        .iter()
        .filter_map(|h| h.parse().ok())
        .collect();
    let changes: Vec<PreparedChange> = am
        .get_changes(&before)
        .into_iter()
        .filter(|c| c.actor_id() == actor)
        .map(|c| PreparedChange {
            hash: c.hash().to_string(),
            actor: actor.to_hex_string(),
            change: c.clone(),
            refused: None,
        })
        .collect();
    if changes.is_empty() {
        return Err(ApiError::bad_request("no_change", "nothing to settle"));
    }
    state
        .storage
        .add_device_actor(device, &actor.to_hex_string(), &now())
        .await?;
    let prepared = PreparedDoc {
        record_id: written.record_id.to_string(),
        kind: written.kind,
        grid: written.grid.to_string(),
        changes,
    };
    let outcomes = state.storage.push(device, &now(), &[prepared]).await?;
    match outcomes.into_iter().find_map(|o| o.rejected) {
        None => Ok(()),
        Some(why) => Err(ApiError::new(StatusCode::CONFLICT, "refused", why.message)),
    }
}
