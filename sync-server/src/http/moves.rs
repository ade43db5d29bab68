//! Moving a household or place to another grid; see `crate::moves`.

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
