//! The administrator's upload of a rescue file from the admin page (multipart, with the
//! session's CSRF token): the same import as `admin rescue import` and the API, answered
//! with the admin page and what the import did.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::Response;
use gridkeeper_core::rescue::MAX_FILE_BYTES;

use super::admin_pages::{admin_page, admin_upload};
use super::frame::error_page;
use super::refused_words;
use super::session::Session;
use crate::app::AppState;
use crate::rescue::{self, ImportSummary};

fn notice(s: &ImportSummary, zh: bool) -> String {
    let refused: usize = s.rejected.values().sum();
    let blobs_refused: usize = s.blobs_rejected.values().sum();
    let mut text = if zh {
        format!(
            "已导入设备 {} 的救援文件：{} 条修改中收下 {} 条，拒收 {refused} 条；附件新存 {} 个，已有 {} 个，拒收 {blobs_refused} 个。",
            s.device_id, s.changes, s.accepted, s.blobs_stored, s.blobs_held
        )
    } else {
        format!(
            "Imported the rescue file of device {}: {} of {} changes accepted, {refused} refused; {} attachments stored, {} already held, {blobs_refused} refused.",
            s.device_id, s.accepted, s.changes, s.blobs_stored, s.blobs_held
        )
    };
    let (open, close) = if zh { ("（", "）") } else { (" (", ")") };
    if refused > 0 {
        let why = refused_words::counted(&s.rejected, refused_words::change, zh);
        let label = if zh {
            "修改拒收原因："
        } else {
            "changes refused: "
        };
        text.push_str(&format!("{open}{label}{why}{close}"));
    }
    if blobs_refused > 0 {
        let why = refused_words::counted(&s.blobs_rejected, refused_words::attachment, zh);
        let label = if zh {
            "附件拒收原因："
        } else {
            "attachments refused: "
        };
        text.push_str(&format!("{open}{label}{why}{close}"));
    }
    text
}

pub async fn upload(
    State(state): State<AppState>,
    s: Session,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let up = match admin_upload(&s, mp, MAX_FILE_BYTES).await {
        Ok(up) => up,
        Err(r) => return r,
    };
    match rescue::import(&state, &s.reader.user.id, &up.file).await {
        Ok(summary) => admin_page(&state, &s, notice(&summary, s.zh)).await,
        Err(e) => error_page(e, s.zh),
    }
}
