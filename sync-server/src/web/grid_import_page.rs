//! The administrator's upload of a grid tree as a CSV of codes and names from the admin page
//! (multipart, with the session's CSRF token): the same import as `admin grid import` and the
//! API, answered with the admin page, what the import added, or every problem by line.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::admin_pages::{admin_page, admin_page_with, admin_upload};
use super::frame::error_page;
use super::session::Session;
use crate::app::AppState;
use crate::grid_import::{self, ImportError, ImportSummary};

fn notice(s: &ImportSummary, zh: bool) -> String {
    match (s.added, zh) {
        (0, true) => format!("网格树无变化：文件中 {} 个节点均已存在。", s.present),
        (0, false) => format!(
            "Nothing changed: all {} nodes of the file are in the tree already.",
            s.present
        ),
        (n, true) => format!("已导入网格树：新增 {n} 个节点，已有 {} 个。", s.present),
        (n, false) => format!(
            "Grid tree imported: {n} nodes added, {} already there.",
            s.present
        ),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    s: Session,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let up = match admin_upload(&s, mp, grid_import::MAX_BYTES).await {
        Ok(up) => up,
        Err(r) => return r,
    };
    match grid_import::import(&state.storage, &up.file, &s.reader.user.id).await {
        Ok(summary) => {
            state.tree.invalidate();
            admin_page(&state, &s, notice(&summary, s.zh)).await
        }
        Err(ImportError::Api(e)) => error_page(e, s.zh),
        Err(ImportError::Refused(problems)) => {
            let head = if s.zh {
                format!(
                    "未导入网格树：文件有 {} 处问题，未作任何修改。",
                    problems.len()
                )
            } else {
                format!(
                    "The grid tree was not imported: {} problems in the file; nothing changed.",
                    problems.len()
                )
            };
            let lines = problems
                .iter()
                .map(|p| {
                    if s.zh {
                        format!("第 {} 行：{}", p.line, p.issue.words(true))
                    } else {
                        format!("line {}: {}", p.line, p.issue.words(false))
                    }
                })
                .collect();
            admin_page_with(&state, &s, head, lines, StatusCode::BAD_REQUEST).await
        }
    }
}
