//! Enrolment: a one-time code and the phone's Automerge actor id become a device and a token.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::admin::now;
use crate::app::AppState;
use crate::auth::{self, Caller, Tree};
use crate::error::ApiError;
use crate::http::body;
use crate::storage::{Device, NewDevice, Role};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    pub code: String,
    /// The device's Automerge actor id, hex: every change it pushes must carry it.
    pub actor: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub device_id: String,
    pub token: String,
    pub user: String,
    pub role: Role,
    /// The tree nodes the user was given.
    pub scope: Vec<String>,
    /// Every grid the device may pull (the scope and everything below it).
    pub grids: Vec<String>,
}

fn valid_actor(actor: &str) -> bool {
    (2..=64).contains(&actor.len())
        && actor.len().is_multiple_of(2)
        && actor
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub async fn enroll(
    State(state): State<AppState>,
    raw: Body,
) -> Result<Json<EnrollResponse>, ApiError> {
    let req: EnrollRequest = body::json(raw, 4096).await?;
    if !valid_actor(&req.actor) {
        return Err(ApiError::bad_request(
            "invalid_actor",
            "actor must be the device's Automerge actor id: 2–64 lower-case hex digits",
        ));
    }
    let token = auth::new_token();
    let device = NewDevice {
        device: Device {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: String::new(),
            actor: Some(req.actor),
            created_at: now(),
            last_seen: None,
            revoked_at: None,
        },
        token_hash: auth::hash_secret(&token),
    };
    let code_hash = auth::hash_secret(&auth::normalize_code(&req.code));
    let user = state
        .storage
        .redeem_enroll_code(&code_hash, &now(), &device)
        .await?;
    state
        .metrics
        .add("gridkeeper_enrolments_total", String::new(), 1);
    let tree = Tree::new(&state.storage.grids().await?);
    Ok(Json(EnrollResponse {
        device_id: device.device.id,
        token,
        user: user.name,
        role: user.role,
        grids: tree.subtree(&user.scope).into_iter().collect(),
        scope: user.scope,
    }))
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Me {
    pub device_id: String,
    pub user: String,
    pub role: Role,
    pub grids: Vec<String>,
}

pub async fn me(caller: Caller) -> Json<Me> {
    Json(Me {
        device_id: caller.device.id,
        user: caller.user.name,
        role: caller.user.role,
        grids: caller.reach.into_iter().collect(),
    })
}
