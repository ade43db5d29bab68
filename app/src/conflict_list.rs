//! Records with unresolved conflicts, grid-wide (冲突待处理): reached from 今日工作 so a value
//! two phones set differently is seen without opening every household. Read from core's
//! conflict flags, so the list loads no document; a tap opens the record's own conflicts.

use gridkeeper_core::Store;
use serde::Serialize;

use crate::effect::Effect;
use crate::lang::{Lang, error_words, t, t1};

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum ConflictListEvent {
    Load,
    /// A line's `id`: open its conflicts.
    Open(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ConflictLine {
    /// Sent back in `Open`.
    pub id: String,
    /// `住户`, `场所`, `走访` …
    pub kind: String,
    /// A household's head and address, a place's name, a case's description; the kind when
    /// the record has nothing to name it by (a visit).
    pub title: String,
    /// `2 处冲突`.
    pub count: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ConflictListView {
    pub rows: Vec<ConflictLine>,
    pub empty_text: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct ConflictList {
    grid: Option<String>,
    lang: Lang,
    view: ConflictListView,
}

impl ConflictList {
    pub fn new(grid: Option<String>, lang: Lang) -> ConflictList {
        ConflictList {
            grid,
            lang,
            view: ConflictListView::default(),
        }
    }

    pub fn view(&self) -> &ConflictListView {
        &self.view
    }

    pub fn update(&mut self, store: &Store, event: ConflictListEvent) -> Vec<Effect> {
        match event {
            ConflictListEvent::Open(id) => vec![Effect::OpenConflicts { record_id: id }],
            ConflictListEvent::Load => {
                self.load(store);
                Vec::new()
            }
        }
    }

    fn load(&mut self, store: &Store) {
        let lang = self.lang;
        let found = match store.conflicted_records(self.grid.as_deref()) {
            Ok(f) => f,
            Err(e) => {
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let rows: Vec<ConflictLine> = found
            .into_iter()
            .map(|r| {
                let kind = t(&format!("record.kind.{}", r.kind), lang);
                ConflictLine {
                    title: if r.title.trim().is_empty() {
                        kind.clone()
                    } else {
                        r.title
                    },
                    kind,
                    count: t1("conflicts.fields", lang, r.fields),
                    id: r.id,
                }
            })
            .collect();
        self.view = ConflictListView {
            empty_text: rows.is_empty().then(|| t("conflict.none", lang)),
            rows,
            error: None,
        };
    }
}
