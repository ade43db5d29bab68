//! The app core's screens for the shells: each is an object holding the screen's state; the
//! shell sends events and draws the view it gets back, and performs the effects. Types are
//! converted here and nothing more — every rule is in `gridkeeper-app`.

use std::sync::{Arc, Mutex};

use gridkeeper_app::{Effect, Lang, households};

use crate::errors::{Result, poisoned};
use crate::store::GridStore;

/// The app's two languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AppLang {
    Zh,
    En,
}

impl From<AppLang> for Lang {
    fn from(l: AppLang) -> Lang {
        match l {
            AppLang::Zh => Lang::Zh,
            AppLang::En => Lang::En,
        }
    }
}

/// What a screen asks the shell to do.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AppEffect {
    OpenHousehold {
        id: String,
    },
    NewHousehold,
    /// Anything this build's shells do not handle yet, by name.
    Other {
        name: String,
    },
}

impl From<Effect> for AppEffect {
    fn from(e: Effect) -> AppEffect {
        match e {
            Effect::OpenHousehold { id } => AppEffect::OpenHousehold { id },
            Effect::NewHousehold => AppEffect::NewHousehold,
            other => AppEffect::Other {
                name: serde_json::to_value(&other)
                    .ok()
                    .and_then(|v| v["effect"].as_str().map(str::to_string))
                    .unwrap_or_default(),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum HouseholdsScreenEvent {
    Load,
    Query { text: String },
    Tag { tag: Option<String> },
    Browse { group: String },
    Up,
    Open { id: String },
    Add,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HouseholdsScreenLine {
    pub id: String,
    pub title: String,
    pub address: String,
    pub members: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HouseholdsScreenGroup {
    pub key: String,
    pub label: String,
}

/// What the household list draws, every word in the worker's language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HouseholdsScreenView {
    pub query: String,
    pub tag: Option<String>,
    pub place: String,
    pub can_go_up: bool,
    pub groups: Vec<HouseholdsScreenGroup>,
    pub rows: Vec<HouseholdsScreenLine>,
    pub empty_text: Option<String>,
    pub error: Option<String>,
}

/// A view and the effects the event asked for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HouseholdsScreenUpdate {
    pub view: HouseholdsScreenView,
    pub effects: Vec<AppEffect>,
}

/// The household list screen over one store.
#[derive(Debug, uniffi::Object)]
pub struct HouseholdsScreen {
    store: Arc<GridStore>,
    screen: Mutex<households::Households>,
}

#[uniffi::export]
impl HouseholdsScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, grid: Option<String>, lang: AppLang) -> Arc<Self> {
        Arc::new(HouseholdsScreen {
            store,
            screen: Mutex::new(households::Households::new(grid, lang.into())),
        })
    }

    /// Handles one event; returns the new view and what the shell must do.
    pub fn send(&self, event: HouseholdsScreenEvent) -> Result<HouseholdsScreenUpdate> {
        let mut screen = self.screen.lock().map_err(|_| poisoned())?;
        let event = match event {
            HouseholdsScreenEvent::Load => households::Event::Load,
            HouseholdsScreenEvent::Query { text } => households::Event::Query(text),
            HouseholdsScreenEvent::Tag { tag } => households::Event::Tag(tag),
            HouseholdsScreenEvent::Browse { group } => households::Event::Browse(group),
            HouseholdsScreenEvent::Up => households::Event::Up,
            HouseholdsScreenEvent::Open { id } => households::Event::Open(id),
            HouseholdsScreenEvent::Add => households::Event::Add,
        };
        let effects = self.store.read(|s| Ok(screen.update(s, event)))?;
        Ok(HouseholdsScreenUpdate {
            view: view(screen.view()),
            effects: effects.into_iter().map(Into::into).collect(),
        })
    }
}

fn view(v: &households::View) -> HouseholdsScreenView {
    HouseholdsScreenView {
        query: v.query.clone(),
        tag: v.tag.clone(),
        place: v.place.clone(),
        can_go_up: v.can_go_up,
        groups: v
            .groups
            .iter()
            .map(|g| HouseholdsScreenGroup {
                key: g.key.clone(),
                label: g.label.clone(),
            })
            .collect(),
        rows: v
            .rows
            .iter()
            .map(|r| HouseholdsScreenLine {
                id: r.id.clone(),
                title: r.title.clone(),
                address: r.address.clone(),
                members: r.members.clone(),
                tags: r.tags.clone(),
            })
            .collect(),
        empty_text: v.empty_text.clone(),
        error: v.error.clone(),
    }
}
