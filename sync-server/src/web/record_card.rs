//! A record drawn as a card a supervisor reads: the kind's fields under their labels
//! ([`super::labels`]), enum values in words, people in a table, photos as thumbnails,
//! other records as links. It works on data already masked for the reader, so nothing here
//! decides what a reader may see.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use gridkeeper_core::checklist::{self, ChecklistTemplate};
use gridkeeper_core::kinds::common::{GeoPoint, Subject, enum_name};
use gridkeeper_core::kinds::{Activity, Case, Household, Inspection, Mediation, Place, Visit};
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use super::frame::shown;
use super::labels::{field, kind_name, value};

/// One value as shown: text, or a link, chips, thumbnails; `warn` marks it for attention.
#[derive(Default)]
pub(crate) struct Val {
    pub(crate) text: String,
    pub(crate) href: String,
    pub(crate) chips: Vec<String>,
    pub(crate) images: Vec<String>,
    pub(crate) warn: bool,
}

impl Val {
    fn text(t: impl Into<String>) -> Val {
        Val {
            text: t.into(),
            ..Val::default()
        }
    }
}

pub(crate) struct Field {
    pub(crate) label: String,
    pub(crate) val: Val,
}

pub(crate) struct GridRow {
    pub(crate) cells: Vec<Val>,
    /// A failed checklist item, an overdue follow-up.
    pub(crate) warn: bool,
    /// Struck through: a case's timeline entry overtaken by a concurrent one.
    pub(crate) struck: bool,
}

/// A titled table inside the card (members, checklist, timeline…).
pub(crate) struct Grid {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<GridRow>,
}

#[derive(Default)]
pub(crate) struct Card {
    pub(crate) fields: Vec<Field>,
    pub(crate) grids: Vec<Grid>,
}

/// A record this one names, with what its link says.
pub(crate) struct Related {
    pub(crate) kind: String,
    pub(crate) title: String,
    /// A household's members by id, for a visit's "members seen" and a mediation's parties.
    pub(crate) members: HashMap<String, String>,
}

/// What the card needs from outside the record: the records it names, its checklist.
#[derive(Default)]
pub(crate) struct Lookups {
    pub(crate) records: HashMap<String, Related>,
    pub(crate) template: Option<ChecklistTemplate>,
}

impl Lookups {
    fn link(&self, id: &str, zh: bool) -> Val {
        match self.records.get(id) {
            Some(r) => Val {
                text: format!("{} · {}", kind_name(&r.kind, zh), r.title),
                href: format!("/rec/{id}"),
                ..Val::default()
            },
            // Not synced here, or outside the reader's reach: the id, unlinked.
            None => Val::text(id),
        }
    }

    fn member(&self, household: &str, member: &str) -> String {
        self.records
            .get(household)
            .and_then(|r| r.members.get(member))
            .cloned()
            .unwrap_or_else(|| member.to_string())
    }
}

/// A case raised by a visit or an inspection names that record; any other source is a
/// system outside (a hotline's work order), whose id is its number there.
fn is_record_source(kind: &str) -> bool {
    matches!(kind, "visit" | "inspection")
}

/// The record ids a record names: what the page looks up before drawing it.
pub(crate) fn named_ids(data: &Json) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |v: &Json| {
        if let Some(s) = v.as_str().filter(|s| !s.is_empty()) {
            out.push(s.to_string());
        }
    };
    push(&data["subject"]["id"]);
    push(&data["source"]["id"]);
    data["raised_cases"]
        .as_array()
        .into_iter()
        .flatten()
        .for_each(&mut push);
    data["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .for_each(|p| push(&p["household_id"]));
    data["actions"]
        .as_object()
        .into_iter()
        .flat_map(|o| o.values())
        .for_each(|a| push(&a["case_id"]));
    out.sort();
    out.dedup();
    out
}

fn typed<T: DeserializeOwned>(data: &Json) -> Option<T> {
    serde_json::from_value(data.clone()).ok()
}

/// A short name for a link to a record: a household by its address and head, a place by
/// its name, the rest by what and when.
pub(crate) fn title_of(kind: &str, data: &Json, zh: bool) -> String {
    let s = |k: &str| data[k].as_str().unwrap_or_default().to_string();
    match kind {
        "household" => typed::<Household>(data)
            .map(|h| {
                let head = h
                    .members
                    .iter()
                    .find(|m| m.present())
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                format!("{} {head}", h.address.one_line())
                    .trim()
                    .to_string()
            })
            .unwrap_or_default(),
        "place" => s("name"),
        "visit" => shown(s("visited_at")),
        "inspection" => shown(s("inspected_at")),
        "case" => format!(
            "{} {}",
            value(&s("category"), zh),
            s("description").chars().take(20).collect::<String>()
        ),
        "mediation" => format!("{} {}", value(&s("dispute_type"), zh), s("opened_on")),
        "activity" => s("topic"),
        _ => String::new(),
    }
}

/// Members of a household by id, for the records that name them.
pub(crate) fn members_of(kind: &str, data: &Json) -> HashMap<String, String> {
    match (kind, typed::<Household>(data)) {
        ("household", Some(h)) => h.members.into_iter().map(|m| (m.id, m.name)).collect(),
        _ => HashMap::new(),
    }
}

struct Builder<'a> {
    kind: &'a str,
    zh: bool,
    card: Card,
}

impl Builder<'_> {
    fn label(&self, path: &str) -> String {
        field(self.kind, path, self.zh)
    }

    fn put(&mut self, path: &str, val: Val) {
        if val.text.is_empty() && val.chips.is_empty() && val.images.is_empty() {
            return;
        }
        let label = self.label(path);
        self.card.fields.push(Field { label, val });
    }

    fn text(&mut self, path: &str, t: &str) {
        self.put(path, Val::text(shown(t.to_string())));
    }

    fn word(&mut self, path: &str, v: &str) {
        self.put(path, Val::text(value(v, self.zh)));
    }

    fn chips(&mut self, path: &str, words: Vec<String>) {
        self.put(
            path,
            Val {
                chips: words,
                ..Val::default()
            },
        );
    }

    fn photos(&mut self, path: &str, hashes: &[String]) {
        self.put(path, images(hashes));
    }

    fn grid(&mut self, path: &str, cols: &[&str], rows: Vec<GridRow>) {
        if rows.is_empty() {
            return;
        }
        let headers = cols
            .iter()
            .map(|c| self.label(&format!("{path}.{c}")))
            .collect();
        let grid = Grid {
            id: path.replace('_', "-"),
            title: self.label(path),
            headers,
            rows,
        };
        self.card.grids.push(grid);
    }
}

fn images(hashes: &[String]) -> Val {
    Val {
        images: hashes
            .iter()
            .filter(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit()))
            .cloned()
            .collect(),
        ..Val::default()
    }
}

fn row(cells: Vec<Val>) -> GridRow {
    GridRow {
        cells,
        warn: false,
        struck: false,
    }
}

fn words(values: impl IntoIterator<Item = String>, zh: bool) -> Vec<String> {
    values.into_iter().map(|v| value(&v, zh)).collect()
}

/// Whole years from a `YYYY-MM-DD` birth date to today.
fn age(birth: &str, today: NaiveDate) -> String {
    NaiveDate::parse_from_str(birth, "%Y-%m-%d")
        .ok()
        .and_then(|b| today.years_since(b))
        .map(|y| y.to_string())
        .unwrap_or_default()
}

fn location(p: &GeoPoint, zh: bool) -> String {
    let within = p
        .accuracy_m
        .map(|m| {
            if zh {
                format!("（误差约 {m:.0} 米）")
            } else {
                format!(" (within about {m:.0} m)")
            }
        })
        .unwrap_or_default();
    format!("{:.5}, {:.5}{within}", p.lat, p.lon)
}

/// The card of a record whose (masked) fields are `data`.
pub(crate) fn card(kind: &str, data: &Json, l: &Lookups, zh: bool, now: DateTime<Utc>) -> Card {
    let mut b = Builder {
        kind,
        zh,
        card: Card::default(),
    };
    let drawn = match kind {
        "household" => typed(data).map(|h| household(&mut b, h, now)),
        "place" => typed(data).map(|p| place(&mut b, p)),
        "visit" => typed(data).map(|v| visit(&mut b, v, l)),
        "inspection" => typed(data).map(|i| inspection(&mut b, i, l)),
        "case" => typed(data).map(|c| case(&mut b, c, l, now)),
        "mediation" => typed(data).map(|m| mediation(&mut b, m, l)),
        "activity" => typed(data).map(|a| activity(&mut b, a)),
        _ => None,
    };
    if drawn.is_none() {
        plain(&mut b, data);
    }
    b.card
}

/// A record this build cannot read as its kind (a newer app's): each field under its label,
/// values flattened to words.
fn plain(b: &mut Builder, data: &Json) {
    if let Some(o) = data.as_object() {
        for (k, v) in o {
            let text = match v {
                Json::String(s) => value(s, b.zh),
                Json::Array(a) => a
                    .iter()
                    .filter_map(Json::as_str)
                    .map(|s| value(s, b.zh))
                    .collect::<Vec<_>>()
                    .join("、"),
                Json::Number(n) => n.to_string(),
                Json::Bool(x) => super::labels::yes_no(*x, b.zh).to_string(),
                _ => String::new(),
            };
            b.text(k, &text);
        }
    }
}

fn household(b: &mut Builder, h: Household, now: DateTime<Utc>) {
    let zh = b.zh;
    b.text("address", &h.address.one_line());
    b.word("housing_type", &enum_name(&h.housing_type));
    b.chips("tags", h.tags.clone());
    b.text("notes", &h.notes);
    let today = now.date_naive();
    let rows = h
        .members
        .iter()
        .map(|m| {
            let mut tags = words(m.tags.iter().map(|t| t.as_str().to_string()), zh);
            tags.extend(m.custom_tags.iter().cloned());
            let left = m.left.as_ref().map(|d| {
                format!("{} {}", value(&enum_name(&d.reason), zh), d.on)
                    .trim()
                    .to_string()
            });
            let mut r = row(vec![
                Val::text(&m.name),
                Val::text(value(&enum_name(&m.relation), zh)),
                Val::text(
                    m.gender
                        .map(|g| value(&enum_name(&g), zh))
                        .unwrap_or_default(),
                ),
                Val::text(
                    m.birth_date
                        .as_deref()
                        .map(|d| age(d, today))
                        .unwrap_or_default(),
                ),
                Val::text(m.id_number.clone().unwrap_or_default()),
                Val::text(m.phone.clone().unwrap_or_default()),
                Val::text(value(&enum_name(&m.registration), zh)),
                Val {
                    chips: tags,
                    ..Val::default()
                },
                Val::text(left.clone().unwrap_or_default()),
            ]);
            // Someone who moved out or died stays in the register, drawn as such.
            r.struck = left.is_some();
            r
        })
        .collect();
    b.grid(
        "members",
        &[
            "name",
            "relation",
            "gender",
            "age",
            "id_number",
            "phone",
            "registration",
            "tags",
            "left",
        ],
        rows,
    );
}

fn place(b: &mut Builder, p: Place) {
    b.text("name", &p.name);
    b.word("place_type", &enum_name(&p.place_type));
    b.text("address", &p.address.one_line());
    b.text("responsible", &p.responsible);
    b.text("contact", p.contact.as_deref().unwrap_or_default());
    b.chips("tags", p.tags.clone());
    b.text("notes", &p.notes);
}

fn subject(b: &mut Builder, s: &Subject, l: &Lookups) {
    let val = l.link(&s.id, b.zh);
    b.put("subject", val);
}

fn visit(b: &mut Builder, v: Visit, l: &Lookups) {
    subject(b, &v.subject, l);
    b.text("visited_at", &v.visited_at);
    b.text("worker", &v.worker);
    b.word("purpose", &enum_name(&v.purpose));
    let seen = v
        .members_seen
        .iter()
        .map(|m| l.member(&v.subject.id, m))
        .collect();
    b.chips("members_seen", seen);
    b.text("findings", &v.findings);
    b.text(
        "location",
        &v.location.map(|p| location(&p, b.zh)).unwrap_or_default(),
    );
    b.photos("photos", &v.photos);
    for c in &v.raised_cases {
        let val = l.link(c, b.zh);
        b.put("raised_cases", val);
    }
}

fn answer_text(item: Option<&checklist::Item>, a: &checklist::Answer, zh: bool) -> String {
    let one = |v: &str| {
        item.and_then(|i| i.choices.iter().find(|c| c.value == v))
            .map(|c| match (&c.label_en, zh) {
                (Some(en), false) => en.clone(),
                _ => c.label.clone(),
            })
            .unwrap_or_else(|| value(v, zh))
    };
    match a.value() {
        checklist::Value::Number(n) => n.to_string(),
        checklist::Value::Text(t) => one(t),
        checklist::Value::List(l) if item.is_some_and(|i| i.item_type.has_choices()) => l
            .iter()
            .map(|v| one(v))
            .collect::<Vec<_>>()
            .join(if zh { "、" } else { ", " }),
        checklist::Value::List(_) => String::new(),
    }
}

fn inspection(b: &mut Builder, i: Inspection, l: &Lookups) {
    let zh = b.zh;
    subject(b, &i.subject, l);
    let template = l.template.as_ref();
    let title = template
        .map(|t| match (&t.title_en, zh) {
            (Some(en), false) => en.clone(),
            _ => t.title.clone(),
        })
        .unwrap_or_else(|| i.template_id.clone());
    b.text("template_id", &title);
    b.text("template_version", &i.template_version.to_string());
    b.text("inspected_at", &i.inspected_at);
    b.text("inspector", &i.inspector);
    b.word("status", &enum_name(&i.status));
    b.text(
        "completed_at",
        i.completed_at.as_deref().unwrap_or_default(),
    );
    let failed: Vec<String> = template.map(|t| i.failed_items(t)).unwrap_or_default();
    // Items in the checklist's order; answers to items it does not list (a template this
    // relay has not seen) follow under their ids.
    let mut order: Vec<(String, String, Option<&checklist::Item>)> = template
        .map(|t| {
            t.sections
                .iter()
                .flat_map(|s| {
                    let section = match (&s.title_en, zh) {
                        (Some(en), false) => en.clone(),
                        _ => s.title.clone(),
                    };
                    s.items
                        .iter()
                        .map(move |it| (section.clone(), it.id.clone(), Some(it)))
                })
                .collect()
        })
        .unwrap_or_default();
    for id in i.answers.keys() {
        if !order.iter().any(|(_, o, _)| o == id) {
            order.push((String::new(), id.clone(), None));
        }
    }
    let rows = order
        .into_iter()
        .filter_map(|(section, id, item)| {
            let a = i.answers.get(&id)?;
            let label = item
                .map(|it| match (&it.label_en, zh) {
                    (Some(en), false) => en.clone(),
                    _ => it.label.clone(),
                })
                .unwrap_or_else(|| id.clone());
            let mut photos = a.evidence().to_vec();
            if let checklist::Value::List(l) = a.value()
                && item.is_some_and(|it| it.item_type == checklist::ItemType::Photo)
            {
                photos.extend(l.iter().cloned());
            }
            let handling = i.actions.get(&id).map(|act| match &act.case_id {
                Some(c) if !c.is_empty() => l.link(c, zh),
                _ => Val::text(act.note.clone().unwrap_or_default()),
            });
            let is_failed = failed.contains(&id);
            Some(GridRow {
                cells: vec![
                    Val::text(section),
                    Val::text(label),
                    Val {
                        text: answer_text(item, a, zh),
                        warn: is_failed,
                        ..Val::default()
                    },
                    handling.unwrap_or_default(),
                    images(&photos),
                ],
                warn: is_failed,
                struck: false,
            })
        })
        .collect();
    b.grid(
        "answers",
        &["section", "item", "answer", "handling", "photos"],
        rows,
    );
    b.photos("photos", &i.photos);
}

fn case(b: &mut Builder, c: Case, l: &Lookups, now: DateTime<Utc>) {
    let zh = b.zh;
    let status = c.status(now);
    b.word("state", status.state.as_str());
    b.put(
        "overdue",
        Val {
            text: super::labels::yes_no(status.overdue, zh).to_string(),
            warn: status.overdue,
            ..Val::default()
        },
    );
    b.word("category", &enum_name(&c.category));
    b.word("subcategory", &c.subcategory);
    b.text("description", &c.description);
    if let Some(s) = &c.subject {
        subject(b, s, l);
    }
    b.word("severity", &enum_name(&c.severity));
    b.text("reported_at", &c.reported_at);
    b.text("deadline", &c.deadline);
    if let Some(src) = c.source.as_ref().filter(|s| !is_record_source(&s.kind)) {
        // A work order from outside: its system and number, which the reply is filed under.
        let text = if zh {
            format!("{} 工单 {}", src.kind, src.id)
        } else {
            format!("{} work order {}", src.kind, src.id)
        };
        b.put("source", Val::text(&text));
    }
    if let Some(src) = c.source.as_ref().filter(|s| is_record_source(&s.kind)) {
        let mut val = l.link(&src.id, zh);
        // The checklist item that failed, by its words when the inspection's checklist is
        // at hand (the page looks it up for a case an inspection raised).
        if let Some(item) = &src.item {
            let words = l
                .template
                .as_ref()
                .and_then(|t| t.item(item))
                .map(|it| it.label.clone())
                .unwrap_or_else(|| item.clone());
            val.text = format!("{} ·「{words}」", val.text);
        }
        b.put("source", val);
    }
    b.photos("photos", &c.photos);
    // In the order the state was folded in: time, then entry id.
    let mut entries: Vec<(usize, &gridkeeper_core::kinds::case::TimelineEntry)> =
        c.timeline.iter().enumerate().collect();
    entries.sort_by(|a, b| (&a.1.at, &a.1.id).cmp(&(&b.1.at, &b.1.id)));
    let rows = entries
        .into_iter()
        .map(|(i, e)| {
            let struck = status.superseded.contains(&i);
            let mut note = [e.note.as_str(), e.reason.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join("；");
            if let Some(to) = e.escalate_to {
                note = format!(
                    "{}{} {note}",
                    b.label("timeline.escalate_to"),
                    value(&enum_name(&to), zh)
                );
            }
            if !e.dispatch_to.is_empty() {
                note = format!(
                    "{}{}（{}{}） {note}",
                    b.label("timeline.dispatch_to"),
                    e.dispatch_to,
                    b.label("timeline.handle_by"),
                    e.handle_by
                );
            }
            if !e.handler.is_empty() {
                note = format!("{}{} {note}", b.label("timeline.handler"), e.handler);
            }
            if struck {
                note = format!(
                    "{}{note}",
                    if zh {
                        "（与同时的操作冲突，未生效）"
                    } else {
                        "(overtaken by a concurrent action) "
                    }
                );
            }
            GridRow {
                cells: vec![
                    Val::text(shown(e.at.clone())),
                    Val::text(value(e.action.as_str(), zh)),
                    Val::text(&e.by),
                    Val::text(note),
                    images(&e.photos),
                ],
                warn: false,
                struck,
            }
        })
        .collect();
    b.grid("timeline", &["at", "action", "by", "note", "photos"], rows);
}

fn mediation(b: &mut Builder, m: Mediation, l: &Lookups) {
    let zh = b.zh;
    let party = |id: &str| {
        m.parties
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    b.word("dispute_type", &enum_name(&m.dispute_type));
    b.put(
        "risk_level",
        Val {
            text: value(&enum_name(&m.risk_level), zh),
            warn: enum_name(&m.risk_level) == "high",
            ..Val::default()
        },
    );
    b.text("opened_on", &m.opened_on);
    b.word(
        "result",
        &m.result
            .map(|r| enum_name(&r))
            .unwrap_or_else(|| "pending".into()),
    );
    b.text("narrative", &m.narrative);
    b.text("agreement_text", &m.agreement_text);
    let parties = m
        .parties
        .iter()
        .map(|p| {
            let home = match &p.household_id {
                Some(h) => l.link(h, zh),
                None => Val::default(),
            };
            let member = match (&p.household_id, &p.member_id) {
                (Some(h), Some(mid)) => l.member(h, mid),
                _ => String::new(),
            };
            row(vec![
                Val::text(&p.name),
                Val::text(p.phone.clone().unwrap_or_default()),
                home,
                Val::text(member),
            ])
        })
        .collect();
    b.grid(
        "parties",
        &["name", "phone", "household_id", "member_id"],
        parties,
    );
    let sessions = m
        .sessions
        .iter()
        .map(|s| {
            row(vec![
                Val::text(&s.date),
                Val {
                    chips: s.participants.iter().map(|p| party(p)).collect(),
                    ..Val::default()
                },
                Val::text(&s.outcome),
            ])
        })
        .collect();
    b.grid("sessions", &["date", "participants", "outcome"], sessions);
    let signatures = m
        .signatures
        .iter()
        .map(|s| {
            row(vec![
                Val::text(party(&s.party_id)),
                images(std::slice::from_ref(&s.blob)),
            ])
        })
        .collect();
    b.grid("signatures", &["party_id", "blob"], signatures);
    let follow = m
        .follow_ups
        .iter()
        .map(|f| {
            row(vec![
                Val::text(&f.due),
                Val::text(f.done_on.clone().unwrap_or_default()),
                Val::text(&f.note),
            ])
        })
        .collect();
    b.grid("follow_ups", &["due", "done_on", "note"], follow);
}

fn activity(b: &mut Builder, a: Activity) {
    b.text("topic", &a.topic);
    b.word("activity_type", &enum_name(&a.activity_type));
    b.text("held_on", &a.held_on);
    b.text("venue", &a.venue);
    b.text("participants", &a.participants.to_string());
    b.text("notes", &a.notes);
    b.photos("photos", &a.photos);
}
