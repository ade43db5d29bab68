//! Search across kinds (查找): one box for households, places, cases and mediations — by 汉字,
//! pinyin initials, a phone's digits or a case's words (core's index) — each hit with its kind
//! in words and opening its own screen.

use gridkeeper_core::Store;
use serde::Serialize;

use crate::effect::Effect;
use crate::lang::{Lang, error_words, t};

/// The kinds a worker opens from a search, in the order their hits are shown.
const KINDS: [&str; 4] = ["household", "place", "case", "mediation"];
/// More hits than a screen holds are noise: narrow the query instead.
const LIMIT: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum SearchEvent {
    Query(String),
    /// A hit's `kind` and `id`.
    Open {
        kind: String,
        id: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SearchLine {
    pub id: String,
    /// `household`, `place`, `case`, `mediation`: sent back in `Open`.
    pub kind: String,
    /// `住户`, `场所`, `事件`, `调解`.
    pub kind_label: String,
    /// A household's head and address, a place's name, a case's description, a party's name.
    pub title: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SearchView {
    pub query: String,
    /// Best first, households before places before cases before mediations.
    pub rows: Vec<SearchLine>,
    /// `没有找到` once something was asked and nothing matched.
    pub empty_text: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct Search {
    grid: Option<String>,
    lang: Lang,
    view: SearchView,
}

impl Search {
    pub fn new(grid: Option<String>, lang: Lang) -> Search {
        Search {
            grid,
            lang,
            view: SearchView::default(),
        }
    }

    pub fn view(&self) -> &SearchView {
        &self.view
    }

    pub fn update(&mut self, store: &Store, event: SearchEvent) -> Vec<Effect> {
        match event {
            SearchEvent::Query(q) => {
                self.find(store, q);
                Vec::new()
            }
            SearchEvent::Open { kind, id } => match kind.as_str() {
                "household" => vec![Effect::OpenHousehold { id }],
                "place" => vec![Effect::OpenPlace { id }],
                "case" => vec![Effect::OpenCase { id }],
                "mediation" => vec![Effect::OpenMediation { id }],
                _ => Vec::new(),
            },
        }
    }

    fn find(&mut self, store: &Store, query: String) {
        let lang = self.lang;
        let hits = match store.search(&query, None, self.grid.as_deref(), LIMIT * 2) {
            Ok(h) => h,
            Err(e) => {
                self.view.query = query;
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let mut rows: Vec<(usize, SearchLine)> = hits
            .into_iter()
            .filter_map(|h| {
                let order = KINDS.iter().position(|k| *k == h.kind)?;
                Some((
                    order,
                    SearchLine {
                        kind_label: t(&format!("search.kind.{}", h.kind), lang),
                        id: h.id,
                        kind: h.kind,
                        title: h.title,
                    },
                ))
            })
            .collect();
        // Stable: within a kind, core's ranking stays.
        rows.sort_by_key(|(order, _)| *order);
        let rows: Vec<SearchLine> = rows.into_iter().map(|(_, r)| r).take(LIMIT).collect();
        let asked = !query.trim().is_empty();
        self.view = SearchView {
            query,
            empty_text: (asked && rows.is_empty()).then(|| t("search.none", lang)),
            rows,
            error: None,
        };
    }
}
