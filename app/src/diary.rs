//! 民情日志: the worker's day, written for them from what they recorded (visits and their
//! findings, inspections, the case entries they made), corrected and then submitted. Nothing
//! is typed twice: opening it writes the day afresh (core's `diary::compose`, the same words
//! the relay files for a day nobody submitted); the worker's own words are kept as a draft on
//! every edit and become the day's entry when they submit it. Submitting again replaces it.

use chrono::{DateTime, NaiveDate, Utc};
use gridkeeper_core::kinds::Diary;
use gridkeeper_core::kinds::common::china_day;
use gridkeeper_core::kinds::diary::{DayTexts, compose};
use gridkeeper_core::{RecordId, Store};
use serde::{Deserialize, Serialize};

use crate::drafts::{self, Restored};
use crate::effect::Effect;
use crate::lang::{Lang, error_words, t, t1};
use crate::times;

/// One of the four parts of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum DiaryPart {
    /// 走访情况.
    Visited,
    /// 问题.
    Problems,
    /// 处理措施.
    Measures,
    /// 反馈结果.
    Results,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum DiaryEvent {
    /// Shown, at the phone's time (Unix seconds): that day's entry.
    Load {
        at: i64,
    },
    Edit {
        part: DiaryPart,
        text: String,
    },
    /// Throws the worker's changes away and writes the day again from the records.
    Rewrite,
    /// Files the entry as the worker's, at the phone's time.
    Submit {
        at: i64,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DiaryView {
    pub loading: bool,
    /// `民情日志 · 2026-11-04`.
    pub title: String,
    pub visited: String,
    pub problems: String,
    pub measures: String,
    pub results: String,
    /// The parts' headings, in the worker's language.
    pub visited_label: String,
    pub problems_label: String,
    pub measures_label: String,
    pub results_label: String,
    /// Where the text came from: written from today's records, the worker's unsent changes,
    /// or submitted at a time.
    pub status: String,
    pub submitted: bool,
    /// Nothing recorded that day yet, and nothing typed.
    pub empty_text: Option<String>,
    pub submit_label: String,
    pub rewrite_label: String,
    pub error: Option<String>,
}

/// What is typed, as the draft keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Texts {
    visited: String,
    problems: String,
    measures: String,
    results: String,
}

impl From<DayTexts> for Texts {
    fn from(d: DayTexts) -> Texts {
        Texts {
            visited: d.visited,
            problems: d.problems,
            measures: d.measures,
            results: d.results,
        }
    }
}

const FORM: &str = "diary";

#[derive(Debug)]
pub struct DiaryScreen {
    grid: String,
    lang: Lang,
    day: Option<NaiveDate>,
    texts: Texts,
    /// The day's entry already on the phone, and when it was submitted.
    record: Option<(RecordId, Option<String>)>,
    /// The texts differ from what was last written or submitted.
    edited: bool,
    view: DiaryView,
}

impl DiaryScreen {
    /// The signed-in worker's log for their grid `grid` (where a new entry is filed).
    pub fn new(grid: String, lang: Lang) -> DiaryScreen {
        DiaryScreen {
            grid,
            lang,
            day: None,
            texts: Texts::default(),
            record: None,
            edited: false,
            view: DiaryView {
                loading: true,
                ..DiaryView::default()
            },
        }
    }

    pub fn view(&self) -> &DiaryView {
        &self.view
    }

    fn draft_key(&self) -> String {
        format!(
            "{FORM}:{}",
            self.day.map(|d| d.to_string()).unwrap_or_default()
        )
    }

    pub fn update(&mut self, store: &mut Store, event: DiaryEvent) -> Vec<Effect> {
        self.view.error = None;
        let effects = match event {
            DiaryEvent::Load { at } => {
                let now = DateTime::from_timestamp(at, 0).unwrap_or_else(Utc::now);
                self.load(store, now);
                Vec::new()
            }
            DiaryEvent::Edit { part, text } => {
                *self.part_mut(part) = text;
                self.edited = true;
                self.save_draft(store);
                Vec::new()
            }
            DiaryEvent::Rewrite => {
                if let Err(e) = store.clear_draft(&self.draft_key()) {
                    self.view.error = Some(error_words(&e, self.lang));
                }
                self.record = None;
                self.edited = false;
                self.write_from_records(store, Utc::now());
                Vec::new()
            }
            DiaryEvent::Submit { at } => self.submit(store, at),
        };
        self.refresh_view();
        effects
    }

    fn part_mut(&mut self, part: DiaryPart) -> &mut String {
        match part {
            DiaryPart::Visited => &mut self.texts.visited,
            DiaryPart::Problems => &mut self.texts.problems,
            DiaryPart::Measures => &mut self.texts.measures,
            DiaryPart::Results => &mut self.texts.results,
        }
    }

    fn load(&mut self, store: &mut Store, now: DateTime<Utc>) {
        let day = china_day(now);
        self.day = Some(day);
        let worker = store.user().unwrap_or_default().to_string();
        self.record = None;
        self.edited = false;
        match store.diary_of(day, &worker) {
            Ok(Some((id, d))) => {
                self.texts = Texts {
                    visited: d.visited,
                    problems: d.problems,
                    measures: d.measures,
                    results: d.results,
                };
                self.record = Some((id, d.submitted_at));
            }
            Ok(None) => self.write_from_records(store, now),
            Err(e) => self.view.error = Some(error_words(&e, self.lang)),
        }
        match drafts::restore::<Texts>(store, &self.draft_key(), self.lang) {
            Restored::Form(texts) => {
                self.texts = texts;
                self.edited = true;
            }
            Restored::Failed(words) => self.view.error = Some(words),
            Restored::Nothing | Restored::Unreadable => {}
        }
        self.refresh_view();
    }

    fn write_from_records(&mut self, store: &mut Store, now: DateTime<Utc>) {
        let Some(day) = self.day else {
            return;
        };
        let worker = store.user().unwrap_or_default().to_string();
        match store.day_records(day, &worker) {
            Ok(records) => self.texts = compose(day, &worker, &records, now).into(),
            Err(e) => self.view.error = Some(error_words(&e, self.lang)),
        }
    }

    fn save_draft(&mut self, store: &mut Store) {
        let Ok(fields) = serde_json::to_string(&self.texts) else {
            return;
        };
        let title = t1("diary.title", self.lang, self.view_day());
        let record = self.record.as_ref().map(|(id, _)| id.to_string());
        if let Err(e) =
            store.save_draft(&self.draft_key(), FORM, record.as_deref(), &title, &fields)
        {
            self.view.error = Some(error_words(&e, self.lang));
        }
    }

    fn submit(&mut self, store: &mut Store, at: i64) -> Vec<Effect> {
        let Some(day) = self.day else {
            return Vec::new();
        };
        let when = DateTime::from_timestamp(at, 0).unwrap_or_else(Utc::now);
        let submitted_at = Some(when.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        let texts = self.texts.clone();
        let written = match self.record.as_ref().map(|(id, _)| *id) {
            Some(id) => store
                .update::<Diary>(id, |d| {
                    d.visited = texts.visited.clone();
                    d.problems = texts.problems.clone();
                    d.measures = texts.measures.clone();
                    d.results = texts.results.clone();
                    d.submitted_at = submitted_at.clone();
                })
                .map(|_| id),
            None => store.create(
                &self.grid,
                Diary {
                    day: day.to_string(),
                    worker: String::new(),
                    visited: texts.visited,
                    problems: texts.problems,
                    measures: texts.measures,
                    results: texts.results,
                    submitted_at: submitted_at.clone(),
                },
            ),
        };
        match written {
            Ok(id) => {
                self.record = Some((id, submitted_at));
                self.edited = false;
                if let Err(e) = store.clear_draft(&self.draft_key()) {
                    self.view.error = Some(error_words(&e, self.lang));
                }
                vec![Effect::RecordsChanged {
                    ids: vec![id.to_string()],
                }]
            }
            Err(e) => {
                self.view.error = Some(error_words(&e, self.lang));
                Vec::new()
            }
        }
    }

    fn view_day(&self) -> String {
        self.day.map(|d| d.to_string()).unwrap_or_default()
    }

    fn refresh_view(&mut self) {
        let lang = self.lang;
        let submitted_at = self.record.as_ref().and_then(|(_, at)| at.clone());
        let status = match (&submitted_at, self.edited) {
            (_, true) => t("diary.edited", lang),
            (Some(at), false) => t1("diary.submitted_at", lang, times::local(at)),
            (None, false) => t("diary.written", lang),
        };
        let empty = self.texts == Texts::default();
        self.view = DiaryView {
            loading: self.day.is_none(),
            title: t1("diary.title", lang, self.view_day()),
            visited: self.texts.visited.clone(),
            problems: self.texts.problems.clone(),
            measures: self.texts.measures.clone(),
            results: self.texts.results.clone(),
            visited_label: t("diary.visited", lang),
            problems_label: t("diary.problems", lang),
            measures_label: t("diary.measures", lang),
            results_label: t("diary.results", lang),
            status,
            submitted: submitted_at.is_some() && !self.edited,
            empty_text: empty.then(|| t("diary.empty", lang)),
            submit_label: if submitted_at.is_some() {
                t("diary.resubmit", lang)
            } else {
                t("diary.submit", lang)
            },
            rewrite_label: t("diary.rewrite", lang),
            error: self.view.error.clone(),
        };
    }
}
