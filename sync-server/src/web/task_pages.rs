//! Tasks from the supervisor's pages: the tasks in reach with how far each has got, a form to
//! give one (the grid's households and places to tick, or a filter), and a task's page with
//! who did which target (`crate::tasks`).

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::csrf;
use super::frame::{Chrome, chrome, error_page, render, shown};
use super::session::{Session, urlencode};
use crate::app::AppState;
use crate::error::ApiError;
use crate::tasks::{self, NewTask, TargetFilter};

pub(crate) struct TaskRow {
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) grid: String,
    pub(crate) kind: String,
    pub(crate) due_on: String,
    pub(crate) progress: String,
    pub(crate) overdue: bool,
}

pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: String,
}

#[derive(Template)]
#[template(path = "tasks.html")]
pub(crate) struct TasksPage {
    pub(crate) c: Chrome,
    pub(crate) rows: Vec<TaskRow>,
    pub(crate) can_give: bool,
    /// The grids a task may be given to, when none is chosen yet.
    pub(crate) grids: Vec<Choice>,
    /// The grid chosen, with its households and places to tick.
    pub(crate) grid: String,
    pub(crate) grid_name: String,
    pub(crate) targets: Vec<Choice>,
    pub(crate) tags: Vec<Choice>,
    pub(crate) types: Vec<Choice>,
}

pub(crate) struct TargetRow {
    pub(crate) href: String,
    pub(crate) label: String,
    pub(crate) done_by: String,
    pub(crate) done_at: String,
    pub(crate) done_with: String,
}

#[derive(Template)]
#[template(path = "task.html")]
pub(crate) struct TaskPage {
    pub(crate) c: Chrome,
    pub(crate) summary: String,
    pub(crate) overdue: bool,
    pub(crate) targets: Vec<TargetRow>,
    pub(crate) workers: Vec<Choice>,
}

fn type_word(t: &str, zh: bool) -> String {
    let (c, e) = match t {
        "visit" => ("走访", "Visit"),
        "inspection" => ("检查", "Inspection"),
        "errand" => ("代办", "Errand"),
        _ => ("其他", "Other"),
    };
    if zh { c } else { e }.to_string()
}

const TAGS: [&str; 7] = [
    "solitary_elderly",
    "empty_nest_elderly",
    "left_behind_child",
    "disabled",
    "subsistence_allowance",
    "veteran",
    "key_person",
];

/// The grids (nodes without children) in the reader's reach.
fn leaf_grids(s: &Session) -> BTreeSet<String> {
    s.reader
        .reach
        .iter()
        .filter(|n| s.reader.hierarchy.children(n).is_empty())
        .cloned()
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    s: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let zh = s.zh;
    let storage = state.storage.as_ref();
    let grids = leaf_grids(&s);
    let listed = match tasks::list(storage, &grids).await {
        Ok(l) => l,
        Err(e) => return error_page(e.into(), zh),
    };
    let rows = listed
        .into_iter()
        .map(|t| TaskRow {
            href: format!("/tasks/{}", urlencode(&t.record_id)),
            grid: s.reader.hierarchy.name(&t.grid).to_string(),
            kind: type_word(&t.task_type, zh),
            progress: format!("{}/{}", t.done, t.total),
            overdue: t.overdue,
            title: t.title,
            due_on: t.due_on,
        })
        .collect();
    let can_give = s.reader.user.role != crate::storage::Role::Worker;
    let grid = q
        .get("grid")
        .filter(|g| grids.contains(*g))
        .cloned()
        .unwrap_or_default();
    let mut targets = Vec::new();
    if !grid.is_empty() {
        match tasks::grid_targets(storage, &grid).await {
            Ok((h, p)) => targets.extend(h.iter().chain(p.iter()).map(|r| Choice {
                value: r[0].text().to_string(),
                label: r[1].text().to_string(),
            })),
            Err(e) => return error_page(e.into(), zh),
        }
    }
    let title = if zh { "下发任务" } else { "Tasks" }.to_string();
    render(
        &TasksPage {
            c: chrome(Some(&s), zh, title, "tasks", "/tasks"),
            rows,
            can_give,
            grids: grids
                .iter()
                .map(|g| Choice {
                    value: format!("/tasks?grid={}", urlencode(g)),
                    label: s.reader.hierarchy.name(g).to_string(),
                })
                .collect(),
            grid_name: s.reader.hierarchy.name(&grid).to_string(),
            grid,
            targets,
            tags: TAGS
                .iter()
                .map(|t| Choice {
                    value: t.to_string(),
                    label: super::labels::value(t, zh),
                })
                .collect(),
            types: ["visit", "inspection", "errand", "other"]
                .iter()
                .map(|t| Choice {
                    value: t.to_string(),
                    label: type_word(t, zh),
                })
                .collect(),
        },
        StatusCode::OK,
    )
}

pub async fn show(State(state): State<AppState>, s: Session, Path(id): Path<String>) -> Response {
    let zh = s.zh;
    let task = match tasks::one(state.storage.as_ref(), &s.reader.user, &s.reader.reach, &id).await
    {
        Ok(t) => t,
        Err(e) => return error_page(e, zh),
    };
    let t = &task.summary;
    let summary = if zh {
        format!(
            "{} · {} · {}前 · 已完成 {}/{} · {}下发",
            type_word(&t.task_type, zh),
            s.reader.hierarchy.name(&t.grid),
            t.due_on,
            t.done,
            t.total,
            t.assigned_by
        )
    } else {
        format!(
            "{} · {} · due {} · {} of {} done · given by {}",
            type_word(&t.task_type, zh),
            s.reader.hierarchy.name(&t.grid),
            t.due_on,
            t.done,
            t.total,
            t.assigned_by
        )
    };
    let with_word = |w: &str| -> String {
        let (c, e) = match w {
            "visit" => ("走访", "visit"),
            "inspection" => ("检查", "inspection"),
            "mark" => ("标记完成", "marked done"),
            _ => ("", ""),
        };
        if zh { c } else { e }.to_string()
    };
    let targets = task
        .targets
        .iter()
        .map(|g| TargetRow {
            href: format!("/rec/{}", urlencode(&g.target_id)),
            label: g.label.clone(),
            done_by: g.done_by.clone().unwrap_or_default(),
            done_at: g.done_at.clone().map(shown).unwrap_or_default(),
            done_with: g.done_with.as_deref().map(with_word).unwrap_or_default(),
        })
        .collect();
    let workers = task
        .by_worker
        .iter()
        .map(|(w, n)| Choice {
            value: n.to_string(),
            label: w.clone(),
        })
        .collect();
    render(
        &TaskPage {
            c: chrome(
                Some(&s),
                zh,
                t.title.clone(),
                "tasks",
                &format!("/tasks/{id}"),
            ),
            summary,
            overdue: t.overdue,
            targets,
            workers,
        },
        StatusCode::OK,
    )
}

/// The give form's fields. Parsed by hand: the ticked households and places come as
/// `target=…` many times, which axum's `Form` does not take.
#[derive(Debug, Default)]
struct GiveForm {
    csrf: String,
    req: NewTask,
    filter: TargetFilter,
    assignees: String,
}

fn give_form(body: &[u8]) -> GiveForm {
    let mut f = GiveForm::default();
    for (k, v) in form_urlencoded::parse(body) {
        let v = v.into_owned();
        match k.as_ref() {
            "csrf" => f.csrf = v,
            "grid" => f.req.grid = v,
            "title" => f.req.title = v,
            "task_type" => f.req.task_type = v,
            "due_on" => f.req.due_on = v,
            "details" => f.req.details = v,
            "assignees" => f.assignees = v,
            "tag" => f.filter.tag = v,
            "place_type" => f.filter.place_type = v,
            "address" => f.filter.address = v,
            "target" => f.req.targets.push(v),
            _ => {}
        }
    }
    f
}

pub async fn give(State(state): State<AppState>, s: Session, body: axum::body::Bytes) -> Response {
    let GiveForm {
        csrf: token,
        mut req,
        filter,
        assignees,
    } = give_form(&body);
    if !csrf::same(&token, &s.csrf) {
        return error_page(ApiError::forbidden("bad form token"), s.zh);
    }
    let filtered = !(filter.tag.trim().is_empty()
        && filter.place_type.trim().is_empty()
        && filter.address.trim().is_empty());
    req.filter = filtered.then_some(filter);
    // Names separated by commas (either width) or spaces; blank for every worker of the grid.
    req.assignees = assignees
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|a| !a.is_empty())
        .map(String::from)
        .collect();
    match tasks::create(&state, &s.reader.user, &s.reader.reach, &req).await {
        Ok(t) => {
            Redirect::to(&format!("/tasks/{}", urlencode(&t.summary.record_id))).into_response()
        }
        Err(e) => error_page(e, s.zh),
    }
}
