//! The administrator's erasure form on the admin page (PIPL; with the session's CSRF token):
//! the same erasure as `admin erase` and `POST /v1/admin/erasures`, answered with the admin
//! page and what was erased — the record and field paths, never a value.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::admin_pages::{admin_form, admin_page};
use super::frame::error_page;
use super::session::Session;
use crate::app::AppState;
use crate::erasure::{self, EraseRequest};

#[derive(Debug, Deserialize)]
pub struct EraseForm {
    csrf: String,
    record_id: String,
    /// Field paths, one a line; empty with `whole`.
    #[serde(default)]
    fields: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    whole: Option<String>,
    reason: String,
}

pub async fn erase(
    State(state): State<AppState>,
    s: Session,
    Form(f): Form<EraseForm>,
) -> Response {
    if let Some(r) = admin_form(&s, &f.csrf) {
        return r;
    }
    let req = EraseRequest {
        record_id: f.record_id.trim().to_string(),
        fields: f
            .fields
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        whole: f.whole.is_some(),
        reason: f.reason,
    };
    match erasure::erase(&state.storage, &s.reader.user, &req).await {
        Ok(a) => {
            let what = if a.whole {
                if s.zh {
                    "整条记录".to_string()
                } else {
                    "the whole record".to_string()
                }
            } else {
                a.fields.join(", ")
            };
            let notice = if s.zh {
                format!(
                    "已删除记录 {} 的 {what}；各手机下次同步时清除。",
                    a.record_id
                )
            } else {
                format!(
                    "Erased {what} of record {}; each phone purges it at its next sync.",
                    a.record_id
                )
            };
            admin_page(&state, &s, notice).await
        }
        Err(e) => error_page(e, s.zh),
    }
}
