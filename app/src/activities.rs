//! Activities (宣传 / 文体活动): the policy publicity sessions, culture and sports events and
//! trainings a worker runs or joins. The grid's list (newest first), one activity, and the
//! form that records or corrects one — kept as a draft on every edit, so nothing typed is lost.

use gridkeeper_core::kinds::Activity;
use gridkeeper_core::kinds::activity::ActivityType;
use gridkeeper_core::{Error, Kind, RecordId, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::drafts;
use crate::effect::Effect;
use crate::lang::{Lang, error_words, field_message, key_of, parse_key, t, t1};
use crate::photos;
use crate::times;

const TYPES: [ActivityType; 4] = [
    ActivityType::PolicyPublicity,
    ActivityType::Culture,
    ActivityType::Sports,
    ActivityType::Training,
];

/// The draft's form name, and the first part of its key.
const FORM: &str = "activity";

/// A key sent back in an event and its words (`sports` → `体育活动`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ActivityChoice {
    pub key: String,
    pub label: String,
}

fn type_choices(lang: Lang) -> Vec<ActivityChoice> {
    TYPES
        .iter()
        .map(|a| {
            let key = key_of(a);
            ActivityChoice {
                label: type_words(&key, lang),
                key,
            }
        })
        .collect()
}

fn type_words(key: &str, lang: Lang) -> String {
    if key.is_empty() {
        return String::new();
    }
    t(&format!("activity_type.{key}"), lang)
}

/// `社区广场 · 35 人参加`: where, and how many came, each when known.
fn place_and_attendance(venue: &str, participants: u64, lang: Lang) -> String {
    let mut parts = Vec::new();
    if !venue.is_empty() {
        parts.push(venue.to_string());
    }
    if participants > 0 {
        parts.push(t1("activities.participants", lang, participants));
    }
    parts.join(" · ")
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum ActivityListEvent {
    /// Shown, or come back to: read the list again.
    Load,
    Open(String),
    New,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ActivityLine {
    pub id: String,
    /// `垃圾分类宣传`.
    pub topic: String,
    /// `政策宣传`.
    pub activity_type: String,
    /// `2026-11-28`.
    pub held_on: String,
    /// `社区广场 · 35 人参加`, or empty.
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ActivityListView {
    pub rows: Vec<ActivityLine>,
    /// `共 5 次活动`.
    pub count_text: String,
    pub empty_text: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct ActivityList {
    grid: Option<String>,
    lang: Lang,
    view: ActivityListView,
}

impl ActivityList {
    pub fn new(grid: Option<String>, lang: Lang) -> ActivityList {
        ActivityList {
            grid,
            lang,
            view: ActivityListView::default(),
        }
    }

    pub fn view(&self) -> &ActivityListView {
        &self.view
    }

    pub fn update(&mut self, store: &Store, event: ActivityListEvent) -> Vec<Effect> {
        match event {
            ActivityListEvent::Load => {}
            ActivityListEvent::Open(id) => return vec![Effect::OpenActivity { id }],
            ActivityListEvent::New => return vec![Effect::NewActivity],
        }
        self.reload(store);
        Vec::new()
    }

    fn reload(&mut self, store: &Store) {
        let lang = self.lang;
        // Core's order: the latest held first.
        let found = match store.list_json(Kind::Activity, self.grid.as_deref(), None, false) {
            Ok(rows) => rows,
            Err(e) => {
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let text = |row: &Json, key: &str| row[key].as_str().unwrap_or_default().to_string();
        let rows: Vec<ActivityLine> = found
            .iter()
            .map(|a| ActivityLine {
                id: text(a, "id"),
                topic: text(a, "topic"),
                activity_type: type_words(&text(a, "activity_type"), lang),
                held_on: text(a, "held_on"),
                detail: place_and_attendance(
                    &text(a, "venue"),
                    a["participants"].as_u64().unwrap_or(0),
                    lang,
                ),
            })
            .collect();
        self.view = ActivityListView {
            count_text: t1("activities.count", lang, rows.len()),
            empty_text: rows.is_empty().then(|| t("activities.empty", lang)),
            rows,
            error: None,
        };
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum ActivityDetailEvent {
    Load,
    Edit,
    ShowConflicts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ActivityDetailView {
    pub loading: bool,
    pub topic: String,
    /// `政策宣传`.
    pub activity_type: String,
    pub held_on: String,
    pub venue: String,
    /// `35 人参加`, or empty when nobody was counted.
    pub participants: String,
    /// What was done.
    pub notes: String,
    /// Hashes of the photos, in order (the bindings give a file for each).
    pub photos: Vec<String>,
    /// `2 处冲突待处理`, when any wait.
    pub conflicts_text: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct ActivityDetail {
    id: RecordId,
    lang: Lang,
    view: ActivityDetailView,
}

impl ActivityDetail {
    pub fn new(id: RecordId, lang: Lang) -> ActivityDetail {
        ActivityDetail {
            id,
            lang,
            view: ActivityDetailView {
                loading: true,
                ..ActivityDetailView::default()
            },
        }
    }

    pub fn view(&self) -> &ActivityDetailView {
        &self.view
    }

    pub fn update(&mut self, store: &mut Store, event: ActivityDetailEvent) -> Vec<Effect> {
        let id = self.id.to_string();
        match event {
            ActivityDetailEvent::Load => {}
            ActivityDetailEvent::Edit => return vec![Effect::EditActivity { id }],
            ActivityDetailEvent::ShowConflicts => {
                return vec![Effect::OpenConflicts { record_id: id }];
            }
        }
        self.load(store);
        Vec::new()
    }

    fn load(&mut self, store: &mut Store) {
        let lang = self.lang;
        let record = match store.get::<Activity>(self.id) {
            Ok(r) => r,
            Err(e) => {
                self.view.loading = false;
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let a = record.data;
        let conflicts = store.conflicts(self.id).map(|c| c.len()).unwrap_or(0);
        self.view = ActivityDetailView {
            loading: false,
            activity_type: type_words(&key_of(&a.activity_type), lang),
            participants: place_and_attendance("", u64::from(a.participants), lang),
            topic: a.topic,
            held_on: a.held_on,
            venue: a.venue,
            notes: a.notes,
            photos: a.photos,
            conflicts_text: (conflicts > 0).then(|| t1("detail.conflicts", lang, conflicts)),
            error: None,
        };
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum ActivityEditEvent {
    /// Shown, at the phone's time (Unix seconds): a new activity is held today unless the
    /// worker says otherwise.
    Load {
        at: i64,
    },
    /// An input of the view's `inputs` (by its `field`), or `notes`, typed into.
    Text {
        field: String,
        value: String,
    },
    /// A key of the view's `activity_types`.
    ActivityType(String),
    /// The worker asks for a photo: answered through `Effect::TakePhoto`.
    TakePhoto,
    /// The shell's answer to `Effect::TakePhoto`: the file it wrote, copied into the store.
    PhotoTaken {
        path: String,
    },
    RemovePhoto {
        hash: String,
    },
    Save,
    /// Leave without saving; the draft is dropped.
    Discard,
}

/// One text input: the field it stands for, its label, what it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ActivityEditInput {
    pub field: String,
    pub label: String,
    pub value: String,
    /// Digits only (the number attending): the shell shows a number pad.
    pub numeric: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ActivityEditFieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ActivityEditView {
    pub loading: bool,
    pub is_new: bool,
    /// `记录活动` or `修改活动`.
    pub title: String,
    /// Topic, date, place and number attending, in that order.
    pub inputs: Vec<ActivityEditInput>,
    pub activity_type: String,
    pub activity_types: Vec<ActivityChoice>,
    /// What was done (`notes`).
    pub notes_label: String,
    pub notes: String,
    /// Hashes of the photos taken, in order.
    pub photos: Vec<String>,
    /// Each under its input (by `field`; `photos` under the photo button).
    pub errors: Vec<ActivityEditFieldError>,
    pub restored_draft: bool,
    /// Above the form: the draft restored, or a draft that could not be read.
    pub note: Option<String>,
    /// Above the form: what went wrong that no input is to blame for.
    pub banner: Option<String>,
}

/// The form as typed, kept as the draft. The number attending is kept as typed, so a draft
/// holds what the worker saw even when it is not yet a number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Form {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    activity_type: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    venue: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    photos: Vec<String>,
}

/// The one-line inputs in the order drawn.
const INPUTS: [&str; 4] = ["topic", "held_on", "venue", "participants"];

impl Form {
    fn slot(&mut self, field: &str) -> Option<&mut String> {
        Some(match field {
            "topic" => &mut self.topic,
            "held_on" => &mut self.held_on,
            "venue" => &mut self.venue,
            "participants" => &mut self.participants,
            "notes" => &mut self.notes,
            _ => return None,
        })
    }

    fn of(a: &Activity) -> Form {
        Form {
            topic: a.topic.clone(),
            activity_type: key_of(&a.activity_type),
            held_on: a.held_on.clone(),
            venue: a.venue.clone(),
            participants: if a.participants == 0 {
                String::new()
            } else {
                a.participants.to_string()
            },
            notes: a.notes.clone(),
            photos: a.photos.clone(),
        }
    }

    /// The number attending: blank is nobody counted; anything but a whole number is refused
    /// here, since core only ever sees a number.
    fn participants(&self) -> Result<u32, ()> {
        let typed = self.participants.trim();
        if typed.is_empty() {
            return Ok(0);
        }
        typed.parse::<u32>().map_err(|_| ())
    }

    /// Lays the form over an activity.
    fn apply(&self, a: &mut Activity, participants: u32) {
        a.topic = self.topic.trim().to_string();
        a.activity_type = parse_key(&self.activity_type).unwrap_or_default();
        a.held_on = self.held_on.trim().to_string();
        a.venue = self.venue.trim().to_string();
        a.participants = participants;
        a.notes = self.notes.trim().to_string();
        a.photos = self.photos.clone();
    }
}

#[derive(Debug)]
pub struct ActivityEdit {
    grid: String,
    id: Option<String>,
    lang: Lang,
    loaded: bool,
    /// Saved: a second tap on Save must not record the activity twice.
    done: bool,
    form: Form,
    errors: Vec<ActivityEditFieldError>,
    restored: bool,
    note: Option<String>,
    banner: Option<String>,
    view: ActivityEditView,
}

impl ActivityEdit {
    /// A new activity in `grid` (`id` = `None`), or that activity corrected.
    pub fn new(grid: String, id: Option<String>, lang: Lang) -> ActivityEdit {
        ActivityEdit {
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
            view: ActivityEditView {
                loading: true,
                ..ActivityEditView::default()
            },
        }
    }

    pub fn view(&self) -> &ActivityEditView {
        &self.view
    }

    fn draft_key(&self) -> String {
        format!("{FORM}:{}", self.id.as_deref().unwrap_or("new"))
    }

    pub fn update(&mut self, store: &mut Store, event: ActivityEditEvent) -> Vec<Effect> {
        if self.done {
            return match event {
                ActivityEditEvent::Save | ActivityEditEvent::Discard => vec![Effect::Close],
                _ => Vec::new(),
            };
        }
        let lang = self.lang;
        let mut effects = Vec::new();
        if !self.loaded {
            // An event before `Load` (it should not come) finds the form as a new one, undated.
            let today = match &event {
                ActivityEditEvent::Load { at } => times::china_date(*at),
                _ => String::new(),
            };
            self.load(store, &today);
        }
        match event {
            ActivityEditEvent::Load { .. } => {}
            ActivityEditEvent::Text { field, value } => {
                if let Some(slot) = self.form.slot(&field) {
                    *slot = value;
                    self.edited(store, &field);
                }
            }
            ActivityEditEvent::ActivityType(key) => {
                if parse_key::<ActivityType>(&key).is_some() {
                    self.form.activity_type = key;
                    self.edited(store, "activity_type");
                }
            }
            ActivityEditEvent::TakePhoto => effects.push(Effect::TakePhoto {
                for_field: "photos".into(),
            }),
            ActivityEditEvent::PhotoTaken { path } => {
                match photos::add(store, &path, &mut self.form.photos, lang) {
                    Ok(()) => self.edited(store, "photos"),
                    Err(message) => {
                        self.errors.retain(|x| x.field != "photos");
                        self.errors.push(ActivityEditFieldError {
                            field: "photos".into(),
                            message,
                        });
                    }
                }
            }
            ActivityEditEvent::RemovePhoto { hash } => {
                if let Some(i) = self.form.photos.iter().position(|h| *h == hash) {
                    self.form.photos.remove(i);
                    self.edited(store, "photos");
                }
            }
            ActivityEditEvent::Save => effects = self.save(store),
            ActivityEditEvent::Discard => {
                if let Err(e) = store.clear_draft(&self.draft_key()) {
                    self.banner = Some(error_words(&e, lang));
                }
                effects.push(Effect::Close);
            }
        }
        self.render();
        effects
    }

    fn load(&mut self, store: &mut Store, today: &str) {
        self.loaded = true;
        let lang = self.lang;
        self.form = Form {
            activity_type: key_of(&ActivityType::PolicyPublicity),
            held_on: today.to_string(),
            ..Form::default()
        };
        if let Some(id) = &self.id {
            let read = id
                .parse::<RecordId>()
                .map_err(|_| Error::NotFound(id.clone()))
                .and_then(|rid| store.get::<Activity>(rid));
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
        self.errors.retain(|e| e.field != field);
        let Ok(fields) = serde_json::to_string(&self.form) else {
            return;
        };
        let title = if self.form.topic.trim().is_empty() {
            t("activities.new", self.lang)
        } else {
            self.form.topic.trim().to_string()
        };
        if let Err(e) =
            store.save_draft(&self.draft_key(), FORM, self.id.as_deref(), &title, &fields)
        {
            self.banner = Some(error_words(&e, self.lang));
        }
    }

    fn save(&mut self, store: &mut Store) -> Vec<Effect> {
        let lang = self.lang;
        self.banner = None;
        self.errors.clear();
        let Ok(participants) = self.form.participants() else {
            self.errors.push(ActivityEditFieldError {
                field: "participants".into(),
                message: t("activities.participants_number", lang),
            });
            return Vec::new();
        };
        let existing = match self.id.as_deref().map(str::parse::<RecordId>) {
            None => None,
            Some(Ok(rid)) => Some(rid),
            Some(Err(_)) => return Vec::new(),
        };
        let form = self.form.clone();
        let saved = match existing {
            Some(rid) => store
                .update::<Activity>(rid, |a| form.apply(a, participants))
                .map(|_| rid),
            None => {
                let mut activity = Activity {
                    topic: String::new(),
                    activity_type: ActivityType::default(),
                    held_on: String::new(),
                    venue: String::new(),
                    participants: 0,
                    notes: String::new(),
                    photos: Vec::new(),
                };
                form.apply(&mut activity, participants);
                store.create(&self.grid, activity)
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
                    // An activity just recorded: the worker sees it as saved.
                    effects.push(Effect::OpenActivity { id });
                }
                effects
            }
            Err(Error::Invalid(i)) => {
                let message = field_message(&i.field, &i.reason, lang);
                // `photos[2]` is drawn under the photo button.
                let field = i.field.split('[').next().unwrap_or(&i.field).to_string();
                self.errors.push(ActivityEditFieldError { field, message });
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
            .map(|field| ActivityEditInput {
                field: field.to_string(),
                label: t(&format!("activity_field.{field}"), lang),
                value: form.slot(field).cloned().unwrap_or_default(),
                numeric: *field == "participants",
            })
            .collect();
        self.view = ActivityEditView {
            loading: false,
            is_new: self.id.is_none(),
            title: t(
                if self.id.is_none() {
                    "activities.new"
                } else {
                    "activities.edit"
                },
                lang,
            ),
            inputs,
            activity_type: self.form.activity_type.clone(),
            activity_types: type_choices(lang),
            notes_label: t("activity_field.notes", lang),
            notes: self.form.notes.clone(),
            photos: self.form.photos.clone(),
            errors: self.errors.clone(),
            restored_draft: self.restored,
            note: self.note.clone(),
            banner: self.banner.clone(),
        };
    }
}
