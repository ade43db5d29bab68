//! Safety-inspection checklists (巡查模板): the template model, the inspectors' rules for
//! answers, XLSForm import, and the built-in templates.
//!
//! Pure: nothing here touches the store. An inspection record keeps the template id and
//! version, the [`Answers`] and the [`FailAction`]s; this module says what to show, what is
//! acceptable and whether the inspection may be completed.

mod expr;
mod issue;
mod rules;
mod sheet;
mod survey;
mod template;
pub mod xlsform;

pub use issue::{IssueKind, select_word};
pub use rules::{
    Answer, Answers, FailAction, Problem, ProblemKind, Value, WithPhotos, check_answer,
    completion_problems, failed_items, is_failed, visible_items,
};
pub use template::{
    ChecklistTemplate, Choice, Condition, FAIL, Item, ItemType, NA, PASS, PASS_FAIL_NA, Section,
    Severity, ValueProblem, is_identifier,
};
pub use xlsform::{ImportReport, RowIssue, XlsFormError};

/// The expression parsers, for the fuzz targets in `fuzz/`: not an API, and not used by the
/// app. A bound comes back as its operator and number.
#[doc(hidden)]
pub mod fuzzing {
    pub fn relevant(expr: &str) -> Option<(String, String)> {
        super::expr::parse_relevant(expr)
    }

    pub fn bounds(expr: &str) -> Option<Vec<(&'static str, f64)>> {
        use super::expr::Bound;
        super::expr::parse_bounds(expr).map(|bounds| {
            bounds
                .into_iter()
                .map(|b| match b {
                    Bound::AtLeast(n) => (">=", n),
                    Bound::Above(n) => (">", n),
                    Bound::AtMost(n) => ("<=", n),
                    Bound::Below(n) => ("<", n),
                })
                .collect()
        })
    }
}

/// Templates by (id, version): what an inspection is checked against.
pub type Templates = std::collections::BTreeMap<(String, u32), ChecklistTemplate>;

/// The templates that ship with Gridkeeper, as JSON in `core/templates/`.
const BUILTIN: [&str; 2] = [
    include_str!("../../templates/fire_safety.json"),
    include_str!("../../templates/gas_electric_safety.json"),
];

/// The built-in templates: 消防安全 (`fire_safety`) and 燃气用电安全 (`gas_electric_safety`).
/// Both are checked by the crate's tests to parse and validate.
pub fn builtin_templates() -> Vec<ChecklistTemplate> {
    BUILTIN
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect()
}

/// The built-in template with this id.
pub fn builtin_template(id: &str) -> Option<ChecklistTemplate> {
    builtin_templates().into_iter().find(|t| t.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_json_parses_strictly() {
        for json in BUILTIN {
            let parsed: Result<ChecklistTemplate, _> = serde_json::from_str(json);
            if let Err(e) = parsed {
                panic!("built-in template does not parse: {e}");
            }
        }
    }
}
