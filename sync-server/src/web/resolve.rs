//! Settling a conflict from a record's page. The relay writes the resolution itself, as the
//! core does on a phone (`conflicts::resolve`: the chosen value written as a new change that
//! supersedes all of them), and stores it through the same path as a pushed change, so it
//! reaches every phone in the grid's feed like any other edit (`crate::relay_edit`).
//!
//! Supervisors' phones never push, so the page does not take edits from a supervisor: the
//! only change it writes is the one the relay builds here from a pick among values already
//! in the record.

use automerge::AutoCommit;
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
use crate::app::AppState;
use crate::error::ApiError;
use crate::relay_edit::{commit_and_store, web_device};

#[derive(Debug, Deserialize)]
pub struct PickForm {
    #[serde(default)]
    csrf: String,
    path: String,
    pick: usize,
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
    commit_and_store(state, &device, &s.reader.user.name, &doc, kind, am, &actor).await
}
