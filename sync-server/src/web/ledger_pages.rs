//! The ledgers (台账) on the supervisor's pages: pick a unit and a period (last month by
//! default: offices file monthly), then view a ledger as a printable page or download its
//! spreadsheet; an administrator edits a ledger's columns on `/admin/ledgers/{id}`.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Duration, NaiveDate, Utc};

use serde::Deserialize;

use super::admin_pages::admin_form;
use super::frame::{Chrome, chrome, error_page, query_string, render};
use super::pages::cell_text;
use super::session::Session;
use crate::admin;
use crate::app::AppState;
use crate::error::ApiError;
use crate::http::ledgers::{built, xlsx_response};
use crate::ledgers::{self, sheet};
use crate::reports::scope::local_date;
use crate::storage::Role;

/// Above this many nodes in reach, the unit list leaves out single grids (a city's
/// administrator picks a street or community; a grid's ledger is one click further down).
const GRIDS_LISTED_UP_TO: usize = 200;

pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: String,
}

pub(crate) struct LedgerRow {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) columns: String,
}

#[derive(Template)]
#[template(path = "ledgers.html")]
pub(crate) struct LedgersPage {
    pub(crate) c: Chrome,
    pub(crate) nodes: Vec<Choice>,
    pub(crate) node: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) query: String,
    pub(crate) ledgers: Vec<LedgerRow>,
}

#[derive(Template)]
#[template(path = "ledger.html")]
pub(crate) struct LedgerPage {
    pub(crate) c: Chrome,
    pub(crate) id: String,
    pub(crate) query: String,
    pub(crate) heading: String,
    pub(crate) unit_line: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<Vec<String>>,
    pub(crate) today: String,
}

/// The calendar month before the one `today` is in.
fn last_month(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_this = today.with_day(1).unwrap_or(today);
    let last = first_this - Duration::days(1);
    (last.with_day(1).unwrap_or(last), last)
}

/// The page's query with last month filled in where the reader named no period.
fn with_period(mut q: HashMap<String, String>) -> HashMap<String, String> {
    let (from, to) = last_month(local_date(Utc::now()));
    for (k, v) in [("from", from), ("to", to)] {
        let blank = q.get(k).is_none_or(|s| s.is_empty());
        if blank {
            q.insert(k.into(), v.to_string());
        }
    }
    q.retain(|_, v| !v.is_empty());
    q
}

fn title(zh: bool) -> String {
    if zh { "台账" } else { "Ledgers" }.into()
}

pub async fn index(
    State(state): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let zh = s.zh;
    let q = with_period(q);
    let scope = match crate::http::reports::scope_of(&s.reader, &q) {
        Ok(sc) => sc,
        Err(e) => return error_page(e, zh),
    };
    let defs = match ledgers::all(state.storage.as_ref()).await {
        Ok(d) => d,
        Err(e) => return error_page(e.into(), zh),
    };
    let h = &s.reader.hierarchy;
    let few = s.reader.reach.len() <= GRIDS_LISTED_UP_TO;
    let mut nodes: Vec<Choice> = s
        .reader
        .reach
        .iter()
        .filter(|n| few || !h.children(n).is_empty())
        .map(|n| Choice {
            value: n.clone(),
            label: h
                .path(n)
                .iter()
                .map(|p| h.name(p).to_string())
                .collect::<Vec<_>>()
                .join(" › "),
        })
        .collect();
    nodes.sort_by(|a, b| a.label.cmp(&b.label));
    let mut q = q;
    q.insert("node".into(), scope.node.clone());
    let page = LedgersPage {
        c: chrome(Some(&s), zh, title(zh), "ledgers", "/ledgers"),
        nodes,
        node: scope.node.clone(),
        from: scope.period.from_text(),
        to: scope.period.to_text(),
        query: query_string(&q, &["node", "from", "to"]),
        ledgers: defs
            .into_iter()
            .map(|d| LedgerRow {
                columns: d
                    .columns
                    .iter()
                    .map(|c| c.header.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
                id: d.id,
                title: d.title,
            })
            .collect(),
    };
    render(&page, StatusCode::OK)
}

pub async fn show(
    State(state): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let zh = s.zh;
    let q = with_period(q);
    let l = match built(state.storage.as_ref(), &s.reader.user, &id, &q, "html").await {
        Ok(l) => l,
        Err(e) => return error_page(e, zh),
    };
    let query = query_string(&q, &["node", "from", "to"]);
    let back = format!("/ledgers/{id}?{query}");
    let page = LedgerPage {
        c: chrome(Some(&s), zh, l.title.clone(), "ledgers", &back),
        id: l.id.clone(),
        query,
        heading: sheet::heading(&l),
        unit_line: sheet::subheading(&l)
            .split("    ")
            .next()
            .unwrap_or_default()
            .to_string(),
        from: l.from.clone(),
        to: l.to.clone(),
        headers: l.headers.clone(),
        rows: l
            .rows
            .iter()
            .map(|r| r.iter().map(|c| cell_text(c).0).collect())
            .collect(),
        today: local_date(Utc::now()).to_string(),
    };
    render(&page, StatusCode::OK)
}

pub async fn export(
    State(state): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let q = with_period(q);
    let node = q.get("node").cloned().unwrap_or_default();
    match built(state.storage.as_ref(), &s.reader.user, &id, &q, "xlsx").await {
        Ok(l) => xlsx_response(l, &node)
            .await
            .unwrap_or_else(|e| error_page(e, s.zh)),
        Err(e) => error_page(e, s.zh),
    }
}

#[derive(Template)]
#[template(path = "ledger_edit.html")]
pub(crate) struct LedgerEditPage {
    pub(crate) c: Chrome,
    pub(crate) notice: String,
    pub(crate) id: String,
    pub(crate) source: String,
    pub(crate) title: String,
    pub(crate) tags: String,
    pub(crate) columns: String,
    /// The administrator has a definition of their own stored (so it can be reset).
    pub(crate) stored: bool,
    pub(crate) fields: Vec<Choice>,
}

/// The columns as the edit form shows them: `表头 = 字段`, one per line.
fn column_lines(def: &ledgers::Definition) -> String {
    def.columns
        .iter()
        .map(|c| format!("{} = {}", c.header, c.field))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the form's column lines; the error names the line.
fn parse_lines(text: &str) -> Result<Vec<ledgers::Column>, ApiError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let (header, field) = l.split_once(['=', '＝']).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_ledger",
                    format!("column line {} is not \"heading = field\"", i + 1),
                )
            })?;
            Ok(ledgers::Column {
                header: header.trim().to_string(),
                field: field.trim().to_string(),
            })
        })
        .collect()
}

async fn edit_page(
    state: &AppState,
    s: &Session,
    id: &str,
    source: Option<&str>,
    notice: String,
) -> Response {
    let zh = s.zh;
    let store = state.storage.as_ref();
    let (def, stored) = match (
        ledgers::get(store, id).await,
        ledgers::stored_ids(store).await,
    ) {
        (Ok(d), Ok(ids)) => (d, ids.iter().any(|i| i == id)),
        (Err(e), _) | (_, Err(e)) => return error_page(e.into(), zh),
    };
    let def = match (def, source) {
        (Some(d), _) => d,
        (None, Some(src)) if ledgers::fields::of(src).is_some() => ledgers::Definition {
            id: id.to_string(),
            title: String::new(),
            source: src.to_string(),
            columns: vec![],
            tags: vec![],
        },
        _ => return error_page(ApiError::not_found("no such ledger"), zh),
    };
    let page = LedgerEditPage {
        c: chrome(
            Some(s),
            zh,
            def.title.clone(),
            "ledgers",
            &format!("/admin/ledgers/{id}"),
        ),
        notice,
        id: id.to_string(),
        fields: ledgers::fields::of(&def.source)
            .unwrap_or_default()
            .into_iter()
            .map(|f| Choice {
                value: f.key.to_string(),
                label: f.zh.to_string(),
            })
            .collect(),
        source: def.source.clone(),
        title: def.title.clone(),
        tags: def.tags.join(","),
        columns: column_lines(&def),
        stored,
    };
    render(&page, StatusCode::OK)
}

pub async fn edit(
    State(state): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if s.reader.user.role != Role::Admin {
        return error_page(ApiError::forbidden("administrators only"), s.zh);
    }
    edit_page(
        &state,
        &s,
        &id,
        q.get("source").map(String::as_str),
        String::new(),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct EditForm {
    csrf: String,
    source: String,
    title: String,
    #[serde(default)]
    tags: String,
    columns: String,
}

pub async fn save(
    State(state): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Form(f): Form<EditForm>,
) -> Response {
    if let Some(r) = admin_form(&s, &f.csrf) {
        return r;
    }
    let checked = parse_lines(&f.columns).and_then(|columns| {
        ledgers::check(
            &id,
            ledgers::Definition {
                id: id.clone(),
                title: f.title.clone(),
                source: f.source.clone(),
                columns,
                tags: admin::parse_scope(&f.tags),
            },
        )
    });
    let def = match checked {
        Ok(d) => d,
        Err(e) => return error_page(e, s.zh),
    };
    if let Err(e) = ledgers::put(
        state.storage.as_ref(),
        &def,
        &s.reader.user.id,
        &admin::now(),
    )
    .await
    {
        return error_page(e.into(), s.zh);
    }
    let notice = if s.zh {
        "已保存，下次生成即按新栏目。"
    } else {
        "Saved: the next ledger uses these columns."
    };
    edit_page(&state, &s, &id, None, notice.into()).await
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    csrf: String,
}

pub async fn reset(
    State(state): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Form(f): Form<ResetForm>,
) -> Response {
    if let Some(r) = admin_form(&s, &f.csrf) {
        return r;
    }
    match ledgers::reset(state.storage.as_ref(), &id).await {
        Ok(true) => {}
        Ok(false) => return error_page(ApiError::not_found("nothing to reset"), s.zh),
        Err(e) => return error_page(e.into(), s.zh),
    }
    let notice = if s.zh {
        "已恢复默认栏目。"
    } else {
        "Back to the default columns."
    };
    if ledgers::get(state.storage.as_ref(), &id)
        .await
        .ok()
        .flatten()
        .is_none()
    {
        return index(State(state), s, Query(HashMap::new())).await;
    }
    edit_page(&state, &s, &id, None, notice.into()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_month_crosses_years_and_short_months() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        assert_eq!(
            last_month(d("2026-12-07")),
            (d("2026-11-01"), d("2026-11-30"))
        );
        assert_eq!(
            last_month(d("2027-01-01")),
            (d("2026-12-01"), d("2026-12-31"))
        );
        assert_eq!(
            last_month(d("2028-03-31")),
            (d("2028-02-01"), d("2028-02-29"))
        );
    }
}
