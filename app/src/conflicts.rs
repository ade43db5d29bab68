//! A record's conflicts: every value two devices set at once, and list items one device
//! removed while another edited them — each with who and when, so a person picks what stays.

use gridkeeper_core::record::ConflictValue;
use gridkeeper_core::{RecordId, Store};
use serde::Serialize;
use serde_json::Value as Json;

use crate::effect::Effect;
use crate::lang::{Lang, error_words, t, t1, t2};
use crate::times;

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum ConflictsEvent {
    Load,
    /// Keep value `choice` of the conflict at `path`.
    Pick {
        path: String,
        choice: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ConflictChoice {
    /// The value as a person reads it (`13912345678`, `已删除`, `周芷若 · 13912345678`).
    pub text: String,
    /// `王芳 · 2026-11-29 14:30`.
    pub by: String,
    /// Whether the record shows this value until someone picks.
    pub shown: bool,
    /// What picking it does, on its button.
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ConflictItem {
    /// Sent back in `Pick`.
    pub path: String,
    /// `成员 · 手机号`, or `删除与修改冲突：成员`.
    pub title: String,
    pub choices: Vec<ConflictChoice>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ConflictsView {
    pub items: Vec<ConflictItem>,
    pub empty_text: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct Conflicts {
    record: RecordId,
    lang: Lang,
    view: ConflictsView,
}

impl Conflicts {
    pub fn new(record: RecordId, lang: Lang) -> Conflicts {
        Conflicts {
            record,
            lang,
            view: ConflictsView::default(),
        }
    }

    pub fn view(&self) -> &ConflictsView {
        &self.view
    }

    pub fn update(&mut self, store: &mut Store, event: ConflictsEvent) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let ConflictsEvent::Pick { path, choice } = event {
            match store.resolve_conflict(self.record, &path, choice as usize) {
                Ok(()) => effects.push(Effect::RecordsChanged {
                    ids: vec![self.record.to_string()],
                }),
                Err(e) => {
                    self.reload(store);
                    self.view.error = Some(error_words(&e, self.lang));
                    return effects;
                }
            }
        }
        self.reload(store);
        effects
    }

    fn reload(&mut self, store: &mut Store) {
        let lang = self.lang;
        let found = match store.conflicts(self.record) {
            Ok(c) => c,
            Err(e) => {
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let items: Vec<ConflictItem> = found
            .into_iter()
            .map(|c| {
                let removal = c.path.ends_with(']') && c.path.contains("[id=");
                let title = if removal {
                    let list = c.path.split('[').next().unwrap_or_default();
                    t1("conflict.removed_item", lang, field_words(list, lang))
                } else {
                    field_words(&c.path, lang)
                };
                let choices = c
                    .values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| ConflictChoice {
                        text: value_words(&v.value, lang),
                        by: by_words(v, lang),
                        shown: v.winner,
                        action: match (removal, i) {
                            (true, 0) => t("conflict.keep_removal", lang),
                            (true, _) => t("conflict.restore", lang),
                            _ => t("conflict.choose", lang),
                        },
                    })
                    .collect();
                ConflictItem {
                    path: c.path,
                    title,
                    choices,
                }
            })
            .collect();
        self.view = ConflictsView {
            empty_text: items.is_empty().then(|| t("conflict.none", lang)),
            items,
            error: None,
        };
    }
}

/// `members[0].phone` → `成员 · 手机号`: each named part in words, positions dropped.
fn field_words(path: &str, lang: Lang) -> String {
    path.split('.')
        .map(|part| part.split('[').next().unwrap_or(part))
        .filter(|p| !p.is_empty())
        .map(|p| t(&format!("field.{p}"), lang))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn value_words(value: &Json, lang: Lang) -> String {
    match value {
        Json::Null => t("conflict.removed", lang),
        Json::String(s) => s.clone(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        // A whole item (a member): the parts a person recognises it by.
        Json::Object(m) => {
            let mut parts: Vec<String> = ["name", "phone"]
                .iter()
                .filter_map(|k| m.get(*k).and_then(Json::as_str))
                .map(str::to_string)
                .collect();
            if let Some(r) = m.get("relation").and_then(Json::as_str) {
                parts.push(t(&format!("relation.{r}"), lang));
            }
            parts.join(" · ")
        }
        Json::Array(items) => items
            .iter()
            .map(|v| value_words(v, lang))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

fn by_words(v: &ConflictValue, lang: Lang) -> String {
    let who = v
        .user
        .clone()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| t("conflict.unknown_user", lang));
    t2("conflict.by", lang, &who, &times::local_secs(v.time))
}
