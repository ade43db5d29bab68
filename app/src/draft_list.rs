//! Unfinished forms (草稿): every form a worker left before saving — a household, a place, a
//! visit, a case report, a mediation, an inspection, an activity — newest first, to pick up where they
//! stopped or to throw away.

use gridkeeper_core::{RecordId, Store};
use serde::Serialize;

use crate::effect::Effect;
use crate::lang::{Lang, error_words, t, t1};
use crate::times;

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum DraftListEvent {
    Load,
    /// Open the form the draft belongs to, filled as it was left.
    Resume(String),
    /// Throw the draft away.
    Drop(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DraftLine {
    /// Sent back in `Resume` and `Drop`.
    pub key: String,
    /// `走访`, `登记住户` …
    pub form: String,
    /// What it is about: an address, a shop's name.
    pub title: String,
    /// `保存于 2026-11-29 14:30`.
    pub saved: String,
    /// Whether this version of the app has a screen to resume it on.
    pub resumable: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DraftListView {
    pub rows: Vec<DraftLine>,
    pub empty_text: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct DraftList {
    lang: Lang,
    view: DraftListView,
}

/// Where a draft is resumed: the same effect that opened its form. `visited` says what kind
/// of record a visit's or a case report's subject is (`household`, `place`).
fn resume(
    form: &str,
    key: &str,
    record: Option<&str>,
    visited: impl FnOnce(&str) -> Option<String>,
) -> Option<Effect> {
    let rest = key.split_once(':').map(|(_, r)| r).unwrap_or("");
    let id = record.map(str::to_string);
    Some(match (form, rest) {
        ("household", "new") => Effect::NewHousehold,
        ("household", _) => Effect::EditHousehold { id: id? },
        ("place", "new") => Effect::NewPlace,
        ("place", _) => Effect::EditPlace { id: id? },
        ("mediation", "new") => Effect::NewMediation,
        ("mediation", _) => Effect::OpenMediation { id: id? },
        ("inspection", _) => Effect::StartInspection { place_id: id? },
        ("case", "new") => Effect::NewCase,
        ("activity", "new") => Effect::NewActivity,
        ("activity", _) => Effect::EditActivity { id: id? },
        // The log opens on today; a day's changes not submitted stay in its draft.
        ("diary", _) => Effect::OpenDiary,
        // A case about a household or place reopens its form about the same record.
        ("case", _) => {
            let id = id?;
            let subject_kind = match visited(&id)?.as_str() {
                "place" => crate::cases::CaseReportSubjectKind::Place,
                "household" => crate::cases::CaseReportSubjectKind::Household,
                _ => return None,
            };
            Effect::ReportCase {
                subject_kind,
                subject_id: id,
            }
        }
        ("visit", _) => {
            let id = id?;
            match visited(&id)?.as_str() {
                "place" => Effect::StartPlaceVisit { place_id: id },
                _ => Effect::StartVisit {
                    household_id: id,
                    member_id: None,
                },
            }
        }
        _ => return None,
    })
}

/// The kind of the record `id` (`household`, `place`); `None` when it is not on the phone.
fn kind_of(store: &mut Store, id: &str) -> Option<String> {
    let rid = id.parse::<RecordId>().ok()?;
    let record = store.get_json(rid, false).ok()?;
    record["kind"].as_str().map(str::to_string)
}

impl DraftList {
    pub fn new(lang: Lang) -> DraftList {
        DraftList {
            lang,
            view: DraftListView::default(),
        }
    }

    pub fn view(&self) -> &DraftListView {
        &self.view
    }

    pub fn update(&mut self, store: &mut Store, event: DraftListEvent) -> Vec<Effect> {
        let lang = self.lang;
        let mut effects = Vec::new();
        match event {
            DraftListEvent::Load => {}
            DraftListEvent::Resume(key) => match store.draft(&key) {
                Ok(Some(d)) => {
                    effects.extend(resume(&d.form, &d.key, d.record_id.as_deref(), |id| {
                        kind_of(store, id)
                    }))
                }
                Ok(None) => {}
                Err(e) => self.view.error = Some(error_words(&e, lang)),
            },
            DraftListEvent::Drop(key) => {
                if let Err(e) = store.clear_draft(&key) {
                    self.view.error = Some(error_words(&e, lang));
                    return effects;
                }
            }
        }
        if effects.is_empty() {
            self.reload(store);
        }
        effects
    }

    fn reload(&mut self, store: &Store) {
        let lang = self.lang;
        let drafts = match store.drafts() {
            Ok(d) => d,
            Err(e) => {
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let rows: Vec<DraftLine> = drafts
            .into_iter()
            .map(|d| DraftLine {
                form: t(&format!("drafts.form.{}", d.form), lang),
                title: if d.title.trim().is_empty() {
                    t("drafts.untitled", lang)
                } else {
                    d.title.clone()
                },
                saved: t1("drafts.saved", lang, times::local(&d.saved_at)),
                // Whichever kind a visit's subject is, it has a form.
                resumable: resume(&d.form, &d.key, d.record_id.as_deref(), |_| {
                    Some("household".into())
                })
                .is_some(),
                key: d.key,
            })
            .collect();
        self.view = DraftListView {
            empty_text: rows.is_empty().then(|| t("drafts.empty", lang)),
            rows,
            error: None,
        };
    }
}
