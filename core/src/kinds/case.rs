//! Cases (事件): hazards, environment problems, residents' appeals and errands done for
//! residents, each followed through a closed loop (see [`super::case_flow`]).

use chrono::{DateTime, Duration, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

use super::Kind;
use super::case_flow::{self, CaseAction, CaseState};
use super::common::{Subject, blob_hashes, enum_name, instant};
use crate::error::Invalid;
use crate::ids::new_item_id;
use crate::record::{Context, Envelope, RecordKind, SearchEntry};
use crate::validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseCategory {
    /// 安全隐患
    Hazard,
    /// 环境问题
    Environment,
    /// 诉求
    Appeal,
    /// 代办
    Errand,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationLevel {
    Community,
    Street,
}

/// Where a case came from, when a visit or an inspection raised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSource {
    /// `visit` or `inspection`.
    pub kind: String,
    pub id: String,
    /// The checklist item that failed, for an inspection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    #[serde(default)]
    pub id: String,
    pub action: CaseAction,
    #[serde(default)]
    pub at: String,
    #[serde(default)]
    pub by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Why it was returned (required for `return`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_to: Option<EscalationLevel>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
    /// The handling party the case was dispatched to (派遣: a department, the property
    /// manager, a police station), on the `accept` or `start` entry that dispatched it. An
    /// app from before dispatch reads the entry as the action it is and keeps the field.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dispatch_to: String,
    /// The date the handling party must act by (YYYY-MM-DD), with `dispatch_to`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub handle_by: String,
    /// The handling party whose result a `resolve` entry records.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub handler: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub category: CaseCategory,
    /// Finer kind within the category, e.g. a hazard's `fire`, `gas`, `electric`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subcategory: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    #[serde(default)]
    pub severity: Severity,
    /// When it was reported; empty means now.
    #[serde(default)]
    pub reported_at: String,
    /// Due by; when empty, set from the community's policy for category and severity.
    #[serde(default)]
    pub deadline: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<CaseSource>,
    /// Append-only; starts with the `report` entry.
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
}

/// A case's state as folded from its merged timeline, and whether it is overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseStatus {
    pub state: CaseState,
    pub overdue: bool,
    /// Timeline entries (by position) overtaken by a concurrent action.
    pub superseded: Vec<usize>,
}

impl TimelineEntry {
    /// An entry for `action`; id, time and author are filled in when it is appended.
    pub fn new(action: CaseAction) -> Self {
        TimelineEntry {
            id: String::new(),
            action,
            at: String::new(),
            by: String::new(),
            note: String::new(),
            reason: String::new(),
            escalate_to: None,
            photos: vec![],
            dispatch_to: String::new(),
            handle_by: String::new(),
            handler: String::new(),
        }
    }
}

impl Case {
    pub fn status(&self, now: DateTime<Utc>) -> CaseStatus {
        let (state, superseded) = case_flow::fold(
            self.timeline
                .iter()
                .map(|e| (e.at.as_str(), e.id.as_str(), e.action)),
        );
        let overdue = state.is_open()
            && DateTime::parse_from_rfc3339(&self.deadline)
                .map(|d| d.with_timezone(&Utc) < now)
                .unwrap_or(false);
        CaseStatus {
            state,
            overdue,
            superseded,
        }
    }

    /// Appends a transition after checking it is legal from the current state.
    pub fn act(&mut self, mut entry: TimelineEntry, ctx: &Context) -> Result<CaseState, Invalid> {
        let from = self.status(ctx.now).state;
        let to = case_flow::next(from, entry.action).ok_or_else(|| {
            Invalid::new(
                "action",
                format!(
                    "cannot {} a case that is {}",
                    entry.action.as_str(),
                    from.as_str()
                ),
            )
        })?;
        entry.id = new_item_id();
        entry.at = ctx.now_text();
        if entry.by.trim().is_empty() {
            entry.by = ctx.user.clone().unwrap_or_default();
        }
        self.timeline.push(entry);
        Ok(to)
    }

    fn prepare_entry(entry: &mut TimelineEntry, field: &str, ctx: &Context) -> Result<(), Invalid> {
        if entry.id.trim().is_empty() {
            entry.id = new_item_id();
        }
        entry.at = instant(&format!("{field}.at"), &entry.at, ctx.now)?;
        // Checked, not trimmed: a past entry is never rewritten.
        validate::no_controls(&format!("{field}.by"), &entry.by)?;
        entry.note = validate::text(&format!("{field}.note"), &entry.note, 2000)?;
        entry.reason = validate::text(&format!("{field}.reason"), &entry.reason, 500)?;
        if entry.action == CaseAction::Return && entry.reason.is_empty() {
            return Err(Invalid::new(
                format!("{field}.reason"),
                "is required when returning a case",
            ));
        }
        if entry.action == CaseAction::Escalate && entry.escalate_to.is_none() {
            return Err(Invalid::new(
                format!("{field}.escalate_to"),
                "is required when escalating (community or street)",
            ));
        }
        validate::no_controls(&format!("{field}.dispatch_to"), &entry.dispatch_to)?;
        validate::no_controls(&format!("{field}.handler"), &entry.handler)?;
        let dispatched = !entry.dispatch_to.is_empty();
        if dispatched && !matches!(entry.action, CaseAction::Accept | CaseAction::Start) {
            return Err(Invalid::new(
                format!("{field}.dispatch_to"),
                "a case is dispatched when it is accepted or started",
            ));
        }
        if dispatched == entry.handle_by.is_empty()
            || (dispatched
                && chrono::NaiveDate::parse_from_str(&entry.handle_by, "%Y-%m-%d").is_err())
        {
            return Err(Invalid::new(
                format!("{field}.handle_by"),
                "a dispatch needs the date to act by (YYYY-MM-DD), and only a dispatch has one",
            ));
        }
        if !entry.handler.is_empty() && entry.action != CaseAction::Resolve {
            return Err(Invalid::new(
                format!("{field}.handler"),
                "a handling party's result is recorded when the case is resolved",
            ));
        }
        blob_hashes(&format!("{field}.photos"), &mut entry.photos)
    }
}

impl RecordKind for Case {
    const KIND: Kind = Kind::Case;
    const TABLES: &'static [&'static str] = &["cases"];
    const CHECKS_EDITS: bool = true;

    fn prepare(&mut self, ctx: &Context) -> Result<(), Invalid> {
        self.description = validate::required("description", &self.description)?;
        self.description = validate::text("description", &self.description, 4000)?;
        self.subcategory = validate::text("subcategory", &self.subcategory, 40)?;
        if let Some(s) = &mut self.subject {
            s.prepare("subject")?;
        }
        self.reported_at = instant("reported_at", &self.reported_at, ctx.now)?;
        let reported = DateTime::parse_from_rfc3339(&self.reported_at)
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or(ctx.now);
        if self.deadline.trim().is_empty() {
            let days = ctx
                .policies
                .case_days(&enum_name(&self.category), &enum_name(&self.severity));
            self.deadline = (reported + Duration::days(i64::from(days)))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        } else {
            let d = DateTime::parse_from_rfc3339(self.deadline.trim()).map_err(|_| {
                Invalid::new("deadline", "must be a time like 2026-12-01T18:00:00+08:00")
            })?;
            self.deadline = d
                .with_timezone(&Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        }
        blob_hashes("photos", &mut self.photos)?;
        if self.timeline.is_empty() {
            self.timeline.push(TimelineEntry {
                at: self.reported_at.clone(),
                by: ctx.user.clone().unwrap_or_default(),
                ..TimelineEntry::new(CaseAction::Report)
            });
        }
        if self.timeline.first().map(|e| e.action) != Some(CaseAction::Report) {
            return Err(Invalid::new(
                "timeline[0].action",
                "a case's timeline starts with its report",
            ));
        }
        for (i, entry) in self.timeline.iter_mut().enumerate() {
            Case::prepare_entry(entry, &format!("timeline[{i}]"), ctx)?;
        }
        Ok(())
    }

    /// The timeline is append-only: an edit may add entries, each legal from the state the
    /// ones before it reached, but never change or drop one.
    fn check_edit(old: &Self, new: &Self, ctx: &Context) -> Result<(), Invalid> {
        if new.timeline.len() < old.timeline.len()
            || new.timeline[..old.timeline.len()] != old.timeline[..]
        {
            return Err(Invalid::new(
                "timeline",
                "is append-only: earlier entries cannot be changed or removed",
            ));
        }
        let mut state = old.status(ctx.now).state;
        for (i, entry) in new.timeline.iter().enumerate().skip(old.timeline.len()) {
            state = case_flow::next(state, entry.action).ok_or_else(|| {
                Invalid::new(
                    format!("timeline[{i}].action"),
                    format!(
                        "cannot {} a case that is {}",
                        entry.action.as_str(),
                        state.as_str()
                    ),
                )
            })?;
        }
        if new.category != old.category {
            return Err(Invalid::new(
                "category",
                "cannot change once reported; archive and report anew",
            ));
        }
        Ok(())
    }

    fn derived(&self, ctx: &Context) -> Json {
        let status = self.status(ctx.now);
        json!({"state": status.state, "overdue": status.overdue, "superseded": status.superseded})
    }

    fn mask(&mut self) {}

    fn project(
        &self,
        env: &Envelope,
        tx: &rusqlite::Transaction<'_>,
    ) -> rusqlite::Result<SearchEntry> {
        // Overdue depends on the clock, so lists compute it from `deadline` at query time.
        let (state, _) = case_flow::fold(
            self.timeline
                .iter()
                .map(|e| (e.at.as_str(), e.id.as_str(), e.action)),
        );
        let closed_at = if state.is_open() {
            None
        } else {
            self.timeline.iter().map(|e| e.at.clone()).max()
        };
        tx.prepare_cached(
            "INSERT INTO cases (record_id, grid, archived, category, subcategory, severity, state, subject_kind, subject_id, reported_at, deadline, closed_at, source_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            env.id.to_string(),
            env.grid,
            env.archived,
            enum_name(&self.category),
            self.subcategory,
            enum_name(&self.severity),
            state.as_str(),
            self.subject.as_ref().map(|s| s.kind.as_str()),
            self.subject.as_ref().map(|s| s.id.clone()),
            self.reported_at,
            self.deadline,
            closed_at,
            self.source.as_ref().map(|s| s.id.clone()),
        ])?;
        let mut attachments = self.photos.clone();
        attachments.extend(self.timeline.iter().flat_map(|e| e.photos.iter().cloned()));
        Ok(SearchEntry {
            names: vec![],
            other: vec![self.description.clone()],
            attachments,
        })
    }
}
