//! Tasks (任务下发): work a supervisor gives a grid's workers — "visit every solitary elderly
//! person before the cold wave", "re-inspect these five shops by Friday".
//!
//! A target is done when a visit (for a visit task) or an inspection (for an inspection task)
//! of it is recorded on or after the day the task was given, or when a worker marks it done
//! (an errand, or a visit that could not happen). Completion is read from those records, not
//! written into the task, so two workers who visit the same household offline count once:
//! a target is done or not, whoever did it first.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::Kind;
use super::common::{SubjectKind, date, enum_name, instant};
use crate::error::Invalid;
use crate::record::{Context, Envelope, RecordKind, SearchEntry};
use crate::validate;

/// At most this many households or places in one task: a street's worth, which a phone lists
/// at once.
pub const MAX_TARGETS: usize = 500;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskType {
    #[default]
    Visit,
    Inspection,
    Errand,
    Other,
}

impl TaskType {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskType::Visit => "visit",
            TaskType::Inspection => "inspection",
            TaskType::Errand => "errand",
            TaskType::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<TaskType> {
        [
            TaskType::Visit,
            TaskType::Inspection,
            TaskType::Errand,
            TaskType::Other,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// A household or place the task is about, with the words it was listed under when the task
/// was given (an address, a shop's name), so a phone shows it before the record arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskTarget {
    pub kind: SubjectKind,
    pub id: String,
    #[serde(default)]
    pub label: String,
}

/// A worker marking a target done by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskMark {
    /// The item's own id, given when it is first prepared: list items are matched by id when
    /// a document is written, so a mark is never rewritten (or doubled in a merge) by position.
    #[serde(default)]
    pub id: String,
    /// The target's record id.
    pub target: String,
    pub by: String,
    pub at: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub title: String,
    #[serde(default)]
    pub task_type: TaskType,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub details: String,
    /// `YYYY-MM-DD`, the last day.
    pub due_on: String,
    /// Workers' user names; none means every worker of the grid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assignees: Vec<String>,
    pub targets: Vec<TaskTarget>,
    /// Append-only: marks are never changed or taken back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<TaskMark>,
    pub assigned_by: String,
}

/// The instant from which a visit or inspection counts for a task given at `given_at`: the
/// start of that day in China (UTC+8), as stored instants are written (`…Z`). A visit made
/// the morning before a task given that afternoon still answers it.
pub fn counts_from(given_at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(given_at) {
        Ok(t) => {
            let day = (t.with_timezone(&chrono::Utc) + chrono::Duration::hours(8)).date_naive();
            let start = day.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(8);
            format!("{}Z", start.format("%Y-%m-%dT%H:%M:%S"))
        }
        // A creation time that does not parse counts everything recorded.
        Err(_) => String::new(),
    }
}

impl Task {
    /// Whether `user` is one of the task's workers.
    pub fn is_for(&self, user: &str) -> bool {
        self.assignees.is_empty() || self.assignees.iter().any(|a| a == user)
    }
}

impl RecordKind for Task {
    const KIND: Kind = Kind::Task;
    const TABLES: &'static [&'static str] = &["tasks", "task_targets"];
    const CHECKS_EDITS: bool = true;

    fn prepare(&mut self, ctx: &Context) -> Result<(), Invalid> {
        self.title = validate::required("title", &self.title)?;
        self.title = validate::text("title", &self.title, 100)?;
        self.details = validate::text("details", &self.details, 2000)?;
        self.due_on = date("due_on", &self.due_on)?;
        self.assigned_by = validate::required("assigned_by", &self.assigned_by)?;
        self.assigned_by = validate::text("assigned_by", &self.assigned_by, 64)?;
        if self.assignees.len() > 50 {
            return Err(Invalid::new("assignees", "at most 50 workers"));
        }
        for (i, a) in self.assignees.iter_mut().enumerate() {
            *a = validate::required(&format!("assignees[{i}]"), a)?;
            *a = validate::text(&format!("assignees[{i}]"), a, 64)?;
        }
        if self.targets.is_empty() {
            return Err(Invalid::new(
                "targets",
                "name at least one household or place",
            ));
        }
        if self.targets.len() > MAX_TARGETS {
            return Err(Invalid::new(
                "targets",
                format!("at most {MAX_TARGETS} households or places"),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, t) in self.targets.iter_mut().enumerate() {
            let field = format!("targets[{i}]");
            t.id = t.id.trim().to_string();
            if t.id.parse::<crate::RecordId>().is_err() {
                return Err(Invalid::new(format!("{field}.id"), "is not a record id"));
            }
            if !seen.insert(t.id.clone()) {
                return Err(Invalid::new(format!("{field}.id"), "is listed twice"));
            }
            if self.task_type == TaskType::Inspection && t.kind != SubjectKind::Place {
                return Err(Invalid::new(
                    format!("{field}.kind"),
                    "an inspection task is about places",
                ));
            }
            t.label = validate::text(&format!("{field}.label"), &t.label, 200)?;
        }
        for (i, m) in self.marks.iter_mut().enumerate() {
            let field = format!("marks[{i}]");
            if m.id.is_empty() {
                m.id = crate::ids::new_item_id();
            }
            if !self.targets.iter().any(|t| t.id == m.target) {
                return Err(Invalid::new(
                    format!("{field}.target"),
                    "is not one of the task's targets",
                ));
            }
            m.by = validate::required(&format!("{field}.by"), &m.by)?;
            m.at = instant(&format!("{field}.at"), &m.at, ctx.now)?;
            m.note = validate::text(&format!("{field}.note"), &m.note, 500)?;
        }
        Ok(())
    }

    fn check_edit(old: &Self, new: &Self, _ctx: &Context) -> Result<(), Invalid> {
        if new.marks.len() < old.marks.len() || new.marks[..old.marks.len()] != old.marks[..] {
            return Err(Invalid::new(
                "marks",
                "is append-only: a target marked done stays marked",
            ));
        }
        // What was asked, of whom and by when is the giver's: a phone only marks targets.
        fn given(t: &Task) -> impl PartialEq + '_ {
            (
                &t.title,
                t.task_type,
                &t.details,
                &t.due_on,
                &t.assignees,
                &t.targets,
                &t.assigned_by,
            )
        }
        if given(old) != given(new) {
            return Err(Invalid::new(
                "task",
                "a task is changed only by who gave it; a phone marks its targets done",
            ));
        }
        Ok(())
    }

    fn mask(&mut self) {}

    fn project(
        &self,
        env: &Envelope,
        tx: &rusqlite::Transaction<'_>,
    ) -> rusqlite::Result<SearchEntry> {
        let id = env.id.to_string();
        tx.prepare_cached("INSERT INTO tasks (record_id, grid, archived, title, task_type, due_on, given_at, counts_from, assignees) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?
            .execute(params![id, env.grid, env.archived, self.title, enum_name(&self.task_type), self.due_on, env.created_at, counts_from(&env.created_at), self.assignees.join("\n")])?;
        let mut target = tx.prepare_cached(
            "INSERT OR IGNORE INTO task_targets (record_id, target_id, target_kind, label, position, marked) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (i, t) in self.targets.iter().enumerate() {
            let marked = self.marks.iter().any(|m| m.target == t.id);
            target.execute(params![
                id,
                t.id,
                t.kind.as_str(),
                t.label,
                i as i64,
                marked
            ])?;
        }
        Ok(SearchEntry {
            names: vec![self.title.clone()],
            other: Vec::new(),
            attachments: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task() -> Task {
        Task {
            title: "寒潮前走访独居老人".into(),
            task_type: TaskType::Visit,
            details: String::new(),
            due_on: "2026-12-10".into(),
            assignees: vec!["worker-a".into()],
            targets: vec![TaskTarget {
                kind: SubjectKind::Household,
                id: "0193a0b4-0000-7000-8000-000000000001".into(),
                label: "3栋2单元501".into(),
            }],
            marks: Vec::new(),
            assigned_by: "supervisor".into(),
        }
    }

    #[test]
    fn an_inspection_task_is_about_places() {
        let mut t = task();
        t.task_type = TaskType::Inspection;
        let Err(err) = t.prepare(&Context::default()) else {
            panic!("accepted");
        };
        assert_eq!(err.field, "targets[0].kind");
    }

    #[test]
    fn a_target_listed_twice_is_refused() {
        let mut t = task();
        t.targets.push(t.targets[0].clone());
        let Err(err) = t.prepare(&Context::default()) else {
            panic!("accepted");
        };
        assert_eq!(err.field, "targets[1].id");
    }

    #[test]
    fn a_mark_names_one_of_the_targets() {
        let mut t = task();
        t.marks.push(TaskMark {
            id: String::new(),
            target: "0193a0b4-0000-7000-8000-000000000009".into(),
            by: "worker-a".into(),
            at: "2026-12-08T02:00:00Z".into(),
            note: String::new(),
        });
        let Err(err) = t.prepare(&Context::default()) else {
            panic!("accepted");
        };
        assert_eq!(err.field, "marks[0].target");
    }

    #[test]
    fn marks_are_append_only() {
        let mut old = task();
        old.marks.push(TaskMark {
            id: "m1".into(),
            target: old.targets[0].id.clone(),
            by: "worker-a".into(),
            at: "2026-12-08T02:00:00Z".into(),
            note: String::new(),
        });
        let mut new = old.clone();
        new.marks.clear();
        assert!(Task::check_edit(&old, &new, &Context::default()).is_err());
        assert!(Task::check_edit(&old, &old.clone(), &Context::default()).is_ok());
    }

    #[test]
    fn what_was_asked_is_not_edited_from_a_phone() {
        let old = task();
        let mut later = old.clone();
        later.due_on = "2027-01-31".into();
        assert!(Task::check_edit(&old, &later, &Context::default()).is_err());
        let mut fewer = old.clone();
        fewer.targets.clear();
        assert!(Task::check_edit(&old, &fewer, &Context::default()).is_err());
    }

    #[test]
    fn work_counts_from_the_start_of_the_day_in_china() {
        assert_eq!(counts_from("2026-12-07T06:30:00Z"), "2026-12-06T16:00:00Z");
        assert_eq!(counts_from("2026-12-07T17:00:00Z"), "2026-12-07T16:00:00Z");
        assert_eq!(counts_from("not a time"), "");
    }

    #[test]
    fn no_assignee_means_every_worker() {
        let mut t = task();
        assert!(t.is_for("worker-a") && !t.is_for("worker-b"));
        t.assignees.clear();
        assert!(t.is_for("worker-b"));
    }
}
