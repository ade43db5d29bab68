//! A supervisor's review of a record (审核): checked, or sent back to the worker with a note.
//! An administrator, or a supervisor whose reach holds the record's grid, reviews from the
//! record's page or `POST /v1/records/{id}/review`; a worker records work and does not
//! review it. The relay writes the review into the record's document (core's
//! `record::review`) as an edit of the person's web device, stored through the push path,
//! so it reaches the grid's phones in their next sync, where a record sent back shows in
//! 今日工作 until it is checked.

use automerge::AutoCommit;
use gridkeeper_core::Kind;
use gridkeeper_core::record::review::{self, MAX_NOTE_CHARS, Review, ReviewState};
use serde::Deserialize;

use crate::admin::now;
use crate::app::AppState;
use crate::error::ApiError;
use crate::relay_edit::{commit_and_store, web_device};
use crate::storage::{Role, User};
use crate::text;

/// What a reviewer sends.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// `checked` or `returned`.
    pub state: String,
    /// What to put right; required when the record is sent back.
    #[serde(default)]
    pub note: String,
}

fn check(req: &ReviewRequest) -> Result<(ReviewState, String), ApiError> {
    let state = ReviewState::parse(&req.state).ok_or_else(|| {
        ApiError::bad_request("invalid_review", "state must be `checked` or `returned`")
    })?;
    let Some(note) = text::within(&req.note, MAX_NOTE_CHARS).map(str::to_string) else {
        return Err(ApiError::bad_request(
            "invalid_review",
            format!("the note may not exceed {MAX_NOTE_CHARS} characters"),
        ));
    };
    if state == ReviewState::Returned && note.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_review",
            "a record sent back needs a note saying what to put right",
        ));
    }
    Ok((state, note))
}

/// Who may review a record of `grid`.
pub fn may_review(user: &User, reach: &std::collections::BTreeSet<String>, grid: &str) -> bool {
    match user.role {
        Role::Admin => true,
        Role::Supervisor => reach.contains(grid),
        Role::Worker => false,
    }
}

/// Reviews `record_id` as `user` (whose reach is `reach`) and returns the review written.
pub async fn review(
    state: &AppState,
    user: &User,
    reach: &std::collections::BTreeSet<String>,
    record_id: &str,
    req: &ReviewRequest,
) -> Result<Review, ApiError> {
    let (verdict, note) = check(req)?;
    if user.role == Role::Worker {
        return Err(ApiError::forbidden(
            "reviewing records is for supervisors and administrators",
        ));
    }
    let doc = state
        .storage
        .document(record_id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such record"))?;
    if !may_review(user, reach, &doc.grid) {
        return Err(ApiError::forbidden("outside your scope"));
    }
    let kind: Kind = doc.kind.parse().map_err(|_| {
        ApiError::bad_request("unknown_kind", "this record's kind is not known here")
    })?;
    let device = web_device(state, &user.id).await?;
    let actor = automerge::ActorId::random();
    let mut am = AutoCommit::load(&doc.saved)
        .map_err(|_| ApiError::bad_request("unreadable", "the record cannot be read"))?
        .with_actor(actor.clone());
    let written = Review {
        state: verdict,
        note,
        by: user.name.clone(),
        at: now(),
    };
    review::write(&mut am, &written)
        .map_err(|_| ApiError::bad_request("unreadable", "the record cannot be read"))?;
    commit_and_store(state, &device, &user.name, &doc, kind, am, &actor).await?;
    tracing::info!(record = %record_id, state = verdict.as_str(), "record reviewed");
    Ok(written)
}
