//! A record's history and conflicts in words: "王芳 改了 住房类型：自住 → 出租", and for a
//! field two people set at once, both values with who set each and when. Old and new values
//! are read from the document before and after each change and masked by the kind's own
//! `mask` (the rule reports and exports use) when the reader may not see them whole.

use std::collections::HashMap;

use automerge::AutoCommit;
use chrono::DateTime;
use gridkeeper_core::Kind;
use gridkeeper_core::record::{self, conflicts};
use serde_json::Value as Json;

use super::frame::{local_time, shown};
use super::labels::{field, kind_name, value};

/// One change as a person tells it.
pub(crate) struct ChangeV {
    pub(crate) when: String,
    pub(crate) who: String,
    pub(crate) lines: Vec<String>,
}

/// One value of a conflicted field.
pub(crate) struct ConflictValueV {
    pub(crate) pick: usize,
    pub(crate) text: String,
    pub(crate) who: String,
    pub(crate) when: String,
    /// The value the record shows until someone picks.
    pub(crate) shown: bool,
}

pub(crate) struct ConflictV {
    /// The core's path of the field, what a pick names.
    pub(crate) path: String,
    pub(crate) label: String,
    pub(crate) values: Vec<ConflictValueV>,
}

/// How a record's fields are read for one reader: the kind, and whether it sees ID and
/// phone numbers whole.
pub(crate) struct Reading {
    pub(crate) kind: Kind,
    pub(crate) full: bool,
    pub(crate) zh: bool,
    /// An inspection's checklist items by id: its answers and their handling are keyed by
    /// item, so a change to one is told by the item's words.
    pub(crate) items: HashMap<String, String>,
}

impl Reading {
    /// The fields as the reader may see them; a version the kind cannot read (so cannot
    /// mask) shows nothing rather than something unmasked.
    fn masked(&self, data: Json) -> Json {
        if self.full {
            return data;
        }
        self.kind.ops().mask(data).unwrap_or(Json::Null)
    }

    fn label(&self, path: &str) -> String {
        field(self.kind.as_str(), path, self.zh)
    }

    fn say(&self, zh: &'static str, en: &'static str) -> &'static str {
        if self.zh { zh } else { en }
    }
}

fn who(user: Option<String>, actor: &str) -> String {
    user.filter(|u| !u.is_empty())
        .unwrap_or_else(|| actor.chars().take(8).collect())
}

fn when(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .map(local_time)
        .unwrap_or_default()
}

/// A value in words: enum values through the glossary, instants in local time, lists
/// joined, an item by its name.
pub(crate) fn text(v: &Json, zh: bool) -> String {
    match v {
        Json::Null => String::new(),
        Json::Bool(b) => super::labels::yes_no(*b, zh).to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => shown(value(s, zh)),
        Json::Array(a) => a
            .iter()
            .map(|x| text(x, zh))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(if zh { "、" } else { ", " }),
        Json::Object(o) => ["name", "topic", "date", "due", "action"]
            .iter()
            .find_map(|k| o.get(*k).map(|x| text(x, zh)))
            // Nothing that names it (a failed item's handling): what it holds.
            .unwrap_or_else(|| text(&Json::Array(o.values().cloned().collect()), zh)),
    }
}

struct Diff {
    /// Words for where the field is: "成员 张三 · 联系电话".
    place: String,
    old: Json,
    new: Json,
}

/// Walks two versions of the fields; list items with an `id` are matched by it (members,
/// timeline entries), other lists compare whole (tags).
fn diff(r: &Reading, path: &str, place: &str, old: &Json, new: &Json, out: &mut Vec<Diff>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (old, new) {
        (Json::Object(a), Json::Object(b)) if !path.is_empty() || !a.is_empty() => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                // Under a checklist item the path stays the list's (`actions.case_id`).
                let (p, label) = match (path, r.items.get(k.as_str())) {
                    ("answers" | "actions", Some(item)) => {
                        (path.to_string(), format!("「{item}」"))
                    }
                    _ => (join(k), r.label(&join(k))),
                };
                let here = if place.is_empty() {
                    label
                } else {
                    format!("{place} · {label}")
                };
                diff(
                    r,
                    &p,
                    &here,
                    a.get(k).unwrap_or(&Json::Null),
                    b.get(k).unwrap_or(&Json::Null),
                    out,
                );
            }
        }
        // A map that appears or goes whole (a first failed item's handling) reads as
        // its entries, one by one.
        (Json::Null, Json::Object(_)) if !path.is_empty() => {
            diff(r, path, place, &Json::Object(Default::default()), new, out)
        }
        (Json::Object(_), Json::Null) if !path.is_empty() => {
            diff(r, path, place, old, &Json::Object(Default::default()), out)
        }
        (Json::Array(a), Json::Array(b)) if by_id(a) && by_id(b) => {
            let id = |x: &Json| x["id"].as_str().unwrap_or_default().to_string();
            let mut ids: Vec<String> = a.iter().chain(b).map(id).collect();
            ids.dedup();
            let mut seen = Vec::new();
            for i in ids {
                if seen.contains(&i) {
                    continue;
                }
                seen.push(i.clone());
                let before = a.iter().find(|x| id(x) == i).unwrap_or(&Json::Null);
                let after = b.iter().find(|x| id(x) == i).unwrap_or(&Json::Null);
                if before == after {
                    continue;
                }
                let name = text(if after.is_null() { before } else { after }, r.zh);
                if before.is_null() || after.is_null() {
                    out.push(Diff {
                        place: place.to_string(),
                        old: before.clone(),
                        new: after.clone(),
                    });
                } else {
                    let here = format!("{place} {name}");
                    diff(r, path, &here, before, after, out);
                }
            }
        }
        _ if old != new => out.push(Diff {
            place: place.to_string(),
            old: old.clone(),
            new: new.clone(),
        }),
        _ => {}
    }
}

fn by_id(items: &[Json]) -> bool {
    items.iter().all(|x| x["id"].is_string())
}

fn line(r: &Reading, d: &Diff) -> String {
    let (old, new) = (text(&d.old, r.zh), text(&d.new, r.zh));
    match (old.is_empty(), new.is_empty()) {
        (true, _) => format!("{}{}：{new}", r.say("填写了 ", "set "), d.place),
        (false, true) => format!(
            "{}{}{}{old}{}",
            r.say("清除了 ", "cleared "),
            d.place,
            r.say("（原为 ", " (was "),
            r.say("）", ")")
        ),
        (false, false) => format!("{}{}：{old} → {new}", r.say("改了 ", "changed "), d.place),
    }
}

/// Every change of the record, oldest first, each with the fields it changed in words.
pub(crate) fn history(doc: &mut AutoCommit, r: &Reading) -> Vec<ChangeV> {
    let mut out = Vec::new();
    for change in doc.get_changes(&[]) {
        let deps = change.deps().to_vec();
        let hash = change.hash();
        let (actor, user, time) = (
            change.actor_id().to_hex_string(),
            change.message().map(str::to_string),
            change.timestamp(),
        );
        let lines = if deps.is_empty() {
            vec![format!(
                "{}{}",
                r.say("新建了", "created the "),
                kind_name(r.kind.as_str(), r.zh)
            )]
        } else {
            let at = |doc: &mut AutoCommit, heads: &[automerge::ChangeHash]| {
                doc.fork_at(heads)
                    .map(|d| r.masked(record::read_data(&d)))
                    .unwrap_or(Json::Null)
            };
            let before = at(doc, &deps);
            let after = at(doc, &[hash]);
            let mut diffs = Vec::new();
            diff(r, "", "", &before, &after, &mut diffs);
            let mut lines: Vec<String> = diffs.iter().map(|d| line(r, d)).collect();
            if lines.is_empty() {
                lines.push(
                    r.say(
                        "整理了记录（内容未变）",
                        "tidied the record (nothing shown changed)",
                    )
                    .into(),
                );
            }
            lines
        };
        out.push(ChangeV {
            when: when(time),
            who: who(user, &actor),
            lines,
        });
    }
    out
}

/// A step of a core conflict path: `members[0].phone`, `members[id=m1]`.
enum Step {
    Key(String),
    Index(usize),
    Id(String),
}

fn steps(path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                out.push(Step::Key(rest[..i].to_string()));
            }
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                let inner = &rest[1..end];
                out.push(match inner.strip_prefix("id=") {
                    Some(id) => Step::Id(id.to_string()),
                    None => Step::Index(inner.parse().unwrap_or(usize::MAX)),
                });
                rest = &rest[end + 1..];
            }
        } else if !rest.is_empty() {
            out.push(Step::Key(rest.to_string()));
        }
    }
    out
}

fn at_path<'a>(data: &'a mut Json, steps: &[Step]) -> Option<&'a mut Json> {
    let mut here = data;
    for s in steps {
        here = match s {
            Step::Key(k) => here.get_mut(k)?,
            Step::Index(i) => here.get_mut(*i)?,
            Step::Id(id) => here
                .as_array_mut()?
                .iter_mut()
                .find(|x| x["id"].as_str() == Some(id))?,
        };
    }
    Some(here)
}

/// Fields two people set at once, each value masked as the field itself would be: the
/// value is put in place in the record and the kind's mask run over it.
pub(crate) fn conflicts(doc: &mut AutoCommit, r: &Reading) -> Vec<ConflictV> {
    let data = record::read_data(doc);
    conflicts::list(doc)
        .into_iter()
        .map(|c| {
            let where_ = steps(&c.path);
            // The item's name, so "成员 张三 · 联系电话" says whose phone it is.
            let item = where_
                .iter()
                .position(|s| !matches!(s, Step::Key(_)))
                .and_then(|end| {
                    let mut d = data.clone();
                    at_path(&mut d, &where_[..=end]).map(|x| text(x, r.zh))
                })
                .filter(|n| !n.is_empty());
            let label = match item {
                Some(name) if where_.len() > 2 => {
                    let list = r.label(c.path.split('[').next().unwrap_or_default());
                    format!("{list} {name} · {}", r.label(&c.path))
                }
                Some(name) => format!("{} {name}", r.label(&c.path)),
                None => r.label(&c.path),
            };
            let values = c
                .values
                .into_iter()
                .enumerate()
                .map(|(pick, v)| {
                    let mut d = data.clone();
                    let shown_value = match at_path(&mut d, &where_) {
                        Some(slot) => {
                            *slot = v.value.clone();
                            let mut masked = r.masked(d);
                            at_path(&mut masked, &where_)
                                .map(|x| text(x, r.zh))
                                .unwrap_or_default()
                        }
                        // A removed item has no place left to mask it in.
                        None if r.full => text(&v.value, r.zh),
                        None => String::new(),
                    };
                    let shown_value = match (shown_value.is_empty(), v.value.is_null()) {
                        (false, _) => shown_value,
                        (true, true) => r.say("（删除）", "(removed)").to_string(),
                        (true, false) if v.value.as_str() == Some("") => {
                            r.say("（空）", "(empty)").to_string()
                        }
                        // A value the reader may not see, or one the kind cannot mask.
                        (true, false) => r.say("（不予显示）", "(not shown)").to_string(),
                    };
                    ConflictValueV {
                        pick,
                        text: shown_value,
                        who: who(v.user, &v.actor),
                        when: when(v.time),
                        shown: v.winner,
                    }
                })
                .collect();
            ConflictV {
                path: c.path,
                label,
                values,
            }
        })
        .collect()
}
