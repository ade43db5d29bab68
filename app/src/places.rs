//! Places (场所): the shops, rental housing, firms and venues of a grid that a worker inspects
//! and visits. The list (search by 汉字 or pinyin initials, a filter by type), one place with
//! its visits and inspections and the ways into a visit or an inspection of it, and the form
//! that registers or edits a place — kept as a draft on every edit.

use gridkeeper_core::kinds::Place;
use gridkeeper_core::kinds::place::PlaceType;
use gridkeeper_core::{Error, Kind, RecordId, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::drafts;
use crate::effect::Effect;
use crate::lang::{Lang, error_words, field_message, key_of, parse_key, t, t1};
use crate::times;

const TYPES: [PlaceType; 4] = [
    PlaceType::Shop,
    PlaceType::Rental,
    PlaceType::Firm,
    PlaceType::Venue,
];

/// A key sent back in an event and its words (`shop` → `商铺`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PlaceChoice {
    pub key: String,
    pub label: String,
}

fn type_choices(lang: Lang) -> Vec<PlaceChoice> {
    TYPES
        .iter()
        .map(|p| {
            let key = key_of(p);
            PlaceChoice {
                label: t(&format!("place_type.{key}"), lang),
                key,
            }
        })
        .collect()
}

fn type_words(key: &str, lang: Lang) -> String {
    if key.is_empty() {
        return String::new();
    }
    t(&format!("place_type.{key}"), lang)
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum PlaceListEvent {
    /// Shown, or come back to: read the list again.
    Load,
    Query(String),
    /// Only places of this type (`shop`, …); `None` for all.
    Type(Option<String>),
    Open(String),
    Add,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PlaceLine {
    pub id: String,
    pub name: String,
    /// `商铺`.
    pub place_type: String,
    pub address: String,
    /// `负责人 刘老板 · 139****5678`, or empty.
    pub responsible: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PlaceListView {
    pub query: String,
    pub place_type: Option<String>,
    pub type_choices: Vec<PlaceChoice>,
    pub rows: Vec<PlaceLine>,
    /// `共 12 处场所`.
    pub count_text: String,
    pub empty_text: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct PlaceList {
    grid: Option<String>,
    lang: Lang,
    query: String,
    place_type: Option<String>,
    view: PlaceListView,
}

impl PlaceList {
    pub fn new(grid: Option<String>, lang: Lang) -> PlaceList {
        PlaceList {
            grid,
            lang,
            query: String::new(),
            place_type: None,
            view: PlaceListView::default(),
        }
    }

    pub fn view(&self) -> &PlaceListView {
        &self.view
    }

    pub fn update(&mut self, store: &Store, event: PlaceListEvent) -> Vec<Effect> {
        match event {
            PlaceListEvent::Load => {}
            PlaceListEvent::Query(q) => self.query = q,
            PlaceListEvent::Type(p) => self.place_type = p,
            PlaceListEvent::Open(id) => return vec![Effect::OpenPlace { id }],
            PlaceListEvent::Add => return vec![Effect::NewPlace],
        }
        self.reload(store);
        Vec::new()
    }

    fn reload(&mut self, store: &Store) {
        let lang = self.lang;
        let found = match store.list_json(
            Kind::Place,
            self.grid.as_deref(),
            Some(self.query.as_str()),
            false,
        ) {
            Ok(rows) => rows,
            Err(e) => {
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let text = |row: &Json, key: &str| row[key].as_str().unwrap_or_default().to_string();
        let rows: Vec<PlaceLine> = found
            .iter()
            .filter(|p| {
                self.place_type
                    .as_ref()
                    .is_none_or(|want| *want == text(p, "place_type"))
            })
            .map(|p| PlaceLine {
                id: text(p, "id"),
                name: text(p, "name"),
                place_type: type_words(&text(p, "place_type"), lang),
                address: text(p, "address"),
                responsible: responsible_words(&text(p, "responsible"), &text(p, "contact"), lang),
            })
            .collect();
        let narrowed = !self.query.trim().is_empty() || self.place_type.is_some();
        self.view = PlaceListView {
            query: self.query.clone(),
            place_type: self.place_type.clone(),
            type_choices: type_choices(lang),
            count_text: t1("places.count", lang, rows.len()),
            empty_text: rows.is_empty().then(|| {
                if narrowed {
                    t("places.none_found", lang)
                } else {
                    t("places.empty", lang)
                }
            }),
            rows,
            error: None,
        };
    }
}

/// `负责人 刘老板 · 139****5678`; empty when neither is known.
fn responsible_words(name: &str, contact: &str, lang: Lang) -> String {
    let parts: Vec<&str> = [name, contact]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    t1("places.responsible", lang, parts.join(" · "))
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum PlaceDetailEvent {
    Load,
    /// Start a visit to the place.
    Visit,
    /// Start an inspection of the place on a checklist.
    Inspect,
    Edit,
    ShowConflicts,
    /// Report a case (a hazard seen there, an appeal) about the place.
    ReportCase,
}

/// A visit or an inspection of the place, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PlaceHistoryLine {
    pub id: String,
    /// `2026-11-29 14:30`.
    pub when: String,
    /// `日常走访 · 王芳`, or `巡查 · 2 项不合格`.
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PlaceDetailView {
    pub loading: bool,
    pub name: String,
    pub place_type: String,
    pub address: String,
    /// `负责人 刘老板 · 139****5678`, or empty.
    pub responsible: String,
    pub notes: String,
    pub tags: Vec<String>,
    pub visits: Vec<PlaceHistoryLine>,
    pub inspections: Vec<PlaceHistoryLine>,
    /// `2 处冲突待处理`, when any wait.
    pub conflicts_text: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct PlaceDetail {
    id: RecordId,
    lang: Lang,
    view: PlaceDetailView,
}

impl PlaceDetail {
    pub fn new(id: RecordId, lang: Lang) -> PlaceDetail {
        PlaceDetail {
            id,
            lang,
            view: PlaceDetailView {
                loading: true,
                ..PlaceDetailView::default()
            },
        }
    }

    pub fn view(&self) -> &PlaceDetailView {
        &self.view
    }

    pub fn update(&mut self, store: &mut Store, event: PlaceDetailEvent) -> Vec<Effect> {
        let id = self.id.to_string();
        match event {
            PlaceDetailEvent::Load => {}
            PlaceDetailEvent::Visit => return vec![Effect::StartPlaceVisit { place_id: id }],
            PlaceDetailEvent::Inspect => return vec![Effect::StartInspection { place_id: id }],
            PlaceDetailEvent::Edit => return vec![Effect::EditPlace { id }],
            PlaceDetailEvent::ShowConflicts => {
                return vec![Effect::OpenConflicts { record_id: id }];
            }
            PlaceDetailEvent::ReportCase => {
                return vec![Effect::ReportCase {
                    subject_kind: crate::cases::CaseReportSubjectKind::Place,
                    subject_id: id,
                }];
            }
        }
        self.load(store);
        Vec::new()
    }

    fn load(&mut self, store: &mut Store) {
        let lang = self.lang;
        let place = match store.get_json(self.id, false) {
            Ok(p) => p,
            Err(e) => {
                self.view.loading = false;
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let grid = place["grid"].as_str().unwrap_or_default().to_string();
        let data = &place["data"];
        let text = |v: &Json, key: &str| v[key].as_str().unwrap_or_default().to_string();
        let typed: Result<Place, _> = serde_json::from_value(data.clone());
        let address = typed
            .as_ref()
            .map(|p| p.address.one_line())
            .unwrap_or_default();
        let id = self.id.to_string();
        let of_this = |rows: Vec<Json>| -> Vec<Json> {
            rows.into_iter()
                .filter(|r| r["subject_id"].as_str() == Some(id.as_str()))
                .collect()
        };
        // The grid's visits and inspections, this place's kept: places have few of either.
        let visits = store
            .list_json(Kind::Visit, Some(&grid), None, false)
            .map(of_this)
            .unwrap_or_default();
        let inspections = store
            .list_json(Kind::Inspection, Some(&grid), None, false)
            .map(of_this)
            .unwrap_or_default();
        let conflicts = store.conflicts(self.id).map(|c| c.len()).unwrap_or(0);
        self.view = PlaceDetailView {
            loading: false,
            name: text(data, "name"),
            place_type: type_words(&text(data, "place_type"), lang),
            address,
            responsible: responsible_words(
                &text(data, "responsible"),
                &text(data, "contact"),
                lang,
            ),
            notes: text(data, "notes"),
            tags: data["tags"]
                .as_array()
                .map(|ts| {
                    ts.iter()
                        .filter_map(Json::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
            visits: visits
                .iter()
                .map(|v| {
                    let worker = text(v, "worker");
                    let purpose = t(&format!("purpose.{}", text(v, "purpose")), lang);
                    PlaceHistoryLine {
                        id: text(v, "id"),
                        when: times::local(&text(v, "visited_at")),
                        text: if worker.is_empty() {
                            purpose
                        } else {
                            format!("{purpose} · {worker}")
                        },
                    }
                })
                .collect(),
            inspections: inspections
                .iter()
                .map(|i| {
                    let failed = i["failed_count"].as_i64().unwrap_or(0);
                    PlaceHistoryLine {
                        id: text(i, "id"),
                        when: times::local(&text(i, "inspected_at")),
                        text: if failed > 0 {
                            t1("places.inspection_failed", lang, failed)
                        } else {
                            t(&format!("places.inspection.{}", text(i, "status")), lang)
                        },
                    }
                })
                .collect(),
            conflicts_text: (conflicts > 0).then(|| t1("detail.conflicts", lang, conflicts)),
            error: typed.err().map(|_| t("places.unreadable", lang)),
        };
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum PlaceEditEvent {
    /// Shown: read the place (or a draft left from last time).
    Load,
    /// An input of the view's `inputs` (by its `field`) typed into.
    Text {
        field: String,
        value: String,
    },
    /// A key of the view's `place_types`.
    PlaceType(String),
    Save,
    /// Leave without saving; the draft is dropped.
    Discard,
}

/// One text input: the field path it stands for, its label, what it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PlaceEditInput {
    pub field: String,
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PlaceEditFieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PlaceEditView {
    pub loading: bool,
    pub is_new: bool,
    /// `登记场所` or `修改场所`.
    pub title: String,
    /// Name, the address's parts, the person responsible and their phone, in that order.
    pub inputs: Vec<PlaceEditInput>,
    pub place_type: String,
    pub place_types: Vec<PlaceChoice>,
    pub notes: String,
    /// Each under its input (by `field`).
    pub errors: Vec<PlaceEditFieldError>,
    pub restored_draft: bool,
    /// Above the form: the draft restored, or a draft that could not be read.
    pub note: Option<String>,
    /// Above the form: what went wrong that no input is to blame for.
    pub banner: Option<String>,
}

/// The form as typed, kept as the draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Form {
    #[serde(default)]
    name: String,
    #[serde(default)]
    place_type: String,
    #[serde(default)]
    compound: String,
    #[serde(default)]
    building: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    room: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    responsible: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    notes: String,
}

/// The inputs in the order drawn, by field path.
const INPUTS: [&str; 8] = [
    "name",
    "address.compound",
    "address.building",
    "address.unit",
    "address.room",
    "address.text",
    "responsible",
    "contact",
];

impl Form {
    fn slot(&mut self, field: &str) -> Option<&mut String> {
        Some(match field {
            "name" => &mut self.name,
            "address.compound" => &mut self.compound,
            "address.building" => &mut self.building,
            "address.unit" => &mut self.unit,
            "address.room" => &mut self.room,
            "address.text" => &mut self.text,
            "responsible" => &mut self.responsible,
            "contact" => &mut self.contact,
            "notes" => &mut self.notes,
            _ => return None,
        })
    }

    fn of(p: &Place) -> Form {
        Form {
            name: p.name.clone(),
            place_type: key_of(&p.place_type),
            compound: p.address.compound.clone(),
            building: p.address.building.clone(),
            unit: p.address.unit.clone(),
            room: p.address.room.clone(),
            text: p.address.text.clone(),
            responsible: p.responsible.clone(),
            contact: p.contact.clone().unwrap_or_default(),
            notes: p.notes.clone(),
        }
    }

    /// Lays the form over a place: what the form does not show (tags, community, floor) stays.
    fn apply(&self, p: &mut Place) {
        p.name = self.name.trim().to_string();
        p.place_type = parse_key(&self.place_type).unwrap_or_default();
        p.address.compound = self.compound.trim().to_string();
        p.address.building = self.building.trim().to_string();
        p.address.unit = self.unit.trim().to_string();
        p.address.room = self.room.trim().to_string();
        p.address.text = self.text.trim().to_string();
        p.responsible = self.responsible.trim().to_string();
        let contact = self.contact.trim();
        p.contact = (!contact.is_empty()).then(|| contact.to_string());
        p.notes = self.notes.trim().to_string();
    }
}

#[derive(Debug)]
pub struct PlaceEdit {
    grid: String,
    id: Option<String>,
    lang: Lang,
    loaded: bool,
    /// Saved: a second tap on Save must not register the place twice.
    done: bool,
    form: Form,
    errors: Vec<PlaceEditFieldError>,
    restored: bool,
    note: Option<String>,
    banner: Option<String>,
    view: PlaceEditView,
}

impl PlaceEdit {
    /// A new place in `grid` (`id` = `None`), or that place edited.
    pub fn new(grid: String, id: Option<String>, lang: Lang) -> PlaceEdit {
        PlaceEdit {
            grid,
            id,
            lang,
            loaded: false,
            done: false,
            form: Form::default(),
            errors: Vec::new(),
            restored: false,
            note: None,
            banner: None,
            view: PlaceEditView {
                loading: true,
                ..PlaceEditView::default()
            },
        }
    }

    pub fn view(&self) -> &PlaceEditView {
        &self.view
    }

    fn draft_key(&self) -> String {
        format!("place:{}", self.id.as_deref().unwrap_or("new"))
    }

    pub fn update(&mut self, store: &mut Store, event: PlaceEditEvent) -> Vec<Effect> {
        if self.done {
            return match event {
                PlaceEditEvent::Save | PlaceEditEvent::Discard => vec![Effect::Close],
                _ => Vec::new(),
            };
        }
        if !self.loaded {
            self.load(store);
        }
        let mut effects = Vec::new();
        match event {
            PlaceEditEvent::Load => {}
            PlaceEditEvent::Text { field, value } => {
                if let Some(slot) = self.form.slot(&field) {
                    *slot = value;
                    self.edited(store, &field);
                }
            }
            PlaceEditEvent::PlaceType(key) => {
                if parse_key::<PlaceType>(&key).is_some() {
                    self.form.place_type = key;
                    self.edited(store, "place_type");
                }
            }
            PlaceEditEvent::Save => effects = self.save(store),
            PlaceEditEvent::Discard => {
                if let Err(e) = store.clear_draft(&self.draft_key()) {
                    self.banner = Some(error_words(&e, self.lang));
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
        self.form = Form {
            place_type: key_of(&PlaceType::Shop),
            ..Form::default()
        };
        if let Some(id) = &self.id {
            let read = id
                .parse::<RecordId>()
                .map_err(|_| Error::NotFound(id.clone()))
                .and_then(|rid| store.get::<Place>(rid));
            match read {
                Ok(r) => self.form = Form::of(&r.data),
                Err(e) => {
                    self.banner = Some(error_words(&e, lang));
                    return;
                }
            }
        }
        let key = self.draft_key();
        let resumed = drafts::resume(store, &key, lang, &mut self.form);
        self.restored = resumed.restored;
        self.note = resumed.note;
        self.banner = resumed.banner;
    }

    fn edited(&mut self, store: &mut Store, field: &str) {
        self.errors.retain(|e| {
            e.field != field && !(field.starts_with("address") && e.field == "address")
        });
        let Ok(fields) = serde_json::to_string(&self.form) else {
            return;
        };
        let title = if self.form.name.trim().is_empty() {
            t("places.new", self.lang)
        } else {
            self.form.name.trim().to_string()
        };
        if let Err(e) = store.save_draft(
            &self.draft_key(),
            "place",
            self.id.as_deref(),
            &title,
            &fields,
        ) {
            self.banner = Some(error_words(&e, self.lang));
        }
    }

    fn save(&mut self, store: &mut Store) -> Vec<Effect> {
        let lang = self.lang;
        self.banner = None;
        self.errors.clear();
        let existing = match self.id.as_deref().map(str::parse::<RecordId>) {
            None => None,
            Some(Ok(rid)) => Some(rid),
            Some(Err(_)) => return Vec::new(),
        };
        let form = self.form.clone();
        let saved = match existing {
            Some(rid) => store.update::<Place>(rid, |p| form.apply(p)).map(|_| rid),
            None => {
                let mut place = Place::default();
                form.apply(&mut place);
                store.create(&self.grid, place)
            }
        };
        match saved {
            Ok(rid) => {
                self.done = true;
                if let Err(e) = store.clear_draft(&self.draft_key()) {
                    self.banner = Some(error_words(&e, lang));
                }
                let id = rid.to_string();
                let mut effects = vec![
                    Effect::RecordsChanged {
                        ids: vec![id.clone()],
                    },
                    Effect::Close,
                ];
                if existing.is_none() {
                    // A place just registered: the worker goes on to it.
                    effects.push(Effect::OpenPlace { id });
                }
                effects
            }
            Err(Error::Invalid(i)) => {
                let message = field_message(&i.field, &i.reason, lang);
                self.errors.push(PlaceEditFieldError {
                    field: i.field,
                    message,
                });
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
        let mut form = self.form.clone();
        let inputs = INPUTS
            .iter()
            .map(|field| PlaceEditInput {
                field: field.to_string(),
                label: t(&format!("place_field.{field}"), lang),
                value: form.slot(field).cloned().unwrap_or_default(),
            })
            .collect();
        self.view = PlaceEditView {
            loading: false,
            is_new: self.id.is_none(),
            title: t(
                if self.id.is_none() {
                    "places.new"
                } else {
                    "places.edit"
                },
                lang,
            ),
            inputs,
            place_type: self.form.place_type.clone(),
            place_types: type_choices(lang),
            notes: self.form.notes.clone(),
            errors: self.errors.clone(),
            restored_draft: self.restored,
            note: self.note.clone(),
            banner: self.banner.clone(),
        };
    }
}
