//! The administrator's checklist-template pages: upload an XLSForm (multipart, with the
//! session's CSRF token), read the import report and the sections and items it produced,
//! publish a draft. The rules live in [`crate::templates`], shared with the JSON API.

use askama::Template;
use axum::Form;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::admin_pages::{admin_form, multipart_form};
use super::frame::*;
use super::login::CsrfForm;
use super::session::Session;
use super::xlsform_words::{self, Part};
use crate::app::AppState;
use crate::error::ApiError;
use crate::templates::{self, Status, TemplateVersion};
use gridkeeper_core::checklist::ItemType;

pub(crate) struct ItemV {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) item_type: String,
    pub(crate) required: bool,
    pub(crate) category: String,
    /// A category of the form's own, with no word: shown as the code it is.
    pub(crate) category_code: bool,
    pub(crate) severity: String,
}

/// A row of the import report: where, and why in words.
pub(crate) struct IssueV {
    pub(crate) sheet: String,
    pub(crate) row: u32,
    pub(crate) column: Part,
    pub(crate) why: Vec<Part>,
}

pub(crate) struct SectionV {
    pub(crate) title: String,
    /// A group without a label is titled by its name: code, not words.
    pub(crate) title_code: bool,
    pub(crate) items: Vec<ItemV>,
}

#[derive(Template)]
#[template(path = "template.html")]
struct TemplatePage {
    c: Chrome,
    notice: String,
    id: String,
    version: u32,
    title: String,
    draft: bool,
    status: String,
    imported: String,
    published: String,
    issues: Vec<IssueV>,
    sections: Vec<SectionV>,
}

/// An upload refused for what the workbook holds, worded from its typed error.
#[derive(Template)]
#[template(path = "import_failed.html")]
struct ImportFailedPage {
    c: Chrome,
    why: Vec<Part>,
}

fn snake(v: impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn item_type_word(t: ItemType, zh: bool) -> &'static str {
    let (c, e) = match t {
        ItemType::PassFailNa => ("合格/不合格/不适用", "pass / fail / n.a."),
        ItemType::Number => ("数值", "number"),
        ItemType::Text => ("文字", "text"),
        ItemType::SingleChoice => ("单选", "single choice"),
        ItemType::MultiChoice => ("多选", "multiple choice"),
        ItemType::Photo => ("照片", "photo"),
    };
    if zh { c } else { e }
}

pub(crate) fn status_word(status: Status, zh: bool) -> &'static str {
    match (status, zh) {
        (Status::Draft, true) => "草稿",
        (Status::Draft, false) => "draft",
        (Status::Published, true) => "已发布",
        (Status::Published, false) => "published",
    }
}

async fn user_name(state: &AppState, id: &str) -> String {
    state
        .storage
        .users()
        .await
        .ok()
        .and_then(|us| us.into_iter().find(|u| u.id == id).map(|u| u.name))
        .unwrap_or_default()
}

async fn template_page(
    state: &AppState,
    s: &Session,
    t: &TemplateVersion,
    notice: String,
) -> Response {
    let zh = s.zh;
    let imported = format!(
        "{} {}",
        shown(t.imported_at.clone()),
        user_name(state, &t.imported_by).await
    );
    let published = match (&t.published_at, &t.published_by) {
        (Some(at), Some(by)) => format!("{} {}", shown(at.clone()), user_name(state, by).await),
        _ => String::new(),
    };
    let d = &t.definition;
    let page = TemplatePage {
        c: chrome(
            Some(s),
            zh,
            if zh {
                "巡查模板"
            } else {
                "Checklist template"
            }
            .into(),
            "",
            "/admin",
        ),
        notice,
        id: t.id.clone(),
        version: t.version,
        title: if zh {
            d.title.clone()
        } else {
            d.title_en.clone().unwrap_or_else(|| d.title.clone())
        },
        draft: t.status == Status::Draft,
        status: status_word(t.status, zh).to_string(),
        imported,
        published,
        issues: t
            .issues
            .iter()
            .map(|i| IssueV {
                sheet: i.sheet.clone(),
                row: i.row,
                column: xlsform_words::column(&i.column, zh),
                why: xlsform_words::issue(i, zh),
            })
            .collect(),
        sections: d
            .sections
            .iter()
            .map(|sec| SectionV {
                title_code: sec.title == sec.id,
                title: if zh {
                    sec.title.clone()
                } else {
                    sec.title_en.clone().unwrap_or_else(|| sec.title.clone())
                },
                items: sec
                    .items
                    .iter()
                    .map(|i| ItemV {
                        id: i.id.clone(),
                        label: if zh {
                            i.label.clone()
                        } else {
                            i.label_en.clone().unwrap_or_else(|| i.label.clone())
                        },
                        item_type: item_type_word(i.item_type, zh).to_string(),
                        required: i.required,
                        category: i
                            .hazard_category
                            .as_deref()
                            .map(|c| crate::reports::labels::word(c, zh).to_string())
                            .unwrap_or_default(),
                        category_code: i
                            .hazard_category
                            .as_deref()
                            .is_some_and(|c| crate::reports::labels::word(c, true) == c),
                        severity: i
                            .severity_if_failed
                            .map(|sev| crate::reports::labels::word(&snake(sev), zh).to_string())
                            .unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
    };
    render(&page, StatusCode::OK)
}

/// A refusal as a page; the size limit in words here, the other codes by `error_page`.
fn refused(e: ApiError, zh: bool) -> Response {
    let e = if zh && e.code == "too_large" {
        ApiError::new(e.status, e.code, xlsform_words::too_large())
    } else {
        e
    };
    error_page(e, zh)
}

pub async fn show(
    State(state): State<AppState>,
    s: Session,
    Path((id, version)): Path<(String, String)>,
) -> Response {
    if s.reader.user.role != crate::storage::Role::Admin {
        return error_page(ApiError::forbidden("administrators only"), s.zh);
    }
    let found = match templates::parse_key(&id, &version) {
        Ok((id, version)) => templates::get(state.storage.as_ref(), &id, version).await,
        Err(e) => Err(e),
    };
    match found {
        Ok(t) => template_page(&state, &s, &t, String::new()).await,
        Err(e) => refused(e, s.zh),
    }
}

/// What the upload form sent.
#[derive(Default)]
struct Upload {
    csrf: String,
    id: String,
    version: String,
    file: Vec<u8>,
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "an XLSForm workbook may be at most {} bytes",
            templates::MAX_XLSFORM_BYTES
        ),
    )
}

/// Reads the form's fields, the workbook capped at [`templates::MAX_XLSFORM_BYTES`] while it
/// arrives (the global body limit is off; every handler sets its own).
async fn read_upload(mut mp: Multipart) -> Result<Upload, ApiError> {
    let bad = |_| ApiError::bad_request("malformed_form", "the upload form could not be read");
    let mut up = Upload::default();
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > templates::MAX_XLSFORM_BYTES {
                return Err(too_large());
            }
        }
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "csrf" => up.csrf = text(),
            "id" => up.id = text(),
            "version" => up.version = text(),
            "file" => up.file = bytes,
            _ => {}
        }
    }
    Ok(up)
}

pub async fn upload(
    State(state): State<AppState>,
    s: Session,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let up = match multipart_form(mp) {
        Ok(mp) => read_upload(mp).await,
        Err(e) => Err(e),
    };
    let up = match up {
        Ok(up) => up,
        Err(e) => return refused(e, s.zh),
    };
    if let Some(r) = admin_form(&s, &up.csrf) {
        return r;
    }
    let stored = match templates::parse_key(&up.id, &up.version) {
        Ok((id, version)) => {
            templates::import(
                state.storage.as_ref(),
                &s.reader.user.id,
                &id,
                version,
                &up.file,
            )
            .await
        }
        Err(e) => Err(e.into()),
    };
    match stored {
        Ok(t) => {
            let notice = match (s.zh, t.issues.len()) {
                (true, 0) => "已导入为草稿，所有行均已使用。".to_string(),
                (true, n) => format!("已导入为草稿；{n} 处未能导入，见下表。"),
                (false, 0) => "Imported as a draft; every row was used.".to_string(),
                (false, n) => {
                    format!("Imported as a draft; {n} parts could not be used, see below.")
                }
            };
            template_page(&state, &s, &t, notice).await
        }
        Err(templates::ImportRefusal::Form(e)) => {
            let title = if s.zh { "未能导入" } else { "Not imported" };
            let page = ImportFailedPage {
                c: chrome(Some(&s), s.zh, title.into(), "", "/admin"),
                why: xlsform_words::error(&e, s.zh),
            };
            render(&page, StatusCode::BAD_REQUEST)
        }
        Err(templates::ImportRefusal::Refused(e)) => refused(e, s.zh),
    }
}

pub async fn publish(
    State(state): State<AppState>,
    s: Session,
    Path((id, version)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(r) = admin_form(&s, &f.csrf) {
        return r;
    }
    let published = match templates::parse_key(&id, &version) {
        Ok((id, version)) => {
            templates::publish(state.storage.as_ref(), &s.reader.user.id, &id, version).await
        }
        Err(e) => Err(e),
    };
    match published {
        Ok(t) => {
            let notice = if s.zh {
                "已发布：各网格员手机下次同步时收到。"
            } else {
                "Published: phones receive it in their next sync."
            };
            template_page(&state, &s, &t, notice.into()).await
        }
        Err(e) => refused(e, s.zh),
    }
}
