//! Adding a household to a grid, or editing one: its address, housing type, members and notes.
//! Every change is kept as a draft at once, so the form comes back as it was after the app is
//! killed; the draft goes when the record is saved. Validation is core's, run before saving
//! over the whole form so every wrong input gets its message at once, each under its field.
//!
//! Only members added in this form, not saved yet, can be removed. A saved member who no
//! longer lives here is marked as left on the household's screen (core's `Member::left`): a
//! register keeps them, and a removal would swallow another phone's edit of that member.

use gridkeeper_core::kinds::Household;
use gridkeeper_core::kinds::address::Address;
use gridkeeper_core::kinds::household::{HousingType, Member, MemberTag, Registration, Relation};
use gridkeeper_core::record::Context;
use gridkeeper_core::{Error, Invalid, RecordId, RecordKind, Store, validate};
use serde::{Deserialize, Serialize};

use crate::drafts;
use crate::effect::Effect;
use crate::lang::{Lang, error_words, field_message, key_of, parse_key, t, t1};

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum HouseholdEditEvent {
    /// Shown: read the household (when editing) and any draft left from last time.
    Load,
    /// A text input changed. `field` is core's path for it: `address.community`,
    /// `address.compound`, `address.building`, `address.unit`, `address.floor`, `address.room`,
    /// `address.text`, `notes`, or a member's `members[1].name`, `.id_number`, `.phone`,
    /// `.birth_date` (each member line in the view carries its `members[i]` prefix).
    Text {
        field: String,
        value: String,
    },
    /// A key from the view's `housing_types`.
    HousingType {
        key: String,
    },
    /// A key from the view's `relations`.
    Relation {
        member: u32,
        key: String,
    },
    /// A key from the view's `registrations`.
    Registration {
        member: u32,
        key: String,
    },
    /// A key from the view's `tag_choices`: on if off, off if on.
    ToggleTag {
        member: u32,
        key: String,
    },
    AddMember,
    /// Only a member added in this form (`removable` in the view); others are ignored.
    RemoveMember {
        member: u32,
    },
    Save,
    /// Leave without saving; the draft is dropped.
    Discard,
}

/// One item of a picker: the key sent back in an event, and its words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdEditChoice {
    pub key: String,
    pub label: String,
}

/// A message drawn under the input whose core path is `field`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdEditFieldError {
    /// `address` (the address block as a whole), `address.room`, `members[1].id_number`, …
    pub field: String,
    pub message: String,
}

/// A text input: the path sent back in `Text`, its label and what it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdEditInput {
    pub field: String,
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdEditMember {
    /// `members[1]`: the prefix of this member's field paths.
    pub path: String,
    /// `成员 2`.
    pub heading: String,
    /// Empty for a member not saved yet.
    pub id: String,
    pub name: String,
    /// In full: the worker is editing it.
    pub id_number: String,
    pub phone: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// An ID number is typed: it gives the birth date on saving, so the input is read-only.
    pub birth_date_from_id_number: bool,
    pub relation: String,
    pub relation_label: String,
    pub registration: String,
    pub registration_label: String,
    /// Keys of the groups chosen (see `tag_choices`).
    pub tags: Vec<String>,
    /// Added in this form and not saved yet.
    pub removable: bool,
    /// `已迁出 2026-11-30`, for a saved member who no longer lives here.
    pub left: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdEditView {
    pub loading: bool,
    pub is_new: bool,
    /// Community, compound, building, unit, floor, room, free text, in that order.
    pub address: Vec<HouseholdEditInput>,
    pub housing_type: String,
    pub housing_type_label: String,
    pub notes: String,
    pub members: Vec<HouseholdEditMember>,
    pub housing_types: Vec<HouseholdEditChoice>,
    pub relations: Vec<HouseholdEditChoice>,
    pub registrations: Vec<HouseholdEditChoice>,
    pub tag_choices: Vec<HouseholdEditChoice>,
    /// Each under its input (by `field`).
    pub errors: Vec<HouseholdEditFieldError>,
    /// The form came back from a draft.
    pub restored_draft: bool,
    /// Above the form: the draft restored, or a draft that could not be read.
    pub note: Option<String>,
    /// Above the form: what went wrong that no input is to blame for.
    pub banner: Option<String>,
}

/// The form as typed, kept as the draft. Enum values are core's keys, so a draft written by
/// one version still reads when a choice is added.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Form {
    #[serde(default)]
    community: String,
    #[serde(default)]
    compound: String,
    #[serde(default)]
    building: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    floor: String,
    #[serde(default)]
    room: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    housing_type: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    members: Vec<MemberForm>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct MemberForm {
    /// Empty until saved; core gives it.
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    registration: String,
    #[serde(default)]
    tags: Vec<String>,
}

const ADDRESS_PARTS: [&str; 7] = [
    "community",
    "compound",
    "building",
    "unit",
    "floor",
    "room",
    "text",
];
const MEMBER_TEXTS: [&str; 4] = ["name", "id_number", "phone", "birth_date"];
const RELATIONS: [Relation; 9] = [
    Relation::Head,
    Relation::Spouse,
    Relation::Child,
    Relation::Parent,
    Relation::Grandchild,
    Relation::Grandparent,
    Relation::Sibling,
    Relation::Tenant,
    Relation::Other,
];
const HOUSING_TYPES: [HousingType; 4] = [
    HousingType::OwnerOccupied,
    HousingType::Rented,
    HousingType::Vacant,
    HousingType::Other,
];
const REGISTRATIONS: [Registration; 3] = [
    Registration::Local,
    Registration::Migrant,
    Registration::Foreign,
];
/// The special groups a worker looks after, in the order the forms and filters show them.
pub(crate) const TAGS: [MemberTag; 7] = [
    MemberTag::SolitaryElderly,
    MemberTag::EmptyNestElderly,
    MemberTag::LeftBehindChild,
    MemberTag::Disabled,
    MemberTag::SubsistenceAllowance,
    MemberTag::Veteran,
    MemberTag::KeyPerson,
];

#[derive(Debug)]
pub struct HouseholdEdit {
    grid: String,
    id: Option<String>,
    lang: Lang,
    loaded: bool,
    /// Saved: a second tap on Save (before the shell has closed the form) must not add the
    /// household twice.
    done: bool,
    /// The record as read, for the departed members' words; `None` for a new household.
    original: Option<Household>,
    form: Form,
    errors: Vec<HouseholdEditFieldError>,
    restored: bool,
    note: Option<String>,
    banner: Option<String>,
    view: HouseholdEditView,
}

impl HouseholdEdit {
    /// A new household in `grid`, or the household `id` (its own grid is used then).
    pub fn new(grid: String, id: Option<String>, lang: Lang) -> HouseholdEdit {
        HouseholdEdit {
            grid,
            id,
            lang,
            loaded: false,
            done: false,
            original: None,
            form: Form::default(),
            errors: Vec::new(),
            restored: false,
            note: None,
            banner: None,
            view: HouseholdEditView {
                loading: true,
                ..HouseholdEditView::default()
            },
        }
    }

    pub fn view(&self) -> &HouseholdEditView {
        &self.view
    }

    fn draft_key(&self) -> String {
        format!("household:{}", self.id.as_deref().unwrap_or("new"))
    }

    pub fn update(&mut self, store: &mut Store, event: HouseholdEditEvent) -> Vec<Effect> {
        if self.done {
            return match event {
                HouseholdEditEvent::Save | HouseholdEditEvent::Discard => vec![Effect::Close],
                _ => Vec::new(),
            };
        }
        if !self.loaded {
            self.load(store);
        }
        let mut effects = Vec::new();
        match event {
            HouseholdEditEvent::Load => {}
            HouseholdEditEvent::Text { field, value } => {
                if self.set_text(&field, value) {
                    self.edited(store, &field);
                }
            }
            HouseholdEditEvent::HousingType { key } => {
                if parse_key::<HousingType>(&key).is_some() {
                    self.form.housing_type = key;
                    self.edited(store, "housing_type");
                }
            }
            HouseholdEditEvent::Relation { member, key } => {
                if parse_key::<Relation>(&key).is_some()
                    && let Some(m) = self.form.members.get_mut(member as usize)
                {
                    m.relation = key;
                    self.edited(store, &format!("members[{member}].relation"));
                }
            }
            HouseholdEditEvent::Registration { member, key } => {
                if parse_key::<Registration>(&key).is_some()
                    && let Some(m) = self.form.members.get_mut(member as usize)
                {
                    m.registration = key;
                    self.edited(store, &format!("members[{member}].registration"));
                }
            }
            HouseholdEditEvent::ToggleTag { member, key } => {
                if parse_key::<MemberTag>(&key).is_some()
                    && let Some(m) = self.form.members.get_mut(member as usize)
                {
                    if let Some(i) = m.tags.iter().position(|t| *t == key) {
                        m.tags.remove(i);
                    } else {
                        m.tags.push(key);
                    }
                    self.edited(store, &format!("members[{member}].tags"));
                }
            }
            HouseholdEditEvent::AddMember => {
                self.form.members.push(MemberForm {
                    relation: key_of(&Relation::Other),
                    registration: key_of(&Registration::Local),
                    ..MemberForm::default()
                });
                self.edited(store, "members");
            }
            HouseholdEditEvent::RemoveMember { member } => {
                let i = member as usize;
                if self.form.members.get(i).is_some_and(|m| m.id.is_empty()) {
                    self.form.members.remove(i);
                    // The paths of the members after it shift, so their messages would point
                    // at the wrong line.
                    self.errors.retain(|e| !e.field.starts_with("members"));
                    self.edited(store, "members");
                }
            }
            HouseholdEditEvent::Save => effects = self.save(store),
            HouseholdEditEvent::Discard => {
                // A draft left behind would only come back to surprise the worker.
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
        if let Some(id) = &self.id {
            let read = id
                .parse::<RecordId>()
                .map_err(|_| Error::NotFound(id.clone()))
                .and_then(|rid| store.get::<Household>(rid));
            match read {
                Ok(r) => {
                    self.grid = r.envelope.grid;
                    self.original = Some(r.data);
                }
                Err(e) => {
                    self.banner = Some(error_words(&e, lang));
                    return;
                }
            }
        }
        self.form = match &self.original {
            Some(h) => from_record(h),
            None => Form {
                housing_type: key_of(&HousingType::OwnerOccupied),
                members: vec![MemberForm {
                    relation: key_of(&Relation::Head),
                    registration: key_of(&Registration::Local),
                    ..MemberForm::default()
                }],
                ..Form::default()
            },
        };
        let key = self.draft_key();
        let resumed = drafts::resume(store, &key, lang, &mut self.form);
        self.restored = resumed.restored;
        self.note = resumed.note;
        self.banner = resumed.banner;
    }

    /// Puts a typed value where `field` says; false when the form has no such input.
    fn set_text(&mut self, field: &str, value: String) -> bool {
        let f = &mut self.form;
        if let Some(part) = field.strip_prefix("address.") {
            let slot = match part {
                "community" => &mut f.community,
                "compound" => &mut f.compound,
                "building" => &mut f.building,
                "unit" => &mut f.unit,
                "floor" => &mut f.floor,
                "room" => &mut f.room,
                "text" => &mut f.text,
                _ => return false,
            };
            *slot = value;
            return true;
        }
        if field == "notes" {
            f.notes = value;
            return true;
        }
        let Some((i, part)) = member_field(field) else {
            return false;
        };
        let Some(m) = f.members.get_mut(i) else {
            return false;
        };
        let slot = match part {
            "name" => &mut m.name,
            "id_number" => &mut m.id_number,
            "phone" => &mut m.phone,
            "birth_date" => &mut m.birth_date,
            _ => return false,
        };
        *slot = value;
        true
    }

    /// After an edit: its message goes (the worker is fixing it) and the draft is written.
    fn edited(&mut self, store: &mut Store, field: &str) {
        self.errors.retain(|e| {
            e.field != field && !(field.starts_with("address") && e.field == "address")
        });
        let fields = match serde_json::to_string(&self.form) {
            Ok(f) => f,
            Err(_) => return,
        };
        let title = {
            let line = address_of(&self.form).one_line();
            if line.is_empty() {
                t("household_edit.untitled", self.lang)
            } else {
                line
            }
        };
        if let Err(e) = store.keep_draft(
            &self.draft_key(),
            "household",
            self.id.as_deref(),
            &title,
            &fields,
        ) {
            // The edit stays in the form; the banner says it is not kept yet.
            self.banner = Some(error_words(&e, self.lang));
        }
    }

    fn save(&mut self, store: &mut Store) -> Vec<Effect> {
        let lang = self.lang;
        self.banner = None;
        self.errors.clear();
        if self.id.is_some() && self.original.is_none() {
            // It could not be read when the form opened: a sync may have brought it since. If
            // it still cannot be read, the banner says why.
            self.load(store);
            if self.original.is_none() {
                return Vec::new();
            }
        }
        let ctx = match store.context() {
            Ok(c) => c,
            Err(e) => {
                self.banner = Some(error_words(&e, lang));
                return Vec::new();
            }
        };
        let existing = match self.id.as_deref().map(str::parse::<RecordId>) {
            None => None,
            Some(Ok(rid)) => Some(rid),
            Some(Err(_)) => return Vec::new(),
        };
        // The record as it is now (a sync may have changed it since the form opened), with
        // the form laid over it: what the form does not show is kept.
        let mut household = match existing {
            Some(rid) => match store.get::<Household>(rid) {
                Ok(r) => r.data,
                Err(e) => {
                    self.banner = Some(error_words(&e, lang));
                    return Vec::new();
                }
            },
            None => Household::default(),
        };
        apply(&self.form, &mut household);
        let problems = check(&household, &ctx);
        if !problems.is_empty() {
            for p in problems {
                self.refused(p);
            }
            return Vec::new();
        }
        let form = self.form.clone();
        let saved = match existing {
            Some(rid) => store
                .update::<Household>(rid, |h| apply(&form, h))
                .map(|_| rid),
            None => store.create(&self.grid, household),
        };
        match saved {
            Ok(rid) => {
                self.done = true;
                self.errors.clear();
                // The record is saved either way; a draft that outlives it would be offered
                // again, which the next save clears.
                if let Err(e) = store.clear_draft(&self.draft_key()) {
                    self.banner = Some(error_words(&e, lang));
                }
                let id = rid.to_string();
                let mut effects = vec![Effect::RecordsChanged {
                    ids: vec![id.clone()],
                }];
                effects.push(Effect::Close);
                if existing.is_none() {
                    effects.push(Effect::OpenHousehold { id });
                }
                effects
            }
            Err(Error::Invalid(i)) => {
                self.refused(i);
                Vec::new()
            }
            Err(e) => {
                self.banner = Some(error_words(&e, lang));
                Vec::new()
            }
        }
    }

    /// A refusal under its input, or above the form when the form has no input for it.
    fn refused(&mut self, i: Invalid) {
        let message = field_message(&i.field, &i.reason, self.lang);
        if !shown(&i.field) {
            self.banner = Some(message.clone());
        }
        if !self.errors.iter().any(|e| e.field == i.field) {
            self.errors.push(HouseholdEditFieldError {
                field: i.field,
                message,
            });
        }
    }

    fn render(&mut self) {
        let lang = self.lang;
        let f = &self.form;
        let choices = |keys: Vec<String>, prefix: &str| -> Vec<HouseholdEditChoice> {
            keys.into_iter()
                .map(|key| HouseholdEditChoice {
                    label: t(&format!("{prefix}.{key}"), lang),
                    key,
                })
                .collect()
        };
        let values = [
            &f.community,
            &f.compound,
            &f.building,
            &f.unit,
            &f.floor,
            &f.room,
            &f.text,
        ];
        let address = ADDRESS_PARTS
            .iter()
            .zip(values)
            .map(|(part, value)| HouseholdEditInput {
                field: format!("address.{part}"),
                label: t(&format!("field.{part}"), lang),
                value: value.clone(),
            })
            .collect();
        let original = self.original.as_ref();
        let members = f
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let left = original
                    .and_then(|h| h.members.iter().find(|o| !m.id.is_empty() && o.id == m.id))
                    .and_then(|o| o.left.as_ref())
                    .map(|l| t1(&format!("left.{}", key_of(&l.reason)), lang, &l.on));
                HouseholdEditMember {
                    path: format!("members[{i}]"),
                    heading: t1("household_edit.member", lang, i + 1),
                    id: m.id.clone(),
                    name: m.name.clone(),
                    id_number: m.id_number.clone(),
                    phone: m.phone.clone(),
                    birth_date: m.birth_date.clone(),
                    birth_date_from_id_number: !m.id_number.trim().is_empty(),
                    relation: m.relation.clone(),
                    relation_label: t(&format!("relation.{}", m.relation), lang),
                    registration: m.registration.clone(),
                    registration_label: t(&format!("registration.{}", m.registration), lang),
                    tags: m.tags.clone(),
                    removable: m.id.is_empty(),
                    left,
                }
            })
            .collect();
        self.view = HouseholdEditView {
            loading: false,
            is_new: self.id.is_none(),
            address,
            housing_type: f.housing_type.clone(),
            housing_type_label: t(&format!("housing.{}", f.housing_type), lang),
            notes: f.notes.clone(),
            members,
            housing_types: choices(HOUSING_TYPES.iter().map(key_of).collect(), "housing"),
            relations: choices(RELATIONS.iter().map(key_of).collect(), "relation"),
            registrations: choices(REGISTRATIONS.iter().map(key_of).collect(), "registration"),
            tag_choices: choices(TAGS.iter().map(|t| t.as_str().to_string()).collect(), "tag"),
            errors: self.errors.clone(),
            restored_draft: self.restored,
            note: self.note.clone(),
            banner: self.banner.clone(),
        };
    }
}

/// `members[3].phone` → (3, "phone").
fn member_field(path: &str) -> Option<(usize, &str)> {
    let rest = path.strip_prefix("members[")?;
    let (index, rest) = rest.split_once("].")?;
    Some((index.parse().ok()?, rest))
}

/// Whether the form has an input for a refusal's field.
fn shown(field: &str) -> bool {
    if field == "address" || field == "notes" || field == "housing_type" {
        return true;
    }
    if let Some(part) = field.strip_prefix("address.") {
        return ADDRESS_PARTS.contains(&part);
    }
    member_field(field).is_some_and(|(_, part)| {
        MEMBER_TEXTS.contains(&part) || ["relation", "registration", "tags"].contains(&part)
    })
}

fn address_of(f: &Form) -> Address {
    let trim = |s: &String| s.trim().to_string();
    Address {
        community: trim(&f.community),
        compound: trim(&f.compound),
        building: trim(&f.building),
        unit: trim(&f.unit),
        floor: trim(&f.floor),
        room: trim(&f.room),
        text: trim(&f.text),
    }
}

fn from_record(h: &Household) -> Form {
    let a = &h.address;
    Form {
        community: a.community.clone(),
        compound: a.compound.clone(),
        building: a.building.clone(),
        unit: a.unit.clone(),
        floor: a.floor.clone(),
        room: a.room.clone(),
        text: a.text.clone(),
        housing_type: key_of(&h.housing_type),
        notes: h.notes.clone(),
        members: h
            .members
            .iter()
            .map(|m| MemberForm {
                id: m.id.clone(),
                name: m.name.clone(),
                id_number: m.id_number.clone().unwrap_or_default(),
                phone: m.phone.clone().unwrap_or_default(),
                birth_date: m.birth_date.clone().unwrap_or_default(),
                relation: key_of(&m.relation),
                registration: key_of(&m.registration),
                tags: m.tags.iter().map(|t| t.as_str().to_string()).collect(),
            })
            .collect(),
    }
}

/// Lays the form over the household: what the form shows is the form's; what it does not
/// (gender, custom tags, a departure, the household's own tags) stays as the record has it.
fn apply(form: &Form, h: &mut Household) {
    h.address = address_of(form);
    if let Some(ht) = parse_key(&form.housing_type) {
        h.housing_type = ht;
    }
    h.notes = form.notes.trim().to_string();
    let before = std::mem::take(&mut h.members);
    let optional = |s: &String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let mut members: Vec<Member> = form
        .members
        .iter()
        .map(|m| {
            let old = before
                .iter()
                .find(|o| !m.id.is_empty() && o.id == m.id)
                .cloned();
            let mut new = old.clone().unwrap_or_default();
            new.id = m.id.clone();
            new.name = m.name.trim().to_string();
            new.id_number = optional(&m.id_number);
            new.phone = optional(&m.phone);
            new.birth_date = optional(&m.birth_date);
            if let Some(r) = parse_key(&m.relation) {
                new.relation = r;
            }
            if let Some(r) = parse_key(&m.registration) {
                new.registration = r;
            }
            let chosen: Vec<MemberTag> = m.tags.iter().filter_map(|k| parse_key(k)).collect();
            // The record's order first, so an untouched list is not rewritten.
            let mut tags: Vec<MemberTag> = new
                .tags
                .iter()
                .copied()
                .filter(|t| chosen.contains(t))
                .collect();
            for tag in chosen {
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
            new.tags = tags;
            new
        })
        .collect();
    // A member another phone added since the form opened stays: the form never removes a
    // saved member.
    for o in before {
        if !form.members.iter().any(|m| m.id == o.id) {
            members.push(o);
        }
    }
    h.members = members;
}

/// Core's rules over the whole form, so each wrong input gets its message at once (core stops
/// at the first): the address, the notes, each member on its own, then the household as a
/// whole (a number appearing twice).
fn check(h: &Household, ctx: &Context) -> Vec<Invalid> {
    let mut problems = Vec::new();
    if let Err(e) = h.address.clone().prepare("address") {
        problems.push(e);
    }
    if let Err(e) = validate::text("notes", &h.notes, 2000) {
        problems.push(e);
    }
    for (i, m) in h.members.iter().enumerate() {
        let mut alone = Household {
            address: Address {
                building: "1".into(),
                room: "1".into(),
                ..Address::default()
            },
            members: vec![m.clone()],
            ..Household::default()
        };
        if let Err(e) = alone.prepare(ctx) {
            let field = e.field.replacen("members[0]", &format!("members[{i}]"), 1);
            problems.push(Invalid::new(field, e.reason));
        }
    }
    if problems.is_empty()
        && let Err(e) = h.clone().prepare(ctx)
    {
        problems.push(e);
    }
    problems
}
