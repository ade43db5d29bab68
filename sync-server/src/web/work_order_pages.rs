//! Work orders on the supervisor's pages: upload a CSV exported from the hotline's system,
//! see the orders imported in a period as they stand, and download the results to send back
//! under the orders' own numbers (`crate::work_orders`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;

use super::admin_pages::reader_upload;
use super::frame::{Chrome, chrome, error_page, render, shown};
use super::session::Session;
use crate::app::AppState;
use crate::http::work_orders::{ImportError, answer, import_as, outcomes, period_of};
use crate::reports::labels::word;
use crate::reports::scope::parse_instant;
use crate::work_orders::{self, MAX_ORDERS};

/// A CSV of the most orders one import takes, at a generous size per row.
const MAX_BYTES: usize = MAX_ORDERS * 800;

pub(crate) struct OrderRow {
    pub(crate) cells: Vec<String>,
    pub(crate) href: String,
    pub(crate) overdue: bool,
}

#[derive(Template)]
#[template(path = "work_orders.html")]
pub(crate) struct WorkOrdersPage {
    pub(crate) c: Chrome,
    pub(crate) notice: String,
    pub(crate) problems: Vec<String>,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<OrderRow>,
}

fn title(zh: bool) -> String {
    if zh { "工单" } else { "Work orders" }.into()
}

async fn page(
    state: &AppState,
    s: &Session,
    q: &HashMap<String, String>,
    notice: String,
    problems: Vec<String>,
    status: StatusCode,
) -> Response {
    let zh = s.zh;
    let (from, to) = match period_of(q) {
        Ok(p) => p,
        Err(e) => return error_page(e, zh),
    };
    let orders = match outcomes(state.storage.as_ref(), &s.reader, q).await {
        Ok(o) => o,
        Err(e) => return error_page(e, zh),
    };
    let now = Utc::now();
    let headers = if zh {
        [
            "来源",
            "工单编号",
            "网格",
            "受理日期",
            "办结时限",
            "办理状态",
            "办理结果",
        ]
    } else {
        [
            "System", "Number", "Grid", "Imported", "Due", "State", "Result",
        ]
    };
    let rows = orders
        .into_iter()
        .map(|o| {
            let open = !matches!(o.state.as_str(), "resolved" | "verified" | "closed");
            OrderRow {
                overdue: open && parse_instant(&o.deadline).is_some_and(|d| d < now),
                href: format!("/rec/{}", o.record_id),
                cells: vec![
                    o.system,
                    o.number,
                    s.reader.hierarchy.name(&o.grid).to_string(),
                    work_orders::day(&o.imported_at),
                    shown(o.deadline),
                    word(&o.state, zh).to_string(),
                    o.result,
                ],
            }
        })
        .collect();
    render(
        &WorkOrdersPage {
            c: chrome(Some(s), zh, title(zh), "work-orders", "/work-orders"),
            notice,
            problems,
            from: from.to_string(),
            to: to.to_string(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
        },
        status,
    )
}

pub async fn list(
    State(state): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    page(&state, &s, &q, String::new(), vec![], StatusCode::OK).await
}

pub async fn upload(
    State(state): State<AppState>,
    s: Session,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let zh = s.zh;
    let up = match reader_upload(&s, mp, MAX_BYTES).await {
        Ok(up) => up,
        Err(r) => return r,
    };
    let refused = |problems: Vec<work_orders::Problem>| {
        let head = if zh {
            format!("未导入：文件有 {} 处问题，未作任何修改。", problems.len())
        } else {
            format!("Nothing imported: {} problems in the file.", problems.len())
        };
        let lines = problems
            .iter()
            .map(|p| {
                if zh {
                    format!("第 {} 行：{}", p.at, p.message)
                } else {
                    format!("line {}: {}", p.at, p.message)
                }
            })
            .collect();
        (head, lines)
    };
    let q = HashMap::new();
    let (orders, lines) = match work_orders::from_csv(&up.file) {
        Ok(x) => x,
        Err(problems) => {
            let (head, lines) = refused(problems);
            return page(&state, &s, &q, head, lines, StatusCode::BAD_REQUEST).await;
        }
    };
    match import_as(&state, &s.reader.user, &orders).await {
        Ok(reply) => {
            let notice = if zh {
                format!(
                    "已导入 {} 件工单，其中 {} 件此前已导入。",
                    reply.imported.len(),
                    reply.existing
                )
            } else {
                format!(
                    "{} work orders imported, {} of them imported before.",
                    reply.imported.len(),
                    reply.existing
                )
            };
            page(&state, &s, &q, notice, vec![], StatusCode::OK).await
        }
        Err(ImportError::Refused(problems)) => {
            let by_line = problems
                .into_iter()
                .map(|p| work_orders::Problem {
                    at: lines.get(p.at).copied().unwrap_or(p.at),
                    message: p.message,
                })
                .collect();
            let (head, lines) = refused(by_line);
            page(&state, &s, &q, head, lines, StatusCode::BAD_REQUEST).await
        }
        Err(ImportError::Api(e)) => error_page(e, zh),
    }
}

/// The results to send back, as the page's period asks.
pub async fn export(
    State(state): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut q = q;
    q.entry("format".into()).or_insert_with(|| "xlsx".into());
    answer(state.storage.as_ref(), &s.reader, &q)
        .await
        .unwrap_or_else(|e| error_page(e, s.zh))
}
