//! A visit (走访) to a household, or to a place: why, whom the worker met, what they found,
//! photos, where, and — in the same step — a case raised from what they found (an appeal, an
//! errand, a hazard seen). Kept as a draft on every edit; submitting stores the visit, and the
//! case linked to it both ways (core's `create_visit_raising_case`), then drops the draft.

use gridkeeper_core::kinds::case::{Case, CaseCategory, Severity};
use gridkeeper_core::kinds::common::{GeoPoint, Subject, SubjectKind};
use gridkeeper_core::kinds::visit::VisitPurpose;
use gridkeeper_core::kinds::{Household, Place, Visit};
use gridkeeper_core::{Error, Invalid, RecordId, Store};
use serde::{Deserialize, Serialize};

use crate::drafts::{self, Restored};
use crate::effect::Effect;
use crate::lang::{Lang, error_words, field_message, t, t1};
use crate::lang::{key_of, parse_key};
use crate::photos;

/// What is visited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum VisitFormSubject {
    Household,
    Place,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum VisitFormEvent {
    /// Shown: read the household's members (or the place) and any draft left from last time.
    Load,
    /// A key from the view's `purposes`.
    Purpose {
        key: String,
    },
    /// Met in person, or not after all.
    ToggleMember {
        member_id: String,
    },
    Findings {
        text: String,
    },
    /// The worker asks for a photo: answered through `Effect::TakePhoto`.
    TakePhoto,
    /// The shell's answer to `Effect::TakePhoto`: the file it wrote. The photo is stored in the
    /// app's store at once; the file stays the shell's to delete.
    PhotoTaken {
        path: String,
    },
    RemovePhoto {
        hash: String,
    },
    /// The worker asks where they are: answered through `Effect::GetLocation`.
    Locate,
    Located {
        lat: f64,
        lon: f64,
        accuracy_m: Option<f64>,
    },
    LocationUnavailable,
    /// Raise a case with the visit, or not after all.
    RaiseCase {
        on: bool,
    },
    /// A key from the view's `case_categories`.
    CaseCategory {
        key: String,
    },
    /// A key from the view's `case_severities`.
    CaseSeverity {
        key: String,
    },
    CaseDescription {
        text: String,
    },
    Submit,
    /// Leave without submitting; the draft is dropped.
    Discard,
}

/// One item of a picker: the key sent back in an event, and its words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct VisitFormChoice {
    pub key: String,
    pub label: String,
}

/// A message drawn under the input whose path is `field`: `findings`, `photos`, `location`,
/// `members_seen`, `case.description`, `case.severity`, …
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct VisitFormFieldError {
    pub field: String,
    pub message: String,
}

/// One line of the "met in person" checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct VisitFormMember {
    pub id: String,
    pub name: String,
    pub relation: String,
    pub seen: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct VisitFormLocation {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f64>,
    /// `已定位，误差约 12 米`.
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct VisitFormView {
    pub loading: bool,
    /// The household's address, or the place's name.
    pub title: String,
    pub purpose: String,
    pub purposes: Vec<VisitFormChoice>,
    /// Those who live there now; empty for a place.
    pub members: Vec<VisitFormMember>,
    pub findings: String,
    /// Hashes of the photos taken, in order (the bindings give a file for each).
    pub photos: Vec<String>,
    pub location: Option<VisitFormLocation>,
    /// Waiting for the shell's answer to `GetLocation`.
    pub locating: bool,
    /// `正在定位…`, or that no location could be had.
    pub location_note: Option<String>,
    pub raise_case: bool,
    pub case_category: String,
    pub case_categories: Vec<VisitFormChoice>,
    pub case_severity: String,
    pub case_severities: Vec<VisitFormChoice>,
    pub case_description: String,
    /// Each under its input (by `field`).
    pub errors: Vec<VisitFormFieldError>,
    pub restored_draft: bool,
    /// Above the form: the draft restored, or a draft that could not be read.
    pub note: Option<String>,
    /// Above the form: what went wrong that no input is to blame for.
    pub banner: Option<String>,
}

/// The form as filled in, kept as the draft; enum values as core's keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Form {
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    members_seen: Vec<String>,
    #[serde(default)]
    findings: String,
    #[serde(default)]
    photos: Vec<String>,
    #[serde(default)]
    location: Option<GeoPoint>,
    #[serde(default)]
    raise_case: bool,
    #[serde(default)]
    case_category: String,
    #[serde(default)]
    case_severity: String,
    #[serde(default)]
    case_description: String,
}

const PURPOSES: [VisitPurpose; 6] = [
    VisitPurpose::Routine,
    VisitPurpose::SpecialGroupCare,
    VisitPurpose::PolicyPublicity,
    VisitPurpose::OpinionCollection,
    VisitPurpose::ErrandFollowUp,
    VisitPurpose::Other,
];
const CATEGORIES: [CaseCategory; 4] = [
    CaseCategory::Hazard,
    CaseCategory::Environment,
    CaseCategory::Appeal,
    CaseCategory::Errand,
];
const SEVERITIES: [Severity; 4] = [
    Severity::Low,
    Severity::Medium,
    Severity::High,
    Severity::Critical,
];
/// A case's own fields: a refusal naming one is the case part's, drawn as `case.<field>`.
const CASE_FIELDS: [&str; 7] = [
    "description",
    "subcategory",
    "category",
    "severity",
    "reported_at",
    "deadline",
    "timeline",
];

#[derive(Debug)]
pub struct VisitForm {
    kind: VisitFormSubject,
    subject_id: String,
    member_id: Option<String>,
    lang: Lang,
    loaded: bool,
    /// Submitted: a second tap (before the shell has closed the form) must not record the
    /// visit twice.
    done: bool,
    grid: Option<String>,
    title: String,
    /// Present members: (id, name, relation key).
    members: Vec<(String, String, String)>,
    form: Form,
    locating: bool,
    location_note: Option<String>,
    errors: Vec<VisitFormFieldError>,
    restored: bool,
    note: Option<String>,
    banner: Option<String>,
    view: VisitFormView,
}

impl VisitForm {
    /// A visit to the household or place `subject_id`; `member_id` is the member it was
    /// started for (ticked as met).
    pub fn new(
        kind: VisitFormSubject,
        subject_id: String,
        member_id: Option<String>,
        lang: Lang,
    ) -> VisitForm {
        VisitForm {
            kind,
            subject_id,
            member_id,
            lang,
            loaded: false,
            done: false,
            grid: None,
            title: String::new(),
            members: Vec::new(),
            form: Form::default(),
            locating: false,
            location_note: None,
            errors: Vec::new(),
            restored: false,
            note: None,
            banner: None,
            view: VisitFormView {
                loading: true,
                ..VisitFormView::default()
            },
        }
    }

    pub fn view(&self) -> &VisitFormView {
        &self.view
    }

    fn draft_key(&self) -> String {
        format!("visit:{}", self.subject_id)
    }

    pub fn update(&mut self, store: &mut Store, event: VisitFormEvent) -> Vec<Effect> {
        if self.done {
            return match event {
                VisitFormEvent::Submit | VisitFormEvent::Discard => vec![Effect::Close],
                _ => Vec::new(),
            };
        }
        if !self.loaded {
            self.load(store);
        }
        let lang = self.lang;
        let mut effects = Vec::new();
        match event {
            VisitFormEvent::Load => {}
            VisitFormEvent::Purpose { key } => {
                if parse_key::<VisitPurpose>(&key).is_some() {
                    self.form.purpose = key;
                    self.edited(store, "purpose");
                }
            }
            VisitFormEvent::ToggleMember { member_id } => {
                if self.members.iter().any(|(id, _, _)| *id == member_id) {
                    let seen = &mut self.form.members_seen;
                    if let Some(i) = seen.iter().position(|m| *m == member_id) {
                        seen.remove(i);
                    } else {
                        seen.push(member_id);
                    }
                    self.edited(store, "members_seen");
                }
            }
            VisitFormEvent::Findings { text } => {
                self.form.findings = text;
                self.edited(store, "findings");
            }
            VisitFormEvent::TakePhoto => effects.push(Effect::TakePhoto {
                for_field: "photos".into(),
            }),
            VisitFormEvent::PhotoTaken { path } => {
                match photos::add(store, &path, &mut self.form.photos, lang) {
                    Ok(()) => self.edited(store, "photos"),
                    Err(message) => self.put_error("photos".into(), message),
                }
            }
            VisitFormEvent::RemovePhoto { hash } => {
                if let Some(i) = self.form.photos.iter().position(|h| *h == hash) {
                    // The blob stays in the store: another record may name the same bytes.
                    self.form.photos.remove(i);
                    self.edited(store, "photos");
                }
            }
            VisitFormEvent::Locate => {
                self.locating = true;
                self.location_note = Some(t("visit_form.locating", lang));
                effects.push(Effect::GetLocation);
            }
            VisitFormEvent::Located {
                lat,
                lon,
                accuracy_m,
            } => {
                self.locating = false;
                self.location_note = None;
                self.form.location = Some(GeoPoint {
                    lat,
                    lon,
                    accuracy_m,
                });
                self.edited(store, "location");
            }
            VisitFormEvent::LocationUnavailable => {
                self.locating = false;
                self.location_note = Some(t("visit_form.location_unavailable", lang));
            }
            VisitFormEvent::RaiseCase { on } => {
                self.form.raise_case = on;
                if !on {
                    self.errors.retain(|e| !e.field.starts_with("case."));
                }
                self.edited(store, "case");
            }
            VisitFormEvent::CaseCategory { key } => {
                if parse_key::<CaseCategory>(&key).is_some() {
                    self.form.case_category = key;
                    self.edited(store, "case.category");
                }
            }
            VisitFormEvent::CaseSeverity { key } => {
                if parse_key::<Severity>(&key).is_some() {
                    self.form.case_severity = key;
                    self.edited(store, "case.severity");
                }
            }
            VisitFormEvent::CaseDescription { text } => {
                self.form.case_description = text;
                self.edited(store, "case.description");
            }
            VisitFormEvent::Submit => effects = self.submit(store),
            VisitFormEvent::Discard => {
                // A draft left behind would only come back to surprise the worker.
                if let Err(e) = store.clear_draft(&self.draft_key()) {
                    self.banner = Some(error_words(&e, lang));
                }
                effects.push(Effect::Close);
            }
        }
        self.render();
        effects
    }

    fn load(&mut self, store: &mut Store) {
        self.loaded = true;
        let lang = self.lang;
        let read = self
            .subject_id
            .parse::<RecordId>()
            .map_err(|_| Error::NotFound(self.subject_id.clone()));
        let read = read.and_then(|rid| match self.kind {
            VisitFormSubject::Household => store.get::<Household>(rid).map(|r| {
                let h = r.data;
                let members = h
                    .members
                    .iter()
                    .filter(|m| m.present())
                    .map(|m| (m.id.clone(), m.name.clone(), key_of(&m.relation)))
                    .collect();
                (r.envelope.grid, h.address.one_line(), members)
            }),
            VisitFormSubject::Place => store
                .get::<Place>(rid)
                .map(|r| (r.envelope.grid, r.data.name, Vec::new())),
        });
        match read {
            Ok((grid, title, members)) => {
                self.grid = Some(grid);
                self.title = title;
                self.members = members;
            }
            Err(e) => {
                self.banner = Some(error_words(&e, lang));
                return;
            }
        }
        self.form = Form {
            purpose: key_of(&VisitPurpose::Routine),
            members_seen: self
                .member_id
                .iter()
                .filter(|m| self.members.iter().any(|(id, _, _)| id == *m))
                .cloned()
                .collect(),
            case_category: key_of(&CaseCategory::Appeal),
            case_severity: key_of(&Severity::Medium),
            ..Form::default()
        };
        match drafts::restore::<Form>(store, &self.draft_key(), lang) {
            Restored::Form(form) => {
                self.form = form;
                self.restored = true;
                self.note = Some(t("visit_form.restored", lang));
            }
            Restored::Unreadable => self.note = Some(t("visit_form.unreadable", lang)),
            Restored::Nothing => {}
            Restored::Failed(words) => self.banner = Some(words),
        }
    }

    /// After an edit: its message goes (the worker is fixing it) and the draft is written.
    fn edited(&mut self, store: &mut Store, field: &str) {
        self.errors.retain(|e| e.field != field);
        let Ok(fields) = serde_json::to_string(&self.form) else {
            return;
        };
        if let Err(e) = store.keep_draft(
            &self.draft_key(),
            "visit",
            Some(&self.subject_id),
            &self.title,
            &fields,
        ) {
            // The edit stays in the form; the banner says it is not kept yet.
            self.banner = Some(error_words(&e, self.lang));
        }
    }

    fn put_error(&mut self, field: String, message: String) {
        self.errors.retain(|e| e.field != field);
        self.errors.push(VisitFormFieldError { field, message });
    }

    fn submit(&mut self, store: &mut Store) -> Vec<Effect> {
        let lang = self.lang;
        self.banner = None;
        // What this submission finds; an earlier refusal (a photo that was not one) is past.
        self.errors.clear();
        let Some(grid) = self.grid.clone() else {
            // The subject could not be read: try again, the banner says why if it still fails.
            self.loaded = false;
            self.load(store);
            return Vec::new();
        };
        let f = &self.form;
        if f.raise_case && f.case_description.trim().is_empty() {
            let message = field_message("case.description", "is required", lang);
            self.put_error("case.description".into(), message);
            return Vec::new();
        }
        let visit = Visit {
            subject: Subject {
                kind: match self.kind {
                    VisitFormSubject::Household => SubjectKind::Household,
                    VisitFormSubject::Place => SubjectKind::Place,
                },
                id: self.subject_id.clone(),
            },
            visited_at: String::new(),
            worker: String::new(),
            purpose: parse_key(&f.purpose).unwrap_or_default(),
            // Only those who live there now: one ticked in a draft may have left since.
            members_seen: f
                .members_seen
                .iter()
                .filter(|m| self.members.iter().any(|(id, _, _)| id == *m))
                .cloned()
                .collect(),
            findings: f.findings.trim().to_string(),
            location: f.location,
            photos: f.photos.clone(),
            raised_cases: Vec::new(),
        };
        let case = f.raise_case.then(|| Case {
            category: parse_key(&f.case_category).unwrap_or(CaseCategory::Appeal),
            subcategory: String::new(),
            description: f.case_description.trim().to_string(),
            // Core takes the visit's subject and names the visit as the source.
            subject: None,
            severity: parse_key(&f.case_severity).unwrap_or_default(),
            reported_at: String::new(),
            deadline: String::new(),
            photos: Vec::new(),
            source: None,
            timeline: Vec::new(),
        });
        let saved = match case {
            Some(case) => match (serde_json::to_value(&visit), serde_json::to_value(&case)) {
                (Ok(v), Ok(c)) => store
                    .create_visit_raising_case(&grid, v, c)
                    .map(|(v, c)| vec![v.to_string(), c.to_string()]),
                _ => Err(Error::Invalid(Invalid::new("data", "cannot be written"))),
            },
            None => store.create(&grid, visit).map(|v| vec![v.to_string()]),
        };
        match saved {
            Ok(ids) => {
                self.done = true;
                self.errors.clear();
                // Saved either way; a draft that outlives it is dropped by the next submit.
                if let Err(e) = store.clear_draft(&self.draft_key()) {
                    self.banner = Some(error_words(&e, lang));
                }
                vec![Effect::RecordsChanged { ids }, Effect::Close]
            }
            Err(Error::Invalid(i)) => {
                let field = if CASE_FIELDS
                    .iter()
                    .any(|c| i.field == *c || i.field.starts_with(&format!("{c}[")))
                {
                    format!("case.{}", i.field)
                } else {
                    i.field.clone()
                };
                let message = field_message(&field, &i.reason, lang);
                self.put_error(field, message);
                Vec::new()
            }
            Err(e) => {
                self.banner = Some(error_words(&e, lang));
                Vec::new()
            }
        }
    }

    fn render(&mut self) {
        let lang = self.lang;
        let f = &self.form;
        let choices = |keys: Vec<String>, prefix: &str| -> Vec<VisitFormChoice> {
            keys.into_iter()
                .map(|key| VisitFormChoice {
                    label: t(&format!("{prefix}.{key}"), lang),
                    key,
                })
                .collect()
        };
        self.view = VisitFormView {
            loading: false,
            title: self.title.clone(),
            purpose: f.purpose.clone(),
            purposes: choices(PURPOSES.iter().map(key_of).collect(), "purpose"),
            members: self
                .members
                .iter()
                .map(|(id, name, relation)| VisitFormMember {
                    id: id.clone(),
                    name: name.clone(),
                    relation: t(&format!("relation.{relation}"), lang),
                    seen: f.members_seen.contains(id),
                })
                .collect(),
            findings: f.findings.clone(),
            photos: f.photos.clone(),
            location: f.location.map(|p| VisitFormLocation {
                lat: p.lat,
                lon: p.lon,
                accuracy_m: p.accuracy_m,
                text: match p.accuracy_m {
                    Some(a) => t1("visit_form.located_within", lang, a.round() as i64),
                    None => t("visit_form.located", lang),
                },
            }),
            locating: self.locating,
            location_note: self.location_note.clone(),
            raise_case: f.raise_case,
            case_category: f.case_category.clone(),
            case_categories: choices(CATEGORIES.iter().map(key_of).collect(), "category"),
            case_severity: f.case_severity.clone(),
            case_severities: choices(SEVERITIES.iter().map(key_of).collect(), "severity"),
            case_description: f.case_description.clone(),
            errors: self.errors.clone(),
            restored_draft: self.restored,
            note: self.note.clone(),
            banner: self.banner.clone(),
        };
    }
}
