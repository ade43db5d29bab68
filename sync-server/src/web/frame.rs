//! The frame every page shares: navigation, language, error pages, breadcrumbs, times.

use std::collections::HashMap;

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};

use super::session::{Session, urlencode};
use crate::error::ApiError;
use crate::reports::queries::REPORTS;
use crate::reports::scope::Hierarchy;
use crate::storage::Role;

pub(crate) struct NavItem {
    pub(crate) href: String,
    pub(crate) label: String,
    pub(crate) on: bool,
}

/// What every page's frame shows.
pub(crate) struct Chrome {
    pub(crate) zh: bool,
    pub(crate) title: String,
    pub(crate) signed_in: bool,
    pub(crate) is_admin: bool,
    pub(crate) user_name: String,
    pub(crate) csrf: String,
    pub(crate) nav: Vec<NavItem>,
    pub(crate) back: String,
}

pub(crate) struct CellV {
    pub(crate) text: String,
    pub(crate) href: String,
    pub(crate) num: bool,
}

pub(crate) struct RowV {
    pub(crate) cells: Vec<CellV>,
    pub(crate) total: bool,
}

pub(crate) struct TableV {
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<RowV>,
}

pub(crate) struct ListV {
    pub(crate) title: String,
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<RowV>,
}

pub(crate) struct Crumb {
    pub(crate) href: String,
    pub(crate) label: String,
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage {
    pub(crate) c: Chrome,
    pub(crate) message: String,
}

pub(crate) fn render(t: &impl Template, status: StatusCode) -> Response {
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

pub(crate) fn list_title(name: &str, zh: bool) -> String {
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

pub(crate) fn chrome(
    s: Option<&Session>,
    zh: bool,
    title: String,
    current: &str,
    back: &str,
) -> Chrome {
    let nav = match s {
        Some(_) => REPORTS
            .iter()
            .map(|r| NavItem {
                href: format!("/r/{r}"),
                label: report_title(r, zh),
                on: *r == current,
            })
            .chain(std::iter::once(NavItem {
                href: "/tasks".into(),
                label: if zh { "下发任务" } else { "Tasks" }.into(),
                on: current == "tasks",
            }))
            .chain(std::iter::once(NavItem {
                href: "/work-orders".into(),
                label: if zh { "工单" } else { "Work orders" }.into(),
                on: current == "work-orders",
            }))
            .chain(std::iter::once(NavItem {
                href: "/ledgers".into(),
                label: if zh { "台账" } else { "Ledgers" }.into(),
                on: current == "ledgers",
            }))
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
    // The API's messages are English: in Chinese, a code with words says it in words.
    let words = super::labels::refusal(e.code).filter(|_| zh);
    let message = match (e.status, zh, words) {
        // A refusal with its own words (a revoked phone's rescue file, an unknown device)
        // says them; a bare 403 or 404 says no more than that, whatever the reader sent.
        (StatusCode::FORBIDDEN, true, Some(w)) => format!("无法完成：{w}"),
        (StatusCode::FORBIDDEN, true, None) => "无权访问：超出您的管辖范围或权限。".to_string(),
        (StatusCode::NOT_FOUND, true, Some(w)) => format!("未找到：{w}"),
        (StatusCode::NOT_FOUND, true, None) => "未找到。".to_string(),
        (StatusCode::BAD_REQUEST, true, w) => {
            format!("请求有误：{}", w.unwrap_or_else(|| e.message.clone()))
        }
        (StatusCode::CONFLICT, true, w) => {
            format!("无法完成：{}", w.unwrap_or_else(|| e.message.clone()))
        }
        (StatusCode::PAYLOAD_TOO_LARGE, true, w) => {
            format!("文件过大：{}", w.unwrap_or_else(|| e.message.clone()))
        }
        (_, true, _) => "服务暂时不可用，请稍后再试。".to_string(),
        (_, false, _) => e.message.clone(),
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

pub(crate) fn query_string(q: &HashMap<String, String>, keys: &[&str]) -> String {
    keys.iter()
        .filter_map(|k| {
            q.get(*k)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

pub(crate) fn crumbs(h: &Hierarchy, node: &str, href: impl Fn(&str) -> String) -> Vec<Crumb> {
    h.path(node)
        .iter()
        .map(|n| Crumb {
            href: href(n),
            label: h.name(n).to_string(),
        })
        .collect()
}

pub(crate) fn shown(text: String) -> String {
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

pub(crate) fn local_time(t: DateTime<Utc>) -> String {
    (t + Duration::hours(crate::reports::scope::ZONE_OFFSET_HOURS))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
