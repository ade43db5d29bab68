//! The ledgers API: which ledgers there are and what their sources offer, a ledger for a
//! node and period (JSON, or the XLSX an office files), and an administrator's changes to a
//! ledger's definition. Every ledger read is limited to the caller's subtree, masked by role
//! and written in the export audit log, as the other exports are.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use serde_json::{Value as Json_, json};

use super::body;
use super::extract::{ApiPath, ApiQuery};
use super::reports::{
    XLSX, attachment, check_query, export_failed, reader, rows_json, safe_name, scope_of,
};
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::ledgers::build::Ledger;
use crate::ledgers::{self, Definition, build, fields, sheet};
use crate::reports::audit::{self, ExportEntry};
use crate::reports::scope::{instant_text, local_date};

/// A definition is a few hundred bytes; this leaves room for a long one.
const DEFINITION_LIMIT: usize = 16 << 10;

/// Every ledger's definition, and each source's fields.
pub async fn index(caller: Caller, State(state): State<AppState>) -> Result<Json<Json_>, ApiError> {
    reader(state.storage.as_ref(), caller.user).await?;
    let defs = ledgers::all(state.storage.as_ref()).await?;
    let sources: BTreeMap<&str, Vec<fields::Field>> = fields::SOURCES
        .iter()
        .map(|s| (*s, fields::of(s).unwrap_or_default()))
        .collect();
    Ok(Json(json!({ "ledgers": defs, "sources": sources })))
}

/// The format a ledger is asked for in: `json` (the default for the API) or `xlsx`.
fn format_of(q: &HashMap<String, String>) -> Result<&str, ApiError> {
    match q.get("format").map_or("json", String::as_str) {
        f @ ("json" | "xlsx") => Ok(f),
        _ => Err(ApiError::bad_request(
            "bad_format",
            "format is json or xlsx",
        )),
    }
}

/// Builds a ledger for the caller and writes its reading into the audit log; the API and
/// the pages both come through here.
pub async fn built(
    storage: &dyn crate::storage::Storage,
    caller: &crate::storage::User,
    id: &str,
    q: &HashMap<String, String>,
    format: &str,
) -> Result<Ledger, ApiError> {
    let r = reader(storage, caller.clone()).await?;
    let def = ledgers::get(storage, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such ledger"))?;
    let scope = scope_of(&r, q)?;
    let codes = crate::grid_codes::all(storage).await?;
    let ledger = build::build(storage, &scope, &def, r.full_access(), &codes).await?;
    audit::record(
        storage,
        &instant_text(Utc::now()),
        &ExportEntry {
            user_id: r.user.id.clone(),
            what: format!("ledger:{id}"),
            scope: format!("{} {}..{}", scope.node, ledger.from, ledger.to),
            format: format.to_string(),
            masked: !r.full_access(),
            rows: ledger.rows.len(),
        },
    )
    .await?;
    Ok(ledger)
}

pub fn ledger_json(l: &Ledger) -> Json_ {
    json!({
        "id": l.id,
        "title": l.title,
        "heading": sheet::heading(l),
        "unit": l.unit,
        "unit_code": l.unit_code,
        "from": l.from,
        "to": l.to,
        "headers": l.headers,
        "rows": rows_json(&l.rows),
    })
}

/// The spreadsheet as a download.
pub async fn xlsx_response(l: Ledger, node: &str) -> Result<Response, ApiError> {
    let filename = format!(
        "gridkeeper-ledger-{}-{}-{}-{}.xlsx",
        safe_name(&l.id),
        safe_name(node),
        l.from,
        l.to
    );
    let today = local_date(Utc::now()).to_string();
    let bytes = tokio::task::spawn_blocking(move || sheet::to_xlsx(&l, &today))
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| export_failed("the spreadsheet could not be written"))?;
    attachment(bytes, XLSX, &filename)
}

pub async fn ledger(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    check_query(&q)?;
    let format = format_of(&q)?;
    let l = built(state.storage.as_ref(), &caller.user, &id, &q, format).await?;
    if format == "xlsx" {
        let node = q.get("node").cloned().unwrap_or_default();
        return xlsx_response(l, &node).await;
    }
    Ok(axum::response::IntoResponse::into_response(Json(
        ledger_json(&l),
    )))
}

/// An administrator's definition for a ledger, new or replacing the one before.
pub async fn put(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    raw: Body,
) -> Result<Json<Definition>, ApiError> {
    caller.require_admin()?;
    let def: Definition = body::json(raw, DEFINITION_LIMIT).await?;
    let def = ledgers::check(&id, def)?;
    ledgers::put(
        state.storage.as_ref(),
        &def,
        &caller.user.id,
        &crate::admin::now(),
    )
    .await?;
    Ok(Json(def))
}

/// Drops an administrator's definition: a built-in ledger is back to its default.
pub async fn reset(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Json_>, ApiError> {
    caller.require_admin()?;
    if !ledgers::reset(state.storage.as_ref(), &id).await? {
        return Err(ApiError::not_found(
            "this ledger has no administrator's definition to drop",
        ));
    }
    let now = ledgers::get(state.storage.as_ref(), &id).await?;
    Ok(Json(json!({ "id": id, "definition": now })))
}
