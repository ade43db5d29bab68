//! The household list: search by 汉字 or pinyin initials (core's index), a filter by the
//! special groups a worker looks after, and browsing building → unit → room as the doors are
//! numbered.

use gridkeeper_core::{Kind, Store};
use serde::Serialize;
use serde_json::Value as Json;

use crate::effect::Effect;
use crate::lang::{Lang, error_words, t, t1};

/// What a person can do on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum HouseholdsEvent {
    /// Shown, or come back to: read the list again.
    Load,
    Query(String),
    /// Only households with a member in this group (`solitary_elderly`, …); `None` for all.
    Tag(Option<String>),
    /// Into a building, then into one of its units.
    Browse(String),
    /// Back out of a unit, then out of a building.
    Up,
    Open(String),
    Add,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdLine {
    pub id: String,
    /// The head's name, or the address when no one is registered yet.
    pub title: String,
    pub address: String,
    /// `3 人`.
    pub members: String,
    /// The special groups living there, in words.
    pub tags: Vec<String>,
}

/// A place to browse into: its key (sent back in `Browse`) and its words (`3号楼`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdsGroup {
    pub key: String,
    pub label: String,
}

/// What the list screen draws.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdsView {
    pub query: String,
    pub tag: Option<String>,
    /// Where browsing stands: `全部住户`, `3号楼`, `3号楼 · 2单元`.
    pub place: String,
    /// Whether `Up` leads anywhere.
    pub can_go_up: bool,
    pub groups: Vec<HouseholdsGroup>,
    /// The special groups to filter by (sent back in `Tag`), in the worker's words.
    pub tag_choices: Vec<HouseholdsGroup>,
    pub rows: Vec<HouseholdLine>,
    /// Shown when `rows` is empty.
    pub empty_text: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct Households {
    grid: Option<String>,
    lang: Lang,
    query: String,
    tag: Option<String>,
    building: Option<String>,
    unit: Option<String>,
    view: HouseholdsView,
}

impl Households {
    pub fn new(grid: Option<String>, lang: Lang) -> Households {
        Households {
            grid,
            lang,
            query: String::new(),
            tag: None,
            building: None,
            unit: None,
            view: HouseholdsView::default(),
        }
    }

    pub fn view(&self) -> &HouseholdsView {
        &self.view
    }

    pub fn update(&mut self, store: &Store, event: HouseholdsEvent) -> Vec<Effect> {
        match event {
            HouseholdsEvent::Load => {}
            HouseholdsEvent::Query(q) => self.query = q,
            HouseholdsEvent::Tag(tag) => self.tag = tag,
            HouseholdsEvent::Browse(g) => {
                if self.building.is_none() {
                    self.building = Some(g);
                } else {
                    self.unit = Some(g);
                }
            }
            HouseholdsEvent::Up => {
                if self.unit.take().is_none() {
                    self.building = None;
                }
            }
            HouseholdsEvent::Open(id) => return vec![Effect::OpenHousehold { id }],
            HouseholdsEvent::Add => return vec![Effect::NewHousehold],
        }
        self.reload(store);
        Vec::new()
    }

    fn reload(&mut self, store: &Store) {
        let lang = self.lang;
        let found = match store.list_json(
            Kind::Household,
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
        let searching = !self.query.trim().is_empty();
        let text = |row: &Json, key: &str| row[key].as_str().unwrap_or_default().to_string();
        let tagged: Vec<&Json> = found
            .iter()
            .filter(|h| match &self.tag {
                Some(tag) => h["member_tags"]
                    .as_array()
                    .is_some_and(|ts| ts.iter().any(|t| t.as_str() == Some(tag.as_str()))),
                None => true,
            })
            .collect();
        // A search looks through the whole grid, wherever browsing stood.
        let here: Vec<&Json> = tagged
            .into_iter()
            .filter(|h| {
                searching
                    || (self
                        .building
                        .as_ref()
                        .is_none_or(|b| *b == text(h, "building"))
                        && self.unit.as_ref().is_none_or(|u| *u == text(h, "unit")))
            })
            .collect();
        let level = match (&self.building, &self.unit) {
            _ if searching => None,
            (None, _) => Some(("building", "households.building")),
            (Some(_), None) => Some(("unit", "households.unit")),
            _ => None,
        };
        let mut groups: Vec<String> = match level {
            Some((key, _)) => here
                .iter()
                .map(|h| text(h, key))
                .filter(|g| !g.is_empty())
                .collect(),
            None => Vec::new(),
        };
        groups.sort_by(|a, b| door_order(a, b));
        groups.dedup();
        let mut rows: Vec<&Json> = here;
        if self.building.is_some() && !searching {
            rows.sort_by(|a, b| door_order(&text(a, "room"), &text(b, "room")));
        }
        let rows: Vec<HouseholdLine> = rows
            .into_iter()
            .map(|h| HouseholdLine {
                id: text(h, "id"),
                title: h["head_name"]
                    .as_str()
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
                    .unwrap_or_else(|| text(h, "address")),
                address: text(h, "address"),
                members: t1(
                    "households.members",
                    lang,
                    h["member_count"].as_i64().unwrap_or(0),
                ),
                tags: h["member_tags"]
                    .as_array()
                    .map(|ts| {
                        ts.iter()
                            .filter_map(Json::as_str)
                            .map(|tag| t(&format!("tag.{tag}"), lang))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect();
        let place = match (&self.building, &self.unit) {
            (Some(b), Some(u)) => format!(
                "{} · {}",
                t1("households.building", lang, b),
                t1("households.unit", lang, u)
            ),
            (Some(b), None) => t1("households.building", lang, b),
            _ => t("households.all", lang),
        };
        let empty_text = rows.is_empty().then(|| {
            if searching || self.tag.is_some() {
                t("households.none_found", lang)
            } else {
                t("households.empty", lang)
            }
        });
        self.view = HouseholdsView {
            query: self.query.clone(),
            tag: self.tag.clone(),
            place,
            can_go_up: self.building.is_some(),
            tag_choices: crate::household_edit::TAGS
                .iter()
                .map(|tag| {
                    let key = crate::lang::key_of(tag);
                    HouseholdsGroup {
                        label: t(&format!("tag.{key}"), lang),
                        key,
                    }
                })
                .collect(),
            groups: groups
                .into_iter()
                .map(|g| HouseholdsGroup {
                    label: level
                        .map(|(_, key)| t1(key, lang, &g))
                        .unwrap_or_else(|| g.clone()),
                    key: g,
                })
                .collect(),
            rows,
            empty_text,
            error: None,
        };
    }
}

/// Building "10" after "9", as on the doors; names that are not numbers after, in order.
fn door_order(a: &str, b: &str) -> std::cmp::Ordering {
    let n = |s: &str| s.trim().parse::<u64>().ok();
    match (n(a), n(b)) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}
