//! Administration: the grid tree, users and their scopes, enrolment codes, devices. The same
//! functions serve the `admin` subcommands and the HTTP admin API, so both check alike.

use std::sync::Arc;

use axum::http::StatusCode;

use crate::auth::{self, Tree};
use crate::error::ApiError;
use crate::storage::{Device, EnrollCode, Grid, NewDevice, Role, Storage, User};
use crate::text;

/// How long an enrolment code stays usable unless told otherwise.
pub const DEFAULT_CODE_HOURS: i64 = 72;

pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

pub async fn add_grid(
    storage: &Arc<dyn Storage>,
    id: &str,
    name: &str,
    parent: Option<&str>,
) -> Result<Grid, ApiError> {
    let grid = checked_grid(id, name, parent)?;
    storage.add_grid(&grid).await?;
    Ok(grid)
}

/// A node as it would be added, its id and name checked.
pub(crate) fn checked_grid(id: &str, name: &str, parent: Option<&str>) -> Result<Grid, ApiError> {
    if !valid_id(id) {
        return Err(ApiError::bad_request(
            "invalid_grid_id",
            "a grid id is 1–64 letters, digits, '-', '_' or '.'",
        ));
    }
    let Some(name) = text::name(name, 100) else {
        return Err(ApiError::bad_request(
            "invalid_name",
            "a grid name is 1–100 characters on one line",
        ));
    };
    Ok(Grid {
        id: id.to_string(),
        name: name.to_string(),
        parent: parent.map(String::from),
    })
}

pub async fn add_user(
    storage: &Arc<dyn Storage>,
    name: &str,
    role: Role,
    scope: &[String],
) -> Result<User, ApiError> {
    let Some(name) = text::name(name, 64) else {
        return Err(ApiError::bad_request(
            "invalid_name",
            "a user name is 1–64 characters on one line",
        ));
    };
    let tree = Tree::new(&storage.grids().await?);
    if let Some(unknown) = scope.iter().find(|s| !tree.contains(s)) {
        return Err(ApiError::bad_request(
            "unknown_grid",
            format!("scope names {unknown}, which is not in the grid tree"),
        ));
    }
    if role != Role::Admin && scope.is_empty() {
        return Err(ApiError::bad_request(
            "empty_scope",
            "workers and supervisors need a scope: at least one grid, community or street",
        ));
    }
    let user = User {
        id: uuid::Uuid::now_v7().to_string(),
        name: name.to_string(),
        role,
        scope: scope.to_vec(),
    };
    storage.add_user(&user).await?;
    Ok(user)
}

/// Parses a scope as an administrator types it: node ids separated by commas (either width)
/// or spaces.
pub fn parse_scope(text: &str) -> Vec<String> {
    text.split([',', '，', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

/// Replaces a user's scope. Every node must be in the tree, and workers and supervisors keep
/// at least one; the new reach applies from the user's next request (reach is read per
/// request, never cached).
pub async fn set_scope(
    storage: &Arc<dyn Storage>,
    user: &str,
    scope: &[String],
) -> Result<User, ApiError> {
    let mut user = find_user(storage, user).await?;
    let tree = Tree::new(&storage.grids().await?);
    if let Some(unknown) = scope.iter().find(|s| !tree.contains(s)) {
        return Err(ApiError::bad_request(
            "unknown_grid",
            format!("scope names {unknown}, which is not in the grid tree"),
        ));
    }
    if user.role != Role::Admin && scope.is_empty() {
        return Err(ApiError::bad_request(
            "empty_scope",
            "workers and supervisors need a scope: at least one grid, community or street",
        ));
    }
    let mut unique: Vec<String> = Vec::new();
    for s in scope {
        if !unique.contains(s) {
            unique.push(s.clone());
        }
    }
    // The `users` table is the same on both databases, so one shared statement serves both.
    storage
        .report_write(&[crate::reports::sql::Stmt::new(
            "UPDATE users SET scope = $1 WHERE id = $2",
            vec![unique.join(",").into(), user.id.as_str().into()],
        )])
        .await?;
    user.scope = unique;
    Ok(user)
}

pub async fn find_user(storage: &Arc<dyn Storage>, name_or_id: &str) -> Result<User, ApiError> {
    storage
        .users()
        .await?
        .into_iter()
        .find(|u| u.name == name_or_id || u.id == name_or_id)
        .ok_or_else(|| ApiError::not_found("no such user"))
}

/// A one-time code for enrolling a device of `user`; returns the code and when it expires.
pub async fn issue_enroll_code(
    storage: &Arc<dyn Storage>,
    user: &str,
    hours: i64,
) -> Result<(String, String), ApiError> {
    if !(1..=24 * 30).contains(&hours) {
        return Err(ApiError::bad_request(
            "invalid_expiry",
            "a code lives between 1 hour and 30 days",
        ));
    }
    let user = find_user(storage, user).await?;
    let code = auth::new_enroll_code();
    let expires_at = (chrono::Utc::now() + chrono::Duration::hours(hours))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    storage
        .add_enroll_code(&EnrollCode {
            code_hash: auth::hash_secret(&auth::normalize_code(&code)),
            user_id: user.id,
            expires_at: expires_at.clone(),
        })
        .await?;
    Ok((code, expires_at))
}

pub async fn revoke_device(storage: &Arc<dyn Storage>, device_id: &str) -> Result<(), ApiError> {
    if storage.revoke_device(device_id, &now()).await? {
        Ok(())
    } else {
        Err(ApiError::not_found("no such device"))
    }
}

/// A token for a person at a browser or terminal rather than a phone: it has no Automerge
/// actor, so it can never push changes.
pub async fn console_token(storage: &Arc<dyn Storage>, user: &str) -> Result<String, ApiError> {
    let user = find_user(storage, user).await?;
    if user.role == Role::Worker {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "worker_console",
            "workers sign in from an enrolled phone, not with a console token",
        ));
    }
    let token = auth::new_token();
    storage
        .add_device(&NewDevice {
            device: Device {
                id: uuid::Uuid::now_v7().to_string(),
                user_id: user.id,
                actor: None,
                created_at: now(),
                last_seen: None,
                revoked_at: None,
            },
            token_hash: auth::hash_secret(&token),
        })
        .await?;
    Ok(token)
}

/// On a server with no administrator yet: one named `admin` and a console token for it.
pub async fn first_start(storage: &Arc<dyn Storage>) -> Result<Option<String>, ApiError> {
    let users = storage.users().await?;
    if users.iter().any(|u| u.role == Role::Admin) {
        return Ok(None);
    }
    let name = if users.iter().any(|u| u.name == "admin") {
        "administrator"
    } else {
        "admin"
    };
    add_user(storage, name, Role::Admin, &[]).await?;
    console_token(storage, name).await.map(Some)
}
