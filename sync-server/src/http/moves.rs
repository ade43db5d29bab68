//! Records as a whole: moving a household or place to another grid (`crate::moves`), and a
//! supervisor's review (`crate::review`).

use axum::Json;
use axum::body::Body;
use axum::extract::State;

use super::body;
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::moves::{self, MoveRequest};
use crate::storage::MoveAudit;

const SMALL: usize = 16 << 10;

/// Moves a record (a supervisor whose reach holds both grids, or an administrator).
pub async fn move_record(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<Json<MoveAudit>, ApiError> {
    let req: MoveRequest = body::json(raw, SMALL).await?;
    Ok(Json(
        moves::move_record(&state.storage, &caller, &req).await?,
    ))
}

/// The moves the caller may see, oldest first.
pub async fn moves(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<MoveAudit>>, ApiError> {
    Ok(Json(moves::log(&state.storage, &caller).await?))
}

/// Reviews a record: checked, or sent back with a note (see `crate::review`).
pub async fn review(
    caller: Caller,
    State(state): State<AppState>,
    super::extract::ApiPath(id): super::extract::ApiPath<String>,
    raw: Body,
) -> Result<Json<gridkeeper_core::record::review::Review>, ApiError> {
    let req: crate::review::ReviewRequest = body::json(raw, SMALL).await?;
    Ok(Json(
        crate::review::review(&state, &caller.user, &caller.reach, &id, &req).await?,
    ))
}
