//! Answers and the inspectors' rules: which items are shown, which answers are acceptable,
//! which items failed, and what still stops an inspection from being completed.
//!
//! Answers are keyed by item id. Answers to items that are not shown (their condition is not
//! met) or that the template no longer has are ignored, never counted.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::template::{ChecklistTemplate, Condition, FAIL, Item, ItemType, PASS_FAIL_NA};
use crate::error::Invalid;

/// What an answer holds, as JSON: a number, a string (`"pass"`/`"fail"`/`"na"`, text, or one
/// choice value), or a list of strings (choice values, or photo blob hashes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Text(String),
    List(Vec<String>),
}

/// One item's answer: a bare [`Value`], or `{"value": …, "photos": [hash, …]}` when photos
/// were taken as evidence for a non-photo item (a blocked exit, a perished gas hose).
/// A photo item is answered with the bare list of its photos' hashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Plain(Value),
    WithPhotos(WithPhotos),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithPhotos {
    pub value: Value,
    #[serde(default)]
    pub photos: Vec<String>,
}

impl Answer {
    /// `"pass"`, `"fail"`, `"na"`, a text, or a single choice value.
    pub fn text(s: impl Into<String>) -> Self {
        Answer::Plain(Value::Text(s.into()))
    }

    pub fn number(n: f64) -> Self {
        Answer::Plain(Value::Number(n))
    }

    /// Multi-choice values, or a photo item's blob hashes.
    pub fn list<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Answer::Plain(Value::List(values.into_iter().map(Into::into).collect()))
    }

    /// The same answer with photo evidence attached.
    pub fn with_photos<I, S>(self, photos: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let photos = photos.into_iter().map(Into::into).collect();
        match self {
            Answer::Plain(value) | Answer::WithPhotos(WithPhotos { value, .. }) => {
                Answer::WithPhotos(WithPhotos { value, photos })
            }
        }
    }

    pub fn value(&self) -> &Value {
        match self {
            Answer::Plain(v) | Answer::WithPhotos(WithPhotos { value: v, .. }) => v,
        }
    }

    /// Attached photos (empty for a bare value).
    pub fn evidence(&self) -> &[String] {
        match self {
            Answer::Plain(_) => &[],
            Answer::WithPhotos(w) => &w.photos,
        }
    }

    /// Whether the value says nothing: an empty or blank string, or an empty list.
    pub fn is_empty(&self) -> bool {
        match self.value() {
            Value::Number(_) => false,
            Value::Text(s) => s.trim().is_empty(),
            Value::List(l) => l.is_empty(),
        }
    }
}

/// What the inspector did about a failed item: raised a hazard case (事件), or wrote why
/// no case is needed (e.g. put right on the spot, 当场整改).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailAction {
    /// The id of the hazard case raised for this item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl FailAction {
    /// Whether it actually records something: a case id or a note that is not blank.
    pub fn is_recorded(&self) -> bool {
        let present = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
        present(&self.case_id) || present(&self.note)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A shown, required item has no answer.
    Unanswered,
    /// A shown, photo-required item has no photo.
    MissingPhoto,
    /// A failed item has neither a hazard case nor a note.
    FailedWithoutAction,
    /// The answer does not fit the item (wrong type, unknown choice, bad photo hash).
    InvalidAnswer,
}

/// Why an inspection cannot be completed yet, per item; `kind` lets a screen word it in
/// its own language, `reason` is plain English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub item: String,
    pub kind: ProblemKind,
    pub reason: String,
}

/// The answers of one inspection, keyed by item id.
pub type Answers = HashMap<String, Answer>;

/// The items shown for these answers, in template order: an item with a condition is shown
/// only when the item it depends on is itself shown and answered as the condition says.
pub fn visible_items<'t>(template: &'t ChecklistTemplate, answers: &Answers) -> Vec<&'t Item> {
    let mut shown: HashMap<&str, &Item> = HashMap::new();
    let mut out = Vec::new();
    for item in template.items() {
        let visible = match &item.relevant {
            None => true,
            Some(cond) => shown
                .get(cond.item.as_str())
                .is_some_and(|target| condition_met(target, cond, answers)),
        };
        if visible {
            shown.insert(item.id.as_str(), item);
            out.push(item);
        }
    }
    out
}

fn condition_met(target: &Item, cond: &Condition, answers: &Answers) -> bool {
    let Some(answer) = answers.get(&target.id) else {
        return false;
    };
    match (target.item_type, answer.value()) {
        (ItemType::Number, Value::Number(n)) => cond
            .equals
            .trim()
            .parse::<f64>()
            .is_ok_and(|want| want == *n),
        (ItemType::MultiChoice, Value::List(values)) => values.contains(&cond.equals),
        (ItemType::Photo, _) => false,
        (_, Value::Text(s)) => *s == cond.equals,
        _ => false,
    }
}

/// Whether `answer` fits `item`: the right kind of value, a known choice, photo hashes of
/// 64 hex digits. A number outside the item's bounds is acceptable here — it is a reading
/// that failed (see [`is_failed`]), not a typing mistake. The error's field is the item id,
/// or `ITEM.photos[N]` for a bad photo hash.
pub fn check_answer(item: &Item, answer: &Answer) -> Result<(), Invalid> {
    let field = item.id.as_str();
    let value = answer.value();
    match (item.item_type, value) {
        (ItemType::PassFailNa, Value::Text(s)) => {
            if !PASS_FAIL_NA.contains(&s.as_str()) {
                return Err(Invalid::new(field, "must be pass, fail or na"));
            }
        }
        (ItemType::PassFailNa, _) => {
            return Err(Invalid::new(field, "must be pass, fail or na"));
        }
        (ItemType::Number, Value::Number(n)) => {
            if !n.is_finite() {
                return Err(Invalid::new(field, "must be a finite number"));
            }
        }
        (ItemType::Number, _) => return Err(Invalid::new(field, "must be a number")),
        (ItemType::Text, Value::Text(_)) => {}
        (ItemType::Text, _) => return Err(Invalid::new(field, "must be text")),
        (ItemType::SingleChoice, Value::Text(s)) => {
            if !item.has_choice(s) {
                return Err(Invalid::new(field, "is not one of the item's choices"));
            }
        }
        (ItemType::SingleChoice, _) => {
            return Err(Invalid::new(field, "must be one choice value"));
        }
        (ItemType::MultiChoice, Value::List(values)) => {
            let mut seen = HashSet::new();
            for (i, v) in values.iter().enumerate() {
                if !item.has_choice(v) {
                    return Err(Invalid::new(
                        format!("{field}[{i}]"),
                        "is not one of the item's choices",
                    ));
                }
                if !seen.insert(v) {
                    return Err(Invalid::new(format!("{field}[{i}]"), "is chosen twice"));
                }
            }
        }
        (ItemType::MultiChoice, _) => {
            return Err(Invalid::new(field, "must be a list of choice values"));
        }
        (ItemType::Photo, Value::List(hashes)) => {
            if !answer.evidence().is_empty() {
                return Err(Invalid::new(
                    format!("{field}.photos"),
                    "a photo item lists its photos as its value",
                ));
            }
            check_hashes(field, hashes)?;
        }
        (ItemType::Photo, _) => {
            return Err(Invalid::new(field, "must be a list of photo hashes"));
        }
    }
    check_hashes(&format!("{field}.photos"), answer.evidence())
}

fn check_hashes(field: &str, hashes: &[String]) -> Result<(), Invalid> {
    for (i, h) in hashes.iter().enumerate() {
        if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Invalid::new(
                format!("{field}[{i}]"),
                "is not an attachment hash (64 hex digits)",
            ));
        }
    }
    Ok(())
}

/// Whether this answer is a failure of the item: `"fail"` on a pass/fail item, or a number
/// outside the item's bounds. Other items never fail.
pub fn is_failed(item: &Item, answer: &Answer) -> bool {
    match (item.item_type, answer.value()) {
        (ItemType::PassFailNa, Value::Text(s)) => s == FAIL,
        (ItemType::Number, Value::Number(n)) => {
            item.min.is_some_and(|min| *n < min) || item.max.is_some_and(|max| *n > max)
        }
        _ => false,
    }
}

/// The shown items whose answer is a failure, in template order.
pub fn failed_items<'t>(template: &'t ChecklistTemplate, answers: &Answers) -> Vec<&'t Item> {
    visible_items(template, answers)
        .into_iter()
        .filter(|item| answers.get(&item.id).is_some_and(|a| is_failed(item, a)))
        .collect()
}

/// Photos attached to an item: a photo item's value, or the evidence of any other item.
fn photo_count(item: &Item, answer: Option<&Answer>) -> usize {
    match (item.item_type, answer) {
        (_, None) => 0,
        (ItemType::Photo, Some(a)) => match a.value() {
            Value::List(l) => l.len(),
            _ => 0,
        },
        (_, Some(a)) => a.evidence().len(),
    }
}

/// What stops this inspection from being completed, in template order; empty when it can be.
///
/// The inspectors' rule: among the items shown, none may be required and unanswered, none may
/// need a photo and have none, and every failed item (`"fail"`, or a number outside its
/// bounds) must have a hazard case or a note in `actions`. An answer that does not fit its
/// item ([`check_answer`]) is a problem too.
pub fn completion_problems(
    template: &ChecklistTemplate,
    answers: &Answers,
    actions: &HashMap<String, FailAction>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let problem = |item: &Item, kind: ProblemKind, reason: &str| Problem {
        item: item.id.clone(),
        kind,
        reason: reason.to_owned(),
    };
    for item in visible_items(template, answers) {
        let answer = answers.get(&item.id).filter(|a| !a.is_empty());
        if let Some(a) = answer
            && let Err(e) = check_answer(item, a)
        {
            problems.push(problem(item, ProblemKind::InvalidAnswer, &e.to_string()));
            continue;
        }
        let photos = photo_count(item, answer);
        if item.item_type == ItemType::Photo && (item.required || item.photo_required) {
            if photos == 0 {
                problems.push(problem(
                    item,
                    ProblemKind::MissingPhoto,
                    "a photo must be taken",
                ));
            }
            continue;
        }
        let Some(answer) = answer else {
            if item.required {
                problems.push(problem(
                    item,
                    ProblemKind::Unanswered,
                    "this item must be answered",
                ));
            }
            if item.photo_required {
                problems.push(problem(
                    item,
                    ProblemKind::MissingPhoto,
                    "a photo must be taken",
                ));
            }
            continue;
        };
        if item.photo_required && photos == 0 {
            problems.push(problem(
                item,
                ProblemKind::MissingPhoto,
                "a photo must be taken",
            ));
        }
        if is_failed(item, answer) && !actions.get(&item.id).is_some_and(FailAction::is_recorded) {
            problems.push(problem(
                item,
                ProblemKind::FailedWithoutAction,
                "failed: raise a hazard case or write a note",
            ));
        }
    }
    problems
}
