//! A record's report rows, derived from its materialized fields by this one function for
//! both databases. Each backend runs the statements in the transaction that stores the
//! document, so reports never see a record without its rows or with stale ones.

use chrono::Utc;
use gridkeeper_core::kinds::case::Case;
use gridkeeper_core::kinds::case_flow::{CaseAction, CaseState};
use gridkeeper_core::kinds::common::enum_name;
use gridkeeper_core::kinds::inspection::InspectionStatus;
use gridkeeper_core::kinds::task::counts_from;
use gridkeeper_core::kinds::{
    Activity, Diary, Household, Inspection, Mediation, Place, Task, Visit,
};
use serde::de::DeserializeOwned;

use super::sql::{SqlValue, Stmt};
use crate::materialize::DocState;

/// Every report table a kind writes, with the column naming the record.
fn tables(kind: &str) -> &'static [(&'static str, &'static str)] {
    match kind {
        "household" => &[("r_households", "record_id"), ("r_members", "household_id")],
        "visit" => &[("r_visits", "record_id")],
        "place" => &[("r_places", "record_id")],
        "inspection" => &[
            ("r_inspections", "record_id"),
            ("r_inspection_answers", "record_id"),
        ],
        "case" => &[("r_cases", "record_id")],
        "mediation" => &[("r_mediations", "record_id")],
        "activity" => &[("r_activities", "record_id")],
        "task" => &[("r_tasks", "record_id"), ("r_task_targets", "record_id")],
        "diary" => &[("r_diaries", "record_id")],
        _ => &[],
    }
}

/// Statements that replace the record's report rows with ones read from `state`.
pub fn statements(state: &DocState) -> Vec<Stmt> {
    let id = || SqlValue::from(&state.record_id);
    let mut out: Vec<Stmt> = tables(&state.kind)
        .iter()
        .map(|(table, key)| Stmt::new(format!("DELETE FROM {table} WHERE {key} = $1"), vec![id()]))
        .collect();
    if state.archived {
        return out;
    }
    let Some(data) = &state.data else {
        return out;
    };
    fn typed<T: DeserializeOwned>(data: &serde_json::Value) -> Option<T> {
        serde_json::from_value(data.clone()).ok()
    }
    let grid = || SqlValue::from(&state.grid);
    match state.kind.as_str() {
        "household" => {
            if let Some(h) = typed::<Household>(data) {
                // Reports count the people who live here now; departed members stay in the
                // record only.
                let present: Vec<_> = h.members.iter().filter(|m| m.present()).collect();
                out.push(Stmt::new(
                    "INSERT INTO r_households (record_id, grid, housing_type, members, address) VALUES ($1, $2, $3, $4, $5)",
                    vec![id(), grid(), enum_name(&h.housing_type).into(), (present.len() as i64).into(), h.address.one_line().into()],
                ));
                for m in present {
                    let tags: Vec<&str> = m.tags.iter().map(|t| t.as_str()).collect();
                    out.push(Stmt::new(
                        "INSERT INTO r_members (household_id, member_id, grid, name, id_number, phone, gender, birth_date, relation, registration, tags)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        vec![
                            id(),
                            (&m.id).into(),
                            grid(),
                            (&m.name).into(),
                            m.id_number.clone().into(),
                            m.phone.clone().into(),
                            m.gender.map(|g| enum_name(&g)).into(),
                            m.birth_date.clone().into(),
                            enum_name(&m.relation).into(),
                            enum_name(&m.registration).into(),
                            tags.join(",").into(),
                        ],
                    ));
                }
            }
        }
        "visit" => {
            if let Some(v) = typed::<Visit>(data) {
                out.push(Stmt::new(
                    "INSERT INTO r_visits (record_id, grid, subject_kind, subject_id, visited_at, worker, purpose, members_seen)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    vec![id(), grid(), v.subject.kind.as_str().into(), (&v.subject.id).into(), (&v.visited_at).into(), (&v.worker).into(), enum_name(&v.purpose).into(), v.members_seen.join(",").into()],
                ));
            }
        }
        "place" => {
            if let Some(p) = typed::<Place>(data) {
                out.push(Stmt::new(
                    "INSERT INTO r_places (record_id, grid, name, place_type, address) VALUES ($1, $2, $3, $4, $5)",
                    vec![id(), grid(), (&p.name).into(), enum_name(&p.place_type).into(), p.address.one_line().into()],
                ));
            }
        }
        "inspection" => {
            if let Some(i) = typed::<Inspection>(data) {
                out.push(Stmt::new(
                    "INSERT INTO r_inspections (record_id, grid, subject_kind, subject_id, inspected_at, inspector, status)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    vec![id(), grid(), i.subject.kind.as_str().into(), (&i.subject.id).into(), (&i.inspected_at).into(), (&i.inspector).into(), enum_name(&i.status).into()],
                ));
                // A completed inspection's answers, for "failed items by category": which
                // items failed is core's rule over the template (pass/fail, number bounds,
                // relevance), applied at query time where the template can be looked up.
                if i.status == InspectionStatus::Completed
                    && let Ok(answers) = serde_json::to_string(&i.answers)
                {
                    out.push(Stmt::new(
                        "INSERT INTO r_inspection_answers (record_id, grid, template_id, template_version, inspected_at, answers) VALUES ($1, $2, $3, $4, $5, $6)",
                        vec![id(), grid(), (&i.template_id).into(), i64::from(i.template_version).into(), (&i.inspected_at).into(), answers.into()],
                    ));
                }
            }
        }
        "case" => {
            if let Some(c) = typed::<Case>(data) {
                let flow = case_figures(&c);
                let reporter = c.timeline.first().map(|e| e.by.clone()).unwrap_or_default();
                out.push(Stmt::new(
                    "INSERT INTO r_cases (record_id, grid, category, subcategory, severity, state, reported_at, deadline, handled_at, escalated, reporter)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    vec![
                        id(),
                        grid(),
                        enum_name(&c.category).into(),
                        (&c.subcategory).into(),
                        enum_name(&c.severity).into(),
                        flow.state.as_str().into(),
                        (&c.reported_at).into(),
                        (&c.deadline).into(),
                        flow.handled_at.into(),
                        flow.escalated.into(),
                        reporter.into(),
                    ],
                ));
            }
        }
        "mediation" => {
            if let Some(m) = typed::<Mediation>(data) {
                out.push(Stmt::new(
                    "INSERT INTO r_mediations (record_id, grid, dispute_type, risk_level, result, opened_on) VALUES ($1, $2, $3, $4, $5, $6)",
                    vec![id(), grid(), enum_name(&m.dispute_type).into(), enum_name(&m.risk_level).into(), m.result.map(|r| enum_name(&r)).into(), (&m.opened_on).into()],
                ));
            }
        }
        "diary" => {
            // Only a submitted entry is the worker's word for the day; a draft is not filed.
            if let Some(d) = typed::<Diary>(data).filter(|d| d.submitted_at.is_some()) {
                out.push(Stmt::new(
                    "INSERT INTO r_diaries (record_id, grid, worker, day, submitted_at, visited, problems, measures, results) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    vec![id(), grid(), (&d.worker).into(), (&d.day).into(), d.submitted_at.clone().into(), (&d.visited).into(), (&d.problems).into(), (&d.measures).into(), (&d.results).into()],
                ));
            }
        }
        "activity" => {
            if let Some(a) = typed::<Activity>(data) {
                out.push(Stmt::new(
                    "INSERT INTO r_activities (record_id, grid, topic, activity_type, held_on, participants) VALUES ($1, $2, $3, $4, $5, $6)",
                    vec![id(), grid(), (&a.topic).into(), enum_name(&a.activity_type).into(), (&a.held_on).into(), i64::from(a.participants).into()],
                ));
            }
        }
        "task" => {
            if let Some(t) = typed::<Task>(data) {
                out.push(Stmt::new(
                    "INSERT INTO r_tasks (record_id, grid, title, task_type, due_on, given_at, counts_from, assigned_by, assignees) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    vec![id(), grid(), (&t.title).into(), t.task_type.as_str().into(), (&t.due_on).into(), (&state.created_at).into(), counts_from(&state.created_at).into(), (&t.assigned_by).into(), t.assignees.join("\n").into()],
                ));
                for (i, target) in t.targets.iter().enumerate() {
                    // The first mark stands: two workers marking the same target offline
                    // count once.
                    let mark = t.marks.iter().find(|m| m.target == target.id);
                    out.push(Stmt::new(
                        "INSERT INTO r_task_targets (record_id, grid, target_id, target_kind, label, position, marked_by, marked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                        vec![id(), grid(), (&target.id).into(), target.kind.as_str().into(), (&target.label).into(), (i as i64).into(), mark.map(|m| m.by.as_str()).unwrap_or("").into(), mark.map(|m| m.at.as_str()).unwrap_or("").into()],
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

/// Statements that delete an erased record's report rows (its worker-activity facts stay:
/// they name a device, a day and a record id, nothing of the resident).
pub fn erase(kind: &str, record_id: &str) -> Vec<Stmt> {
    tables(kind)
        .iter()
        .map(|(table, key)| {
            Stmt::new(
                format!("DELETE FROM {table} WHERE {key} = $1"),
                vec![SqlValue::from(&record_id.to_string())],
            )
        })
        .collect()
}

/// Everything a push writes for reports: the record's rows, and that the pushing device
/// changed it on this (local) day, for the worker-activity report.
pub fn on_push(state: &DocState, device_id: &str, now: &str) -> Vec<Stmt> {
    let mut out = statements(state);
    out.push(worker_day(device_id, now, &state.grid, &state.record_id));
    out
}

/// One (day, device, record) fact; repeats on the same day are absorbed.
pub fn worker_day(device_id: &str, at: &str, grid: &str, record_id: &str) -> Stmt {
    let day = super::scope::parse_instant(at)
        .map(|t| super::scope::local_date(t).to_string())
        .unwrap_or_default();
    Stmt::new(
        "INSERT INTO r_worker_days (day, device_id, record_id, grid) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        vec![day.into(), device_id.into(), record_id.into(), grid.into()],
    )
}

/// What reports need from a case's closed loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFigures {
    pub state: CaseState,
    /// When the work was done: the first effective `resolve`, or the `close` of a case closed
    /// straight from `returned`. `None` while the case is open.
    pub handled_at: Option<String>,
    /// An effective `escalate` entry exists.
    pub escalated: bool,
    /// When a closed case was closed (its last effective `close`); `None` unless closed.
    /// Retention rules count a closed case's age from here.
    pub closed_at: Option<String>,
}

/// Folds the timeline with core's case flow (the same fold every phone does) and reads the
/// effective entries in the order the fold applied them.
pub fn case_figures(c: &Case) -> CaseFigures {
    let status = c.status(Utc::now());
    let mut order: Vec<usize> = (0..c.timeline.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&c.timeline[a], &c.timeline[b]);
        (x.at.as_str(), x.id.as_str()).cmp(&(y.at.as_str(), y.id.as_str()))
    });
    let effective = order
        .into_iter()
        .filter(|i| !status.superseded.contains(i))
        .map(|i| &c.timeline[i]);
    let mut resolved = None;
    let mut closed = None;
    let mut escalated = false;
    for e in effective {
        match e.action {
            CaseAction::Resolve if resolved.is_none() => resolved = Some(e.at.clone()),
            CaseAction::Close => closed = Some(e.at.clone()),
            CaseAction::Escalate => escalated = true,
            _ => {}
        }
    }
    let handled_at = if status.state.is_open() {
        None
    } else {
        resolved.or(closed.clone())
    };
    CaseFigures {
        closed_at: if status.state == CaseState::Closed {
            closed
        } else {
            None
        },
        state: status.state,
        handled_at,
        escalated,
    }
}
