//! Cases (事件): the list a worker scans for what is due — open cases first, the most overdue
//! on top (core's order), overdue ones flagged for the warning colour — and one case's
//! detail: its timeline in order, the deadline, and only the actions core's closed loop allows
//! from where the case stands. A case can also be reported on its own (`CaseReport`).

use chrono::{DateTime, Utc};
use gridkeeper_core::kinds::Case;
use gridkeeper_core::kinds::case::{CaseCategory, EscalationLevel, Severity, TimelineEntry};
use gridkeeper_core::kinds::case_flow::{self, CaseAction, CaseState};
use gridkeeper_core::kinds::common::{Subject, SubjectKind};
use gridkeeper_core::sync::SyncError;
use gridkeeper_core::{RecordId, Store};
use serde::{Deserialize, Serialize};

use crate::drafts::{self, Restored};
use crate::effect::Effect;
use crate::lang::{Lang, error_words, field_message, t, t1, t2, words_key};
use crate::photos::{self, PhotoFetch, PhotoFetchView, PhotoThumb};
use crate::times;

/// Where a case stands in its loop (core's `CaseState`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum CaseFlowState {
    #[default]
    Reported,
    Accepted,
    InProgress,
    Resolved,
    Verified,
    Closed,
    Returned,
    Escalated,
}

/// What a person can do to a case (core's `CaseAction`, less the report that opens it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum CaseFlowAction {
    Accept,
    Start,
    Resolve,
    Verify,
    Close,
    /// Needs a reason.
    Return,
    /// Needs `escalate_to`.
    Escalate,
    /// A note or photos, no change of state.
    Comment,
}

/// Who an escalated case goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum CaseEscalation {
    Community,
    Street,
}

fn state_of(s: CaseState) -> CaseFlowState {
    match s {
        CaseState::Reported => CaseFlowState::Reported,
        CaseState::Accepted => CaseFlowState::Accepted,
        CaseState::InProgress => CaseFlowState::InProgress,
        CaseState::Resolved => CaseFlowState::Resolved,
        CaseState::Verified => CaseFlowState::Verified,
        CaseState::Closed => CaseFlowState::Closed,
        CaseState::Returned => CaseFlowState::Returned,
        CaseState::Escalated => CaseFlowState::Escalated,
    }
}

fn core_state(s: CaseFlowState) -> CaseState {
    match s {
        CaseFlowState::Reported => CaseState::Reported,
        CaseFlowState::Accepted => CaseState::Accepted,
        CaseFlowState::InProgress => CaseState::InProgress,
        CaseFlowState::Resolved => CaseState::Resolved,
        CaseFlowState::Verified => CaseState::Verified,
        CaseFlowState::Closed => CaseState::Closed,
        CaseFlowState::Returned => CaseState::Returned,
        CaseFlowState::Escalated => CaseState::Escalated,
    }
}

fn core_action(a: CaseFlowAction) -> CaseAction {
    match a {
        CaseFlowAction::Accept => CaseAction::Accept,
        CaseFlowAction::Start => CaseAction::Start,
        CaseFlowAction::Resolve => CaseAction::Resolve,
        CaseFlowAction::Verify => CaseAction::Verify,
        CaseFlowAction::Close => CaseAction::Close,
        CaseFlowAction::Return => CaseAction::Return,
        CaseFlowAction::Escalate => CaseAction::Escalate,
        CaseFlowAction::Comment => CaseAction::Comment,
    }
}

fn action_of(a: CaseAction) -> Option<CaseFlowAction> {
    Some(match a {
        CaseAction::Report => return None,
        CaseAction::Accept => CaseFlowAction::Accept,
        CaseAction::Start => CaseFlowAction::Start,
        CaseAction::Resolve => CaseFlowAction::Resolve,
        CaseAction::Verify => CaseFlowAction::Verify,
        CaseAction::Close => CaseFlowAction::Close,
        CaseAction::Return => CaseFlowAction::Return,
        CaseAction::Escalate => CaseFlowAction::Escalate,
        CaseAction::Comment => CaseFlowAction::Comment,
    })
}

/// The phone's time, as core reads it; the epoch for a time out of range.
fn instant(at: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(at, 0).unwrap_or_default()
}

/// `category · kind` (`隐患 · 电动车`): a hazard kind without words of its own shows as stored.
fn title(category: &str, subcategory: &str, lang: Lang) -> String {
    let category = t(&format!("category.{category}"), lang);
    if subcategory.trim().is_empty() {
        return category;
    }
    let key = format!("hazard.{subcategory}");
    let kind = t(&key, lang);
    let kind = if kind == key {
        subcategory.to_string()
    } else {
        kind
    };
    format!("{category} · {kind}")
}

/// `期限 2026-12-01 18:00`, or `已超期 3 天` once past while still open.
fn deadline_text(deadline: &str, overdue: bool, at: i64, lang: Lang) -> String {
    let due = DateTime::parse_from_rfc3339(deadline).map(|d| d.timestamp());
    match due {
        Ok(due) if overdue => {
            let days = (at - due + 86_399) / 86_400;
            t1("today.overdue", lang, days.max(1))
        }
        _ => t1("today.deadline", lang, times::local(deadline)),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum CaseListEvent {
    /// Shown, or come back to, at the phone's time (Unix seconds): overdue is judged then.
    Load {
        at: i64,
    },
    /// `None`: every open case; otherwise the cases in this state.
    Filter {
        state: Option<CaseFlowState>,
    },
    Open {
        id: String,
    },
    /// Report a case on its own.
    Report,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseListLine {
    pub id: String,
    /// `隐患 · 电动车`.
    pub title: String,
    pub description: String,
    pub severity: String,
    pub state: CaseFlowState,
    pub state_label: String,
    /// `期限 2026-12-01 18:00` or `已超期 3 天`.
    pub deadline_text: String,
    /// Drawn in the warning colour.
    pub overdue: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseListView {
    pub filter: Option<CaseFlowState>,
    pub rows: Vec<CaseListLine>,
    /// `2 件已超期`, when any are.
    pub overdue_text: Option<String>,
    pub empty_text: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct CaseList {
    grid: Option<String>,
    lang: Lang,
    at: i64,
    filter: Option<CaseFlowState>,
    view: CaseListView,
}

impl CaseList {
    pub fn new(grid: Option<String>, lang: Lang) -> CaseList {
        CaseList {
            grid,
            lang,
            at: 0,
            filter: None,
            view: CaseListView::default(),
        }
    }

    pub fn view(&self) -> &CaseListView {
        &self.view
    }

    pub fn update(&mut self, store: &mut Store, event: CaseListEvent) -> Vec<Effect> {
        match event {
            CaseListEvent::Load { at } => self.at = at,
            CaseListEvent::Filter { state } => self.filter = state,
            CaseListEvent::Open { id } => return vec![Effect::OpenCase { id }],
            CaseListEvent::Report => return vec![Effect::NewCase],
        }
        self.reload(store);
        Vec::new()
    }

    fn reload(&mut self, store: &mut Store) {
        let lang = self.lang;
        let rows = match store.case_rows(self.grid.as_deref(), instant(self.at), false) {
            Ok(r) => r,
            Err(e) => {
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let want = self.filter.map(|s| core_state(s).as_str());
        let rows: Vec<CaseListLine> = rows
            .into_iter()
            .filter(|r| match want {
                Some(state) => r.state == state,
                None => !matches!(r.state.as_str(), "resolved" | "verified" | "closed"),
            })
            .map(|r| {
                // The list's rows carry no description; the case itself does.
                let description =
                    r.id.parse::<RecordId>()
                        .ok()
                        .and_then(|id| store.get::<Case>(id).ok())
                        .map(|c| c.data.description)
                        .unwrap_or_default();
                let state = CaseState::ALL
                    .into_iter()
                    .find(|s| s.as_str() == r.state)
                    .map(state_of)
                    .unwrap_or_default();
                CaseListLine {
                    title: title(&r.category, r.subcategory.as_deref().unwrap_or(""), lang),
                    description,
                    severity: t(&format!("severity.{}", r.severity), lang),
                    state,
                    state_label: t(&format!("state.{}", r.state), lang),
                    deadline_text: deadline_text(&r.deadline, r.overdue, self.at, lang),
                    overdue: r.overdue,
                    id: r.id,
                }
            })
            .collect();
        let overdue = rows.iter().filter(|r| r.overdue).count();
        self.view = CaseListView {
            filter: self.filter,
            overdue_text: (overdue > 0).then(|| t1("cases.overdue_count", lang, overdue)),
            empty_text: rows.is_empty().then(|| t("cases.empty", lang)),
            rows,
            error: None,
        };
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum CaseDetailEvent {
    /// Shown, or come back to, at the phone's time (Unix seconds).
    Load {
        at: i64,
    },
    Note(String),
    /// Why it is returned (required for `Return`).
    Reason(String),
    EscalateTo(Option<CaseEscalation>),
    TakePhoto,
    /// The answer to `Effect::TakePhoto`.
    PhotoTaken {
        path: String,
    },
    Act {
        action: CaseFlowAction,
    },
    /// Fetch the photos another phone took (answered by the shell's `fetchPhotos`).
    FetchPhotos,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseDetailEntry {
    /// `受理`.
    pub action: String,
    pub by: String,
    /// `2026-11-29 14:30`.
    pub at: String,
    pub note: String,
    pub reason: String,
    pub photos: Vec<String>,
    /// Overtaken by what another worker did at the same time; shown struck through.
    pub superseded: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseDetailAction {
    pub action: CaseFlowAction,
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseDetailView {
    pub loading: bool,
    /// `隐患 · 严重`.
    pub title: String,
    pub description: String,
    pub state: CaseFlowState,
    pub state_label: String,
    pub deadline: String,
    /// `期限 …` or `已超期 3 天`.
    pub deadline_text: String,
    pub overdue: bool,
    /// In the order it happened.
    pub timeline: Vec<CaseDetailEntry>,
    /// Photos of the problem as reported, and of its rectification.
    pub photos_before: Vec<String>,
    pub photos_after: Vec<String>,
    /// The same photos, each a thumbnail or a placeholder until fetched.
    pub thumbs_before: Vec<PhotoThumb>,
    pub thumbs_after: Vec<PhotoThumb>,
    pub photo_fetch: PhotoFetchView,
    /// Only what core allows from the current state.
    pub actions: Vec<CaseDetailAction>,
    pub note: String,
    pub reason: String,
    pub escalate_to: Option<CaseEscalation>,
    /// Photos taken for the next entry.
    pub photos: Vec<String>,
    pub error: Option<String>,
    /// The input an error belongs under: `note`, `reason` or `escalate_to`.
    pub error_field: Option<String>,
}

/// ` · 12345 工单 GD001` for a case imported from a platform outside: the worker calls
/// back or files the reply under that number. Empty for a case raised on site.
fn work_order(case: &Case, lang: Lang) -> String {
    match &case.source {
        Some(src) if !matches!(src.kind.as_str(), "visit" | "inspection") => {
            format!(" · {}", t2("case.work_order", lang, &src.kind, &src.id))
        }
        _ => String::new(),
    }
}

#[derive(Debug)]
pub struct CaseDetail {
    id: RecordId,
    lang: Lang,
    at: i64,
    note: String,
    reason: String,
    escalate_to: Option<CaseEscalation>,
    photos: Vec<String>,
    fetch: PhotoFetch,
    view: CaseDetailView,
}

impl CaseDetail {
    pub fn new(id: RecordId, lang: Lang) -> CaseDetail {
        CaseDetail {
            id,
            lang,
            at: 0,
            note: String::new(),
            reason: String::new(),
            escalate_to: None,
            photos: Vec::new(),
            fetch: PhotoFetch::default(),
            view: CaseDetailView {
                loading: true,
                ..CaseDetailView::default()
            },
        }
    }

    pub fn view(&self) -> &CaseDetailView {
        &self.view
    }

    pub fn update(&mut self, store: &mut Store, event: CaseDetailEvent) -> Vec<Effect> {
        let lang = self.lang;
        let mut error = None;
        let mut keep = |field: &str, view: &CaseDetailView| {
            if view.error_field.as_deref() != Some(field) {
                error = view.error.clone().map(|e| (view.error_field.clone(), e));
            }
        };
        match event {
            CaseDetailEvent::Load { at } => self.at = at,
            CaseDetailEvent::Note(n) => {
                keep("note", &self.view);
                self.note = n;
            }
            CaseDetailEvent::Reason(r) => {
                keep("reason", &self.view);
                self.reason = r;
            }
            CaseDetailEvent::EscalateTo(level) => {
                keep("escalate_to", &self.view);
                self.escalate_to = level;
            }
            CaseDetailEvent::TakePhoto => {
                return vec![Effect::TakePhoto {
                    for_field: "photos".into(),
                }];
            }
            CaseDetailEvent::PhotoTaken { path } => match store.add_blob_file(&path, None) {
                Ok(r) => self.photos.push(r.hash),
                Err(e) => error = Some((None, error_words(&e, lang))),
            },
            CaseDetailEvent::Act { action } => return self.act(store, action),
            CaseDetailEvent::FetchPhotos => {
                if self.fetch.start() {
                    self.load(store);
                    return vec![Effect::FetchPhotos {
                        record_id: self.id.to_string(),
                    }];
                }
            }
        }
        self.load(store);
        if let Some((field, message)) = error {
            self.view.error = Some(message);
            self.view.error_field = field;
        }
        Vec::new()
    }

    /// The case shown.
    pub fn record(&self) -> RecordId {
        self.id
    }

    /// The shell's answer to `FetchPhotos`: how many arrived, or why none did.
    pub fn photos_fetched(&mut self, store: &mut Store, outcome: Result<u64, SyncError>) {
        self.fetch.finished(&outcome, self.lang);
        self.load(store);
    }

    fn act(&mut self, store: &mut Store, action: CaseFlowAction) -> Vec<Effect> {
        let entry = TimelineEntry {
            note: self.note.trim().to_string(),
            reason: self.reason.trim().to_string(),
            escalate_to: match (action, self.escalate_to) {
                (CaseFlowAction::Escalate, Some(CaseEscalation::Community)) => {
                    Some(EscalationLevel::Community)
                }
                (CaseFlowAction::Escalate, Some(CaseEscalation::Street)) => {
                    Some(EscalationLevel::Street)
                }
                _ => None,
            },
            photos: self.photos.clone(),
            ..TimelineEntry::new(core_action(action))
        };
        match store.case_transition(self.id, entry) {
            Ok(_) => {
                self.note.clear();
                self.reason.clear();
                self.escalate_to = None;
                self.photos.clear();
                self.load(store);
                vec![Effect::RecordsChanged {
                    ids: vec![self.id.to_string()],
                }]
            }
            Err(e) => {
                self.load(store);
                if let gridkeeper_core::Error::Invalid(i) = &e {
                    // Core names the entry's field (`timeline[3].reason`); the form has one of each.
                    let input = i.field.rsplit('.').next().unwrap_or(&i.field).to_string();
                    self.view.error = Some(case_field_message(&i.field, &i.reason, self.lang));
                    self.view.error_field = Some(input);
                } else {
                    self.view.error = Some(error_words(&e, self.lang));
                }
                Vec::new()
            }
        }
    }

    fn load(&mut self, store: &mut Store) {
        let lang = self.lang;
        let case = match store.get::<Case>(self.id) {
            Ok(c) => c.data,
            Err(e) => {
                self.view.loading = false;
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let status = case.status(instant(self.at));
        let mut order: Vec<usize> = (0..case.timeline.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&case.timeline[a], &case.timeline[b]);
            (a.at.as_str(), a.id.as_str()).cmp(&(b.at.as_str(), b.id.as_str()))
        });
        let timeline = order
            .iter()
            .map(|&i| {
                let e = &case.timeline[i];
                let action = t(&format!("action.{}", e.action.as_str()), lang);
                CaseDetailEntry {
                    // Dispatched to a handling party, or its result: said on the entry.
                    action: if !e.dispatch_to.is_empty() {
                        format!(
                            "{action} · {}",
                            crate::lang::t2("case.dispatched", lang, &e.dispatch_to, &e.handle_by)
                        )
                    } else if !e.handler.is_empty() {
                        format!("{action} · {}", t1("case.handled", lang, &e.handler))
                    } else {
                        action
                    },
                    by: e.by.clone(),
                    at: times::local(&e.at),
                    note: e.note.clone(),
                    reason: e.reason.clone(),
                    photos: e.photos.clone(),
                    superseded: status.superseded.contains(&i),
                }
            })
            .collect();
        let photos_after: Vec<String> = order
            .iter()
            .map(|&i| &case.timeline[i])
            .filter(|e| e.action == CaseAction::Resolve)
            .flat_map(|e| e.photos.iter().cloned())
            .collect();
        let thumbs_before = photos::thumbs(store, &case.photos);
        let thumbs_after = photos::thumbs(store, &photos_after);
        let photo_fetch = self
            .fetch
            .view(thumbs_before.iter().chain(&thumbs_after), lang);
        let actions = CaseAction::ALL
            .into_iter()
            .filter(|a| case_flow::next(status.state, *a).is_some())
            .filter_map(action_of)
            .map(|a| CaseDetailAction {
                action: a,
                label: t(&format!("action.{}", core_action(a).as_str()), lang),
            })
            .collect();
        let category = words_key(&case.category);
        self.view = CaseDetailView {
            loading: false,
            title: format!(
                "{} · {}{}",
                title(&category, &case.subcategory, lang),
                t(&format!("severity.{}", words_key(&case.severity)), lang),
                work_order(&case, lang)
            ),
            description: case.description.clone(),
            state: state_of(status.state),
            state_label: t(&format!("state.{}", status.state.as_str()), lang),
            deadline: times::local(&case.deadline),
            deadline_text: deadline_text(&case.deadline, status.overdue, self.at, lang),
            overdue: status.overdue,
            timeline,
            photos_before: case.photos.clone(),
            photos_after,
            thumbs_before,
            thumbs_after,
            photo_fetch,
            actions,
            note: self.note.clone(),
            reason: self.reason.clone(),
            escalate_to: self.escalate_to,
            photos: self.photos.clone(),
            error: None,
            error_field: None,
        };
    }
}

/// The case forms' own wording for the rules core states about them; the rest as any field.
fn case_field_message(path: &str, reason: &str, lang: Lang) -> String {
    if reason.contains("when returning") {
        return t("cases.reason_required", lang);
    }
    if reason.contains("when escalating") {
        return t("cases.escalate_to_required", lang);
    }
    field_message(path, reason, lang)
}

/// What kind of problem a report is (core's `CaseCategory`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum CaseReportCategory {
    #[default]
    Hazard,
    Environment,
    Appeal,
    Errand,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum CaseReportSeverity {
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

/// What a report is about: a household or a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum CaseReportSubjectKind {
    Household,
    Place,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum CaseReportEvent {
    /// Shown: the form, or what was typed before the app was closed.
    Load,
    Category(CaseReportCategory),
    Severity(CaseReportSeverity),
    Description(String),
    TakePhoto,
    /// The answer to `Effect::TakePhoto`.
    PhotoTaken {
        path: String,
    },
    RemovePhoto {
        index: u32,
    },
    Submit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseReportCategoryChoice {
    pub category: CaseReportCategory,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseReportSeverityChoice {
    pub severity: CaseReportSeverity,
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CaseReportView {
    pub category: CaseReportCategory,
    pub severity: CaseReportSeverity,
    pub description: String,
    /// The household's address or the place's name, when the report is about one.
    pub subject: Option<String>,
    pub photos: Vec<String>,
    /// The pickers' choices, in the worker's language.
    pub categories: Vec<CaseReportCategoryChoice>,
    pub severities: Vec<CaseReportSeverityChoice>,
    pub restored_draft: bool,
    /// Once submitted: the case.
    pub saved_id: Option<String>,
    pub error: Option<String>,
    /// Core's field path (`description`).
    pub error_field: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct CaseReportForm {
    category: CaseReportCategory,
    severity: CaseReportSeverity,
    description: String,
    photos: Vec<String>,
}

/// Reporting a case on its own (随手拍): category, severity, what is wrong, photos; about a
/// household or place when opened from one.
#[derive(Debug)]
pub struct CaseReport {
    grid: String,
    subject: Option<(CaseReportSubjectKind, String)>,
    lang: Lang,
    form: CaseReportForm,
    subject_text: Option<String>,
    view: CaseReportView,
}

const REPORT_FORM: &str = "case";

impl CaseReport {
    pub fn new(
        grid: String,
        subject_kind: Option<CaseReportSubjectKind>,
        subject_id: Option<String>,
        lang: Lang,
    ) -> CaseReport {
        CaseReport {
            grid,
            subject: subject_kind.zip(subject_id),
            lang,
            form: CaseReportForm::default(),
            subject_text: None,
            view: CaseReportView::default(),
        }
    }

    pub fn view(&self) -> &CaseReportView {
        &self.view
    }

    fn key(&self) -> String {
        match &self.subject {
            Some((_, id)) => format!("{REPORT_FORM}:{id}"),
            None => format!("{REPORT_FORM}:new"),
        }
    }

    pub fn update(&mut self, store: &mut Store, event: CaseReportEvent) -> Vec<Effect> {
        let lang = self.lang;
        let touched = match event {
            CaseReportEvent::Load => {
                self.load(store);
                return Vec::new();
            }
            CaseReportEvent::Category(c) => {
                self.form.category = c;
                "category"
            }
            CaseReportEvent::Severity(s) => {
                self.form.severity = s;
                "severity"
            }
            CaseReportEvent::Description(d) => {
                self.form.description = d;
                "description"
            }
            CaseReportEvent::TakePhoto => {
                return vec![Effect::TakePhoto {
                    for_field: "photos".into(),
                }];
            }
            CaseReportEvent::PhotoTaken { path } => match store.add_blob_file(&path, None) {
                Ok(r) => {
                    self.form.photos.push(r.hash);
                    "photos"
                }
                Err(e) => {
                    self.view.error = Some(error_words(&e, lang));
                    self.view.error_field = Some("photos".into());
                    return Vec::new();
                }
            },
            CaseReportEvent::RemovePhoto { index } => {
                if (index as usize) < self.form.photos.len() {
                    self.form.photos.remove(index as usize);
                }
                "photos"
            }
            CaseReportEvent::Submit => return self.submit(store),
        };
        if self
            .view
            .error_field
            .as_deref()
            .is_some_and(|f| f.starts_with(touched))
        {
            self.view.error = None;
            self.view.error_field = None;
        }
        // Plain strings and unit enums: writing them as JSON does not fail.
        if let Ok(json) = serde_json::to_string(&self.form) {
            let title = t(
                &format!("category.{}", words_key(&self.form.category)),
                lang,
            );
            let record = self.subject.as_ref().map(|(_, id)| id.as_str());
            if let Err(e) = store.keep_draft(&self.key(), REPORT_FORM, record, &title, &json) {
                self.view.error = Some(error_words(&e, lang));
                self.view.error_field = None;
            }
        }
        self.show();
        Vec::new()
    }

    fn load(&mut self, store: &mut Store) {
        let lang = self.lang;
        self.subject_text = self.subject.as_ref().and_then(|(kind, id)| {
            let id = id.parse::<RecordId>().ok()?;
            match kind {
                CaseReportSubjectKind::Place => store
                    .get::<gridkeeper_core::kinds::Place>(id)
                    .ok()
                    .map(|p| p.data.name),
                CaseReportSubjectKind::Household => store
                    .get::<gridkeeper_core::kinds::Household>(id)
                    .ok()
                    .map(|h| {
                        let a = h.data.address;
                        [a.compound, a.building, a.unit, a.room, a.text]
                            .into_iter()
                            .filter(|p| !p.trim().is_empty())
                            .collect::<Vec<_>>()
                            .join(" ")
                    }),
            }
        });
        let mut restored = false;
        let mut note = None;
        match drafts::restore::<CaseReportForm>(store, &self.key(), lang) {
            Restored::Form(form) => {
                self.form = form;
                restored = true;
            }
            Restored::Unreadable => note = Some(t("cases.draft_unreadable", lang)),
            Restored::Nothing => {}
            Restored::Failed(words) => note = Some(words),
        }
        self.view.error = note;
        self.view.error_field = None;
        self.show();
        self.view.restored_draft = restored;
    }

    fn submit(&mut self, store: &mut Store) -> Vec<Effect> {
        let f = &self.form;
        let case = Case {
            category: match f.category {
                CaseReportCategory::Hazard => CaseCategory::Hazard,
                CaseReportCategory::Environment => CaseCategory::Environment,
                CaseReportCategory::Appeal => CaseCategory::Appeal,
                CaseReportCategory::Errand => CaseCategory::Errand,
            },
            subcategory: String::new(),
            description: f.description.trim().to_string(),
            subject: self.subject.as_ref().map(|(kind, id)| Subject {
                kind: match kind {
                    CaseReportSubjectKind::Household => SubjectKind::Household,
                    CaseReportSubjectKind::Place => SubjectKind::Place,
                },
                id: id.clone(),
            }),
            severity: match f.severity {
                CaseReportSeverity::Low => Severity::Low,
                CaseReportSeverity::Medium => Severity::Medium,
                CaseReportSeverity::High => Severity::High,
                CaseReportSeverity::Critical => Severity::Critical,
            },
            reported_at: String::new(),
            deadline: String::new(),
            photos: f.photos.clone(),
            source: None,
            timeline: Vec::new(),
        };
        match store.create(&self.grid, case) {
            Ok(id) => {
                let key = self.key();
                self.form = CaseReportForm::default();
                self.show();
                if let Err(e) = store.clear_draft(&key) {
                    self.view.error = Some(error_words(&e, self.lang));
                }
                self.view.saved_id = Some(id.to_string());
                vec![
                    Effect::RecordsChanged {
                        ids: vec![id.to_string()],
                    },
                    Effect::OpenCase { id: id.to_string() },
                ]
            }
            Err(e) => {
                self.show();
                if let gridkeeper_core::Error::Invalid(i) = &e {
                    self.view.error_field = Some(i.field.clone());
                }
                self.view.error = Some(error_words(&e, self.lang));
                Vec::new()
            }
        }
    }

    /// The view from the form; errors are left as they are.
    fn show(&mut self) {
        let lang = self.lang;
        let f = &self.form;
        use CaseReportCategory as C;
        use CaseReportSeverity as S;
        self.view = CaseReportView {
            category: f.category,
            severity: f.severity,
            description: f.description.clone(),
            subject: self.subject_text.clone(),
            photos: f.photos.clone(),
            categories: [C::Hazard, C::Environment, C::Appeal, C::Errand]
                .into_iter()
                .map(|c| CaseReportCategoryChoice {
                    category: c,
                    label: t(&format!("category.{}", words_key(&c)), lang),
                })
                .collect(),
            severities: [S::Low, S::Medium, S::High, S::Critical]
                .into_iter()
                .map(|s| CaseReportSeverityChoice {
                    severity: s,
                    label: t(&format!("severity.{}", words_key(&s)), lang),
                })
                .collect(),
            restored_draft: self.view.restored_draft,
            saved_id: self.view.saved_id.clone(),
            error: self.view.error.clone(),
            error_field: self.view.error_field.clone(),
        };
    }
}
