//! Web sessions: a random cookie value, stored only as its SHA-256 with the user, the CSRF
//! token and an expiry. The cookie is HttpOnly and SameSite=Strict.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};

use crate::app::AppState;
use crate::auth::{hash_secret, new_token};
use crate::http::reports::{Reader, reader};
use crate::reports::scope::instant_text;
use crate::reports::sql::{SqlValue, Stmt};
use crate::storage::{Storage, StorageError};

pub const COOKIE: &str = "gk_session";
pub const LANG_COOKIE: &str = "gk_lang";
pub const HOURS: i64 = 12;

#[derive(Debug, Clone)]
pub struct Session {
    pub reader: Reader,
    pub csrf: String,
    pub token_hash: String,
    pub zh: bool,
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn zh(headers: &HeaderMap) -> bool {
    cookie(headers, LANG_COOKIE).is_none_or(|l| l != "en")
}

/// Starts a session; returns the cookie value.
pub async fn create(storage: &dyn Storage, user_id: &str) -> Result<String, StorageError> {
    let token = new_token();
    let now = Utc::now();
    storage
        .report_write(&[
            // Expired sessions are swept whenever someone signs in.
            Stmt::new(
                "DELETE FROM web_sessions WHERE expires_at < $1",
                vec![instant_text(now).into()],
            ),
            Stmt::new(
                "INSERT INTO web_sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                vec![
                    hash_secret(&token).into(),
                    user_id.into(),
                    super::csrf::new_token().into(),
                    instant_text(now).into(),
                    instant_text(now + Duration::hours(HOURS)).into(),
                ],
            ),
        ])
        .await?;
    Ok(token)
}

pub async fn end(storage: &dyn Storage, token_hash: &str) -> Result<(), StorageError> {
    storage
        .report_write(&[Stmt::new(
            "DELETE FROM web_sessions WHERE id_hash = $1",
            vec![token_hash.into()],
        )])
        .await
}

pub fn set_cookie(token: &str) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
        HOURS * 3600
    )
}

pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_login = || {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default();
            Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response()
        };
        let Some(token) = cookie(&parts.headers, COOKIE) else {
            return Err(to_login());
        };
        let token_hash = hash_secret(&token);
        let rows = state
            .storage
            .report_query(&Stmt::new(
                "SELECT user_id, csrf FROM web_sessions WHERE id_hash = $1 AND expires_at > $2",
                vec![
                    SqlValue::from(token_hash.as_str()),
                    instant_text(Utc::now()).into(),
                ],
            ))
            .await
            .map_err(|e| crate::error::ApiError::from(e).into_response())?;
        let Some(row) = rows.first() else {
            return Err(to_login());
        };
        let user_id = row
            .first()
            .map(|v| v.text().to_string())
            .unwrap_or_default();
        let csrf = row.get(1).map(|v| v.text().to_string()).unwrap_or_default();
        let users = state
            .storage
            .users()
            .await
            .map_err(|e| crate::error::ApiError::from(e).into_response())?;
        let Some(user) = users.into_iter().find(|u| u.id == user_id) else {
            return Err(to_login());
        };
        let reader = reader(state.storage.as_ref(), user)
            .await
            .map_err(|e| super::frame::error_page(e, zh(&parts.headers)))?;
        Ok(Session {
            reader,
            csrf,
            token_hash,
            zh: zh(&parts.headers),
        })
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
