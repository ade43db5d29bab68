//! The review form on a record's page: checked, or sent back with a note (`crate::review`).

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
