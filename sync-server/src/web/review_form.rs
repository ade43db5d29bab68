//! The supervisor's forms on a record's page: a review — checked, or sent back with a note
//! (`crate::review`) — and, on a case, a dispatch and the handling party's result
//! (`crate::dispatch`).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::csrf;
use super::frame::error_page;
use super::session::{Session, urlencode};
use crate::app::AppState;
use crate::error::ApiError;
use crate::review::{self, ReviewRequest};

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    csrf: String,
    state: String,
    #[serde(default)]
    note: String,
}

pub async fn review(
    State(state): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> Response {
    if !csrf::same(&f.csrf, &s.csrf) {
        return error_page(ApiError::forbidden("bad form token"), s.zh);
    }
    let req = ReviewRequest {
        state: f.state,
        note: f.note,
    };
    match review::review(&state, &s.reader.user, &s.reader.reach, &id, &req).await {
        Ok(_) => Redirect::to(&format!("/rec/{}#review", urlencode(&id))).into_response(),
        Err(e) => error_page(e, s.zh),
    }
}

#[derive(Debug, Deserialize)]
pub struct DispatchForm {
    #[serde(default)]
    csrf: String,
    party: String,
    handle_by: String,
    #[serde(default)]
    note: String,
}

pub async fn dispatch(
    State(state): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Form(f): Form<DispatchForm>,
) -> Response {
    if !csrf::same(&f.csrf, &s.csrf) {
        return error_page(ApiError::forbidden("bad form token"), s.zh);
    }
    let req = crate::dispatch::DispatchRequest {
        party: f.party,
        handle_by: f.handle_by,
        note: f.note,
    };
    match crate::dispatch::dispatch(&state, &s.reader.user, &s.reader.reach, &id, &req).await {
        Ok(_) => Redirect::to(&format!("/rec/{}#dispatch", urlencode(&id))).into_response(),
        Err(e) => error_page(e, s.zh),
    }
}

#[derive(Debug, Deserialize)]
pub struct ResultForm {
    #[serde(default)]
    csrf: String,
    note: String,
}

pub async fn result(
    State(state): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Form(f): Form<ResultForm>,
) -> Response {
    if !csrf::same(&f.csrf, &s.csrf) {
        return error_page(ApiError::forbidden("bad form token"), s.zh);
    }
    let req = crate::dispatch::ResultRequest { note: f.note };
    match crate::dispatch::record_result(&state, &s.reader.user, &s.reader.reach, &id, &req).await {
        Ok(_) => Redirect::to(&format!("/rec/{}#result", urlencode(&id))).into_response(),
        Err(e) => error_page(e, s.zh),
    }
}
