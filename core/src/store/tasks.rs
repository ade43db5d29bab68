//! Tasks on the phone: which of a task's households and places are still to do, read from the
//! projection rows (no document is loaded), and a worker marking one done by hand.

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

use super::Store;
use crate::RecordId;
use crate::error::{Error, Invalid, Result};
use crate::kinds::task::{Task, TaskMark};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskTargetState {
    pub target_id: String,
    /// `household` or `place`.
    pub target_kind: String,
    pub label: String,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskDue {
    pub task_id: String,
    pub grid: String,
    pub title: String,
    pub task_type: String,
    pub due_on: String,
    /// Days past the due date (0 on the day or before).
    pub days_overdue: i64,
    pub targets: Vec<TaskTargetState>,
}

impl TaskDue {
    pub fn done_count(&self) -> usize {
        self.targets.iter().filter(|t| t.done).count()
    }
}

impl Store {
    /// Open tasks for the signed-in worker (every task when no one is signed in: the
    /// terminal client), in a grid or every grid, due first; a task whose targets are all
    /// done is left out.
    pub fn tasks_due(&self, grid: Option<&str>, now: DateTime<Utc>) -> Result<Vec<TaskDue>> {
        let today = crate::kinds::common::china_day(now);
        // A target is done by a mark, or by a visit or inspection of it recorded from the day
        // the task was given (`counts_from`), whoever recorded it.
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.record_id, t.grid, t.title, t.task_type, t.due_on, t.assignees,
                    g.target_id, g.target_kind, g.label,
                    g.marked
                    OR (t.task_type = 'visit' AND EXISTS (SELECT 1 FROM visits v
                        WHERE v.subject_id = g.target_id AND v.archived = 0 AND v.visited_at >= t.counts_from))
                    OR (t.task_type = 'inspection' AND EXISTS (SELECT 1 FROM inspections i
                        WHERE i.subject_id = g.target_id AND i.archived = 0 AND i.status = 'completed'
                          AND i.inspected_at >= t.counts_from))
             FROM tasks t JOIN task_targets g ON g.record_id = t.record_id
             WHERE t.archived = 0 AND (?1 IS NULL OR t.grid = ?1)
             ORDER BY t.due_on, t.record_id, g.position",
        )?;
        let rows = stmt.query_map(params![grid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                TaskTargetState {
                    target_id: r.get(6)?,
                    target_kind: r.get(7)?,
                    label: r.get(8)?,
                    done: r.get(9)?,
                },
            ))
        })?;
        let mut out: Vec<TaskDue> = Vec::new();
        for row in rows {
            let (task_id, grid, title, task_type, due_on, assignees, target) = row?;
            let mine = match &self.user {
                Some(user) => assignees.is_empty() || assignees.split('\n').any(|a| a == user),
                None => true,
            };
            if !mine {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.task_id == task_id => last.targets.push(target),
                _ => {
                    let days_overdue = chrono::NaiveDate::parse_from_str(&due_on, "%Y-%m-%d")
                        .map(|d| (today - d).num_days().max(0))
                        .unwrap_or(0);
                    out.push(TaskDue {
                        task_id,
                        grid,
                        title,
                        task_type,
                        due_on,
                        days_overdue,
                        targets: vec![target],
                    })
                }
            }
        }
        out.retain(|t| t.done_count() < t.targets.len());
        Ok(out)
    }

    /// Marks a task's target done by hand (an errand run, or a visit that cannot happen),
    /// as the signed-in worker. A target already marked is left as it is.
    pub fn mark_task_target(&mut self, task: RecordId, target: &str, note: &str) -> Result<bool> {
        let by = self
            .user
            .clone()
            .ok_or_else(|| Error::Invalid(Invalid::new("by", "no one is signed in")))?;
        let at = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let (target, note) = (target.to_string(), note.to_string());
        self.update::<Task>(task, move |t| {
            if !t.marks.iter().any(|m| m.target == target) {
                t.marks.push(TaskMark {
                    id: String::new(),
                    target,
                    by,
                    at,
                    note,
                });
            }
        })
    }
}
