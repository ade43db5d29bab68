//! The admin API: the same operations as the `admin` subcommands, for administrators only.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::admin;
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::grid_codes::{self, CodedGrid};
use crate::http::body;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::storage::{Device, Grid, Role, User};
use crate::templates::{self, TemplateVersion};

const SMALL: usize = 16 << 10;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewGrid {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub parent: Option<String>,
    /// The node's standard grid code (`crate::grid_codes`).
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub scope: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCode {
    pub user: String,
    #[serde(default)]
    pub hours: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CodeIssued {
    pub code: String,
    pub expires_at: String,
}

pub async fn grids(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<CodedGrid>>, ApiError> {
    caller.require_admin()?;
    Ok(Json(grid_codes::coded_grids(state.storage.as_ref()).await?))
}

pub async fn add_grid(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<(StatusCode, Json<CodedGrid>), ApiError> {
    caller.require_admin()?;
    let g: NewGrid = body::json(raw, SMALL).await?;
    let grid = grid_codes::add_grid(
        &state.storage,
        Grid {
            id: g.id,
            name: g.name,
            parent: g.parent,
        },
        g.code.as_deref(),
        &caller.user.id,
    )
    .await?;
    state.tree.invalidate();
    Ok((StatusCode::CREATED, Json(grid)))
}

pub async fn users(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<User>>, ApiError> {
    caller.require_admin()?;
    Ok(Json(state.storage.users().await?))
}

pub async fn add_user(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<(StatusCode, Json<User>), ApiError> {
    caller.require_admin()?;
    let u: NewUser = body::json(raw, SMALL).await?;
    let user = admin::add_user(&state.storage, &u.name, u.role, &u.scope).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

pub async fn enroll_code(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<(StatusCode, Json<CodeIssued>), ApiError> {
    caller.require_admin()?;
    let c: NewCode = body::json(raw, SMALL).await?;
    let (code, expires_at) = admin::issue_enroll_code(
        &state.storage,
        &c.user,
        c.hours.unwrap_or(admin::DEFAULT_CODE_HOURS),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CodeIssued { code, expires_at })))
}

pub async fn devices(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<Device>>, ApiError> {
    caller.require_admin()?;
    Ok(Json(state.storage.devices().await?))
}

/// Revokes a device; answers with what it had sent last and held unsynced, which stays
/// visible (`GET /v1/admin/handover/{id}`).
pub async fn revoke_device(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<crate::handover::DeviceHandover>, ApiError> {
    caller.require_admin()?;
    // An administrator who revokes the token they are using is locked out of the API at
    // once; on a relay with one administrator only a shell on the server gets back in.
    if caller.device.id == id {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "revoke_self",
            "this is the token making the request; revoke it from another administrator's token or with `admin device revoke` on the server",
        ));
    }
    Ok(Json(
        crate::handover::revoke(&state.storage, &id, &caller.user.name).await?,
    ))
}

/// Every device with its last sync, last change sent and reported unsynced work.
pub async fn handover(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<crate::handover::DeviceHandover>>, ApiError> {
    caller.require_admin()?;
    Ok(Json(
        crate::handover::devices(state.storage.as_ref()).await?,
    ))
}

pub async fn handover_device(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<crate::handover::DeviceHandover>, ApiError> {
    caller.require_admin()?;
    Ok(Json(
        crate::handover::device(state.storage.as_ref(), &id).await?,
    ))
}

/// Hands a grid to another worker (`crate::handover::reassign`), audited.
pub async fn reassign_grid(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<Json<crate::handover::Reassigned>, ApiError> {
    caller.require_admin()?;
    let req: crate::handover::Reassign = body::json(raw, SMALL).await?;
    let done = crate::handover::reassign(&state.storage, &caller.user, &req).await?;
    state.tree.invalidate();
    Ok(Json(done))
}

/// The handover audit log: revocations and reassignments, oldest first.
pub async fn handover_log(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<crate::handover::AuditEntry>>, ApiError> {
    caller.require_admin()?;
    Ok(Json(crate::handover::log(state.storage.as_ref()).await?))
}

pub async fn retention_policy(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<crate::retention::StoredPolicy>, ApiError> {
    caller.require_admin()?;
    Ok(Json(
        crate::retention::policy(state.storage.as_ref()).await?,
    ))
}

pub async fn set_retention_policy(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<Json<crate::retention::StoredPolicy>, ApiError> {
    caller.require_admin()?;
    let p: crate::retention::Policy = body::json(raw, SMALL).await?;
    Ok(Json(
        crate::retention::set_policy(state.storage.as_ref(), &caller.user, &p).await?,
    ))
}

/// The dry run: what the policy would erase now (ids and counts, no values).
pub async fn retention_plan(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<crate::retention::Plan>, ApiError> {
    caller.require_admin()?;
    Ok(Json(
        crate::retention::plan(state.storage.as_ref(), chrono::Utc::now()).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyRetention {
    /// How many records the dry run named: the apply erases only if that still holds.
    pub expect: u64,
}

pub async fn apply_retention(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<Json<crate::retention::Applied>, ApiError> {
    caller.require_admin()?;
    let a: ApplyRetention = body::json(raw, SMALL).await?;
    Ok(Json(
        crate::retention::apply(&state.storage, &caller.user, a.expect).await?,
    ))
}

#[derive(Debug, Deserialize)]
pub struct TemplateKey {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub version: String,
}

/// Every stored checklist template version, drafts and published.
pub async fn templates(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<TemplateVersion>>, ApiError> {
    caller.require_admin()?;
    Ok(Json(templates::list(state.storage.as_ref()).await?))
}

/// Uploads an XLSForm workbook (the raw body) as a draft of `?id=&version=`; the reply
/// carries the template as imported and the rows that could not be used.
pub async fn upload_template(
    caller: Caller,
    State(state): State<AppState>,
    ApiQuery(key): ApiQuery<TemplateKey>,
    raw: Body,
) -> Result<(StatusCode, Json<TemplateVersion>), ApiError> {
    caller.require_admin()?;
    let (id, version) = templates::parse_key(&key.id, &key.version)?;
    let bytes = body::read_limited(raw, templates::MAX_XLSFORM_BYTES).await?;
    let stored = templates::import(
        state.storage.as_ref(),
        &caller.user.id,
        &id,
        version,
        &bytes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

pub async fn publish_template(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath((id, version)): ApiPath<(String, String)>,
) -> Result<Json<TemplateVersion>, ApiError> {
    caller.require_admin()?;
    let (id, version) = templates::parse_key(&id, &version)?;
    Ok(Json(
        templates::publish(state.storage.as_ref(), &caller.user.id, &id, version).await?,
    ))
}

/// Imports a rescue file (the raw body) written by a phone out of reach of the network: its
/// work is taken as if the phone had synced. The reply counts what was accepted and refused.
pub async fn import_rescue(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<Json<crate::rescue::ImportSummary>, ApiError> {
    caller.require_admin()?;
    let bytes = body::read_limited(raw, gridkeeper_core::rescue::MAX_FILE_BYTES).await?;
    Ok(Json(
        crate::rescue::import(&state, &caller.user.id, &bytes).await?,
    ))
}

/// Erases a record or fields of it (PIPL); see `crate::erasure`.
pub async fn erase(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<Json<crate::storage::ErasureAudit>, ApiError> {
    caller.require_admin()?;
    let req: crate::erasure::EraseRequest = body::json(raw, SMALL).await?;
    Ok(Json(
        crate::erasure::erase(&state.storage, &caller.user, &req).await?,
    ))
}

/// The erasure audit log, every grid, oldest first.
pub async fn erasures(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<crate::storage::ErasureAudit>>, ApiError> {
    caller.require_admin()?;
    let grids: Vec<String> = state
        .storage
        .grids()
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    Ok(Json(crate::erasure::log(&state.storage, &grids).await?))
}
