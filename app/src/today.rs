//! Today's work (今日工作): who is due a visit, which places an inspection, which cases are
//! near or past their deadline, which mediations need a follow-up — from core's agenda, so it
//! is the same on every phone for the same records and day.

use chrono::{DateTime, Utc};
use gridkeeper_core::Store;
use serde::Serialize;

use crate::effect::Effect;
use crate::lang::{Lang, error_words, t, t1, t2};
use crate::times;

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum TodayEvent {
    /// Shown or come back to, at the phone's time (Unix seconds).
    Refresh {
        at: i64,
    },
    Open(Target),
    /// The grid's places (shops, rental housing …).
    Places,
    /// The forms left unfinished.
    Drafts,
    /// The grid's activities (宣传 / 文体活动).
    Activities,
    /// The worker's 民情日志 for today, written from what they recorded.
    Diary,
    /// Search households, places, cases and mediations at once.
    Search,
    /// The records with unresolved conflicts.
    Conflicts,
    /// An errand's household or place done (`TodayLine::mark_done`), as the signed-in worker.
    MarkTaskTarget {
        task_id: String,
        target_id: String,
        /// When, at the phone's time (Unix seconds): today's work is shown again as of then.
        at: i64,
    },
}

/// Which task's target a line's "done" marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct TaskTargetRef {
    pub task_id: String,
    pub target_id: String,
}

/// Where a tap on a line goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    Household { id: String, member_id: String },
    Place { id: String },
    Case { id: String },
    Mediation { id: String },
    Activity { id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct TodayLine {
    pub title: String,
    pub detail: String,
    /// Drawn in the warning colour.
    pub overdue: bool,
    pub target: Target,
    /// On an errand's (or other task's) line: a "done" beside it marks the next target done
    /// (`TodayEvent::MarkTaskTarget`). A visit or an inspection is done by recording it.
    pub mark_done: Option<TaskTargetRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct TodayView {
    pub loading: bool,
    /// Tasks a supervisor gave, due first, one line each; a tap opens the next household or
    /// place still to do, where the visit or inspection that completes it is recorded.
    pub tasks: Vec<TodayLine>,
    pub visits: Vec<TodayLine>,
    pub inspections: Vec<TodayLine>,
    pub cases: Vec<TodayLine>,
    pub mediations: Vec<TodayLine>,
    /// Records a supervisor sent back, with what to put right; a tap opens the record (a
    /// visit or an inspection opens what it was about).
    pub returned: Vec<TodayLine>,
    /// `2 份表单未完成`, when any are: a tap opens them (`Drafts`).
    pub drafts_text: Option<String>,
    /// `3 条记录有冲突待处理`, when any are: a tap opens them (`Conflicts`).
    pub conflicts_text: Option<String>,
    pub empty_text: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct Today {
    grid: Option<String>,
    lang: Lang,
    view: TodayView,
}

impl Today {
    pub fn new(grid: Option<String>, lang: Lang) -> Today {
        Today {
            grid,
            lang,
            view: TodayView {
                loading: true,
                ..TodayView::default()
            },
        }
    }

    pub fn view(&self) -> &TodayView {
        &self.view
    }

    pub fn update(&mut self, store: &mut Store, event: TodayEvent) -> Vec<Effect> {
        match event {
            TodayEvent::Open(target) => vec![Effect::Open { target }],
            TodayEvent::Places => vec![Effect::OpenPlaces],
            TodayEvent::Drafts => vec![Effect::OpenDrafts],
            TodayEvent::Activities => vec![Effect::OpenActivities],
            TodayEvent::Diary => vec![Effect::OpenDiary],
            TodayEvent::Search => vec![Effect::OpenSearch],
            TodayEvent::Conflicts => vec![Effect::OpenConflictList],
            TodayEvent::Refresh { at } => {
                // A clock outside chrono's range is no date a phone has; today will do.
                let now = DateTime::from_timestamp(at, 0).unwrap_or_else(Utc::now);
                self.refresh(store, now);
                Vec::new()
            }
            TodayEvent::MarkTaskTarget {
                task_id,
                target_id,
                at,
            } => {
                let marked = task_id
                    .parse()
                    .map_err(|_| gridkeeper_core::Error::NotFound(task_id.clone()))
                    .and_then(|id| store.mark_task_target(id, &target_id, ""));
                let now = DateTime::from_timestamp(at, 0).unwrap_or_else(Utc::now);
                self.refresh(store, now);
                if let Err(e) = marked {
                    self.view.error = Some(error_words(&e, self.lang));
                }
                Vec::new()
            }
        }
    }

    fn refresh(&mut self, store: &Store, now: DateTime<Utc>) {
        let lang = self.lang;
        let agenda = match store.agenda(self.grid.as_deref(), now) {
            Ok(a) => a,
            Err(e) => {
                self.view.loading = false;
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let due = |due_on: &str, overdue: i64| {
            if overdue > 0 {
                t1("today.overdue", lang, overdue)
            } else {
                t1("today.due_by", lang, due_on)
            }
        };
        let tasks: Vec<TodayLine> = agenda
            .tasks
            .iter()
            .filter_map(|task| task_line(task, lang))
            .collect();
        let visits: Vec<TodayLine> = agenda
            .visits
            .into_iter()
            .map(|v| TodayLine {
                title: format!("{} · {}", v.name, t(&format!("tag.{}", v.tag), lang)),
                detail: due(&v.due_on, v.days_overdue),
                overdue: v.days_overdue > 0,
                target: Target::Household {
                    id: v.household_id,
                    member_id: v.member_id,
                },
                mark_done: None,
            })
            .collect();
        let inspections: Vec<TodayLine> = agenda
            .inspections
            .into_iter()
            .map(|i| TodayLine {
                title: i.name,
                detail: due(&i.due_on, i.days_overdue),
                overdue: i.days_overdue > 0,
                target: Target::Place { id: i.place_id },
                mark_done: None,
            })
            .collect();
        let cases: Vec<TodayLine> = agenda
            .cases
            .into_iter()
            .map(|c| TodayLine {
                title: format!(
                    "{} · {}",
                    t(&format!("category.{}", c.category), lang),
                    t(&format!("severity.{}", c.severity), lang)
                ),
                detail: format!(
                    "{} · {}",
                    t(&format!("state.{}", c.state), lang),
                    t1("today.deadline", lang, times::local(&c.deadline))
                ),
                overdue: c.overdue,
                target: Target::Case { id: c.case_id },
                mark_done: None,
            })
            .collect();
        let mediations: Vec<TodayLine> = agenda
            .mediations
            .into_iter()
            .map(|m| TodayLine {
                title: t(&format!("dispute.{}", m.dispute_type), lang),
                detail: t1("today.follow_up", lang, &m.due_on),
                overdue: m.needs_escalation,
                target: Target::Mediation { id: m.mediation_id },
                mark_done: None,
            })
            .collect();
        let returned: Vec<TodayLine> = store
            .returned_records(self.grid.as_deref())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| returned_line(r, lang))
            .collect();
        let empty = tasks.is_empty()
            && visits.is_empty()
            && inspections.is_empty()
            && cases.is_empty()
            && mediations.is_empty()
            && returned.is_empty();
        self.view = TodayView {
            loading: false,
            tasks,
            visits,
            inspections,
            cases,
            mediations,
            returned,
            // Unfinished forms are the worker's own: the whole phone's, whatever the grid.
            drafts_text: match store.drafts() {
                Ok(d) if !d.is_empty() => Some(t1("today.drafts", lang, d.len())),
                _ => None,
            },
            // A count from core's flags, not a load of every document.
            conflicts_text: match store.conflicted_count(self.grid.as_deref()) {
                Ok(n) if n > 0 => Some(t1("today.conflicts", lang, n)),
                _ => None,
            },
            empty_text: empty.then(|| t("today.nothing", lang)),
            error: None,
        };
    }
}

/// A task as a line of today's work: what, how far, where next and by when. `None` once
/// nothing is left (core leaves such tasks out already).
fn task_line(task: &gridkeeper_core::store::TaskDue, lang: Lang) -> Option<TodayLine> {
    let next = task.targets.iter().find(|t| !t.done)?;
    let target = match next.target_kind.as_str() {
        "place" => Target::Place {
            id: next.target_id.clone(),
        },
        _ => Target::Household {
            id: next.target_id.clone(),
            member_id: String::new(),
        },
    };
    let due = if task.days_overdue > 0 {
        t1("today.overdue", lang, task.days_overdue)
    } else {
        t1("today.due_by", lang, &task.due_on)
    };
    let done = task.done_count().to_string();
    let total = task.targets.len().to_string();
    Some(TodayLine {
        title: format!(
            "{} · {}",
            t(&format!("task_type.{}", task.task_type), lang),
            task.title
        ),
        detail: format!(
            "{} · {} · {due}",
            t2("today.task_done", lang, &done, &total),
            t1("today.task_next", lang, &next.label),
        ),
        overdue: task.days_overdue > 0,
        target,
        // Only work that leaves no record of its own is marked by hand.
        mark_done: matches!(task.task_type.as_str(), "errand" | "other").then(|| TaskTargetRef {
            task_id: task.task_id.clone(),
            target_id: next.target_id.clone(),
        }),
    })
}

/// A record sent back, as a line of today's work; `None` for a kind this build has no screen
/// for.
fn returned_line(r: gridkeeper_core::store::ReturnedRecord, lang: Lang) -> Option<TodayLine> {
    let (kind, id) = match (r.kind.as_str(), r.subject) {
        ("visit" | "inspection", Some((kind, id))) => (kind, id),
        (kind, _) => (kind.to_string(), r.id),
    };
    let target = match kind.as_str() {
        "household" => Target::Household {
            id,
            member_id: String::new(),
        },
        "place" => Target::Place { id },
        "case" => Target::Case { id },
        "mediation" => Target::Mediation { id },
        "activity" => Target::Activity { id },
        _ => return None,
    };
    let what = t(&format!("record.kind.{}", r.kind), lang);
    Some(TodayLine {
        title: if r.title.is_empty() {
            what
        } else {
            format!("{what} · {}", r.title)
        },
        detail: t2("today.returned", lang, &r.by, &r.note),
        overdue: true,
        target,
        mark_done: None,
    })
}
