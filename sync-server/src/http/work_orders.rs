//! Work orders over HTTP: `POST /v1/work-orders` (JSON, for a platform's integration),
//! `POST /v1/work-orders/import` (a CSV an office exports from the hotline's system), and
//! `GET /v1/work-orders` (how each order stands, under its own number, as JSON, CSV or XLSX
//! to send back).

use std::collections::HashMap;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::body;
use super::extract::ApiQuery;
use super::reports::{Reader, XLSX, attachment, export_failed, reader};
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::reports::audit::{self, ExportEntry};
use crate::reports::export::{self, Cell, Table};
use crate::reports::labels::word;
use crate::reports::scope::{day_start_utc, instant_text, local_date};
use crate::storage::User;
use crate::work_orders::{self, Imported, Order, Problem};

/// An import's body: a few hundred bytes an order.
const IMPORT_LIMIT: usize = 4 << 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Orders {
    pub orders: Vec<Order>,
}

/// What an import answers: each order with its case, and how many were new.
#[derive(Debug, Serialize)]
pub struct ImportReply {
    pub imported: Vec<Imported>,
    pub created: usize,
    pub existing: usize,
}

/// A refused import: every problem found, nothing written.
#[derive(Debug)]
pub enum ImportError {
    Refused(Vec<Problem>),
    Api(ApiError),
}

impl From<ApiError> for ImportError {
    fn from(e: ApiError) -> Self {
        ImportError::Api(e)
    }
}

#[derive(Serialize)]
struct RefusedBody {
    error: RefusedInner,
    problems: Vec<Problem>,
}

#[derive(Serialize)]
struct RefusedInner {
    code: &'static str,
    message: String,
}

impl IntoResponse for ImportError {
    fn into_response(self) -> Response {
        match self {
            ImportError::Api(e) => e.into_response(),
            ImportError::Refused(problems) => {
                let body = RefusedBody {
                    error: RefusedInner {
                        code: "invalid_work_orders",
                        message: format!(
                            "{} order{} cannot be imported; nothing was imported",
                            problems.len(),
                            if problems.len() == 1 { "" } else { "s" }
                        ),
                    },
                    problems,
                };
                (StatusCode::BAD_REQUEST, Json(body)).into_response()
            }
        }
    }
}

/// Imports for the caller, or the problems found (by `at`: the order's position, or its
/// CSV line).
pub async fn import_as(
    state: &AppState,
    user: &User,
    orders: &[Order],
) -> Result<ImportReply, ImportError> {
    let r = reader(state.storage.as_ref(), user.clone()).await?;
    match work_orders::import(state, user, &r.reach, orders).await? {
        Ok(imported) => {
            let created = imported.iter().filter(|i| i.created).count();
            Ok(ImportReply {
                existing: imported.len() - created,
                created,
                imported,
            })
        }
        Err(problems) => Err(ImportError::Refused(problems)),
    }
}

pub async fn post(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<Json<ImportReply>, ImportError> {
    let o: Orders = body::json(raw, IMPORT_LIMIT).await?;
    Ok(Json(import_as(&state, &caller.user, &o.orders).await?))
}

pub async fn import_csv(
    caller: Caller,
    State(state): State<AppState>,
    raw: Body,
) -> Result<Json<ImportReply>, ImportError> {
    let bytes = body::read_limited(raw, IMPORT_LIMIT).await?;
    let (orders, lines) = work_orders::from_csv(&bytes).map_err(ImportError::Refused)?;
    match import_as(&state, &caller.user, &orders).await {
        // A CSV's problems are named by the line they are on.
        Err(ImportError::Refused(problems)) => Err(ImportError::Refused(
            problems
                .into_iter()
                .map(|p| Problem {
                    at: lines.get(p.at).copied().unwrap_or(p.at),
                    message: p.message,
                })
                .collect(),
        )),
        other => Ok(Json(other?)),
    }
}

fn bad_query(m: &str) -> ApiError {
    ApiError::bad_request("invalid_query", m)
}

/// The reply sheet: the platform's numbering first, then how each order was handled.
pub fn results_table(rows: &[work_orders::Outcome], names: &HashMap<String, String>) -> Table {
    let headers = [
        "来源",
        "工单编号",
        "网格",
        "受理日期",
        "办结时限",
        "办理状态",
        "办结时间",
        "办理结果",
        "承办",
        "核验时间",
        "记录编号",
    ];
    Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .map(|o| {
                let t = |s: &str| {
                    if s.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(s.to_string())
                    }
                };
                vec![
                    t(&o.system),
                    t(&o.number),
                    t(names.get(&o.grid).map_or(o.grid.as_str(), String::as_str)),
                    t(&work_orders::day(&o.imported_at)),
                    t(&crate::web::frame::shown(o.deadline.clone())),
                    t(word(&o.state, true)),
                    t(&crate::web::frame::shown(o.handled_at.clone())),
                    t(&o.result),
                    t(&o.handled_by),
                    t(&crate::web::frame::shown(o.verified_at.clone())),
                    t(&o.record_id),
                ]
            })
            .collect(),
    }
}

/// How each order of the caller's reach stands; `format` json (default), csv or xlsx.
pub async fn results(
    caller: Caller,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let r = reader(state.storage.as_ref(), caller.user).await?;
    answer(state.storage.as_ref(), &r, &q).await
}

/// The period an order list asks for: `from`..`to` by the day orders were imported, the last
/// 30 days by default.
pub fn period_of(q: &HashMap<String, String>) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let today = local_date(Utc::now());
    let date = |k: &str, default: NaiveDate| -> Result<NaiveDate, ApiError> {
        match q.get(k) {
            None => Ok(default),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request("bad_period", format!("{k} must be a date like 2026-11-28"))
            }),
        }
    };
    let to = date("to", today)?;
    let from = date("from", to - Duration::days(29))?;
    if from > to || (to - from).num_days() > 3 * 366 {
        return Err(ApiError::bad_request(
            "bad_period",
            "from must not be after to, and a period is at most three years",
        ));
    }
    Ok((from, to))
}

/// The orders of a reader's reach imported in the period, as they stand now.
pub async fn outcomes(
    storage: &dyn crate::storage::Storage,
    r: &Reader,
    q: &HashMap<String, String>,
) -> Result<Vec<work_orders::Outcome>, ApiError> {
    let (from, to) = period_of(q)?;
    let system = q.get("system").map(String::as_str);
    if system.is_some_and(|s| s.is_empty() || s.len() > 32) {
        return Err(bad_query("system is 1–32 characters"));
    }
    Ok(work_orders::results(
        storage,
        &r.reach,
        system,
        &day_start_utc(from),
        &day_start_utc(to + Duration::days(1)),
    )
    .await?)
}

/// The reply to an order list: JSON, or the sheet to send back; audited as an export.
pub async fn answer(
    storage: &dyn crate::storage::Storage,
    r: &Reader,
    q: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    let (from, to) = period_of(q)?;
    let system = q.get("system").map(String::as_str);
    let format = q.get("format").map_or("json", String::as_str);
    if !matches!(format, "json" | "csv" | "xlsx") {
        return Err(ApiError::bad_request(
            "bad_format",
            "format is json, csv or xlsx",
        ));
    }
    let rows = outcomes(storage, r, q).await?;
    audit::record(
        storage,
        &instant_text(Utc::now()),
        &ExportEntry {
            user_id: r.user.id.clone(),
            what: "work_orders".into(),
            scope: format!("{}..{} {}", from, to, system.unwrap_or(""))
                .trim_end()
                .to_string(),
            format: format.to_string(),
            masked: !r.full_access(),
            rows: rows.len(),
        },
    )
    .await?;
    if format == "json" {
        return Ok(Json(serde_json::json!({ "orders": rows })).into_response());
    }
    let names: HashMap<String, String> = r
        .reach
        .iter()
        .map(|g| (g.clone(), r.hierarchy.name(g).to_string()))
        .collect();
    let table = results_table(&rows, &names);
    let (bytes, content_type) = if format == "csv" {
        (export::to_csv(&table), "text/csv; charset=utf-8")
    } else {
        let bytes = tokio::task::spawn_blocking(move || export::to_xlsx(&table, "工单办理结果"))
            .await
            .ok()
            .and_then(Result::ok)
            .ok_or_else(|| export_failed("the spreadsheet could not be written"))?;
        (bytes, XLSX)
    };
    attachment(
        bytes,
        content_type,
        &format!("gridkeeper-work-orders-{from}-{to}.{format}"),
    )
}
