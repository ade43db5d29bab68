//! Page handlers: sign-in, reports with drill-down, record lists, a record with its history
//! and photos, exports, and the administrator's page. Every page resolves the caller's
//! session to a reader whose reach bounds what it may show.

use std::collections::HashMap;

use askama::Template;
use automerge::AutoCommit;
use axum::Form;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::Value as Json;

use super::charts;
use super::csrf;
use super::password;
use super::session::{self, LANG_COOKIE, Session, urlencode};
use crate::admin;
use crate::app::AppState;
use crate::error::ApiError;
use crate::http::reports::{build_list_export, build_report_export, deliver, scope_of};
use crate::reports::export::Cell;
use crate::reports::labels::{figure, word};
use crate::reports::queries::{self, Options, REPORTS, Report};
use crate::reports::scope::Hierarchy;
use crate::reports::{audit, lists, rows};
use crate::storage::Role;

const LIST_PAGE: usize = 500;

struct NavItem {
    href: String,
    label: String,
    on: bool,
}

/// What every page's frame shows.
struct Chrome {
    zh: bool,
    title: String,
    signed_in: bool,
    is_admin: bool,
    user_name: String,
    csrf: String,
    nav: Vec<NavItem>,
    back: String,
}

struct CellV {
    text: String,
    href: String,
    num: bool,
}

struct RowV {
    cells: Vec<CellV>,
    total: bool,
}

struct TableV {
    headers: Vec<String>,
    rows: Vec<RowV>,
}

struct ListV {
    title: String,
    headers: Vec<String>,
    rows: Vec<RowV>,
}

struct Crumb {
    href: String,
    label: String,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    error: String,
    csrf: String,
    next: String,
}

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

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    c: Chrome,
    crumbs: Vec<Crumb>,
    fields: Vec<(String, String)>,
    photos: Vec<String>,
    history: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    c: Chrome,
    message: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    notice: String,
    grids: Vec<(String, String)>,
    users: Vec<(String, String, String)>,
    devices: Vec<(String, String, String, bool)>,
    audit: Vec<Vec<String>>,
}

fn render(t: &impl Template, status: StatusCode) -> Response {
    match t.render() {
        Ok(html) => (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub fn report_title(name: &str, zh: bool) -> String {
    let (c, e) = match name {
        "population" => ("一标三实", "Population and housing"),
        "visits" => ("走访覆盖", "Visit coverage"),
        "inspections" => ("安全巡查", "Inspections"),
        "cases" => ("事件办理", "Cases"),
        "mediations" => ("矛盾调解", "Mediations"),
        "activities" => ("宣传与文体活动", "Activities"),
        "workers" => ("网格员工作量", "Worker activity"),
        _ => (name, name),
    };
    if zh { c } else { e }.to_string()
}

fn list_title(name: &str, zh: bool) -> String {
    let (c, e) = match name {
        "households" => ("住户名单", "Households"),
        "members" => ("人口名单", "People"),
        "visits" => ("走访记录", "Visits"),
        "places" => ("场所名单", "Places"),
        "inspections" => ("巡查记录", "Inspections"),
        "cases" => ("事件名单", "Cases"),
        "mediations" => ("调解记录", "Mediations"),
        "activities" => ("活动记录", "Activities"),
        _ => (name, name),
    };
    if zh { c } else { e }.to_string()
}

fn chrome(s: Option<&Session>, zh: bool, title: String, current: &str, back: &str) -> Chrome {
    let nav = match s {
        Some(_) => REPORTS
            .iter()
            .map(|r| NavItem {
                href: format!("/r/{r}"),
                label: report_title(r, zh),
                on: *r == current,
            })
            .collect(),
        None => vec![],
    };
    Chrome {
        zh,
        title,
        signed_in: s.is_some(),
        is_admin: s.is_some_and(|s| s.reader.user.role == Role::Admin),
        user_name: s.map(|s| s.reader.user.name.clone()).unwrap_or_default(),
        csrf: s.map(|s| s.csrf.clone()).unwrap_or_default(),
        nav,
        back: urlencode(back),
    }
}

/// An error as a page: the status of the API error, words for a person.
pub fn error_page(e: ApiError, zh: bool) -> Response {
    let message = match (e.status, zh) {
        (StatusCode::FORBIDDEN, true) => "无权访问：超出您的管辖范围或权限。".to_string(),
        (StatusCode::NOT_FOUND, true) => "未找到。".to_string(),
        (StatusCode::BAD_REQUEST, true) => format!("请求有误：{}", e.message),
        (_, true) => "服务暂时不可用，请稍后再试。".to_string(),
        (_, false) => e.message.clone(),
    };
    let title = if zh { "提示" } else { "Notice" }.to_string();
    render(
        &MessagePage {
            c: chrome(None, zh, title, "", "/"),
            message,
        },
        e.status,
    )
}

fn query_string(q: &HashMap<String, String>, keys: &[&str]) -> String {
    keys.iter()
        .filter_map(|k| {
            q.get(*k)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

pub async fn home(s: Session) -> Response {
    let node = s.reader.default_node().unwrap_or_default();
    Redirect::to(&format!("/r/population?node={}", urlencode(&node))).into_response()
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

const LOGIN_COOKIE: &str = "gk_login";

fn login_page(zh: bool, error: String, next: String, status: StatusCode) -> Response {
    let token = csrf::new_token();
    let mut resp = render(
        &LoginPage {
            c: chrome(
                None,
                zh,
                if zh { "登录" } else { "Sign in" }.into(),
                "",
                "/login",
            ),
            error,
            csrf: token.clone(),
            next,
        },
        status,
    );
    if let Ok(v) =
        format!("{LOGIN_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=1800")
            .parse()
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub async fn login_form(headers: HeaderMap, Query(q): Query<LoginQuery>) -> Response {
    login_page(session::zh(&headers), String::new(), q.next, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    csrf: String,
    #[serde(default)]
    next: String,
}

/// Only paths on this site: `//host` and `/\host` would leave it.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_string()
    } else {
        "/".to_string()
    }
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let zh = session::zh(&headers);
    let cookie = session::cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if !csrf::same(&cookie, &f.csrf) {
        return error_page(
            ApiError::forbidden("the sign-in form expired; load it again"),
            zh,
        );
    }
    if let Err(e) = state.rate_limit.check(&format!("login:{}", f.name)) {
        return error_page(e, zh);
    }
    let users = match state.storage.users().await {
        Ok(u) => u,
        Err(e) => return error_page(e.into(), zh),
    };
    let user = users
        .into_iter()
        .find(|u| u.name == f.name && u.role != Role::Worker);
    let stored = match &user {
        Some(u) => password::stored(state.storage.as_ref(), &u.id)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    let ok = password::verify(&f.password, stored.as_deref().unwrap_or(password::decoy()));
    let (Some(user), true) = (user, ok && stored.is_some()) else {
        tracing::info!("sign-in refused");
        let msg = if zh {
            "用户名或密码错误。"
        } else {
            "Wrong user name or password."
        };
        return login_page(zh, msg.into(), f.next, StatusCode::UNAUTHORIZED);
    };
    let token = match session::create(state.storage.as_ref(), &user.id).await {
        Ok(t) => t,
        Err(e) => return error_page(e.into(), zh),
    };
    let mut resp = Redirect::to(&safe_next(&f.next)).into_response();
    for c in [
        session::set_cookie(&token),
        format!("{LOGIN_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0"),
    ] {
        if let Ok(v) = c.parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    s: Session,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !csrf::same(&f.csrf, &s.csrf) {
        return error_page(ApiError::forbidden("bad form token"), s.zh);
    }
    if let Err(e) = session::end(state.storage.as_ref(), &s.token_hash).await {
        return error_page(e.into(), s.zh);
    }
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = session::clear_cookie().parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Debug, Deserialize)]
pub struct Back {
    #[serde(default)]
    back: String,
}

pub async fn set_lang(Path(lang): Path<String>, Query(b): Query<Back>) -> Response {
    let lang = if lang == "en" { "en" } else { "zh" };
    let mut resp = Redirect::to(&safe_next(&b.back)).into_response();
    if let Ok(v) = format!("{LANG_COOKIE}={lang}; Path=/; SameSite=Lax; Max-Age=31536000").parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
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
                        let raw = json_text(&it[k]);
                        // Glossary values (`hazard`, `reported`) in words; ids and names
                        // have no label and pass through.
                        let text = raw
                            .split(',')
                            .map(|t| word(t, zh))
                            .collect::<Vec<_>>()
                            .join(if zh { "、" } else { ", " });
                        let href = if (k == "record_id" || k == "household_id") && !text.is_empty()
                        {
                            format!("/rec/{}", urlencode(&text))
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
        "silent" => ("失联", "silent"),
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
        "inspections" => vec![charts::bars(
            &t("隐患·类别", "Hazards by category"),
            &pick("hazard."),
        )],
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

fn crumbs(h: &Hierarchy, node: &str, href: impl Fn(&str) -> String) -> Vec<Crumb> {
    h.path(node)
        .iter()
        .map(|n| Crumb {
            href: href(n),
            label: h.name(n).to_string(),
        })
        .collect()
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
                "hazards_by_category" => if zh {
                    "隐患类别"
                } else {
                    "Hazards by category"
                }
                .into(),
                "per_worker_day" => if zh {
                    "每人每日更新记录数"
                } else {
                    "Records per worker per day"
                }
                .into(),
                "devices" => if zh {
                    "设备同步情况"
                } else {
                    "Devices: last sync"
                }
                .into(),
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

fn cell_text(c: &Cell) -> (String, bool) {
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

fn photos(v: &Json, out: &mut Vec<String>) {
    match v {
        Json::Object(o) => {
            for (k, x) in o {
                if k == "photos" || k == "evidence" {
                    if let Some(a) = x.as_array() {
                        out.extend(a.iter().filter_map(|h| h.as_str().map(String::from)));
                    }
                } else {
                    photos(x, out);
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|x| photos(x, out)),
        _ => {}
    }
}

/// Stored instants (`2026-11-28T02:30:00Z`, UTC) are shown in Asia/Shanghai; anything else
/// passes through.
fn shown(text: String) -> String {
    let looks_like_instant =
        text.len() >= 20 && text.as_bytes().get(10) == Some(&b'T') && text.ends_with('Z');
    match looks_like_instant
        .then(|| crate::reports::scope::parse_instant(&text))
        .flatten()
    {
        Some(t) => local_time(t),
        None => text,
    }
}

fn local_time(t: DateTime<Utc>) -> String {
    (t + Duration::hours(crate::reports::scope::ZONE_OFFSET_HOURS))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub async fn record(State(state): State<AppState>, s: Session, Path(id): Path<String>) -> Response {
    let zh = s.zh;
    let doc = match state.storage.document(&id).await {
        Ok(Some(d)) => d,
        Ok(None) => return error_page(ApiError::not_found("no such record"), zh),
        Err(e) => return error_page(e.into(), zh),
    };
    if !s.reader.reach.contains(&doc.grid) {
        return error_page(ApiError::forbidden("outside your scope"), zh);
    }
    let kind: Option<gridkeeper_core::Kind> = doc.kind.parse().ok();
    let mut data = doc.data.clone().unwrap_or(Json::Null);
    if !s.reader.full_access() {
        data = match kind.map(|k| k.ops().mask(data)) {
            Some(Ok(d)) => d,
            _ => Json::Null,
        };
    }
    let mut fields = vec![
        (
            if zh { "类型" } else { "kind" }.to_string(),
            doc.kind.clone(),
        ),
        (
            if zh { "网格" } else { "grid" }.to_string(),
            s.reader.hierarchy.name(&doc.grid).to_string(),
        ),
        (
            if zh { "创建时间" } else { "created" }.to_string(),
            shown(doc.created_at.clone()),
        ),
    ];
    if doc.kind == "case"
        && let Some(c) = doc
            .data
            .clone()
            .and_then(|d| serde_json::from_value::<gridkeeper_core::kinds::case::Case>(d).ok())
    {
        let f = rows::case_figures(&c);
        fields.push((
            if zh { "状态" } else { "state" }.into(),
            word(f.state.as_str(), zh).to_string(),
        ));
    }
    if let Some(o) = data.as_object() {
        for (k, v) in o {
            let text = match v {
                Json::String(s) => s.clone(),
                other => serde_json::to_string_pretty(other).unwrap_or_default(),
            };
            fields.push((k.clone(), text));
        }
    }
    let mut photo_list = Vec::new();
    photos(&data, &mut photo_list);
    photo_list.retain(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit()));
    let history = AutoCommit::load(&doc.saved)
        .map(|mut am| gridkeeper_core::record::history::list(&mut am))
        .unwrap_or_default()
        .into_iter()
        .map(|h| {
            let when = DateTime::from_timestamp(h.time, 0)
                .map(local_time)
                .unwrap_or_default();
            let who = h.user.unwrap_or_else(|| h.actor.chars().take(8).collect());
            (when, who, h.summary)
        })
        .collect();
    let back = format!("/rec/{id}");
    let page = RecordPage {
        c: chrome(
            Some(&s),
            zh,
            format!("{} {}", if zh { "记录" } else { "Record" }, doc.record_id),
            "",
            &back,
        ),
        crumbs: crumbs(&s.reader.hierarchy, &doc.grid, |n| {
            format!("/r/population?node={}", urlencode(n))
        }),
        fields,
        photos: photo_list,
        history,
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
    let mut q = q;
    q.entry("lang".into())
        .or_insert_with(|| if s.zh { "zh" } else { "en" }.into());
    let result = match build_report_export(&state, &s.reader, &name, &q).await {
        Ok(e) => deliver(&state, &s.reader, &q, e).await,
        Err(e) => Err(e),
    };
    result.unwrap_or_else(|e| error_page(e, s.zh))
}

pub async fn export_list(
    State(state): State<AppState>,
    s: Session,
    Path(name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut q = q;
    q.entry("lang".into())
        .or_insert_with(|| if s.zh { "zh" } else { "en" }.into());
    let result = match build_list_export(&state, &s.reader, &name, &q).await {
        Ok(e) => deliver(&state, &s.reader, &q, e).await,
        Err(e) => Err(e),
    };
    result.unwrap_or_else(|e| error_page(e, s.zh))
}

async fn admin_page(state: &AppState, s: &Session, notice: String) -> Response {
    let zh = s.zh;
    if s.reader.user.role != Role::Admin {
        return error_page(ApiError::forbidden("administrators only"), zh);
    }
    let load = async {
        let grids = state.storage.grids().await?;
        let users = state.storage.users().await?;
        let devices = state.storage.devices().await?;
        let audit = audit::recent(state.storage.as_ref(), 50).await?;
        Ok::<_, crate::storage::StorageError>((grids, users, devices, audit))
    };
    let (grids, users, devices, audit) = match load.await {
        Ok(x) => x,
        Err(e) => return error_page(e.into(), zh),
    };
    let h = Hierarchy::new(&grids);
    let mut tree = Vec::new();
    let mut stack: Vec<(String, usize)> = h.roots().iter().rev().map(|r| (r.clone(), 0)).collect();
    while let Some((n, depth)) = stack.pop() {
        tree.push((format!("{}{}", "　　".repeat(depth), h.name(&n)), n.clone()));
        stack.extend(h.children(&n).iter().rev().map(|c| (c.clone(), depth + 1)));
    }
    let names: HashMap<&str, &str> = users
        .iter()
        .map(|u| (u.id.as_str(), u.name.as_str()))
        .collect();
    let page = AdminPage {
        c: chrome(
            Some(s),
            zh,
            if zh { "系统管理" } else { "Administration" }.into(),
            "",
            "/admin",
        ),
        notice,
        grids: tree,
        users: users
            .iter()
            .map(|u| {
                (
                    u.name.clone(),
                    u.role.as_str().to_string(),
                    u.scope.join(","),
                )
            })
            .collect(),
        devices: devices
            .iter()
            .map(|d| {
                (
                    d.id.clone(),
                    names
                        .get(d.user_id.as_str())
                        .copied()
                        .unwrap_or("")
                        .to_string(),
                    d.last_seen.clone().unwrap_or_default(),
                    d.revoked_at.is_none(),
                )
            })
            .collect(),
        audit: audit
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, v)| match i {
                        1 => names.get(v.text()).copied().unwrap_or("").to_string(),
                        5 => if v.int() == 1 { "masked" } else { "full" }.to_string(),
                        _ => match v {
                            crate::reports::sql::SqlValue::Int(n) => n.to_string(),
                            other => other.text().to_string(),
                        },
                    })
                    .collect()
            })
            .collect(),
    };
    render(&page, StatusCode::OK)
}

pub async fn admin(State(state): State<AppState>, s: Session) -> Response {
    admin_page(&state, &s, String::new()).await
}

pub async fn admin_revoke(
    State(state): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !csrf::same(&f.csrf, &s.csrf) {
        return error_page(ApiError::forbidden("bad form token"), s.zh);
    }
    if s.reader.user.role != Role::Admin {
        return error_page(ApiError::forbidden("administrators only"), s.zh);
    }
    if let Err(e) = admin::revoke_device(&state.storage, &id).await {
        return error_page(e, s.zh);
    }
    Redirect::to("/admin").into_response()
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    user: String,
}

pub async fn admin_enroll_code(
    State(state): State<AppState>,
    s: Session,
    Form(f): Form<CodeForm>,
) -> Response {
    if !csrf::same(&f.csrf, &s.csrf) {
        return error_page(ApiError::forbidden("bad form token"), s.zh);
    }
    if s.reader.user.role != Role::Admin {
        return error_page(ApiError::forbidden("administrators only"), s.zh);
    }
    match admin::issue_enroll_code(&state.storage, &f.user, admin::DEFAULT_CODE_HOURS).await {
        Ok((code, expires)) => {
            let notice = if s.zh {
                format!(
                    "{} 的注册码：{code}（{expires} 前有效，仅可使用一次）",
                    f.user
                )
            } else {
                format!(
                    "Enrolment code for {}: {code} (once, until {expires})",
                    f.user
                )
            };
            admin_page(&state, &s, notice).await
        }
        Err(e) => error_page(e, s.zh),
    }
}

#[derive(Debug, Deserialize)]
pub struct GridForm {
    #[serde(default)]
    csrf: String,
    id: String,
    name: String,
    #[serde(default)]
    parent: String,
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    csrf: String,
    name: String,
    role: String,
    #[serde(default)]
    scope: String,
}

#[derive(Debug, Deserialize)]
pub struct PasswdForm {
    #[serde(default)]
    csrf: String,
    user: String,
    password: String,
}

/// The checks every administrator form passes first: its CSRF token, then the role.
fn admin_form(s: &Session, token: &str) -> Option<Response> {
    if !csrf::same(token, &s.csrf) {
        return Some(error_page(ApiError::forbidden("bad form token"), s.zh));
    }
    if s.reader.user.role != Role::Admin {
        return Some(error_page(ApiError::forbidden("administrators only"), s.zh));
    }
    None
}

pub async fn admin_add_grid(
    State(state): State<AppState>,
    s: Session,
    Form(f): Form<GridForm>,
) -> Response {
    if let Some(r) = admin_form(&s, &f.csrf) {
        return r;
    }
    let parent = Some(f.parent.trim()).filter(|p| !p.is_empty());
    match admin::add_grid(&state.storage, f.id.trim(), f.name.trim(), parent).await {
        Ok(g) => {
            state.tree.invalidate();
            let notice = if s.zh {
                format!("已添加 {}", g.name)
            } else {
                format!("Added {}", g.name)
            };
            admin_page(&state, &s, notice).await
        }
        Err(e) => error_page(e, s.zh),
    }
}

pub async fn admin_add_user(
    State(state): State<AppState>,
    s: Session,
    Form(f): Form<UserForm>,
) -> Response {
    if let Some(r) = admin_form(&s, &f.csrf) {
        return r;
    }
    let Some(role) = Role::parse(f.role.trim()) else {
        return error_page(
            ApiError::bad_request("bad_role", "role is worker, supervisor or admin"),
            s.zh,
        );
    };
    let scope: Vec<String> = f
        .scope
        .split([',', '，', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect();
    match admin::add_user(&state.storage, f.name.trim(), role, &scope).await {
        Ok(u) => {
            let notice = if s.zh {
                format!("已添加用户 {}", u.name)
            } else {
                format!("Added user {}", u.name)
            };
            admin_page(&state, &s, notice).await
        }
        Err(e) => error_page(e, s.zh),
    }
}

pub async fn admin_passwd(
    State(state): State<AppState>,
    s: Session,
    Form(f): Form<PasswdForm>,
) -> Response {
    if let Some(r) = admin_form(&s, &f.csrf) {
        return r;
    }
    if f.password.chars().count() < password::MIN_LENGTH {
        return error_page(
            ApiError::bad_request(
                "weak_password",
                format!(
                    "a password needs at least {} characters",
                    password::MIN_LENGTH
                ),
            ),
            s.zh,
        );
    }
    let user = match admin::find_user(&state.storage, &f.user).await {
        Ok(u) if u.role != Role::Worker => u,
        Ok(_) => {
            return error_page(
                ApiError::bad_request("no_web_sign_in", "grid workers sign in on their phones"),
                s.zh,
            );
        }
        Err(e) => return error_page(e, s.zh),
    };
    match password::set(state.storage.as_ref(), &user.id, &f.password, &admin::now()).await {
        Ok(()) => {
            let notice = if s.zh {
                format!("已设置 {} 的密码", user.name)
            } else {
                format!("Password set for {}", user.name)
            };
            admin_page(&state, &s, notice).await
        }
        Err(e) => error_page(e.into(), s.zh),
    }
}
