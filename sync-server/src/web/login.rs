//! Signing in and out, and the language switch.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::csrf;
use super::password;
use super::session::{self, LANG_COOKIE, Session};
use crate::app::AppState;
use crate::error::ApiError;
use crate::storage::Role;

use super::frame::*;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    error: String,
    csrf: String,
    next: String,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

const LOGIN_COOKIE: &str = "gk_login";

fn login_page(zh: bool, error: String, next: String, status: StatusCode) -> Response {
    let token = csrf::new_token();
    let mut resp = render(
        &LoginPage {
            c: chrome(
                None,
                zh,
                if zh { "登录" } else { "Sign in" }.into(),
                "",
                "/login",
            ),
            error,
            csrf: token.clone(),
            next,
        },
        status,
    );
    if let Ok(v) =
        format!("{LOGIN_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=1800")
            .parse()
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub async fn login_form(headers: HeaderMap, Query(q): Query<LoginQuery>) -> Response {
    login_page(session::zh(&headers), String::new(), q.next, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    csrf: String,
    #[serde(default)]
    next: String,
}

/// Only paths on this site: `//host` and `/\host` would leave it.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_string()
    } else {
        "/".to_string()
    }
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let zh = session::zh(&headers);
    let cookie = session::cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if !csrf::same(&cookie, &f.csrf) {
        return error_page(
            ApiError::forbidden("the sign-in form expired; load it again"),
            zh,
        );
    }
    if let Err(e) = state.rate_limit.check(&format!("login:{}", f.name)) {
        return error_page(e, zh);
    }
    let users = match state.storage.users().await {
        Ok(u) => u,
        Err(e) => return error_page(e.into(), zh),
    };
    let user = users
        .into_iter()
        .find(|u| u.name == f.name && u.role != Role::Worker);
    let stored = match &user {
        Some(u) => password::stored(state.storage.as_ref(), &u.id)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    let ok = password::verify(&f.password, stored.as_deref().unwrap_or(password::decoy()));
    let (Some(user), true) = (user, ok && stored.is_some()) else {
        tracing::info!("sign-in refused");
        let msg = if zh {
            "用户名或密码错误。"
        } else {
            "Wrong user name or password."
        };
        return login_page(zh, msg.into(), f.next, StatusCode::UNAUTHORIZED);
    };
    let token = match session::create(state.storage.as_ref(), &user.id).await {
        Ok(t) => t,
        Err(e) => return error_page(e.into(), zh),
    };
    let mut resp = Redirect::to(&safe_next(&f.next)).into_response();
    for c in [
        session::set_cookie(&token),
        format!("{LOGIN_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0"),
    ] {
        if let Ok(v) = c.parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub(crate) csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    s: Session,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !csrf::same(&f.csrf, &s.csrf) {
        return error_page(ApiError::forbidden("bad form token"), s.zh);
    }
    if let Err(e) = session::end(state.storage.as_ref(), &s.token_hash).await {
        return error_page(e.into(), s.zh);
    }
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = session::clear_cookie().parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Debug, Deserialize)]
pub struct Back {
    #[serde(default)]
    back: String,
}

pub async fn set_lang(Path(lang): Path<String>, Query(b): Query<Back>) -> Response {
    let lang = if lang == "en" { "en" } else { "zh" };
    let mut resp = Redirect::to(&safe_next(&b.back)).into_response();
    if let Ok(v) = format!("{LANG_COOKIE}={lang}; Path=/; SameSite=Lax; Max-Age=31536000").parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}
