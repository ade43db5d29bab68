//! The reading pages: reports with drill-down and charts, record lists, photos, and
//! exports (a record's own page is `record_page`). Every page resolves the caller's session
//! to a reader whose reach bounds what it may show.

use std::collections::HashMap;

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value as Json;

use super::charts;
use super::session::{Session, urlencode};
use crate::app::AppState;
use crate::error::ApiError;
use crate::http::reports::{ExportOf, export, scope_of};
use crate::reports::export::Cell;
use crate::reports::labels::{figure, word};
use crate::reports::lists;
use crate::reports::queries::{self, Options, Report};

use super::frame::*;

const LIST_PAGE: usize = 500;

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    c: Chrome,
    crumbs: Vec<Crumb>,
    node: String,
    node_name: String,
    from: String,
    to: String,
    export_base: String,
    charts: Vec<String>,
    table: TableV,
    lists: Vec<ListV>,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    c: Chrome,
    crumbs: Vec<Crumb>,
    export_base: String,
    table: TableV,
    truncated: bool,
    shown: usize,
}

pub async fn home(s: Session) -> Response {
    let node = s.reader.default_node().unwrap_or_default();
    Redirect::to(&format!("/r/population?node={}", urlencode(&node))).into_response()
}

/// The record list that explains a figure, as `list?filters`.
fn figure_link(report: &str, key: &str) -> Option<String> {
    let (group, value) = key.split_once('.').unwrap_or((key, ""));
    let link = match (report, group) {
        ("population", "households") => "households".into(),
        ("population", "housing") => format!("households&housing_type={value}"),
        ("population", "people") => "members".into(),
        ("population", "registration") => format!("members&registration={value}"),
        ("population", "tag") => format!("members&tag={value}"),
        ("population", "places") => format!("places&place_type={value}"),
        ("visits", "visits") => "visits".into(),
        ("inspections", "inspections") => "inspections&status=completed".into(),
        ("inspections", "hazards_found") => "cases&category=hazard".into(),
        ("cases", "cases") => "cases".into(),
        ("cases", "category") => format!("cases&category={value}"),
        ("cases", "state") => format!("cases&state={value}"),
        ("cases", "open") => "cases&open=1".into(),
        ("cases", "overdue") => "cases&overdue=1".into(),
        ("mediations", "mediations") => "mediations".into(),
        ("mediations", "dispute") => format!("mediations&dispute_type={value}"),
        ("mediations", "result") => format!("mediations&result={value}"),
        ("activities", "activities") => "activities".into(),
        ("activities", "type") => format!("activities&activity_type={value}"),
        _ => return None,
    };
    Some(link)
}

fn period_q(r: &Report) -> String {
    format!("from={}&to={}", r.from, r.to)
}

fn report_table(report: &Report, zh: bool) -> TableV {
    let mut counts: Vec<&String> = report.total.counts.keys().collect();
    for c in &report.children {
        for k in c.counts.keys() {
            if !counts.contains(&k) {
                counts.push(k);
            }
        }
    }
    counts.sort();
    counts.retain(|k| k.as_str() != "rectify_seconds");
    let rates: Vec<&String> = report.total.rates.keys().collect();
    let mut headers = vec![word("name", zh).to_string()];
    headers.extend(counts.iter().map(|k| figure(k, zh)));
    headers.extend(rates.iter().map(|k| figure(k, zh)));
    let period = period_q(report);
    let row = |f: &crate::reports::scope::NodeFigures, total: bool| {
        let mut cells = vec![CellV {
            text: if total {
                format!("{}（{}）", f.name, if zh { "合计" } else { "total" })
            } else {
                f.name.clone()
            },
            href: if total {
                String::new()
            } else {
                format!("/r/{}?node={}&{period}", report.report, urlencode(&f.node))
            },
            num: false,
        }];
        for k in &counts {
            let v = f.counts.get(*k).copied().unwrap_or(0);
            cells.push(CellV {
                text: v.to_string(),
                href: figure_link(&report.report, k)
                    .filter(|_| v > 0)
                    .map(|l| {
                        let (list, filter) = l.split_once('&').unwrap_or((&l, ""));
                        format!("/l/{list}?node={}&{period}&{filter}", urlencode(&f.node))
                            .trim_end_matches('&')
                            .to_string()
                    })
                    .unwrap_or_default(),
                num: true,
            });
        }
        for k in &rates {
            cells.push(CellV {
                text: f.rates.get(*k).map_or(String::new(), |v| {
                    if k.ends_with("_rate") {
                        format!("{:.1}%", v * 100.0)
                    } else {
                        format!("{v:.1}")
                    }
                }),
                href: String::new(),
                num: true,
            });
        }
        RowV { cells, total }
    };
    let mut rows: Vec<RowV> = report.children.iter().map(|c| row(c, false)).collect();
    rows.push(row(&report.total, true));
    TableV { headers, rows }
}

fn json_text(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        Json::Array(a) => a.iter().map(json_text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// A report's named list as a table; record ids link to the record.
fn list_view(title: String, items: &[Json], zh: bool) -> ListV {
    let keys: Vec<String> = items
        .first()
        .and_then(Json::as_object)
        .map(|o| o.keys().filter(|k| k.as_str() != "grid").cloned().collect())
        .unwrap_or_default();
    ListV {
        title,
        headers: keys.iter().map(|k| list_header(k, zh)).collect(),
        rows: items
            .iter()
            .map(|it| RowV {
                total: false,
                cells: keys
                    .iter()
                    .map(|k| {
                        let raw = match &it[k] {
                            Json::Bool(b) => super::labels::yes_no(*b, zh).to_string(),
                            v => json_text(v),
                        };
                        // Glossary values (`hazard`, `reported`) in words; ids and names
                        // have no label and pass through.
                        let text = raw
                            .split(',')
                            .map(|t| word(t, zh))
                            .collect::<Vec<_>>()
                            .join(if zh { "、" } else { ", " });
                        let href = if text.is_empty() {
                            String::new()
                        } else if k == "record_id" || k == "household_id" {
                            format!("/rec/{}", urlencode(&text))
                        } else if k == "task" {
                            format!("/tasks/{}", urlencode(&text))
                        } else {
                            String::new()
                        };
                        CellV {
                            num: it[k].is_number(),
                            text: shown(text),
                            href,
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn list_header(k: &str, zh: bool) -> String {
    let (c, e) = match k {
        "record_id" | "household_id" => ("记录", "record"),
        "grid_name" => ("网格", "grid"),
        "worker" => ("网格员", "worker"),
        "member_id" => ("成员编号", "member"),
        "name" => ("姓名", "name"),
        "address" => ("地址", "address"),
        "tags" => ("人群", "groups"),
        "every_days" => ("走访周期(天)", "every (days)"),
        "last_visit" => ("最近走访", "last visit"),
        "days_overdue" => ("逾期天数", "days overdue"),
        "category" => ("类别", "category"),
        "subcategory" => ("细类", "subcategory"),
        "severity" => ("严重程度", "severity"),
        "state" => ("状态", "state"),
        "reported_at" => ("上报时间", "reported"),
        "deadline" => ("时限", "deadline"),
        "dispute_type" => ("纠纷类型", "dispute"),
        "opened_on" => ("受理日期", "opened"),
        "count" => ("数量", "count"),
        "day" => ("日期", "day"),
        "records" => ("记录数", "records"),
        "device_id" => ("设备", "device"),
        "last_seen" => ("最近同步", "last sync"),
        "days_silent" => ("未同步天数", "days silent"),
        "task" => ("任务", "task"),
        "title" => ("任务内容", "what"),
        "due_on" => ("截止日期", "due"),
        "done" => ("已完成", "done"),
        "total" => ("对象数", "households and places"),
        "silent" => ("久未同步", "long unsynced"),
        _ => return word(k, zh).to_string(),
    };
    if zh { c } else { e }.to_string()
}

fn report_charts(r: &Report, zh: bool) -> Vec<String> {
    let pick = |prefix: &str| -> Vec<(String, i64)> {
        r.total
            .counts
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix(prefix)
                    .map(|s| (word(s, zh).to_string(), *v))
            })
            .collect()
    };
    let t = |c: &str, e: &str| if zh { c } else { e }.to_string();
    match r.report.as_str() {
        "population" => vec![
            charts::bars(
                &t("人口·户籍类型", "People by registration"),
                &pick("registration."),
            ),
            charts::bars(&t("特殊群体及重点人员", "Special groups"), &pick("tag.")),
        ],
        "visits" => {
            let points: Vec<(String, f64)> = r
                .lists
                .get("trend")
                .map(|t| {
                    t.iter()
                        .map(|p| {
                            let due = p["due"].as_f64().unwrap_or(0.0);
                            let ok = p["on_time"].as_f64().unwrap_or(0.0);
                            (
                                p["date"].as_str().unwrap_or("").to_string(),
                                if due > 0.0 { ok / due } else { 0.0 },
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            vec![charts::line(
                &t("按时走访率走势", "Visit coverage over time"),
                &points,
            )]
        }
        "inspections" => vec![
            charts::bars(&t("应巡查·场所类型", "Due by place type"), &pick("due.")),
            charts::bars(
                &t("按期巡查·场所类型", "Done by place type"),
                &pick("done."),
            ),
            charts::bars(
                &t("不合格项·类别", "Failed items by category"),
                &pick("failed."),
            ),
            charts::bars(&t("隐患·类别", "Hazards by category"), &pick("hazard.")),
        ],
        "cases" => vec![
            charts::bars(&t("事件·状态", "Cases by state"), &pick("state.")),
            charts::bars(&t("事件·类别", "Cases by category"), &pick("category.")),
        ],
        "mediations" => vec![charts::bars(
            &t("纠纷类型", "Disputes by type"),
            &pick("dispute."),
        )],
        "activities" => vec![charts::bars(
            &t("活动类型", "Activities by type"),
            &pick("type."),
        )],
        _ => vec![],
    }
}

pub async fn report(
    State(state): State<AppState>,
    s: Session,
    Path(name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let zh = s.zh;
    let scope = match scope_of(&s.reader, &q) {
        Ok(sc) => sc,
        Err(e) => return error_page(e, zh),
    };
    let opts = Options {
        silent_days: q.get("silent_days").and_then(|v| v.parse().ok()),
    };
    let r = match queries::run(state.storage.as_ref(), &scope, &name, &opts).await {
        Ok(Some(r)) => r,
        Ok(None) => return error_page(ApiError::not_found("no such report"), zh),
        Err(e) => return error_page(e.into(), zh),
    };
    let period = period_q(&r);
    let lists = r
        .lists
        .iter()
        .filter(|(k, v)| k.as_str() != "trend" && !v.is_empty())
        .map(|(k, v)| list_view(list_header(k, zh), v, zh))
        .map(|mut l| {
            l.title = match l.title.as_str() {
                "overdue" => if zh {
                    "逾期未走访（按网格员）"
                } else {
                    "Overdue visits by worker"
                }
                .into(),
                "oldest_open" => if zh {
                    "最久未办结事件"
                } else {
                    "Oldest open cases"
                }
                .into(),
                "failed_by_category" => if zh {
                    "不合格项类别"
                } else {
                    "Failed items by category"
                }
                .into(),
                "hazards_by_category" => if zh {
                    "隐患类别"
                } else {
                    "Hazards by category"
                }
                .into(),
                "work_by_worker" => if zh {
                    "每人工作量（按姓名排列，不排名）"
                } else {
                    "Work done per person (by name, not ranked)"
                }
                .into(),
                "devices" => if zh {
                    "设备同步（久未同步的手机上的工作可能丢失）"
                } else {
                    "Devices: last sync (work on a phone long unsynced may be lost)"
                }
                .into(),
                "overdue_tasks" => if zh { "超期任务" } else { "Overdue tasks" }.into(),
                "high_risk_open" => if zh {
                    "高风险未结调解"
                } else {
                    "High-risk open mediations"
                }
                .into(),
                _ => l.title,
            };
            l
        })
        .collect();
    let back = format!("/r/{name}?node={}&{period}", scope.node);
    let page = ReportPage {
        c: chrome(Some(&s), zh, report_title(&name, zh), &name, &back),
        crumbs: crumbs(&scope.hierarchy, &scope.node, |n| {
            format!("/r/{name}?node={}&{period}", urlencode(n))
        }),
        node: scope.node.clone(),
        node_name: r.name.clone(),
        from: r.from.clone(),
        to: r.to.clone(),
        export_base: format!("/x/r/{name}?node={}&{period}", urlencode(&scope.node)),
        charts: report_charts(&r, zh),
        table: report_table(&r, zh),
        lists,
    };
    render(&page, StatusCode::OK)
}

pub(crate) fn cell_text(c: &Cell) -> (String, bool) {
    match c {
        Cell::Text(t) => (t.clone(), false),
        Cell::Int(i) => (i.to_string(), true),
        Cell::Real(f) => (f.to_string(), true),
        Cell::Empty => (String::new(), false),
    }
}

pub async fn list(
    State(state): State<AppState>,
    s: Session,
    Path(name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let zh = s.zh;
    let scope = match scope_of(&s.reader, &q) {
        Ok(sc) => sc,
        Err(e) => return error_page(e, zh),
    };
    let filter = crate::http::reports::filter_of(&q);
    let table = match lists::list(
        state.storage.as_ref(),
        &scope,
        &name,
        &filter,
        s.reader.full_access(),
        zh,
        Some(LIST_PAGE + 1),
    )
    .await
    {
        Ok(Some(t)) => t,
        Ok(None) => return error_page(ApiError::not_found("no such list"), zh),
        Err(e) => return error_page(e.into(), zh),
    };
    let truncated = table.rows.len() > LIST_PAGE;
    let rest = query_string(
        &q,
        &[
            "from",
            "to",
            "tag",
            "open",
            "overdue",
            "housing_type",
            "registration",
            "place_type",
            "category",
            "state",
            "dispute_type",
            "result",
            "risk_level",
            "activity_type",
            "status",
            "worker",
            "purpose",
        ],
    );
    let rows: Vec<RowV> = table
        .rows
        .iter()
        .take(LIST_PAGE)
        .map(|r| RowV {
            total: false,
            cells: r
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let (text, num) = cell_text(c);
                    let href = if i == 0 && !text.is_empty() {
                        format!("/rec/{}", urlencode(&text))
                    } else {
                        String::new()
                    };
                    CellV {
                        text: shown(text),
                        href,
                        num,
                    }
                })
                .collect(),
        })
        .collect();
    let back = format!("/l/{name}?node={}&{rest}", scope.node);
    let page = ListPage {
        c: chrome(Some(&s), zh, list_title(&name, zh), "", &back),
        crumbs: crumbs(&scope.hierarchy, &scope.node, |n| {
            format!("/l/{name}?node={}&{rest}", urlencode(n))
        }),
        export_base: format!("/x/l/{name}?node={}&{rest}", urlencode(&scope.node)),
        shown: rows.len(),
        table: TableV {
            headers: table.headers.clone(),
            rows,
        },
        truncated,
    };
    render(&page, StatusCode::OK)
}

pub async fn blob(State(state): State<AppState>, s: Session, Path(hash): Path<String>) -> Response {
    let grids = match state.storage.blob_grids(&hash).await {
        Ok(g) => g,
        Err(e) => return error_page(e.into(), s.zh),
    };
    if !grids.iter().any(|g| s.reader.reach.contains(g)) {
        return error_page(ApiError::not_found("no such photo"), s.zh);
    }
    match state.storage.blob(&hash).await {
        Ok(Some(b)) => Response::builder()
            .header(header::CONTENT_TYPE, b.media_type)
            .header(header::CACHE_CONTROL, "private, max-age=3600")
            .body(Body::from(b.bytes))
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        Ok(None) => error_page(ApiError::not_found("no such photo"), s.zh),
        Err(e) => error_page(e.into(), s.zh),
    }
}

pub async fn export_report(
    State(state): State<AppState>,
    s: Session,
    Path(name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    export_from_page(&state, &s, ExportOf::Report, &name, q).await
}

pub async fn export_list(
    State(state): State<AppState>,
    s: Session,
    Path(name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    export_from_page(&state, &s, ExportOf::List, &name, q).await
}

/// A page's export speaks the page's language unless the link says otherwise.
async fn export_from_page(
    state: &AppState,
    s: &Session,
    of: ExportOf,
    name: &str,
    mut q: HashMap<String, String>,
) -> Response {
    q.entry("lang".into())
        .or_insert_with(|| if s.zh { "zh" } else { "en" }.into());
    export(state, &s.reader, of, name, &q)
        .await
        .unwrap_or_else(|e| error_page(e, s.zh))
}
