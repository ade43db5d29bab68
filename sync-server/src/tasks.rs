//! Tasks a supervisor gives a grid's workers (任务下发), and how far they have got.
//!
//! A task is a record like the others (core's `kinds::task`): the relay writes it as the
//! supervisor's web device, stored through the push path, so it reaches the grid's phones in
//! their next sync, and its changes merge as any record's do. Who did which target is read
//! from the visits and inspections that synced (and the marks workers made), never written
//! back into the task, so two workers who did the same target count once.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use gridkeeper_core::kinds::common::SubjectKind;
use gridkeeper_core::kinds::task::{Task, TaskTarget, TaskType};
use gridkeeper_core::record::{self, Context, Envelope};
use gridkeeper_core::{Kind, RecordId};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::Tree;
use crate::dispatch::may_direct;
use crate::error::ApiError;
use crate::relay_edit::{Written, create_and_store, web_device};
use crate::reports::sql::{SqlValue, Stmt};
use crate::storage::{Role, Storage, StorageError, User};
use crate::text;

/// Which households or places a task is about: named one by one, or chosen by a filter over
/// the grid's records as the relay holds them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFilter {
    /// Households with a member tagged so (`solitary_elderly`, `left_behind_child` …).
    #[serde(default)]
    pub tag: String,
    /// Places of this type (`shop`, `rental` …).
    #[serde(default)]
    pub place_type: String,
    /// Households (and, for a task that is not an inspection, places) whose address holds
    /// this text: a building, a compound.
    #[serde(default)]
    pub address: String,
}

/// What a supervisor sends to give a task.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewTask {
    pub grid: String,
    pub title: String,
    /// `visit`, `inspection`, `errand` or `other`.
    pub task_type: String,
    #[serde(default)]
    pub details: String,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    /// Workers' user names; none means every worker of the grid.
    #[serde(default)]
    pub assignees: Vec<String>,
    /// Household or place record ids.
    #[serde(default)]
    pub targets: Vec<String>,
    #[serde(default)]
    pub filter: Option<TargetFilter>,
}

/// A target and who did it, if anyone has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetProgress {
    pub target_id: String,
    pub target_kind: String,
    pub label: String,
    /// Who did it: the worker of the visit or inspection, or who marked it done.
    pub done_by: Option<String>,
    pub done_at: Option<String>,
    /// `visit`, `inspection` or `mark`.
    pub done_with: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskSummary {
    pub record_id: String,
    pub grid: String,
    pub title: String,
    pub task_type: String,
    pub due_on: String,
    pub given_at: String,
    pub assigned_by: String,
    pub assignees: Vec<String>,
    pub done: u64,
    pub total: u64,
    /// Past its due date with targets left.
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskProgress {
    #[serde(flatten)]
    pub summary: TaskSummary,
    pub targets: Vec<TargetProgress>,
    /// Targets done, per worker.
    pub by_worker: BTreeMap<String, u64>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_task", message)
}

/// Gives a task: checks who may, resolves the targets, writes the record.
pub async fn create(
    state: &AppState,
    user: &User,
    reach: &BTreeSet<String>,
    req: &NewTask,
) -> Result<TaskProgress, ApiError> {
    if user.role == Role::Worker {
        return Err(ApiError::forbidden(
            "tasks are given by supervisors and administrators",
        ));
    }
    let storage = state.storage.as_ref();
    let grids = storage.grids().await?;
    if !grids.iter().any(|g| g.id == req.grid) {
        return Err(ApiError::bad_request(
            "unknown_grid",
            format!("there is no grid {}", req.grid),
        ));
    }
    if !may_direct(user, reach, &req.grid) {
        return Err(ApiError::forbidden("outside your scope"));
    }
    let task_type = TaskType::parse(&req.task_type)
        .ok_or_else(|| invalid("task_type is one of visit, inspection, errand, other"))?;
    let title = text::name(&req.title, 100)
        .ok_or_else(|| invalid("the title is 1–100 characters on one line"))?;
    let details = text::within(&req.details, 2000)
        .ok_or_else(|| invalid("the details may not exceed 2000 characters"))?;
    let tree = Tree::new(&grids);
    let users = storage.users().await?;
    for name in &req.assignees {
        let worker = users
            .iter()
            .find(|u| &u.name == name && u.role == Role::Worker)
            .ok_or_else(|| invalid(format!("{name} is not a worker")))?;
        if !tree.subtree(&worker.scope).contains(&req.grid) {
            return Err(invalid(format!(
                "{name} does not work in grid {}",
                req.grid
            )));
        }
    }
    let targets = resolve_targets(storage, req, task_type).await?;
    let id = RecordId::new();
    let ctx = Context::new(Utc::now(), Some(user.name.clone()), Default::default());
    let task = Task {
        title: title.to_string(),
        task_type,
        details: details.to_string(),
        due_on: req.due_on.clone(),
        assignees: req.assignees.clone(),
        targets,
        marks: Vec::new(),
        assigned_by: user.name.clone(),
    };
    let data = serde_json::to_value(&task).map_err(|e| invalid(e.to_string()))?;
    let data = Kind::Task.ops().prepare(data, &ctx).map_err(|e| match e {
        gridkeeper_core::Error::Invalid(i) => invalid(format!("{}: {}", i.field, i.reason)),
        other => invalid(other.to_string()),
    })?;
    let env = Envelope {
        id,
        kind: Kind::Task,
        grid: req.grid.clone(),
        schema_version: Kind::Task.ops().schema_version(),
        archived: false,
        created_at: ctx.now_text(),
    };
    let actor = automerge::ActorId::random();
    let am = record::new_document(&env, &data, Kind::Task.ops().text_fields(), actor.clone())
        .map_err(|e| invalid(e.to_string()))?;
    let device = web_device(state, &user.id).await?;
    let record_id = id.to_string();
    let record = Written {
        record_id: &record_id,
        grid: &req.grid,
        kind: Kind::Task,
        before: &[],
    };
    create_and_store(state, &device, &user.name, record, am, &actor).await?;
    progress(storage, &record_id)
        .await?
        .ok_or_else(|| ApiError::not_found("the task just given"))
}

/// The households and places a request names, checked to be live records of its grid, in
/// A grid's households (`record_id, address`) and places (`record_id, name, place_type,
/// address`) as the relay holds them, by address: what a task may name, for the give form
/// and for checking a request.
pub async fn grid_targets(
    storage: &dyn Storage,
    grid: &str,
) -> Result<(Vec<Vec<SqlValue>>, Vec<Vec<SqlValue>>), StorageError> {
    let households = storage
        .report_query(&Stmt::new(
            "SELECT record_id, address FROM r_households WHERE grid = $1 ORDER BY address, record_id",
            vec![grid.into()],
        ))
        .await?;
    let places = storage
        .report_query(&Stmt::new(
            "SELECT record_id, name, place_type, address FROM r_places WHERE grid = $1 ORDER BY address, record_id",
            vec![grid.into()],
        ))
        .await?;
    Ok((households, places))
}

/// the order given (named ones first, then the filter's, by address).
async fn resolve_targets(
    storage: &dyn Storage,
    req: &NewTask,
    task_type: TaskType,
) -> Result<Vec<TaskTarget>, ApiError> {
    let grid = SqlValue::from(&req.grid);
    let (households, places) = grid_targets(storage, &req.grid).await?;
    let mut out: Vec<TaskTarget> = Vec::new();
    let push = |out: &mut Vec<TaskTarget>, kind: SubjectKind, id: &str, label: &str| {
        if !out.iter().any(|t| t.id == id) {
            out.push(TaskTarget {
                kind,
                id: id.to_string(),
                label: label.to_string(),
            });
        }
    };
    for (i, id) in req.targets.iter().enumerate() {
        if let Some(h) = households.iter().find(|h| h[0].text() == id) {
            push(&mut out, SubjectKind::Household, id, h[1].text());
        } else if let Some(p) = places.iter().find(|p| p[0].text() == id) {
            push(&mut out, SubjectKind::Place, id, p[1].text());
        } else {
            // By position, not id: an id from beyond the caller's reach is not echoed.
            return Err(invalid(format!(
                "targets[{i}] is not a household or place of grid {}",
                req.grid
            )));
        }
    }
    if let Some(f) = &req.filter {
        let (tag, place_type, address) = (f.tag.trim(), f.place_type.trim(), f.address.trim());
        if tag.is_empty() && place_type.is_empty() && address.is_empty() {
            return Err(invalid("a filter names a tag, a place type or an address"));
        }
        if !tag.is_empty() {
            let tagged = storage
                .report_query(&Stmt::new(
                    "SELECT DISTINCT household_id FROM r_members WHERE grid = $1 AND (',' || tags || ',') LIKE $2",
                    vec![grid.clone(), format!("%,{tag},%").into()],
                ))
                .await?;
            let tagged: BTreeSet<&str> = tagged.iter().map(|r| r[0].text()).collect();
            for h in households.iter().filter(|h| tagged.contains(h[0].text())) {
                if address.is_empty() || h[1].text().contains(address) {
                    push(&mut out, SubjectKind::Household, h[0].text(), h[1].text());
                }
            }
        }
        if !place_type.is_empty() {
            for p in places.iter().filter(|p| p[2].text() == place_type) {
                if address.is_empty() || p[3].text().contains(address) {
                    push(&mut out, SubjectKind::Place, p[0].text(), p[1].text());
                }
            }
        }
        if tag.is_empty() && place_type.is_empty() {
            if task_type != TaskType::Inspection {
                for h in households.iter().filter(|h| h[1].text().contains(address)) {
                    push(&mut out, SubjectKind::Household, h[0].text(), h[1].text());
                }
            }
            for p in places.iter().filter(|p| p[3].text().contains(address)) {
                push(&mut out, SubjectKind::Place, p[0].text(), p[1].text());
            }
        }
    }
    if out.is_empty() {
        return Err(invalid(
            "the task names no household or place of the grid (none matched the filter)",
        ));
    }
    Ok(out)
}

const SUMMARY: &str = "SELECT t.record_id, t.grid, t.title, t.task_type, t.due_on, t.given_at,
        t.assigned_by, t.assignees, t.counts_from FROM r_tasks t";

fn summary(row: &[SqlValue], done: u64, total: u64, today: &str) -> TaskSummary {
    let due_on = row[4].text().to_string();
    TaskSummary {
        record_id: row[0].text().to_string(),
        grid: row[1].text().to_string(),
        title: row[2].text().to_string(),
        task_type: row[3].text().to_string(),
        overdue: done < total && due_on.as_str() < today,
        due_on,
        given_at: row[5].text().to_string(),
        assigned_by: row[6].text().to_string(),
        assignees: row[7]
            .text()
            .split('\n')
            .filter(|a| !a.is_empty())
            .map(String::from)
            .collect(),
        done,
        total,
    }
}

fn today() -> String {
    crate::reports::scope::local_date(Utc::now()).to_string()
}

/// Each target of a task with who did it first: the earliest visit (for a visit task) or
/// completed inspection (for an inspection task) from the day it was given, or the first
/// mark, whichever came first.
async fn targets(
    storage: &dyn Storage,
    record_id: &str,
    task_type: &str,
    counts_from: &str,
) -> Result<Vec<TargetProgress>, StorageError> {
    let rows = storage
        .report_query(&Stmt::new(
            "SELECT g.target_id, g.target_kind, g.label, g.marked_by, g.marked_at,
                (SELECT v.worker FROM r_visits v WHERE v.subject_id = g.target_id AND v.visited_at >= $2
                   ORDER BY v.visited_at, v.record_id LIMIT 1),
                (SELECT min(v.visited_at) FROM r_visits v WHERE v.subject_id = g.target_id AND v.visited_at >= $2),
                (SELECT i.inspector FROM r_inspections i WHERE i.subject_id = g.target_id AND i.status = 'completed'
                   AND i.inspected_at >= $2 ORDER BY i.inspected_at, i.record_id LIMIT 1),
                (SELECT min(i.inspected_at) FROM r_inspections i WHERE i.subject_id = g.target_id AND i.status = 'completed'
                   AND i.inspected_at >= $2)
             FROM r_task_targets g WHERE g.record_id = $1 ORDER BY g.position",
            vec![record_id.into(), counts_from.into()],
        ))
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let mut done: Vec<(String, String, &str)> = Vec::new();
            if !r[3].text().is_empty() {
                done.push((r[4].text().into(), r[3].text().into(), "mark"));
            }
            let (by, at, with) = match task_type {
                "visit" => (r[5].opt_text(), r[6].opt_text(), "visit"),
                "inspection" => (r[7].opt_text(), r[8].opt_text(), "inspection"),
                _ => (None, None, ""),
            };
            if let (Some(by), Some(at)) = (by, at) {
                done.push((at.into(), by.into(), with));
            }
            let first = done.into_iter().min();
            TargetProgress {
                target_id: r[0].text().to_string(),
                target_kind: r[1].text().to_string(),
                label: r[2].text().to_string(),
                done_at: first.as_ref().map(|f| f.0.clone()),
                done_by: first.as_ref().map(|f| f.1.clone()),
                done_with: first.map(|f| f.2.to_string()),
            }
        })
        .collect())
}

/// One task with each target's progress; `None` if there is no such task.
pub async fn progress(
    storage: &dyn Storage,
    record_id: &str,
) -> Result<Option<TaskProgress>, StorageError> {
    let rows = storage
        .report_query(&Stmt::new(
            format!("{SUMMARY} WHERE t.record_id = $1"),
            vec![record_id.into()],
        ))
        .await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let targets = targets(storage, record_id, row[3].text(), row[8].text()).await?;
    let done = targets.iter().filter(|t| t.done_by.is_some()).count() as u64;
    let mut by_worker = BTreeMap::new();
    for by in targets.iter().filter_map(|t| t.done_by.clone()) {
        *by_worker.entry(by).or_insert(0) += 1;
    }
    Ok(Some(TaskProgress {
        summary: summary(row, done, targets.len() as u64, &today()),
        targets,
        by_worker,
    }))
}

/// The tasks of the grids given, due first, with their progress counted.
pub async fn list(
    storage: &dyn Storage,
    grids: &BTreeSet<String>,
) -> Result<Vec<TaskSummary>, StorageError> {
    let rows = storage
        .report_query(&Stmt::new(
            format!("{SUMMARY} ORDER BY t.due_on, t.record_id"),
            vec![],
        ))
        .await?;
    let today = today();
    let mut out = Vec::new();
    for row in rows.iter().filter(|r| grids.contains(r[1].text())) {
        let targets = targets(storage, row[0].text(), row[3].text(), row[8].text()).await?;
        let done = targets.iter().filter(|t| t.done_by.is_some()).count() as u64;
        out.push(summary(row, done, targets.len() as u64, &today));
    }
    Ok(out)
}

/// The task of `record_id` if the caller may read it.
pub async fn one(
    storage: &dyn Storage,
    user: &User,
    reach: &BTreeSet<String>,
    record_id: &str,
) -> Result<TaskProgress, ApiError> {
    let task = progress(storage, record_id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such task"))?;
    if user.role != Role::Admin && !reach.contains(&task.summary.grid) {
        // Not found rather than forbidden: a task id outside reach says nothing.
        return Err(ApiError::not_found("no such task"));
    }
    Ok(task)
}
