//! Running a checklist at a place (安全巡查): pick the place, pick a template that fits it,
//! answer. Which items show, which failed and what still blocks completion all come from
//! core's checklist rules; the screen only words them. Everything answered is kept as a draft
//! on every tap, so a killed app loses nothing; the inspection record — and the hazard cases
//! raised for failed items — are written when the worker completes it, so the server never
//! sees half a run.

use std::collections::{BTreeMap, HashMap};

use gridkeeper_core::checklist::{
    self, Answer, ChecklistTemplate, FailAction, Item, ItemType, ProblemKind, Value,
};
use gridkeeper_core::kinds::common::{Subject, SubjectKind};
use gridkeeper_core::kinds::inspection::{Inspection as InspectionRecord, InspectionStatus};
use gridkeeper_core::kinds::place::Place;
use gridkeeper_core::{Kind, RecordId, Store};
use serde::{Deserialize, Serialize};

use crate::drafts::{self, Restored};
use crate::effect::Effect;
use crate::lang::{Lang, error_words, t, t1};

/// Where the worker stands in a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum InspectionStage {
    #[default]
    PickPlace,
    PickTemplate,
    Run,
    Done,
}

/// How an item is answered, so the shell draws the right input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum InspectionItemKind {
    /// 合格 / 不合格 / 不适用: answered `pass`, `fail` or `na` with `AnswerText`.
    #[default]
    PassFailNa,
    Number,
    Text,
    SingleChoice,
    MultiChoice,
    /// Answered by taking photos.
    Photo,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum InspectionEvent {
    /// Shown: lists the places, or reopens the run for the place the screen was opened for.
    Load,
    PickPlace {
        place_id: String,
    },
    PickTemplate {
        template_id: String,
        version: u32,
    },
    /// `pass` / `fail` / `na`, one choice value, or free text. Text inputs send it when they
    /// lose focus, not per key.
    AnswerText {
        item_id: String,
        text: String,
    },
    AnswerNumber {
        item_id: String,
        number: f64,
    },
    AnswerChoices {
        item_id: String,
        values: Vec<String>,
    },
    /// The camera button on an item.
    TakePhoto {
        item_id: String,
    },
    /// The answer to `Effect::TakePhoto`: the file the camera wrote.
    PhotoTaken {
        item_id: String,
        path: String,
    },
    /// Why no case is needed for a failed item (当场整改); blank takes the note away.
    Note {
        item_id: String,
        text: String,
    },
    /// Raise a hazard case for a failed item when the run is completed; blank uses the
    /// item's own words.
    RaiseCase {
        item_id: String,
        description: String,
    },
    /// Take back a case not raised yet.
    DropCase {
        item_id: String,
    },
    Complete,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct InspectionPlace {
    pub id: String,
    pub name: String,
    pub address: String,
    /// A run was started here and not completed.
    pub in_progress: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct InspectionTemplate {
    pub id: String,
    pub version: u32,
    pub title: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct InspectionChoice {
    pub value: String,
    pub label: String,
}

/// One shown checklist item with its answer and what the rules say about it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct InspectionItem {
    pub id: String,
    pub section: String,
    pub label: String,
    pub kind: InspectionItemKind,
    pub required: bool,
    pub photo_required: bool,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub choices: Vec<InspectionChoice>,
    /// `pass`/`fail`/`na`, a text or a single choice value.
    pub text: Option<String>,
    pub number: Option<f64>,
    /// A multi-choice item's values.
    pub values: Vec<String>,
    /// Hashes of the photos taken for it.
    pub photos: Vec<String>,
    pub failed: bool,
    /// Why this item stops completion, in the worker's language.
    pub problem: Option<String>,
    /// `将上报隐患：…` before completion; `已上报隐患` after.
    pub case_text: Option<String>,
    /// The hazard case raised for it, once the run is completed.
    pub case_id: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct InspectionView {
    pub stage: InspectionStage,
    pub places: Vec<InspectionPlace>,
    pub templates: Vec<InspectionTemplate>,
    pub place_name: String,
    /// The template's title.
    pub title: String,
    pub items: Vec<InspectionItem>,
    /// The 完成 button: enabled only when core's rules hold.
    pub can_complete: bool,
    /// Once completed: the inspection record.
    pub inspection_id: Option<String>,
    /// The hazard cases raised on completion.
    pub case_ids: Vec<String>,
    pub banner: Option<String>,
    /// The field a banner is about (`answers.ext_count`), to scroll to it.
    pub error_field: Option<String>,
}

/// What the worker has done so far, kept as the draft.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct InspectionForm {
    place_id: String,
    place_name: String,
    template_id: String,
    template_version: u32,
    answers: BTreeMap<String, Answer>,
    notes: BTreeMap<String, String>,
    /// Item → description of the hazard case to raise on completion.
    cases: BTreeMap<String, String>,
    /// Set once completion wrote the record, so a completion cut short (storage full) is
    /// finished on the next try rather than written twice.
    #[serde(default)]
    record_id: Option<String>,
}

#[derive(Debug)]
pub struct Inspection {
    grid: String,
    lang: Lang,
    place: Option<String>,
    form: Option<InspectionForm>,
    view: InspectionView,
}

const FORM: &str = "inspection";

fn draft_key(place: &str) -> String {
    format!("{FORM}:{place}")
}

impl Inspection {
    /// `place`: the place the screen was opened for; `None` starts from the list of places.
    pub fn new(grid: String, place: Option<String>, lang: Lang) -> Inspection {
        Inspection {
            grid,
            lang,
            place,
            form: None,
            view: InspectionView::default(),
        }
    }

    pub fn view(&self) -> &InspectionView {
        &self.view
    }

    pub fn update(&mut self, store: &mut Store, event: InspectionEvent) -> Vec<Effect> {
        self.view.banner = None;
        self.view.error_field = None;
        match event {
            InspectionEvent::Load => match self.place.clone() {
                Some(p) => self.open_place(store, &p),
                None => self.list_places(store),
            },
            InspectionEvent::PickPlace { place_id } => {
                self.place = Some(place_id.clone());
                self.open_place(store, &place_id);
            }
            InspectionEvent::PickTemplate {
                template_id,
                version,
            } => self.start(store, template_id, version),
            InspectionEvent::AnswerText { item_id, text } => {
                self.answer(store, &item_id, Value::Text(text))
            }
            InspectionEvent::AnswerNumber { item_id, number } => {
                self.answer(store, &item_id, Value::Number(number))
            }
            InspectionEvent::AnswerChoices { item_id, values } => {
                self.answer(store, &item_id, Value::List(values))
            }
            InspectionEvent::TakePhoto { item_id } => {
                return vec![Effect::TakePhoto { for_field: item_id }];
            }
            InspectionEvent::PhotoTaken { item_id, path } => self.photo(store, &item_id, &path),
            InspectionEvent::Note { item_id, text } => self.edit(store, |f| {
                if text.trim().is_empty() {
                    f.notes.remove(&item_id);
                } else {
                    f.notes.insert(item_id, text);
                }
            }),
            InspectionEvent::RaiseCase {
                item_id,
                description,
            } => self.edit(store, |f| {
                f.cases.insert(item_id, description.trim().to_string());
            }),
            InspectionEvent::DropCase { item_id } => self.edit(store, |f| {
                f.cases.remove(&item_id);
            }),
            InspectionEvent::Complete => return self.complete(store),
        }
        Vec::new()
    }

    fn list_places(&mut self, store: &Store) {
        let lang = self.lang;
        let rows = match store.list_json(Kind::Place, Some(&self.grid), None, false) {
            Ok(r) => r,
            Err(e) => {
                self.view.banner = Some(error_words(&e, lang));
                return;
            }
        };
        let open: Vec<String> = store
            .drafts()
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d.form == FORM)
            .filter_map(|d| d.record_id)
            .collect();
        let text =
            |row: &serde_json::Value, key: &str| row[key].as_str().unwrap_or_default().to_string();
        self.view = InspectionView {
            stage: InspectionStage::PickPlace,
            places: rows
                .iter()
                .map(|r| InspectionPlace {
                    id: text(r, "id"),
                    name: text(r, "name"),
                    address: text(r, "address"),
                    in_progress: open.contains(&text(r, "id")),
                })
                .collect(),
            ..InspectionView::default()
        };
    }

    /// The run in progress at this place if there is one, else the templates that fit it.
    fn open_place(&mut self, store: &mut Store, place_id: &str) {
        let lang = self.lang;
        let mut note = None;
        match drafts::restore::<InspectionForm>(store, &draft_key(place_id), lang) {
            Restored::Form(form) => {
                self.form = Some(form);
                self.refresh(store);
                return;
            }
            Restored::Unreadable => note = Some(t("inspection.draft_unreadable", lang)),
            Restored::Nothing => {}
            Restored::Failed(words) => note = Some(words),
        }
        let place = match place_id
            .parse::<RecordId>()
            .map_err(|_| gridkeeper_core::Error::NotFound(place_id.to_string()))
            .and_then(|id| store.get::<Place>(id))
        {
            Ok(p) => p.data,
            Err(e) => {
                self.view.banner = Some(error_words(&e, lang));
                return;
            }
        };
        let place_type = serde_json::to_value(place.place_type)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let mut templates: Vec<InspectionTemplate> = store
            .templates()
            .into_iter()
            .filter(|t| t.place_types.is_empty() || t.place_types.contains(&place_type))
            .map(|t| InspectionTemplate {
                id: t.id.clone(),
                version: t.version,
                title: self.title_of(t),
            })
            .collect();
        // Only the newest version of each template is offered for a new run.
        templates.reverse();
        let mut seen = Vec::new();
        templates.retain(|t| {
            let fresh = !seen.contains(&t.id);
            seen.push(t.id.clone());
            fresh
        });
        templates.reverse();
        self.form = Some(InspectionForm {
            place_id: place_id.to_string(),
            place_name: place.name.clone(),
            ..InspectionForm::default()
        });
        self.view = InspectionView {
            stage: InspectionStage::PickTemplate,
            place_name: place.name,
            templates,
            banner: note,
            ..InspectionView::default()
        };
    }

    fn start(&mut self, store: &mut Store, template_id: String, version: u32) {
        let Some(form) = self.form.as_mut() else {
            return;
        };
        if store.template(&template_id, version).is_none() {
            self.view.banner = Some(t("inspection.no_template", self.lang));
            return;
        }
        if form.template_id != template_id || form.template_version != version {
            // A record already written keeps its checklist (core refuses the change).
            if form.record_id.is_some() {
                return;
            }
            // Answers belong to the checklist they were given for.
            *form = InspectionForm {
                place_id: form.place_id.clone(),
                place_name: form.place_name.clone(),
                ..InspectionForm::default()
            };
        }
        form.template_id = template_id;
        form.template_version = version;
        self.save_draft(store);
        self.refresh(store);
    }

    fn item<'s>(&self, store: &'s Store, item_id: &str) -> Option<&'s Item> {
        let form = self.form.as_ref()?;
        store
            .template(&form.template_id, form.template_version)?
            .item(item_id)
    }

    fn answer(&mut self, store: &mut Store, item_id: &str, value: Value) {
        let Some(item) = self.item(store, item_id).cloned() else {
            return;
        };
        self.edit(store, |f| {
            let photos = f
                .answers
                .get(item_id)
                .map(|a| a.evidence().to_vec())
                .unwrap_or_default();
            let answer = Answer::Plain(value);
            let answer = if photos.is_empty() || item.item_type == ItemType::Photo {
                answer
            } else {
                answer.with_photos(photos)
            };
            f.answers.insert(item_id.to_string(), answer);
        });
    }

    fn photo(&mut self, store: &mut Store, item_id: &str, path: &str) {
        let Some(item) = self.item(store, item_id).cloned() else {
            return;
        };
        let current = self
            .form
            .as_ref()
            .and_then(|f| f.answers.get(item_id).cloned());
        // A photo is evidence for an answer; answer first, then show why.
        if item.item_type != ItemType::Photo && current.is_none() {
            self.view.banner = Some(t("problem.unanswered", self.lang));
            self.view.error_field = Some(format!("answers.{item_id}"));
            return;
        }
        let hash = match store.add_blob_file(path, None) {
            Ok(r) => r.hash,
            Err(e) => {
                self.view.banner = Some(error_words(&e, self.lang));
                return;
            }
        };
        self.edit(store, |f| {
            let next = match (item.item_type, current) {
                (ItemType::Photo, current) => {
                    let mut have = match current.as_ref().map(Answer::value) {
                        Some(Value::List(l)) => l.clone(),
                        _ => Vec::new(),
                    };
                    have.push(hash);
                    Answer::Plain(Value::List(have))
                }
                (_, Some(a)) => {
                    let mut photos = a.evidence().to_vec();
                    photos.push(hash);
                    a.with_photos(photos)
                }
                (_, None) => return,
            };
            f.answers.insert(item_id.to_string(), next);
        });
    }

    fn edit(&mut self, store: &mut Store, change: impl FnOnce(&mut InspectionForm)) {
        let Some(form) = self.form.as_mut() else {
            return;
        };
        if form.template_id.is_empty() {
            return;
        }
        change(form);
        self.save_draft(store);
        self.refresh(store);
    }

    fn save_draft(&mut self, store: &mut Store) {
        let Some(form) = self.form.as_ref() else {
            return;
        };
        // Plain strings, numbers and maps: writing them as JSON does not fail.
        let Ok(json) = serde_json::to_string(form) else {
            return;
        };
        let saved = store.keep_draft(
            &draft_key(&form.place_id),
            FORM,
            Some(&form.place_id),
            &form.place_name,
            &json,
        );
        if let Err(e) = saved {
            self.view.banner = Some(error_words(&e, self.lang));
        }
    }

    /// Failed items with a case to raise count as acted on: the case is written with the
    /// record, and core checks the record again then.
    fn actions(form: &InspectionForm) -> HashMap<String, FailAction> {
        let mut actions: HashMap<String, FailAction> = HashMap::new();
        for (item, note) in &form.notes {
            actions.entry(item.clone()).or_default().note = Some(note.clone());
        }
        for item in form.cases.keys() {
            actions.entry(item.clone()).or_default().case_id = Some("pending".into());
        }
        actions
    }

    fn problems(form: &InspectionForm, template: &ChecklistTemplate) -> Vec<checklist::Problem> {
        let answers: HashMap<String, Answer> = form
            .answers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        checklist::completion_problems(template, &answers, &Self::actions(form))
    }

    fn refresh(&mut self, store: &Store) {
        let lang = self.lang;
        let Some(form) = self.form.as_ref() else {
            return;
        };
        let banner = self.view.banner.take();
        let error_field = self.view.error_field.take();
        let Some(template) = store.template(&form.template_id, form.template_version) else {
            self.view = InspectionView {
                stage: InspectionStage::Run,
                place_name: form.place_name.clone(),
                banner: Some(t("inspection.no_template", lang)),
                ..InspectionView::default()
            };
            return;
        };
        let answers: HashMap<String, Answer> = form
            .answers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let problems = Self::problems(form, template);
        let shown = checklist::visible_items(template, &answers);
        let mut items = Vec::new();
        for section in &template.sections {
            let section_title = pick(lang, &section.title, section.title_en.as_deref());
            for item in section
                .items
                .iter()
                .filter(|i| shown.iter().any(|s| s.id == i.id))
            {
                let answer = form.answers.get(&item.id);
                let failed = answer.is_some_and(|a| checklist::is_failed(item, a));
                let problem: Vec<String> = problems
                    .iter()
                    .filter(|p| p.item == item.id)
                    .map(|p| t(problem_key(p.kind), lang))
                    .collect();
                let (text, number, values) = match answer.map(Answer::value) {
                    Some(Value::Text(s)) => (Some(s.clone()), None, Vec::new()),
                    Some(Value::Number(n)) => (None, Some(*n), Vec::new()),
                    Some(Value::List(l)) if item.item_type != ItemType::Photo => {
                        (None, None, l.clone())
                    }
                    _ => (None, None, Vec::new()),
                };
                let photos = match (item.item_type, answer) {
                    (ItemType::Photo, Some(a)) => match a.value() {
                        Value::List(l) => l.clone(),
                        _ => Vec::new(),
                    },
                    (_, Some(a)) => a.evidence().to_vec(),
                    (_, None) => Vec::new(),
                };
                let case_text = form.cases.get(&item.id).map(|d| {
                    let d = if d.is_empty() { &item.label } else { d };
                    t1("inspection.case_pending", lang, d)
                });
                items.push(InspectionItem {
                    id: item.id.clone(),
                    section: section_title.clone(),
                    label: pick(lang, &item.label, item.label_en.as_deref()),
                    kind: kind_of(item.item_type),
                    required: item.required,
                    photo_required: item.photo_required,
                    min: item.min,
                    max: item.max,
                    choices: item
                        .choices
                        .iter()
                        .map(|c| InspectionChoice {
                            value: c.value.clone(),
                            label: pick(lang, &c.label, c.label_en.as_deref()),
                        })
                        .collect(),
                    text,
                    number,
                    values,
                    photos,
                    failed,
                    problem: (!problem.is_empty()).then(|| {
                        problem.join(match lang {
                            Lang::Zh => "；",
                            Lang::En => "; ",
                        })
                    }),
                    case_text,
                    case_id: None,
                    note: form.notes.get(&item.id).cloned(),
                });
            }
        }
        self.view = InspectionView {
            stage: InspectionStage::Run,
            places: Vec::new(),
            templates: Vec::new(),
            place_name: form.place_name.clone(),
            title: self.title_of(template),
            items,
            can_complete: problems.is_empty(),
            inspection_id: None,
            case_ids: Vec::new(),
            banner,
            error_field,
        };
    }

    fn complete(&mut self, store: &mut Store) -> Vec<Effect> {
        let lang = self.lang;
        let Some(form) = self.form.clone() else {
            return Vec::new();
        };
        let Some(template) = store
            .template(&form.template_id, form.template_version)
            .cloned()
        else {
            self.view.banner = Some(t("inspection.no_template", lang));
            return Vec::new();
        };
        if let Some(p) = Self::problems(&form, &template).first() {
            self.refresh(store);
            self.view.banner = Some(t("inspection.complete_blocked", lang));
            self.view.error_field = Some(format!("answers.{}", p.item));
            return Vec::new();
        }
        match self.write(store, form, &template) {
            Ok((id, cases)) => {
                let key = self.form.as_ref().map(|f| draft_key(&f.place_id));
                if let Some(key) = key
                    && let Err(e) = store.clear_draft(&key)
                {
                    // The record is stored; a stale draft is only clutter in the drafts list.
                    self.view.banner = Some(error_words(&e, lang));
                }
                for item in &mut self.view.items {
                    if let Some(pos) = cases.iter().position(|(i, _)| *i == item.id) {
                        item.case_id = Some(cases[pos].1.clone());
                        item.case_text = Some(t("inspection.case_raised", lang));
                    }
                    item.problem = None;
                }
                self.view.stage = InspectionStage::Done;
                self.view.can_complete = false;
                self.view.inspection_id = Some(id.clone());
                self.view.case_ids = cases.iter().map(|(_, c)| c.clone()).collect();
                self.form = None;
                let mut ids = vec![id];
                ids.extend(cases.into_iter().map(|(_, c)| c));
                vec![Effect::RecordsChanged { ids }]
            }
            Err(e) => {
                self.refresh(store);
                if let gridkeeper_core::Error::Invalid(i) = &e {
                    self.view.error_field = Some(i.field.clone());
                }
                self.view.banner = Some(error_words(&e, lang));
                Vec::new()
            }
        }
    }

    /// Writes the record as a draft, raises each case (each atomically with its link on the
    /// record), then marks it completed. Every step is checked by core; a step cut short is
    /// picked up where it stopped on the next try, as the record id is kept in the draft.
    fn write(
        &mut self,
        store: &mut Store,
        form: InspectionForm,
        template: &ChecklistTemplate,
    ) -> gridkeeper_core::Result<(String, Vec<(String, String)>)> {
        let id = match form.record_id.as_deref().and_then(|i| i.parse().ok()) {
            Some(id) => {
                // Answers changed since the try that was cut short are brought in.
                store.update::<InspectionRecord>(id, |r| {
                    r.answers = form.answers.clone();
                    for (item, note) in &form.notes {
                        r.actions.entry(item.clone()).or_default().note = Some(note.clone());
                    }
                })?;
                id
            }
            None => {
                let mut actions = BTreeMap::new();
                for (item, note) in &form.notes {
                    actions.insert(
                        item.clone(),
                        FailAction {
                            case_id: None,
                            note: Some(note.clone()),
                        },
                    );
                }
                let record = InspectionRecord {
                    template_id: form.template_id.clone(),
                    template_version: form.template_version,
                    subject: Subject {
                        kind: SubjectKind::Place,
                        id: form.place_id.clone(),
                    },
                    inspected_at: String::new(),
                    inspector: String::new(),
                    answers: form.answers.clone(),
                    actions,
                    photos: Vec::new(),
                    status: InspectionStatus::Draft,
                    completed_at: None,
                };
                let id = store.create(&self.grid, record)?;
                if let Some(f) = self.form.as_mut() {
                    f.record_id = Some(id.to_string());
                }
                self.save_draft(store);
                id
            }
        };
        let stored = store.get::<InspectionRecord>(id)?.data;
        let mut cases = Vec::new();
        for item in template.items().filter(|i| form.cases.contains_key(&i.id)) {
            let raised = stored.actions.get(&item.id).and_then(|a| a.case_id.clone());
            let case = match raised {
                Some(c) => c,
                None => {
                    let description = form.cases.get(&item.id).cloned().unwrap_or_default();
                    store
                        .raise_case_for_item(id, &item.id, &description)?
                        .to_string()
                }
            };
            cases.push((item.id.clone(), case));
        }
        store.update::<InspectionRecord>(id, |r| r.status = InspectionStatus::Completed)?;
        Ok((id.to_string(), cases))
    }

    fn title_of(&self, t: &ChecklistTemplate) -> String {
        pick(self.lang, &t.title, t.title_en.as_deref())
    }
}

/// The English words when there are some and the worker reads English.
fn pick(lang: Lang, zh: &str, en: Option<&str>) -> String {
    match (lang, en) {
        (Lang::En, Some(en)) if !en.trim().is_empty() => en.to_string(),
        _ => zh.to_string(),
    }
}

fn kind_of(t: ItemType) -> InspectionItemKind {
    match t {
        ItemType::PassFailNa => InspectionItemKind::PassFailNa,
        ItemType::Number => InspectionItemKind::Number,
        ItemType::Text => InspectionItemKind::Text,
        ItemType::SingleChoice => InspectionItemKind::SingleChoice,
        ItemType::MultiChoice => InspectionItemKind::MultiChoice,
        ItemType::Photo => InspectionItemKind::Photo,
    }
}

fn problem_key(kind: ProblemKind) -> &'static str {
    match kind {
        ProblemKind::Unanswered => "problem.unanswered",
        ProblemKind::MissingPhoto => "problem.missing_photo",
        ProblemKind::FailedWithoutAction => "problem.failed_without_action",
        ProblemKind::InvalidAnswer => "problem.invalid_answer",
    }
}
