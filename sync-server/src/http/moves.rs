//! Records as a whole, from the supervisor's side: moving a household or place to another
//! grid (`crate::moves`), a review (`crate::review`), dispatching a case and recording the
//! handling party's result (`crate::dispatch`), giving tasks and reading their progress
//! (`crate::tasks`).

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
/// A case's note is up to 2000 characters, which JSON may escape to 12 bytes each.
const NOTE: usize = 64 << 10;

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

/// The state a case reached, answered to a dispatch or a result.
#[derive(Debug, serde::Serialize)]
pub struct CaseReached {
    pub record_id: String,
    pub state: &'static str,
}

fn reached(id: &str, case: &gridkeeper_core::kinds::case::Case) -> Json<CaseReached> {
    Json(CaseReached {
        record_id: id.to_string(),
        state: case.status(chrono::Utc::now()).state.as_str(),
    })
}

/// Dispatches a case to a handling party.
pub async fn dispatch(
    caller: Caller,
    State(state): State<AppState>,
    super::extract::ApiPath(id): super::extract::ApiPath<String>,
    raw: Body,
) -> Result<Json<CaseReached>, ApiError> {
    let req: crate::dispatch::DispatchRequest = body::json(raw, NOTE).await?;
    let case = crate::dispatch::dispatch(&state, &caller.user, &caller.reach, &id, &req).await?;
    Ok(reached(&id, &case))
}

/// Records the handling party's result.
pub async fn result(
    caller: Caller,
    State(state): State<AppState>,
    super::extract::ApiPath(id): super::extract::ApiPath<String>,
    raw: Body,
) -> Result<Json<CaseReached>, ApiError> {
    let req: crate::dispatch::ResultRequest = body::json(raw, NOTE).await?;
    let case =
        crate::dispatch::record_result(&state, &caller.user, &caller.reach, &id, &req).await?;
    Ok(reached(&id, &case))
}

/// The handling parties the caller may dispatch to: every one for an administrator; for a
/// supervisor, those of the nodes in reach and above them.
pub async fn parties(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<crate::dispatch::Party>>, ApiError> {
    let storage = state.storage.as_ref();
    let nodes = match caller.user.role {
        crate::storage::Role::Admin => storage.grids().await?.into_iter().map(|g| g.id).collect(),
        crate::storage::Role::Supervisor => {
            let mut nodes = std::collections::BTreeSet::new();
            for grid in &caller.reach {
                nodes.extend(crate::dispatch::lineage(storage, grid).await?);
            }
            nodes
        }
        crate::storage::Role::Worker => {
            return Err(ApiError::forbidden(
                "the handling parties are for supervisors and administrators",
            ));
        }
    };
    Ok(Json(crate::dispatch::parties(storage, &nodes).await?))
}

/// Adds a handling party to a node's list (administrators).
pub async fn add_party(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<(axum::http::StatusCode, Json<crate::dispatch::Party>), ApiError> {
    caller.require_admin()?;
    let party: crate::dispatch::Party = body::json(raw, SMALL).await?;
    crate::dispatch::add_party(&state.storage, &party).await?;
    Ok((axum::http::StatusCode::CREATED, Json(party)))
}

/// Gives a task to a grid's workers (supervisors in reach, administrators).
pub async fn create_task(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<(axum::http::StatusCode, Json<crate::tasks::TaskProgress>), ApiError> {
    let req: crate::tasks::NewTask = body::json(raw, NOTE).await?;
    let task = crate::tasks::create(&state, &caller.user, &caller.reach, &req).await?;
    Ok((axum::http::StatusCode::CREATED, Json(task)))
}

/// The tasks of every grid the caller reads, due first, with their progress.
pub async fn tasks(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<crate::tasks::TaskSummary>>, ApiError> {
    let grids = readable_grids(&state, &caller).await?;
    Ok(Json(
        crate::tasks::list(state.storage.as_ref(), &grids).await?,
    ))
}

/// One task, with who did which target.
pub async fn task(
    caller: Caller,
    State(state): State<AppState>,
    super::extract::ApiPath(id): super::extract::ApiPath<String>,
) -> Result<Json<crate::tasks::TaskProgress>, ApiError> {
    let grids = readable_grids(&state, &caller).await?;
    Ok(Json(
        crate::tasks::one(state.storage.as_ref(), &caller.user, &grids, &id).await?,
    ))
}

async fn readable_grids(
    state: &AppState,
    caller: &Caller,
) -> Result<std::collections::BTreeSet<String>, ApiError> {
    Ok(match caller.user.role {
        crate::storage::Role::Admin => state
            .storage
            .grids()
            .await?
            .into_iter()
            .map(|g| g.id)
            .collect(),
        _ => caller
            .reach
            .iter()
            .filter(|g| caller.can_read(g))
            .cloned()
            .collect(),
    })
}
