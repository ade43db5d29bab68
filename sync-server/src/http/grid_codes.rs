//! The admin API's grid codes: setting a node's code and importing a tree from a CSV.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::grid_codes::{self, CodedGrid};
use crate::grid_import::{self, ImportError, ImportSummary};
use crate::http::body;
use crate::http::extract::ApiPath;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCode {
    pub code: String,
}

/// Sets or changes a node's code.
pub async fn set_code(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    raw: Body,
) -> Result<Json<CodedGrid>, ApiError> {
    caller.require_admin()?;
    let c: NewCode = body::json(raw, 1 << 10).await?;
    Ok(Json(
        grid_codes::set_code(&state.storage, &id, &c.code, &caller.user.id).await?,
    ))
}

/// Imports a grid tree from the CSV body (编码,名称).
pub async fn import(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<Json<ImportSummary>, ImportError> {
    caller.require_admin()?;
    let bytes = body::read_limited(raw, grid_import::MAX_BYTES).await?;
    let summary = grid_import::import(&state.storage, &bytes, &caller.user.id).await?;
    state.tree.invalidate();
    Ok(Json(summary))
}
