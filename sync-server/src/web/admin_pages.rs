//! The administrator's page: grid tree, users and scopes, enrolment codes, devices, the
//! export log — every form checked for its CSRF token and the administrator role.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::csrf;
use super::password;
use super::session::Session;
use crate::admin;
use crate::app::AppState;
use crate::error::ApiError;
use crate::reports::audit;
use crate::reports::scope::Hierarchy;
use crate::storage::Role;

use super::frame::*;
use super::login::CsrfForm;

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    notice: String,
    /// A refused grid import's problems, one line each.
    problems: Vec<String>,
    /// (name indented by depth, id, standard grid code)
    grids: Vec<(String, String, String)>,
    users: Vec<(String, String, String)>,
    /// (id, user, last seen, live, what it sent last and holds unsynced in words)
    devices: Vec<(String, String, String, bool, String)>,
    audit: Vec<Vec<String>>,
    /// The audit columns' names, shown beside each value where the table becomes cards on a
    /// phone.
    audit_labels: [&'static str; 7],
    /// (id, version, title, status, link)
    templates: Vec<(String, u32, String, String, String)>,
}

pub(crate) async fn admin_page(state: &AppState, s: &Session, notice: String) -> Response {
    admin_page_with(state, s, notice, Vec::new(), StatusCode::OK).await
}

/// The admin page with a notice and a list of problems under it, answered with `status`.
pub(crate) async fn admin_page_with(
    state: &AppState,
    s: &Session,
    notice: String,
    problems: Vec<String>,
    status: StatusCode,
) -> Response {
    let zh = s.zh;
    if s.reader.user.role != Role::Admin {
        return error_page(ApiError::forbidden("administrators only"), zh);
    }
    let load = async {
        let grids = state.storage.grids().await?;
        let users = state.storage.users().await?;
        let devices = crate::handover::devices(state.storage.as_ref()).await?;
        let audit = audit::recent(state.storage.as_ref(), 50).await?;
        let templates = crate::templates::list(state.storage.as_ref()).await?;
        let codes = crate::grid_codes::all(state.storage.as_ref()).await?;
        Ok::<_, crate::storage::StorageError>((grids, users, devices, audit, templates, codes))
    };
    let (grids, users, devices, audit, templates, codes) = match load.await {
        Ok(x) => x,
        Err(e) => return error_page(e.into(), zh),
    };
    let h = Hierarchy::new(&grids);
    let mut tree = Vec::new();
    let mut stack: Vec<(String, usize)> = h.roots().iter().rev().map(|r| (r.clone(), 0)).collect();
    while let Some((n, depth)) = stack.pop() {
        let code = codes.get(&n).cloned().unwrap_or_default();
        tree.push((
            format!("{}{}", "　　".repeat(depth), h.name(&n)),
            n.clone(),
            code,
        ));
        stack.extend(h.children(&n).iter().rev().map(|c| (c.clone(), depth + 1)));
    }
    let names: HashMap<&str, &str> = users
        .iter()
        .map(|u| (u.id.as_str(), u.name.as_str()))
        .collect();
    let page = AdminPage {
        c: chrome(
            Some(s),
            zh,
            if zh { "系统管理" } else { "Administration" }.into(),
            "",
            "/admin",
        ),
        notice,
        problems,
        grids: tree,
        users: users
            .iter()
            .map(|u| {
                (
                    u.name.clone(),
                    super::labels::role_word(u.role, zh).to_string(),
                    u.scope.join(","),
                )
            })
            .collect(),
        devices: devices
            .iter()
            .map(|d| {
                (
                    d.device_id.clone(),
                    d.user.clone(),
                    d.last_seen.clone().unwrap_or_default(),
                    d.revoked_at.is_none(),
                    d.summary(zh),
                )
            })
            .collect(),
        audit_labels: if zh {
            ["时间", "用户", "内容", "范围", "格式", "脱敏", "条数"]
        } else {
            ["Time", "User", "What", "Scope", "Format", "Masked", "Rows"]
        },
        audit: audit
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, v)| match i {
                        1 => names.get(v.text()).copied().unwrap_or("").to_string(),
                        2 => super::labels::export_what(v.text(), zh),
                        3 => super::labels::export_scope(r[2].text(), v.text(), zh),
                        4 => super::labels::export_format(v.text(), zh),
                        5 => super::labels::masked_word(v.int() == 1, zh).to_string(),
                        _ => match v {
                            crate::reports::sql::SqlValue::Int(n) => n.to_string(),
                            other => other.text().to_string(),
                        },
                    })
                    .collect()
            })
            .collect(),
        templates: templates
            .iter()
            .map(|t| {
                (
                    t.id.clone(),
                    t.version,
                    t.title.clone(),
                    super::template_pages::status_word(t.status, zh).to_string(),
                    format!("/admin/templates/{}/{}", t.id, t.version),
                )
            })
            .collect(),
    };
    render(&page, status)
}

pub async fn admin(State(state): State<AppState>, s: Session) -> Response {
    admin_page(&state, &s, String::new()).await
}

pub async fn admin_revoke(
    State(state): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !csrf::same(&f.csrf, &s.csrf) {
        return error_page(ApiError::forbidden("bad form token"), s.zh);
    }
    if s.reader.user.role != Role::Admin {
        return error_page(ApiError::forbidden("administrators only"), s.zh);
    }
    if let Err(e) = crate::handover::revoke(&state.storage, &id, &s.reader.user.name).await {
        return error_page(e, s.zh);
    }
    Redirect::to("/admin").into_response()
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    user: String,
}

pub async fn admin_enroll_code(
    State(state): State<AppState>,
    s: Session,
    Form(f): Form<CodeForm>,
) -> Response {
    if !csrf::same(&f.csrf, &s.csrf) {
        return error_page(ApiError::forbidden("bad form token"), s.zh);
    }
    if s.reader.user.role != Role::Admin {
        return error_page(ApiError::forbidden("administrators only"), s.zh);
    }
    match admin::issue_enroll_code(&state.storage, &f.user, admin::DEFAULT_CODE_HOURS).await {
        Ok((code, expires)) => {
            let notice = if s.zh {
                format!(
                    "{} 的注册码：{code}（{expires} 前有效，仅可使用一次）",
                    f.user
                )
            } else {
                format!(
                    "Enrolment code for {}: {code} (once, until {expires})",
                    f.user
                )
            };
            admin_page(&state, &s, notice).await
        }
        Err(e) => error_page(e, s.zh),
    }
}

#[derive(Debug, Deserialize)]
pub struct GridForm {
    #[serde(default)]
    csrf: String,
    id: String,
    name: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    code: String,
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    csrf: String,
    name: String,
    role: String,
    #[serde(default)]
    scope: String,
}

#[derive(Debug, Deserialize)]
pub struct ScopeForm {
    #[serde(default)]
    csrf: String,
    user: String,
    #[serde(default)]
    scope: String,
}

#[derive(Debug, Deserialize)]
pub struct PasswdForm {
    #[serde(default)]
    csrf: String,
    user: String,
    password: String,
}

/// The checks every administrator form passes first: its CSRF token, then the role.
pub(crate) fn admin_form(s: &Session, token: &str) -> Option<Response> {
    if !csrf::same(token, &s.csrf) {
        return Some(error_page(ApiError::forbidden("bad form token"), s.zh));
    }
    if s.reader.user.role != Role::Admin {
        return Some(error_page(ApiError::forbidden("administrators only"), s.zh));
    }
    None
}

pub async fn admin_add_grid(
    State(state): State<AppState>,
    s: Session,
    Form(f): Form<GridForm>,
) -> Response {
    if let Some(r) = admin_form(&s, &f.csrf) {
        return r;
    }
    let grid = crate::storage::Grid {
        id: f.id.trim().to_string(),
        name: f.name.trim().to_string(),
        parent: Some(f.parent.trim().to_string()).filter(|p| !p.is_empty()),
    };
    let code = Some(f.code.trim()).filter(|c| !c.is_empty());
    let by = &s.reader.user.id;
    match crate::grid_codes::add_grid(&state.storage, grid, code, by).await {
        Ok(g) => {
            state.tree.invalidate();
            let notice = if s.zh {
                format!("已添加 {}", g.grid.name)
            } else {
                format!("Added {}", g.grid.name)
            };
            admin_page(&state, &s, notice).await
        }
        Err(e) => error_page(e, s.zh),
    }
}

pub async fn admin_add_user(
    State(state): State<AppState>,
    s: Session,
    Form(f): Form<UserForm>,
) -> Response {
    if let Some(r) = admin_form(&s, &f.csrf) {
        return r;
    }
    let Some(role) = Role::parse(f.role.trim()) else {
        return error_page(
            ApiError::bad_request("bad_role", "role is worker, supervisor or admin"),
            s.zh,
        );
    };
    let scope = admin::parse_scope(&f.scope);
    match admin::add_user(&state.storage, f.name.trim(), role, &scope).await {
        Ok(u) => {
            let notice = if s.zh {
                format!("已添加用户 {}", u.name)
            } else {
                format!("Added user {}", u.name)
            };
            admin_page(&state, &s, notice).await
        }
        Err(e) => error_page(e, s.zh),
    }
}

pub async fn admin_passwd(
    State(state): State<AppState>,
    s: Session,
    Form(f): Form<PasswdForm>,
) -> Response {
    if let Some(r) = admin_form(&s, &f.csrf) {
        return r;
    }
    if f.password.chars().count() < password::MIN_LENGTH {
        return error_page(
            ApiError::bad_request(
                "weak_password",
                format!(
                    "a password needs at least {} characters",
                    password::MIN_LENGTH
                ),
            ),
            s.zh,
        );
    }
    let user = match admin::find_user(&state.storage, &f.user).await {
        Ok(u) if u.role != Role::Worker => u,
        Ok(_) => {
            return error_page(
                ApiError::bad_request("no_web_sign_in", "grid workers sign in on their phones"),
                s.zh,
            );
        }
        Err(e) => return error_page(e, s.zh),
    };
    match password::set(state.storage.as_ref(), &user.id, &f.password, &admin::now()).await {
        Ok(()) => {
            let notice = if s.zh {
                format!("已设置 {} 的密码", user.name)
            } else {
                format!("Password set for {}", user.name)
            };
            admin_page(&state, &s, notice).await
        }
        Err(e) => error_page(e.into(), s.zh),
    }
}

pub async fn admin_scope(
    State(state): State<AppState>,
    s: Session,
    Form(f): Form<ScopeForm>,
) -> Response {
    if let Some(r) = admin_form(&s, &f.csrf) {
        return r;
    }
    match admin::set_scope(&state.storage, &f.user, &admin::parse_scope(&f.scope)).await {
        Ok(u) => {
            let notice = if s.zh {
                format!("已将 {} 的范围改为 {}", u.name, u.scope.join("，"))
            } else {
                format!("Scope of {} is now {}", u.name, u.scope.join(", "))
            };
            admin_page(&state, &s, notice).await
        }
        Err(e) => error_page(e, s.zh),
    }
}

/// An administrator's file upload as multipart form data, or the refusal to show instead.
pub fn multipart_form(
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<axum::extract::Multipart, ApiError> {
    mp.map_err(|_| {
        ApiError::bad_request("malformed_form", "send the upload as multipart/form-data")
    })
}

/// An administrator's upload of one file with the form's CSRF token.
#[derive(Default)]
pub(crate) struct Upload {
    pub csrf: String,
    pub file: Vec<u8>,
}

/// Reads the form, the file capped at `max` bytes while it arrives.
async fn read_upload(mut mp: axum::extract::Multipart, max: usize) -> Result<Upload, ApiError> {
    let bad = |_| ApiError::bad_request("malformed_form", "the upload form could not be read");
    let mut up = Upload::default();
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > max {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!("the file may be at most {max} bytes"),
                ));
            }
        }
        match name.as_str() {
            "csrf" => up.csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => up.file = bytes,
            _ => {}
        }
    }
    Ok(up)
}

/// An administrator's upload read and checked (form, size, CSRF token, role), or the page
/// that refuses it.
pub(crate) async fn admin_upload(
    s: &Session,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    max: usize,
) -> Result<Upload, Response> {
    let up = reader_upload(s, mp, max).await?;
    match admin_form(s, &up.csrf) {
        Some(r) => Err(r),
        None => Ok(up),
    }
}

/// A signed-in reader's upload (a supervisor's too): form, size and CSRF token checked.
pub(crate) async fn reader_upload(
    s: &Session,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    max: usize,
) -> Result<Upload, Response> {
    let up = match multipart_form(mp) {
        Ok(mp) => read_upload(mp, max).await,
        Err(e) => Err(e),
    }
    .map_err(|e| error_page(e, s.zh))?;
    if !csrf::same(&up.csrf, &s.csrf) {
        return Err(error_page(ApiError::forbidden("bad form token"), s.zh));
    }
    Ok(up)
}
