//! The template model: what a checklist asks, in which order, and what a failure means.
//!
//! Templates are plain data (JSON, snake_case) so they can ship with the app, be imported
//! from an XLSForm, or be sent down by the street office; [`ChecklistTemplate::validate`]
//! is the one gate every template passes before an inspector sees it.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::error::Invalid;

/// A safety-inspection checklist (巡查模板), versioned so an inspection can name exactly
/// which questions it answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistTemplate {
    pub id: String,
    pub version: u32,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    /// The place types it is meant for (`shop`, `rental`, …); empty means any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub place_types: Vec<String>,
    pub sections: Vec<Section>,
}

/// A titled group of items, shown together (an XLSForm group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    pub items: Vec<Item>,
}

/// One question. `id` is the XLSForm `name`, unique across the template; answers are keyed by it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    /// The question in Chinese.
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    pub item_type: ItemType,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// What kind of hazard a failure is (`fire`, `electric`, `gas`, …): the subcategory of
    /// the hazard case raised for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hazard_category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_if_failed: Option<Severity>,
    /// Shown only when another, earlier item has a given answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<Condition>,
    /// For number items: readings below `min` or above `max` count as failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    /// The inspector must attach at least one photo to this item.
    #[serde(default, skip_serializing_if = "is_false")]
    pub photo_required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    /// 合格 / 不合格 / 不适用, answered `"pass"`, `"fail"` or `"na"`.
    PassFailNa,
    Number,
    Text,
    SingleChoice,
    MultiChoice,
    /// Answered with a list of photo blob hashes.
    Photo,
}

impl ItemType {
    /// Whether an answer to this type can be a failure (and so carry hazard metadata).
    pub fn can_fail(self) -> bool {
        matches!(self, ItemType::PassFailNa | ItemType::Number)
    }

    pub fn has_choices(self) -> bool {
        matches!(self, ItemType::SingleChoice | ItemType::MultiChoice)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

/// `item` must have been answered `equals` (for a multi-choice item: the selection contains
/// `equals`; for a number item: equals it numerically).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub item: String,
    pub equals: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
}

/// The answers a pass/fail/na item accepts.
pub const PASS: &str = "pass";
pub const FAIL: &str = "fail";
pub const NA: &str = "na";
pub const PASS_FAIL_NA: [&str; 3] = [PASS, FAIL, NA];

fn is_false(b: &bool) -> bool {
    !*b
}

/// Ids of templates, sections, items and choice values: a letter or `_`, then letters,
/// digits, `_` or `-` (what XLSForm allows in a `name`, less the dot).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn non_blank(field: &str, value: &str) -> Result<(), Invalid> {
    if value.trim().is_empty() {
        Err(Invalid::new(field, "must not be empty"))
    } else {
        Ok(())
    }
}

fn optional_non_blank(field: &str, value: Option<&str>) -> Result<(), Invalid> {
    value.map_or(Ok(()), |v| non_blank(field, v))
}

impl ChecklistTemplate {
    /// Every item, in template order.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items().find(|i| i.id == id)
    }

    /// Checks the template is usable: ids unique and well-formed, every condition points at
    /// an earlier item and a value it can take, choice items have choices, bounds are sane.
    /// The error names the field, e.g. `sections[0].items[2].relevant`.
    pub fn validate(&self) -> Result<(), Invalid> {
        if !is_identifier(&self.id) {
            return Err(Invalid::new(
                "id",
                "must start with a letter and hold only letters, digits, _ or -",
            ));
        }
        if self.version == 0 {
            return Err(Invalid::new("version", "must be 1 or more"));
        }
        non_blank("title", &self.title)?;
        optional_non_blank("title_en", self.title_en.as_deref())?;
        for (i, place_type) in self.place_types.iter().enumerate() {
            if !is_identifier(place_type) {
                return Err(Invalid::new(
                    format!("place_types[{i}]"),
                    "must be a place type name such as shop or rental",
                ));
            }
        }
        if self.items().next().is_none() {
            return Err(Invalid::new(
                "sections",
                "a template needs at least one item",
            ));
        }
        let mut section_ids = HashSet::new();
        // Items seen so far, for conditions (which may only look back).
        let mut earlier: HashMap<&str, &Item> = HashMap::new();
        for (s, section) in self.sections.iter().enumerate() {
            let path = format!("sections[{s}]");
            if !is_identifier(&section.id) {
                return Err(Invalid::new(
                    format!("{path}.id"),
                    "must start with a letter and hold only letters, digits, _ or -",
                ));
            }
            if !section_ids.insert(section.id.as_str()) {
                return Err(Invalid::new(
                    format!("{path}.id"),
                    "is used by another section",
                ));
            }
            non_blank(&format!("{path}.title"), &section.title)?;
            optional_non_blank(&format!("{path}.title_en"), section.title_en.as_deref())?;
            if section.items.is_empty() {
                return Err(Invalid::new(
                    format!("{path}.items"),
                    "a section needs at least one item",
                ));
            }
            for (n, item) in section.items.iter().enumerate() {
                let item_path = format!("{path}.items[{n}]");
                item.validate(&earlier).map_err(|e| e.within(&item_path))?;
                if earlier.insert(item.id.as_str(), item).is_some() {
                    return Err(Invalid::new(
                        format!("{item_path}.id"),
                        "is used by another item",
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Item {
    /// Validates one item; `earlier` holds the items before it. Paths are relative to the item.
    fn validate(&self, earlier: &HashMap<&str, &Item>) -> Result<(), Invalid> {
        if !is_identifier(&self.id) {
            return Err(Invalid::new(
                "id",
                "must start with a letter and hold only letters, digits, _ or -",
            ));
        }
        non_blank("label", &self.label)?;
        optional_non_blank("label_en", self.label_en.as_deref())?;
        if !self.item_type.can_fail() {
            if self.hazard_category.is_some() {
                return Err(Invalid::new(
                    "hazard_category",
                    "only pass/fail and number items can fail",
                ));
            }
            if self.severity_if_failed.is_some() {
                return Err(Invalid::new(
                    "severity_if_failed",
                    "only pass/fail and number items can fail",
                ));
            }
        }
        if let Some(category) = &self.hazard_category
            && !is_identifier(category)
        {
            return Err(Invalid::new(
                "hazard_category",
                "must be a category name such as fire, electric or gas",
            ));
        }
        self.validate_bounds()?;
        self.validate_choices()?;
        if let Some(cond) = &self.relevant {
            validate_condition(&self.id, cond, earlier)?;
        }
        Ok(())
    }

    fn validate_bounds(&self) -> Result<(), Invalid> {
        for (field, bound) in [("min", self.min), ("max", self.max)] {
            if let Some(b) = bound {
                if self.item_type != ItemType::Number {
                    return Err(Invalid::new(field, "only number items have bounds"));
                }
                if !b.is_finite() {
                    return Err(Invalid::new(field, "must be a finite number"));
                }
            }
        }
        if let (Some(min), Some(max)) = (self.min, self.max)
            && min > max
        {
            return Err(Invalid::new("min", "must not be greater than max"));
        }
        Ok(())
    }

    fn validate_choices(&self) -> Result<(), Invalid> {
        if !self.item_type.has_choices() {
            if !self.choices.is_empty() {
                return Err(Invalid::new(
                    "choices",
                    "only single_choice and multi_choice items have choices",
                ));
            }
            return Ok(());
        }
        if self.choices.is_empty() {
            return Err(Invalid::new(
                "choices",
                "a choice item needs at least one choice",
            ));
        }
        let mut values = HashSet::new();
        for (c, choice) in self.choices.iter().enumerate() {
            let path = format!("choices[{c}]");
            if choice.value.trim().is_empty() || choice.value.trim() != choice.value {
                return Err(Invalid::new(
                    format!("{path}.value"),
                    "must not be empty or start or end with spaces",
                ));
            }
            if !values.insert(choice.value.as_str()) {
                return Err(Invalid::new(
                    format!("{path}.value"),
                    "is used by another choice of this item",
                ));
            }
            non_blank(&format!("{path}.label"), &choice.label)?;
            optional_non_blank(&format!("{path}.label_en"), choice.label_en.as_deref())?;
        }
        Ok(())
    }

    /// Whether `value` is one of this item's choice values.
    pub fn has_choice(&self, value: &str) -> bool {
        self.choices.iter().any(|c| c.value == value)
    }

    /// Whether a value can ever satisfy a condition on this item; `None` if it can, else why not.
    pub(crate) fn condition_value_problem(&self, value: &str) -> Option<ValueProblem> {
        match self.item_type {
            ItemType::PassFailNa if !PASS_FAIL_NA.contains(&value) => {
                Some(ValueProblem::NotPassFailNa)
            }
            ItemType::SingleChoice | ItemType::MultiChoice if !self.has_choice(value) => {
                Some(ValueProblem::NotAChoice)
            }
            ItemType::Number if !value.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
                Some(ValueProblem::NotANumber)
            }
            ItemType::Photo => Some(ValueProblem::OnPhoto),
            _ => None,
        }
    }
}

/// Why a condition's value can never match the item it refers to (worded in `issue.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueProblem {
    NotPassFailNa,
    NotAChoice,
    NotANumber,
    OnPhoto,
}

fn validate_condition(
    own_id: &str,
    cond: &Condition,
    earlier: &HashMap<&str, &Item>,
) -> Result<(), Invalid> {
    if cond.item == own_id {
        return Err(Invalid::new(
            "relevant.item",
            "cannot refer to the item itself",
        ));
    }
    let Some(target) = earlier.get(cond.item.as_str()) else {
        return Err(Invalid::new(
            "relevant.item",
            "must name an item that comes earlier in the template",
        ));
    };
    if let Some(problem) = target.condition_value_problem(&cond.equals) {
        return Err(Invalid::new("relevant.equals", problem.to_string()));
    }
    Ok(())
}
