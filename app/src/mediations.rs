//! The mediation list (矛盾调解): disputes still being mediated first, each with its state in
//! words (进行中, 达成协议, 转司法所 …), its next follow-up, and those the street office should
//! know of flagged; a new mediation is started from here.

use gridkeeper_core::{Kind, Store};
use serde::Serialize;
use serde_json::Value as Json;

use crate::effect::Effect;
use crate::lang::{Lang, error_words, t, t1};

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum MediationListEvent {
    /// Shown, or come back to: read the list again.
    Load,
    Open(String),
    New,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MediationLine {
    pub id: String,
    /// `邻里纠纷`.
    pub title: String,
    /// `调解中`, or the result: `达成协议`, `转法院` …
    pub state: String,
    /// No result yet.
    pub open: bool,
    /// `受理 2026-11-20 · 高风险 · 回访 2026-12-01`.
    pub detail: String,
    /// High risk or failed without a referral: drawn in the warning colour.
    pub needs_escalation: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MediationListView {
    pub rows: Vec<MediationLine>,
    /// `3 件调解中`.
    pub open_text: String,
    pub empty_text: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct MediationList {
    grid: Option<String>,
    lang: Lang,
    view: MediationListView,
}

impl MediationList {
    pub fn new(grid: Option<String>, lang: Lang) -> MediationList {
        MediationList {
            grid,
            lang,
            view: MediationListView::default(),
        }
    }

    pub fn view(&self) -> &MediationListView {
        &self.view
    }

    pub fn update(&mut self, store: &Store, event: MediationListEvent) -> Vec<Effect> {
        match event {
            MediationListEvent::Load => {}
            MediationListEvent::Open(id) => return vec![Effect::OpenMediation { id }],
            MediationListEvent::New => return vec![Effect::NewMediation],
        }
        self.reload(store);
        Vec::new()
    }

    fn reload(&mut self, store: &Store) {
        let lang = self.lang;
        let found = match store.list_json(Kind::Mediation, self.grid.as_deref(), None, false) {
            Ok(rows) => rows,
            Err(e) => {
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let text = |row: &Json, key: &str| row[key].as_str().unwrap_or_default().to_string();
        let mut rows: Vec<MediationLine> = found
            .iter()
            .map(|m| {
                let result = text(m, "result");
                let open = result.is_empty();
                let mut detail = vec![t1("mediations.opened", lang, text(m, "opened_on"))];
                let risk = text(m, "risk_level");
                if !risk.is_empty() {
                    detail.push(t(&format!("risk.{risk}"), lang));
                }
                let follow_up = text(m, "next_follow_up");
                if !follow_up.is_empty() {
                    detail.push(t1("today.follow_up", lang, follow_up));
                }
                MediationLine {
                    id: text(m, "id"),
                    title: t(&format!("dispute.{}", text(m, "dispute_type")), lang),
                    state: if open {
                        t("mediations.open", lang)
                    } else {
                        t(&format!("result.{result}"), lang)
                    },
                    open,
                    detail: detail.join(" · "),
                    needs_escalation: m["needs_escalation"].as_i64().unwrap_or(0) != 0
                        || m["needs_escalation"].as_bool().unwrap_or(false),
                }
            })
            .collect();
        // Open ones first; within each, core's order (the ones to escalate, then the newest).
        rows.sort_by_key(|r| !r.open);
        let open = rows.iter().filter(|r| r.open).count();
        self.view = MediationListView {
            open_text: t1("mediations.open_count", lang, open),
            empty_text: rows.is_empty().then(|| t("mediations.empty", lang)),
            rows,
            error: None,
        };
    }
}
