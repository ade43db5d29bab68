//! The administrator's upload of a rescue file from the admin page (multipart, with the
//! session's CSRF token): the same import as `admin rescue import` and the API, answered
//! with the admin page and what the import did.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use gridkeeper_core::rescue::MAX_FILE_BYTES;

use super::admin_pages::{admin_form, admin_page, multipart_form};
use super::frame::error_page;
use super::refused_words;
use super::session::Session;
use crate::app::AppState;
use crate::error::ApiError;
use crate::rescue::{self, ImportSummary};

#[derive(Default)]
struct Upload {
    csrf: String,
    file: Vec<u8>,
}

/// Reads the form, the file capped at [`MAX_FILE_BYTES`] while it arrives.
async fn read_upload(mut mp: Multipart) -> Result<Upload, ApiError> {
    let bad = |_| ApiError::bad_request("malformed_form", "the upload form could not be read");
    let mut up = Upload::default();
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_FILE_BYTES {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!("a rescue file may be at most {MAX_FILE_BYTES} bytes"),
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
    let up = match multipart_form(mp) {
        Ok(mp) => read_upload(mp).await,
        Err(e) => Err(e),
    };
    let up = match up {
        Ok(up) => up,
        Err(e) => return error_page(e, s.zh),
    };
    if let Some(r) = admin_form(&s, &up.csrf) {
        return r;
    }
    match rescue::import(&state, &s.reader.user.id, &up.file).await {
        Ok(summary) => admin_page(&state, &s, notice(&summary, s.zh)).await,
        Err(e) => error_page(e, s.zh),
    }
}
