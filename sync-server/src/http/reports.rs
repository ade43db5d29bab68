//! The reports API for supervisors and administrators: report figures, the record lists
//! behind them, and their CSV / XLSX exports. Every request is limited to the caller's
//! subtree; a node outside it is refused with 403 whether or not it exists.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use serde_json::{Value as Json_, json};

use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::reports::audit::{self, ExportEntry};
use crate::reports::export::{self, Table};
use crate::reports::lists::{self, Filter};
use crate::reports::queries::{self, Options};
use crate::reports::scope::{Hierarchy, Period, ReportScope, instant_text};
use crate::storage::{Role, Storage, User};

/// Longest period one request may ask for.
const MAX_PERIOD_DAYS: i64 = 3 * 366;
/// Rows a list returns as JSON unless asked for fewer; exports are not limited.
const LIST_PAGE: usize = 500;

/// A reader of reports: a supervisor or an administrator, and the nodes they reach.
#[derive(Debug, Clone)]
pub struct Reader {
    pub user: User,
    pub reach: BTreeSet<String>,
    pub hierarchy: Arc<Hierarchy>,
}

impl Reader {
    /// The role rule for masking: only administrators see ID and phone numbers whole.
    pub fn full_access(&self) -> bool {
        self.user.role == Role::Admin
    }

    pub fn default_node(&self) -> Option<String> {
        match self.user.role {
            Role::Admin => self.hierarchy.roots().first().cloned(),
            _ => self
                .user
                .scope
                .iter()
                .find(|n| self.hierarchy.contains(n))
                .cloned(),
        }
    }
}

/// Resolves a user to a reader; workers are refused.
pub async fn reader(storage: &dyn Storage, user: User) -> Result<Reader, ApiError> {
    let hierarchy = Arc::new(Hierarchy::new(&storage.grids().await?));
    let reach: BTreeSet<String> = match user.role {
        Role::Worker => {
            return Err(ApiError::forbidden(
                "reports are for supervisors and administrators",
            ));
        }
        Role::Admin => hierarchy
            .roots()
            .iter()
            .flat_map(|r| hierarchy.subtree(r))
            .collect(),
        Role::Supervisor => user
            .scope
            .iter()
            .flat_map(|n| hierarchy.subtree(n))
            .collect(),
    };
    Ok(Reader {
        user,
        reach,
        hierarchy,
    })
}

fn parse_date(field: &str, v: Option<&String>) -> Result<Option<NaiveDate>, ApiError> {
    v.filter(|s| !s.is_empty())
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request(
                    "bad_period",
                    format!("{field} must be a date like 2026-11-28"),
                )
            })
        })
        .transpose()
}

/// The scope a request asks for, checked against the reader's reach.
pub fn scope_of(r: &Reader, q: &HashMap<String, String>) -> Result<ReportScope, ApiError> {
    let now = Utc::now();
    let node = match q.get("node").filter(|n| !n.is_empty()) {
        Some(n) => n.clone(),
        None => r
            .default_node()
            .ok_or_else(|| ApiError::not_found("no grid tree has been set up yet"))?,
    };
    if !r.reach.contains(&node) {
        return Err(ApiError::forbidden(
            "this part of the grid tree is outside your scope",
        ));
    }
    let default = Period::last_days(now, 30);
    let from = parse_date("from", q.get("from"))?;
    let to = parse_date("to", q.get("to"))?.unwrap_or(default.to);
    let from = from.unwrap_or(to - chrono::Duration::days(29));
    if from > to || (to - from).num_days() > MAX_PERIOD_DAYS {
        return Err(ApiError::bad_request(
            "bad_period",
            "from must not be after to, and a period is at most three years",
        ));
    }
    Ok(ReportScope::new(
        r.hierarchy.clone(),
        &node,
        Period { from, to },
        now,
    ))
}

/// The API's own reading of the typed query parameters: a value the description does not
/// allow (`lang=fr`, `limit=-1`, an empty `from`) is refused, not quietly read as the
/// default, so a caller's mistake shows instead of returning other figures than asked for.
/// The pages go through `scope_of` alone: their forms send blank fields for "the default".
pub(crate) fn check_query(q: &HashMap<String, String>) -> Result<(), ApiError> {
    let bad = |message: &str| Err(ApiError::bad_request("invalid_query", message));
    if q.get("lang").is_some_and(|l| l != "zh" && l != "en") {
        return bad("lang is zh or en");
    }
    if q.get("limit")
        .is_some_and(|l| l.parse::<usize>().map_or(true, |n| n > LIST_PAGE))
    {
        return bad("limit is a whole number from 0 to 500");
    }
    if q.get("silent_days")
        .is_some_and(|d| d.parse::<u32>().is_err())
    {
        return bad("silent_days is a whole number of days, 0 or more");
    }
    for field in ["from", "to"] {
        if q.get(field).is_some_and(|d| d.is_empty()) {
            return Err(ApiError::bad_request(
                "bad_period",
                format!(
                    "{field} is empty: leave it out for the default, or give a date like 2026-11-28"
                ),
            ));
        }
    }
    Ok(())
}

fn zh(q: &HashMap<String, String>) -> bool {
    q.get("lang").is_none_or(|l| l != "en")
}

pub fn filter_of(q: &HashMap<String, String>) -> Filter {
    const RESERVED: [&str; 10] = [
        "node",
        "from",
        "to",
        "lang",
        "format",
        "limit",
        "tag",
        "open",
        "overdue",
        "silent_days",
    ];
    Filter {
        equals: q
            .iter()
            .filter(|(k, _)| !RESERVED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        tag: q.get("tag").cloned(),
        open: q.get("open").is_some_and(|v| v == "1" || v == "true"),
        overdue: q.get("overdue").is_some_and(|v| v == "1" || v == "true"),
    }
}

fn options_of(q: &HashMap<String, String>) -> Options {
    Options {
        silent_days: q.get("silent_days").and_then(|v| v.parse().ok()),
    }
}

pub async fn index(caller: Caller, State(state): State<AppState>) -> Result<Json<Json_>, ApiError> {
    let r = reader(state.storage.as_ref(), caller.user).await?;
    Ok(Json(json!({
        "reports": queries::REPORTS,
        "lists": lists::names().collect::<Vec<_>>(),
        "default_node": r.default_node(),
    })))
}

pub async fn report(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
) -> Result<Json<queries::Report>, ApiError> {
    check_query(&q)?;
    let r = reader(state.storage.as_ref(), caller.user).await?;
    let scope = scope_of(&r, &q)?;
    queries::run(state.storage.as_ref(), &scope, &name, &options_of(&q))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("no such report"))
}

pub async fn list(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
) -> Result<Json<Json_>, ApiError> {
    check_query(&q)?;
    let r = reader(state.storage.as_ref(), caller.user).await?;
    let scope = scope_of(&r, &q)?;
    let limit = q
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(LIST_PAGE)
        .min(LIST_PAGE);
    let table = lists::list(
        state.storage.as_ref(),
        &scope,
        &name,
        &filter_of(&q),
        r.full_access(),
        zh(&q),
        Some(limit),
    )
    .await?
    .ok_or_else(|| ApiError::not_found("no such list"))?;
    Ok(Json(table_json(&table)))
}

pub fn table_json(t: &Table) -> Json_ {
    json!({ "headers": t.headers, "rows": rows_json(&t.rows) })
}

/// Table rows as JSON: numbers as numbers, an empty cell as null.
pub fn rows_json(rows: &[Vec<export::Cell>]) -> Json_ {
    use export::Cell;
    json!(
        rows.iter()
            .map(|r| r
                .iter()
                .map(|c| match c {
                    Cell::Text(s) => json!(s),
                    Cell::Int(i) => json!(i),
                    Cell::Real(f) => json!(f),
                    Cell::Empty => Json_::Null,
                })
                .collect::<Vec<_>>())
            .collect::<Vec<_>>()
    )
}

/// What an export holds, before it is written out.
#[derive(Debug)]
struct Exported {
    what: String,
    table: Table,
}

/// The two things a reader can export: a report's figures or a list's rows.
#[derive(Debug, Clone, Copy)]
pub enum ExportOf {
    Report,
    List,
}

pub async fn export_report(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    check_query(&q)?;
    let r = reader(state.storage.as_ref(), caller.user).await?;
    export(&state, &r, ExportOf::Report, &name, &q).await
}

pub async fn export_list(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    check_query(&q)?;
    let r = reader(state.storage.as_ref(), caller.user).await?;
    export(&state, &r, ExportOf::List, &name, &q).await
}

/// Builds the export, writes the file, records it in the audit log and sends it; the API and
/// the supervisor pages both come through here, so they cannot drift apart.
pub async fn export(
    state: &AppState,
    r: &Reader,
    of: ExportOf,
    name: &str,
    q: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    let exported = build_export(state, r, of, name, q).await?;
    deliver(state, r, q, exported).await
}

async fn build_export(
    state: &AppState,
    r: &Reader,
    of: ExportOf,
    name: &str,
    q: &HashMap<String, String>,
) -> Result<Exported, ApiError> {
    let scope = scope_of(r, q)?;
    Ok(match of {
        ExportOf::Report => {
            let report = queries::run(state.storage.as_ref(), &scope, name, &options_of(q))
                .await?
                .ok_or_else(|| ApiError::not_found("no such report"))?;
            Exported {
                what: format!("report:{name}"),
                table: export::report_table(
                    &report,
                    &crate::grid_codes::all(state.storage.as_ref()).await?,
                    zh(q),
                ),
            }
        }
        ExportOf::List => Exported {
            what: format!("list:{name}"),
            table: lists::list(
                state.storage.as_ref(),
                &scope,
                name,
                &filter_of(q),
                r.full_access(),
                zh(q),
                None,
            )
            .await?
            .ok_or_else(|| ApiError::not_found("no such list"))?,
        },
    })
}

pub(crate) fn export_failed(what: &'static str) -> ApiError {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "export_failed", what)
}

pub(crate) fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes the file, records the export in the audit log, and sends it.
async fn deliver(
    state: &AppState,
    r: &Reader,
    q: &HashMap<String, String>,
    e: Exported,
) -> Result<Response, ApiError> {
    let format = q.get("format").map_or("xlsx", String::as_str).to_string();
    let scope = scope_of(r, q)?;
    let sheet = e.what.replace(':', "-");
    let rows = e.table.rows.len();
    let (bytes, content_type) = match format.as_str() {
        "csv" => (export::to_csv(&e.table), "text/csv; charset=utf-8"),
        "xlsx" => {
            let table = e.table;
            let sheet = sheet.clone();
            let bytes = tokio::task::spawn_blocking(move || export::to_xlsx(&table, &sheet))
                .await
                .ok()
                .and_then(Result::ok)
                .ok_or_else(|| export_failed("the spreadsheet could not be written"))?;
            (
                bytes,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        }
        _ => {
            return Err(ApiError::bad_request("bad_format", "format is csv or xlsx"));
        }
    };
    let mut filters: Vec<String> = filter_of(q)
        .equals
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    filters.sort();
    audit::record(
        state.storage.as_ref(),
        &instant_text(Utc::now()),
        &ExportEntry {
            user_id: r.user.id.clone(),
            what: e.what.clone(),
            scope: format!(
                "{} {}..{} {}",
                scope.node,
                scope.period.from_text(),
                scope.period.to_text(),
                filters.join("&")
            )
            .trim_end()
            .to_string(),
            format: format.clone(),
            masked: !r.full_access(),
            rows,
        },
    )
    .await?;
    let filename = format!(
        "gridkeeper-{}-{}-{}-{}.{format}",
        safe_name(&sheet),
        safe_name(&scope.node),
        scope.period.from_text(),
        scope.period.to_text()
    );
    attachment(bytes, content_type, &filename)
}

/// XLSX's media type, for every spreadsheet the relay sends.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file sent as a download, never cached (it holds personal data).
pub(crate) fn attachment(
    bytes: Vec<u8>,
    content_type: &str,
    filename: &str,
) -> Result<Response, ApiError> {
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(bytes))
        .map_err(|_| export_failed("the export could not be sent"))
}
