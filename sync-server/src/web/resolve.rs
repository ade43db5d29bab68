//! Settling a conflict from a record's page. The relay writes the resolution itself, as the
//! core does on a phone (`conflicts::resolve`: the chosen value written as a new change that
//! supersedes all of them), and stores it through the same path as a pushed change, so it
//! reaches every phone in the grid's feed like any other edit.
//!
//! Supervisors' phones never push, so the page does not take edits from a supervisor: the
//! only change it writes is the one the relay builds here from a pick among values already
//! in the record. It is written by a device of the person's own, `web-<user id>` (listed
//! with the devices, revocable), under a fresh actor each time: two relays behind one
//! database settling the same record at once can then never reuse a sequence number.

use automerge::AutoCommit;
use automerge::transaction::CommitOptions;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridkeeper_core::Kind;
use gridkeeper_core::record::conflicts;
use serde::Deserialize;

use super::csrf;
use super::frame::error_page;
use super::record_page::may_resolve;
use super::session::Session;
use crate::admin::now;
use crate::app::AppState;
use crate::auth;
use crate::error::ApiError;
use crate::materialize::{PreparedChange, PreparedDoc};
use crate::storage::{Device, NewDevice, StorageError};

#[derive(Debug, Deserialize)]
pub struct PickForm {
    #[serde(default)]
    csrf: String,
    path: String,
    pick: usize,
}

/// The person's web device, made on their first resolution. Its token is never handed
/// out: it signs nothing in, it only names who wrote a change.
async fn web_device(state: &AppState, user_id: &str) -> Result<String, ApiError> {
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

pub async fn resolve(
    State(state): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Form(f): Form<PickForm>,
) -> Response {
    if !csrf::same(&f.csrf, &s.csrf) {
        return error_page(ApiError::forbidden("bad form token"), s.zh);
    }
    match settle(&state, &s, &id, &f).await {
        Ok(()) => Redirect::to(&format!("/rec/{id}#conflicts")).into_response(),
        Err(e) => error_page(e, s.zh),
    }
}

async fn settle(state: &AppState, s: &Session, id: &str, f: &PickForm) -> Result<(), ApiError> {
    let doc = state
        .storage
        .document(id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such record"))?;
    if !s.reader.reach.contains(&doc.grid) {
        return Err(ApiError::forbidden("outside your scope"));
    }
    if !may_resolve(&s.reader, &doc.grid) {
        return Err(ApiError::forbidden(
            "only administrators and supervisors settle conflicts here",
        ));
    }
    let kind: Kind = doc.kind.parse().map_err(|_| {
        ApiError::bad_request("unknown_kind", "this record's kind is not known here")
    })?;
    let device = web_device(state, &s.reader.user.id).await?;
    let actor = automerge::ActorId::random();
    let mut am = AutoCommit::load(&doc.saved)
        .map_err(|_| ApiError::bad_request("unreadable", "the record cannot be read"))?
        .with_actor(actor.clone());
    // Another person may have settled it a moment ago: the core says so, in words the
    // page shows, and nothing is written.
    conflicts::resolve(&mut am, id, &f.path, f.pick, kind.ops().text_fields()).map_err(|_| {
        ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "no_conflict",
            "this conflict is already settled or the value is gone; reload the record",
        )
    })?;
    am.commit_with(
        CommitOptions::default()
            .with_message(s.reader.user.name.clone())
            .with_time(chrono::Utc::now().timestamp()),
    );
    let change = am
        .get_last_local_change()
        .ok_or_else(|| ApiError::bad_request("no_change", "nothing to settle"))?;
    state
        .storage
        .add_device_actor(&device, &actor.to_hex_string(), &now())
        .await?;
    let prepared = PreparedDoc {
        record_id: doc.record_id.clone(),
        kind,
        grid: doc.grid.clone(),
        changes: vec![PreparedChange {
            hash: change.hash().to_string(),
            actor: actor.to_hex_string(),
            change,
            refused: None,
        }],
    };
    let outcomes = state.storage.push(&device, &now(), &[prepared]).await?;
    match outcomes.into_iter().find_map(|o| o.rejected) {
        None => Ok(()),
        Some(why) => Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "refused",
            why.message,
        )),
    }
}
